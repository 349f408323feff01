/** @file
 *
 * Unit tests: putting a kernel's pieces in place (image/placement.c)
 *
 * The "physical memory" is a heap buffer (the host's addresses are its
 * physical addresses).  Pieces start out anywhere, often right where
 * others must go; after placement_apply() every destination must hold
 * its piece's data followed by zeros, and nothing outside the regions
 * may have changed.
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "core/compiler.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "image/placement.h"

/** Size of the simulated memory */
#define PLACEMENT_TEST_MEMORY (256 * 1024)
/** Guard before the low region and between the regions */
#define PLACEMENT_TEST_GUARD  4096
/** Size of the simulated low region */
#define PLACEMENT_TEST_LOW    8192
/** Value of untouched guard bytes */
#define PLACEMENT_TEST_FILL   0x5a
/** Slots the area is divided into for random layouts */
#define PLACEMENT_TEST_SLOTS  16

/** Simulated memory: guard, low region, guard, area, guard */
struct placement_test_memory {
	uint8_t *base;
	uint64_t low_start;
	uint64_t low_end;
	uint64_t area_start;
	uint64_t area_end;
	/** Buffer outside all regions, for sources like heap buffers */
	uint8_t *outside;
};

/**
 * Byte a piece's data has at an offset
 *
 * @v piece		Piece number
 * @v offset		Offset
 * @ret byte		Byte
 */
static uint8_t placement_test_byte(unsigned int piece, size_t offset)
{
	return (uint8_t)((piece * 37) + (offset * 7) + (offset >> 8) + 1);
}

/**
 * Set up the simulated memory
 *
 * @v memory		Memory
 * @ret ok		Non-zero on success
 */
static int placement_test_setup(struct placement_test_memory *memory)
{
	uintptr_t base;

	memory->base = heap_alloc(PLACEMENT_TEST_MEMORY);
	memory->outside = heap_alloc(PLACEMENT_TEST_MEMORY);
	if (!memory->base || !memory->outside)
		return 0;
	memset(memory->base, PLACEMENT_TEST_FILL, PLACEMENT_TEST_MEMORY);
	base = (uintptr_t)memory->base;
	memory->low_start = (base + PLACEMENT_TEST_GUARD);
	memory->low_end = (memory->low_start + PLACEMENT_TEST_LOW);
	memory->area_start = (memory->low_end + PLACEMENT_TEST_GUARD);
	memory->area_end =
		(base + PLACEMENT_TEST_MEMORY - PLACEMENT_TEST_GUARD);
	return 1;
}

/**
 * Free the simulated memory
 *
 * @v memory		Memory
 */
static void placement_test_teardown(struct placement_test_memory *memory)
{
	heap_free(memory->base);
	heap_free(memory->outside);
}

/**
 * Check a placement's result
 *
 * @v memory		Memory
 * @v placement		Placement, after placement_apply()
 * @v lens		Data length of each piece
 * @ret ok		Non-zero if every piece is right and the guards
 *			are intact
 */
static int placement_test_verify(struct placement_test_memory *memory,
				 const struct placement *placement,
				 const size_t *lens)
{
	const struct placement_piece *piece;
	const uint8_t *dest;
	uintptr_t base = (uintptr_t)memory->base;
	size_t offset;
	unsigned int i;

	for (i = 0; i < placement->count; i++) {
		piece = &placement->pieces[i];
		dest = (const uint8_t *)(uintptr_t)piece->dest;
		for (offset = 0; offset < piece->size; offset++) {
			if (dest[offset] !=
			    ((offset < lens[i]) ? placement_test_byte(i, offset)
						: 0))
				return 0;
		}
	}
	for (offset = 0; offset < PLACEMENT_TEST_MEMORY; offset++) {
		if ((base + offset) >= memory->low_start &&
		    (base + offset) < memory->low_end)
			continue;
		if ((base + offset) >= memory->area_start &&
		    (base + offset) < memory->area_end)
			continue;
		if (memory->base[offset] != PLACEMENT_TEST_FILL)
			return 0;
	}
	return 1;
}

/**
 * Put a piece's data at a source address
 *
 * @v src		Source
 * @v piece		Piece number
 * @v len		Length
 */
static void placement_test_fill(uint8_t *src, unsigned int piece, size_t len)
{
	size_t offset;

	for (offset = 0; offset < len; offset++)
		src[offset] = placement_test_byte(piece, offset);
}

/** Two pieces that swap places, filling the whole area */
UNIT_TEST(placement_swap_full)
{
	struct placement_test_memory memory;
	struct placement placement;
	size_t area_len;
	size_t lens[2];
	uint8_t *area;

	ok(placement_test_setup(&memory));
	if (!memory.base || !memory.outside)
		goto out;
	area = (uint8_t *)(uintptr_t)memory.area_start;
	area_len = (memory.area_end - memory.area_start);
	lens[0] = (area_len / 3);
	lens[1] = (area_len - lens[0]);
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);

	/* Piece 0 is at the bottom and goes to the top; piece 1 fills the
	 * rest and goes to the bottom: no free byte anywhere
	 */
	placement_test_fill(area, 0, lens[0]);
	placement_test_fill((area + lens[0]), 1, lens[1]);
	ok(placement_add(&placement, area, lens[0],
			 (memory.area_start + lens[1]), lens[0]) == 0);
	ok(placement_add(&placement, (area + lens[0]), lens[1],
			 memory.area_start, lens[1]) == 0);
	ok(placement_check(&placement) == 0);
	placement_apply(&placement);
	ok(placement_test_verify(&memory, &placement, lens));
out:
	placement_test_teardown(&memory);
}

/** Pieces already in order that overlap their own destinations */
UNIT_TEST(placement_in_order)
{
	struct placement_test_memory memory;
	struct placement placement;
	uint8_t *area;
	size_t lens[3] = { 5000, 12345, 999 };

	ok(placement_test_setup(&memory));
	if (!memory.base || !memory.outside)
		goto out;
	area = (uint8_t *)(uintptr_t)memory.area_start;
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_test_fill((area + 1000), 0, lens[0]);
	placement_test_fill((area + 7000), 1, lens[1]);
	placement_test_fill((area + 30000), 2, lens[2]);
	/* Down by 1000, up by 3000 (over piece 1's old place), far up */
	ok(placement_add(&placement, (area + 1000), lens[0], memory.area_start,
			 8192) == 0);
	ok(placement_add(&placement, (area + 7000), lens[1],
			 (memory.area_start + 10000), lens[1]) == 0);
	ok(placement_add(&placement, (area + 30000), lens[2],
			 (memory.area_end - 4096), 4096) == 0);
	ok(placement_check(&placement) == 0);
	placement_apply(&placement);
	ok(placement_test_verify(&memory, &placement, lens));
out:
	placement_test_teardown(&memory);
}

/** Sources outside the area, and pieces in the low region */
UNIT_TEST(placement_outside_and_low)
{
	struct placement_test_memory memory;
	struct placement placement;
	uint8_t *area;
	size_t lens[4] = { 3000, 100, 20000, 0 };

	ok(placement_test_setup(&memory));
	if (!memory.base || !memory.outside)
		goto out;
	area = (uint8_t *)(uintptr_t)memory.area_start;
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_test_fill(memory.outside, 0, lens[0]);
	placement_test_fill((memory.outside + 8192), 1, lens[1]);
	placement_test_fill((area + 100), 2, lens[2]);
	/* Low piece, a header right below an area piece, a bss-only piece */
	ok(placement_add(&placement, memory.outside, lens[0], memory.low_start,
			 4096) == 0);
	ok(placement_add(&placement, (memory.outside + 8192), lens[1],
			 (memory.area_start + 50000 - lens[1]), lens[1]) == 0);
	ok(placement_add(&placement, (area + 100), lens[2],
			 (memory.area_start + 50000), lens[2]) == 0);
	ok(placement_add(&placement, NULL, 0, (memory.area_start + 90000),
			 777) == 0);
	ok(placement_check(&placement) == 0);
	placement_apply(&placement);
	ok(placement_test_verify(&memory, &placement, lens));
out:
	placement_test_teardown(&memory);
}

/** Layouts that must be refused before anything moves */
UNIT_TEST(placement_refused)
{
	struct placement_test_memory memory;
	struct placement placement;
	uint8_t *area;

	ok(placement_test_setup(&memory));
	if (!memory.base || !memory.outside)
		goto out;
	area = (uint8_t *)(uintptr_t)memory.area_start;

	/* Overlapping destinations */
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_add(&placement, area, 100, memory.area_start, 100);
	placement_add(&placement, (area + 100), 100, (memory.area_start + 50),
		      100);
	ok(ERROR_IS(placement_check(&placement), EINVAL));

	/* Past the end of the area, or between the regions */
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_add(&placement, area, 100, (memory.area_end - 50), 100);
	ok(ERROR_IS(placement_check(&placement), ERANGE));
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_add(&placement, area, 100, memory.low_end, 100);
	ok(ERROR_IS(placement_check(&placement), ERANGE));

	/* Overlapping sources (ELF segments sharing file bytes) */
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_add(&placement, area, 100, (memory.area_start + 1000), 100);
	placement_add(&placement, (area + 99), 100, (memory.area_start + 2000),
		      100);
	ok(ERROR_IS(placement_check(&placement), EINVAL));

	/* Free space: found highest, below pieces, or not at all */
	placement_init(&placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	placement_add(&placement, area, 100, (memory.area_end - 8192), 8192);
	{
		uint64_t dest = 0;

		ok(placement_find_free(&placement, 4096, 4096, 0, UINT64_MAX,
				       &dest) == 0);
		ok((dest + 4096) <= (memory.area_end - 8192) &&
		   (dest % 4096) == 0);
		ok(placement_find_free(&placement, 100, 4, 0,
				       (memory.area_start + 50), &dest) != 0);
		ok(placement_find_free(&placement, 100, 4,
				       (memory.area_end - 8192), UINT64_MAX,
				       &dest) != 0);
	}
out:
	placement_test_teardown(&memory);
}

/** Random layouts: pieces in slots, sources and destinations mixed */
UNIT_TEST(placement_random)
{
	struct placement_test_memory memory;
	struct placement placement;
	unsigned int dest_slots[PLACEMENT_TEST_SLOTS];
	unsigned int src_slots[PLACEMENT_TEST_SLOTS];
	size_t lens[8];
	uint64_t sizes[8];
	uint8_t *srcs[8];
	size_t slot_len;
	uint32_t state = 99;
	unsigned int round;
	unsigned int count;
	unsigned int swap;
	unsigned int pick;
	unsigned int i;
	int good = 1;

	ok(placement_test_setup(&memory));
	if (!memory.base || !memory.outside)
		goto out;
	slot_len =
		((memory.area_end - memory.area_start) / PLACEMENT_TEST_SLOTS);
	for (round = 0; round < 200; round++) {
		memset(memory.base, PLACEMENT_TEST_FILL, PLACEMENT_TEST_MEMORY);
		placement_init(&placement, memory.area_start, memory.area_end,
			       memory.low_start, memory.low_end);
		for (i = 0; i < PLACEMENT_TEST_SLOTS; i++)
			dest_slots[i] = src_slots[i] = i;
		for (i = PLACEMENT_TEST_SLOTS; i > 1; i--) {
			state = ((state * 1103515245U) + 12345U);
			pick = ((state >> 8) % i);
			swap = dest_slots[i - 1];
			dest_slots[i - 1] = dest_slots[pick];
			dest_slots[pick] = swap;
			state = ((state * 1103515245U) + 12345U);
			pick = ((state >> 8) % i);
			swap = src_slots[i - 1];
			src_slots[i - 1] = src_slots[pick];
			src_slots[pick] = swap;
		}
		state = ((state * 1103515245U) + 12345U);
		count = (1 + ((state >> 8) % 8));
		for (i = 0; i < count; i++) {
			state = ((state * 1103515245U) + 12345U);
			lens[i] = (1 + ((state >> 8) % slot_len));
			sizes[i] = (lens[i] +
				    ((state >> 4) % (slot_len - lens[i] + 1)));
			/* One piece in four comes from outside the area */
			if (((state >> 20) & 3) == 0) {
				srcs[i] = (memory.outside + (i * slot_len));
			} else {
				srcs[i] = ((uint8_t *)(uintptr_t)
						   memory.area_start +
					   (src_slots[i] * slot_len) +
					   ((state >> 12) %
					    (slot_len - lens[i] + 1)));
			}
			placement_test_fill(srcs[i], i, lens[i]);
		}
		for (i = 0; i < count; i++) {
			placement_add(&placement, srcs[i], lens[i],
				      (memory.area_start +
				       (dest_slots[i] * slot_len) +
				       (slot_len - sizes[i])),
				      sizes[i]);
		}
		if (placement_check(&placement) != 0) {
			good = 0;
			break;
		}
		placement_apply(&placement);
		if (!placement_test_verify(&memory, &placement, lens)) {
			good = 0;
			break;
		}
	}
	ok(good);
out:
	placement_test_teardown(&memory);
}
