/** @file
 *
 * A check of arch/x86/string_ops.asm and arch/x86/checksum_blocks.asm,
 * linked into a 32-bit Linux program (arch/x86/pcbios.mk builds it with
 * gcc -m32 and nasm)
 *
 * Every length up to 200 bytes at every alignment of both sides, and
 * overlapping moves both ways, against byte-at-a-time references; the
 * checksum blocks against a sum of 16-bit halves, up to the largest
 * call.  Prints one PASS or FAIL line per routine.
 */

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

/* The routines under test (the harness is built with -fno-builtin) */
void *memcpy(void *dest, const void *src, size_t len);
void *memmove(void *dest, const void *src, size_t len);
void *memset(void *dest, int character, size_t len);
uint32_t tcpip_sum_blocks(const void *data, size_t blocks);

/** Largest length tried */
#define MAX_LEN 200
/** Alignments tried on each side */
#define ALIGNMENTS 8
/** Size of the test buffers: room for guards on both sides */
#define BUF_LEN (MAX_LEN + 2 * ALIGNMENTS + 32)

/**
 * Fill a buffer with a pattern that differs at every position
 *
 * @v buf		Buffer
 * @v len		Length
 * @v seed		Pattern seed
 */
static void fill(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 37 + seed * 11 + 1);
}

/**
 * Compare two buffers
 *
 * @v a			First
 * @v b			Second
 * @v len		Length
 * @ret same		Buffers are equal
 */
static int same(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (a[i] != b[i])
			return 0;
	}
	return 1;
}

/**
 * Move bytes one at a time, as memmove must behave
 *
 * @v buf		Buffer holding both regions
 * @v dest		Destination offset
 * @v src		Source offset
 * @v len		Length
 */
static void reference_move(uint8_t *buf, size_t dest, size_t src, size_t len)
{
	uint8_t copy[BUF_LEN];
	size_t i;

	for (i = 0; i < len; i++)
		copy[i] = buf[src + i];
	for (i = 0; i < len; i++)
		buf[dest + i] = copy[i];
}

/**
 * Check memcpy() and memset() between separate buffers
 *
 * @ret failures	Number of failed cases
 */
static unsigned int check_copy_and_fill(void)
{
	static uint8_t src[BUF_LEN], dest[BUF_LEN], expect[BUF_LEN];
	unsigned int failures = 0;
	size_t len, da, sa, i;

	for (len = 0; len <= MAX_LEN; len++) {
		for (da = 0; da < ALIGNMENTS; da++) {
			for (sa = 0; sa < ALIGNMENTS; sa++) {
				fill(src, BUF_LEN, 1);
				fill(dest, BUF_LEN, 2);
				fill(expect, BUF_LEN, 2);
				for (i = 0; i < len; i++)
					expect[16 + da + i] = src[16 + sa + i];
				if (memcpy(&dest[16 + da], &src[16 + sa], len) !=
					    &dest[16 + da] ||
				    !same(dest, expect, BUF_LEN)) {
					printf("memcpy len %zu dest+%zu src+%zu "
					       "wrong\n", len, da, sa);
					failures++;
				}
			}
			fill(dest, BUF_LEN, 3);
			fill(expect, BUF_LEN, 3);
			for (i = 0; i < len; i++)
				expect[16 + da + i] = 0xa5;
			if (memset(&dest[16 + da], 0x1a5, len) !=
				    &dest[16 + da] ||
			    !same(dest, expect, BUF_LEN)) {
				printf("memset len %zu dest+%zu wrong\n", len,
				       da);
				failures++;
			}
		}
	}
	return failures;
}

/**
 * Check memmove() within one buffer, overlapping both ways
 *
 * @ret failures	Number of failed cases
 */
static unsigned int check_move(void)
{
	static uint8_t buf[BUF_LEN], expect[BUF_LEN];
	unsigned int failures = 0;
	size_t len, dest, src;

	for (len = 0; len <= MAX_LEN; len++) {
		for (dest = 0; dest < 2 * ALIGNMENTS; dest++) {
			for (src = 0; src < 2 * ALIGNMENTS; src++) {
				fill(buf, BUF_LEN, 4);
				fill(expect, BUF_LEN, 4);
				reference_move(expect, 8 + dest, 8 + src, len);
				if (memmove(&buf[8 + dest], &buf[8 + src],
					    len) != &buf[8 + dest] ||
				    !same(buf, expect, BUF_LEN)) {
					printf("memmove len %zu dest %zu src "
					       "%zu wrong\n", len, dest, src);
					failures++;
				}
			}
		}
	}
	return failures;
}

/** Largest number of blocks tcpip_sum_blocks() is given */
#define MAX_BLOCKS 2048

/**
 * Check tcpip_sum_blocks() against a sum of 16-bit halves
 *
 * @ret failures	Number of failed cases
 */
static unsigned int check_sum_blocks(void)
{
	static uint8_t buf[MAX_BLOCKS * 32 + 4];
	unsigned int failures = 0;
	size_t blocks, offset, i;
	uint32_t expect;
	uint16_t half;

	for (offset = 0; offset < 4; offset += 2) {
		fill(buf, sizeof(buf), 5);
		for (blocks = 0; blocks <= 70; blocks++) {
			expect = 0;
			for (i = 0; i < blocks * 32; i += 2) {
				memcpy(&half, &buf[offset + i], sizeof(half));
				expect += half;
			}
			if (tcpip_sum_blocks(&buf[offset], blocks) != expect) {
				printf("sum of %zu blocks at +%zu wrong\n",
				       blocks, offset);
				failures++;
			}
		}
	}
	/* The largest call, every half at its largest */
	memset(buf, 0xff, sizeof(buf));
	if (tcpip_sum_blocks(buf, MAX_BLOCKS) !=
	    (uint32_t)(MAX_BLOCKS * 16) * 0xffffU) {
		printf("sum of %u blocks of 0xff wrong\n", MAX_BLOCKS);
		failures++;
	}
	return failures;
}

/**
 * Run the checks
 *
 * @ret status		0 when every case passed
 */
int main(void)
{
	unsigned int copy_failures = check_copy_and_fill();
	unsigned int move_failures = check_move();
	unsigned int sum_failures = check_sum_blocks();

	printf("%s x86 memcpy/memset (%u wrong)\n",
	       (copy_failures ? "FAIL" : "PASS"), copy_failures);
	printf("%s x86 memmove (%u wrong)\n",
	       (move_failures ? "FAIL" : "PASS"), move_failures);
	printf("%s x86 checksum blocks (%u wrong)\n",
	       (sum_failures ? "FAIL" : "PASS"), sum_failures);
	return ((copy_failures || move_failures || sum_failures) ? 1 : 0);
}
