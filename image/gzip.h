#ifndef IMAGE_GZIP_H
#define IMAGE_GZIP_H

/** @file
 *
 * gzip-compressed images (RFC 1952), unpacked when they are fetched
 */

#include <stddef.h>
#include <stdint.h>

struct image;

/** Size of the fixed part of a gzip member header */
#define GZIP_HEADER_LEN  10
/** Size of a gzip member trailer (CRC-32, ISIZE) */
#define GZIP_TRAILER_LEN 8

extern int gzip_is_compressed(const void *data, size_t len);
extern int gzip_header_parse(const void *data, size_t len, size_t *header_len);
extern int gzip_decompress(const void *data, size_t len, void **out,
			   size_t *out_len);
extern int image_decompress(struct image *image);

#endif /* IMAGE_GZIP_H */
