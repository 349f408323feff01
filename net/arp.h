#ifndef NET_ARP_H
#define NET_ARP_H

/** @file
 *
 * ARP: IPv4 addresses to Ethernet addresses (RFC 826)
 *
 * IPv4 hands every unicast packet to arp_tx() with the next hop's
 * address.  A resolved next hop gets the packet at once; an unresolved
 * one gets an ARP request (ARP_RETRIES of them, ARP_RETRY_MS apart) and
 * up to ARP_QUEUE_MAX packets wait for the reply.  When no reply comes,
 * the waiting packets are dropped and counted as transmit errors of the
 * device with an "EHOSTUNREACH" code; a later arp_tx() starts over.
 */

#include <stdint.h>
#include "net/netdevice.h"
#include "net/socket.h"

struct io_buffer;

/** An ARP header (RFC 826) */
struct arphdr {
	/** Hardware type (ARPHRD_...) */
	uint16_t ar_hrd;
	/** Protocol type (an Ethernet type) */
	uint16_t ar_pro;
	/** Hardware address length */
	uint8_t ar_hln;
	/** Protocol address length */
	uint8_t ar_pln;
	/** Operation (ARPOP_...) */
	uint16_t ar_op;
} __attribute__((packed));

/** An ARP packet for IPv4 over Ethernet */
struct arp_ether_ipv4 {
	/** Header */
	struct arphdr hdr;
	/** Sender hardware address */
	uint8_t sha[ETH_ALEN];
	/** Sender protocol address */
	struct in_addr spa;
	/** Target hardware address */
	uint8_t tha[ETH_ALEN];
	/** Target protocol address */
	struct in_addr tpa;
} __attribute__((packed));

/** Hardware type: Ethernet */
#define ARPHRD_ETHER  1
/** Operation: request */
#define ARPOP_REQUEST 1
/** Operation: reply */
#define ARPOP_REPLY   2

/** Time between requests for an unresolved address */
#define ARP_RETRY_MS    1000
/** Requests sent before giving up on an address */
#define ARP_RETRIES     3
/** Packets waiting for one resolution at most (more are dropped) */
#define ARP_QUEUE_MAX   8
/** Addresses the cache holds at most (the oldest is dropped for more) */
#define ARP_CACHE_MAX   32
/** Time a resolved address is trusted without being confirmed again */
#define ARP_LIFETIME_MS (10UL * 60 * 1000)

/** Time between requests (ARP_RETRY_MS; tests shorten it) */
extern unsigned long arp_retry_ms;

extern int arp_tx(struct io_buffer *iob, struct net_device *netdev,
		  struct in_addr net_dest, struct in_addr net_source);
extern int arp_lookup(struct net_device *netdev, struct in_addr net_addr,
		      uint8_t *ll_addr);
extern int arp_announce(struct net_device *netdev, struct in_addr net_addr);
extern void arp_flush(struct net_device *netdev);

#endif /* NET_ARP_H */
