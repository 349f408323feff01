/** @file
 *
 * Network devices
 */

#include <stddef.h>
#include "net/netdevice.h"
#include "net/ethernet.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/process.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/init.h"

/** Most received frames processed per device per main-loop step */
#define NETDEV_RX_QUOTA 64
/** Most received frames queued before new ones are dropped */
#define NETDEV_RX_QUEUE_MAX 1024

/** Device is closed */
#define ENETDOWN_CLOSED ERROR_CODE(ERRCLASS_ENETDOWN, 1)
ERROR_MESSAGE(ENETDOWN_CLOSED, "Network device is closed");
/** Receive queue full */
#define ENOBUFS_RX ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_RX, "Receive queue full");
/** No protocol for the Ethernet type */
#define ENOTSUP_PROTO ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_PROTO, "Unknown network protocol");

/** All registered devices */
LIST_HEAD(net_devices);

/** Index the next registered device gets */
static unsigned int netdev_next_index;

/**
 * Free a device once its last reference goes
 *
 * @v refcnt		Reference counter
 */
static void netdev_free(struct refcnt *refcnt)
{
	struct net_device *netdev =
		container_of(refcnt, struct net_device, refcnt);

	heap_free(netdev);
}

/**
 * Allocate a network device
 *
 * @v priv_len		Length of driver-private data
 * @ret netdev		Device (one reference held by the caller), or NULL
 */
struct net_device *netdev_alloc(size_t priv_len)
{
	struct net_device *netdev;
	size_t len = ((sizeof(*netdev) + 15) & ~(size_t)15);

	netdev = heap_zalloc(len + priv_len);
	if (!netdev)
		return NULL;
	ref_init(&netdev->refcnt, netdev_free);
	INIT_LIST_HEAD(&netdev->list);
	INIT_LIST_HEAD(&netdev->tx_queue);
	INIT_LIST_HEAD(&netdev->rx_queue);
	netdev->priv = ((uint8_t *)netdev + len);
	netdev->mtu = ETH_DATA_LEN;
	return netdev;
}

/**
 * Tell the listeners about a change
 *
 * @v netdev		Network device
 */
static void netdev_notify(struct net_device *netdev)
{
	struct net_driver *driver;

	for_each_table_entry(driver, NET_DRIVERS) {
		if (driver->notify)
			driver->notify(netdev);
	}
}

/**
 * Register a device: it gets its name and becomes visible
 *
 * @v netdev		Network device (with addresses and operations set)
 * @ret rc		Return status code
 */
int netdev_register(struct net_device *netdev)
{
	struct net_driver *driver;
	int rc;

	netdev->index = netdev_next_index++;
	snprintf(netdev->name, sizeof(netdev->name), "net%u", netdev->index);
	if (!netdev->ll_addr[0] && !memcmp(netdev->ll_addr,
					   netdev->ll_addr + 1, ETH_ALEN - 1))
		memcpy(netdev->ll_addr, netdev->hw_addr, ETH_ALEN);
	netdev_get(netdev);
	list_add_tail(&netdev->list, &net_devices);
	for_each_table_entry(driver, NET_DRIVERS) {
		if (driver->probe && (rc = driver->probe(netdev)) != 0) {
			printf("%s: %s could not attach: %s\n", netdev->name,
			       driver->name, error_string(rc));
		}
	}
	return 0;
}

/**
 * Unregister a device (closing it first)
 *
 * @v netdev		Network device
 */
void netdev_unregister(struct net_device *netdev)
{
	struct net_driver *driver;

	netdev_close(netdev);
	for_each_table_entry_reverse(driver, NET_DRIVERS) {
		if (driver->remove)
			driver->remove(netdev);
	}
	list_del(&netdev->list);
	netdev_put(netdev);
}

/**
 * Open a device (harmless if open)
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
int netdev_open(struct net_device *netdev)
{
	int rc;

	if (netdev_is_open(netdev))
		return 0;
	rc = netdev->op->open(netdev);
	if (rc != 0)
		return rc;
	netdev->state |= NETDEV_OPEN;
	netdev_notify(netdev);
	return 0;
}

/**
 * Close a device (harmless if closed), dropping queued frames
 *
 * @v netdev		Network device
 */
void netdev_close(struct net_device *netdev)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	if (!netdev_is_open(netdev))
		return;
	netdev->op->close(netdev);
	/* A closed device has no link to speak of until it opens again */
	netdev->state &= ~(NETDEV_OPEN | NETDEV_LINK_UP);
	/* Whatever the driver did not report is gone now */
	list_for_each_entry_safe(iob, tmp, &netdev->tx_queue, list)
		netdev_tx_complete_err(netdev, iob, -ENETDOWN_CLOSED);
	list_for_each_entry_safe(iob, tmp, &netdev->rx_queue, list) {
		list_del(&iob->list);
		iob_free(iob);
	}
	netdev->rx_queued = 0;
	netdev_notify(netdev);
}

/**
 * Send a frame
 *
 * @v netdev		Network device
 * @v iob		Frame, link-layer header included (owned by this call
 *			from now on)
 * @ret rc		Return status code
 */
int netdev_tx(struct net_device *netdev, struct io_buffer *iob)
{
	int rc;

	list_add_tail(&iob->list, &netdev->tx_queue);
	if (!netdev_is_open(netdev)) {
		rc = -ENETDOWN_CLOSED;
		goto err;
	}
	rc = netdev->op->transmit(netdev, iob);
	if (rc != 0)
		goto err;
	return 0;
err:
	netdev_tx_complete_err(netdev, iob, rc);
	return rc;
}

/**
 * Report a frame sent (called by drivers)
 *
 * @v netdev		Network device
 * @v iob		Frame given to the transmit method
 */
void netdev_tx_complete(struct net_device *netdev, struct io_buffer *iob)
{
	netdev->tx_stats.packets++;
	netdev->tx_stats.bytes += iob_len(iob);
	list_del(&iob->list);
	iob_free(iob);
}

/**
 * Report a frame that could not be sent (called by drivers)
 *
 * @v netdev		Network device
 * @v iob		Frame given to the transmit method
 * @v rc		Reason
 */
void netdev_tx_complete_err(struct net_device *netdev, struct io_buffer *iob,
			    int rc)
{
	netdev->tx_stats.errors++;
	netdev->tx_stats.last_error = rc;
	list_del(&iob->list);
	iob_free(iob);
}

/**
 * Hand over a received frame (called by drivers, from their poll)
 *
 * @v netdev		Network device
 * @v iob		Frame (owned by this call from now on)
 */
void netdev_rx(struct net_device *netdev, struct io_buffer *iob)
{
	if (netdev->rx_queued >= NETDEV_RX_QUEUE_MAX) {
		netdev->rx_stats.drops++;
		netdev->rx_stats.last_error = -ENOBUFS_RX;
		iob_free(iob);
		return;
	}
	netdev->rx_stats.packets++;
	netdev->rx_stats.bytes += iob_len(iob);
	list_add_tail(&iob->list, &netdev->rx_queue);
	netdev->rx_queued++;
}

/**
 * Report a frame received in error (called by drivers)
 *
 * @v netdev		Network device
 * @v iob		Frame, or NULL (owned by this call from now on)
 * @v rc		Reason
 */
void netdev_rx_err(struct net_device *netdev, struct io_buffer *iob, int rc)
{
	netdev->rx_stats.errors++;
	netdev->rx_stats.last_error = rc;
	iob_free(iob);
}

/**
 * Report the link up (called by drivers)
 *
 * @v netdev		Network device
 */
void netdev_link_up(struct net_device *netdev)
{
	if (netdev_link_ok(netdev))
		return;
	netdev->state |= NETDEV_LINK_UP;
	netdev->link_rc = 0;
	netdev_notify(netdev);
}

/**
 * Report the link down (called by drivers)
 *
 * @v netdev		Network device
 * @v rc		Reason, or 0 if unknown
 */
void netdev_link_down(struct net_device *netdev, int rc)
{
	netdev->link_rc = rc;
	if (!netdev_link_ok(netdev))
		return;
	netdev->state &= ~NETDEV_LINK_UP;
	netdev_notify(netdev);
}

/**
 * Poll a device and process what it received
 *
 * @v netdev		Network device
 */
void netdev_poll(struct net_device *netdev)
{
	struct net_protocol *protocol;
	struct io_buffer *iob;
	const void *ll_dest;
	const void *ll_source;
	uint16_t net_proto;
	unsigned int quota = NETDEV_RX_QUOTA;
	int rc;

	if (!netdev_is_open(netdev))
		return;
	netdev->op->poll(netdev);

	while (quota-- && !list_empty(&netdev->rx_queue)) {
		iob = list_first_entry(&netdev->rx_queue, struct io_buffer,
				       list);
		list_del(&iob->list);
		netdev->rx_queued--;
		rc = eth_pull(iob, &ll_dest, &ll_source, &net_proto);
		if (rc != 0) {
			netdev_rx_err(netdev, iob, rc);
			continue;
		}
		for_each_table_entry(protocol, NET_PROTOCOLS) {
			if (protocol->net_proto == net_proto)
				break;
		}
		if (protocol == table_end(NET_PROTOCOLS)) {
			netdev->rx_stats.drops++;
			iob_free(iob);
			continue;
		}
		protocol->rx(iob, netdev, ll_dest, ll_source);
	}
}

/**
 * Poll every open device (the main loop's network process)
 *
 * @v process		Process
 */
static void netdev_step(struct process *process)
{
	struct net_device *netdev;
	struct net_device *tmp;

	list_for_each_entry_safe(netdev, tmp, &net_devices, list)
		netdev_poll(netdev);
}

/** The network polling process */
struct process netdev_process __permanent_process = {
	.name = "net",
	.step = netdev_step,
};

/**
 * Find a device by name
 *
 * @v name		Name ("net0")
 * @ret netdev		Device, or NULL
 */
struct net_device *netdev_find(const char *name)
{
	struct net_device *netdev;

	for_each_netdev(netdev) {
		if (strcmp(netdev->name, name) == 0)
			return netdev;
	}
	return NULL;
}

/**
 * Find a device by index
 *
 * @v index		Index
 * @ret netdev		Device, or NULL
 */
struct net_device *netdev_find_index(unsigned int index)
{
	struct net_device *netdev;

	for_each_netdev(netdev) {
		if (netdev->index == index)
			return netdev;
	}
	return NULL;
}

/**
 * Send a network-layer packet in an Ethernet frame
 *
 * @v iob		Packet (owned by this call from now on)
 * @v netdev		Network device
 * @v net_proto		Ethernet type (network byte order)
 * @v ll_dest		Destination address
 * @ret rc		Return status code
 */
int net_tx(struct io_buffer *iob, struct net_device *netdev,
	   uint16_t net_proto, const void *ll_dest)
{
	int rc;

	rc = eth_push(iob, ll_dest, netdev->ll_addr, net_proto);
	if (rc != 0) {
		iob_free(iob);
		return rc;
	}
	return netdev_tx(netdev, iob);
}

/**
 * Close every device before an operating system runs
 *
 * @v booting		Non-zero if an operating system is about to run
 */
static void netdev_shutdown(int booting)
{
	struct net_device *netdev;

	for_each_netdev(netdev)
		netdev_close(netdev);
}

/** Close devices at shutdown */
struct shutdown_fn netdev_shutdown_fn __shutdown_fn = {
	.name = "netdev",
	.shutdown = netdev_shutdown,
};
