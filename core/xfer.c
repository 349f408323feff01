/** @file
 *
 * Data-transfer interfaces
 */

#include <stddef.h>
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/errors.h"
#include "core/string.h"
#include "net/uri.h"
#include "net/socket.h"

/** No URI opener for the scheme */
#define ENOTSUP_SCHEME ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_SCHEME, "URI scheme not supported");
/** No socket opener for the kind of socket */
#define ENOTSUP_SOCKET ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_SOCKET, "Socket type not supported");

/**
 * Plug two endpoints together (unplugging them from anything first)
 *
 * @v xfer		Endpoint
 * @v peer		Endpoint
 */
void xfer_plug(struct xfer *xfer, struct xfer *peer)
{
	xfer_unplug(xfer);
	xfer_unplug(peer);
	ref_get(peer->refcnt);
	xfer->peer = peer;
	ref_get(xfer->refcnt);
	peer->peer = xfer;
}

/**
 * Unplug an endpoint and its peer from each other, silently
 *
 * @v xfer		Endpoint
 */
void xfer_unplug(struct xfer *xfer)
{
	struct xfer *peer = xfer->peer;

	if (!peer)
		return;
	xfer->peer = NULL;
	if (peer->peer == xfer) {
		peer->peer = NULL;
		ref_put(xfer->refcnt);
	}
	ref_put(peer->refcnt);
}

/**
 * Send data to the peer
 *
 * @v xfer		Endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		Return status code
 */
int xfer_deliver(struct xfer *xfer, struct io_buffer *iob,
		 struct xfer_metadata *meta)
{
	struct xfer *peer = xfer->peer;
	struct refcnt *refcnt;
	int rc;

	if (!peer || !peer->op->deliver) {
		iob_free(iob);
		return -ENOTCONN;
	}
	/* The peer may close (and drop its last reference) meanwhile */
	refcnt = ref_get(peer->refcnt);
	rc = peer->op->deliver(peer, iob, meta);
	ref_put(refcnt);
	return rc;
}

/**
 * Send a copy of some bytes to the peer
 *
 * @v xfer		Endpoint
 * @v data		Data
 * @v len		Length
 * @ret rc		Return status code
 */
int xfer_deliver_raw(struct xfer *xfer, const void *data, size_t len)
{
	struct io_buffer *iob;

	iob = xfer_alloc_iob(xfer, len);
	if (!iob)
		return -ENOMEM;
	memcpy(iob_put(iob, len), data, len);
	return xfer_deliver(xfer, iob, NULL);
}

/**
 * How much data the peer can take now
 *
 * @v xfer		Endpoint
 * @ret len		Bytes (0 if unplugged)
 */
size_t xfer_window(struct xfer *xfer)
{
	struct xfer *peer = xfer->peer;

	if (!peer)
		return 0;
	if (!peer->op->window)
		return ~(size_t)0;
	return peer->op->window(peer);
}

/**
 * Tell the peer that this endpoint's window changed
 *
 * @v xfer		Endpoint
 */
void xfer_window_changed(struct xfer *xfer)
{
	struct xfer *peer = xfer->peer;
	struct refcnt *refcnt;

	if (!peer || !peer->op->window_changed)
		return;
	refcnt = ref_get(peer->refcnt);
	peer->op->window_changed(peer);
	ref_put(refcnt);
}

/**
 * Close the connection: unplug both ends and tell the peer
 *
 * @v xfer		Endpoint
 * @v rc		Reason (0 for a normal end)
 */
void xfer_close(struct xfer *xfer, int rc)
{
	struct xfer *peer = xfer->peer;
	struct refcnt *refcnt;

	if (!peer)
		return;
	refcnt = ref_get(peer->refcnt);
	xfer_unplug(xfer);
	if (peer->op->close)
		peer->op->close(peer, rc);
	ref_put(refcnt);
}

/**
 * Allocate a buffer for sending to the peer
 *
 * @v xfer		Endpoint
 * @v len		Payload length
 * @ret iob		Buffer with headroom for the layers below, or NULL
 */
struct io_buffer *xfer_alloc_iob(struct xfer *xfer, size_t len)
{
	struct xfer *peer = xfer->peer;

	if (peer && peer->op->alloc_iob)
		return peer->op->alloc_iob(peer, len);
	return iob_alloc_tx(len);
}

/**
 * Open a URI
 *
 * @v parent		Endpoint to plug the new connection into
 * @v uri		URI
 * @ret rc		Return status code
 */
int xfer_open_uri(struct xfer *parent, struct uri *uri)
{
	struct uri_opener *opener;

	for_each_table_entry(opener, URI_OPENERS) {
		if (uri->scheme && strcasecmp(uri->scheme, opener->scheme) == 0)
			return opener->open(parent, uri);
	}
	return -ENOTSUP_SCHEME;
}

/**
 * Open a socket
 *
 * @v parent		Endpoint to plug the new socket into
 * @v semantics		SOCK_STREAM or SOCK_DGRAM
 * @v peer		Remote address
 * @v local		Local address, or NULL
 * @ret rc		Return status code
 */
int xfer_open_socket(struct xfer *parent, int semantics,
		     struct sockaddr *peer, struct sockaddr *local)
{
	struct socket_opener *opener;

	for_each_table_entry(opener, SOCKET_OPENERS) {
		if (opener->semantics == semantics &&
		    opener->family == peer->sa_family)
			return opener->open(parent, peer, local);
	}
	return -ENOTSUP_SOCKET;
}
