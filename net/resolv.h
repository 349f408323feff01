#ifndef NET_RESOLV_H
#define NET_RESOLV_H

/** @file
 *
 * Name resolution
 *
 * A protocol that has a host name (HTTP, TFTP, NTP...) resolves it
 * through a resolution endpoint, which works like a data-transfer
 * endpoint with a single operation: "done", called once with the
 * answer or the failure.  The asker embeds a struct resolv_intf with
 * its operations and starts a resolution with resolv_start(); it may
 * give up early with resolv_close(), after which nothing is called.
 *
 * Most callers do not need this: xfer_open_named_socket() takes a host
 * name (or a dotted quad) and a port, resolves the name and opens the
 * socket, and resolv_wait() resolves a name for a command.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/refcnt.h"
#include "core/tables.h"
#include "net/socket.h"

struct xfer;
struct resolv_intf;

/** Longest name handled (RFC 1035: 255 bytes on the wire) */
#define RESOLV_NAME_MAX 253

/** Kinds of answer asked for (DNS record types) */
#define RESOLV_TYPE_A     1
#define RESOLV_TYPE_CNAME 5
#define RESOLV_TYPE_AAAA  28

/** The answer to a resolution */
struct resolv_result {
	/** Address (RESOLV_TYPE_A: AF_INET, port 0) */
	struct sockaddr sa;
	/** Canonical name: the end of any CNAME chain (for
	 * RESOLV_TYPE_CNAME, the alias's target) */
	char name[RESOLV_NAME_MAX + 1];
	/** Seconds the answer stays valid (0: unknown or not cached) */
	uint32_t ttl_s;
	/** The name asked for is an alias (a CNAME was followed) */
	int alias;
};

/** What a resolution endpoint does when its peer finishes */
struct resolv_operations {
	/**
	 * The peer finished: with an answer, failed, or gave up
	 *
	 * @v resolv		This endpoint (already unplugged)
	 * @v result		Answer (rc == 0), or NULL
	 * @v rc		Return status code
	 */
	void (*done)(struct resolv_intf *resolv,
		     const struct resolv_result *result, int rc);
};

/** A resolution endpoint */
struct resolv_intf {
	/** The endpoint this one is plugged into, or NULL */
	struct resolv_intf *peer;
	/** What this endpoint does */
	const struct resolv_operations *op;
	/** Reference counter of the object this endpoint belongs to */
	struct refcnt *refcnt;
};

/**
 * Initialise a resolution endpoint (unplugged)
 *
 * @v resolv		Endpoint
 * @v op		Operations
 * @v refcnt		Owning object's reference counter, or NULL
 */
static inline void resolv_init(struct resolv_intf *resolv,
			       const struct resolv_operations *op,
			       struct refcnt *refcnt)
{
	resolv->peer = NULL;
	resolv->op = op;
	resolv->refcnt = refcnt;
}

/** A way of resolving names */
struct resolver {
	/** Name ("numeric", "DNS") */
	const char *name;
	/**
	 * Start resolving a name
	 *
	 * @v parent		Endpoint to plug the resolution into
	 * @v name		Name
	 * @v type		Kind of answer (RESOLV_TYPE_...)
	 * @ret rc		0 if started, -ENOTSUP if this resolver does
	 *			not handle the name, else a failure
	 */
	int (*resolv)(struct resolv_intf *parent, const char *name,
		      unsigned int type);
};

/** Table of resolvers, tried in order */
#define RESOLVERS         __table(struct resolver, resolvers)
/** Declare a resolver (order: 01 numeric, 02 DNS) */
#define __resolver(order) __table_entry(RESOLVERS, order)

extern void resolv_plug(struct resolv_intf *resolv, struct resolv_intf *peer);
extern void resolv_unplug(struct resolv_intf *resolv);
extern void resolv_done(struct resolv_intf *resolv,
			const struct resolv_result *result, int rc);
extern void resolv_close(struct resolv_intf *resolv, int rc);
extern int resolv_start(struct resolv_intf *parent, const char *name,
			unsigned int type);
extern int resolv_wait(const char *name, unsigned int type,
		       struct resolv_result *result);
extern int xfer_open_named_socket(struct xfer *parent, int semantics,
				  const char *host, unsigned int port,
				  struct sockaddr *local);

#endif /* NET_RESOLV_H */
