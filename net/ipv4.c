/** @file
 *
 * IPv4 (RFC 791, RFC 1122)
 *
 * Receive checks every header field it relies on against the frame
 * before use, skips options, reassembles fragments within fixed bounds
 * and hands the payload to its transport.  Transmit routes, builds the
 * header and resolves the next hop with ARP (or sends to a broadcast or
 * multicast address directly).  Ferry never fragments what it sends: a
 * packet larger than the device's MTU fails with EMSGSIZE, and
 * transports size their segments with tcpip_mtu().
 *
 * Reassembly keeps at most IPV4_REASM_MAX datagrams in progress, each
 * in one buffer that grows with the fragments up to the IPv4 maximum,
 * and a bitmap of the 8-byte units received.  Bytes received first win:
 * a duplicate or overlapping fragment only fills units still missing, so
 * no sequence of fragments can write outside the buffer or change data
 * already held.  Fragments that contradict each other about the total
 * length end the reassembly.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/ipv4.h"
#include "net/arp.h"
#include "net/ethernet.h"
#include "net/netdevice.h"
#include "net/tcpip.h"
#include "net/dhcp_tags.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "core/settings.h"
#include "core/string.h"
#include "core/timer.h"

/** A packet too short for its header, or with a bad header */
#define EINVAL_HEADER ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_HEADER, "Malformed IPv4 header");
/** Header checksum wrong */
#define EINVAL_CHECKSUM ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_CHECKSUM, "Bad IPv4 header checksum");
/** Fragment that cannot belong to a valid datagram */
#define EINVAL_FRAGMENT ERROR_CODE(ERRCLASS_EINVAL, 3)
ERROR_MESSAGE(EINVAL_FRAGMENT, "Malformed IPv4 fragment");
/** Packet for someone else */
#define ENOTSUP_DEST ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_DEST, "IPv4 packet not addressed to us");
/** Fragments that disagree about the datagram */
#define EINVAL_REASM ERROR_CODE(ERRCLASS_EINVAL, 4)
ERROR_MESSAGE(EINVAL_REASM, "Inconsistent IPv4 fragments");
/** Reassembly too large */
#define EMSGSIZE_REASM ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_REASM, "IPv4 datagram too large to reassemble");
/** Packet too large for the device */
#define EMSGSIZE_MTU ERROR_CODE(ERRCLASS_EMSGSIZE, 2)
ERROR_MESSAGE(EMSGSIZE_MTU, "IPv4 packet larger than the device's MTU");
/** No route */
#define ENETUNREACH_ROUTE ERROR_CODE(ERRCLASS_ENETUNREACH, 1)
ERROR_MESSAGE(ENETUNREACH_ROUTE, "No IPv4 route to the destination");
/** No device for a broadcast */
#define ENETUNREACH_BROADCAST ERROR_CODE(ERRCLASS_ENETUNREACH, 2)
ERROR_MESSAGE(ENETUNREACH_BROADCAST, "No network device for the broadcast");
/** Device closed */
#define ENETDOWN_TX ERROR_CODE(ERRCLASS_ENETDOWN, 1)
ERROR_MESSAGE(ENETDOWN_TX, "Network device is closed");
/** Not an IPv4 address */
#define EAFNOSUPPORT_DEST ERROR_CODE(ERRCLASS_EAFNOSUPPORT, 1)
ERROR_MESSAGE(EAFNOSUPPORT_DEST, "Not an IPv4 address");
/** Reassembly timed out */
#define ETIMEDOUT_REASM ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_REASM, "IPv4 reassembly timed out");

/** The IPv4 pseudo-header summed into transport checksums (RFC 768) */
struct ipv4_pseudo_header {
	/** Source address */
	struct in_addr src;
	/** Destination address */
	struct in_addr dest;
	/** Zero */
	uint8_t zero;
	/** Protocol */
	uint8_t protocol;
	/** Transport length */
	uint16_t len;
} __attribute__((packed));

/** Reassembly unit: fragment offsets count in 8-byte units */
#define IPV4_REASM_UNIT 8
/** Units in the largest datagram */
#define IPV4_REASM_UNITS \
	((IPV4_REASM_MAX_LEN + IPV4_REASM_UNIT - 1) / IPV4_REASM_UNIT)

/** A datagram being reassembled */
struct ipv4_reassembly {
	/** Link in the list of reassemblies (newest first) */
	struct list_head list;
	/** Source address */
	struct in_addr src;
	/** Destination address */
	struct in_addr dest;
	/** Identification */
	uint16_t ident;
	/** Protocol */
	uint8_t protocol;
	/** Device of the first fragment (a reference is held) */
	struct net_device *netdev;
	/** Payload received so far */
	uint8_t *data;
	/** Allocated length of data */
	size_t capacity;
	/** Largest end of a fragment seen */
	size_t max_end;
	/** Total payload length, once the last fragment arrived */
	size_t total;
	/** total is known */
	int total_known;
	/** Units received */
	unsigned int units;
	/** Which units were received */
	uint8_t map[(IPV4_REASM_UNITS + 7) / 8];
	/** Time limit */
	struct timer timer;
};

/** The routing table */
LIST_HEAD(ipv4_routes);

/** Reassemblies in progress */
static LIST_HEAD(ipv4_reassemblies);
/** Number of reassemblies in progress */
static unsigned int ipv4_reassembly_count;

/** Time a reassembly may take */
unsigned long ipv4_reasm_timeout_ms = IPV4_REASM_TIMEOUT_MS;

/** Identification of the next packet sent */
static uint16_t ipv4_next_ident;

/**
 * Add a route (or update the one for the same device and address)
 *
 * @v netdev		Network device
 * @v address		Our address on the device
 * @v netmask		Subnet mask
 * @v gateway		Gateway, or 0.0.0.0 for none
 * @ret rc		Return status code
 */
int ipv4_route_add(struct net_device *netdev, struct in_addr address,
		   struct in_addr netmask, struct in_addr gateway)
{
	struct ipv4_route *route;

	list_for_each_entry(route, &ipv4_routes, list) {
		if (route->netdev == netdev &&
		    route->address.s_addr == address.s_addr) {
			route->netmask = netmask;
			route->gateway = gateway;
			return 0;
		}
	}
	route = heap_zalloc(sizeof(*route));
	if (!route)
		return -ENOMEM;
	route->netdev = netdev_get(netdev);
	route->address = address;
	route->netmask = netmask;
	route->gateway = gateway;
	list_add_tail(&route->list, &ipv4_routes);
	return 0;
}

/**
 * Delete every route of a device
 *
 * @v netdev		Network device
 */
void ipv4_route_del_netdev(struct net_device *netdev)
{
	struct ipv4_route *route;
	struct ipv4_route *tmp;

	list_for_each_entry_safe(route, tmp, &ipv4_routes, list) {
		if (route->netdev != netdev)
			continue;
		list_del(&route->list);
		netdev_put(route->netdev);
		heap_free(route);
	}
}

/**
 * Find the route to a destination, optionally through one device
 *
 * A route whose subnet holds the destination wins; otherwise the first
 * route with a gateway.  Routes on closed devices are ignored.
 *
 * @v dest		Destination
 * @v netdev		Device to use, or NULL for any
 * @v next_hop		Next hop to fill in (dest or a gateway)
 * @ret route		Route, or NULL
 */
static struct ipv4_route *ipv4_route_lookup(struct in_addr dest,
					    struct net_device *netdev,
					    struct in_addr *next_hop)
{
	struct ipv4_route *route;

	list_for_each_entry(route, &ipv4_routes, list) {
		if ((netdev && route->netdev != netdev) ||
		    !netdev_is_open(route->netdev))
			continue;
		if (((dest.s_addr ^ route->address.s_addr) &
		     route->netmask.s_addr) == 0) {
			*next_hop = dest;
			return route;
		}
	}
	list_for_each_entry(route, &ipv4_routes, list) {
		if ((netdev && route->netdev != netdev) ||
		    !netdev_is_open(route->netdev))
			continue;
		if (route->gateway.s_addr) {
			*next_hop = route->gateway;
			return route;
		}
	}
	return NULL;
}

/**
 * Find the route to a destination
 *
 * @v dest		Destination
 * @v next_hop		Next hop to fill in (dest or a gateway)
 * @ret route		Route, or NULL
 */
struct ipv4_route *ipv4_route_find(struct in_addr dest,
				   struct in_addr *next_hop)
{
	return ipv4_route_lookup(dest, NULL, next_hop);
}

/**
 * Test whether a device has an IPv4 address
 *
 * @v netdev		Network device
 * @ret has_address	Device has an address
 */
int ipv4_has_address(struct net_device *netdev)
{
	struct ipv4_route *route;

	list_for_each_entry(route, &ipv4_routes, list) {
		if (route->netdev == netdev)
			return 1;
	}
	return 0;
}

/**
 * Test whether an address is one of ours on a device
 *
 * @v netdev		Network device
 * @v address		Address
 * @ret local		Address is ours on the device
 */
int ipv4_is_local(struct net_device *netdev, struct in_addr address)
{
	struct ipv4_route *route;

	list_for_each_entry(route, &ipv4_routes, list) {
		if (route->netdev == netdev &&
		    route->address.s_addr == address.s_addr)
			return 1;
	}
	return 0;
}

/**
 * Our first address on a device
 *
 * @v netdev		Network device
 * @ret address		Address, or 0.0.0.0 if it has none
 */
static struct in_addr ipv4_netdev_address(struct net_device *netdev)
{
	struct ipv4_route *route;
	struct in_addr none = { INADDR_NONE };

	list_for_each_entry(route, &ipv4_routes, list) {
		if (route->netdev == netdev)
			return route->address;
	}
	return none;
}

/**
 * Test whether a received packet is for us
 *
 * A device with no address yet takes unicast packets for any address,
 * as DHCP servers may send offers to the address they offer.
 *
 * @v netdev		Device it came in on
 * @v dest		Destination address
 * @ret accept		Packet is for us
 */
static int ipv4_rx_accept(struct net_device *netdev, struct in_addr dest)
{
	struct ipv4_route *route;

	if (dest.s_addr == INADDR_BROADCAST)
		return 1;
	if (IN_IS_MULTICAST(dest.s_addr))
		return 0;
	if (!ipv4_has_address(netdev))
		return 1;
	list_for_each_entry(route, &ipv4_routes, list) {
		if (route->address.s_addr == dest.s_addr)
			return 1;
		/* Subnet-directed broadcast */
		if (route->netdev == netdev &&
		    route->netmask.s_addr != INADDR_BROADCAST &&
		    dest.s_addr ==
			    (route->address.s_addr | ~route->netmask.s_addr))
			return 1;
	}
	return 0;
}

/**
 * End a reassembly
 *
 * @v reasm		Reassembly
 */
static void ipv4_reasm_free(struct ipv4_reassembly *reasm)
{
	timer_stop(&reasm->timer);
	list_del(&reasm->list);
	ipv4_reassembly_count--;
	netdev_put(reasm->netdev);
	heap_free(reasm->data);
	heap_free(reasm);
}

/**
 * A reassembly ran out of time
 *
 * @v timer		Timer
 */
static void ipv4_reasm_expired(struct timer *timer)
{
	struct ipv4_reassembly *reasm =
		container_of(timer, struct ipv4_reassembly, timer);

	reasm->netdev->rx_stats.errors++;
	reasm->netdev->rx_stats.last_error = -ETIMEDOUT_REASM;
	ipv4_reasm_free(reasm);
}

/**
 * Find or start the reassembly a fragment belongs to
 *
 * @v iphdr		Fragment's header
 * @v netdev		Device it came in on
 * @ret reasm		Reassembly, or NULL (out of memory)
 */
static struct ipv4_reassembly *ipv4_reasm_get(const struct iphdr *iphdr,
					      struct net_device *netdev)
{
	struct ipv4_reassembly *reasm;

	list_for_each_entry(reasm, &ipv4_reassemblies, list) {
		if (reasm->src.s_addr == iphdr->src.s_addr &&
		    reasm->dest.s_addr == iphdr->dest.s_addr &&
		    reasm->ident == iphdr->ident &&
		    reasm->protocol == iphdr->protocol)
			return reasm;
	}
	/* The oldest gives way, so junk cannot block new datagrams for
	 * longer than it keeps coming.
	 */
	if (ipv4_reassembly_count >= IPV4_REASM_MAX) {
		reasm = list_last_entry(&ipv4_reassemblies,
					struct ipv4_reassembly, list);
		ipv4_reasm_free(reasm);
	}
	reasm = heap_zalloc(sizeof(*reasm));
	if (!reasm)
		return NULL;
	reasm->src = iphdr->src;
	reasm->dest = iphdr->dest;
	reasm->ident = iphdr->ident;
	reasm->protocol = iphdr->protocol;
	reasm->netdev = netdev_get(netdev);
	timer_init(&reasm->timer, ipv4_reasm_expired);
	timer_start(&reasm->timer, ipv4_reasm_timeout_ms);
	list_add(&reasm->list, &ipv4_reassemblies);
	ipv4_reassembly_count++;
	return reasm;
}

/**
 * Make room for payload up to an end
 *
 * @v reasm		Reassembly
 * @v end		End of the payload needed (at most the maximum)
 * @ret rc		Return status code
 */
static int ipv4_reasm_grow(struct ipv4_reassembly *reasm, size_t end)
{
	size_t capacity = reasm->capacity;
	uint8_t *data;

	if (end <= capacity)
		return 0;
	/* Double, so a long train of fragments copies little */
	capacity = ((capacity * 2 > end) ? (capacity * 2) : end);
	if (capacity > IPV4_REASM_MAX_LEN)
		capacity = IPV4_REASM_MAX_LEN;
	data = heap_realloc(reasm->data, capacity);
	if (!data)
		return -ENOMEM;
	reasm->data = data;
	reasm->capacity = capacity;
	return 0;
}

/**
 * Add a fragment to its reassembly
 *
 * @v iob		Fragment payload, header removed (owned by this call
 *			from now on)
 * @v iphdr		Fragment's header
 * @v netdev		Device it came in on
 * @v complete		Whole datagram payload (with headroom), or NULL if
 *			more fragments are needed
 * @ret rc		Return status code
 */
static int ipv4_reassemble(struct io_buffer *iob, const struct iphdr *iphdr,
			   struct net_device *netdev,
			   struct io_buffer **complete)
{
	struct ipv4_reassembly *reasm;
	uint16_t frags = ntohs(iphdr->frags);
	int more = !!(frags & IP_MASK_MOREFRAGS);
	size_t offset = ((size_t)(frags & IP_MASK_OFFSET) * IPV4_REASM_UNIT);
	size_t len = iob_len(iob);
	size_t end = (offset + len);
	size_t unit;
	size_t unit_end;
	size_t copy;
	unsigned int needed;
	struct io_buffer *whole;
	int rc;

	*complete = NULL;
	/* Every fragment but the last carries whole units (RFC 791) */
	if (more && (len == 0 || (len % IPV4_REASM_UNIT) != 0)) {
		rc = -EINVAL_FRAGMENT;
		goto err_fragment;
	}
	/* No datagram may be longer than IPv4 allows */
	if (end > IPV4_REASM_MAX_LEN) {
		rc = -EMSGSIZE_REASM;
		goto err_fragment;
	}
	reasm = ipv4_reasm_get(iphdr, netdev);
	if (!reasm) {
		rc = -ENOMEM;
		goto err_fragment;
	}
	/* The last fragment fixes the length; nothing may pass it */
	if (!more) {
		if ((reasm->total_known && reasm->total != end) ||
		    reasm->max_end > end) {
			rc = -EINVAL_REASM;
			goto err_reasm;
		}
		reasm->total = end;
		reasm->total_known = 1;
	} else if (reasm->total_known && end > reasm->total) {
		rc = -EINVAL_REASM;
		goto err_reasm;
	}
	if (end > reasm->max_end)
		reasm->max_end = end;
	rc = ipv4_reasm_grow(reasm, end);
	if (rc != 0)
		goto err_reasm;

	/* Fill the units still missing; bytes held already stay */
	for (unit = (offset / IPV4_REASM_UNIT); (unit * IPV4_REASM_UNIT) < end;
	     unit++) {
		unit_end = ((unit + 1) * IPV4_REASM_UNIT);
		if (unit_end > end)
			unit_end = end;
		if (reasm->map[unit / 8] & (1 << (unit % 8)))
			continue;
		copy = (unit_end - (unit * IPV4_REASM_UNIT));
		memcpy((reasm->data + (unit * IPV4_REASM_UNIT)),
		       (iob->data + ((unit * IPV4_REASM_UNIT) - offset)), copy);
		reasm->map[unit / 8] |= (1 << (unit % 8));
		reasm->units++;
	}
	iob_free(iob);

	if (!reasm->total_known)
		return 0;
	needed = ((reasm->total + IPV4_REASM_UNIT - 1) / IPV4_REASM_UNIT);
	if (reasm->units < needed)
		return 0;

	/* Complete: hand over a buffer with room for replies' headers */
	whole = iob_alloc_tx(reasm->total);
	if (!whole) {
		ipv4_reasm_free(reasm);
		return -ENOMEM;
	}
	memcpy(iob_put(whole, reasm->total), reasm->data, reasm->total);
	ipv4_reasm_free(reasm);
	*complete = whole;
	return 0;

err_reasm:
	ipv4_reasm_free(reasm);
err_fragment:
	iob_free(iob);
	return rc;
}

/**
 * Compute the pseudo-header checksum
 *
 * @v src		Source address
 * @v dest		Destination address
 * @v protocol		IP protocol number
 * @v len		Transport length
 * @ret csum		Checksum of the pseudo-header
 */
static uint16_t ipv4_pshdr_chksum(struct in_addr src, struct in_addr dest,
				  uint8_t protocol, size_t len)
{
	struct ipv4_pseudo_header pshdr;

	pshdr.src = src;
	pshdr.dest = dest;
	pshdr.zero = 0;
	pshdr.protocol = protocol;
	pshdr.len = htons(len);
	return tcpip_chksum(&pshdr, sizeof(pshdr));
}

/**
 * Receive an IPv4 packet
 *
 * @v iob		Packet (owned by this call from now on)
 * @v netdev		Device it came in on
 * @v ll_dest		Link-layer destination address
 * @v ll_source		Link-layer source address
 * @ret rc		Return status code
 */
static int ipv4_rx(struct io_buffer *iob, struct net_device *netdev,
		   const void *ll_dest, const void *ll_source)
{
	struct iphdr iphdr;
	struct sockaddr_in src;
	struct sockaddr_in dest;
	struct io_buffer *whole;
	size_t hdrlen;
	size_t len;
	uint16_t pshdr_csum;
	int rc;

	/* Everything the header claims must be inside the frame */
	if (iob_len(iob) < sizeof(iphdr)) {
		rc = -EINVAL_HEADER;
		goto err;
	}
	memcpy(&iphdr, iob->data, sizeof(iphdr));
	hdrlen = ((iphdr.verhdrlen & IP_MASK_HLEN) * 4);
	len = ntohs(iphdr.len);
	if ((iphdr.verhdrlen & IP_MASK_VER) != IP_VER ||
	    hdrlen < sizeof(iphdr) || len < hdrlen || len > iob_len(iob)) {
		rc = -EINVAL_HEADER;
		goto err;
	}
	if (tcpip_chksum(iob->data, hdrlen) != 0) {
		rc = -EINVAL_CHECKSUM;
		goto err;
	}
	/* A broadcast or multicast source is never genuine (RFC 1122
	 * 3.2.1.3)
	 */
	if (iphdr.src.s_addr == INADDR_BROADCAST ||
	    IN_IS_MULTICAST(iphdr.src.s_addr)) {
		rc = -EINVAL_HEADER;
		goto err;
	}
	if (!ipv4_rx_accept(netdev, iphdr.dest)) {
		iob_free(iob);
		return -ENOTSUP_DEST;
	}
	/* Drop link-layer padding and the header with its options */
	iob_truncate(iob, len);
	iob_pull(iob, hdrlen);

	if (iphdr.frags & htons(IP_MASK_MOREFRAGS | IP_MASK_OFFSET)) {
		rc = ipv4_reassemble(iob, &iphdr, netdev, &whole);
		if (rc != 0) {
			netdev->rx_stats.errors++;
			netdev->rx_stats.last_error = rc;
			return rc;
		}
		if (!whole)
			return 0;
		iob = whole;
	}

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr = iphdr.src;
	src.sin_scope_id = netdev->index;
	memset(&dest, 0, sizeof(dest));
	dest.sin_family = AF_INET;
	dest.sin_addr = iphdr.dest;
	dest.sin_scope_id = netdev->index;
	pshdr_csum = ipv4_pshdr_chksum(iphdr.src, iphdr.dest, iphdr.protocol,
				       iob_len(iob));
	return tcpip_rx(iob, netdev, iphdr.protocol,
			(struct sockaddr_tcpip *)&src,
			(struct sockaddr_tcpip *)&dest, pshdr_csum);

err:
	netdev->rx_stats.errors++;
	netdev->rx_stats.last_error = rc;
	iob_free(iob);
	return rc;
}

/**
 * Send a transport segment in an IPv4 packet
 *
 * The limited broadcast 255.255.255.255 (and multicast) goes out of the
 * device given, or else the device whose index is the destination's
 * sin_scope_id (0 being net0), whether or not it has an address: this is
 * how DHCP sends from 0.0.0.0.  Anything else is routed (through the
 * given device only, if one is given; with no route there, the
 * destination is taken to be on the device's link).
 *
 * @v iob		Segment (owned by this call from now on)
 * @v tcpip_protocol	Transport protocol
 * @v st_src		Source address, or NULL (or 0.0.0.0) to choose one
 * @v st_dest		Destination address
 * @v netdev		Device to send on, or NULL to route
 * @v trans_csum	Transport checksum field to complete, or NULL
 * @ret rc		Return status code
 */
static int ipv4_tx(struct io_buffer *iob, struct tcpip_protocol *tcpip_protocol,
		   struct sockaddr_tcpip *st_src,
		   struct sockaddr_tcpip *st_dest, struct net_device *netdev,
		   uint16_t *trans_csum)
{
	struct sockaddr_in *sin_src = (struct sockaddr_in *)st_src;
	struct sockaddr_in *sin_dest = (struct sockaddr_in *)st_dest;
	struct in_addr dest = sin_dest->sin_addr;
	struct in_addr src = { INADDR_NONE };
	struct in_addr next_hop = dest;
	struct ipv4_route *route;
	const uint8_t *ll_dest = NULL;
	uint8_t ll_multicast[ETH_ALEN];
	struct ipv4_pseudo_header pshdr;
	struct iphdr *iphdr;
	size_t len;
	int rc;

	if (sin_dest->sin_family != AF_INET) {
		rc = -EAFNOSUPPORT_DEST;
		goto err;
	}
	if (sin_src && sin_src->sin_family == AF_INET)
		src = sin_src->sin_addr;

	if (dest.s_addr == INADDR_BROADCAST || IN_IS_MULTICAST(dest.s_addr)) {
		if (!netdev)
			netdev = netdev_find_index(sin_dest->sin_scope_id);
		if (!netdev) {
			rc = -ENETUNREACH_BROADCAST;
			goto err;
		}
		if (!src.s_addr)
			src = ipv4_netdev_address(netdev);
		if (dest.s_addr == INADDR_BROADCAST) {
			ll_dest = eth_broadcast;
		} else {
			/* RFC 1112 6.4: 01:00:5e and the low 23 bits */
			ll_multicast[0] = 0x01;
			ll_multicast[1] = 0x00;
			ll_multicast[2] = 0x5e;
			memcpy(&ll_multicast[3],
			       ((const uint8_t *)&dest.s_addr + 1), 3);
			ll_multicast[3] &= 0x7f;
			ll_dest = ll_multicast;
		}
	} else {
		route = ipv4_route_lookup(dest, netdev, &next_hop);
		if (route) {
			netdev = route->netdev;
			if (!src.s_addr)
				src = route->address;
			if (route->netmask.s_addr != INADDR_BROADCAST &&
			    dest.s_addr == (route->address.s_addr |
					    ~route->netmask.s_addr))
				ll_dest = eth_broadcast;
		} else if (!netdev) {
			rc = -ENETUNREACH_ROUTE;
			goto err;
		}
	}
	if (!netdev_is_open(netdev)) {
		rc = -ENETDOWN_TX;
		goto err;
	}
	len = (iob_len(iob) + sizeof(*iphdr));
	if (len > netdev->mtu) {
		rc = -EMSGSIZE_MTU;
		goto err;
	}
	rc = iob_ensure_headroom(iob, sizeof(*iphdr));
	if (rc != 0)
		goto err;

	/* Complete the transport checksum with the pseudo-header; a
	 * transport for which zero means "none" sends all-ones instead
	 * (RFC 768)
	 */
	if (trans_csum) {
		pshdr.src = src;
		pshdr.dest = dest;
		pshdr.zero = 0;
		pshdr.protocol = tcpip_protocol->tcpip_proto;
		pshdr.len = htons(iob_len(iob));
		*trans_csum = tcpip_continue_chksum(*trans_csum, &pshdr,
						    sizeof(pshdr));
		if (*trans_csum == 0 && tcpip_protocol->zero_csum_ok)
			*trans_csum = 0xffff;
	}

	iphdr = iob_push(iob, sizeof(*iphdr));
	iphdr->verhdrlen = (IP_VER | (sizeof(*iphdr) / 4));
	iphdr->service = 0;
	iphdr->len = htons(len);
	iphdr->ident = htons(ipv4_next_ident++);
	iphdr->frags = 0;
	iphdr->ttl = IP_TTL;
	iphdr->protocol = tcpip_protocol->tcpip_proto;
	iphdr->chksum = 0;
	iphdr->src = src;
	iphdr->dest = dest;
	iphdr->chksum = tcpip_chksum(iphdr, sizeof(*iphdr));

	if (ll_dest)
		return net_tx(iob, netdev, htons(ETH_P_IP), ll_dest);
	return arp_tx(iob, netdev, next_hop, src);

err:
	iob_free(iob);
	return rc;
}

/**
 * Find the device a destination would be reached through
 *
 * @v st_dest		Destination address
 * @ret netdev		Device, or NULL if unreachable
 */
static struct net_device *ipv4_route_netdev(struct sockaddr_tcpip *st_dest)
{
	struct sockaddr_in *sin_dest = (struct sockaddr_in *)st_dest;
	struct ipv4_route *route;
	struct in_addr next_hop;

	if (sin_dest->sin_addr.s_addr == INADDR_BROADCAST ||
	    IN_IS_MULTICAST(sin_dest->sin_addr.s_addr))
		return netdev_find_index(sin_dest->sin_scope_id);
	route = ipv4_route_lookup(sin_dest->sin_addr, NULL, &next_hop);
	return (route ? route->netdev : NULL);
}

/**
 * Format an IPv4 address
 *
 * @v in		Address
 * @ret text		"192.0.2.1" (a static buffer, overwritten by the
 *			next call)
 */
const char *inet_ntoa(struct in_addr in)
{
	static char text[16];
	const uint8_t *bytes = (const uint8_t *)&in.s_addr;

	snprintf(text, sizeof(text), "%u.%u.%u.%u", bytes[0], bytes[1],
		 bytes[2], bytes[3]);
	return text;
}

/**
 * Parse an IPv4 address in dotted-quad form
 *
 * Exactly four decimal numbers from 0 to 255 separated by dots; nothing
 * else is accepted (no shorter forms, no octal or hexadecimal).
 *
 * @v text		Text
 * @v in		Address to fill in
 * @ret ok		Non-zero if the text was a valid address (as the
 *			POSIX function)
 */
int inet_aton(const char *text, struct in_addr *in)
{
	uint8_t bytes[4];
	unsigned int value;
	unsigned int digits;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		value = 0;
		digits = 0;
		while (*text >= '0' && *text <= '9') {
			value = (value * 10) + (*text++ - '0');
			if (++digits > 3 || value > 255)
				return 0;
		}
		if (!digits)
			return 0;
		bytes[i] = value;
		if (*text != ((i < 3) ? '.' : '\0'))
			return 0;
		text++;
	}
	memcpy(&in->s_addr, bytes, sizeof(bytes));
	return 1;
}

/** IPv4 as a network-layer protocol */
struct net_protocol ipv4_protocol __net_protocol = {
	.name = "IPv4",
	.net_proto = htons(ETH_P_IP),
	.rx = ipv4_rx,
};

/** IPv4 as a carrier of transports */
struct tcpip_net_protocol ipv4_tcpip_protocol __tcpip_net_protocol = {
	.name = "IPv4",
	.sa_family = AF_INET,
	.header_len = sizeof(struct iphdr),
	.tx = ipv4_tx,
	.route = ipv4_route_netdev,
};

/**
 * Forget a device's routes and reassemblies when it goes away
 *
 * @v netdev		Network device
 */
static void ipv4_remove(struct net_device *netdev)
{
	struct ipv4_reassembly *reasm;
	struct ipv4_reassembly *tmp;

	ipv4_route_del_netdev(netdev);
	list_for_each_entry_safe(reasm, tmp, &ipv4_reassemblies, list) {
		if (reasm->netdev == netdev)
			ipv4_reasm_free(reasm);
	}
}

/**
 * Announce a device's address when it opens or its link comes up, so
 * that neighbours with an old mapping (another machine that had the
 * address, or this one with another MAC) update it
 *
 * @v netdev		Network device
 */
static void ipv4_notify(struct net_device *netdev)
{
	struct in_addr address = ipv4_netdev_address(netdev);

	if (address.s_addr && netdev_is_open(netdev) && netdev_link_ok(netdev))
		arp_announce(netdev, address);
}

/** IPv4's interest in devices */
struct net_driver ipv4_net_driver __net_driver = {
	.name = "IPv4",
	.notify = ipv4_notify,
	.remove = ipv4_remove,
};

/** ${ip}: the device's IPv4 address (DHCP's yiaddr) */
const struct setting ip_setting __setting(SETTING_IP4) = {
	.name = "ip",
	.description = "IP address",
	.type = &setting_type_ipv4,
	.tag = DHCP_TAG_YIADDR,
};

/** ${netmask}: the subnet mask (DHCP option 1) */
const struct setting netmask_setting __setting(SETTING_IP4) = {
	.name = "netmask",
	.description = "Subnet mask",
	.type = &setting_type_ipv4,
	.tag = DHCP_SUBNET_MASK,
};

/** ${gateway}: the default gateway (DHCP option 3, its first address) */
const struct setting gateway_setting __setting(SETTING_IP4) = {
	.name = "gateway",
	.description = "Default gateway",
	.type = &setting_type_ipv4,
	.tag = DHCP_ROUTERS,
};

/**
 * The netmask of an address's class, for an address given without one
 *
 * @v address		Address
 * @ret netmask		255.0.0.0, 255.255.0.0 or 255.255.255.0
 */
static struct in_addr ipv4_classful_netmask(struct in_addr address)
{
	uint8_t first = (ntohl(address.s_addr) >> 24);
	struct in_addr netmask;

	if (first < 128)
		netmask.s_addr = htonl(0xff000000U);
	else if (first < 192)
		netmask.s_addr = htonl(0xffff0000U);
	else
		netmask.s_addr = htonl(0xffffff00U);
	return netmask;
}

/**
 * Fetch one IPv4 setting of a device
 *
 * @v settings		Device's block (searched with its children)
 * @v definition	Setting
 * @v address		Address to fill in
 * @ret rc		Return status code (negative if absent or bad)
 */
static int ipv4_fetch(struct settings *settings,
		      const struct setting *definition, struct in_addr *address)
{
	struct setting setting = *definition;
	int len;

	len = setting_fetch_ipv4(settings, &setting, address);
	return ((len < 0) ? len : 0);
}

/**
 * Rebuild the routes of every device from its settings
 *
 * A device gets a route when its block (net0, with DHCP's net0.dhcp
 * under it) has an "ip"; "netmask" defaults to the address's class and
 * "gateway" to none.  A device whose address changed announces the new
 * one with a gratuitous ARP.
 *
 * @ret rc		Return status code
 */
static int ipv4_apply(void)
{
	struct net_device *netdev;
	struct settings *settings;
	struct in_addr previous;
	struct in_addr address;
	struct in_addr netmask;
	struct in_addr gateway;
	int rc;

	for_each_netdev(netdev) {
		settings = settings_find(netdev->name);
		if (!settings)
			continue;
		previous = ipv4_netdev_address(netdev);
		ipv4_route_del_netdev(netdev);
		if (ipv4_fetch(settings, &ip_setting, &address) != 0 ||
		    address.s_addr == INADDR_NONE)
			continue;
		if (ipv4_fetch(settings, &netmask_setting, &netmask) != 0)
			netmask = ipv4_classful_netmask(address);
		if (ipv4_fetch(settings, &gateway_setting, &gateway) != 0)
			gateway.s_addr = INADDR_NONE;
		rc = ipv4_route_add(netdev, address, netmask, gateway);
		if (rc != 0)
			return rc;
		if (address.s_addr != previous.s_addr && netdev_is_open(netdev))
			arp_announce(netdev, address);
	}
	return 0;
}

/** Routes follow the settings */
struct settings_applicator ipv4_settings_applicator __settings_applicator = {
	.name = "IPv4",
	.apply = ipv4_apply,
};
