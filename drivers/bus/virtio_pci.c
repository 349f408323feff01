/** @file
 *
 * Virtio over PCI: finding the transport, status, features, queues,
 * notifications
 */

#include <stddef.h>
#include <stdint.h>
#include "drivers/bus/virtio_pci.h"
#include "drivers/bus/virtio_ring.h"
#include "drivers/bus/pci.h"
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/platform.h"
#include "core/string.h"

/* Legacy registers (offsets in I/O BAR 0) */
#define VIRTIO_LEGACY_DEVICE_FEATURES 0x00
#define VIRTIO_LEGACY_DRIVER_FEATURES 0x04
#define VIRTIO_LEGACY_QUEUE_PFN       0x08
#define VIRTIO_LEGACY_QUEUE_SIZE      0x0c
#define VIRTIO_LEGACY_QUEUE_SELECT    0x0e
#define VIRTIO_LEGACY_QUEUE_NOTIFY    0x10
#define VIRTIO_LEGACY_STATUS          0x12
#define VIRTIO_LEGACY_ISR             0x13
/** Device configuration, when MSI-X is off */
#define VIRTIO_LEGACY_CONFIG          0x14
/** Device configuration, when MSI-X is on (two vector registers first) */
#define VIRTIO_LEGACY_CONFIG_MSIX     0x18
/** The legacy queue address register holds a page number of this shift */
#define VIRTIO_LEGACY_PFN_SHIFT       12

/* A virtio vendor-specific PCI capability (offsets in it) */
#define VIRTIO_CAP_CFG_TYPE    3
#define VIRTIO_CAP_BAR         4
#define VIRTIO_CAP_OFFSET      8
#define VIRTIO_CAP_LENGTH      12
/** Notification capability: bytes between queues' notify addresses */
#define VIRTIO_CAP_NOTIFY_MULT 16
/** Length of a notification capability, with its multiplier */
#define VIRTIO_CAP_NOTIFY_LEN  20

/* Capability types */
#define VIRTIO_CAP_TYPE_COMMON 1
#define VIRTIO_CAP_TYPE_NOTIFY 2
#define VIRTIO_CAP_TYPE_ISR    3
#define VIRTIO_CAP_TYPE_DEVICE 4

/* Modern common configuration structure (offsets in it) */
#define VIRTIO_COMMON_DEVICE_FEATURE_SELECT 0x00
#define VIRTIO_COMMON_DEVICE_FEATURE        0x04
#define VIRTIO_COMMON_DRIVER_FEATURE_SELECT 0x08
#define VIRTIO_COMMON_DRIVER_FEATURE        0x0c
#define VIRTIO_COMMON_MSIX_CONFIG           0x10
#define VIRTIO_COMMON_NUM_QUEUES            0x12
#define VIRTIO_COMMON_STATUS                0x14
#define VIRTIO_COMMON_CONFIG_GENERATION     0x15
#define VIRTIO_COMMON_QUEUE_SELECT          0x16
#define VIRTIO_COMMON_QUEUE_SIZE            0x18
#define VIRTIO_COMMON_QUEUE_MSIX_VECTOR     0x1a
#define VIRTIO_COMMON_QUEUE_ENABLE          0x1c
#define VIRTIO_COMMON_QUEUE_NOTIFY_OFF      0x1e
#define VIRTIO_COMMON_QUEUE_DESC            0x20
#define VIRTIO_COMMON_QUEUE_AVAIL           0x28
#define VIRTIO_COMMON_QUEUE_USED            0x30
/** Length of the common configuration structure */
#define VIRTIO_COMMON_LEN                   0x38

/** "No MSI-X vector" */
#define VIRTIO_MSIX_NO_VECTOR 0xffff
/** Enable bit of the MSI-X message control register */
#define PCI_MSIX_FLAGS_ENABLE 0x8000
/** Offset of the MSI-X message control register in its capability */
#define PCI_MSIX_FLAGS        2

/** Longest wait for a modern device to finish resetting */
#define VIRTIO_RESET_TIMEOUT_MS  1000
/** Most tries to read the device configuration without it changing */
#define VIRTIO_CONFIG_READ_TRIES 16

/** Neither transport is usable */
#define ENODEV_TRANSPORT ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_TRANSPORT, "No usable virtio PCI transport");
/** A register block is in a BAR the CPU cannot reach */
#define ENOTSUP_BAR64 ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_BAR64, "Virtio registers above 4 GiB");
/** The device refused the features */
#define ENOTSUP_FEATURES ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_FEATURES, "Virtio device lacks required features");
/** The device does not have the queue */
#define ENOENT_QUEUE ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_QUEUE, "Virtio queue not present");
/** A region lies outside what its capability describes */
#define ERANGE_REGION ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_REGION, "Virtio register outside its region");
/** The device did not finish resetting */
#define ETIMEDOUT_RESET ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_RESET, "Virtio device reset timed out");
/** The device configuration kept changing while being read */
#define EAGAIN_CONFIG ERROR_CODE(ERRCLASS_EAGAIN, 1)
ERROR_MESSAGE(EAGAIN_CONFIG, "Virtio configuration kept changing");

/**
 * Read a byte from a register block
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @ret value		Value
 */
static uint8_t virtio_region_read8(const struct virtio_pci_region *region,
				   unsigned int offset)
{
	if (region->is_io)
		return inb(region->base + offset);
	return readb(phys_to_virt(region->base + offset));
}

/**
 * Read a 16-bit word from a register block
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @ret value		Value
 */
static uint16_t virtio_region_read16(const struct virtio_pci_region *region,
				     unsigned int offset)
{
	if (region->is_io)
		return inw(region->base + offset);
	return readw(phys_to_virt(region->base + offset));
}

/**
 * Read a 32-bit word from a register block
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @ret value		Value
 */
static uint32_t virtio_region_read32(const struct virtio_pci_region *region,
				     unsigned int offset)
{
	if (region->is_io)
		return inl(region->base + offset);
	return readl(phys_to_virt(region->base + offset));
}

/**
 * Write a byte to a register block
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @v value		Value
 */
static void virtio_region_write8(const struct virtio_pci_region *region,
				 unsigned int offset, uint8_t value)
{
	if (region->is_io)
		outb(value, region->base + offset);
	else
		writeb(value, phys_to_virt(region->base + offset));
}

/**
 * Write a 16-bit word to a register block
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @v value		Value
 */
static void virtio_region_write16(const struct virtio_pci_region *region,
				  unsigned int offset, uint16_t value)
{
	if (region->is_io)
		outw(value, region->base + offset);
	else
		writew(value, phys_to_virt(region->base + offset));
}

/**
 * Write a 32-bit word to a register block
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @v value		Value
 */
static void virtio_region_write32(const struct virtio_pci_region *region,
				  unsigned int offset, uint32_t value)
{
	if (region->is_io)
		outl(value, region->base + offset);
	else
		writel(value, phys_to_virt(region->base + offset));
}

/**
 * Write a 64-bit field as two 32-bit halves (low first), as the modern
 * interface allows
 *
 * @v region		Register block
 * @v offset		Offset (bytes)
 * @v value		Value
 */
static void virtio_region_write64(const struct virtio_pci_region *region,
				  unsigned int offset, uint64_t value)
{
	virtio_region_write32(region, offset, (uint32_t)value);
	virtio_region_write32(region, (offset + 4), (uint32_t)(value >> 32));
}

/**
 * Set up the legacy transport
 *
 * The device configuration follows the two MSI-X vector registers when
 * MSI-X is enabled (never by Ferry, but perhaps by whoever ran before).
 *
 * @v vdev		Virtio device
 */
static void virtio_pci_legacy_init(struct virtio_pci_device *vdev)
{
	struct pci_device *pci = vdev->pci;
	unsigned int pos;
	uint16_t flags = 0;

	vdev->modern = 0;
	vdev->ioaddr = pci_bar_start(pci, 0);
	vdev->legacy_config_offset = VIRTIO_LEGACY_CONFIG;
	pos = pci_find_capability(pci, PCI_CAP_ID_MSIX);
	if (pos &&
	    (pci_read_config_word(pci, (pos + PCI_MSIX_FLAGS), &flags) == 0) &&
	    (flags & PCI_MSIX_FLAGS_ENABLE))
		vdev->legacy_config_offset = VIRTIO_LEGACY_CONFIG_MSIX;
}

/**
 * Map the register block a virtio capability describes
 *
 * @v vdev		Virtio device
 * @v pos		Capability's offset in configuration space
 * @v region		Region to fill in
 * @ret rc		Return status code
 */
static int virtio_pci_map_cap(struct virtio_pci_device *vdev, unsigned int pos,
			      struct virtio_pci_region *region)
{
	struct pci_device *pci = vdev->pci;
	unsigned long start;
	uint32_t bar_low;
	uint32_t bar_high = 0;
	uint32_t offset;
	uint32_t length;
	uint8_t bar;
	int rc;

	rc = pci_read_config_byte(pci, (pos + VIRTIO_CAP_BAR), &bar);
	if (rc != 0)
		return rc;
	if (bar > 5)
		return -ENODEV_TRANSPORT;
	rc = pci_read_config_dword(pci, (pos + VIRTIO_CAP_OFFSET), &offset);
	if (rc != 0)
		return rc;
	rc = pci_read_config_dword(pci, (pos + VIRTIO_CAP_LENGTH), &length);
	if (rc != 0)
		return rc;
	rc = pci_read_config_dword(pci, PCI_BASE_ADDRESS(bar), &bar_low);
	if (rc != 0)
		return rc;
	if (!(bar_low & PCI_BASE_ADDRESS_SPACE_IO) &&
	    (bar_low & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
		if (bar == 5)
			return -ENODEV_TRANSPORT;
		rc = pci_read_config_dword(pci, PCI_BASE_ADDRESS(bar + 1),
					   &bar_high);
		if (rc != 0)
			return rc;
		if (bar_high && (sizeof(unsigned long) < sizeof(uint64_t)))
			return -ENOTSUP_BAR64;
	}
	start = pci_bar_start(pci, bar);
	if (!start)
		return -ENODEV_TRANSPORT;
	if ((start + offset) < start)
		return -ERANGE_REGION;
	region->base = (start + offset);
	region->is_io = pci_bar_is_io(pci, bar);
	region->len = length;
	return 0;
}

/**
 * Set up the modern transport from the device's capabilities
 *
 * The first capability of each type that can be mapped is used, as the
 * specification asks.
 *
 * @v vdev		Virtio device
 * @ret rc		Return status code
 */
static int virtio_pci_modern_init(struct virtio_pci_device *vdev)
{
	struct pci_device *pci = vdev->pci;
	struct virtio_pci_region *region;
	unsigned int pos;
	uint32_t multiplier;
	uint8_t cap_len;
	uint8_t type;
	int rc;

	for (pos = pci_find_capability(pci, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pci, pos, PCI_CAP_ID_VNDR)) {
		if (pci_read_config_byte(pci, (pos + VIRTIO_CAP_CFG_TYPE),
					 &type) ||
		    pci_read_config_byte(pci, (pos + 2), &cap_len))
			continue;
		switch (type) {
		case VIRTIO_CAP_TYPE_COMMON:
			region = &vdev->common;
			break;
		case VIRTIO_CAP_TYPE_NOTIFY:
			region = &vdev->notify;
			break;
		case VIRTIO_CAP_TYPE_ISR:
			region = &vdev->isr;
			break;
		case VIRTIO_CAP_TYPE_DEVICE:
			region = &vdev->device;
			break;
		default:
			continue;
		}
		if (region->base)
			continue;
		if (type == VIRTIO_CAP_TYPE_NOTIFY) {
			if ((cap_len < VIRTIO_CAP_NOTIFY_LEN) ||
			    pci_read_config_dword(
				    pci, (pos + VIRTIO_CAP_NOTIFY_MULT),
				    &multiplier))
				continue;
			vdev->notify_multiplier = multiplier;
		}
		rc = virtio_pci_map_cap(vdev, pos, region);
		if (rc != 0) {
			memset(region, 0, sizeof(*region));
			if (ERROR_IS(rc, ENOTSUP))
				return rc;
		}
	}
	if (!vdev->common.base || (vdev->common.len < VIRTIO_COMMON_LEN) ||
	    !vdev->notify.base)
		return -ENODEV_TRANSPORT;
	vdev->modern = 1;
	return 0;
}

/**
 * Find a virtio device's transport
 *
 * A transitional device with its legacy I/O BAR is driven through the
 * legacy transport; any other device through the modern one.  The PCI
 * device is enabled (decoding and bus mastering), and its INTx line is
 * masked: Ferry polls, and a configuration change would otherwise
 * assert an interrupt nobody acknowledges.  virtio_pci_exit() undoes
 * the masking.
 *
 * @v vdev		Virtio device to fill in
 * @v pci		PCI device
 * @ret rc		Return status code
 */
int virtio_pci_init(struct virtio_pci_device *vdev, struct pci_device *pci)
{
	uint16_t command;
	int transitional;
	int rc;

	memset(vdev, 0, sizeof(*vdev));
	vdev->pci = pci;
	pci_enable_device(pci);
	transitional = ((pci->device >= VIRTIO_PCI_DEVICE_LEGACY_FIRST) &&
			(pci->device <= VIRTIO_PCI_DEVICE_LEGACY_LAST));
	if (transitional && pci_bar_is_io(pci, 0) && pci_bar_start(pci, 0)) {
		virtio_pci_legacy_init(vdev);
	} else {
		rc = virtio_pci_modern_init(vdev);
		if (rc != 0)
			return rc;
	}
	if (pci_read_config_word(pci, PCI_COMMAND, &command) == 0) {
		vdev->saved_intx = (command & PCI_COMMAND_INTX_DISABLE);
		pci_write_config_word(pci, PCI_COMMAND,
				      (command | PCI_COMMAND_INTX_DISABLE));
		vdev->intx_masked = 1;
	}
	return 0;
}

/**
 * Leave a virtio device: reset it and give back its INTx line
 *
 * @v vdev		Virtio device (from a successful virtio_pci_init())
 */
void virtio_pci_exit(struct virtio_pci_device *vdev)
{
	struct pci_device *pci = vdev->pci;
	uint16_t command;

	virtio_pci_reset(vdev);
	if (vdev->intx_masked &&
	    (pci_read_config_word(pci, PCI_COMMAND, &command) == 0)) {
		command &= ~PCI_COMMAND_INTX_DISABLE;
		pci_write_config_word(pci, PCI_COMMAND,
				      (command | vdev->saved_intx));
		vdev->intx_masked = 0;
	}
}

/**
 * Read the device status
 *
 * @v vdev		Virtio device
 * @ret status		Status (VIRTIO_STATUS_...)
 */
uint8_t virtio_pci_status(struct virtio_pci_device *vdev)
{
	if (vdev->modern)
		return virtio_region_read8(&vdev->common, VIRTIO_COMMON_STATUS);
	return inb(vdev->ioaddr + VIRTIO_LEGACY_STATUS);
}

/**
 * Write the device status
 *
 * @v vdev		Virtio device
 * @v status		Status (VIRTIO_STATUS_...)
 */
static void virtio_pci_status_write(struct virtio_pci_device *vdev,
				    uint8_t status)
{
	if (vdev->modern)
		virtio_region_write8(&vdev->common, VIRTIO_COMMON_STATUS,
				     status);
	else
		outb(status, (vdev->ioaddr + VIRTIO_LEGACY_STATUS));
}

/**
 * Add bits to the device status
 *
 * @v vdev		Virtio device
 * @v bits		Bits to add (VIRTIO_STATUS_...)
 */
void virtio_pci_status_add(struct virtio_pci_device *vdev, uint8_t bits)
{
	virtio_pci_status_write(vdev, (virtio_pci_status(vdev) | bits));
}

/**
 * Reset the device: it stops using every queue and forgets its features
 *
 * @v vdev		Virtio device
 * @ret rc		Return status code
 */
int virtio_pci_reset(struct virtio_pci_device *vdev)
{
	unsigned int waited_ms;

	virtio_pci_status_write(vdev, 0);
	/* Reading the status back completes the reset of a legacy device;
	 * a modern one reads 0 once it has finished.
	 */
	for (waited_ms = 0; waited_ms < VIRTIO_RESET_TIMEOUT_MS; waited_ms++) {
		if (virtio_pci_status(vdev) == 0) {
			vdev->features = 0;
			return 0;
		}
		udelay(1000);
	}
	return -ETIMEDOUT_RESET;
}

/**
 * Read the features the device offers
 *
 * @v vdev		Virtio device
 * @ret features	Feature bits
 */
static uint64_t virtio_pci_device_features(struct virtio_pci_device *vdev)
{
	uint64_t features;

	if (!vdev->modern)
		return inl(vdev->ioaddr + VIRTIO_LEGACY_DEVICE_FEATURES);
	virtio_region_write32(&vdev->common,
			      VIRTIO_COMMON_DEVICE_FEATURE_SELECT, 0);
	features = virtio_region_read32(&vdev->common,
					VIRTIO_COMMON_DEVICE_FEATURE);
	virtio_region_write32(&vdev->common,
			      VIRTIO_COMMON_DEVICE_FEATURE_SELECT, 1);
	features |= ((uint64_t)virtio_region_read32(
			     &vdev->common, VIRTIO_COMMON_DEVICE_FEATURE)
		     << 32);
	return features;
}

/**
 * Tell the device which features the driver uses
 *
 * @v vdev		Virtio device
 * @v features		Feature bits
 */
static void virtio_pci_driver_features(struct virtio_pci_device *vdev,
				       uint64_t features)
{
	if (!vdev->modern) {
		outl((uint32_t)features,
		     (vdev->ioaddr + VIRTIO_LEGACY_DRIVER_FEATURES));
		return;
	}
	virtio_region_write32(&vdev->common,
			      VIRTIO_COMMON_DRIVER_FEATURE_SELECT, 0);
	virtio_region_write32(&vdev->common, VIRTIO_COMMON_DRIVER_FEATURE,
			      (uint32_t)features);
	virtio_region_write32(&vdev->common,
			      VIRTIO_COMMON_DRIVER_FEATURE_SELECT, 1);
	virtio_region_write32(&vdev->common, VIRTIO_COMMON_DRIVER_FEATURE,
			      (uint32_t)(features >> 32));
}

/**
 * Acknowledge a reset device and agree on features
 *
 * On the modern transport VIRTIO_F_VERSION_1 is always wanted and
 * required, and the device must accept the result (FEATURES_OK).  On
 * failure the device is marked FAILED.
 *
 * @v vdev		Virtio device (just reset)
 * @v wanted		Features the driver can use
 * @v required		Features the driver cannot do without
 * @ret rc		Return status code
 */
int virtio_pci_negotiate(struct virtio_pci_device *vdev, uint64_t wanted,
			 uint64_t required)
{
	uint64_t features;

	virtio_pci_status_add(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_pci_status_add(vdev, VIRTIO_STATUS_DRIVER);
	if (vdev->modern) {
		wanted |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
		required |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	} else {
		wanted &= 0xffffffffULL;
	}
	features = (virtio_pci_device_features(vdev) & wanted);
	if ((features & required) != required)
		goto err;
	virtio_pci_driver_features(vdev, features);
	if (vdev->modern) {
		virtio_pci_status_add(vdev, VIRTIO_STATUS_FEATURES_OK);
		if (!(virtio_pci_status(vdev) & VIRTIO_STATUS_FEATURES_OK))
			goto err;
	}
	vdev->features = features;
	return 0;

err:
	virtio_pci_status_add(vdev, VIRTIO_STATUS_FAILED);
	return -ENOTSUP_FEATURES;
}

/**
 * Read the device configuration
 *
 * On the modern transport the read is repeated until the configuration
 * generation is the same before and after, so that a multi-byte field
 * is never torn.
 *
 * @v vdev		Virtio device (features negotiated)
 * @v offset		Offset in the device configuration
 * @v buf		Buffer
 * @v len		Length to read
 * @ret rc		Return status code
 */
int virtio_pci_config_read(struct virtio_pci_device *vdev, unsigned int offset,
			   void *buf, size_t len)
{
	uint8_t *bytes = buf;
	unsigned int tries;
	uint8_t generation;
	size_t i;

	if (!vdev->modern) {
		for (i = 0; i < len; i++) {
			bytes[i] = inb(vdev->ioaddr +
				       vdev->legacy_config_offset + offset + i);
		}
		return 0;
	}
	if ((offset > vdev->device.len) || (len > (vdev->device.len - offset)))
		return -ERANGE_REGION;
	for (tries = 0; tries < VIRTIO_CONFIG_READ_TRIES; tries++) {
		generation = virtio_region_read8(
			&vdev->common, VIRTIO_COMMON_CONFIG_GENERATION);
		for (i = 0; i < len; i++) {
			bytes[i] = virtio_region_read8(&vdev->device,
						       (offset + i));
		}
		if (generation ==
		    virtio_region_read8(&vdev->common,
					VIRTIO_COMMON_CONFIG_GENERATION))
			return 0;
	}
	return -EAGAIN_CONFIG;
}

/**
 * Set up a legacy queue: its size is the device's
 *
 * @v vdev		Virtio device
 * @v queue		Queue (index set)
 * @ret rc		Return status code
 */
static int virtio_pci_legacy_queue_setup(struct virtio_pci_device *vdev,
					 struct virtio_pci_queue *queue)
{
	unsigned int size;
	int rc;

	outw(queue->index, (vdev->ioaddr + VIRTIO_LEGACY_QUEUE_SELECT));
	size = inw(vdev->ioaddr + VIRTIO_LEGACY_QUEUE_SIZE);
	if (size == 0)
		return -ENOENT_QUEUE;
	rc = vring_alloc(&queue->vring, size);
	if (rc != 0)
		return rc;
	outl((uint32_t)(vring_desc_phys(&queue->vring) >>
			VIRTIO_LEGACY_PFN_SHIFT),
	     (vdev->ioaddr + VIRTIO_LEGACY_QUEUE_PFN));
	return 0;
}

/**
 * Set up a modern queue: the driver chooses its size
 *
 * @v vdev		Virtio device
 * @v queue		Queue (index set)
 * @v max_size		Largest size wanted
 * @ret rc		Return status code
 */
static int virtio_pci_modern_queue_setup(struct virtio_pci_device *vdev,
					 struct virtio_pci_queue *queue,
					 unsigned int max_size)
{
	const struct virtio_pci_region *common = &vdev->common;
	unsigned int size;
	uint64_t notify_offset;
	int rc;

	virtio_region_write16(common, VIRTIO_COMMON_QUEUE_SELECT, queue->index);
	size = virtio_region_read16(common, VIRTIO_COMMON_QUEUE_SIZE);
	if (size == 0)
		return -ENOENT_QUEUE;
	size = min(size, max_size);
	/* Split rings have a power-of-two size: round down */
	while (size & (size - 1))
		size &= (size - 1);
	notify_offset = ((uint64_t)virtio_region_read16(
				 common, VIRTIO_COMMON_QUEUE_NOTIFY_OFF) *
			 vdev->notify_multiplier);
	if ((vdev->notify.len < sizeof(uint16_t)) ||
	    (notify_offset > (vdev->notify.len - sizeof(uint16_t))))
		return -ERANGE_REGION;
	queue->notify = vdev->notify;
	queue->notify.base += notify_offset;
	queue->notify.len = sizeof(uint16_t);
	rc = vring_alloc(&queue->vring, size);
	if (rc != 0)
		return rc;
	virtio_region_write16(common, VIRTIO_COMMON_QUEUE_SIZE, size);
	virtio_region_write16(common, VIRTIO_COMMON_QUEUE_MSIX_VECTOR,
			      VIRTIO_MSIX_NO_VECTOR);
	virtio_region_write64(common, VIRTIO_COMMON_QUEUE_DESC,
			      vring_desc_phys(&queue->vring));
	virtio_region_write64(common, VIRTIO_COMMON_QUEUE_AVAIL,
			      vring_avail_phys(&queue->vring));
	virtio_region_write64(common, VIRTIO_COMMON_QUEUE_USED,
			      vring_used_phys(&queue->vring));
	virtio_region_write16(common, VIRTIO_COMMON_QUEUE_ENABLE, 1);
	return 0;
}

/**
 * Allocate a queue's rings and give them to the device
 *
 * @v vdev		Virtio device (features negotiated, not DRIVER_OK)
 * @v queue		Queue to fill in
 * @v index		Queue index
 * @v max_size		Largest size wanted (the legacy transport uses the
 *			device's size whatever this is)
 * @ret rc		Return status code
 */
int virtio_pci_queue_setup(struct virtio_pci_device *vdev,
			   struct virtio_pci_queue *queue, unsigned int index,
			   unsigned int max_size)
{
	memset(queue, 0, sizeof(*queue));
	queue->index = index;
	if (vdev->modern)
		return virtio_pci_modern_queue_setup(vdev, queue, max_size);
	return virtio_pci_legacy_queue_setup(vdev, queue);
}

/**
 * Take a queue back from the device and free its rings
 *
 * The device must have been reset first, so that it no longer reads or
 * writes the rings.
 *
 * @v vdev		Virtio device
 * @v queue		Queue (harmless if never set up)
 */
void virtio_pci_queue_free(struct virtio_pci_device *vdev,
			   struct virtio_pci_queue *queue)
{
	if (!queue->vring.mem)
		return;
	if (!vdev->modern) {
		outw(queue->index, (vdev->ioaddr + VIRTIO_LEGACY_QUEUE_SELECT));
		outl(0, (vdev->ioaddr + VIRTIO_LEGACY_QUEUE_PFN));
	}
	vring_free(&queue->vring);
}

/**
 * Tell the device a queue has new buffers
 *
 * @v vdev		Virtio device
 * @v queue		Queue
 */
void virtio_pci_queue_notify(struct virtio_pci_device *vdev,
			     struct virtio_pci_queue *queue)
{
	if (vdev->modern)
		virtio_region_write16(&queue->notify, 0, queue->index);
	else
		outw(queue->index, (vdev->ioaddr + VIRTIO_LEGACY_QUEUE_NOTIFY));
}

/**
 * Tell the device the driver is ready: it may start using the queues
 *
 * @v vdev		Virtio device
 */
void virtio_pci_driver_ok(struct virtio_pci_device *vdev)
{
	virtio_pci_status_add(vdev, VIRTIO_STATUS_DRIVER_OK);
}
