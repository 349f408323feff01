#ifndef TESTS_UNIT_NET_DUMMY_H
#define TESTS_UNIT_NET_DUMMY_H

/** @file
 *
 * A network device for tests: frames fed to it go through netdev_rx()
 * and the protocols exactly as a NIC's would, and frames sent on it are
 * kept for the test to inspect.  Also a transport (IP protocol 253,
 * reserved for experiments by RFC 3692) that records what IPv4 hands
 * it.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/netdevice.h"
#include "net/socket.h"
#include "net/tcpip.h"

/** Most bytes net_dummy_rx_unreachable() quotes */
#define NET_DUMMY_QUOTE_MAX 64

/** The experimental IP protocol number the test transport uses */
#define NET_DUMMY_PROTO 253

/** What the test transport received last */
struct net_dummy_delivery {
	/** Segments received */
	unsigned int count;
	/** Length of the last */
	size_t len;
	/** Its data (up to the size of this buffer) */
	uint8_t data[2048];
	/** Its source */
	struct sockaddr_in src;
	/** Its destination */
	struct sockaddr_in dest;
	/** Its pseudo-header checksum */
	uint16_t pshdr_csum;
};

extern struct tcpip_protocol net_dummy_protocol;
extern struct net_dummy_delivery net_dummy_delivered;

/** The peer's hardware address in frames fed to the device */
extern const uint8_t net_dummy_peer_mac[ETH_ALEN];

extern struct net_device *net_dummy_create(void);
extern void net_dummy_destroy(struct net_device *netdev);
extern void net_dummy_rx(struct net_device *netdev, const void *frame,
			 size_t len);
extern void net_dummy_rx_eth(struct net_device *netdev, uint16_t net_proto,
			     const void *packet, size_t len);
extern void net_dummy_rx_unreachable(struct net_device *netdev, uint8_t code,
				     const char *from, const char *to,
				     const void *quote, size_t quote_len);
extern struct io_buffer *net_dummy_tx_pop(struct net_device *netdev);
extern unsigned int net_dummy_tx_count(struct net_device *netdev);
extern void net_dummy_tx_flush(struct net_device *netdev);
extern void net_dummy_ip_header(void *buf, size_t payload_len, uint8_t protocol,
				const char *src, const char *dest,
				uint16_t ident, uint16_t frags);
extern struct in_addr net_dummy_addr(const char *text);

#endif /* TESTS_UNIT_NET_DUMMY_H */
