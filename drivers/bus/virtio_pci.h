#ifndef DRIVERS_BUS_VIRTIO_PCI_H
#define DRIVERS_BUS_VIRTIO_PCI_H

/** @file
 *
 * Virtio over PCI: the legacy and the modern transport
 *
 * Legacy (virtio 0.9.5, "transitional" devices 1af4:1000-103f): every
 * register is in I/O BAR 0, features are 32 bits, the ring's address
 * is given as a 4 KiB page number and its size is the device's.
 *
 * Modern (virtio 1.0, devices 1af4:1040-107f, and transitional devices
 * without an I/O BAR): vendor-specific PCI capabilities locate a common
 * configuration structure, a notification area, the ISR byte and the
 * device's own configuration, in memory (or I/O) BARs; features are 64
 * bits and VIRTIO_F_VERSION_1 must be accepted; the driver chooses the
 * ring size and gives the three parts of the ring separately.
 *
 * A device driver uses the same calls for both: virtio_pci_init() picks
 * the transport; virtio_pci_reset(), virtio_pci_negotiate(),
 * virtio_pci_queue_setup() and virtio_pci_driver_ok() bring the device
 * up in the order the specification gives; virtio_pci_exit() leaves it
 * reset when the driver lets it go.
 */

#include <stddef.h>
#include <stdint.h>
#include "drivers/bus/virtio_ring.h"

struct pci_device;

/** PCI vendor ID of virtio devices */
#define VIRTIO_PCI_VENDOR              0x1af4
/** First and last transitional (legacy-capable) device IDs */
#define VIRTIO_PCI_DEVICE_LEGACY_FIRST 0x1000
#define VIRTIO_PCI_DEVICE_LEGACY_LAST  0x103f
/** Modern device IDs: this plus the virtio device type */
#define VIRTIO_PCI_DEVICE_MODERN_BASE  0x1040

/* Device status bits */
#define VIRTIO_STATUS_ACKNOWLEDGE        0x01
#define VIRTIO_STATUS_DRIVER             0x02
#define VIRTIO_STATUS_DRIVER_OK          0x04
#define VIRTIO_STATUS_FEATURES_OK        0x08
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

/* Transport feature bits */
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_F_VERSION_1  32

/** Feature bit as a mask */
#define VIRTIO_BIT(bit) (1ULL << (bit))

/** Where a register block is: an I/O port range or mapped memory */
struct virtio_pci_region {
	/** Port number or memory address of the first register */
	unsigned long base;
	/** Non-zero for I/O ports */
	int is_io;
	/** Length (bytes) */
	size_t len;
};

/** A virtio device on PCI */
struct virtio_pci_device {
	/** PCI device */
	struct pci_device *pci;
	/** Non-zero when driven through the modern transport */
	int modern;
	/** Legacy: the I/O BAR */
	unsigned long ioaddr;
	/** Legacy: offset of the device configuration in the I/O BAR */
	unsigned int legacy_config_offset;
	/** Modern: common configuration */
	struct virtio_pci_region common;
	/** Modern: notification area */
	struct virtio_pci_region notify;
	/** Modern: bytes between two queues' notification addresses */
	uint32_t notify_multiplier;
	/** Modern: ISR status */
	struct virtio_pci_region isr;
	/** Modern: device configuration */
	struct virtio_pci_region device;
	/** Features both sides agreed on */
	uint64_t features;
	/** Non-zero while Ferry masks the INTx line */
	int intx_masked;
	/** PCI_COMMAND_INTX_DISABLE as found, restored on exit */
	uint16_t saved_intx;
};

/** A virtqueue on a virtio PCI device */
struct virtio_pci_queue {
	/** The rings */
	struct vring vring;
	/** Queue index */
	unsigned int index;
	/** Modern: where to write the queue index to notify the device */
	struct virtio_pci_region notify;
};

/**
 * Test whether a feature was agreed on
 *
 * @v vdev		Virtio device
 * @v bit		Feature bit
 * @ret agreed		Non-zero if the feature is in use
 */
static inline int virtio_pci_has_feature(struct virtio_pci_device *vdev,
					 unsigned int bit)
{
	return ((vdev->features & VIRTIO_BIT(bit)) != 0);
}

extern int virtio_pci_init(struct virtio_pci_device *vdev,
			   struct pci_device *pci);
extern void virtio_pci_exit(struct virtio_pci_device *vdev);
extern int virtio_pci_reset(struct virtio_pci_device *vdev);
extern uint8_t virtio_pci_status(struct virtio_pci_device *vdev);
extern void virtio_pci_status_add(struct virtio_pci_device *vdev, uint8_t bits);
extern int virtio_pci_negotiate(struct virtio_pci_device *vdev, uint64_t wanted,
				uint64_t required);
extern int virtio_pci_config_read(struct virtio_pci_device *vdev,
				  unsigned int offset, void *buf, size_t len);
extern int virtio_pci_queue_setup(struct virtio_pci_device *vdev,
				  struct virtio_pci_queue *queue,
				  unsigned int index, unsigned int max_size);
extern void virtio_pci_queue_free(struct virtio_pci_device *vdev,
				  struct virtio_pci_queue *queue);
extern void virtio_pci_queue_notify(struct virtio_pci_device *vdev,
				    struct virtio_pci_queue *queue);
extern void virtio_pci_driver_ok(struct virtio_pci_device *vdev);

#endif /* DRIVERS_BUS_VIRTIO_PCI_H */
