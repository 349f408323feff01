/** @file
 *
 * ARP: IPv4 addresses to Ethernet addresses (RFC 826)
 *
 * The cache is a list, most recently created entry first, of at most
 * ARP_CACHE_MAX entries.  Each entry is either pending (requests going
 * out, packets waiting) or resolved (with an expiry), and runs one timer
 * for whichever applies.  Received packets follow RFC 826's merge rule:
 * a sender already in the cache is updated whatever the target (this is
 * how gratuitous ARP moves an address), and a sender asking for one of
 * our addresses is added and answered.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/arp.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/netdevice.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/timer.h"

/** No reply to our requests */
#define EHOSTUNREACH_ARP ERROR_CODE(ERRCLASS_EHOSTUNREACH, 1)
ERROR_MESSAGE(EHOSTUNREACH_ARP, "No ARP reply from the next hop");
/** Too many packets waiting for one resolution */
#define ENOBUFS_QUEUE ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_QUEUE, "Too many packets waiting for ARP");
/** The cache needed the room */
#define ENOBUFS_EVICTED ERROR_CODE(ERRCLASS_ENOBUFS, 2)
ERROR_MESSAGE(ENOBUFS_EVICTED, "ARP cache entry dropped for a newer one");
/** The device closed */
#define ENETDOWN_FLUSHED ERROR_CODE(ERRCLASS_ENETDOWN, 1)
ERROR_MESSAGE(ENETDOWN_FLUSHED, "Network device closed during ARP");
/** A packet too short or not IPv4 over Ethernet */
#define EINVAL_PACKET ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_PACKET, "Malformed ARP packet");
/** No entry */
#define ENOENT_ENTRY ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_ENTRY, "Address not in the ARP cache");

/** An ARP cache entry */
struct arp_entry {
	/** Link in the cache */
	struct list_head list;
	/** Device (a reference is held) */
	struct net_device *netdev;
	/** IPv4 address */
	struct in_addr net_addr;
	/** Source address for our requests */
	struct in_addr net_source;
	/** Ethernet address (valid once resolved) */
	uint8_t ll_addr[ETH_ALEN];
	/** Entry is resolved */
	int resolved;
	/** Requests sent so far (while pending) */
	unsigned int requests;
	/** Packets waiting (IPv4, without link-layer header) */
	struct list_head tx_queue;
	/** Number of packets waiting */
	unsigned int queued;
	/** Retry timer (pending) or expiry timer (resolved) */
	struct timer timer;
};

/** The cache */
static LIST_HEAD(arp_cache);
/** Number of entries in the cache */
static unsigned int arp_cache_count;

/** Time between requests */
unsigned long arp_retry_ms = ARP_RETRY_MS;

/**
 * Count a waiting packet that will never be sent
 *
 * @v netdev		Network device
 * @v iob		Packet (freed)
 * @v rc		Reason
 */
static void arp_drop(struct net_device *netdev, struct io_buffer *iob, int rc)
{
	netdev->tx_stats.errors++;
	netdev->tx_stats.last_error = rc;
	iob_free(iob);
}

/**
 * Remove an entry, dropping whatever waits on it
 *
 * @v entry		Entry
 * @v rc		Reason given for the dropped packets
 */
static void arp_entry_destroy(struct arp_entry *entry, int rc)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	timer_stop(&entry->timer);
	list_del(&entry->list);
	arp_cache_count--;
	list_for_each_entry_safe(iob, tmp, &entry->tx_queue, list) {
		list_del(&iob->list);
		arp_drop(entry->netdev, iob, rc);
	}
	netdev_put(entry->netdev);
	heap_free(entry);
}

/**
 * Find an entry
 *
 * @v netdev		Network device
 * @v net_addr		IPv4 address
 * @ret entry		Entry, or NULL
 */
static struct arp_entry *arp_entry_find(struct net_device *netdev,
					struct in_addr net_addr)
{
	struct arp_entry *entry;

	list_for_each_entry(entry, &arp_cache, list) {
		if (entry->netdev == netdev &&
		    entry->net_addr.s_addr == net_addr.s_addr)
			return entry;
	}
	return NULL;
}

/**
 * Send an ARP packet
 *
 * @v netdev		Network device
 * @v op		Operation (ARPOP_...)
 * @v ll_dest		Ethernet destination
 * @v spa		Sender protocol address
 * @v tha		Target hardware address
 * @v tpa		Target protocol address
 * @ret rc		Return status code
 */
static int arp_send(struct net_device *netdev, unsigned int op,
		    const uint8_t *ll_dest, struct in_addr spa,
		    const uint8_t *tha, struct in_addr tpa)
{
	struct arp_ether_ipv4 *arp;
	struct io_buffer *iob;

	iob = iob_alloc_tx(sizeof(*arp));
	if (!iob)
		return -ENOMEM;
	arp = iob_put(iob, sizeof(*arp));
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = sizeof(struct in_addr);
	arp->hdr.ar_op = htons(op);
	memcpy(arp->sha, netdev->ll_addr, ETH_ALEN);
	arp->spa = spa;
	memcpy(arp->tha, tha, ETH_ALEN);
	arp->tpa = tpa;
	return net_tx(iob, netdev, htons(ETH_P_ARP), ll_dest);
}

/**
 * Send a request for an entry's address
 *
 * @v entry		Pending entry
 * @ret rc		Return status code
 */
static int arp_request(struct arp_entry *entry)
{
	static const uint8_t unknown[ETH_ALEN];

	entry->requests++;
	timer_start(&entry->timer, arp_retry_ms);
	return arp_send(entry->netdev, ARPOP_REQUEST, eth_broadcast,
			entry->net_source, unknown, entry->net_addr);
}

/**
 * An entry's timer expired: retry, give up, or forget
 *
 * @v timer		Timer
 */
static void arp_expired(struct timer *timer)
{
	struct arp_entry *entry = container_of(timer, struct arp_entry, timer);

	if (entry->resolved || entry->requests >= ARP_RETRIES) {
		arp_entry_destroy(entry, -EHOSTUNREACH_ARP);
		return;
	}
	arp_request(entry);
}

/**
 * Create an entry, making room if the cache is full
 *
 * @v netdev		Network device
 * @v net_addr		IPv4 address
 * @ret entry		Entry (pending, timer stopped), or NULL
 */
static struct arp_entry *arp_entry_create(struct net_device *netdev,
					  struct in_addr net_addr)
{
	struct arp_entry *entry;

	if (arp_cache_count >= ARP_CACHE_MAX) {
		entry = list_last_entry(&arp_cache, struct arp_entry, list);
		arp_entry_destroy(entry, -ENOBUFS_EVICTED);
	}
	entry = heap_zalloc(sizeof(*entry));
	if (!entry)
		return NULL;
	entry->netdev = netdev_get(netdev);
	entry->net_addr = net_addr;
	INIT_LIST_HEAD(&entry->tx_queue);
	timer_init(&entry->timer, arp_expired);
	list_add(&entry->list, &arp_cache);
	arp_cache_count++;
	return entry;
}

/**
 * Record an address as resolved and send what waits for it
 *
 * @v entry		Entry
 * @v ll_addr		Ethernet address
 */
static void arp_entry_resolve(struct arp_entry *entry, const uint8_t *ll_addr)
{
	struct net_device *netdev = entry->netdev;
	struct io_buffer *iob;
	struct io_buffer *tmp;
	LIST_HEAD(ready);

	memcpy(entry->ll_addr, ll_addr, ETH_ALEN);
	entry->resolved = 1;
	entry->requests = 0;
	timer_stop(&entry->timer);
	timer_start(&entry->timer, ARP_LIFETIME_MS);
	/* Sending may fail and free things; work from a private list so
	 * that the entry is not touched while it happens.
	 */
	list_for_each_entry_safe(iob, tmp, &entry->tx_queue, list) {
		list_del(&iob->list);
		list_add_tail(&iob->list, &ready);
	}
	entry->queued = 0;
	netdev_get(netdev);
	while (!list_empty(&ready)) {
		iob = list_first_entry(&ready, struct io_buffer, list);
		list_del(&iob->list);
		net_tx(iob, netdev, htons(ETH_P_IP), ll_addr);
	}
	netdev_put(netdev);
}

/**
 * Send an IPv4 packet to a next hop on the local network
 *
 * @v iob		IPv4 packet (owned by this call from now on)
 * @v netdev		Network device
 * @v net_dest		Next hop's IPv4 address
 * @v net_source	Our address (for the ARP request's sender field)
 * @ret rc		Return status code (0 also when the packet waits
 *			for resolution)
 */
int arp_tx(struct io_buffer *iob, struct net_device *netdev,
	   struct in_addr net_dest, struct in_addr net_source)
{
	struct arp_entry *entry;
	int rc;

	entry = arp_entry_find(netdev, net_dest);
	if (entry && entry->resolved)
		return net_tx(iob, netdev, htons(ETH_P_IP), entry->ll_addr);
	if (!netdev_is_open(netdev)) {
		iob_free(iob);
		return -ENETDOWN_FLUSHED;
	}
	if (!entry) {
		entry = arp_entry_create(netdev, net_dest);
		if (!entry) {
			iob_free(iob);
			return -ENOMEM;
		}
		entry->net_source = net_source;
		rc = arp_request(entry);
		if (rc != 0) {
			arp_entry_destroy(entry, rc);
			iob_free(iob);
			return rc;
		}
	}
	if (entry->queued >= ARP_QUEUE_MAX) {
		arp_drop(netdev, iob, -ENOBUFS_QUEUE);
		return -ENOBUFS_QUEUE;
	}
	list_add_tail(&iob->list, &entry->tx_queue);
	entry->queued++;
	return 0;
}

/**
 * Look up a resolved address
 *
 * @v netdev		Network device
 * @v net_addr		IPv4 address
 * @v ll_addr		Ethernet address to fill in
 * @ret rc		Return status code (-ENOENT if not resolved)
 */
int arp_lookup(struct net_device *netdev, struct in_addr net_addr,
	       uint8_t *ll_addr)
{
	struct arp_entry *entry = arp_entry_find(netdev, net_addr);

	if (!entry || !entry->resolved)
		return -ENOENT_ENTRY;
	memcpy(ll_addr, entry->ll_addr, ETH_ALEN);
	return 0;
}

/**
 * Announce one of our addresses with a gratuitous ARP request, so that
 * neighbours with an old mapping update it
 *
 * @v netdev		Network device
 * @v net_addr		Our address
 * @ret rc		Return status code
 */
int arp_announce(struct net_device *netdev, struct in_addr net_addr)
{
	static const uint8_t unknown[ETH_ALEN];

	if (!netdev_is_open(netdev))
		return -ENETDOWN_FLUSHED;
	return arp_send(netdev, ARPOP_REQUEST, eth_broadcast, net_addr, unknown,
			net_addr);
}

/**
 * Forget every entry of a device (or of all devices)
 *
 * @v netdev		Network device, or NULL for all
 */
void arp_flush(struct net_device *netdev)
{
	struct arp_entry *entry;
	struct arp_entry *tmp;

	list_for_each_entry_safe(entry, tmp, &arp_cache, list) {
		if (!netdev || entry->netdev == netdev)
			arp_entry_destroy(entry, -ENETDOWN_FLUSHED);
	}
}

/**
 * Receive an ARP packet
 *
 * @v iob		Packet (owned by this call from now on)
 * @v netdev		Device it came in on
 * @v ll_dest		Link-layer destination address
 * @v ll_source		Link-layer source address
 * @ret rc		Return status code
 */
static int arp_rx(struct io_buffer *iob, struct net_device *netdev,
		  const void *ll_dest, const void *ll_source)
{
	struct arp_ether_ipv4 arp;
	struct arp_entry *entry;
	unsigned int op;
	int merged = 0;
	int rc = 0;

	/* Only IPv4 over Ethernet, and all of it present */
	if (iob_len(iob) < sizeof(arp)) {
		rc = -EINVAL_PACKET;
		goto done;
	}
	memcpy(&arp, iob->data, sizeof(arp));
	op = ntohs(arp.hdr.ar_op);
	if (arp.hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp.hdr.ar_pro != htons(ETH_P_IP) || arp.hdr.ar_hln != ETH_ALEN ||
	    arp.hdr.ar_pln != sizeof(struct in_addr) ||
	    (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
		rc = -EINVAL_PACKET;
		goto done;
	}
	/* A group or our own hardware address is never a neighbour's */
	if (eth_is_multicast(arp.sha) ||
	    memcmp(arp.sha, netdev->ll_addr, ETH_ALEN) == 0) {
		rc = -EINVAL_PACKET;
		goto done;
	}

	/* Merge: update a sender we already know (0.0.0.0 is a probe,
	 * RFC 5227, and says nothing about the mapping)
	 */
	if (arp.spa.s_addr != 0) {
		entry = arp_entry_find(netdev, arp.spa);
		if (entry) {
			arp_entry_resolve(entry, arp.sha);
			merged = 1;
		}
	}

	/* The rest only concerns packets for one of our addresses */
	if (!ipv4_is_local(netdev, arp.tpa))
		goto done;
	if (!merged && arp.spa.s_addr != 0 && !ipv4_is_local(netdev, arp.spa)) {
		entry = arp_entry_create(netdev, arp.spa);
		if (entry)
			arp_entry_resolve(entry, arp.sha);
	}
	if (op == ARPOP_REQUEST) {
		rc = arp_send(netdev, ARPOP_REPLY, arp.sha, arp.tpa, arp.sha,
			      arp.spa);
	}
done:
	iob_free(iob);
	return rc;
}

/** ARP as a network-layer protocol */
struct net_protocol arp_protocol __net_protocol = {
	.name = "ARP",
	.net_proto = htons(ETH_P_ARP),
	.rx = arp_rx,
};

/**
 * Forget a device's entries when it closes
 *
 * @v netdev		Network device
 */
static void arp_notify(struct net_device *netdev)
{
	if (!netdev_is_open(netdev))
		arp_flush(netdev);
}

/**
 * Forget a device's entries when it goes away
 *
 * @v netdev		Network device
 */
static void arp_remove(struct net_device *netdev)
{
	arp_flush(netdev);
}

/** ARP's interest in devices */
struct net_driver arp_net_driver __net_driver = {
	.name = "ARP",
	.notify = arp_notify,
	.remove = arp_remove,
};
