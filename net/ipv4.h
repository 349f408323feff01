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
 *
 * The settings' tags are those of net/dhcp_tags.h, so that what DHCP
 * stores is what IPv4 reads: "ip" is DHCP_TAG_YIADDR (the BOOTP yiaddr
 * field), "netmask" is option 1 (DHCP_SUBNET_MASK) and "gateway" option
 * 3 (DHCP_ROUTERS, its first address).  A missing netmask defaults to
 * the address's class.
 *
 * Routes added with ipv4_route_add() by other code last until the next
 * settings change rebuilds the routes of the device.
 */

#include <stdint.h>
#include "core/endian.h"
#include "core/list.h"
#include "net/socket.h"

struct io_buffer;
struct net_device;
struct setting;

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

/** The limited broadcast address, 255.255.255.255 (network byte order) */
#define INADDR_BROADCAST 0xffffffffU
/** The unspecified address, 0.0.0.0 */
#define INADDR_NONE 0U

/**
 * Test whether an address is multicast (224.0.0.0/4)
 *
 * @v addr		Address (network byte order)
 */
#define IN_IS_MULTICAST(addr) ((ntohl(addr) & 0xf0000000U) == 0xe0000000U)

/** Reassemblies in progress at most (the oldest gives way to a new one) */
#define IPV4_REASM_MAX 4
/** Time a reassembly may take from its first fragment */
#define IPV4_REASM_TIMEOUT_MS 30000
/** Largest datagram payload reassembled (the IPv4 maximum) */
#define IPV4_REASM_MAX_LEN (65535 - sizeof(struct iphdr))

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
extern int ipv4_is_local(struct net_device *netdev, struct in_addr address);
extern const char *inet_ntoa(struct in_addr in);
extern int inet_aton(const char *text, struct in_addr *in);

/** Time a reassembly may take (IPV4_REASM_TIMEOUT_MS; tests shorten it) */
extern unsigned long ipv4_reasm_timeout_ms;

/** Settings IPv4 is configured from (tags in net/dhcp_tags.h) */
extern const struct setting ip_setting;
extern const struct setting netmask_setting;
extern const struct setting gateway_setting;

#endif /* NET_IPV4_H */
