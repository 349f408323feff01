#ifndef DRIVERS_BUS_VIRTIO_RING_H
#define DRIVERS_BUS_VIRTIO_RING_H

/** @file
 *
 * Virtio split virtqueues
 *
 * A split virtqueue is three arrays in memory shared with the device:
 *
 *     descriptor table   size x 16 bytes: buffer address, length, flags,
 *                        index of the next descriptor in a chain
 *     available ring     written by the driver: heads of chains it hands
 *                        to the device, and a free-running index
 *     used ring          written by the device: heads of chains it has
 *                        finished with, the bytes it wrote, and its own
 *                        free-running index
 *
 * Ferry lays the three out as the legacy interface requires (descriptors,
 * then the available ring, then the used ring at the next 4 KiB
 * boundary), which also satisfies the modern interface's alignments, so
 * both transports share one allocation.
 *
 * Everything the device writes (the used ring) is untrusted: an index
 * that runs ahead by more than the ring holds, or a descriptor id past
 * the table, is reported as an error and never followed.
 *
 * All fields are little-endian; so are all Ferry's platforms, so no
 * conversions appear.
 */

#include <stddef.h>
#include <stdint.h>

/** The descriptor continues in the one named by next */
#define VRING_DESC_F_NEXT  0x0001
/** The device writes into the buffer (otherwise it reads it) */
#define VRING_DESC_F_WRITE 0x0002

/** Driver to device: no interrupt wanted when buffers are used */
#define VRING_AVAIL_F_NO_INTERRUPT 0x0001
/** Device to driver: no notification wanted when buffers are added */
#define VRING_USED_F_NO_NOTIFY     0x0001

/** Alignment of the used ring in the legacy layout (bytes) */
#define VRING_USED_ALIGN_BYTES 4096
/** Alignment of the whole ring (the legacy interface takes a page number) */
#define VRING_ALIGN_BYTES      4096
/** Largest queue size the split ring format allows */
#define VRING_SIZE_MAX         32768

/** A descriptor */
struct vring_desc {
	/** Buffer's physical address */
	uint64_t addr;
	/** Buffer's length (bytes) */
	uint32_t len;
	/** Flags (VRING_DESC_F_...) */
	uint16_t flags;
	/** Next descriptor, if VRING_DESC_F_NEXT */
	uint16_t next;
};

/** The available ring */
struct vring_avail {
	/** Flags (VRING_AVAIL_F_...) */
	uint16_t flags;
	/** Where the driver will put the next entry (free-running) */
	uint16_t idx;
	/** Heads of descriptor chains */
	uint16_t ring[];
};

/** An entry of the used ring */
struct vring_used_elem {
	/** Head of the descriptor chain the device used */
	uint32_t id;
	/** Bytes the device wrote into the chain */
	uint32_t len;
};

/** The used ring */
struct vring_used {
	/** Flags (VRING_USED_F_...) */
	uint16_t flags;
	/** Where the device will put the next entry (free-running) */
	uint16_t idx;
	/** Used chains */
	struct vring_used_elem ring[];
};

/** A split virtqueue */
struct vring {
	/** Number of descriptors (a power of two) */
	unsigned int size;
	/** Descriptor table */
	struct vring_desc *desc;
	/** Available ring */
	struct vring_avail *avail;
	/** Used ring */
	struct vring_used *used;
	/** Memory holding all three (VRING_ALIGN_BYTES aligned), or NULL */
	void *mem;
	/** Length of that memory */
	size_t mem_len;
	/** Next available index the driver will publish (free-running) */
	uint16_t avail_idx;
	/** Next used index the driver will consume (free-running) */
	uint16_t used_idx;
};

/*
 * Ordering between the driver's and the device's accesses to the rings.
 * These are compiler built-ins, so this header needs no platform one; on
 * x86 the first two only stop the compiler from reordering, the last is
 * a locked instruction.
 */

/**
 * Order earlier ring writes before later ones (as the device sees them)
 */
static inline void vring_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/**
 * Order earlier ring reads before later ones
 */
static inline void vring_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/**
 * Order earlier ring writes before later reads
 */
static inline void vring_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

extern uint64_t vring_desc_phys(const struct vring *vring);
extern uint64_t vring_avail_phys(const struct vring *vring);
extern uint64_t vring_used_phys(const struct vring *vring);
extern size_t vring_mem_len(unsigned int size);
extern int vring_alloc(struct vring *vring, unsigned int size);
extern void vring_free(struct vring *vring);
extern void vring_desc_set(struct vring *vring, unsigned int index,
			   const void *buffer, size_t len, unsigned int flags,
			   unsigned int next);
extern void vring_add(struct vring *vring, unsigned int head);
extern int vring_publish(struct vring *vring);
extern int vring_used_next(struct vring *vring, unsigned int *id, size_t *len);

#endif /* DRIVERS_BUS_VIRTIO_RING_H */
