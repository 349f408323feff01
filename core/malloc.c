/** @file
 *
 * Memory pools
 *
 * A first-fit allocator over a list of free blocks kept in address
 * order, so that neighbouring free blocks merge and a block followed by
 * free space can grow in place (which is how a download of unknown
 * length grows in the image area without copying).
 *
 * Every allocated block starts with a header of one alignment unit
 * holding its size and a magic number; the caller's pointer follows the
 * header.  Free blocks hold their list link and size in their first
 * bytes.
 *
 * Under AddressSanitizer (host tests) only the caller's bytes of an
 * allocated block and the descriptor of a free block are addressable;
 * everything else in a pool is poisoned.
 */

#include <stdint.h>
#include "core/malloc.h"
#include "core/string.h"
#include "core/printf.h"
#include "core/compiler.h"
#include "core/sanitize.h"

/** Magic number in the header of an allocated block */
#define MEM_BLOCK_MAGIC 0x46657272UL

/** Header of an allocated block */
struct mem_block {
	/** Size of the whole block, including this header */
	size_t size;
	/** Length the caller asked for */
	size_t length;
	/** MEM_BLOCK_MAGIC while allocated */
	unsigned long magic;
	/** Pool the block belongs to */
	struct mem_pool *pool;
};

/** A free block */
struct mem_free_block {
	/** Link in the pool's free list (address order) */
	struct list_head list;
	/** Size of the block */
	size_t size;
};

/** The heap: Ferry's own objects */
struct mem_pool heap_pool = {
	.name = "heap",
	.align = 32,
	.free_blocks = LIST_HEAD_INIT(heap_pool.free_blocks),
	.regions = LIST_HEAD_INIT(heap_pool.regions),
};

/** The image area: downloaded images */
struct mem_pool image_pool = {
	.name = "image area",
	.align = 4096,
	.free_blocks = LIST_HEAD_INIT(image_pool.free_blocks),
	.regions = LIST_HEAD_INIT(image_pool.regions),
};

/**
 * Round up to a pool's alignment
 *
 * @v pool		Pool
 * @v len		Length
 * @ret len		Rounded length, or 0 on overflow
 */
static size_t mem_pool_round(struct mem_pool *pool, size_t len)
{
	size_t rounded = ((len + pool->align - 1) & ~(pool->align - 1));

	return ((rounded < len) ? 0 : rounded);
}

/**
 * Insert a free block, merging it with its neighbours
 *
 * @v pool		Pool
 * @v start		Start of the block
 * @v size		Size of the block (a multiple of the alignment)
 */
static __no_sanitize_address void
mem_pool_insert_free(struct mem_pool *pool, uintptr_t start, size_t size)
{
	struct mem_free_block *block = (struct mem_free_block *)start;
	struct mem_free_block *prev = NULL;
	struct mem_free_block *next;
	struct list_head *insert_after = &pool->free_blocks;

	sanitize_poison((void *)start, size);

	/* Find the neighbours */
	list_for_each_entry(next, &pool->free_blocks, list) {
		if ((uintptr_t)next > start)
			break;
		prev = next;
		insert_after = &next->list;
	}
	pool->free += size;

	/* Merge into the previous block if adjacent */
	if (prev && ((uintptr_t)prev + prev->size) == start) {
		prev->size += size;
		block = prev;
	} else {
		sanitize_unpoison(block, sizeof(*block));
		block->size = size;
		list_insert(&block->list, insert_after, insert_after->next);
	}

	/* Absorb the next block if adjacent */
	if (block->list.next != &pool->free_blocks) {
		next = list_entry(block->list.next, struct mem_free_block,
				  list);
		if (((uintptr_t)block + block->size) == (uintptr_t)next) {
			block->size += next->size;
			list_del(&next->list);
			sanitize_poison(next, sizeof(*next));
		}
	}
}

/**
 * Take the first part of a free block
 *
 * @v pool		Pool
 * @v block		Free block
 * @v size		Bytes to take (a multiple of the alignment)
 */
static __no_sanitize_address void mem_pool_take(struct mem_pool *pool,
						struct mem_free_block *block,
						size_t size)
{
	struct mem_free_block *rest;
	size_t remaining = (block->size - size);

	pool->free -= block->size;
	if (remaining) {
		rest = (struct mem_free_block *)((uintptr_t)block + size);
		sanitize_unpoison(rest, sizeof(*rest));
		rest->size = remaining;
		list_insert(&rest->list, &block->list, block->list.next);
		pool->free += remaining;
	}
	list_del(&block->list);
	sanitize_poison(block, sizeof(*block));
}

/**
 * Add a region of memory to a pool
 *
 * @v pool		Pool
 * @v start		Start of the region
 * @v len		Length of the region
 */
void mem_pool_add(struct mem_pool *pool, void *start, size_t len)
{
	uintptr_t first = (uintptr_t)start;
	uintptr_t end = (first + len);
	struct mem_region *region;
	uintptr_t usable;

	/* The descriptor goes at the start; free space is aligned */
	first = ((first + __alignof__(struct mem_region) - 1) &
		 ~(uintptr_t)(__alignof__(struct mem_region) - 1));
	usable = ((first + sizeof(*region) + pool->align - 1) &
		  ~(uintptr_t)(pool->align - 1));
	end &= ~(uintptr_t)(pool->align - 1);
	if (end < first || end <= usable ||
	    (end - usable) < (2 * pool->align))
		return;

	sanitize_unpoison((void *)first, sizeof(*region));
	region = (struct mem_region *)first;
	region->start = usable;
	region->end = end;
	list_add_tail(&region->list, &pool->regions);
	pool->total += (end - usable);
	mem_pool_insert_free(pool, usable, (end - usable));
}

/**
 * Allocate from a pool
 *
 * @v pool		Pool
 * @v len		Length
 * @ret ptr		Memory aligned to the pool's alignment, or NULL
 */
__no_sanitize_address void *mem_pool_alloc(struct mem_pool *pool, size_t len)
{
	struct mem_free_block *block;
	struct mem_block *header;
	size_t size;
	size_t need;

	/* Whole alignment units, with one for the header, and never a
	 * remainder too small to describe itself.
	 */
	size = mem_pool_round(pool, len);
	if ((len && !size) || (size + pool->align) < size)
		return NULL;
	size += pool->align;

	list_for_each_entry(block, &pool->free_blocks, list) {
		if (block->size < size)
			continue;
		need = size;
		if ((block->size - size) < sizeof(struct mem_free_block))
			need = block->size;
		mem_pool_take(pool, block, need);
		header = (struct mem_block *)block;
		header->size = need;
		header->length = len;
		header->magic = MEM_BLOCK_MAGIC;
		header->pool = pool;
		sanitize_unpoison((void *)((uintptr_t)header + pool->align),
				  len);
		return (void *)((uintptr_t)header + pool->align);
	}
	return NULL;
}

/**
 * Find the header of an allocated block, checking it
 *
 * @v pool		Pool
 * @v ptr		Memory as returned by mem_pool_alloc()
 * @ret header		Header, or NULL if ptr is not an allocated block
 */
static __no_sanitize_address struct mem_block *
mem_pool_header(struct mem_pool *pool, void *ptr)
{
	struct mem_block *header;

	header = (struct mem_block *)((uintptr_t)ptr - pool->align);
	if (header->magic != MEM_BLOCK_MAGIC || header->pool != pool) {
		printf("BUG: bad free of %p in %s\n", ptr, pool->name);
		return NULL;
	}
	return header;
}

/**
 * Free memory in a pool
 *
 * @v pool		Pool
 * @v ptr		Memory, or NULL
 */
__no_sanitize_address void mem_pool_free(struct mem_pool *pool, void *ptr)
{
	struct mem_block *header;
	size_t size;

	if (!ptr)
		return;
	header = mem_pool_header(pool, ptr);
	if (!header)
		return;
	size = header->size;
	header->magic = 0;
	mem_pool_insert_free(pool, (uintptr_t)header, size);
}

/**
 * Resize memory in a pool, in place where the following block is free
 *
 * @v pool		Pool
 * @v ptr		Memory, or NULL
 * @v len		New length (0 frees)
 * @ret ptr		Memory, or NULL (the old block is kept on failure)
 */
__no_sanitize_address void *mem_pool_realloc(struct mem_pool *pool, void *ptr,
					     size_t len)
{
	struct mem_free_block *next;
	struct mem_block *header;
	uintptr_t end;
	size_t size;
	size_t old_len;
	void *new;

	if (!ptr)
		return mem_pool_alloc(pool, len);
	if (!len) {
		mem_pool_free(pool, ptr);
		return NULL;
	}
	header = mem_pool_header(pool, ptr);
	if (!header)
		return NULL;
	old_len = header->length;
	size = mem_pool_round(pool, len);
	if (!size || (size + pool->align) < size)
		return NULL;
	size += pool->align;

	/* Shrink in place, returning the tail if it can stand alone */
	if (size <= header->size) {
		if ((header->size - size) >= sizeof(struct mem_free_block)) {
			end = ((uintptr_t)header + size);
			mem_pool_insert_free(pool, end, (header->size - size));
			header->size = size;
		}
		sanitize_poison(ptr, (header->size - pool->align));
		sanitize_unpoison(ptr, len);
		header->length = len;
		return ptr;
	}

	/* Grow in place into a free block that follows directly */
	end = ((uintptr_t)header + header->size);
	list_for_each_entry(next, &pool->free_blocks, list) {
		if ((uintptr_t)next < end)
			continue;
		if ((uintptr_t)next == end &&
		    (header->size + next->size) >= size) {
			size_t want = (size - header->size);

			if ((next->size - want) <
			    sizeof(struct mem_free_block))
				want = next->size;
			mem_pool_take(pool, next, want);
			header->size += want;
			header->length = len;
			sanitize_unpoison(ptr, len);
			return ptr;
		}
		break;
	}

	/* Move */
	new = mem_pool_alloc(pool, len);
	if (!new)
		return NULL;
	memcpy(new, ptr, ((old_len < len) ? old_len : len));
	mem_pool_free(pool, ptr);
	return new;
}

/**
 * Size of the largest free block of a pool (what one allocation can get)
 *
 * @v pool		Pool
 * @ret len		Largest length mem_pool_alloc() can satisfy
 */
__no_sanitize_address size_t mem_pool_largest_free(struct mem_pool *pool)
{
	struct mem_free_block *block;
	size_t largest = 0;

	list_for_each_entry(block, &pool->free_blocks, list) {
		if (block->size > largest)
			largest = block->size;
	}
	return ((largest > pool->align) ? (largest - pool->align) : 0);
}

/**
 * Length of an allocated block
 *
 * @v ptr		Memory as returned by an allocation
 * @ret len		Length asked for when it was allocated or resized
 */
__no_sanitize_address size_t mem_pool_block_size(void *ptr)
{
	struct mem_block *header;
	struct mem_pool *pool;

	/* The header sits one alignment unit before the memory; the
	 * smallest alignment is the heap's.
	 */
	header = (struct mem_block *)((uintptr_t)ptr - heap_pool.align);
	if (header->magic == MEM_BLOCK_MAGIC && header->pool == &heap_pool)
		pool = &heap_pool;
	else
		pool = &image_pool;
	header = mem_pool_header(pool, ptr);
	return (header ? header->length : 0);
}

/**
 * Allocate zeroed memory from the heap
 *
 * @v len		Length
 * @ret ptr		Memory, or NULL
 */
void *heap_zalloc(size_t len)
{
	void *ptr = heap_alloc(len);

	if (ptr)
		memset(ptr, 0, len);
	return ptr;
}

/**
 * Allocate heap memory with a larger alignment (for DMA rings)
 *
 * @v len		Length
 * @v align		Alignment (a power of two)
 * @ret ptr		Memory, or NULL; free with heap_free_aligned()
 */
void *heap_alloc_aligned(size_t len, size_t align)
{
	uint8_t *block;
	uint8_t *ptr;
	size_t total = (len + align + sizeof(void *));

	if (total < len)
		return NULL;
	block = heap_alloc(total);
	if (!block)
		return NULL;
	ptr = (uint8_t *)(((uintptr_t)block + sizeof(void *) + align - 1) &
			  ~(uintptr_t)(align - 1));
	((void **)ptr)[-1] = block;
	return ptr;
}

/**
 * Free memory from heap_alloc_aligned()
 *
 * @v ptr		Memory, or NULL
 */
void heap_free_aligned(void *ptr)
{
	if (ptr)
		heap_free(((void **)ptr)[-1]);
}
