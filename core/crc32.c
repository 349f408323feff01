/** @file
 *
 * CRC-32 (IEEE 802.3, as used by gzip, PNG and Ethernet)
 *
 * The reflected form of the polynomial 0x04C11DB7, processed a byte at a
 * time through a 256-entry table that is built on first use.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/crc32.h"

/** The polynomial, bit-reversed */
#define CRC32_POLY_REVERSED 0xedb88320UL

/** Remainders of every byte value */
static uint32_t crc32_table[256];

/** crc32_table is filled in */
static int crc32_table_ready;

/**
 * Fill in the table of byte remainders
 */
static void crc32_init_table(void)
{
	uint32_t value;
	unsigned int byte;
	unsigned int bit;

	for (byte = 0; byte < 256; byte++) {
		value = byte;
		for (bit = 0; bit < 8; bit++) {
			value = ((value & 1)
					 ? ((value >> 1) ^ CRC32_POLY_REVERSED)
					 : (value >> 1));
		}
		crc32_table[byte] = value;
	}
	crc32_table_ready = 1;
}

/**
 * Continue a CRC-32 over more data
 *
 * Start with crc = 0; feed the result of one call into the next to
 * checksum data that arrives in pieces.  The pre- and post-inversion
 * the standard asks for are done here, so the result is the finished
 * CRC (0xcbf43926 for "123456789").
 *
 * @v crc		CRC of the data so far (0 for none)
 * @v data		More data
 * @v len		Length of data
 * @ret crc		CRC of all the data
 */
uint32_t crc32_le(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *bytes = data;

	if (!crc32_table_ready)
		crc32_init_table();
	crc = ~crc;
	while (len--)
		crc = (crc32_table[(crc ^ *(bytes++)) & 0xff] ^ (crc >> 8));
	return ~crc;
}
