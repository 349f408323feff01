/** @file
 *
 * Unit tests for the virtio split virtqueue, with the test playing the
 * device's part
 *
 * drivers/bus/ is linked only on platforms that drive hardware, so the
 * ring code is compiled into this file directly.
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "drivers/bus/virtio_ring.h"
#include "core/errors.h"

/**
 * Play the device: mark a chain used
 *
 * @v vring		Virtqueue
 * @v id		Head of the chain
 * @v len		Bytes written
 */
static void vring_test_device_use(struct vring *vring, uint32_t id,
				  uint32_t len)
{
	uint16_t idx = vring->used->idx;

	vring->used->ring[idx & (vring->size - 1)].id = id;
	vring->used->ring[idx & (vring->size - 1)].len = len;
	vring->used->idx = (uint16_t)(idx + 1);
}

/** The legacy layout of a 256-entry ring */
UNIT_TEST(vring_layout)
{
	struct vring vring;

	ok(vring_alloc(&vring, 256) == 0);
	ok(vring.size == 256);
	ok(((uintptr_t)vring.mem & (VRING_ALIGN_BYTES - 1)) == 0);
	ok((uint8_t *)vring.avail == ((uint8_t *)vring.mem + 4096));
	/* 4096 + 4 + 2 * 256 + 2 rounds up to 8192 */
	ok((uint8_t *)vring.used == ((uint8_t *)vring.mem + 8192));
	ok(vring.mem_len == (8192 + 4 + 8 * 256 + 2));
	ok(vring_mem_len(256) == vring.mem_len);
	ok(vring.avail->flags == VRING_AVAIL_F_NO_INTERRUPT);
	ok(vring.avail->idx == 0);
	ok(vring_desc_phys(&vring) == (uintptr_t)vring.mem);
	ok(vring_used_phys(&vring) == ((uintptr_t)vring.mem + 8192));
	vring_free(&vring);
	ok(vring.mem == NULL);
	/* Freeing twice is harmless */
	vring_free(&vring);
}

/** Sizes that are not powers of two, zero or too large are refused */
UNIT_TEST(vring_bad_size)
{
	struct vring vring;

	ok(vring_alloc(&vring, 0) != 0);
	ok(vring_alloc(&vring, 100) != 0);
	ok(vring_alloc(&vring, VRING_SIZE_MAX * 2) != 0);
	ok(vring.mem == NULL);
	ok(vring_alloc(&vring, 1) == 0);
	vring_free(&vring);
}

/** Descriptors, publishing, notification suppression, collecting */
UNIT_TEST(vring_add_use)
{
	static uint8_t buffer[64];
	struct vring vring;
	unsigned int id;
	size_t len;

	ok(vring_alloc(&vring, 8) == 0);
	vring_desc_set(&vring, 2, buffer, sizeof(buffer),
		       (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE), 3);
	ok(vring.desc[2].addr == (uintptr_t)buffer);
	ok(vring.desc[2].len == sizeof(buffer));
	ok(vring.desc[2].flags == (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE));
	ok(vring.desc[2].next == 3);

	/* Nothing used yet */
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), ENOENT));

	/* Entries are invisible until published */
	vring_add(&vring, 2);
	vring_add(&vring, 4);
	ok(vring.avail->idx == 0);
	ok(vring_publish(&vring) != 0);
	ok(vring.avail->idx == 2);
	ok(vring.avail->ring[0] == 2);
	ok(vring.avail->ring[1] == 4);

	/* The device can ask not to be notified */
	vring.used->flags = VRING_USED_F_NO_NOTIFY;
	ok(vring_publish(&vring) == 0);
	vring.used->flags = 0;

	/* Used entries come back in the device's order */
	vring_test_device_use(&vring, 4, 60);
	vring_test_device_use(&vring, 2, 1514);
	ok(vring_used_next(&vring, &id, &len) == 0);
	ok(id == 4 && len == 60);
	ok(vring_used_next(&vring, &id, &len) == 0);
	ok(id == 2 && len == 1514);
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), ENOENT));
	vring_free(&vring);
}

/** Free-running indices wrap at 65536 without confusion */
UNIT_TEST(vring_wrap)
{
	struct vring vring;
	unsigned int id;
	unsigned int i;
	size_t len;

	ok(vring_alloc(&vring, 4) == 0);
	vring.avail_idx = vring.used_idx = 65534;
	vring.used->idx = 65534;
	for (i = 0; i < 4; i++)
		vring_add(&vring, i);
	vring_publish(&vring);
	ok(vring.avail->idx == 2);
	/* Slot 65534 % 4 == 2 got the first head */
	ok(vring.avail->ring[2] == 0);
	ok(vring.avail->ring[1] == 3);
	for (i = 0; i < 4; i++)
		vring_test_device_use(&vring, (3 - i), i);
	for (i = 0; i < 4; i++) {
		ok(vring_used_next(&vring, &id, &len) == 0);
		ok(id == (3 - i) && len == i);
	}
	ok(vring.used_idx == 2);
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), ENOENT));
	vring_free(&vring);
}

/** A device that misbehaves is reported, never followed */
UNIT_TEST(vring_bad_device)
{
	struct vring vring;
	unsigned int id;
	size_t len;

	ok(vring_alloc(&vring, 8) == 0);
	vring_add(&vring, 0);
	vring_publish(&vring);

	/* Using more chains than were made available */
	vring.used->idx = 5;
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), EPROTO));
	ok(vring.used_idx == 0);
	vring.used->idx = 0;

	/* An id past the descriptor table is consumed and refused */
	vring_test_device_use(&vring, 8, 0);
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), ERANGE));
	ok(vring.used_idx == 1);
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), ENOENT));

	/* A huge id does not wrap into range */
	vring_add(&vring, 0);
	vring_publish(&vring);
	vring_test_device_use(&vring, 0xffffffffUL, 0);
	ok(ERROR_IS(vring_used_next(&vring, &id, &len), ERANGE));
	vring_free(&vring);
}
