/** @file
 *
 * Name resolution, and sockets opened by host name
 *
 * Resolution endpoints are plugged and unplugged like data-transfer
 * endpoints: each end holds a reference to the other's object while
 * they are plugged, and resolv_done() unplugs both ends before telling
 * the peer, so "done" is called at most once.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/resolv.h"
#include "net/ipv4.h"
#include "net/socket.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/process.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/wait.h"
#include "core/xfer.h"

/** No resolver handles the name */
#define ENXIO_NO_RESOLVER ERROR_CODE(ERRCLASS_ENXIO, 1)
ERROR_MESSAGE(ENXIO_NO_RESOLVER, "Cannot resolve host name");
/** Resolver does not handle the name (the next one is tried) */
#define ENOTSUP_NAME ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_NAME, "Not a numeric address");
/** Too much data sent before the socket opened */
#define ENOBUFS_PENDING ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_PENDING, "Socket not yet open");
/** Empty host name */
#define EINVAL_HOST ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_HOST, "Invalid host name");

/** Most datagrams a named socket holds until it is open */
#define NAMED_SOCKET_MAX_PENDING 4

/**
 * Plug two resolution endpoints together
 *
 * @v resolv		Endpoint
 * @v peer		Other endpoint
 */
void resolv_plug(struct resolv_intf *resolv, struct resolv_intf *peer)
{
	resolv_unplug(resolv);
	resolv_unplug(peer);
	ref_get(peer->refcnt);
	resolv->peer = peer;
	ref_get(resolv->refcnt);
	peer->peer = resolv;
}

/**
 * Unplug a resolution endpoint (and its peer) without telling anyone
 *
 * @v resolv		Endpoint
 */
void resolv_unplug(struct resolv_intf *resolv)
{
	struct resolv_intf *peer = resolv->peer;

	if (!peer)
		return;
	resolv->peer = NULL;
	if (peer->peer == resolv) {
		peer->peer = NULL;
		ref_put(resolv->refcnt);
	}
	ref_put(peer->refcnt);
}

/**
 * Finish: unplug and tell the peer
 *
 * The resolver calls this with its answer; the asker calls it (through
 * resolv_close()) to give up.  Harmless if already unplugged.
 *
 * @v resolv		Endpoint
 * @v result		Answer, or NULL
 * @v rc		Return status code
 */
void resolv_done(struct resolv_intf *resolv, const struct resolv_result *result,
		 int rc)
{
	struct resolv_intf *peer = resolv->peer;
	struct refcnt *self;
	struct refcnt *refcnt;

	if (!peer)
		return;
	/* Both objects stay alive until the peer has read the answer,
	 * which may live in this endpoint's object */
	self = ref_get(resolv->refcnt);
	refcnt = ref_get(peer->refcnt);
	resolv_unplug(resolv);
	if (peer->op->done)
		peer->op->done(peer, (rc ? NULL : result), rc);
	ref_put(refcnt);
	ref_put(self);
}

/**
 * Give up on a resolution
 *
 * @v resolv		The asker's endpoint
 * @v rc		Reason (0 becomes -ECANCELED)
 */
void resolv_close(struct resolv_intf *resolv, int rc)
{
	resolv_done(resolv, NULL, (rc ? rc : -ECANCELED));
}

/** A dotted quad, answered without asking anyone */
struct numeric_resolv {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint to the asker */
	struct resolv_intf resolv;
	/** Timer that delivers the answer from the main loop */
	struct timer timer;
	/** The answer */
	struct resolv_result result;
};

/**
 * Deliver the answer
 *
 * @v timer		Timer
 */
static void numeric_resolv_expired(struct timer *timer)
{
	struct numeric_resolv *numeric =
		container_of(timer, struct numeric_resolv, timer);

	resolv_done(&numeric->resolv, &numeric->result, 0);
}

/**
 * The asker gave up
 *
 * @v resolv		Endpoint
 * @v result		Unused
 * @v rc		Reason
 */
static void numeric_resolv_done(struct resolv_intf *resolv,
				const struct resolv_result *result, int rc)
{
	struct numeric_resolv *numeric =
		container_of(resolv, struct numeric_resolv, resolv);

	timer_stop(&numeric->timer);
}

/** What an asker can do to a numeric resolution */
static const struct resolv_operations numeric_resolv_operations = {
	.done = numeric_resolv_done,
};

/**
 * Free a numeric resolution
 *
 * @v refcnt		Reference counter
 */
static void numeric_resolv_free(struct refcnt *refcnt)
{
	struct numeric_resolv *numeric =
		container_of(refcnt, struct numeric_resolv, refcnt);

	timer_stop(&numeric->timer);
	heap_free(numeric);
}

/**
 * Resolve a dotted quad
 *
 * @v parent		Endpoint to plug the resolution into
 * @v name		Name
 * @v type		Kind of answer
 * @ret rc		Return status code (-ENOTSUP if not a dotted quad)
 */
static int numeric_resolv(struct resolv_intf *parent, const char *name,
			  unsigned int type)
{
	struct numeric_resolv *numeric;
	struct sockaddr_in *sin;
	struct in_addr addr;

	if (type != RESOLV_TYPE_A || !inet_aton(name, &addr))
		return -ENOTSUP_NAME;
	numeric = heap_zalloc(sizeof(*numeric));
	if (!numeric)
		return -ENOMEM;
	ref_init(&numeric->refcnt, numeric_resolv_free);
	resolv_init(&numeric->resolv, &numeric_resolv_operations,
		    &numeric->refcnt);
	timer_init(&numeric->timer, numeric_resolv_expired);
	sin = (struct sockaddr_in *)&numeric->result.sa;
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	strlcpy(numeric->result.name, name, sizeof(numeric->result.name));
	resolv_plug(&numeric->resolv, parent);
	timer_start(&numeric->timer, 0);
	ref_put(&numeric->refcnt);
	return 0;
}

/** The dotted-quad resolver */
struct resolver numeric_resolver __resolver(01) = {
	.name = "numeric",
	.resolv = numeric_resolv,
};

/**
 * Start resolving a name
 *
 * The answer comes later, through the parent's "done" operation, never
 * before this returns.
 *
 * @v parent		Endpoint to plug the resolution into
 * @v name		Name (or dotted quad)
 * @v type		Kind of answer (RESOLV_TYPE_...)
 * @ret rc		Return status code
 */
int resolv_start(struct resolv_intf *parent, const char *name,
		 unsigned int type)
{
	struct resolver *resolver;
	int rc;

	if (!name[0])
		return -EINVAL_HOST;
	for_each_table_entry (resolver, RESOLVERS) {
		rc = resolver->resolv(parent, name, type);
		if (!ERROR_IS(rc, ENOTSUP))
			return rc;
	}
	return -ENXIO_NO_RESOLVER;
}

/** A command waiting for an answer */
struct resolv_waiter {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint to the resolver */
	struct resolv_intf resolv;
	/** The answer */
	struct resolv_result result;
	/** Outcome */
	int rc;
	/** The resolution has ended */
	int done;
};

/**
 * The resolution ended
 *
 * @v resolv		Endpoint
 * @v result		Answer, or NULL
 * @v rc		Return status code
 */
static void resolv_waiter_done(struct resolv_intf *resolv,
			       const struct resolv_result *result, int rc)
{
	struct resolv_waiter *waiter =
		container_of(resolv, struct resolv_waiter, resolv);

	if (result)
		waiter->result = *result;
	waiter->rc = rc;
	waiter->done = 1;
}

/** What a resolver can do to a waiter */
static const struct resolv_operations resolv_waiter_operations = {
	.done = resolv_waiter_done,
};

/**
 * Resolve a name, waiting (Ctrl-C gives up)
 *
 * @v name		Name (or dotted quad)
 * @v type		Kind of answer (RESOLV_TYPE_...)
 * @v result		Answer
 * @ret rc		Return status code
 */
int resolv_wait(const char *name, unsigned int type,
		struct resolv_result *result)
{
	struct resolv_waiter *waiter;
	int rc;

	waiter = heap_zalloc(sizeof(*waiter));
	if (!waiter)
		return -ENOMEM;
	ref_init(&waiter->refcnt, NULL);
	resolv_init(&waiter->resolv, &resolv_waiter_operations,
		    &waiter->refcnt);
	if ((rc = resolv_start(&waiter->resolv, name, type)) != 0)
		goto out;
	while (!waiter->done) {
		if ((rc = wait_check_cancel()) != 0) {
			resolv_close(&waiter->resolv, rc);
			goto out;
		}
		step();
		platform_idle();
	}
	rc = waiter->rc;
	if (rc == 0)
		*result = waiter->result;
out:
	ref_put(&waiter->refcnt);
	return rc;
}

/** A socket waiting for its host name to be resolved */
struct named_socket {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint to the opener, until the real socket replaces it */
	struct xfer xfer;
	/** Endpoint to the resolver */
	struct resolv_intf resolv;
	/** Socket semantics */
	int semantics;
	/** Port (host byte order) */
	unsigned int port;
	/** Local address */
	struct sockaddr local;
	/** A local address was given */
	int has_local;
	/** Datagrams sent before the socket opened */
	struct list_head pending;
	/** Number of pending datagrams */
	unsigned int num_pending;
};

/**
 * Drop the pending datagrams
 *
 * @v named		Named socket
 */
static void named_socket_flush(struct named_socket *named)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	list_for_each_entry_safe (iob, tmp, &named->pending, list) {
		list_del(&iob->list);
		iob_free(iob);
	}
	named->num_pending = 0;
}

/**
 * Keep data sent before the socket is open
 *
 * Datagram protocols (TFTP) send at once; up to NAMED_SOCKET_MAX_PENDING
 * datagrams are kept and sent when the socket opens.  Stream protocols
 * wait for the window, which stays shut until then.
 *
 * @v xfer		Endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata (not kept: it goes to the peer given)
 * @ret rc		Return status code
 */
static int named_socket_deliver(struct xfer *xfer, struct io_buffer *iob,
				struct xfer_metadata *meta)
{
	struct named_socket *named =
		container_of(xfer, struct named_socket, xfer);

	if (named->num_pending >= NAMED_SOCKET_MAX_PENDING) {
		iob_free(iob);
		return -ENOBUFS_PENDING;
	}
	list_add_tail(&iob->list, &named->pending);
	named->num_pending++;
	return 0;
}

/**
 * Window: shut until the socket is open
 *
 * @v xfer		Endpoint
 * @ret len		0
 */
static size_t named_socket_window(struct xfer *xfer)
{
	return 0;
}

/**
 * The opener closed before the socket opened
 *
 * @v xfer		Endpoint
 * @v rc		Reason
 */
static void named_socket_close(struct xfer *xfer, int rc)
{
	struct named_socket *named =
		container_of(xfer, struct named_socket, xfer);

	resolv_close(&named->resolv, rc);
	named_socket_flush(named);
}

/** What the opener can do to a named socket */
static const struct xfer_operations named_socket_xfer_operations = {
	.deliver = named_socket_deliver,
	.window = named_socket_window,
	.close = named_socket_close,
};

/**
 * The name is resolved: open the real socket in our place
 *
 * The real socket is plugged straight into the opener's endpoint, which
 * unplugs it from us; what the opener sent meanwhile follows.
 *
 * @v resolv		Endpoint to the resolver
 * @v result		Answer, or NULL
 * @v rc		Return status code
 */
static void named_socket_resolved(struct resolv_intf *resolv,
				  const struct resolv_result *result, int rc)
{
	struct named_socket *named =
		container_of(resolv, struct named_socket, resolv);
	struct xfer *parent = named->xfer.peer;
	struct sockaddr_tcpip peer;
	struct io_buffer *iob;
	struct io_buffer *tmp;

	if (!parent) {
		named_socket_flush(named);
		return;
	}
	if (rc != 0)
		goto err;
	memcpy(&peer, &result->sa, sizeof(peer));
	peer.st_port = htons(named->port);
	ref_get(parent->refcnt);
	rc = xfer_open_socket(parent, named->semantics,
			      (struct sockaddr *)&peer,
			      (named->has_local ? &named->local : NULL));
	if (rc != 0) {
		ref_put(parent->refcnt);
		goto err;
	}
	xfer_unplug(&named->xfer);
	list_for_each_entry_safe (iob, tmp, &named->pending, list) {
		list_del(&iob->list);
		named->num_pending--;
		xfer_deliver(parent, iob, NULL);
	}
	if (parent->peer)
		xfer_window_changed(parent->peer);
	ref_put(parent->refcnt);
	return;

err:
	named_socket_flush(named);
	xfer_close(&named->xfer, rc);
}

/** What the resolver can do to a named socket */
static const struct resolv_operations named_socket_resolv_operations = {
	.done = named_socket_resolved,
};

/**
 * Free a named socket
 *
 * @v refcnt		Reference counter
 */
static void named_socket_free(struct refcnt *refcnt)
{
	struct named_socket *named =
		container_of(refcnt, struct named_socket, refcnt);

	named_socket_flush(named);
	heap_free(named);
}

/**
 * Open a socket to a host given by name or dotted quad
 *
 * A dotted quad opens the socket at once.  A name is resolved first;
 * meanwhile the parent is plugged into a stand-in whose window is shut
 * (stream users wait for window_changed) and which keeps the first few
 * datagrams sent.  A failed resolution closes the parent's endpoint
 * with the reason.
 *
 * @v parent		Endpoint to plug the socket into
 * @v semantics		SOCK_STREAM or SOCK_DGRAM
 * @v host		Host name or dotted quad
 * @v port		Port (host byte order)
 * @v local		Local address, or NULL
 * @ret rc		Return status code
 */
int xfer_open_named_socket(struct xfer *parent, int semantics, const char *host,
			   unsigned int port, struct sockaddr *local)
{
	struct named_socket *named;
	struct sockaddr_in sin;
	int rc;

	memset(&sin, 0, sizeof(sin));
	if (inet_aton(host, &sin.sin_addr)) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		return xfer_open_socket(parent, semantics,
					(struct sockaddr *)&sin, local);
	}

	named = heap_zalloc(sizeof(*named));
	if (!named)
		return -ENOMEM;
	ref_init(&named->refcnt, named_socket_free);
	xfer_init(&named->xfer, &named_socket_xfer_operations, &named->refcnt);
	resolv_init(&named->resolv, &named_socket_resolv_operations,
		    &named->refcnt);
	INIT_LIST_HEAD(&named->pending);
	named->semantics = semantics;
	named->port = port;
	if (local) {
		memcpy(&named->local, local, sizeof(named->local));
		named->has_local = 1;
	}
	if ((rc = resolv_start(&named->resolv, host, RESOLV_TYPE_A)) != 0)
		goto err;
	xfer_plug(&named->xfer, parent);
	ref_put(&named->refcnt);
	return 0;

err:
	ref_put(&named->refcnt);
	return rc;
}
