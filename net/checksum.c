/** @file
 *
 * The Internet checksum (RFC 1071)
 *
 * The ones'-complement sum does not depend on byte order as long as the
 * words are loaded and the result stored the same way (RFC 1071 section
 * 2(B)).  So the data is summed in native byte order into a 64-bit
 * accumulator, folded to 16 bits at the end, and the result goes
 * into a header field with a plain store, no byte swap.
 *
 * Pairing is by position from the start of the data, not by address: data
 * that starts at an odd address is summed from the next even address and
 * the partial sum byte-swapped (RFC 1071 section 2(B) again), with the
 * first byte added on its own.  When a sum is continued over several
 * pieces, every piece but the last must have an even length, as in every
 * stack: the 16-bit running sum cannot remember half a word.
 *
 * The bulk is summed 32 bytes at a time by tcpip_sum_blocks(), as the
 * 16-bit halves of 32-bit words added into 32 bits: one load per word
 * and no carry chain.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/tcpip.h"
#include "core/string.h"

/**
 * Fold a wide ones'-complement accumulator to 16 bits
 *
 * @v sum		Accumulator
 * @ret sum		16-bit ones'-complement sum (0 to 0xffff)
 */
static uint16_t checksum_fold(uint64_t sum)
{
	sum = ((sum & 0xffffffffULL) + (sum >> 32));
	sum = ((sum & 0xffffffffULL) + (sum >> 32));
	sum = ((sum & 0xffff) + (sum >> 16));
	sum = ((sum & 0xffff) + (sum >> 16));
	sum = ((sum & 0xffff) + (sum >> 16));
	return sum;
}

/** Bytes in a block summed by tcpip_sum_blocks() */
#define CHECKSUM_BLOCK_LEN 32

/** Most bytes summed by one call of tcpip_sum_blocks(): 32768 halves of
 * at most 0xffff cannot wrap its 32-bit sum */
#define CHECKSUM_CHUNK_MAX 65536

/**
 * Sum the 16-bit halves of 32-byte blocks (portable version)
 *
 * Each 32-bit word is loaded once and its two halves are added to a
 * 32-bit sum: no carry to propagate, which suits emulated CPUs as well
 * as real ones.  A platform may replace this weak version with its own
 * (arch/x86/checksum_blocks.asm in BIOS images).
 *
 * @v data		Data (at a 4-byte boundary)
 * @v blocks		Number of 32-byte blocks (at most 2048)
 * @ret sum		Sum of the halves, in native byte order
 */
__attribute__((weak)) uint32_t tcpip_sum_blocks(const void *data,
						size_t blocks)
{
	const uint32_t *words = data;
	size_t count = (blocks * (CHECKSUM_BLOCK_LEN / sizeof(*words)));
	uint32_t sum = 0;
	uint32_t word;

	while (count--) {
		word = *(words++);
		sum += ((word & 0xffff) + (word >> 16));
	}
	return sum;
}

/**
 * Sum data that starts at an even address (native byte order)
 *
 * @v data		Data (even address)
 * @v len		Length
 * @ret sum		Ones'-complement sum, folded to 16 bits
 */
static uint16_t checksum_sum_even(const uint8_t *data, size_t len)
{
	uint64_t sum = 0;
	uint32_t word;
	uint16_t half;

	/* Reach a 4-byte boundary with at most one 16-bit word */
	if (((uintptr_t)data & 2) && len >= 2) {
		memcpy(&half, data, sizeof(half));
		sum += half;
		data += 2;
		len -= 2;
	}
	/* The bulk: 32-byte blocks, at most 64 KiB per call */
	while (len >= CHECKSUM_BLOCK_LEN) {
		size_t chunk = ((len < CHECKSUM_CHUNK_MAX) ?
				len : CHECKSUM_CHUNK_MAX);
		size_t blocks = (chunk / CHECKSUM_BLOCK_LEN);

		sum += tcpip_sum_blocks(data, blocks);
		data += (blocks * CHECKSUM_BLOCK_LEN);
		len -= (blocks * CHECKSUM_BLOCK_LEN);
	}
	while (len >= 4) {
		memcpy(&word, data, sizeof(word));
		sum += word;
		data += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&half, data, sizeof(half));
		sum += half;
		data += 2;
		len -= 2;
	}
	/* A final odd byte is the first (low-addressed) byte of a word */
	if (len)
		sum += data[0];
	return checksum_fold(sum);
}

/**
 * Continue a checksum over more data
 *
 * @v sum		Checksum so far (TCPIP_EMPTY_CSUM for none), as
 *			returned by tcpip_chksum() or this function
 * @v data		Data
 * @v len		Length (every piece but the last must be even)
 * @ret sum		Checksum of everything so far (complemented sum, to
 *			be stored in a header field as it is)
 */
uint16_t tcpip_continue_chksum(uint16_t sum, const void *data, size_t len)
{
	const uint8_t *bytes = data;
	uint32_t total = (uint16_t)~sum;
	uint16_t part;

	if (len && ((uintptr_t)bytes & 1)) {
		/* The first byte is the low half of the first word; the
		 * rest pairs up shifted by one, so its sum is swapped.
		 */
		total += bytes[0];
		part = checksum_sum_even(bytes + 1, len - 1);
		total += (uint16_t)((part << 8) | (part >> 8));
	} else {
		total += checksum_sum_even(bytes, len);
	}
	return (uint16_t)~checksum_fold(total);
}

/**
 * Compute a checksum
 *
 * @v data		Data
 * @v len		Length
 * @ret sum		Checksum (complemented ones'-complement sum)
 */
uint16_t tcpip_chksum(const void *data, size_t len)
{
	return tcpip_continue_chksum(TCPIP_EMPTY_CSUM, data, len);
}
