#ifndef CORE_MALLOC_H
#define CORE_MALLOC_H

/** @file
 *
 * Memory allocation
 *
 * Two pools of the same allocator: the heap, for Ferry's own objects
 * (a few MiB), and the image area, for downloaded images (the rest of
 * the usable RAM the platform can address directly).  The platform adds
 * regions to each pool at start-up with mem_pool_add().
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"

/** A region added to a pool */
struct mem_region {
	/** Link in the pool's region list */
	struct list_head list;
	/** First usable byte (after this descriptor) */
	uintptr_t start;
	/** One past the last byte */
	uintptr_t end;
};

/** A pool of memory */
struct mem_pool {
	/** Name, for "memmap" */
	const char *name;
	/** Alignment of every block (a power of two, at least 16) */
	size_t align;
	/** Free blocks, sorted by address (struct mem_free_block) */
	struct list_head free_blocks;
	/** Regions added to the pool (struct mem_region) */
	struct list_head regions;
	/** Total bytes in the pool's regions */
	size_t total;
	/** Bytes currently free */
	size_t free;
};

extern struct mem_pool heap_pool;
extern struct mem_pool image_pool;

extern void mem_pool_add(struct mem_pool *pool, void *start, size_t len);
extern void *mem_pool_alloc(struct mem_pool *pool, size_t len);
extern void *mem_pool_realloc(struct mem_pool *pool, void *ptr, size_t len);
extern void mem_pool_free(struct mem_pool *pool, void *ptr);
extern size_t mem_pool_largest_free(struct mem_pool *pool);
extern size_t mem_pool_block_size(void *ptr);

/**
 * Allocate memory from the heap
 *
 * @v len		Length
 * @ret ptr		Memory (16-byte aligned), or NULL
 */
static inline void *heap_alloc(size_t len)
{
	return mem_pool_alloc(&heap_pool, len);
}

extern void *heap_zalloc(size_t len);

/**
 * Resize heap memory
 *
 * @v ptr		Memory, or NULL
 * @v len		New length (0 frees)
 * @ret ptr		Memory, or NULL (the old block is kept on failure)
 */
static inline void *heap_realloc(void *ptr, size_t len)
{
	return mem_pool_realloc(&heap_pool, ptr, len);
}

/**
 * Free heap memory
 *
 * @v ptr		Memory, or NULL
 */
static inline void heap_free(void *ptr)
{
	mem_pool_free(&heap_pool, ptr);
}

extern void *heap_alloc_aligned(size_t len, size_t align);
extern void heap_free_aligned(void *ptr);

/**
 * Allocate memory in the image area
 *
 * @v len		Length
 * @ret ptr		Memory (page aligned), or NULL
 */
static inline void *imgmem_alloc(size_t len)
{
	return mem_pool_alloc(&image_pool, len);
}

/**
 * Resize memory in the image area (in place where it can)
 *
 * @v ptr		Memory, or NULL
 * @v len		New length (0 frees)
 * @ret ptr		Memory, or NULL (the old block is kept on failure)
 */
static inline void *imgmem_realloc(void *ptr, size_t len)
{
	return mem_pool_realloc(&image_pool, ptr, len);
}

/**
 * Free memory in the image area
 *
 * @v ptr		Memory, or NULL
 */
static inline void imgmem_free(void *ptr)
{
	mem_pool_free(&image_pool, ptr);
}

#endif /* CORE_MALLOC_H */
