/** @file
 *
 * TLS: checking the server's certificate
 *
 * BearSSL's minimal X.509 validator does the work (RFC 5280 path
 * validation to a trust anchor, validity dates, key usage, and the
 * server name against the leaf's dNSName entries, or its common name
 * when there are none).  Two things are added here:
 *
 *   - the validation time, from platform_time(): BearSSL is built
 *     without a clock, and with no time it refuses every chain that is
 *     not a directly trusted key (BR_ERR_X509_TIME_UNKNOWN);
 *   - servers named by an IP address (https://192.0.2.1/): such a name
 *     is not sent as SNI (RFC 6066 section 3 forbids it) nor matched
 *     against DNS names; instead the leaf certificate is kept as it
 *     arrives and, once BearSSL has validated the chain, its
 *     subjectAltName extension must hold that address as an iPAddress
 *     entry (RFC 5280 section 4.2.1.6).  The common name is never used
 *     for addresses.
 *
 * The leaf certificate comes from the network: the DER reader below
 * checks every length against what is left before reading.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/tls.h"
#include "net/socket.h"
#include "net/ipv4.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/time.h"
#include "core/errors.h"

/** DER tags used */
#define DER_BOOLEAN      0x01
#define DER_OCTET_STRING 0x04
#define DER_OID          0x06
#define DER_SEQUENCE     0x30
/** tbsCertificate's [3] EXPLICIT extensions */
#define DER_EXTENSIONS   0xa3
/** GeneralName's [7] IMPLICIT iPAddress */
#define DER_IP_ADDRESS   0x87

/** Longest DER length field read (4 bytes: up to 4 GiB) */
#define DER_MAX_LENGTH_BYTES 4

/** The subjectAltName extension's OID (2.5.29.17), as encoded */
static const uint8_t tls_x509_san_oid[] = { 0x55, 0x1d, 0x11 };

#define EINVAL_TLS_ADDRESS ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_TLS_ADDRESS, "TLS: invalid IP address as host name");
#define EINVAL_DER ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_DER, "TLS: malformed certificate");
#define ENOENT_SAN_ADDRESS ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_SAN_ADDRESS,
	      "TLS: IP address not in the certificate's names");

/** A piece of DER being read */
struct der_cursor {
	/** Next byte */
	const uint8_t *data;
	/** Bytes left */
	size_t len;
};

/**
 * Read one DER element (tag, length, contents) and step past it
 *
 * Only single-byte tags and definite lengths exist in a valid
 * certificate; anything else is refused.
 *
 * @v cursor		Where to read (advanced past the element)
 * @v tag		Tag to fill in
 * @v contents		The element's contents to fill in
 * @ret rc		Return status code
 */
static int der_next(struct der_cursor *cursor, unsigned int *tag,
		    struct der_cursor *contents)
{
	size_t header = 2;
	size_t len;
	size_t count;
	size_t i;

	if (cursor->len < 2)
		return -EINVAL_DER;
	*tag = cursor->data[0];
	if ((*tag & 0x1f) == 0x1f)
		return -EINVAL_DER;
	len = cursor->data[1];
	if (len & 0x80) {
		count = (len & 0x7f);
		if (count == 0 || count > DER_MAX_LENGTH_BYTES ||
		    count > (cursor->len - 2))
			return -EINVAL_DER;
		len = 0;
		for (i = 0; i < count; i++)
			len = ((len << 8) | cursor->data[2 + i]);
		header += count;
	}
	if (len > (cursor->len - header))
		return -EINVAL_DER;
	contents->data = (cursor->data + header);
	contents->len = len;
	cursor->data += (header + len);
	cursor->len -= (header + len);
	return 0;
}

/**
 * Read one DER element that must have a given tag
 *
 * @v cursor		Where to read (advanced past the element)
 * @v tag		Expected tag
 * @v contents		The element's contents to fill in
 * @ret rc		Return status code
 */
static int der_enter(struct der_cursor *cursor, unsigned int tag,
		     struct der_cursor *contents)
{
	unsigned int found;
	int rc;

	rc = der_next(cursor, &found, contents);
	if (rc != 0)
		return rc;
	if (found != tag)
		return -EINVAL_DER;
	return 0;
}

/**
 * Look for an IP address among a subjectAltName extension's names
 *
 * @v value		The extension's value (GeneralNames)
 * @v address		Address
 * @v address_len	Length of address (4 or 16)
 * @ret rc		0 if found, -ENOENT if not, or a parse error
 */
static int tls_x509_match_san(struct der_cursor *value, const uint8_t *address,
			      size_t address_len)
{
	struct der_cursor names;
	struct der_cursor name;
	unsigned int tag;
	int rc;

	rc = der_enter(value, DER_SEQUENCE, &names);
	if (rc != 0)
		return rc;
	while (names.len) {
		rc = der_next(&names, &tag, &name);
		if (rc != 0)
			return rc;
		if (tag == DER_IP_ADDRESS && name.len == address_len &&
		    memcmp(name.data, address, address_len) == 0)
			return 0;
	}
	return -ENOENT_SAN_ADDRESS;
}

/**
 * Test whether a certificate names an IP address in its subjectAltName
 *
 * @v cert		Certificate (DER)
 * @v len		Length
 * @v address		Address (network byte order)
 * @v address_len	Length of address (4 or 16)
 * @ret rc		0 if the certificate names the address, -ENOENT if
 *			it does not, or a parse error
 */
int tls_x509_match_address(const void *cert, size_t len, const uint8_t *address,
			   size_t address_len)
{
	struct der_cursor cursor = { .data = cert, .len = len };
	struct der_cursor certificate;
	struct der_cursor tbs;
	struct der_cursor field;
	struct der_cursor extensions;
	struct der_cursor extension;
	struct der_cursor oid;
	struct der_cursor value;
	unsigned int tag;
	int rc;

	rc = der_enter(&cursor, DER_SEQUENCE, &certificate);
	if (rc != 0)
		return rc;
	rc = der_enter(&certificate, DER_SEQUENCE, &tbs);
	if (rc != 0)
		return rc;
	/* The extensions are the last field of tbsCertificate */
	while (tbs.len) {
		rc = der_next(&tbs, &tag, &field);
		if (rc != 0)
			return rc;
		if (tag != DER_EXTENSIONS)
			continue;
		rc = der_enter(&field, DER_SEQUENCE, &extensions);
		if (rc != 0)
			return rc;
		while (extensions.len) {
			rc = der_enter(&extensions, DER_SEQUENCE, &extension);
			if (rc != 0)
				return rc;
			rc = der_enter(&extension, DER_OID, &oid);
			if (rc != 0)
				return rc;
			if (oid.len != sizeof(tls_x509_san_oid) ||
			    memcmp(oid.data, tls_x509_san_oid,
				   sizeof(tls_x509_san_oid)) != 0)
				continue;
			/* An optional "critical" flag, then the value */
			rc = der_next(&extension, &tag, &value);
			if (rc != 0)
				return rc;
			if (tag == DER_BOOLEAN) {
				rc = der_next(&extension, &tag, &value);
				if (rc != 0)
					return rc;
			}
			if (tag != DER_OCTET_STRING)
				return -EINVAL_DER;
			rc = tls_x509_match_san(&value, address, address_len);
			if (rc == 0 || !ERROR_IS(rc, ENOENT))
				return rc;
		}
	}
	return -ENOENT_SAN_ADDRESS;
}

/**
 * Parse an IPv6 address (RFC 4291 section 2.2: hex groups, one "::",
 * optionally a dotted quad at the end)
 *
 * @v text		Text
 * @v address		16 bytes to fill in
 * @ret rc		Return status code
 */
static int tls_parse_ipv6(const char *text, uint8_t *address)
{
	uint8_t parsed[16];
	struct in_addr ipv4;
	const char *cursor = text;
	size_t len = 0;
	int gap = -1;
	unsigned int value;
	unsigned int digits;

	if (cursor[0] == ':') {
		if (cursor[1] != ':')
			return -EINVAL_TLS_ADDRESS;
		gap = 0;
		cursor += 2;
	}
	while (*cursor) {
		/* A dotted quad may end the address */
		if (strchr(cursor, '.') && !strchr(cursor, ':')) {
			if (len > 12 || !inet_aton(cursor, &ipv4))
				return -EINVAL_TLS_ADDRESS;
			memcpy(&parsed[len], &ipv4.s_addr, 4);
			len += 4;
			break;
		}
		value = 0;
		for (digits = 0; isxdigit(*cursor); digits++, cursor++) {
			if (digits == 4)
				return -EINVAL_TLS_ADDRESS;
			value = ((value << 4) |
				 (isdigit(*cursor)
					  ? (*cursor - '0')
					  : ((*cursor | 0x20) - 'a' + 10)));
		}
		if (!digits || len > 14)
			return -EINVAL_TLS_ADDRESS;
		parsed[len++] = (value >> 8);
		parsed[len++] = value;
		if (!*cursor)
			break;
		if (*cursor != ':')
			return -EINVAL_TLS_ADDRESS;
		cursor++;
		if (*cursor == ':') {
			if (gap >= 0)
				return -EINVAL_TLS_ADDRESS;
			gap = len;
			cursor++;
		} else if (!*cursor) {
			return -EINVAL_TLS_ADDRESS;
		}
	}
	if (gap >= 0) {
		if (len == 16)
			return -EINVAL_TLS_ADDRESS;
		memset(address, 0, 16);
		memcpy(address, parsed, gap);
		memcpy(&address[16 - (len - gap)], &parsed[gap], (len - gap));
	} else {
		if (len != 16)
			return -EINVAL_TLS_ADDRESS;
		memcpy(address, parsed, 16);
	}
	return 0;
}

/**
 * Tell whether a host is an IP address, and parse it
 *
 * Anything with a ':' must be an IPv6 address; a dotted quad is an
 * IPv4 address; anything else is a name.
 *
 * @v host		Host, as in the URI
 * @v address		16 bytes to fill in
 * @v len		Address length to fill in (4, 16, or 0 for a name)
 * @ret rc		Return status code (an invalid IPv6 address)
 */
int tls_parse_address(const char *host, uint8_t *address, size_t *len)
{
	struct in_addr ipv4;
	int rc;

	*len = 0;
	if (strchr(host, ':')) {
		rc = tls_parse_ipv6(host, address);
		if (rc != 0)
			return rc;
		*len = 16;
	} else if (inet_aton(host, &ipv4)) {
		memcpy(address, &ipv4.s_addr, 4);
		*len = 4;
	}
	return 0;
}

/**
 * Get the context's wrapper from BearSSL's class pointer
 *
 * @v ctx		Class pointer (the wrapper's first field)
 * @ret x509		Wrapper
 */
static inline struct tls_x509 *tls_x509_from(const br_x509_class *const *ctx)
{
	return container_of(ctx, struct tls_x509, vtable);
}

/**
 * Forget the kept leaf certificate
 *
 * @v x509		Checker
 */
static void tls_x509_drop_leaf(struct tls_x509 *x509)
{
	heap_free(x509->leaf);
	x509->leaf = NULL;
	x509->leaf_len = x509->leaf_fill = 0;
}

/**
 * Start a chain
 *
 * @v ctx		Checker
 * @v server_name	Name to match (NULL for an IP address)
 */
static void tls_x509_start_chain(const br_x509_class **ctx,
				 const char *server_name)
{
	struct tls_x509 *x509 = tls_x509_from(ctx);

	tls_x509_drop_leaf(x509);
	x509->certs = 0;
	x509->minimal.vtable->start_chain(&x509->minimal.vtable, server_name);
}

/**
 * Start a certificate (the first is the leaf)
 *
 * @v ctx		Checker
 * @v length		Certificate length
 */
static void tls_x509_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x509 = tls_x509_from(ctx);

	/* A leaf too large to keep fails the address check later */
	if (x509->address_len && x509->certs == 0 &&
	    length <= TLS_LEAF_MAX_LEN) {
		x509->leaf = heap_alloc(length ? length : 1);
		x509->leaf_len = length;
		x509->leaf_fill = 0;
	}
	x509->minimal.vtable->start_cert(&x509->minimal.vtable, length);
}

/**
 * Take some bytes of a certificate
 *
 * @v ctx		Checker
 * @v buf		Bytes
 * @v len		Length
 */
static void tls_x509_append(const br_x509_class **ctx, const unsigned char *buf,
			    size_t len)
{
	struct tls_x509 *x509 = tls_x509_from(ctx);
	size_t room;

	if (x509->certs == 0 && x509->leaf) {
		room = (x509->leaf_len - x509->leaf_fill);
		if (len > room)
			len = room;
		memcpy((x509->leaf + x509->leaf_fill), buf, len);
		x509->leaf_fill += len;
	}
	x509->minimal.vtable->append(&x509->minimal.vtable, buf, len);
}

/**
 * End a certificate
 *
 * @v ctx		Checker
 */
static void tls_x509_end_cert(const br_x509_class **ctx)
{
	struct tls_x509 *x509 = tls_x509_from(ctx);

	x509->certs++;
	x509->minimal.vtable->end_cert(&x509->minimal.vtable);
}

/**
 * End the chain: BearSSL's verdict, then the IP address check
 *
 * @v ctx		Checker
 * @ret err		0, or a BearSSL error code (BR_ERR_X509_...)
 */
static unsigned int tls_x509_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x509 = tls_x509_from(ctx);
	unsigned int err;

	err = x509->minimal.vtable->end_chain(&x509->minimal.vtable);
	if (err == 0 && x509->address_len) {
		if (!x509->leaf || x509->leaf_fill != x509->leaf_len ||
		    tls_x509_match_address(x509->leaf, x509->leaf_len,
					   x509->address,
					   x509->address_len) != 0)
			err = BR_ERR_X509_BAD_SERVER_NAME;
	}
	tls_x509_drop_leaf(x509);
	return err;
}

/**
 * The leaf's public key
 *
 * @v ctx		Checker
 * @v usages		Usages to fill in, or NULL
 * @ret pkey		Key, or NULL
 */
static const br_x509_pkey *tls_x509_get_pkey(const br_x509_class *const *ctx,
					     unsigned int *usages)
{
	struct tls_x509 *x509 = tls_x509_from(ctx);

	return x509->minimal.vtable->get_pkey(&x509->minimal.vtable, usages);
}

/** The checker's class, as BearSSL's engine calls it */
static const br_x509_class tls_x509_class = {
	.context_size = sizeof(struct tls_x509),
	.start_chain = tls_x509_start_chain,
	.start_cert = tls_x509_start_cert,
	.append = tls_x509_append,
	.end_cert = tls_x509_end_cert,
	.end_chain = tls_x509_end_chain,
	.get_pkey = tls_x509_get_pkey,
};

/**
 * Set up a certificate checker
 *
 * Signatures are checked with SHA-256, SHA-384 and SHA-512 only
 * (SHA-1 and MD5 certificate signatures are refused), with RSA keys of
 * at least 2048 bits or ECDSA on P-256, P-384 and P-521.
 *
 * @v x509		Checker
 * @v anchors		Trust anchors
 * @v num_anchors	Number of trust anchors
 * @v address		Server's IP address, or NULL if named
 * @v address_len	Length of address (4 or 16), or 0
 * @v now		Current time (Unix seconds), or NULL if unknown
 */
void tls_x509_init(struct tls_x509 *x509, const br_x509_trust_anchor *anchors,
		   size_t num_anchors, const uint8_t *address,
		   size_t address_len, const uint64_t *now)
{
	br_x509_minimal_context *minimal = &x509->minimal;

	memset(x509, 0, sizeof(*x509));
	x509->vtable = &tls_x509_class;
	if (address && address_len <= sizeof(x509->address)) {
		memcpy(x509->address, address, address_len);
		x509->address_len = address_len;
	}
	br_x509_minimal_init(minimal, &br_sha256_vtable, anchors, num_anchors);
	br_x509_minimal_set_hash(minimal, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(minimal, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(minimal, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(minimal, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(minimal, br_ec_get_default(),
				  br_ecdsa_vrfy_asn1_get_default());
	/* 2048-bit RSA keys and longer */
	br_x509_minimal_set_minrsa(minimal, 256);
	if (now) {
		br_x509_minimal_set_time(minimal,
					 ((*now / TIME_SECONDS_PER_DAY) +
					  TIME_DAYS_YEAR0_TO_UNIX),
					 (*now % TIME_SECONDS_PER_DAY));
	}
}

/**
 * Free what a checker holds
 *
 * @v x509		Checker
 */
void tls_x509_clear(struct tls_x509 *x509)
{
	tls_x509_drop_leaf(x509);
}
