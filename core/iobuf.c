/** @file
 *
 * I/O buffers
 *
 * The descriptor and the data share one heap block: the block's own
 * address, then the data (aligned for DMA), then the descriptor.
 */

#include <stdint.h>
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/errors.h"

/**
 * Allocate an I/O buffer
 *
 * @v len		Room for data
 * @ret iob		I/O buffer (empty, no headroom), or NULL
 */
struct io_buffer *iob_alloc(size_t len)
{
	struct io_buffer *iob;
	size_t data_len;
	uint8_t *block;
	uint8_t *head;

	/* Round the data up so that the descriptor is aligned */
	data_len = ((len + __alignof__(struct io_buffer) - 1) &
		    ~(__alignof__(struct io_buffer) - 1));
	if (data_len < len || (data_len + sizeof(*iob)) < data_len)
		return NULL;
	block = heap_alloc(sizeof(void *) + IOB_ALIGN + data_len + sizeof(*iob));
	if (!block)
		return NULL;
	/* Data aligned, with room before it for the block's address */
	head = (uint8_t *)(((uintptr_t)block + sizeof(void *) + IOB_ALIGN -
			    1) &
			   ~(uintptr_t)(IOB_ALIGN - 1));
	iob = (struct io_buffer *)(head + data_len);
	iob->head = iob->data = iob->tail = head;
	iob->end = (iob->head + len);
	/* Remember where the block started, just before the data */
	((void **)iob->head)[-1] = block;
	INIT_LIST_HEAD(&iob->list);
	return iob;
}

/**
 * Allocate an I/O buffer for transmitting, with headroom for headers
 *
 * @v len		Room for the payload
 * @ret iob		I/O buffer with IOB_MAX_HEADROOM reserved, or NULL
 */
struct io_buffer *iob_alloc_tx(size_t len)
{
	struct io_buffer *iob;

	if ((len + IOB_MAX_HEADROOM) < len)
		return NULL;
	iob = iob_alloc(IOB_MAX_HEADROOM + len);
	if (iob)
		iob_reserve(iob, IOB_MAX_HEADROOM);
	return iob;
}

/**
 * Free an I/O buffer
 *
 * @v iob		I/O buffer, or NULL
 */
void iob_free(struct io_buffer *iob)
{
	if (!iob)
		return;
	heap_free(((void **)iob->head)[-1]);
}

/**
 * Make sure there is headroom, moving the data if needed
 *
 * @v iob		I/O buffer
 * @v len		Headroom needed
 * @ret rc		Return status code (-ENOBUFS if the buffer is too
 *			small to move the data within)
 */
int iob_ensure_headroom(struct io_buffer *iob, size_t len)
{
	size_t data_len = iob_len(iob);

	if (iob_headroom(iob) >= len)
		return 0;
	if ((len + data_len) > (size_t)(iob->end - iob->head))
		return -ENOBUFS;
	memmove(iob->head + len, iob->data, data_len);
	iob->data = (iob->head + len);
	iob->tail = (iob->data + data_len);
	return 0;
}
