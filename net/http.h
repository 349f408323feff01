#ifndef NET_HTTP_H
#define NET_HTTP_H

/** @file
 *
 * HTTP/1.1 client (RFC 9110, RFC 9112)
 *
 * An HTTP request (net/http.c) is a reference-counted object between
 * two data-transfer endpoints: the reader above it (the downloader) and
 * a transport below it (a TCP socket, or TLS on one), which it gets
 * from the connection pool (net/http_connection.c).  The request
 * follows redirects, answers Basic and Digest challenges
 * (net/http_auth.c) and, when the connection breaks in the middle of a
 * body, reconnects and asks for the rest with a Range request.
 *
 * Every parser here takes a bound with its buffer: the response comes
 * from the network and is never trusted.  The parsers are exported so
 * that the unit tests can feed them directly.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/tables.h"

struct xfer;
struct uri;
struct digest_algorithm;

/** Longest response header block (status line and fields) accepted */
#define HTTP_MAX_HEADER_LEN      (32 * 1024)
/** Most WWW-Authenticate fields looked at in one response */
#define HTTP_MAX_CHALLENGES      8
/** Longest chunk-size line (with its extensions) accepted */
#define HTTP_MAX_CHUNK_LINE_LEN  4096
/** Longest chunked trailer section accepted */
#define HTTP_MAX_TRAILER_LEN     (16 * 1024)
/** Longest ETag or Last-Modified value kept for If-Range */
#define HTTP_MAX_VALIDATOR_LEN   256
/** Longest realm, nonce or opaque value kept from a challenge */
#define HTTP_AUTH_MAX_VALUE_LEN  512
/** Length of the client nonce Ferry makes for Digest (hex digits) */
#define HTTP_AUTH_CNONCE_LEN     32
/** Longest client nonce held (room for other clients' examples) */
#define HTTP_AUTH_CNONCE_MAX_LEN 64

/** A byte range from Content-Range ("bytes first-last/total") */
struct http_content_range {
	/** First byte */
	uint64_t first;
	/** Last byte (inclusive) */
	uint64_t last;
	/** Total length of the representation */
	uint64_t total;
	/** The total is known (not "*") */
	int total_known;
};

/* Flags of a response (struct http_response) */
/** A Content-Length was given */
#define HTTP_RESPONSE_LENGTH     0x0001
/** The body is chunked */
#define HTTP_RESPONSE_CHUNKED    0x0002
/** The server will close the connection after this response */
#define HTTP_RESPONSE_CLOSE      0x0004
/** The server offered to keep the connection open (HTTP/1.0) */
#define HTTP_RESPONSE_KEEP_ALIVE 0x0008
/** The server accepts byte ranges ("Accept-Ranges: bytes") */
#define HTTP_RESPONSE_RANGES     0x0010
/** A valid Content-Range was given */
#define HTTP_RESPONSE_RANGE      0x0020

/**
 * What Ferry takes from a response's header block
 *
 * Strings point into the block, which http_parse_response() has cut
 * into NUL-terminated pieces; they live as long as the block does.
 */
struct http_response {
	/** HTTP minor version (1 for HTTP/1.1) */
	unsigned int version_minor;
	/** Status code (100 to 599) */
	unsigned int status;
	/** Flags (HTTP_RESPONSE_...) */
	unsigned int flags;
	/** Content-Length */
	uint64_t content_length;
	/** Content-Range */
	struct http_content_range range;
	/** Location, or NULL */
	const char *location;
	/** ETag, or NULL */
	const char *etag;
	/** Last-Modified, or NULL */
	const char *last_modified;
	/** WWW-Authenticate values */
	const char *challenges[HTTP_MAX_CHALLENGES];
	/** Number of WWW-Authenticate values */
	unsigned int num_challenges;
};

/* States of the chunked-body decoder */
enum http_chunked_state {
	/** Reading the hex digits of a chunk size */
	HTTP_CHUNK_SIZE = 0,
	/** Skipping the rest of a chunk-size line (extensions, CR) */
	HTTP_CHUNK_EXTENSION,
	/** Inside a chunk's data */
	HTTP_CHUNK_DATA,
	/** Expecting the CR or LF after a chunk's data */
	HTTP_CHUNK_DATA_END,
	/** Expecting the LF after a chunk's data and CR */
	HTTP_CHUNK_DATA_LF,
	/** At the start of a trailer line (or the final empty line) */
	HTTP_CHUNK_TRAILER_START,
	/** Inside a trailer field line */
	HTTP_CHUNK_TRAILER,
	/** Expecting the LF of the final empty line */
	HTTP_CHUNK_TRAILER_LF,
	/** The body is complete */
	HTTP_CHUNK_DONE,
};

/** A chunked-body decoder (RFC 9112 section 7.1) */
struct http_chunked {
	/** State */
	enum http_chunked_state state;
	/** Chunk size being read, then data bytes left in the chunk */
	uint64_t remaining;
	/** Hex digits read of the chunk size */
	unsigned int digits;
	/** Bytes of the current chunk-size line */
	size_t line_len;
	/** Bytes of trailer section so far */
	size_t trailer_len;
};

/**
 * Test whether a chunked body is complete
 *
 * @v chunked		Decoder
 * @ret done		The last chunk and the trailer section were read
 */
static inline int http_chunked_done(const struct http_chunked *chunked)
{
	return (chunked->state == HTTP_CHUNK_DONE);
}

/* Authentication schemes, weakest first */
enum http_auth_scheme {
	/** No usable challenge */
	HTTP_AUTH_NONE = 0,
	/** Basic (RFC 7617) */
	HTTP_AUTH_BASIC,
	/** Digest (RFC 7616, and RFC 2617 without qop) */
	HTTP_AUTH_DIGEST,
};

/** The challenge Ferry answers, and the state of its answers */
struct http_auth {
	/** Scheme */
	enum http_auth_scheme scheme;
	/** Digest algorithm (MD5 or SHA-256) */
	struct digest_algorithm *digest;
	/** Algorithm name as the server wrote it ("MD5", "SHA-256-sess") */
	const char *algorithm;
	/** The "-sess" variant of the algorithm */
	int session;
	/** The server offered qop=auth (else RFC 2069 style, no qop) */
	int qop_auth;
	/** The server asked for a hashed user name (RFC 7616 userhash) */
	int userhash;
	/** Realm (heap), or NULL */
	char *realm;
	/** Server nonce (heap), or NULL */
	char *nonce;
	/** Opaque value to send back (heap), or NULL */
	char *opaque;
	/** Nonce count of the last answer */
	unsigned int nonce_count;
	/** Client nonce of the last answer */
	char cnonce[HTTP_AUTH_CNONCE_MAX_LEN + 1];
};

/** A URI scheme spoken by the HTTP engine */
struct http_scheme {
	/** Name ("http") */
	const char *name;
	/** Port used when the URI names none */
	unsigned int port;
	/**
	 * Open a transport to the server
	 *
	 * @v socket		Endpoint to plug the transport into
	 * @v uri		URI (its host)
	 * @v port		Port
	 * @ret rc		Return status code
	 */
	int (*connect)(struct xfer *socket, struct uri *uri, unsigned int port);
};

/** Table of HTTP schemes */
#define HTTP_SCHEMES  __table(struct http_scheme, http_schemes)
/** Declare an HTTP scheme */
#define __http_scheme __table_entry(HTTP_SCHEMES, 01)

/* Tuning that the unit tests shorten */
/** Time without any data from the server before a request gives up */
extern unsigned long http_idle_timeout_ms;
/** Time an idle pooled connection is kept */
extern unsigned long http_pool_timeout_ms;

/* net/http.c */
extern int http_open(struct xfer *parent, struct uri *uri);
extern size_t http_append(char *buf, size_t len, size_t used, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));
extern const struct http_scheme *http_find_scheme(const char *name);
extern int http_parse_response(char *block, size_t len,
			       struct http_response *response);
extern int http_parse_content_range(const char *value,
				    struct http_content_range *range);
extern void http_chunked_init(struct http_chunked *chunked);
extern int http_chunked_decode(struct http_chunked *chunked, void *data,
			       size_t len, size_t *data_len, size_t *used);
extern size_t http_format_target(const struct uri *uri, char *buf, size_t len);
extern int http_connect_tcp(struct xfer *socket, struct uri *uri,
			    unsigned int port);

/* net/http_connection.c */
extern int http_connection_open(struct xfer *socket,
				const struct http_scheme *scheme,
				struct uri *uri, int fresh, int *reused);
extern void http_connection_release(struct xfer *socket,
				    const struct http_scheme *scheme,
				    struct uri *uri);
extern void http_connection_flush(void);
extern unsigned int http_connection_idle_count(void);

/**
 * HTTP authentication (net/http_auth.c), reached through this table so
 * that a build may leave it out (config/rom.mk): without it a server
 * that asks for credentials gets none, and the request fails with
 * "authentication scheme not supported"
 */
struct http_authenticator {
	/** Forget the kept challenge (http_auth_clear()) */
	void (*clear)(struct http_auth *auth);
	/** Read a WWW-Authenticate value (http_auth_challenge()) */
	int (*challenge)(struct http_auth *auth, const char *value);
	/** Get ready to answer once more (http_auth_prepare()) */
	void (*prepare)(struct http_auth *auth);
	/** Format the Authorization field (http_auth_format()) */
	size_t (*format)(const struct http_auth *auth, const char *method,
			 const char *target, const char *user,
			 const char *password, char *buf, size_t len);
};

/** Table of HTTP authenticators (at most one) */
#define HTTP_AUTHENTICATORS \
	__table(struct http_authenticator, http_authenticators)
/** Declare the HTTP authenticator */
#define __http_authenticator __table_entry(HTTP_AUTHENTICATORS, 01)

/* net/http_auth.c */
extern void http_auth_init(struct http_auth *auth);
extern void http_auth_clear(struct http_auth *auth);
extern int http_auth_challenge(struct http_auth *auth, const char *value);
extern void http_auth_prepare(struct http_auth *auth);
extern int http_auth_digest_response(const struct http_auth *auth,
				     const char *method, const char *target,
				     const char *user, const char *password,
				     char *response);
extern size_t http_auth_format(const struct http_auth *auth, const char *method,
			       const char *target, const char *user,
			       const char *password, char *buf, size_t len);

#endif /* NET_HTTP_H */
