/** @file
 *
 * Virtio split virtqueues: layout, publishing buffers, collecting used ones
 *
 * The driver owns avail_idx and used_idx; the device owns used->idx and
 * the used entries.  Indices run freely over 16 bits and are reduced
 * modulo the (power of two) ring size only when an entry is addressed,
 * so "ring full" and "ring empty" never look alike.
 */

#include <stddef.h>
#include <stdint.h>
#include "drivers/bus/virtio_ring.h"
#include "core/io.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/errors.h"

/** The queue size is not a power of two between 1 and VRING_SIZE_MAX */
#define EINVAL_SIZE ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_SIZE, "Invalid virtqueue size");
/** No memory for the rings */
#define ENOMEM_RING ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_RING, "No memory for virtqueue");
/** Nothing new in the used ring */
#define ENOENT_USED ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_USED, "Virtqueue has no used buffers");
/** The device's used index ran past what the driver made available */
#define EPROTO_USED_IDX ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_USED_IDX, "Virtio device used index out of range");
/** The device named a descriptor past the table */
#define ERANGE_USED_ID ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_USED_ID, "Virtio device used id out of range");

/**
 * Offset of the available ring in the ring memory
 *
 * @v size		Queue size
 * @ret offset		Offset (bytes)
 */
static size_t vring_avail_offset(unsigned int size)
{
	return (size * sizeof(struct vring_desc));
}

/**
 * Offset of the used ring in the ring memory
 *
 * The available ring is its two 16-bit fields, one entry per descriptor
 * and the 16-bit used_event field (present even when unused); the used
 * ring starts at the next VRING_USED_ALIGN_BYTES boundary.
 *
 * @v size		Queue size
 * @ret offset		Offset (bytes)
 */
static size_t vring_used_offset(unsigned int size)
{
	size_t avail_end =
		(vring_avail_offset(size) + sizeof(struct vring_avail) +
		 ((size + 1) * sizeof(uint16_t)));

	return ((avail_end + VRING_USED_ALIGN_BYTES - 1) &
		~(size_t)(VRING_USED_ALIGN_BYTES - 1));
}

/**
 * Bytes of memory a ring of a given size needs (legacy layout)
 *
 * @v size		Queue size (at most VRING_SIZE_MAX)
 * @ret len		Length (bytes)
 */
size_t vring_mem_len(unsigned int size)
{
	/* The used ring: two 16-bit fields, entries, 16-bit avail_event */
	return (vring_used_offset(size) + sizeof(struct vring_used) +
		(size * sizeof(struct vring_used_elem)) + sizeof(uint16_t));
}

/**
 * Allocate and lay out an empty virtqueue
 *
 * Interrupts are switched off in the available ring from the start:
 * Ferry polls.
 *
 * @v vring		Virtqueue to fill in
 * @v size		Queue size (a power of two, at most VRING_SIZE_MAX)
 * @ret rc		Return status code
 */
int vring_alloc(struct vring *vring, unsigned int size)
{
	uint8_t *mem;
	size_t len;

	memset(vring, 0, sizeof(*vring));
	if ((size == 0) || (size > VRING_SIZE_MAX) || (size & (size - 1)))
		return -EINVAL_SIZE;
	len = vring_mem_len(size);
	mem = heap_alloc_aligned(len, VRING_ALIGN_BYTES);
	if (!mem)
		return -ENOMEM_RING;
	memset(mem, 0, len);
	vring->size = size;
	vring->mem = mem;
	vring->mem_len = len;
	vring->desc = (struct vring_desc *)mem;
	vring->avail = (struct vring_avail *)(mem + vring_avail_offset(size));
	vring->used = (struct vring_used *)(mem + vring_used_offset(size));
	vring->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	return 0;
}

/**
 * Free a virtqueue's memory
 *
 * The device must no longer use it (reset it, or take the queue away,
 * first).
 *
 * @v vring		Virtqueue (harmless if never allocated or freed)
 */
void vring_free(struct vring *vring)
{
	heap_free_aligned(vring->mem);
	memset(vring, 0, sizeof(*vring));
}

/**
 * Physical address of the descriptor table
 *
 * @v vring		Virtqueue
 * @ret phys		Physical address
 */
uint64_t vring_desc_phys(const struct vring *vring)
{
	return virt_to_phys(vring->desc);
}

/**
 * Physical address of the available ring
 *
 * @v vring		Virtqueue
 * @ret phys		Physical address
 */
uint64_t vring_avail_phys(const struct vring *vring)
{
	return virt_to_phys(vring->avail);
}

/**
 * Physical address of the used ring
 *
 * @v vring		Virtqueue
 * @ret phys		Physical address
 */
uint64_t vring_used_phys(const struct vring *vring)
{
	return virt_to_phys(vring->used);
}

/**
 * Fill in a descriptor
 *
 * @v vring		Virtqueue
 * @v index		Descriptor (less than the queue size)
 * @v buffer		Buffer
 * @v len		Buffer length (bytes)
 * @v flags		Flags (VRING_DESC_F_...)
 * @v next		Next descriptor in the chain (if VRING_DESC_F_NEXT)
 */
void vring_desc_set(struct vring *vring, unsigned int index, const void *buffer,
		    size_t len, unsigned int flags, unsigned int next)
{
	struct vring_desc *desc = &vring->desc[index];

	desc->addr = virt_to_phys(buffer);
	desc->len = len;
	desc->flags = flags;
	desc->next = next;
}

/**
 * Queue a descriptor chain for the device (seen after vring_publish())
 *
 * The caller makes sure that no more chains are outstanding than the
 * ring has descriptors.
 *
 * @v vring		Virtqueue
 * @v head		First descriptor of the chain
 */
void vring_add(struct vring *vring, unsigned int head)
{
	vring->avail->ring[vring->avail_idx & (vring->size - 1)] = head;
	vring->avail_idx++;
}

/**
 * Show the device the chains queued with vring_add()
 *
 * @v vring		Virtqueue
 * @ret notify		Non-zero if the device asks to be notified
 */
int vring_publish(struct vring *vring)
{
	volatile struct vring_avail *avail = vring->avail;
	volatile struct vring_used *used = vring->used;

	/* The entries must be visible before the index that covers them */
	vring_wmb();
	avail->idx = vring->avail_idx;
	/* ...and the index before we read whether the device is asleep */
	vring_mb();
	return (!(used->flags & VRING_USED_F_NO_NOTIFY));
}

/**
 * Take the next chain the device has finished with
 *
 * @v vring		Virtqueue
 * @ret id		Head of the chain (less than the queue size)
 * @ret len		Bytes the device wrote (unchecked: the caller knows
 *			the buffer's length)
 * @ret rc		Return status code: -ENOENT if there is none,
 *			-EPROTO if the device's index is impossible (the
 *			entry is left alone), -ERANGE if the id is out of
 *			range (the entry is consumed)
 */
int vring_used_next(struct vring *vring, unsigned int *id, size_t *len)
{
	volatile struct vring_used *used = vring->used;
	volatile struct vring_used_elem *elem;
	uint16_t used_idx = used->idx;
	uint16_t pending = (uint16_t)(used_idx - vring->used_idx);
	uint16_t outstanding = (uint16_t)(vring->avail_idx - vring->used_idx);

	if (pending == 0)
		return -ENOENT_USED;
	if (pending > outstanding)
		return -EPROTO_USED_IDX;
	/* Read the entry only after the index that covers it */
	vring_rmb();
	elem = &used->ring[vring->used_idx & (vring->size - 1)];
	*id = elem->id;
	*len = elem->len;
	vring->used_idx++;
	if (*id >= vring->size)
		return -ERANGE_USED_ID;
	return 0;
}
