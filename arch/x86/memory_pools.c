/** @file
 *
 * The heap and the image area
 *
 * The heap (PCBIOS_HEAP_SIZE) sits right after the body, where
 * relocate() put both; the image area is every other usable byte between
 * 1 MiB and 4 GiB.
 */

#include <stdint.h>
#include "core/io.h"
#include "core/malloc.h"
#include "arch/x86/e820.h"
#include "arch/x86/pcbios.h"
#include "arch/x86/memory_pools.h"

/** Most ranges left out of the image area */
#define MEMORY_POOLS_EXCLUDE_MAX 32

/**
 * Give the heap and the image area their memory
 *
 * Runs once, in the body's final place.
 */
void memory_pools_init(void)
{
	memory_pools_rebuild_images(NULL, 0);
}

/**
 * Give the image area its memory afresh, keeping some blocks
 *
 * At start-up the whole area is free.  After a PXE NBP returns, the
 * free blocks' descriptors (which live in the free memory) may have
 * been overwritten: the area is rebuilt from the memory map, less the
 * blocks of the images that were kept (hidden from the NBP), whose
 * headers are intact and which go back to the free list when freed.
 *
 * @v keep		Blocks in use to leave out, or NULL
 * @v keep_count	Number of blocks
 */
void memory_pools_rebuild_images(const struct memory_range *keep,
				 unsigned int keep_count)
{
	struct memory_range ranges[MEMORY_RANGES_MAX];
	struct memory_range exclude[MEMORY_POOLS_EXCLUDE_MAX];
	unsigned int excluded = 3;
	uint32_t heap_start;
	unsigned int count;
	unsigned int i;

	heap_start = (virt_to_phys(_text) + pcbios_layout.heap_offset);
	if (!heap_pool.total) {
		mem_pool_add(&heap_pool, phys_to_virt(heap_start),
			     pcbios_layout.heap_len);
	}

	exclude[0].start = virt_to_phys(_text);
	exclude[0].end = virt_to_phys(_end);
	exclude[1].start = heap_start;
	exclude[1].end = (heap_start + pcbios_layout.heap_len);
	exclude[2].start = pcbios_layout.initrd_start;
	exclude[2].end =
		(pcbios_layout.initrd_start + pcbios_layout.initrd_len);
	for (i = 0; i < keep_count && excluded < MEMORY_POOLS_EXCLUDE_MAX;
	     i++)
		exclude[excluded++] = keep[i];
	INIT_LIST_HEAD(&image_pool.free_blocks);
	INIT_LIST_HEAD(&image_pool.regions);
	image_pool.total = 0;
	image_pool.free = 0;
	count = memory_usable(ranges, MEMORY_RANGES_MAX, exclude, excluded);
	for (i = 0; i < count; i++) {
		mem_pool_add(&image_pool, phys_to_virt(ranges[i].start),
			     (ranges[i].end - ranges[i].start));
	}
}
