#ifndef CORE_INFLATE_H
#define CORE_INFLATE_H

/** @file
 *
 * DEFLATE decompression (RFC 1951)
 *
 * The whole compressed stream is in memory and is decoded in one call
 * into an output buffer of fixed size, which also serves as the history
 * window.  Every read of the input and every write of the output is
 * bounded: a damaged or hostile stream ends in an error, never in a read
 * or write outside the two buffers.
 */

#include <stddef.h>
#include <stdint.h>

extern int inflate_buffer(const void *in, size_t in_len, size_t *in_used,
			  void *out, size_t out_max, size_t *out_len);

#endif /* CORE_INFLATE_H */
