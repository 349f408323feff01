#ifndef NET_IPV4_H
#define NET_IPV4_H

/** @file
 *
 * IPv4
 *
 * Each network device's address, netmask and gateway come from its
 * settings (net0/ip, net0/netmask, net0/gateway, whether DHCP stored
 * them in net0.dhcp or the user set them): the IPv4 settings applicator
 * rebuilds the routing table whenever settings change.  A device with an
 * address gets a route to its subnet, and a default route through its
 * gateway if it has one.
 */

#include <stdint.h>
#include "core/list.h"
#include "net/socket.h"

struct io_buffer;
struct net_device;

/** An IPv4 header */
struct iphdr {
	/** Version and header length */
	uint8_t verhdrlen;
	/** Type of service */
	uint8_t service;
	/** Total length */
	uint16_t len;
	/** Identification */
	uint16_t ident;
	/** Flags and fragment offset */
	uint16_t frags;
	/** Time to live */
	uint8_t ttl;
	/** Protocol */
	uint8_t protocol;
	/** Header checksum */
	uint16_t chksum;
	/** Source address */
	struct in_addr src;
	/** Destination address */
	struct in_addr dest;
} __attribute__((packed));

#define IP_VER 0x40
#define IP_MASK_VER 0xf0
#define IP_MASK_HLEN 0x0f
#define IP_MASK_OFFSET 0x1fff
#define IP_MASK_DONOTFRAG 0x4000
#define IP_MASK_MOREFRAGS 0x2000
#define IP_TTL 64

/** A route */
struct ipv4_route {
	/** Link in the routing table */
	struct list_head list;
	/** Device */
	struct net_device *netdev;
	/** Our address on the device */
	struct in_addr address;
	/** Subnet mask */
	struct in_addr netmask;
	/** Gateway, or 0.0.0.0 for none */
	struct in_addr gateway;
};

/** The routing table */
extern struct list_head ipv4_routes;

extern int ipv4_route_add(struct net_device *netdev, struct in_addr address,
			  struct in_addr netmask, struct in_addr gateway);
extern void ipv4_route_del_netdev(struct net_device *netdev);
extern struct ipv4_route *ipv4_route_find(struct in_addr dest,
					  struct in_addr *next_hop);
extern int ipv4_has_address(struct net_device *netdev);
extern const char *inet_ntoa(struct in_addr in);
extern int inet_aton(const char *text, struct in_addr *in);

#endif /* NET_IPV4_H */
