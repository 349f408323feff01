/** @file
 *
 * Unit tests: UDP sockets (binding, sending from 0.0.0.0 to the limited
 * broadcast, receiving, checksums), ICMP echo replies, and ICMP "port
 * unreachable" closing the socket it concerns
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/net_dummy.h"
#include "net/arp.h"
#include "net/ethernet.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/string.h"
#include "core/xfer.h"

/** Our address in these tests */
#define OURS "192.0.2.10"
/** The peer's */
#define PEER "192.0.2.1"

/** A test socket's owner: records what it receives */
struct udp_test_owner {
	/** Endpoint plugged into the socket */
	struct xfer xfer;
	/** Datagrams received */
	unsigned int count;
	/** Last datagram */
	uint8_t data[64];
	/** Its length */
	size_t len;
	/** Its source */
	struct sockaddr_in src;
	/** Its device */
	struct net_device *netdev;
	/** The socket closed */
	int closed;
	/** Why */
	int rc;
};

/**
 * Record a datagram
 *
 * @v xfer		Owner's endpoint
 * @v iob		Datagram (freed)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int udp_test_deliver(struct xfer *xfer, struct io_buffer *iob,
			    struct xfer_metadata *meta)
{
	struct udp_test_owner *owner =
		container_of(xfer, struct udp_test_owner, xfer);

	owner->count++;
	owner->len = iob_len(iob);
	if (owner->len <= sizeof(owner->data))
		memcpy(owner->data, iob->data, owner->len);
	if (meta && meta->src)
		memcpy(&owner->src, meta->src, sizeof(owner->src));
	owner->netdev = (meta ? meta->netdev : NULL);
	iob_free(iob);
	return 0;
}

/**
 * Note a close
 *
 * @v xfer		Owner's endpoint
 * @v rc		Reason
 */
static void udp_test_close(struct xfer *xfer, int rc)
{
	struct udp_test_owner *owner =
		container_of(xfer, struct udp_test_owner, xfer);

	owner->closed = 1;
	owner->rc = rc;
}

/** What a test owner does */
static const struct xfer_operations udp_test_operations = {
	.deliver = udp_test_deliver,
	.close = udp_test_close,
};

/**
 * Open a socket for a test owner
 *
 * @v owner		Owner
 * @v peer		Peer address
 * @v peer_port		Peer port
 * @v local_port	Local port, or 0
 * @ret rc		Return status code
 */
static int udp_test_open(struct udp_test_owner *owner, const char *peer,
			 uint16_t peer_port, uint16_t local_port)
{
	struct sockaddr_in sin_peer;
	struct sockaddr_in sin_local;

	memset(owner, 0, sizeof(*owner));
	xfer_init(&owner->xfer, &udp_test_operations, NULL);
	memset(&sin_peer, 0, sizeof(sin_peer));
	sin_peer.sin_family = AF_INET;
	sin_peer.sin_addr = net_dummy_addr(peer);
	sin_peer.sin_port = htons(peer_port);
	memset(&sin_local, 0, sizeof(sin_local));
	sin_local.sin_family = AF_INET;
	sin_local.sin_port = htons(local_port);
	return xfer_open_socket(&owner->xfer, SOCK_DGRAM,
				(struct sockaddr *)&sin_peer,
				(struct sockaddr *)&sin_local);
}

/**
 * Build a UDP datagram in an IPv4 packet
 *
 * @v packet		Buffer
 * @v src		Source address
 * @v dest		Destination address
 * @v src_port		Source port
 * @v dest_port		Destination port
 * @v data		Payload
 * @v len		Payload length
 * @ret packet_len	Packet length
 */
static size_t udp_test_packet(uint8_t *packet, const char *src,
			      const char *dest, uint16_t src_port,
			      uint16_t dest_port, const void *data, size_t len)
{
	struct udp_header *udphdr = (struct udp_header *)(packet + 20);
	struct {
		struct in_addr src;
		struct in_addr dest;
		uint8_t zero;
		uint8_t protocol;
		uint16_t len;
	} __attribute__((packed)) pshdr;
	uint16_t csum;

	net_dummy_ip_header(packet, sizeof(*udphdr) + len, IP_UDP, src, dest, 7,
			    0);
	udphdr->src = htons(src_port);
	udphdr->dest = htons(dest_port);
	udphdr->len = htons(sizeof(*udphdr) + len);
	udphdr->chksum = 0;
	memcpy(packet + 28, data, len);
	pshdr.src = net_dummy_addr(src);
	pshdr.dest = net_dummy_addr(dest);
	pshdr.zero = 0;
	pshdr.protocol = IP_UDP;
	pshdr.len = udphdr->len;
	csum = tcpip_chksum(&pshdr, sizeof(pshdr));
	csum = tcpip_continue_chksum(csum, udphdr, sizeof(*udphdr) + len);
	udphdr->chksum = (csum ? csum : 0xffff);
	return (28 + len);
}

/**
 * Check a sent UDP datagram's checksum, pseudo-header included
 *
 * @v iphdr		IPv4 header of the sent packet
 * @ret ok		Checksum verifies
 */
static int udp_test_verify(const struct iphdr *iphdr)
{
	const uint8_t *udp = ((const uint8_t *)iphdr + 20);
	size_t len = (ntohs(iphdr->len) - 20);
	struct {
		struct in_addr src;
		struct in_addr dest;
		uint8_t zero;
		uint8_t protocol;
		uint16_t len;
	} __attribute__((packed)) pshdr;
	uint16_t csum;

	pshdr.src = iphdr->src;
	pshdr.dest = iphdr->dest;
	pshdr.zero = 0;
	pshdr.protocol = IP_UDP;
	pshdr.len = htons(len);
	csum = tcpip_chksum(&pshdr, sizeof(pshdr));
	return (tcpip_continue_chksum(csum, udp, len) == 0);
}

/** DHCP's case: from 0.0.0.0:68 out of a device to 255.255.255.255:67 */
UNIT_TEST(udp_broadcast_from_nowhere)
{
	struct net_device *netdev = net_dummy_create();
	struct udp_test_owner owner;
	struct xfer_metadata meta;
	struct sockaddr_in dest;
	struct io_buffer *iob;
	struct ethhdr *ethhdr;
	struct iphdr *iphdr;
	struct udp_header *udphdr;
	uint8_t packet[64];
	size_t len;

	ok(udp_test_open(&owner, "255.255.255.255", 67, 68) == 0);
	memset(&meta, 0, sizeof(meta));
	meta.netdev = netdev;
	iob = xfer_alloc_iob(&owner.xfer, 8);
	memcpy(iob_put(iob, 8), "discover", 8);
	ok(xfer_deliver(&owner.xfer, iob, &meta) == 0);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL);
	if (iob) {
		ethhdr = iob->data;
		iphdr = (struct iphdr *)(ethhdr + 1);
		udphdr = (struct udp_header *)(iphdr + 1);
		ok(memcmp(ethhdr->h_dest, eth_broadcast, ETH_ALEN) == 0);
		ok(iphdr->src.s_addr == 0);
		ok(iphdr->dest.s_addr == INADDR_BROADCAST);
		ok(iphdr->protocol == IP_UDP);
		ok(tcpip_chksum(iphdr, 20) == 0);
		ok(udphdr->src == htons(68) && udphdr->dest == htons(67));
		ok(udphdr->len == htons(16));
		ok(memcmp(udphdr + 1, "discover", 8) == 0);
		ok(udphdr->chksum != 0 && udp_test_verify(iphdr));
		iob_free(iob);
	}

	/* The same by the destination's scope */
	memset(&dest, 0, sizeof(dest));
	dest.sin_family = AF_INET;
	dest.sin_addr.s_addr = INADDR_BROADCAST;
	dest.sin_port = htons(67);
	dest.sin_scope_id = netdev->index;
	memset(&meta, 0, sizeof(meta));
	meta.dest = (struct sockaddr *)&dest;
	iob = xfer_alloc_iob(&owner.xfer, 7);
	memcpy(iob_put(iob, 7), "request", 7);
	ok(xfer_deliver(&owner.xfer, iob, &meta) == 0);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL);
	if (iob) {
		iphdr = (struct iphdr *)(iob->data + ETH_HLEN);
		ok(iphdr->dest.s_addr == INADDR_BROADCAST);
		ok(udp_test_verify(iphdr));
		iob_free(iob);
	}

	/* The server's unicast offer to the address it offers arrives */
	len = udp_test_packet(packet, PEER, "192.0.2.50", 67, 68, "offer", 5);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 1);
	ok(owner.len == 5 && memcmp(owner.data, "offer", 5) == 0);
	ok(owner.src.sin_addr.s_addr == net_dummy_addr(PEER).s_addr);
	ok(owner.src.sin_port == htons(67));
	ok(owner.netdev == netdev);

	xfer_close(&owner.xfer, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 1);
	net_dummy_destroy(netdev);
}

/** Received checksums: zero means none; wrong ones and bad lengths drop */
UNIT_TEST(udp_rx_checks)
{
	struct net_device *netdev = net_dummy_create();
	struct udp_test_owner owner;
	uint8_t packet[64];
	size_t len;

	ipv4_route_add(netdev, net_dummy_addr(OURS),
		       net_dummy_addr("255.255.255.0"),
		       net_dummy_addr("0.0.0.0"));
	ok(udp_test_open(&owner, PEER, 69, 1069) == 0);
	len = udp_test_packet(packet, PEER, OURS, 69, 1069, "good", 4);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 1);
	/* No checksum */
	packet[26] = packet[27] = 0;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 2);
	/* Wrong checksum */
	len = udp_test_packet(packet, PEER, OURS, 69, 1069, "good", 4);
	packet[26] ^= 0x10;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 2);
	/* Data changed under the checksum */
	len = udp_test_packet(packet, PEER, OURS, 69, 1069, "good", 4);
	packet[30] ^= 0x01;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 2);
	/* UDP length longer, then shorter, than the packet */
	len = udp_test_packet(packet, PEER, OURS, 69, 1069, "good", 4);
	packet[25] = 13;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	packet[25] = 7;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 2);
	/* Shorter than a header */
	net_dummy_ip_header(packet, 6, IP_UDP, PEER, OURS, 1, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 26);
	/* Another port */
	len = udp_test_packet(packet, PEER, OURS, 69, 1070, "good", 4);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(owner.count == 2);
	xfer_close(&owner.xfer, 0);
	net_dummy_destroy(netdev);
}

/** A checksum that comes out as zero is sent as all ones */
UNIT_TEST(udp_tx_zero_checksum)
{
	struct net_device *netdev = net_dummy_create();
	struct udp_test_owner owner;
	struct xfer_metadata meta;
	struct io_buffer *iob;
	struct iphdr *iphdr;
	struct udp_header *udphdr;
	uint8_t data[4] = { 1, 2, 0, 0 };
	uint16_t csum = 0;

	memset(&meta, 0, sizeof(meta));
	meta.netdev = netdev;
	ok(udp_test_open(&owner, "255.255.255.255", 4000, 4001) == 0);
	/* Learn the checksum with a zero last word... */
	iob = xfer_alloc_iob(&owner.xfer, sizeof(data));
	memcpy(iob_put(iob, sizeof(data)), data, sizeof(data));
	ok(xfer_deliver(&owner.xfer, iob, &meta) == 0);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL);
	if (iob) {
		udphdr = (struct udp_header *)(iob->data + ETH_HLEN + 20);
		csum = udphdr->chksum;
		iob_free(iob);
	}
	/* ...and put it there, so that the sum becomes all ones */
	memcpy(&data[2], &csum, sizeof(csum));
	iob = xfer_alloc_iob(&owner.xfer, sizeof(data));
	memcpy(iob_put(iob, sizeof(data)), data, sizeof(data));
	ok(xfer_deliver(&owner.xfer, iob, &meta) == 0);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL);
	if (iob) {
		iphdr = (struct iphdr *)(iob->data + ETH_HLEN);
		udphdr = (struct udp_header *)(iphdr + 1);
		ok(udphdr->chksum == 0xffff);
		ok(udp_test_verify(iphdr));
		iob_free(iob);
	}
	xfer_close(&owner.xfer, 0);
	net_dummy_destroy(netdev);
}

/** Local ports: a taken one is refused; ephemeral ones differ */
UNIT_TEST(udp_ports)
{
	struct udp_test_owner first;
	struct udp_test_owner second;
	struct udp_test_owner third;

	ok(udp_test_open(&first, PEER, 53, 5353) == 0);
	ok(udp_test_open(&second, PEER, 53, 5353) != 0);
	ok(udp_test_open(&second, PEER, 53, 0) == 0);
	ok(udp_test_open(&third, PEER, 53, 0) == 0);
	xfer_close(&first.xfer, 0);
	xfer_close(&second.xfer, 0);
	xfer_close(&third.xfer, 0);
	/* Closed ports are free again */
	ok(udp_test_open(&first, PEER, 53, 5353) == 0);
	xfer_close(&first.xfer, 0);
}

/** An echo request to us is answered with the same data */
UNIT_TEST(icmp_echo_reply)
{
	struct net_device *netdev = net_dummy_create();
	struct arp_ether_ipv4 arp;
	uint8_t packet[64];
	struct icmp_echo *echo = (struct icmp_echo *)(packet + 20);
	struct io_buffer *iob;
	struct ethhdr *ethhdr;
	struct iphdr *iphdr;
	struct icmp_echo *reply;

	ipv4_route_add(netdev, net_dummy_addr(OURS),
		       net_dummy_addr("255.255.255.0"),
		       net_dummy_addr("0.0.0.0"));
	/* Let the stack learn the peer, as its ARP request would */
	memset(&arp, 0, sizeof(arp));
	arp.hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp.hdr.ar_pro = htons(ETH_P_IP);
	arp.hdr.ar_hln = ETH_ALEN;
	arp.hdr.ar_pln = 4;
	arp.hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(arp.sha, net_dummy_peer_mac, ETH_ALEN);
	arp.spa = net_dummy_addr(PEER);
	arp.tpa = net_dummy_addr(OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	net_dummy_tx_flush(netdev);

	net_dummy_ip_header(packet, 8 + 5, IP_ICMP, PEER, OURS, 9, 0);
	memset(echo, 0, sizeof(*echo));
	echo->icmp.type = ICMP_ECHO_REQUEST;
	echo->ident = htons(0x1234);
	echo->sequence = htons(7);
	memcpy(packet + 28, "hello", 5);
	echo->icmp.chksum = tcpip_chksum(echo, 13);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 33);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL);
	if (iob) {
		ethhdr = iob->data;
		iphdr = (struct iphdr *)(ethhdr + 1);
		reply = (struct icmp_echo *)(iphdr + 1);
		ok(memcmp(ethhdr->h_dest, net_dummy_peer_mac, ETH_ALEN) == 0);
		ok(iphdr->src.s_addr == net_dummy_addr(OURS).s_addr);
		ok(iphdr->dest.s_addr == net_dummy_addr(PEER).s_addr);
		ok(ntohs(iphdr->len) == 33);
		ok(reply->icmp.type == ICMP_ECHO_REPLY);
		ok(reply->ident == htons(0x1234));
		ok(reply->sequence == htons(7));
		ok(memcmp(reply + 1, "hello", 5) == 0);
		ok(tcpip_chksum(reply, 13) == 0);
		iob_free(iob);
	}
	/* Bad checksum, truncated, or to the broadcast address: ignored */
	echo->icmp.chksum ^= 1;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 33);
	net_dummy_ip_header(packet, 3, IP_ICMP, PEER, OURS, 9, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 23);
	net_dummy_ip_header(packet, 8 + 5, IP_ICMP, PEER, "255.255.255.255", 9,
			    0);
	echo->icmp.chksum = 0;
	echo->icmp.type = ICMP_ECHO_REQUEST;
	echo->icmp.chksum = tcpip_chksum(echo, 13);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 33);
	ok(net_dummy_tx_count(netdev) == 0);
	net_dummy_destroy(netdev);
}

/**
 * Feed an ICMP "destination unreachable" that quotes a UDP datagram
 *
 * @v netdev		Device
 * @v code		ICMP code
 * @v quoted_src	Quoted datagram's source address
 * @v src_port		Its source port
 * @v dest_port		Its destination port (to PEER)
 * @v quote_len		Bytes of the quoted datagram to include (28 for
 *			the IP and UDP headers)
 */
static void icmp_test_unreachable(struct net_device *netdev, uint8_t code,
				  const char *quoted_src, uint16_t src_port,
				  uint16_t dest_port, size_t quote_len)
{
	uint8_t quote[28 + 8];

	udp_test_packet(quote, quoted_src, PEER, src_port, dest_port,
			"RRQ.....", 8);
	net_dummy_rx_unreachable(netdev, code, PEER, OURS, quote, quote_len);
}

/** "Port unreachable" for a datagram to the socket's peer closes it with
 * "connection refused"; anything less exact leaves it open */
UNIT_TEST(icmp_port_unreachable)
{
	struct net_device *netdev = net_dummy_create();
	struct udp_test_owner owner;

	ipv4_route_add(netdev, net_dummy_addr(OURS),
		       net_dummy_addr("255.255.255.0"),
		       net_dummy_addr("0.0.0.0"));
	ok(udp_test_open(&owner, PEER, 69, 40000) == 0);
	/* Another destination port, another local port, another source,
	 * another code, a quote cut before the ports: ignored
	 */
	icmp_test_unreachable(netdev, ICMP_PORT_UNREACHABLE, OURS, 40000, 70,
			      28);
	icmp_test_unreachable(netdev, ICMP_PORT_UNREACHABLE, OURS, 40001, 69,
			      28);
	icmp_test_unreachable(netdev, ICMP_PORT_UNREACHABLE, "192.0.2.99",
			      40000, 69, 28);
	icmp_test_unreachable(netdev, 1, OURS, 40000, 69, 28);
	icmp_test_unreachable(netdev, ICMP_PORT_UNREACHABLE, OURS, 40000, 69,
			      22);
	icmp_test_unreachable(netdev, ICMP_PORT_UNREACHABLE, OURS, 40000, 69,
			      10);
	ok(!owner.closed);
	/* The real thing: the peer's TFTP port has no listener */
	icmp_test_unreachable(netdev, ICMP_PORT_UNREACHABLE, OURS, 40000, 69,
			      28);
	ok(owner.closed);
	ok(ERROR_CLASS(owner.rc) == ERRCLASS_ECONNREFUSED);
	/* The port is free again */
	ok(udp_test_open(&owner, PEER, 69, 40000) == 0);
	xfer_close(&owner.xfer, 0);
	net_dummy_destroy(netdev);
}
