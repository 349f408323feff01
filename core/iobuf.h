#ifndef CORE_IOBUF_H
#define CORE_IOBUF_H

/** @file
 *
 * I/O buffers: the one packet buffer type
 *
 *     head          data              tail          end
 *      |<-headroom->|<----- iob_len ---->|<-tailroom->|
 *
 * Layers push headers into the headroom on the way down and pull them
 * off on the way up.  A function that takes an I/O buffer owns it from
 * then on, on success and on failure alike: it must free it or pass it
 * on.  The comment of every such function says so.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"

/** Headroom every transmit buffer should reserve for lower layers */
#define IOB_MAX_HEADROOM 128

/** Alignment of an I/O buffer's data (good for DMA) */
#define IOB_ALIGN 64

/** An I/O buffer */
struct io_buffer {
	/** Link in a queue; free for whoever owns the buffer */
	struct list_head list;
	/** Start of the buffer */
	void *head;
	/** Start of the data */
	void *data;
	/** End of the data */
	void *tail;
	/** End of the buffer */
	void *end;
};

extern struct io_buffer *iob_alloc(size_t len);
extern void iob_free(struct io_buffer *iob);
extern struct io_buffer *iob_alloc_tx(size_t len);

/**
 * Reserve headroom (on an empty buffer)
 *
 * @v iob		I/O buffer
 * @v len		Headroom
 */
static inline void iob_reserve(struct io_buffer *iob, size_t len)
{
	iob->data += len;
	iob->tail += len;
}

/**
 * Add data at the end
 *
 * @v iob		I/O buffer
 * @v len		Length to add (the caller has checked iob_tailroom())
 * @ret old_tail	Where the new data goes
 */
static inline void *iob_put(struct io_buffer *iob, size_t len)
{
	void *old_tail = iob->tail;

	iob->tail += len;
	return old_tail;
}

/**
 * Remove data from the end
 *
 * @v iob		I/O buffer
 * @v len		Length to remove (at most iob_len())
 */
static inline void iob_unput(struct io_buffer *iob, size_t len)
{
	iob->tail -= len;
}

/**
 * Add data at the start (a header, into the headroom)
 *
 * @v iob		I/O buffer
 * @v len		Length to add (the caller has checked iob_headroom())
 * @ret data		New start of data
 */
static inline void *iob_push(struct io_buffer *iob, size_t len)
{
	iob->data -= len;
	return iob->data;
}

/**
 * Remove data from the start (a header that has been read)
 *
 * @v iob		I/O buffer
 * @v len		Length to remove (at most iob_len())
 * @ret data		New start of data
 */
static inline void *iob_pull(struct io_buffer *iob, size_t len)
{
	iob->data += len;
	return iob->data;
}

/**
 * Length of the data
 *
 * @v iob		I/O buffer
 * @ret len		Length
 */
static inline size_t iob_len(const struct io_buffer *iob)
{
	return (iob->tail - iob->data);
}

/**
 * Room before the data
 *
 * @v iob		I/O buffer
 * @ret len		Headroom
 */
static inline size_t iob_headroom(const struct io_buffer *iob)
{
	return (iob->data - iob->head);
}

/**
 * Room after the data
 *
 * @v iob		I/O buffer
 * @ret len		Tailroom
 */
static inline size_t iob_tailroom(const struct io_buffer *iob)
{
	return (iob->end - iob->tail);
}

/**
 * Cut the data to a length (no-op if already shorter)
 *
 * @v iob		I/O buffer
 * @v len		New length
 */
static inline void iob_truncate(struct io_buffer *iob, size_t len)
{
	if (len < iob_len(iob))
		iob->tail = (iob->data + len);
}

/**
 * Empty a buffer, keeping its headroom reservation at zero
 *
 * @v iob		I/O buffer
 */
static inline void iob_empty(struct io_buffer *iob)
{
	iob->data = iob->tail = iob->head;
}

extern int iob_ensure_headroom(struct io_buffer *iob, size_t len);

#endif /* CORE_IOBUF_H */
