/** @file
 *
 * Host platform: network devices on Linux TAP interfaces
 *
 * Each interface named with --tap is attached (created if it does not
 * exist) through /dev/net/tun as an Ethernet device without packet
 * information headers, non-blocking, when Ferry's devices are probed.
 * The file stays attached while Ferry runs; opening the device drops
 * whatever the kernel queued meanwhile, closing it stops the reading.
 * Writes are synchronous, so a frame is complete when transmit returns.
 *
 * The hardware address is locally administered and derived from the
 * interface name, so that the same name always gives the same address
 * (and so the same DHCP lease) from one run to the next.
 *
 * This file sees libc's headers for the system calls, but not
 * <errno.h>, whose names Ferry's error codes reuse: failures are
 * reported with Ferry's codes and the system's reason is not needed.
 */

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
/* Linux counts a frame without the VLAN tag; Ferry's definition wins */
#undef ETH_FRAME_LEN
#include "arch/host/tap.h"
#include "core/errors.h"
#include "core/init.h"
#include "core/iobuf.h"
#include "core/printf.h"
#include "core/string.h"
#include "net/netdevice.h"

/** Too many interfaces */
#define ENOSPC_TAPS ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_TAPS, "Too many TAP interfaces");
/** Interface name too long */
#define ENAMETOOLONG_TAP ERROR_CODE(ERRCLASS_ENAMETOOLONG, 1)
ERROR_MESSAGE(ENAMETOOLONG_TAP, "TAP interface name too long");
/** Cannot open /dev/net/tun */
#define ENODEV_TUN ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_TUN, "Cannot open /dev/net/tun (root needed)");
/** Cannot attach the interface */
#define EACCES_ATTACH ERROR_CODE(ERRCLASS_EACCES, 1)
ERROR_MESSAGE(EACCES_ATTACH, "Cannot attach to the TAP interface");
/** Write failed */
#define ENOBUFS_WRITE ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_WRITE, "TAP interface did not take the frame");
/** Read failed */
#define EIO_READ ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_READ, "Short read from the TAP interface");

/** Frames read per poll at most */
#define TAP_RX_QUOTA 64

/** A TAP device's private data */
struct tap_nic {
	/** Interface name */
	char ifname[IFNAMSIZ];
	/** File descriptor on /dev/net/tun */
	int fd;
};

/** Interfaces named on the command line */
static char tap_names[HOST_TAP_MAX][IFNAMSIZ];
/** Number of interfaces named */
static unsigned int tap_count;

/**
 * Name an interface to drive (before init functions run)
 *
 * @v name		Interface name
 * @ret rc		Return status code
 */
int host_tap_add(const char *name)
{
	if (tap_count >= HOST_TAP_MAX)
		return -ENOSPC_TAPS;
	if (!name[0] || strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG_TAP;
	strlcpy(tap_names[tap_count++], name, IFNAMSIZ);
	return 0;
}

/**
 * Derive a hardware address from an interface name
 *
 * @v name		Interface name
 * @v hw_addr		Address to fill in
 */
static void tap_make_address(const char *name, uint8_t *hw_addr)
{
	/* 64-bit FNV-1a: small, and spreads similar names apart */
	uint64_t hash = 0xcbf29ce484222325ULL;
	unsigned int i;

	while (*name) {
		hash ^= (uint8_t)*name++;
		hash *= 0x100000001b3ULL;
	}
	/* Unicast, locally administered; the rest from the hash */
	hw_addr[0] = 0x02;
	for (i = 1; i < ETH_ALEN; i++) {
		hw_addr[i] = (hash & 0xff);
		hash >>= 8;
	}
}

/**
 * Throw away what the kernel queued
 *
 * @v tap		TAP device
 */
static void tap_drain(struct tap_nic *tap)
{
	uint8_t frame[NETDEV_RX_BUF_LEN];

	while (read(tap->fd, frame, sizeof(frame)) > 0)
		;
}

/**
 * Open the device
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int tap_open(struct net_device *netdev)
{
	struct tap_nic *tap = netdev->priv;

	tap_drain(tap);
	netdev_link_up(netdev);
	return 0;
}

/**
 * Close the device
 *
 * @v netdev		Network device
 */
static void tap_close(struct net_device *netdev)
{
	netdev_link_down(netdev, 0);
}

/**
 * Send a frame (synchronously)
 *
 * @v netdev		Network device
 * @v iob		Frame
 * @ret rc		Return status code
 */
static int tap_transmit(struct net_device *netdev, struct io_buffer *iob)
{
	struct tap_nic *tap = netdev->priv;
	ssize_t len;

	len = write(tap->fd, iob->data, iob_len(iob));
	if (len != (ssize_t)iob_len(iob))
		return -ENOBUFS_WRITE;
	netdev_tx_complete(netdev, iob);
	return 0;
}

/**
 * Collect received frames
 *
 * @v netdev		Network device
 */
static void tap_poll(struct net_device *netdev)
{
	struct tap_nic *tap = netdev->priv;
	struct io_buffer *iob;
	unsigned int quota;
	ssize_t len;

	for (quota = TAP_RX_QUOTA; quota; quota--) {
		iob = iob_alloc(NETDEV_RX_BUF_LEN);
		if (!iob) {
			netdev_rx_err(netdev, NULL, -ENOMEM);
			return;
		}
		len = read(tap->fd, iob->data, NETDEV_RX_BUF_LEN);
		if (len <= 0) {
			/* Nothing more (or an error: try again later) */
			iob_free(iob);
			return;
		}
		iob_put(iob, len);
		netdev_rx(netdev, iob);
	}
}

/** TAP device operations */
static const struct net_device_operations tap_operations = {
	.open = tap_open,
	.close = tap_close,
	.transmit = tap_transmit,
	.poll = tap_poll,
};

/**
 * Attach an interface and register it as a device
 *
 * @v name		Interface name
 * @ret rc		Return status code
 */
static int tap_probe(const char *name)
{
	struct net_device *netdev;
	struct tap_nic *tap;
	struct ifreq ifr;
	int rc;

	netdev = netdev_alloc(sizeof(*tap));
	if (!netdev)
		return -ENOMEM;
	netdev->op = &tap_operations;
	tap = netdev->priv;
	strlcpy(tap->ifname, name, sizeof(tap->ifname));
	tap->fd = open("/dev/net/tun", (O_RDWR | O_NONBLOCK | O_CLOEXEC));
	if (tap->fd < 0) {
		rc = -ENODEV_TUN;
		goto err_open;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (IFF_TAP | IFF_NO_PI);
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	if (ioctl(tap->fd, TUNSETIFF, &ifr) != 0) {
		rc = -EACCES_ATTACH;
		goto err_attach;
	}
	tap_make_address(name, netdev->hw_addr);
	snprintf(netdev->location, sizeof(netdev->location), "TAP %s", name);
	snprintf(netdev->chip, sizeof(netdev->chip), "tap");
	rc = netdev_register(netdev);
	if (rc != 0)
		goto err_register;
	/* The device list holds its own reference now */
	netdev_put(netdev);
	return 0;

err_register:
err_attach:
	close(tap->fd);
err_open:
	netdev_put(netdev);
	return rc;
}

/**
 * Register the devices named on the command line
 */
static void tap_init(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < tap_count; i++) {
		rc = tap_probe(tap_names[i]);
		if (rc != 0)
			printf("tap %s: %s\n", tap_names[i], error_string(rc));
	}
}

/** Find TAP devices with the other devices */
struct init_fn tap_init_fn __init_fn(INIT_DEVICES) = {
	.name = "tap",
	.init = tap_init,
};
