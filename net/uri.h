#ifndef NET_URI_H
#define NET_URI_H

/** @file
 *
 * Uniform resource identifiers (RFC 3986)
 *
 *     scheme://user:password@host:port/path?query#fragment
 *
 * A parsed URI keeps each part as a NUL-terminated string, or NULL if
 * the part is absent.  The path, query and fragment are kept as they
 * were written (percent-encoded); user, password and host are decoded.
 * URIs are reference-counted because requests keep them while they run.
 */

#include <stddef.h>
#include "core/refcnt.h"

/** A parsed URI */
struct uri {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Scheme, lower case ("http"), or NULL for a relative reference */
	const char *scheme;
	/** Opaque part of a non-hierarchical URI ("mailto:x" -> "x") */
	const char *opaque;
	/** User name (decoded) */
	const char *user;
	/** Password (decoded) */
	const char *password;
	/** Host (decoded; an IPv6 literal without its brackets) */
	const char *host;
	/** Port, as written */
	const char *port;
	/** Path (percent-encoded, as written) */
	const char *path;
	/** Query, without the '?' */
	const char *query;
	/** Fragment, without the '#' */
	const char *fragment;
};

extern struct uri *uri_parse(const char *text);
extern char *uri_format(const struct uri *uri);
extern struct uri *uri_resolve(const struct uri *base,
			       const struct uri *relative);
extern unsigned int uri_port(const struct uri *uri,
			     unsigned int default_port);
extern size_t uri_decode(const char *encoded, char *buf, size_t len);
extern size_t uri_encode(const char *raw, char *buf, size_t len,
			 const char *keep);

/**
 * Take a reference to a URI
 *
 * @v uri		URI, or NULL
 * @ret uri		URI
 */
static inline struct uri *uri_get(struct uri *uri)
{
	ref_get(uri ? &uri->refcnt : NULL);
	return uri;
}

/**
 * Drop a reference to a URI
 *
 * @v uri		URI, or NULL
 */
static inline void uri_put(struct uri *uri)
{
	ref_put(uri ? &uri->refcnt : NULL);
}

#endif /* NET_URI_H */
