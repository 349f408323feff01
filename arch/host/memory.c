/** @file
 *
 * Host platform: memory
 *
 * The heap and the image area are anonymous mappings; the image area is
 * reserved without committing memory, so a large one costs nothing
 * until it is used.
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "arch/host/host.h"
#include "core/malloc.h"
#include "core/platform.h"

/** Start of the heap mapping */
static void *host_heap;
/** Start of the image area mapping */
static void *host_image_area;

/**
 * Map an anonymous region
 *
 * @v len		Length
 * @v what		Name, for the error message
 * @ret addr		Address (exits on failure)
 */
static void *host_map(size_t len, const char *what)
{
	void *addr;

	addr = mmap(NULL, len, (PROT_READ | PROT_WRITE),
		    (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE), -1, 0);
	if (addr == MAP_FAILED) {
		fprintf(stderr, "ferry: cannot map the %s\n", what);
		exit(1);
	}
	return addr;
}

/**
 * Set up the heap and the image area
 */
void host_memory_init(void)
{
	host_heap = host_map(HOST_HEAP_SIZE, "heap");
	host_image_area = host_map(HOST_IMAGE_AREA_SIZE, "image area");
	mem_pool_add(&heap_pool, host_heap, HOST_HEAP_SIZE);
	mem_pool_add(&image_pool, host_image_area, HOST_IMAGE_AREA_SIZE);
}

/**
 * Read the memory map: the host's two mappings, as usable memory
 *
 * @v regions		Array to fill
 * @v max_regions	Size of the array
 * @ret count		Number of regions
 */
unsigned int platform_memmap(struct memmap_region *regions,
			     unsigned int max_regions)
{
	const struct memmap_region map[] = {
		{ (uintptr_t)host_heap, HOST_HEAP_SIZE, MEMMAP_USABLE },
		{ (uintptr_t)host_image_area, HOST_IMAGE_AREA_SIZE,
		  MEMMAP_USABLE },
	};
	unsigned int i;

	for (i = 0; i < 2 && i < max_regions; i++)
		regions[i] = map[i];
	return 2;
}
