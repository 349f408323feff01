/** @file
 *
 * "memmap": the platform's memory map and where Ferry keeps things
 */

#include <stdint.h>
#include "core/command.h"
#include "core/platform.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "core/errors.h"

/** Most regions shown */
#define MEMMAP_MAX_REGIONS 64

/**
 * Name of a memory map region type
 *
 * @v type		Type (MEMMAP_...)
 * @ret name		Name
 */
static const char *memmap_type_name(unsigned int type)
{
	switch (type) {
	case MEMMAP_USABLE:
		return "usable";
	case MEMMAP_RESERVED:
		return "reserved";
	case MEMMAP_ACPI:
		return "ACPI reclaimable";
	case MEMMAP_NVS:
		return "ACPI NVS";
	case MEMMAP_UNUSABLE:
		return "unusable";
	default:
		return "unknown";
	}
}

/**
 * Print where a pool's memory lies
 *
 * @v pool		Pool
 */
static void memmap_print_pool(struct mem_pool *pool)
{
	struct mem_region *region;

	list_for_each_entry(region, &pool->regions, list) {
		printf("%s: 0x%08llx-0x%08llx\n", pool->name,
		       (unsigned long long)region->start,
		       (unsigned long long)(region->end - 1));
	}
	printf("%s: %zu KiB in all, %zu KiB free, largest free block %zu "
	       "KiB\n",
	       pool->name, (pool->total / 1024), (pool->free / 1024),
	       (mem_pool_largest_free(pool) / 1024));
}

/**
 * Run "memmap"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int memmap_exec(int argc, char **argv)
{
	struct memmap_region *regions;
	uint64_t usable = 0;
	unsigned int count;
	unsigned int i;

	regions = heap_alloc(MEMMAP_MAX_REGIONS * sizeof(regions[0]));
	if (!regions) {
		error_print(-ENOMEM, "memmap");
		return -ENOMEM;
	}
	count = platform_memmap(regions, MEMMAP_MAX_REGIONS);
	if (count > MEMMAP_MAX_REGIONS)
		count = MEMMAP_MAX_REGIONS;
	for (i = 0; i < count; i++) {
		printf("0x%016llx-0x%016llx %s\n",
		       (unsigned long long)regions[i].start,
		       (unsigned long long)(regions[i].start +
					    regions[i].length - 1),
		       memmap_type_name(regions[i].type));
		if (regions[i].type == MEMMAP_USABLE)
			usable += regions[i].length;
	}
	printf("usable: %llu MiB\n", (unsigned long long)(usable >> 20));
	heap_free(regions);
	memmap_print_pool(&heap_pool);
	memmap_print_pool(&image_pool);
	return 0;
}

/** The "memmap" command */
struct command memmap_command __command = {
	.name = "memmap",
	.usage = "memmap",
	.exec = memmap_exec,
};
