/** @file
 *
 * Unit tests: DEFLATE (core/inflate.c), CRC-32 and gzip (image/gzip.c)
 *
 * The compressed streams in inflate_vectors.h were made by an
 * independent encoder (Python's zlib; see inflate_vectors.py); damaged
 * streams check that every failure is a clean error, and a mutation
 * loop checks that no damage makes the decoder read or write out of
 * bounds (AddressSanitizer watches).
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/inflate_vectors.h"
#include "core/compiler.h"
#include "core/crc32.h"
#include "core/errors.h"
#include "core/inflate.h"
#include "core/malloc.h"
#include "core/string.h"
#include "image/gzip.h"
#include "image/image.h"

/** Words of the generated texts (as in inflate_vectors.py) */
static const char *inflate_test_words[] = {
	"ferry",   "boot",   "kernel",     "initrd",  "network",  "the",
	"a",       "of",     "deflate",    "huffman", "distance", "length",
	"literal", "block",  "stored",     "fixed",   "dynamic",  "x86",
	"bios",    "memory", "0123456789", "Q",       "zz",       "multiboot",
	"elf",     "image",  "!",
};

/**
 * Regenerate a text the vectors were made from
 *
 * @v buf		Buffer
 * @v len		Length to generate
 * @v seed		Seed
 */
static void inflate_test_text(uint8_t *buf, size_t len, uint32_t seed)
{
	const unsigned int count = ARRAY_SIZE(inflate_test_words);
	uint32_t state = seed;
	const char *word;
	size_t pos = 0;
	size_t word_len;

	while (pos < len) {
		state = ((state * 1103515245U) + 12345U);
		word = inflate_test_words[(state >> 16) % count];
		word_len = strlen(word);
		memcpy(&buf[pos], word, min(word_len, (len - pos)));
		pos += min(word_len, (len - pos));
		if (pos < len)
			buf[pos++] = ((((state >> 8) & 15) == 0) ? '\n' : ' ');
	}
}

/**
 * Decompress a vector and compare it with the expected output
 *
 * @v in		Compressed data
 * @v in_len		Length
 * @v expected		Expected output
 * @v expected_len	Expected length
 * @ret ok		Non-zero if it decompressed to exactly that
 */
static int inflate_test_matches(const uint8_t *in, size_t in_len,
				const uint8_t *expected, size_t expected_len)
{
	uint8_t *out = heap_alloc(expected_len + 1);
	size_t used = 0;
	size_t out_len = 0;
	int rc;
	int same;

	if (!out)
		return 0;
	rc = inflate_buffer(in, in_len, &used, out, (expected_len + 1),
			    &out_len);
	same = (rc == 0 && used == in_len && out_len == expected_len &&
		memcmp(out, expected, expected_len) == 0);
	heap_free(out);
	return same;
}

/** CRC-32 check value and piecewise computation */
UNIT_TEST(crc32_check_value)
{
	ok(crc32_le(0, "123456789", 9) == 0xcbf43926);
	ok(crc32_le(crc32_le(0, "1234", 4), "56789", 5) == 0xcbf43926);
	ok(crc32_le(0, "", 0) == 0);
}

/** Stored, fixed, dynamic and empty streams */
UNIT_TEST(inflate_blocks)
{
	uint8_t *text = heap_alloc(INFLATE_TEXT_LEN);

	ok(inflate_test_matches(inflate_stored, sizeof(inflate_stored),
				inflate_stored_plain,
				sizeof(inflate_stored_plain)));
	ok(inflate_test_matches(inflate_fixed, sizeof(inflate_fixed),
				inflate_fixed_plain,
				sizeof(inflate_fixed_plain)));
	ok(inflate_test_matches(inflate_empty, sizeof(inflate_empty),
				(const uint8_t *)"", 0));
	ok(text != NULL);
	if (text) {
		inflate_test_text(text, INFLATE_TEXT_LEN, INFLATE_TEXT_SEED);
		ok(inflate_test_matches(inflate_dynamic,
					sizeof(inflate_dynamic), text,
					INFLATE_TEXT_LEN));
	}
	heap_free(text);
}

/** Output that does not fit is an error, never a short result */
UNIT_TEST(inflate_output_bound)
{
	uint8_t out[64];
	size_t out_len;
	int rc;

	rc = inflate_buffer(inflate_stored, sizeof(inflate_stored), NULL, out,
			    (sizeof(inflate_stored_plain) - 1 > sizeof(out)
				     ? sizeof(out)
				     : sizeof(inflate_stored_plain) - 1),
			    &out_len);
	ok(ERROR_IS(rc, EFBIG));
	rc = inflate_buffer(inflate_fixed, sizeof(inflate_fixed), NULL, out,
			    (sizeof(inflate_fixed_plain) - 1), &out_len);
	ok(ERROR_IS(rc, EFBIG));
	rc = inflate_buffer(inflate_fixed, sizeof(inflate_fixed), NULL, out,
			    sizeof(inflate_fixed_plain), &out_len);
	ok(rc == 0 && out_len == sizeof(inflate_fixed_plain));
}

/** Damaged streams fail with the right class of error */
UNIT_TEST(inflate_corrupt)
{
	uint8_t out[1024];
	uint8_t copy[sizeof(inflate_stored)];
	size_t out_len;
	size_t len;
	int rc;

	/* Reserved block type */
	rc = inflate_buffer("\x07\x00", 2, NULL, out, sizeof(out), &out_len);
	ok(ERROR_IS(rc, EBADMSG));

	/* Stored block whose length check does not match */
	memcpy(copy, inflate_stored, sizeof(copy));
	copy[3] ^= 0x01;
	rc = inflate_buffer(copy, sizeof(copy), NULL, out, sizeof(out),
			    &out_len);
	ok(ERROR_IS(rc, EBADMSG));

	/* Every truncation of a good stream */
	for (len = 0; len < sizeof(inflate_fixed); len++) {
		rc = inflate_buffer(inflate_fixed, len, NULL, out, sizeof(out),
				    &out_len);
		ok(ERROR_IS(rc, EBADMSG));
	}
	for (len = 0; len < sizeof(inflate_stored); len += 7) {
		rc = inflate_buffer(inflate_stored, len, NULL, out, sizeof(out),
				    &out_len);
		ok(ERROR_IS(rc, EBADMSG));
	}

	/* Hand-made damage */
	rc = inflate_buffer(inflate_too_far, sizeof(inflate_too_far), NULL, out,
			    sizeof(out), &out_len);
	ok(ERROR_IS(rc, EBADMSG));
	rc = inflate_buffer(inflate_bad_symbol, sizeof(inflate_bad_symbol),
			    NULL, out, sizeof(out), &out_len);
	ok(ERROR_IS(rc, EBADMSG));
	rc = inflate_buffer(inflate_no_end_code, sizeof(inflate_no_end_code),
			    NULL, out, sizeof(out), &out_len);
	ok(ERROR_IS(rc, EBADMSG));
	rc = inflate_buffer(inflate_repeat_first, sizeof(inflate_repeat_first),
			    NULL, out, sizeof(out), &out_len);
	ok(ERROR_IS(rc, EBADMSG));
	rc = inflate_buffer(inflate_oversubscribed,
			    sizeof(inflate_oversubscribed), NULL, out,
			    sizeof(out), &out_len);
	ok(ERROR_IS(rc, EBADMSG));
}

/** Random damage: an error or some output, never a bad access */
UNIT_TEST(inflate_mutations)
{
	size_t len = sizeof(inflate_dynamic);
	uint8_t *copy = heap_alloc(len);
	uint8_t *out = heap_alloc(INFLATE_TEXT_LEN);
	uint32_t state = 12345;
	unsigned int round;
	unsigned int flips;
	size_t out_len;
	size_t at;
	int rc;
	int failures = 0;

	ok(copy && out);
	if (!copy || !out)
		goto out;
	for (round = 0; round < 300; round++) {
		memcpy(copy, inflate_dynamic, len);
		for (flips = 0; flips < (1 + (round % 4)); flips++) {
			state = ((state * 1103515245U) + 12345U);
			at = ((state >> 8) % ((round & 1) ? 64 : len));
			copy[at] ^= (1 << ((state >> 4) & 7));
		}
		rc = inflate_buffer(copy, len, NULL, out, INFLATE_TEXT_LEN,
				    &out_len);
		if (rc != 0) {
			failures++;
			ok(ERROR_IS(rc, EBADMSG) || ERROR_IS(rc, EFBIG));
		} else {
			ok(out_len <= INFLATE_TEXT_LEN);
		}
	}
	/* Damage in the code tables nearly always shows */
	ok(failures > 100);
out:
	heap_free(copy);
	heap_free(out);
}

/** gzip files: plain, with every header field, and two members */
UNIT_TEST(gzip_decompress_files)
{
	uint8_t text[GZIP_TEXT_LEN];
	void *out;
	size_t out_len;
	size_t header_len;

	inflate_test_text(text, sizeof(text), GZIP_TEXT_SEED);
	ok(gzip_is_compressed(gzip_plain, sizeof(gzip_plain)));
	ok(!gzip_is_compressed(text, sizeof(text)));

	ok(gzip_decompress(gzip_plain, sizeof(gzip_plain), &out, &out_len) ==
	   0);
	ok(out_len == sizeof(text) && memcmp(out, text, sizeof(text)) == 0);
	imgmem_free(out);

	ok(gzip_header_parse(gzip_fields, sizeof(gzip_fields), &header_len) ==
	   0);
	ok(header_len == (10 + 2 + 4 + 9 + 10 + 2));
	ok(gzip_decompress(gzip_fields, sizeof(gzip_fields), &out, &out_len) ==
	   0);
	ok(out_len == sizeof(text) && memcmp(out, text, sizeof(text)) == 0);
	imgmem_free(out);

	/* The trailer at the end states only the second member's size */
	ok(gzip_decompress(gzip_two_members, sizeof(gzip_two_members), &out,
			   &out_len) == 0);
	ok(out_len == sizeof(text) && memcmp(out, text, sizeof(text)) == 0);
	imgmem_free(out);
}

/** Damaged gzip files are refused */
UNIT_TEST(gzip_corrupt)
{
	uint8_t copy[sizeof(gzip_fields)];
	size_t len = sizeof(gzip_plain);
	void *out;
	size_t out_len;
	size_t cut;
	int rc;

	/* CRC, ISIZE, header CRC, reserved flags, method */
	memcpy(copy, gzip_plain, len);
	copy[len - 8] ^= 0x01;
	rc = gzip_decompress(copy, len, &out, &out_len);
	ok(ERROR_IS(rc, EBADMSG) && !out);
	memcpy(copy, gzip_plain, len);
	copy[len - 4] ^= 0x01;
	ok(ERROR_IS(gzip_decompress(copy, len, &out, &out_len), EBADMSG));
	memcpy(copy, gzip_fields, sizeof(gzip_fields));
	copy[10 + 2 + 4 + 9 + 10] ^= 0x01;
	ok(ERROR_IS(gzip_decompress(copy, sizeof(gzip_fields), &out, &out_len),
		    EBADMSG));
	memcpy(copy, gzip_plain, len);
	copy[3] |= 0x80;
	ok(ERROR_IS(gzip_decompress(copy, len, &out, &out_len), EBADMSG));
	memcpy(copy, gzip_plain, len);
	copy[2] = 7;
	ok(ERROR_IS(gzip_decompress(copy, len, &out, &out_len), ENOTSUP));

	/* Truncated anywhere, and garbage after the end */
	for (cut = 18; cut < len; cut += 31) {
		rc = gzip_decompress(gzip_plain, cut, &out, &out_len);
		ok(rc != 0 && !out);
	}
	memcpy(copy, gzip_plain, len);
	copy[len] = 'x';
	ok(ERROR_IS(gzip_decompress(copy, (len + 1), &out, &out_len), EBADMSG));
}

/** image_decompress() replaces a compressed image's data, and only that */
UNIT_TEST(gzip_image_decompress)
{
	uint8_t text[GZIP_TEXT_LEN];
	struct image *image = image_alloc(NULL);

	inflate_test_text(text, sizeof(text), GZIP_TEXT_SEED);
	ok(image != NULL);
	if (!image)
		return;
	ok(image_set_data(image, gzip_plain, sizeof(gzip_plain)) == 0);
	ok(image_decompress(image) == 0);
	ok(image->len == sizeof(text) &&
	   memcmp(image->data, text, sizeof(text)) == 0);
	ok(image_decompress(image) == 0);
	ok(image->len == sizeof(text));
	ok(image_set_data(image, gzip_plain, 40) == 0);
	ok(image_decompress(image) != 0);
	ok(image->len == 40);
	image_put(image);
}
