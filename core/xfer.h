#ifndef CORE_XFER_H
#define CORE_XFER_H

/** @file
 *
 * Data-transfer interfaces
 *
 * Connections (UDP and TCP sockets, TFTP, HTTP, DNS, TLS, downloads) are
 * reference-counted objects joined by data-transfer endpoints.  Each
 * object embeds a struct xfer per connection it has, with a typed table
 * of what it does when its peer talks to it:
 *
 *     static struct xfer_operations http_socket_operations = {
 *         .deliver = http_socket_deliver,
 *         .close = http_socket_close,
 *     };
 *
 * and talks to its peer through the xfer_...() calls below, which call
 * the peer's operations.  A callback finds its object with
 * container_of(xfer, struct http_request, socket).
 *
 * Plugging two endpoints together makes each hold a reference to the
 * other's object.  xfer_close() unplugs both ends and tells the peer;
 * after it, sending is harmless and goes nowhere.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/refcnt.h"
#include "core/tables.h"

struct io_buffer;
struct xfer;
struct sockaddr;
struct net_device;
struct uri;

/** Metadata that travels with delivered data */
struct xfer_metadata {
	/** Flags (XFER_META_...) */
	unsigned int flags;
	/** Position of the data within the whole transfer */
	uint64_t offset;
	/** Expected total length of the transfer */
	uint64_t size;
	/** Source address (datagram sockets), or NULL */
	struct sockaddr *src;
	/** Destination address (datagram sockets), or NULL */
	struct sockaddr *dest;
	/** Network device the data came in on, or NULL */
	struct net_device *netdev;
};

/** offset is valid: the data goes at that position */
#define XFER_META_OFFSET 0x0001
/** size is valid: the whole transfer is expected to be that long */
#define XFER_META_SIZE 0x0002

/** What an endpoint does when its peer talks to it (any may be NULL) */
struct xfer_operations {
	/**
	 * Receive data from the peer
	 *
	 * @v xfer		This endpoint
	 * @v iob		Data (owned by the callee from now on)
	 * @v meta		Metadata, or NULL
	 * @ret rc		Return status code
	 */
	int (*deliver)(struct xfer *xfer, struct io_buffer *iob,
		       struct xfer_metadata *meta);
	/**
	 * How much data this endpoint can take now
	 *
	 * @v xfer		This endpoint
	 * @ret len		Bytes it can take (NULL method: no limit)
	 */
	size_t (*window)(struct xfer *xfer);
	/**
	 * The peer's window changed: sending may be possible now
	 *
	 * @v xfer		This endpoint
	 */
	void (*window_changed)(struct xfer *xfer);
	/**
	 * The peer closed the connection (already unplugged)
	 *
	 * @v xfer		This endpoint
	 * @v rc		Reason (0 for a normal end)
	 */
	void (*close)(struct xfer *xfer, int rc);
	/**
	 * Allocate a buffer that suits this endpoint (headroom, size)
	 *
	 * @v xfer		This endpoint
	 * @v len		Payload length
	 * @ret iob		Buffer, or NULL
	 */
	struct io_buffer *(*alloc_iob)(struct xfer *xfer, size_t len);
};

/** A data-transfer endpoint */
struct xfer {
	/** The endpoint this one is plugged into, or NULL */
	struct xfer *peer;
	/** What this endpoint does */
	const struct xfer_operations *op;
	/** Reference counter of the object this endpoint belongs to */
	struct refcnt *refcnt;
};

/**
 * Initialise an endpoint (unplugged)
 *
 * @v xfer		Endpoint
 * @v op		Operations
 * @v refcnt		Owning object's reference counter, or NULL
 */
static inline void xfer_init(struct xfer *xfer,
			     const struct xfer_operations *op,
			     struct refcnt *refcnt)
{
	xfer->peer = NULL;
	xfer->op = op;
	xfer->refcnt = refcnt;
}

/**
 * Test whether an endpoint is plugged in
 *
 * @v xfer		Endpoint
 * @ret plugged		Endpoint has a peer
 */
static inline int xfer_is_plugged(struct xfer *xfer)
{
	return (xfer->peer != NULL);
}

extern void xfer_plug(struct xfer *xfer, struct xfer *peer);
extern void xfer_unplug(struct xfer *xfer);
extern int xfer_deliver(struct xfer *xfer, struct io_buffer *iob,
			struct xfer_metadata *meta);
extern int xfer_deliver_raw(struct xfer *xfer, const void *data, size_t len);
extern size_t xfer_window(struct xfer *xfer);
extern void xfer_window_changed(struct xfer *xfer);
extern void xfer_close(struct xfer *xfer, int rc);
extern struct io_buffer *xfer_alloc_iob(struct xfer *xfer, size_t len);

/** An opener for a URI scheme */
struct uri_opener {
	/** Scheme ("http", "tftp"...) */
	const char *scheme;
	/**
	 * Open a URI
	 *
	 * @v parent		Endpoint to plug the new connection into
	 * @v uri		URI
	 * @ret rc		Return status code
	 */
	int (*open)(struct xfer *parent, struct uri *uri);
};

/** Table of URI openers */
#define URI_OPENERS __table(struct uri_opener, uri_openers)
/** Declare a URI opener */
#define __uri_opener __table_entry(URI_OPENERS, 01)

/** An opener for a kind of socket */
struct socket_opener {
	/** Semantics (SOCK_STREAM, SOCK_DGRAM) */
	int semantics;
	/** Address family (AF_INET...) */
	int family;
	/**
	 * Open a socket
	 *
	 * @v parent		Endpoint to plug the new socket into
	 * @v peer		Remote address
	 * @v local		Local address, or NULL for any
	 * @ret rc		Return status code
	 */
	int (*open)(struct xfer *parent, struct sockaddr *peer,
		    struct sockaddr *local);
};

/** Table of socket openers */
#define SOCKET_OPENERS __table(struct socket_opener, socket_openers)
/** Declare a socket opener */
#define __socket_opener __table_entry(SOCKET_OPENERS, 01)

extern int xfer_open_uri(struct xfer *parent, struct uri *uri);
extern int xfer_open_socket(struct xfer *parent, int semantics,
			    struct sockaddr *peer, struct sockaddr *local);

#endif /* CORE_XFER_H */
