/** @file
 *
 * HTTP connections: a small pool of idle keep-alive connections
 *
 * When a response ends and the server keeps the connection open, the
 * request hands its transport (the TCP socket, or TLS on it) to the
 * pool instead of closing it; the next request to the same scheme,
 * host and port takes it back and saves a TCP handshake (a kernel and
 * then an initrd from the same server).  Handing over is re-plugging
 * the transport's endpoint, so no data ever passes through the pool.
 *
 * An idle connection lives until the server closes it, sends anything
 * (nothing is expected while idle), the pool needs its place, or
 * http_pool_timeout_ms passes.  A server may also close a connection
 * just as it is reused; the request notices that no response came and
 * tries once more on a fresh connection (net/http.c).
 */

#include <stddef.h>
#include "net/http.h"
#include "net/uri.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/errors.h"

/** Idle connections kept at most (the oldest gives way) */
#define HTTP_POOL_MAX        4
/** Time an idle connection is kept */
#define HTTP_POOL_TIMEOUT_MS 60000

/** Time an idle connection is kept (HTTP_POOL_TIMEOUT_MS; tests shorten
 * it) */
unsigned long http_pool_timeout_ms = HTTP_POOL_TIMEOUT_MS;

/** An idle connection */
struct http_connection {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Link in the pool, newest first */
	struct list_head list;
	/** Endpoint holding the transport while it is idle */
	struct xfer socket;
	/** Idle expiry */
	struct timer timer;
	/** Connection is in the pool */
	int pooled;
	/** Scheme */
	const struct http_scheme *scheme;
	/** Port */
	unsigned int port;
	/** Host, as in the URI */
	char host[];
};

/** The pool, newest first */
static LIST_HEAD(http_pool);
/** Connections in the pool */
static unsigned int http_pool_count;

/**
 * Take a connection out of the pool and close its transport
 *
 * @v conn		Connection
 * @v rc		Reason given to the transport (0 for a normal close)
 */
static void http_connection_drop(struct http_connection *conn, int rc)
{
	if (!conn->pooled)
		return;
	conn->pooled = 0;
	timer_stop(&conn->timer);
	list_del(&conn->list);
	http_pool_count--;
	xfer_close(&conn->socket, rc);
	/* The pool's reference */
	ref_put(&conn->refcnt);
}

/**
 * Data from an idle server: nothing is expected, so give up on it
 *
 * A server may say "408 Request Timeout" before closing an idle
 * connection; either way the connection cannot carry a request now.
 *
 * @v xfer		Pool's endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		Return status code
 */
static int http_connection_deliver(struct xfer *xfer, struct io_buffer *iob,
				   struct xfer_metadata *meta)
{
	struct http_connection *conn =
		container_of(xfer, struct http_connection, socket);

	iob_free(iob);
	http_connection_drop(conn, 0);
	return 0;
}

/**
 * The server closed an idle connection
 *
 * @v xfer		Pool's endpoint
 * @v rc		Reason
 */
static void http_connection_close(struct xfer *xfer, int rc)
{
	struct http_connection *conn =
		container_of(xfer, struct http_connection, socket);

	http_connection_drop(conn, rc);
}

/**
 * An idle connection has been kept long enough
 *
 * @v timer		Idle timer
 */
static void http_connection_expired(struct timer *timer)
{
	struct http_connection *conn =
		container_of(timer, struct http_connection, timer);

	http_connection_drop(conn, 0);
}

/** Pool endpoint operations */
static const struct xfer_operations http_connection_operations = {
	.deliver = http_connection_deliver,
	.close = http_connection_close,
};

/**
 * Get a connection to a URI's server: an idle one, or a new one
 *
 * @v socket		Endpoint to plug the transport into (unplugged)
 * @v scheme		Scheme
 * @v uri		URI (host and port)
 * @v fresh		Open a new connection even if one is idle
 * @v reused		Set to 1 if an idle connection was taken, else 0
 * @ret rc		Return status code
 */
int http_connection_open(struct xfer *socket, const struct http_scheme *scheme,
			 struct uri *uri, int fresh, int *reused)
{
	struct http_connection *conn;
	unsigned int port = uri_port(uri, scheme->port);

	*reused = 0;
	if (!fresh) {
		list_for_each_entry (conn, &http_pool, list) {
			if (conn->scheme != scheme || conn->port != port ||
			    strcasecmp(conn->host, uri->host) != 0)
				continue;
			/* Move the transport over, then forget the entry */
			xfer_plug(socket, conn->socket.peer);
			http_connection_drop(conn, 0);
			*reused = 1;
			return 0;
		}
	}
	return scheme->connect(socket, uri, port);
}

/**
 * Keep a request's connection for the next request to the same server
 *
 * The transport plugged into socket moves to the pool; socket is left
 * unplugged.  If the pool cannot take it, the connection is closed.
 *
 * @v socket		Request's endpoint plugged into the transport
 * @v scheme		Scheme
 * @v uri		URI the connection was made for (host and port)
 */
void http_connection_release(struct xfer *socket,
			     const struct http_scheme *scheme, struct uri *uri)
{
	struct http_connection *conn;
	struct http_connection *oldest;
	struct xfer *transport = socket->peer;
	size_t host_len = strlen(uri->host);

	if (!transport)
		return;
	conn = heap_zalloc(sizeof(*conn) + host_len + 1);
	if (!conn) {
		xfer_close(socket, 0);
		return;
	}
	ref_init(&conn->refcnt, NULL);
	xfer_init(&conn->socket, &http_connection_operations, &conn->refcnt);
	timer_init(&conn->timer, http_connection_expired);
	conn->scheme = scheme;
	conn->port = uri_port(uri, scheme->port);
	memcpy(conn->host, uri->host, host_len + 1);

	if (http_pool_count >= HTTP_POOL_MAX) {
		oldest = list_last_entry(&http_pool, struct http_connection,
					 list);
		http_connection_drop(oldest, 0);
	}
	/* The reference from ref_init() is the pool's */
	xfer_plug(&conn->socket, transport);
	list_add(&conn->list, &http_pool);
	http_pool_count++;
	conn->pooled = 1;
	timer_start(&conn->timer, http_pool_timeout_ms);
}

/**
 * Close every idle connection
 */
void http_connection_flush(void)
{
	struct http_connection *conn;

	while (!list_empty(&http_pool)) {
		conn = list_first_entry(&http_pool, struct http_connection,
					list);
		http_connection_drop(conn, 0);
	}
}

/**
 * Count the idle connections
 *
 * @ret count		Connections in the pool
 */
unsigned int http_connection_idle_count(void)
{
	return http_pool_count;
}
