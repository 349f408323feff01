/** @file
 *
 * Unit tests: memory pools
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "core/malloc.h"
#include "core/string.h"

/** Size of the private pool's region */
#define MALLOC_TEST_REGION (64 * 1024)

/**
 * Make a private pool over a heap buffer
 *
 * @v pool		Pool to initialise
 * @v align		Alignment
 * @ret region		Region (free it with heap_free)
 */
static void *malloc_test_pool(struct mem_pool *pool, size_t align)
{
	void *region = heap_alloc(MALLOC_TEST_REGION);

	memset(pool, 0, sizeof(*pool));
	pool->name = "test";
	pool->align = align;
	INIT_LIST_HEAD(&pool->free_blocks);
	INIT_LIST_HEAD(&pool->regions);
	if (region)
		mem_pool_add(pool, region, MALLOC_TEST_REGION);
	return region;
}

/** Allocation, alignment, freeing and merging */
UNIT_TEST(malloc_alloc_free)
{
	struct mem_pool pool;
	void *region = malloc_test_pool(&pool, 32);
	size_t initial = pool.free;
	uint8_t *a;
	uint8_t *b;
	uint8_t *c;

	ok(region != NULL);
	a = mem_pool_alloc(&pool, 100);
	b = mem_pool_alloc(&pool, 1);
	c = mem_pool_alloc(&pool, 0);
	ok(a && b && c);
	ok(((uintptr_t)a % 32) == 0 && ((uintptr_t)b % 32) == 0);
	ok(b >= a + 100);
	memset(a, 0xaa, 100);
	b[0] = 1;
	ok(pool.free < initial);
	mem_pool_free(&pool, b);
	mem_pool_free(&pool, a);
	mem_pool_free(&pool, c);
	ok(pool.free == initial);
	ok(mem_pool_largest_free(&pool) == (initial - 32));
	/* Everything merged back: one block serves the whole pool */
	a = mem_pool_alloc(&pool, initial - 32);
	ok(a != NULL);
	mem_pool_free(&pool, a);
	ok(mem_pool_alloc(&pool, initial) == NULL);
	ok(mem_pool_alloc(&pool, ~(size_t)0) == NULL);
	ok(mem_pool_alloc(&pool, ~(size_t)0 - 16) == NULL);
	mem_pool_free(&pool, NULL);
	heap_free(region);
}

/** Growing in place, shrinking, and moving */
UNIT_TEST(malloc_realloc)
{
	struct mem_pool pool;
	void *region = malloc_test_pool(&pool, 4096);
	size_t initial = pool.free;
	uint8_t *a;
	uint8_t *b;
	uint8_t *grown;
	unsigned int i;

	a = mem_pool_alloc(&pool, 100);
	ok(a && ((uintptr_t)a % 4096) == 0);
	for (i = 0; i < 100; i++)
		a[i] = i;
	/* Nothing follows: grows in place */
	grown = mem_pool_realloc(&pool, a, 20000);
	ok(grown == a);
	ok(grown[99] == 99);
	grown[19999] = 1;
	/* Shrinks in place and gives the tail back */
	a = mem_pool_realloc(&pool, grown, 10);
	ok(a == grown);
	b = mem_pool_alloc(&pool, 100);
	ok(b != NULL && b < a + 20000);
	/* Blocked by b: must move, keeping the contents */
	grown = mem_pool_realloc(&pool, a, 30000);
	ok(grown != NULL && grown != a);
	ok(grown && grown[9] == 9);
	/* Too big: fails and keeps the block */
	ok(mem_pool_realloc(&pool, grown, MALLOC_TEST_REGION * 2) == NULL);
	ok(grown[0] == 0);
	mem_pool_free(&pool, grown);
	mem_pool_free(&pool, b);
	ok(pool.free == initial);
	ok(mem_pool_realloc(&pool, NULL, 10) != NULL);
	heap_free(region);
}

/** Many allocations of mixed sizes, freed in a scrambled order */
UNIT_TEST(malloc_stress)
{
	struct mem_pool pool;
	void *region = malloc_test_pool(&pool, 32);
	size_t initial = pool.free;
	uint8_t *blocks[64];
	unsigned int i;
	unsigned int j;

	for (i = 0; i < 64; i++) {
		blocks[i] = mem_pool_alloc(&pool, (i * 37) % 700 + 1);
		ok(blocks[i] != NULL);
		if (blocks[i])
			memset(blocks[i], i, (i * 37) % 700 + 1);
	}
	for (i = 0; i < 64; i++) {
		j = ((i * 29) % 64);
		ok(blocks[j] == NULL || blocks[j][0] == j);
		mem_pool_free(&pool, blocks[j]);
	}
	ok(pool.free == initial);
	heap_free(region);
}

/** The heap's helpers */
UNIT_TEST(malloc_heap)
{
	uint8_t *zeroed = heap_zalloc(333);
	unsigned int i;
	int all_zero = 1;

	ok(zeroed != NULL);
	for (i = 0; zeroed && i < 333; i++)
		all_zero &= (zeroed[i] == 0);
	ok(all_zero);
	ok(mem_pool_block_size(zeroed) >= 333);
	heap_free(zeroed);
	zeroed = imgmem_alloc(5000);
	ok(zeroed && ((uintptr_t)zeroed % 4096) == 0);
	ok(mem_pool_block_size(zeroed) >= 5000);
	imgmem_free(zeroed);
}
