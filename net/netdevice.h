#ifndef NET_NETDEVICE_H
#define NET_NETDEVICE_H

/** @file
 *
 * Network devices
 *
 * A driver allocates a device with netdev_alloc(), fills in its
 * addresses and operations, and registers it (it becomes net0, net1...).
 * The core opens it, hands it packets to send with its transmit method
 * and polls it; the driver reports finished transmissions with
 * netdev_tx_complete() and received frames with netdev_rx().  Received
 * frames are queued and dispatched to the network protocols (ARP,
 * IPv4...) from the main loop, never from inside a driver's poll.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "core/refcnt.h"
#include "core/tables.h"

struct io_buffer;
struct net_device;

/** Length of an Ethernet address */
#define ETH_ALEN 6
/** Maximum length of a device name */
#define NETDEV_NAME_LEN 12
/** Default MTU */
#define ETH_DATA_LEN 1500
/** Longest Ethernet frame without the FCS: header, VLAN tag, MTU */
#define ETH_FRAME_LEN 1518
/** Receive buffer length drivers should use (frame, rounded) */
#define NETDEV_RX_BUF_LEN 1536

/** What a driver does */
struct net_device_operations {
	/**
	 * Open the device: allocate rings, enable receive and transmit
	 *
	 * @v netdev		Network device
	 * @ret rc		Return status code
	 */
	int (*open)(struct net_device *netdev);
	/**
	 * Close the device: stop it and free everything open allocated,
	 * including buffers still queued (report them with
	 * netdev_tx_complete_err() / free received ones)
	 *
	 * @v netdev		Network device
	 */
	void (*close)(struct net_device *netdev);
	/**
	 * Start sending a frame
	 *
	 * The driver owns the buffer until it reports it with
	 * netdev_tx_complete() or netdev_tx_complete_err(); on a
	 * non-zero return the core reports it instead.
	 *
	 * @v netdev		Network device
	 * @v iob		Frame, link-layer header included
	 * @ret rc		Return status code (-ENOBUFS: ring full)
	 */
	int (*transmit)(struct net_device *netdev, struct io_buffer *iob);
	/**
	 * Poll: reap finished transmissions, collect received frames,
	 * check the link
	 *
	 * @v netdev		Network device
	 */
	void (*poll)(struct net_device *netdev);
};

/** Counters for one direction */
struct net_device_stats {
	/** Frames that went through */
	unsigned long packets;
	/** Bytes that went through */
	unsigned long long bytes;
	/** Frames that failed */
	unsigned long errors;
	/** Frames dropped (no buffer, queue full, device closed) */
	unsigned long drops;
	/** Most recent error, for ifstat */
	int last_error;
};

/** A network device */
struct net_device {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Link in the list of devices */
	struct list_head list;
	/** Name ("net0") */
	char name[NETDEV_NAME_LEN];
	/** Index (0 for net0) */
	unsigned int index;
	/** Where the device sits ("PCI 00:03.0"), for ifstat */
	char location[32];
	/** Driver name and chip ("e1000 82540EM"), for ${chip} */
	char chip[32];
	/** Bus type and IDs for ${busid}: type (1 PCI), vendor, device */
	uint8_t busid[5];
	/** Driver operations */
	const struct net_device_operations *op;
	/** Driver-private data (allocated with the device) */
	void *priv;
	/** Permanent hardware address */
	uint8_t hw_addr[ETH_ALEN];
	/** Address in use */
	uint8_t ll_addr[ETH_ALEN];
	/** Maximum payload of a frame */
	size_t mtu;
	/** State flags (NETDEV_...) */
	unsigned int state;
	/** Frames handed to the driver and not yet completed */
	struct list_head tx_queue;
	/** Frames received and not yet processed */
	struct list_head rx_queue;
	/** Number of frames in rx_queue */
	unsigned int rx_queued;
	/** Transmit counters */
	struct net_device_stats tx_stats;
	/** Receive counters */
	struct net_device_stats rx_stats;
	/** Reason the link is down, for ifstat (0 if unknown or up) */
	int link_rc;
};

/** Device is open */
#define NETDEV_OPEN 0x0001
/** Link is up */
#define NETDEV_LINK_UP 0x0002

/** A network-layer protocol (by Ethernet type) */
struct net_protocol {
	/** Name */
	const char *name;
	/** Ethernet type (network byte order) */
	uint16_t net_proto;
	/**
	 * Receive a packet
	 *
	 * @v iob		Packet, link-layer header removed (owned by
	 *			the callee from now on)
	 * @v netdev		Device it came in on
	 * @v ll_dest		Link-layer destination address
	 * @v ll_source		Link-layer source address
	 * @ret rc		Return status code
	 */
	int (*rx)(struct io_buffer *iob, struct net_device *netdev,
		  const void *ll_dest, const void *ll_source);
};

/** Table of network-layer protocols */
#define NET_PROTOCOLS __table(struct net_protocol, net_protocols)
/** Declare a network-layer protocol */
#define __net_protocol __table_entry(NET_PROTOCOLS, 01)

/** Something that wants to hear when devices come, go, open or close */
struct net_driver {
	/** Name */
	const char *name;
	/**
	 * A device was registered
	 *
	 * @v netdev		Network device
	 * @ret rc		Return status code
	 */
	int (*probe)(struct net_device *netdev);
	/**
	 * A device was opened, closed, or its link changed
	 *
	 * @v netdev		Network device
	 */
	void (*notify)(struct net_device *netdev);
	/**
	 * A device is going away
	 *
	 * @v netdev		Network device
	 */
	void (*remove)(struct net_device *netdev);
};

/** Table of network-device listeners */
#define NET_DRIVERS __table(struct net_driver, net_drivers)
/** Declare a network-device listener */
#define __net_driver __table_entry(NET_DRIVERS, 01)

/** All registered devices */
extern struct list_head net_devices;

/** Iterate over the registered devices */
#define for_each_netdev(netdev) \
	list_for_each_entry(netdev, &net_devices, list)

extern struct net_device *netdev_alloc(size_t priv_len);
extern int netdev_register(struct net_device *netdev);
extern void netdev_unregister(struct net_device *netdev);
extern int netdev_open(struct net_device *netdev);
extern void netdev_close(struct net_device *netdev);
extern int netdev_tx(struct net_device *netdev, struct io_buffer *iob);
extern void netdev_tx_complete(struct net_device *netdev,
			       struct io_buffer *iob);
extern void netdev_tx_complete_err(struct net_device *netdev,
				   struct io_buffer *iob, int rc);
extern void netdev_rx(struct net_device *netdev, struct io_buffer *iob);
extern void netdev_rx_err(struct net_device *netdev, struct io_buffer *iob,
			  int rc);
extern void netdev_link_up(struct net_device *netdev);
extern void netdev_link_down(struct net_device *netdev, int rc);
extern void netdev_poll(struct net_device *netdev);
extern struct net_device *netdev_find(const char *name);
extern struct net_device *netdev_find_index(unsigned int index);
extern int net_tx(struct io_buffer *iob, struct net_device *netdev,
		  uint16_t net_proto, const void *ll_dest);

/**
 * Take a reference to a device
 *
 * @v netdev		Network device
 * @ret netdev		Network device
 */
static inline struct net_device *netdev_get(struct net_device *netdev)
{
	ref_get(&netdev->refcnt);
	return netdev;
}

/**
 * Drop a reference to a device
 *
 * @v netdev		Network device, or NULL
 */
static inline void netdev_put(struct net_device *netdev)
{
	ref_put(netdev ? &netdev->refcnt : NULL);
}

/**
 * Test whether a device is open
 *
 * @v netdev		Network device
 * @ret open		Device is open
 */
static inline int netdev_is_open(struct net_device *netdev)
{
	return (netdev->state & NETDEV_OPEN);
}

/**
 * Test whether a device's link is up
 *
 * @v netdev		Network device
 * @ret up		Link is up
 */
static inline int netdev_link_ok(struct net_device *netdev)
{
	return (netdev->state & NETDEV_LINK_UP);
}

#endif /* NET_NETDEVICE_H */
