#ifndef NET_TLS_H
#define NET_TLS_H

/** @file
 *
 * TLS 1.2 client (RFC 5246) on BearSSL
 *
 * A TLS connection is a reference-counted object between two
 * data-transfer endpoints: "plain" toward its user (HTTP), which sends
 * and receives application data, and "cipher" toward the transport (a
 * TCP socket), which carries TLS records.  BearSSL's client engine and
 * X.509 validator are embedded in the object and driven without
 * blocking: whatever arrives (records from the transport, data from the
 * user, a window opening) is pushed into the engine and whatever the
 * engine has ready is pulled out, until nothing moves.
 *
 * The user sees a window of 0 until the handshake is complete and the
 * server's certificate has been checked (path to a root built in with
 * TRUST=, dates against platform_time(), host name or IP address), and
 * then a normal stream.  Every failure closes both endpoints with a
 * precise error (tls_error()).
 */

#include <stddef.h>
#include <stdint.h>
#include <bearssl_ssl.h>
#include <bearssl_x509.h>

struct xfer;

/** The https port */
#define HTTPS_PORT 443

/** Largest leaf certificate kept whole for the IP address check */
#define TLS_LEAF_MAX_LEN (16 * 1024)

/**
 * The certificate checker handed to BearSSL's engine
 *
 * It is BearSSL's "minimal" X.509 validator (chain to a trust anchor,
 * dates, key usage, and the host name against dNSName entries or the
 * common name), wrapped so that a server named by an IP address is
 * checked against the certificate's iPAddress entries instead, which
 * the minimal validator does not read.
 */
struct tls_x509 {
	/** Class (must be first: BearSSL calls through it) */
	const br_x509_class *vtable;
	/** The minimal validator */
	br_x509_minimal_context minimal;
	/** Length of the server's IP address (4 or 16), or 0 for a name */
	size_t address_len;
	/** The server's IP address */
	uint8_t address[16];
	/** Certificates started in the current chain */
	unsigned int certs;
	/** The leaf certificate (IP address check only), or NULL */
	uint8_t *leaf;
	/** Length of the leaf certificate */
	size_t leaf_len;
	/** Bytes of the leaf certificate received */
	size_t leaf_fill;
};

/* Tuning that the unit tests change */
/** Longest wait from the first record sent to the end of the handshake */
extern unsigned long tls_handshake_timeout_ms;
/** Where the time comes from (platform_time()) */
extern int (*tls_clock)(uint64_t *unix_seconds);

/* net/tls.c */
extern int tls_error(unsigned int err);
extern int tls_open(struct xfer *parent, const char *server_name,
		    struct xfer *transport);
extern int tls_open_socket(struct xfer *parent, const char *host,
			   unsigned int port);

/* net/tls_x509.c */
extern int tls_parse_address(const char *host, uint8_t *address, size_t *len);
extern void tls_x509_init(struct tls_x509 *x509,
			  const br_x509_trust_anchor *anchors,
			  size_t num_anchors, const uint8_t *address,
			  size_t address_len, const uint64_t *now);
extern void tls_x509_clear(struct tls_x509 *x509);
extern int tls_x509_match_address(const void *cert, size_t len,
				  const uint8_t *address, size_t address_len);

#endif /* NET_TLS_H */
