#ifndef NET_ETHERNET_H
#define NET_ETHERNET_H

/** @file
 *
 * Ethernet II framing
 */

#include <stdint.h>
#include "net/netdevice.h"

/** An Ethernet header */
struct ethhdr {
	/** Destination address */
	uint8_t h_dest[ETH_ALEN];
	/** Source address */
	uint8_t h_source[ETH_ALEN];
	/** Type (network byte order) */
	uint16_t h_protocol;
} __attribute__((packed));

/** Length of an Ethernet header */
#define ETH_HLEN 14
/** Shortest frame on the wire, without the FCS */
#define ETH_ZLEN 60

/** Ethernet types (host byte order; compare with ntohs()) */
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_IPV6 0x86dd

/** The broadcast address */
extern const uint8_t eth_broadcast[ETH_ALEN];

extern const char *eth_ntoa(const void *ll_addr);
extern int eth_push(struct io_buffer *iob, const void *ll_dest,
		    const void *ll_source, uint16_t net_proto);
extern int eth_pull(struct io_buffer *iob, const void **ll_dest,
		    const void **ll_source, uint16_t *net_proto);

/**
 * Test whether an Ethernet address is multicast (or broadcast)
 *
 * @v ll_addr		Address
 * @ret multicast	Group bit is set
 */
static inline int eth_is_multicast(const void *ll_addr)
{
	return (((const uint8_t *)ll_addr)[0] & 0x01);
}

#endif /* NET_ETHERNET_H */
