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

/**
 * Give the heap and the image area their memory
 *
 * Runs once, in the body's final place.
 */
void memory_pools_init(void)
{
	struct memory_range ranges[MEMORY_RANGES_MAX];
	struct memory_range exclude[3];
	uint32_t heap_start;
	unsigned int count;
	unsigned int i;

	heap_start = (virt_to_phys(_text) + pcbios_layout.heap_offset);
	mem_pool_add(&heap_pool, phys_to_virt(heap_start),
		     pcbios_layout.heap_len);

	exclude[0].start = virt_to_phys(_text);
	exclude[0].end = virt_to_phys(_end);
	exclude[1].start = heap_start;
	exclude[1].end = (heap_start + pcbios_layout.heap_len);
	exclude[2].start = pcbios_layout.initrd_start;
	exclude[2].end =
		(pcbios_layout.initrd_start + pcbios_layout.initrd_len);
	count = memory_usable(ranges, MEMORY_RANGES_MAX, exclude, 3);
	for (i = 0; i < count; i++) {
		mem_pool_add(&image_pool, phys_to_virt(ranges[i].start),
			     (ranges[i].end - ranges[i].start));
	}
}
