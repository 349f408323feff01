/** @file
 *
 * A network device and a transport for network-stack tests
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/net_dummy.h"
#include "net/ethernet.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/tcpip.h"
#include "core/endian.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/string.h"

/** The peer's hardware address in frames fed to the device */
const uint8_t net_dummy_peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x00,
					       0x00, 0x00, 0x01 };

/** The device's own hardware address */
static const uint8_t net_dummy_mac[ETH_ALEN] = { 0x02, 0x00, 0x00,
						 0x00, 0x00, 0x02 };

/** What the test transport received last */
struct net_dummy_delivery net_dummy_delivered;

/** The dummy device's private data */
struct net_dummy {
	/** Copies of the frames sent, oldest first */
	struct list_head sent;
	/** Number of frames in sent */
	unsigned int count;
};

/**
 * Open: nothing to do but report the link
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int net_dummy_open(struct net_device *netdev)
{
	netdev_link_up(netdev);
	return 0;
}

/**
 * Close: nothing to do
 *
 * @v netdev		Network device
 */
static void net_dummy_close(struct net_device *netdev)
{
}

/**
 * Keep a copy of a frame and complete it
 *
 * @v netdev		Network device
 * @v iob		Frame
 * @ret rc		Return status code
 */
static int net_dummy_transmit(struct net_device *netdev, struct io_buffer *iob)
{
	struct net_dummy *dummy = netdev->priv;
	struct io_buffer *copy;

	copy = iob_alloc(iob_len(iob));
	if (copy) {
		memcpy(iob_put(copy, iob_len(iob)), iob->data, iob_len(iob));
		list_add_tail(&copy->list, &dummy->sent);
		dummy->count++;
	}
	netdev_tx_complete(netdev, iob);
	return 0;
}

/**
 * Poll: frames arrive through net_dummy_rx()
 *
 * @v netdev		Network device
 */
static void net_dummy_poll(struct net_device *netdev)
{
}

/** Dummy device operations */
static const struct net_device_operations net_dummy_operations = {
	.open = net_dummy_open,
	.close = net_dummy_close,
	.transmit = net_dummy_transmit,
	.poll = net_dummy_poll,
};

/**
 * Create, register and open a dummy device
 *
 * @ret netdev		Network device (the caller holds a reference)
 */
struct net_device *net_dummy_create(void)
{
	struct net_device *netdev;
	struct net_dummy *dummy;

	netdev = netdev_alloc(sizeof(*dummy));
	if (!netdev)
		return NULL;
	dummy = netdev->priv;
	INIT_LIST_HEAD(&dummy->sent);
	netdev->op = &net_dummy_operations;
	memcpy(netdev->hw_addr, net_dummy_mac, ETH_ALEN);
	netdev_register(netdev);
	netdev_open(netdev);
	memset(&net_dummy_delivered, 0, sizeof(net_dummy_delivered));
	return netdev;
}

/**
 * Throw away the frames kept
 *
 * @v netdev		Network device
 */
void net_dummy_tx_flush(struct net_device *netdev)
{
	struct io_buffer *iob;

	while ((iob = net_dummy_tx_pop(netdev)) != NULL)
		iob_free(iob);
}

/**
 * Close, unregister and drop a dummy device
 *
 * @v netdev		Network device
 */
void net_dummy_destroy(struct net_device *netdev)
{
	ipv4_route_del_netdev(netdev);
	netdev_unregister(netdev);
	net_dummy_tx_flush(netdev);
	netdev_put(netdev);
}

/**
 * Feed a received frame through the device and the protocols
 *
 * @v netdev		Network device
 * @v frame		Frame, Ethernet header included
 * @v len		Length
 */
void net_dummy_rx(struct net_device *netdev, const void *frame, size_t len)
{
	struct io_buffer *iob;

	/* Exactly the frame's size: no slack for a parser to lean on */
	iob = iob_alloc(len);
	if (!iob)
		return;
	memcpy(iob_put(iob, len), frame, len);
	netdev_rx(netdev, iob);
	netdev_poll(netdev);
}

/**
 * Feed a packet in an Ethernet frame from the peer to the device
 *
 * @v netdev		Network device
 * @v net_proto		Ethernet type (host byte order)
 * @v packet		Packet
 * @v len		Length
 */
void net_dummy_rx_eth(struct net_device *netdev, uint16_t net_proto,
		      const void *packet, size_t len)
{
	struct ethhdr *ethhdr;
	struct io_buffer *iob;

	iob = iob_alloc(ETH_HLEN + len);
	if (!iob)
		return;
	ethhdr = iob_put(iob, ETH_HLEN);
	memcpy(ethhdr->h_dest, netdev->ll_addr, ETH_ALEN);
	memcpy(ethhdr->h_source, net_dummy_peer_mac, ETH_ALEN);
	ethhdr->h_protocol = htons(net_proto);
	memcpy(iob_put(iob, len), packet, len);
	netdev_rx(netdev, iob);
	netdev_poll(netdev);
}

/**
 * Feed an ICMP "destination unreachable" quoting a packet, from the peer
 *
 * @v netdev		Network device
 * @v code		ICMP code (ICMP_PORT_UNREACHABLE...)
 * @v from		Address the error comes from
 * @v to		Address it goes to (ours)
 * @v quote		Quoted packet, from its IP header on
 * @v quote_len		Bytes quoted (at most NET_DUMMY_QUOTE_MAX)
 */
void net_dummy_rx_unreachable(struct net_device *netdev, uint8_t code,
			      const char *from, const char *to,
			      const void *quote, size_t quote_len)
{
	uint8_t packet[20 + ICMP_ERROR_HEADER_LEN + NET_DUMMY_QUOTE_MAX];
	uint8_t *icmp = &packet[20];
	size_t icmp_len = (ICMP_ERROR_HEADER_LEN + quote_len);
	uint16_t csum;

	if (quote_len > NET_DUMMY_QUOTE_MAX)
		return;
	memset(icmp, 0, ICMP_ERROR_HEADER_LEN);
	icmp[0] = ICMP_DEST_UNREACHABLE;
	icmp[1] = code;
	memcpy(&icmp[ICMP_ERROR_HEADER_LEN], quote, quote_len);
	csum = tcpip_chksum(icmp, icmp_len);
	memcpy(&icmp[2], &csum, sizeof(csum));
	net_dummy_ip_header(packet, icmp_len, IP_ICMP, from, to, 3, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, (20 + icmp_len));
}

/**
 * Take the oldest frame sent
 *
 * @v netdev		Network device
 * @ret iob		Frame (the caller frees it), or NULL
 */
struct io_buffer *net_dummy_tx_pop(struct net_device *netdev)
{
	struct net_dummy *dummy = netdev->priv;
	struct io_buffer *iob;

	if (list_empty(&dummy->sent))
		return NULL;
	iob = list_first_entry(&dummy->sent, struct io_buffer, list);
	list_del(&iob->list);
	dummy->count--;
	return iob;
}

/**
 * Count the frames sent and not taken
 *
 * @v netdev		Network device
 * @ret count		Number of frames
 */
unsigned int net_dummy_tx_count(struct net_device *netdev)
{
	struct net_dummy *dummy = netdev->priv;

	return dummy->count;
}

/**
 * Parse an address (tests only use valid ones)
 *
 * @v text		Dotted quad
 * @ret addr		Address
 */
struct in_addr net_dummy_addr(const char *text)
{
	struct in_addr addr = { 0 };

	inet_aton(text, &addr);
	return addr;
}

/**
 * Write a valid 20-byte IPv4 header
 *
 * @v buf		Where to write it
 * @v payload_len	Payload length
 * @v protocol		Protocol
 * @v src		Source address
 * @v dest		Destination address
 * @v ident		Identification
 * @v frags		Flags and fragment offset (host byte order)
 */
void net_dummy_ip_header(void *buf, size_t payload_len, uint8_t protocol,
			 const char *src, const char *dest, uint16_t ident,
			 uint16_t frags)
{
	struct iphdr iphdr;

	memset(&iphdr, 0, sizeof(iphdr));
	iphdr.verhdrlen = (IP_VER | 5);
	iphdr.len = htons(sizeof(iphdr) + payload_len);
	iphdr.ident = htons(ident);
	iphdr.frags = htons(frags);
	iphdr.ttl = IP_TTL;
	iphdr.protocol = protocol;
	iphdr.src = net_dummy_addr(src);
	iphdr.dest = net_dummy_addr(dest);
	iphdr.chksum = tcpip_chksum(&iphdr, sizeof(iphdr));
	memcpy(buf, &iphdr, sizeof(iphdr));
}

/**
 * Record a segment handed to the test transport
 *
 * @v iob		Segment (freed)
 * @v netdev		Device it came in on
 * @v st_src		Source address
 * @v st_dest		Destination address
 * @v pshdr_csum	Pseudo-header checksum
 * @ret rc		Return status code
 */
static int net_dummy_protocol_rx(struct io_buffer *iob,
				 struct net_device *netdev,
				 struct sockaddr_tcpip *st_src,
				 struct sockaddr_tcpip *st_dest,
				 uint16_t pshdr_csum)
{
	struct net_dummy_delivery *delivered = &net_dummy_delivered;
	size_t len = iob_len(iob);

	delivered->count++;
	delivered->len = len;
	if (len > sizeof(delivered->data))
		len = sizeof(delivered->data);
	memcpy(delivered->data, iob->data, len);
	memcpy(&delivered->src, st_src, sizeof(delivered->src));
	memcpy(&delivered->dest, st_dest, sizeof(delivered->dest));
	delivered->pshdr_csum = pshdr_csum;
	iob_free(iob);
	return 0;
}

/** The test transport */
struct tcpip_protocol net_dummy_protocol __tcpip_protocol = {
	.name = "TEST",
	.tcpip_proto = NET_DUMMY_PROTO,
	.rx = net_dummy_protocol_rx,
};
