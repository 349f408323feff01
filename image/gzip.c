/** @file
 *
 * gzip-compressed images (RFC 1952), unpacked when they are fetched
 *
 * A downloaded image that starts with the gzip magic is replaced by its
 * decompressed contents as soon as the download completes, so every
 * image type (and the "initrd" a kernel is given) sees plain data.  A
 * file is one or more members, each a header, a DEFLATE stream
 * (core/inflate.c) and a trailer with the CRC-32 and length of what it
 * expands to; both are checked.  Zero bytes after the last member
 * (padding) are allowed; anything else there is an error.
 *
 * The output goes to a new buffer in the image area, sized from the
 * length the last member's trailer states and grown if the data turns
 * out to be longer (several members); the compressed data is freed only
 * once its replacement is complete.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/crc32.h"
#include "core/errors.h"
#include "core/inflate.h"
#include "core/malloc.h"
#include "core/string.h"
#include "image/gzip.h"
#include "image/image.h"

/** gzip magic bytes */
#define GZIP_ID1        0x1f
#define GZIP_ID2        0x8b
/** Compression method: DEFLATE */
#define GZIP_CM_DEFLATE 8

/** Header flags (FLG) */
#define GZIP_FLG_FTEXT    0x01
#define GZIP_FLG_FHCRC    0x02
#define GZIP_FLG_FEXTRA   0x04
#define GZIP_FLG_FNAME    0x08
#define GZIP_FLG_FCOMMENT 0x10
#define GZIP_FLG_RESERVED 0xe0

/** Output buffer size to start with when the trailer says nothing useful,
 * as a multiple of the compressed size
 */
#define GZIP_GUESS_RATIO 4
/** Smallest step by which the output buffer grows */
#define GZIP_GROW_MIN    (64 * 1024)

#define EBADMSG_HEADER ERROR_CODE(ERRCLASS_EBADMSG, 1)
ERROR_MESSAGE(EBADMSG_HEADER, "gzip header is damaged");
#define ENOTSUP_METHOD ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_METHOD, "gzip compression method is not DEFLATE");
#define EBADMSG_CRC ERROR_CODE(ERRCLASS_EBADMSG, 2)
ERROR_MESSAGE(EBADMSG_CRC, "gzip data fails its CRC check");
#define EBADMSG_SIZE ERROR_CODE(ERRCLASS_EBADMSG, 3)
ERROR_MESSAGE(EBADMSG_SIZE, "gzip data is not the length its trailer states");
#define EBADMSG_TRAILER ERROR_CODE(ERRCLASS_EBADMSG, 4)
ERROR_MESSAGE(EBADMSG_TRAILER, "gzip data is truncated (no trailer)");
#define EBADMSG_TRAILING ERROR_CODE(ERRCLASS_EBADMSG, 5)
ERROR_MESSAGE(EBADMSG_TRAILING, "gzip file has unexpected data after its end");
#define ENOMEM_OUTPUT ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_OUTPUT, "Not enough memory to decompress the image");

/**
 * Read a little-endian 32-bit number
 *
 * @v bytes		Four bytes
 * @ret value		Value
 */
static uint32_t gzip_le32(const uint8_t *bytes)
{
	return ((uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) |
		((uint32_t)bytes[2] << 16) | ((uint32_t)bytes[3] << 24));
}

/**
 * Check whether data starts like a gzip file
 *
 * @v data		Data
 * @v len		Length
 * @ret compressed	Non-zero if it has the gzip magic and method
 */
int gzip_is_compressed(const void *data, size_t len)
{
	const uint8_t *bytes = data;

	return (len >= (GZIP_HEADER_LEN + GZIP_TRAILER_LEN) &&
		bytes[0] == GZIP_ID1 && bytes[1] == GZIP_ID2);
}

/**
 * Skip a NUL-terminated header field
 *
 * @v bytes		Header
 * @v len		Length of header data available
 * @v offset		Offset of the field (updated to just past it)
 * @ret rc		Return status code
 */
static int gzip_skip_string(const uint8_t *bytes, size_t len, size_t *offset)
{
	const uint8_t *end;

	if (*offset >= len)
		return -EBADMSG_HEADER;
	end = memchr(&bytes[*offset], 0, (len - *offset));
	if (!end)
		return -EBADMSG_HEADER;
	*offset = ((end - bytes) + 1);
	return 0;
}

/**
 * Parse a gzip member header
 *
 * @v data		Start of the member
 * @v len		Bytes available from there
 * @v header_len	Length of the header (where the DEFLATE stream
 *			starts)
 * @ret rc		Return status code
 */
int gzip_header_parse(const void *data, size_t len, size_t *header_len)
{
	const uint8_t *bytes = data;
	size_t offset = GZIP_HEADER_LEN;
	unsigned int flags;
	size_t extra_len;
	uint16_t crc;
	int rc;

	if (len < GZIP_HEADER_LEN || bytes[0] != GZIP_ID1 ||
	    bytes[1] != GZIP_ID2)
		return -EBADMSG_HEADER;
	if (bytes[2] != GZIP_CM_DEFLATE)
		return -ENOTSUP_METHOD;
	flags = bytes[3];
	if (flags & GZIP_FLG_RESERVED)
		return -EBADMSG_HEADER;
	if (flags & GZIP_FLG_FEXTRA) {
		if ((len - offset) < 2)
			return -EBADMSG_HEADER;
		extra_len = (bytes[offset] | (bytes[offset + 1] << 8));
		offset += 2;
		if ((len - offset) < extra_len)
			return -EBADMSG_HEADER;
		offset += extra_len;
	}
	if ((flags & GZIP_FLG_FNAME) &&
	    (rc = gzip_skip_string(bytes, len, &offset)) != 0)
		return rc;
	if ((flags & GZIP_FLG_FCOMMENT) &&
	    (rc = gzip_skip_string(bytes, len, &offset)) != 0)
		return rc;
	if (flags & GZIP_FLG_FHCRC) {
		if ((len - offset) < 2)
			return -EBADMSG_HEADER;
		crc = (bytes[offset] | (bytes[offset + 1] << 8));
		if (crc != (crc32_le(0, bytes, offset) & 0xffff))
			return -EBADMSG_HEADER;
		offset += 2;
	}
	*header_len = offset;
	return 0;
}

/**
 * Make the output buffer bigger
 *
 * @v out		Output buffer (updated)
 * @v capacity		Its size (updated)
 * @ret rc		Return status code
 */
static int gzip_grow(uint8_t **out, size_t *capacity)
{
	size_t step = max(*capacity, (size_t)GZIP_GROW_MIN);
	uint8_t *grown;

	if ((*capacity + step) < *capacity)
		return -ENOMEM_OUTPUT;
	grown = imgmem_realloc(*out, (*capacity + step));
	if (!grown)
		return -ENOMEM_OUTPUT;
	*out = grown;
	*capacity += step;
	return 0;
}

/**
 * Decompress a gzip file into a new buffer in the image area
 *
 * @v data		gzip file
 * @v len		Length
 * @v out		Decompressed data (image area; the caller frees
 *			it with imgmem_free())
 * @v out_len		Length of decompressed data
 * @ret rc		Return status code
 */
int gzip_decompress(const void *data, size_t len, void **out, size_t *out_len)
{
	const uint8_t *bytes = data;
	const uint8_t *trailer;
	uint8_t *buffer = NULL;
	size_t capacity;
	size_t offset = 0;
	size_t produced = 0;
	size_t header_len;
	size_t used;
	size_t member_len;
	unsigned int members = 0;
	uint32_t crc;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!gzip_is_compressed(data, len))
		return -EBADMSG_HEADER;

	/* The last four bytes state the (last member's) length */
	capacity = gzip_le32(&bytes[len - 4]);
	if (!capacity)
		capacity = (len * GZIP_GUESS_RATIO);
	buffer = imgmem_alloc(capacity ? capacity : 1);
	if (!buffer)
		return -ENOMEM_OUTPUT;

	while (offset < len) {
		/* Zero padding after the last member ends the file */
		if (members && bytes[offset] == 0) {
			while (offset < len && bytes[offset] == 0)
				offset++;
			if (offset < len) {
				rc = -EBADMSG_TRAILING;
				goto err;
			}
			break;
		}
		if (members &&
		    !gzip_is_compressed(&bytes[offset], (len - offset))) {
			rc = -EBADMSG_TRAILING;
			goto err;
		}
		rc = gzip_header_parse(&bytes[offset], (len - offset),
				       &header_len);
		if (rc != 0)
			goto err;
		offset += header_len;

		/* Decompress the member, growing the buffer as needed */
		for (;;) {
			rc = inflate_buffer(&bytes[offset], (len - offset),
					    &used, &buffer[produced],
					    (capacity - produced), &member_len);
			if (!ERROR_IS(rc, EFBIG))
				break;
			if ((rc = gzip_grow(&buffer, &capacity)) != 0)
				goto err;
		}
		if (rc != 0)
			goto err;
		offset += used;

		/* The trailer: CRC-32 and length (mod 2^32) */
		if ((len - offset) < GZIP_TRAILER_LEN) {
			rc = -EBADMSG_TRAILER;
			goto err;
		}
		trailer = &bytes[offset];
		crc = crc32_le(0, &buffer[produced], member_len);
		if (crc != gzip_le32(trailer)) {
			rc = -EBADMSG_CRC;
			goto err;
		}
		if ((uint32_t)member_len != gzip_le32(trailer + 4)) {
			rc = -EBADMSG_SIZE;
			goto err;
		}
		offset += GZIP_TRAILER_LEN;
		produced += member_len;
		members++;
	}

	/* Give back what was not used */
	if (produced < capacity) {
		uint8_t *trimmed =
			imgmem_realloc(buffer, (produced ? produced : 1));
		if (trimmed)
			buffer = trimmed;
	}
	*out = buffer;
	*out_len = produced;
	return 0;

err:
	imgmem_free(buffer);
	return rc;
}

/**
 * Unpack an image if it is gzip-compressed
 *
 * Called when a download completes.  An image that is not compressed is
 * left alone; a compressed one gets the decompressed data in place of
 * its own, or an error and its data unchanged.
 *
 * @v image		Image
 * @ret rc		Return status code
 */
int image_decompress(struct image *image)
{
	void *out;
	size_t out_len;
	int rc;

	if (!image->data || !gzip_is_compressed(image->data, image->len))
		return 0;
	rc = gzip_decompress(image->data, image->len, &out, &out_len);
	if (rc != 0)
		return rc;
	imgmem_free(image->data);
	image->data = out;
	image->len = out_len;
	image->type = NULL;
	return 0;
}

/** gzip-compressed images are unpacked when fetched */
struct image_decoder gzip_image_decoder __image_decoder = {
	.name = "gzip",
	.decode = image_decompress,
};
