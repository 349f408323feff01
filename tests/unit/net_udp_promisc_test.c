/** @file
 *
 * Unit tests: the promiscuous UDP socket behind the PXE API's UDP calls
 *
 * It takes what no other socket takes, whatever the port, with the
 * addresses in the metadata, and sends from the port the sender names.
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/net_dummy.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/tcpip.h"
#include "net/udp.h"
#include "core/endian.h"
#include "core/iobuf.h"
#include "core/string.h"
#include "core/xfer.h"

/** Our address in these tests */
#define OURS "192.0.2.10"
/** The peer's */
#define PEER "192.0.2.1"

/** A socket's owner: counts datagrams, keeps the last one's ports */
struct promisc_test_owner {
	/** Endpoint plugged into the socket */
	struct xfer xfer;
	/** Datagrams received */
	unsigned int count;
	/** Last datagram's destination port (network byte order) */
	uint16_t dest_port;
	/** Last datagram's source port */
	uint16_t src_port;
};

/**
 * Count a datagram
 *
 * @v xfer		Owner's endpoint
 * @v iob		Datagram (freed)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int promisc_test_deliver(struct xfer *xfer, struct io_buffer *iob,
				struct xfer_metadata *meta)
{
	struct promisc_test_owner *owner =
		container_of(xfer, struct promisc_test_owner, xfer);

	owner->count++;
	if (meta && meta->dest)
		owner->dest_port = ((struct sockaddr_in *)meta->dest)->sin_port;
	if (meta && meta->src)
		owner->src_port = ((struct sockaddr_in *)meta->src)->sin_port;
	iob_free(iob);
	return 0;
}

/** What a test owner does */
static const struct xfer_operations promisc_test_operations = {
	.deliver = promisc_test_deliver,
};

/**
 * Build an IPv4 packet with a UDP datagram (no UDP checksum)
 *
 * @v packet		Buffer (at least 28 + len bytes)
 * @v src_port		Source port
 * @v dest_port		Destination port
 * @v data		Payload
 * @v len		Payload length
 * @ret packet_len	Packet length
 */
static size_t promisc_test_packet(uint8_t *packet, uint16_t src_port,
				  uint16_t dest_port, const void *data,
				  size_t len)
{
	struct udp_header *udphdr = (struct udp_header *)(packet + 20);

	net_dummy_ip_header(packet, sizeof(*udphdr) + len, IP_UDP, PEER, OURS,
			    9, 0);
	udphdr->src = htons(src_port);
	udphdr->dest = htons(dest_port);
	udphdr->len = htons(sizeof(*udphdr) + len);
	udphdr->chksum = 0;
	memcpy(packet + 28, data, len);
	return (28 + len);
}

/** Ports another socket holds go to it; every other port to the
 * promiscuous socket; sends go from the port named */
UNIT_TEST(udp_promisc)
{
	struct net_device *netdev = net_dummy_create();
	struct promisc_test_owner bound;
	struct promisc_test_owner promisc;
	struct sockaddr_in peer;
	struct sockaddr_in local;
	struct sockaddr_in src;
	struct sockaddr_in dest;
	struct xfer_metadata meta;
	struct io_buffer *iob;
	struct udp_header *udphdr;
	uint8_t packet[64];
	size_t len;

	ipv4_route_add(netdev, net_dummy_addr(OURS),
		       net_dummy_addr("255.255.255.0"),
		       net_dummy_addr("0.0.0.0"));
	memset(&bound, 0, sizeof(bound));
	memset(&promisc, 0, sizeof(promisc));
	xfer_init(&bound.xfer, &promisc_test_operations, NULL);
	xfer_init(&promisc.xfer, &promisc_test_operations, NULL);
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_addr = net_dummy_addr(PEER);
	peer.sin_port = htons(69);
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons(1069);
	ok(xfer_open_socket(&bound.xfer, SOCK_DGRAM, (struct sockaddr *)&peer,
			    (struct sockaddr *)&local) == 0);
	ok(udp_open_promisc(&promisc.xfer) == 0);

	/* The bound socket keeps its port */
	len = promisc_test_packet(packet, 69, 1069, "mine", 4);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(bound.count == 1 && promisc.count == 0);

	/* Any other port: the promiscuous socket, with the addresses */
	len = promisc_test_packet(packet, 69, 2000, "any", 3);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(bound.count == 1 && promisc.count == 1);
	ok(promisc.dest_port == htons(2000));
	ok(promisc.src_port == htons(69));

	/* A send from the port the sender names (broadcast: no ARP) */
	memset(&dest, 0, sizeof(dest));
	dest.sin_family = AF_INET;
	dest.sin_addr.s_addr = INADDR_BROADCAST;
	dest.sin_port = htons(69);
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_port = htons(3333);
	memset(&meta, 0, sizeof(meta));
	meta.src = (struct sockaddr *)&src;
	meta.dest = (struct sockaddr *)&dest;
	meta.netdev = netdev;
	iob = xfer_alloc_iob(&promisc.xfer, 4);
	memcpy(iob_put(iob, 4), "sent", 4);
	ok(xfer_deliver(&promisc.xfer, iob, &meta) == 0);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL);
	if (iob) {
		udphdr = (struct udp_header *)(iob->data + ETH_HLEN + 20);
		ok(udphdr->src == htons(3333));
		ok(udphdr->dest == htons(69));
		ok(memcmp(udphdr + 1, "sent", 4) == 0);
		iob_free(iob);
	}
	net_dummy_tx_flush(netdev);

	/* Closed: nothing more reaches it */
	xfer_close(&promisc.xfer, 0);
	len = promisc_test_packet(packet, 69, 2000, "any", 3);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	ok(promisc.count == 1);
	xfer_close(&bound.xfer, 0);
	net_dummy_destroy(netdev);
}
