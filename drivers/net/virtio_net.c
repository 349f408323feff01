/** @file
 *
 * Virtio network driver (legacy and modern PCI transports)
 *
 * Each direction has a ring of slots; slot n owns descriptors 2n (the
 * virtio_net_hdr, in memory embedded in struct virtio_net) and 2n + 1
 * (the frame), chained once at open.  Keeping the header in its own
 * descriptor is what legacy devices without VIRTIO_F_ANY_LAYOUT require,
 * and it lets received frames land at the start of their I/O buffer.
 *
 * Buffer ownership:
 *   - receive: every slot normally holds an I/O buffer of
 *     NETDEV_RX_BUF_LEN the device may fill.  A filled buffer is handed
 *     to netdev_rx() as it is (no copy) and the slot gets a fresh one;
 *     if none can be allocated the slot waits on rx_free for the next
 *     poll.
 *   - transmit: the core's buffer is described directly (no copy) and
 *     stays in tx_iobs until the device has used it, then goes back with
 *     netdev_tx_complete().  Frames shorter than ETH_ZLEN are copied into
 *     the slot's own area and padded there instead, so the core's buffer
 *     is never written.
 *
 * Ferry polls: interrupts are switched off in the rings
 * (VRING_AVAIL_F_NO_INTERRUPT) and no MSI-X vector is assigned.
 */

#include <stddef.h>
#include <stdint.h>
#include "drivers/net/virtio_net.h"
#include "drivers/bus/virtio_pci.h"
#include "drivers/bus/virtio_ring.h"
#include "drivers/bus/pci.h"
#include "net/netdevice.h"
#include "net/ethernet.h"
#include "core/compiler.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/string.h"

/** Transmit ring full */
#define ENOBUFS_TX ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_TX, "Virtio transmit ring full");
/** No receive buffers could be allocated */
#define ENOMEM_RX ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_RX, "No memory for virtio receive buffers");
/** No memory for the device */
#define ENOMEM_NETDEV ERROR_CODE(ERRCLASS_ENOMEM, 2)
ERROR_MESSAGE(ENOMEM_NETDEV, "No memory for virtio network device");
/** A queue is too small to hold one frame */
#define ENOSPC_RING ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_RING, "Virtio queue too small");
/** The device gave back a chain Ferry did not give it */
#define EPROTO_ID ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_ID, "Virtio device returned an unknown buffer");
/** The device reported an impossible received length */
#define EPROTO_LEN ERROR_CODE(ERRCLASS_EPROTO, 2)
ERROR_MESSAGE(EPROTO_LEN, "Virtio device reported a bad frame length");
/** The device says the link is down */
#define ENOTCONN_LINK ERROR_CODE(ERRCLASS_ENOTCONN, 1)
ERROR_MESSAGE(ENOTCONN_LINK, "Virtio link down");
/** Frames still in flight when the device was closed */
#define ECANCELED_CLOSE ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_CLOSE, "Virtio device closed");

/**
 * First descriptor (the header) of a slot
 *
 * @v slot		Slot
 * @ret index		Descriptor index
 */
static inline unsigned int virtio_net_slot_head(unsigned int slot)
{
	return (2 * slot);
}

/**
 * Find the slot of a chain the device gave back
 *
 * @v id		Head descriptor reported by the device
 * @v slots		Number of slots in use
 * @v iobs		Buffer of each slot
 * @ret slot		Slot, or a negative error if the id names no chain
 *			in flight
 */
static int virtio_net_used_slot(unsigned int id, unsigned int slots,
				struct io_buffer **iobs)
{
	unsigned int slot = (id / 2);

	if ((id & 1) || (slot >= slots) || !iobs[slot])
		return -EPROTO_ID;
	return slot;
}

/**
 * Post receive buffers in every empty slot (seen after vring_publish())
 *
 * A slot whose buffer cannot be allocated stays on rx_free for the next
 * poll.
 *
 * @v virtnet		Virtio network device
 * @ret added		Number of buffers posted
 */
static unsigned int virtio_net_rx_fill(struct virtio_net *virtnet)
{
	struct vring *vring = &virtnet->rx.vring;
	struct io_buffer *iob;
	unsigned int added = 0;
	unsigned int slot;

	while (virtnet->rx_free_count) {
		iob = iob_alloc(NETDEV_RX_BUF_LEN);
		if (!iob)
			break;
		slot = virtnet->rx_free[--virtnet->rx_free_count];
		virtnet->rx_iobs[slot] = iob;
		vring_desc_set(vring, (virtio_net_slot_head(slot) + 1),
			       iob->data, NETDEV_RX_BUF_LEN, VRING_DESC_F_WRITE,
			       0);
		vring_add(vring, virtio_net_slot_head(slot));
		added++;
	}
	return added;
}

/**
 * Free every posted receive buffer (the device must be reset)
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_rx_empty(struct virtio_net *virtnet)
{
	unsigned int slot;

	for (slot = 0; slot < VIRTIO_NET_SLOTS_MAX; slot++) {
		iob_free(virtnet->rx_iobs[slot]);
		virtnet->rx_iobs[slot] = NULL;
	}
	virtnet->rx_free_count = 0;
}

/**
 * Report every frame still in flight as failed (the device must be
 * reset)
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_tx_cancel(struct virtio_net *virtnet)
{
	unsigned int slot;

	for (slot = 0; slot < VIRTIO_NET_SLOTS_MAX; slot++) {
		if (!virtnet->tx_iobs[slot])
			continue;
		netdev_tx_complete_err(virtnet->netdev, virtnet->tx_iobs[slot],
				       -ECANCELED_CLOSE);
		virtnet->tx_iobs[slot] = NULL;
	}
	virtnet->tx_free_count = 0;
}

/**
 * Chain each slot's two descriptors and mark every slot free
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_slots_init(struct virtio_net *virtnet)
{
	unsigned int head;
	unsigned int slot;

	virtnet->rx_slots = min((virtnet->rx.vring.size / 2),
				(unsigned int)VIRTIO_NET_SLOTS_MAX);
	virtnet->tx_slots = min((virtnet->tx.vring.size / 2),
				(unsigned int)VIRTIO_NET_SLOTS_MAX);
	memset(virtnet->rx_areas, 0, sizeof(virtnet->rx_areas));
	memset(virtnet->tx_areas, 0, sizeof(virtnet->tx_areas));
	/* Slots are taken from the top of the stacks: lowest first */
	for (slot = 0; slot < virtnet->rx_slots; slot++) {
		head = virtio_net_slot_head(slot);
		vring_desc_set(&virtnet->rx.vring, head,
			       &virtnet->rx_areas[slot].hdr, virtnet->hdr_len,
			       (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE),
			       (head + 1));
		virtnet->rx_free[virtnet->rx_slots - 1 - slot] = slot;
	}
	virtnet->rx_free_count = virtnet->rx_slots;
	for (slot = 0; slot < virtnet->tx_slots; slot++) {
		head = virtio_net_slot_head(slot);
		vring_desc_set(&virtnet->tx.vring, head,
			       &virtnet->tx_areas[slot].hdr, virtnet->hdr_len,
			       VRING_DESC_F_NEXT, (head + 1));
		virtnet->tx_free[virtnet->tx_slots - 1 - slot] = slot;
	}
	virtnet->tx_free_count = virtnet->tx_slots;
}

/**
 * Read the link state from the device and report changes
 *
 * Without VIRTIO_NET_F_STATUS the link is taken to be always up.
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_check_link(struct virtio_net *virtnet)
{
	struct net_device *netdev = virtnet->netdev;
	uint16_t status;
	int rc;

	virtnet->link_checked_ms = clock_ms();
	if (!virtio_pci_has_feature(&virtnet->vdev, VIRTIO_NET_F_STATUS)) {
		netdev_link_up(netdev);
		return;
	}
	rc = virtio_pci_config_read(&virtnet->vdev, VIRTIO_NET_CONFIG_STATUS,
				    &status, sizeof(status));
	if (rc != 0) {
		netdev_link_down(netdev, rc);
		return;
	}
	if (status & VIRTIO_NET_S_LINK_UP)
		netdev_link_up(netdev);
	else
		netdev_link_down(netdev, -ENOTCONN_LINK);
}

/**
 * Reset the device and agree on features
 *
 * @v virtnet		Virtio network device
 * @ret rc		Return status code
 */
static int virtio_net_negotiate(struct virtio_net *virtnet)
{
	struct virtio_pci_device *vdev = &virtnet->vdev;
	int rc;

	rc = virtio_pci_reset(vdev);
	if (rc != 0)
		return rc;
	rc = virtio_pci_negotiate(vdev,
				  (VIRTIO_BIT(VIRTIO_NET_F_MAC) |
				   VIRTIO_BIT(VIRTIO_NET_F_STATUS)),
				  0);
	if (rc != 0)
		return rc;
	virtnet->hdr_len = (virtio_pci_has_feature(vdev, VIRTIO_F_VERSION_1)
				    ? VIRTIO_NET_HDR_LEN_MODERN
				    : VIRTIO_NET_HDR_LEN_LEGACY);
	return 0;
}

/**
 * Stop the device and free everything open allocated
 *
 * Harmless on a device opened only in part.
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_stop(struct virtio_net *virtnet)
{
	struct virtio_pci_device *vdev = &virtnet->vdev;

	/* Once reset, the device no longer touches the rings or buffers */
	virtio_pci_reset(vdev);
	virtio_net_tx_cancel(virtnet);
	virtio_net_rx_empty(virtnet);
	virtio_pci_queue_free(vdev, &virtnet->tx);
	virtio_pci_queue_free(vdev, &virtnet->rx);
	virtnet->rx_slots = virtnet->tx_slots = 0;
}

/**
 * Open the device: negotiate, set up both queues, post receive buffers
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int virtio_net_open(struct net_device *netdev)
{
	struct virtio_net *virtnet = netdev->priv;
	struct virtio_pci_device *vdev = &virtnet->vdev;
	int rc;

	rc = virtio_net_negotiate(virtnet);
	if (rc != 0)
		goto err;
	rc = virtio_pci_queue_setup(vdev, &virtnet->rx, VIRTIO_NET_QUEUE_RX,
				    VIRTIO_NET_RING_SIZE);
	if (rc != 0)
		goto err;
	rc = virtio_pci_queue_setup(vdev, &virtnet->tx, VIRTIO_NET_QUEUE_TX,
				    VIRTIO_NET_RING_SIZE);
	if (rc != 0)
		goto err;
	if ((virtnet->rx.vring.size < 2) || (virtnet->tx.vring.size < 2)) {
		rc = -ENOSPC_RING;
		goto err;
	}
	virtio_net_slots_init(virtnet);
	/* Buffers may be posted before DRIVER_OK; the device waits for it,
	 * and for the notification after it.
	 */
	if (!virtio_net_rx_fill(virtnet)) {
		rc = -ENOMEM_RX;
		goto err;
	}
	vring_publish(&virtnet->rx.vring);
	virtio_pci_driver_ok(vdev);
	virtio_pci_queue_notify(vdev, &virtnet->rx);
	virtio_net_check_link(virtnet);
	return 0;

err:
	virtio_net_stop(virtnet);
	return rc;
}

/**
 * Close the device: reset it, free the rings and every buffer
 *
 * @v netdev		Network device
 */
static void virtio_net_close(struct net_device *netdev)
{
	virtio_net_stop(netdev->priv);
}

/**
 * Start sending a frame
 *
 * @v netdev		Network device
 * @v iob		Frame (the driver's until netdev_tx_complete())
 * @ret rc		Return status code (-ENOBUFS: every slot in flight)
 */
static int virtio_net_transmit(struct net_device *netdev, struct io_buffer *iob)
{
	struct virtio_net *virtnet = netdev->priv;
	struct vring *vring = &virtnet->tx.vring;
	struct virtio_net_tx_area *area;
	const void *frame = iob->data;
	size_t len = iob_len(iob);
	unsigned int slot;

	if (!virtnet->tx_free_count)
		return -ENOBUFS_TX;
	slot = virtnet->tx_free[--virtnet->tx_free_count];
	if (len < ETH_ZLEN) {
		area = &virtnet->tx_areas[slot];
		memcpy(area->frame, frame, len);
		memset((area->frame + len), 0, (ETH_ZLEN - len));
		frame = area->frame;
		len = ETH_ZLEN;
	}
	virtnet->tx_iobs[slot] = iob;
	vring_desc_set(vring, (virtio_net_slot_head(slot) + 1), frame, len, 0,
		       0);
	vring_add(vring, virtio_net_slot_head(slot));
	if (vring_publish(vring))
		virtio_pci_queue_notify(&virtnet->vdev, &virtnet->tx);
	return 0;
}

/**
 * Reap frames the device has sent
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_poll_tx(struct virtio_net *virtnet)
{
	struct net_device *netdev = virtnet->netdev;
	unsigned int id;
	size_t len;
	int slot;
	int rc;

	for (;;) {
		rc = vring_used_next(&virtnet->tx.vring, &id, &len);
		if (ERROR_IS(rc, ENOENT))
			break;
		if (rc != 0) {
			netdev_rx_err(netdev, NULL, rc);
			/* An impossible used index cannot be walked past */
			if (ERROR_IS(rc, EPROTO))
				break;
			continue;
		}
		slot = virtio_net_used_slot(id, virtnet->tx_slots,
					    virtnet->tx_iobs);
		if (slot < 0) {
			netdev_rx_err(netdev, NULL, slot);
			continue;
		}
		netdev_tx_complete(netdev, virtnet->tx_iobs[slot]);
		virtnet->tx_iobs[slot] = NULL;
		virtnet->tx_free[virtnet->tx_free_count++] = slot;
	}
}

/**
 * Collect received frames (at most VIRTIO_NET_RX_QUOTA)
 *
 * @v virtnet		Virtio network device
 */
static void virtio_net_poll_rx(struct virtio_net *virtnet)
{
	struct net_device *netdev = virtnet->netdev;
	struct vring *vring = &virtnet->rx.vring;
	struct io_buffer *iob;
	unsigned int quota = VIRTIO_NET_RX_QUOTA;
	unsigned int reposted = 0;
	unsigned int id;
	size_t len;
	int slot;
	int rc;

	while (quota--) {
		rc = vring_used_next(vring, &id, &len);
		if (ERROR_IS(rc, ENOENT))
			break;
		if (rc != 0) {
			netdev_rx_err(netdev, NULL, rc);
			/* An impossible used index cannot be walked past */
			if (ERROR_IS(rc, EPROTO))
				break;
			continue;
		}
		slot = virtio_net_used_slot(id, virtnet->rx_slots,
					    virtnet->rx_iobs);
		if (slot < 0) {
			netdev_rx_err(netdev, NULL, slot);
			continue;
		}
		iob = virtnet->rx_iobs[slot];
		if ((len < virtnet->hdr_len) ||
		    ((len - virtnet->hdr_len) > NETDEV_RX_BUF_LEN)) {
			/* Give the same buffer straight back */
			netdev_rx_err(netdev, NULL, -EPROTO_LEN);
			vring_add(vring, virtio_net_slot_head(slot));
			reposted++;
			continue;
		}
		virtnet->rx_iobs[slot] = NULL;
		virtnet->rx_free[virtnet->rx_free_count++] = slot;
		iob_put(iob, (len - virtnet->hdr_len));
		netdev_rx(netdev, iob);
	}
	if (reposted && vring_publish(vring))
		virtio_pci_queue_notify(&virtnet->vdev, &virtnet->rx);
}

/**
 * Poll: reap sent frames, collect received ones, refill, watch the link
 *
 * @v netdev		Network device
 */
static void virtio_net_poll(struct net_device *netdev)
{
	struct virtio_net *virtnet = netdev->priv;

	virtio_net_poll_tx(virtnet);
	virtio_net_poll_rx(virtnet);
	if (virtnet->rx_free_count && virtio_net_rx_fill(virtnet) &&
	    vring_publish(&virtnet->rx.vring))
		virtio_pci_queue_notify(&virtnet->vdev, &virtnet->rx);
	if ((clock_ms() - virtnet->link_checked_ms) >= VIRTIO_NET_LINK_CHECK_MS)
		virtio_net_check_link(virtnet);
}

/** Virtio network device operations */
static const struct net_device_operations virtio_net_operations = {
	.open = virtio_net_open,
	.close = virtio_net_close,
	.transmit = virtio_net_transmit,
	.poll = virtio_net_poll,
};

/**
 * Make up a locally administered address for a device without one
 *
 * It mixes the PCI location with the clock, so two such devices in one
 * machine differ.
 *
 * @v pci		PCI device
 * @v hw_addr		Address to fill in
 */
static void virtio_net_random_mac(struct pci_device *pci, uint8_t *hw_addr)
{
	uint64_t seed;
	unsigned int i;

	seed = ((((uint64_t)pci->bus << 16) | (pci->slot << 8) |
		 pci->function) ^
		clock_ms());
	for (i = 0; i < ETH_ALEN; i++) {
		/* A 64-bit LCG step (Knuth's MMIX constants) */
		seed = ((seed * 6364136223846793005ULL) +
			1442695040888963407ULL);
		hw_addr[i] = (seed >> 56);
	}
	/* Unicast, locally administered */
	hw_addr[0] = ((hw_addr[0] & ~0x01) | 0x02);
}

/**
 * Probe a virtio network device: find its transport and its address
 *
 * The device is left reset; virtio_net_open() brings it up.
 *
 * @v pci		PCI device
 * @ret rc		Return status code
 */
static int virtio_net_probe(struct pci_device *pci)
{
	struct net_device *netdev;
	struct virtio_net *virtnet;
	struct virtio_pci_device *vdev;
	int rc;

	netdev = netdev_alloc(sizeof(*virtnet));
	if (!netdev)
		return -ENOMEM_NETDEV;
	virtnet = netdev->priv;
	virtnet->netdev = netdev;
	vdev = &virtnet->vdev;
	netdev->op = &virtio_net_operations;

	rc = virtio_pci_init(vdev, pci);
	if (rc != 0)
		goto err_init;
	rc = virtio_net_negotiate(virtnet);
	if (rc != 0)
		goto err_negotiate;
	if (virtio_pci_has_feature(vdev, VIRTIO_NET_F_MAC)) {
		rc = virtio_pci_config_read(vdev, VIRTIO_NET_CONFIG_MAC,
					    netdev->hw_addr, ETH_ALEN);
		if (rc != 0)
			goto err_mac;
	} else {
		virtio_net_random_mac(pci, netdev->hw_addr);
	}
	rc = virtio_pci_reset(vdev);
	if (rc != 0)
		goto err_reset;

	pci_netdev_describe(pci, netdev, "virtio-net",
			    (vdev->modern ? "modern" : "legacy"));

	pci->priv = netdev;
	rc = netdev_register(netdev);
	if (rc != 0)
		goto err_register;
	return 0;

err_register:
	pci->priv = NULL;
err_reset:
err_mac:
err_negotiate:
	virtio_pci_exit(vdev);
err_init:
	netdev_put(netdev);
	return rc;
}

/**
 * Let a virtio network device go: unregister it and leave it reset
 *
 * @v pci		PCI device
 */
static void virtio_net_remove(struct pci_device *pci)
{
	struct net_device *netdev = pci->priv;
	struct virtio_net *virtnet;

	if (!netdev)
		return;
	virtnet = netdev->priv;
	netdev_unregister(netdev);
	virtio_pci_exit(&virtnet->vdev);
	pci->priv = NULL;
	netdev_put(netdev);
}

/** Virtio network devices: transitional and modern */
static const struct pci_device_id virtio_net_ids[] = {
	{ VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_LEGACY_FIRST, "virtio-net", 0 },
	{ VIRTIO_PCI_VENDOR, (VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_NET),
	  "virtio-net", 0 },
};

/** The virtio-net driver */
struct pci_driver virtio_net_driver __pci_driver = {
	.name = "virtio-net",
	.ids = virtio_net_ids,
	.id_count = ARRAY_SIZE(virtio_net_ids),
	.probe = virtio_net_probe,
	.remove = virtio_net_remove,
};
