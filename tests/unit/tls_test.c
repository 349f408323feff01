/** @file
 *
 * Unit tests: TLS (error mapping, IP addresses in host names and in
 * certificates, the trust anchors util/trust.py makes, calendar
 * arithmetic, and whole connections against BearSSL's own server
 * engine: good chains, wrong names, untrusted and expired
 * certificates, weak keys, missing clock, truncation, closing, flow
 * control and a bulk transfer)
 *
 * The certificates come from tests/unit/tls_test_data.h (made by
 * tests/unit/tls_test_data.py); its root is added to the trust anchors
 * of the test program, and the tests set the clock themselves.
 */

#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>
#include "tests/unit/unittest.h"
#include "net/tls.h"
#include "crypto/trust.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/process.h"
#include "core/time.h"
#include "core/entropy.h"
#include "core/platform.h"
#include "tests/unit/tls_test_data.h"

/** Longest request the fake server collects */
#define TLS_TEST_REQUEST_MAX 256
/** Most records from the client the fake server holds */
#define TLS_TEST_RX_MAX      (64 * 1024)
/** Steps a connection may take in a test */
#define TLS_TEST_MAX_STEPS   20000

/* ---- Error mapping ------------------------------------------------------ */

/** A BearSSL error and the message users see */
struct tls_test_error {
	/** BearSSL error */
	unsigned int err;
	/** Message */
	const char *message;
};

/** Errors whose messages users rely on */
static const struct tls_test_error tls_test_errors[] = {
	{ BR_ERR_X509_NOT_TRUSTED, "TLS: certificate not trusted" },
	{ BR_ERR_X509_BAD_SERVER_NAME,
	  "TLS: host name does not match the certificate" },
	{ BR_ERR_X509_EXPIRED,
	  "TLS: certificate expired or not yet valid (check the clock)" },
	{ BR_ERR_X509_TIME_UNKNOWN,
	  "TLS: no clock, so certificate dates cannot be checked" },
	{ BR_ERR_X509_WEAK_PUBLIC_KEY,
	  "TLS: certificate key too weak (RSA under 2048 bits)" },
	{ BR_ERR_X509_NOT_CA,
	  "TLS: certificate issued by a certificate that is not a CA" },
	{ BR_ERR_X509_BAD_SIGNATURE, "TLS: certificate signature is invalid" },
	{ BR_ERR_X509_EMPTY_CHAIN, "TLS: server sent no certificate" },
	{ BR_ERR_X509_TRUNCATED, "TLS: server sent a malformed certificate" },
	{ BR_ERR_BAD_MAC, "TLS: record failed its integrity check" },
	{ BR_ERR_UNSUPPORTED_VERSION, "TLS: server does not offer TLS 1.2" },
	{ BR_ERR_RECV_FATAL_ALERT + 70, "TLS: server does not offer TLS 1.2" },
	{ BR_ERR_RECV_FATAL_ALERT + 40,
	  "TLS: server refused the handshake (no common TLS 1.2 suite)" },
	{ BR_ERR_RECV_FATAL_ALERT + 112,
	  "TLS: server does not know this host name (SNI)" },
	{ BR_ERR_RECV_FATAL_ALERT + 10, "TLS: server sent a fatal alert" },
	{ BR_ERR_SEND_FATAL_ALERT + 42,
	  "TLS: Ferry aborted the connection (fatal alert sent)" },
	{ BR_ERR_BAD_HANDSHAKE, "TLS: protocol error" },
	{ BR_ERR_NO_RANDOM, "TLS: no entropy for the random generator" },
};

/** Every BearSSL error maps to a TLS error with its own message */
UNIT_TEST(tls_error_mapping)
{
	const struct tls_test_error *test;
	unsigned int err;
	int rc;

	for (test = tls_test_errors;
	     test < &tls_test_errors[sizeof(tls_test_errors) /
				     sizeof(tls_test_errors[0])];
	     test++) {
		rc = tls_error(test->err);
		ok(rc < 0);
		ok(strcmp(error_string(rc), test->message) == 0);
	}
	ok(ERROR_IS(tls_error(BR_ERR_X509_NOT_TRUSTED), EACCES));
	ok(ERROR_IS(tls_error(BR_ERR_X509_EXPIRED), EACCES));
	ok(ERROR_IS(tls_error(BR_ERR_X509_BAD_SERVER_NAME), EACCES));
	/* Every code BearSSL has gives a message that names TLS */
	for (err = 1; err < 1024; err++) {
		rc = tls_error(err);
		ok(rc < 0);
		ok(strncmp(error_string(rc), "TLS: ", 5) == 0);
	}
}

/* ---- Addresses ---------------------------------------------------------- */

/**
 * Parse a host and compare with the expected address
 *
 * @v host		Host
 * @v expected		Expected address
 * @v expected_len	Expected length (0: a name)
 * @ret same		Parsed as expected
 */
static int tls_test_address(const char *host, const uint8_t *expected,
			    size_t expected_len)
{
	uint8_t address[16];
	size_t len;

	if (tls_parse_address(host, address, &len) != 0)
		return 0;
	return (len == expected_len &&
		(!expected_len ||
		 memcmp(address, expected, expected_len) == 0));
}

/** Host names that are IP addresses are recognised and parsed */
UNIT_TEST(tls_address_parse)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t doc[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t loopback[16] = { [15] = 1 };
	static const uint8_t any[16] = { 0 };
	static const uint8_t first[16] = { 0, 1 };
	static const uint8_t mapped[16] = {
		[10] = 0xff, [11] = 0xff, [12] = 192,
		[13] = 0,    [14] = 2,    [15] = 1
	};
	static const uint8_t full[16] = { 0, 1, 0, 2, 0, 3, 0,    4,
					  0, 5, 0, 6, 0, 7, 0xab, 0xcd };
	uint8_t address[16];
	size_t len;

	ok(tls_test_address("192.0.2.1", v4, 4));
	ok(tls_test_address("2001:db8::1", doc, 16));
	ok(tls_test_address("2001:DB8:0:0:0:0:0:1", doc, 16));
	ok(tls_test_address("::1", loopback, 16));
	ok(tls_test_address("::", any, 16));
	ok(tls_test_address("1::", first, 16));
	ok(tls_test_address("::ffff:192.0.2.1", mapped, 16));
	ok(tls_test_address("1:2:3:4:5:6:7:abcd", full, 16));
	ok(tls_test_address("ferry.test", NULL, 0));
	ok(tls_test_address("example", NULL, 0));
	ok(tls_parse_address("1:::2", address, &len) != 0);
	ok(tls_parse_address("1::2::3", address, &len) != 0);
	ok(tls_parse_address("12345::", address, &len) != 0);
	ok(tls_parse_address(":1", address, &len) != 0);
	ok(tls_parse_address("1:", address, &len) != 0);
	ok(tls_parse_address("1:2:3:4:5:6:7:8:9", address, &len) != 0);
	ok(tls_parse_address("1:2:3:4:5:6:7", address, &len) != 0);
	ok(tls_parse_address("1:2:3:4:5:6:7:8::", address, &len) != 0);
	ok(tls_parse_address("g::1", address, &len) != 0);
	ok(tls_parse_address("::1.2.3", address, &len) != 0);
}

/** IP addresses are found among a certificate's subjectAltNames */
UNIT_TEST(tls_san_address)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v4_other[4] = { 192, 0, 2, 99 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const uint8_t *cert = tls_test_leaf_ec_cert;
	size_t len = sizeof(tls_test_leaf_ec_cert);
	uint8_t *copy;
	size_t cut;
	int rc;

	ok(tls_x509_match_address(cert, len, v4, sizeof(v4)) == 0);
	ok(tls_x509_match_address(cert, len, v6, sizeof(v6)) == 0);
	rc = tls_x509_match_address(cert, len, v4_other, sizeof(v4_other));
	ok(ERROR_IS(rc, ENOENT));
	/* An address is never matched against a shorter or longer one */
	ok(tls_x509_match_address(cert, len, v6, 4) != 0);
	/* The root has no subjectAltName */
	rc = tls_x509_match_address(tls_test_root_cert,
				    sizeof(tls_test_root_cert), v4, sizeof(v4));
	ok(ERROR_IS(rc, ENOENT));
	/* Every truncation fails cleanly (copies: the sanitizers see
	 * any read past the end) */
	for (cut = 0; cut < len; cut++) {
		copy = heap_alloc(cut ? cut : 1);
		ok(copy != NULL);
		if (!copy)
			break;
		memcpy(copy, cert, cut);
		ok(tls_x509_match_address(copy, cut, v4, sizeof(v4)) != 0);
		heap_free(copy);
	}
}

/* ---- Trust anchors ------------------------------------------------------ */

/** A DN collected from BearSSL's decoder */
struct tls_test_dn {
	/** Bytes */
	uint8_t data[512];
	/** Length */
	size_t len;
};

/**
 * Collect DN bytes from the decoder
 *
 * @v ctx		DN being collected
 * @v buf		Bytes
 * @v len		Length
 */
static void tls_test_append_dn(void *ctx, const void *buf, size_t len)
{
	struct tls_test_dn *dn = ctx;

	if (len > (sizeof(dn->data) - dn->len))
		len = (sizeof(dn->data) - dn->len);
	memcpy(&dn->data[dn->len], buf, len);
	dn->len += len;
}

/** util/trust.py's anchor says what BearSSL's own decoder reads */
UNIT_TEST(tls_trust_anchor)
{
	br_x509_decoder_context *decoder;
	const br_x509_trust_anchor *anchor;
	const br_x509_pkey *pkey;
	struct tls_test_dn *dn;
	unsigned int found = 0;

	decoder = heap_zalloc(sizeof(*decoder));
	dn = heap_zalloc(sizeof(*dn));
	ok(decoder && dn);
	if (!decoder || !dn)
		goto out;
	br_x509_decoder_init(decoder, tls_test_append_dn, dn);
	br_x509_decoder_push(decoder, tls_test_root_cert,
			     sizeof(tls_test_root_cert));
	ok(br_x509_decoder_last_error(decoder) == 0);
	pkey = br_x509_decoder_get_pkey(decoder);
	ok(pkey != NULL);
	if (!pkey)
		goto out;

	for_each_table_entry (anchor, TRUST_ANCHORS) {
		if (anchor != &tls_test_root_0)
			continue;
		found++;
		ok(anchor->flags == BR_X509_TA_CA);
		ok(br_x509_decoder_isCA(decoder));
		ok(anchor->dn.len == dn->len);
		ok(memcmp(anchor->dn.data, dn->data, dn->len) == 0);
		ok(anchor->pkey.key_type == BR_KEYTYPE_EC);
		ok(pkey->key_type == BR_KEYTYPE_EC);
		ok(anchor->pkey.key.ec.curve == pkey->key.ec.curve);
		ok(anchor->pkey.key.ec.qlen == pkey->key.ec.qlen);
		ok(memcmp(anchor->pkey.key.ec.q, pkey->key.ec.q,
			  pkey->key.ec.qlen) == 0);
	}
	ok(found == 1);
out:
	heap_free(decoder);
	heap_free(dn);
}

/* ---- Calendar ----------------------------------------------------------- */

/**
 * Convert a date to Unix time
 *
 * @v year		Year
 * @v month		Month
 * @v day		Day
 * @v hour		Hour
 * @v minute		Minute
 * @v second		Second
 * @ret unix_seconds	Unix time, or ~0 if the date is refused
 */
static uint64_t tls_test_date(unsigned int year, unsigned int month,
			      unsigned int day, unsigned int hour,
			      unsigned int minute, unsigned int second)
{
	struct time_date date = { year, month, day, hour, minute, second };
	uint64_t seconds;

	if (time_from_date(&date, &seconds) != 0)
		return ~0ULL;
	return seconds;
}

/** Dates convert to and from Unix time (what the RTC code relies on) */
UNIT_TEST(tls_calendar)
{
	struct time_date date;
	uint64_t seconds;

	ok(tls_test_date(1970, 1, 1, 0, 0, 0) == 0);
	ok(tls_test_date(2000, 3, 1, 0, 0, 0) == 951868800ULL);
	ok(tls_test_date(2024, 2, 29, 12, 34, 56) == 1709210096ULL);
	ok(tls_test_date(2038, 1, 19, 3, 14, 8) == 2147483648ULL);
	ok(tls_test_date(2100, 3, 1, 0, 0, 0) == 4107542400ULL);
	ok(tls_test_date(2023, 2, 29, 0, 0, 0) == ~0ULL);
	ok(tls_test_date(2100, 2, 29, 0, 0, 0) == ~0ULL);
	ok(tls_test_date(2000, 2, 29, 0, 0, 0) != ~0ULL);
	ok(tls_test_date(2024, 13, 1, 0, 0, 0) == ~0ULL);
	ok(tls_test_date(2024, 0, 1, 0, 0, 0) == ~0ULL);
	ok(tls_test_date(2024, 4, 31, 0, 0, 0) == ~0ULL);
	ok(tls_test_date(2024, 1, 1, 24, 0, 0) == ~0ULL);
	ok(tls_test_date(1969, 12, 31, 23, 59, 59) == ~0ULL);
	/* Round trips, a little over a day at a time across 130 years */
	for (seconds = 0; seconds < 4102444800ULL; seconds += 90061) {
		time_to_date(seconds, &date);
		ok(tls_test_date(date.year, date.month, date.day, date.hour,
				 date.minute, date.second) == seconds);
	}
	/* BearSSL's day count starts at year 0 */
	ok((tls_test_date(2000, 1, 1, 0, 0, 0) / TIME_SECONDS_PER_DAY) +
		   TIME_DAYS_YEAR0_TO_UNIX ==
	   730485);
}

/** Seeds differ from call to call, and long ones are refused */
UNIT_TEST(tls_entropy)
{
	uint8_t first[ENTROPY_SEED_MAX_LEN];
	uint8_t second[ENTROPY_SEED_MAX_LEN];

	entropy_add_event();
	ok(entropy_seed(first, sizeof(first)) == 0);
	ok(entropy_seed(second, sizeof(second)) == 0);
	ok(memcmp(first, second, sizeof(first)) != 0);
	ok(entropy_seed(first, (ENTROPY_SEED_MAX_LEN + 1)) != 0);
}

/* ---- Connections against BearSSL's server ------------------------------- */

/** How the fake server ends a response */
enum tls_test_ending {
	/** close_notify, as a well-behaved server does */
	TLS_TEST_CLOSE_NOTIFY = 0,
	/** A bare transport close (FIN), no close_notify */
	TLS_TEST_FIN,
	/** Nothing: the client closes */
	TLS_TEST_KEEP_OPEN,
};

/** A fake server: BearSSL's server engine behind a transport endpoint */
struct tls_test_server {
	/** Transport endpoint (the TLS connection's "cipher" peer) */
	struct xfer xfer;
	/** Server engine */
	br_ssl_server_context context;
	/** Record buffer */
	unsigned char buffer[BR_SSL_BUFSIZE_BIDI];
	/** Certificate chain */
	br_x509_certificate chain[2];
	/** Private key decoder (holds the key) */
	br_skey_decoder_context key;
	/** Records received from the client, not yet given to the engine */
	uint8_t rx[TLS_TEST_RX_MAX];
	/** Bytes in rx */
	size_t rx_len;
	/** Request received (up to its first line feed) */
	char request[TLS_TEST_REQUEST_MAX];
	/** Bytes in request */
	size_t request_len;
	/** Response length */
	size_t response_len;
	/** Response bytes sent */
	size_t response_sent;
	/** How to end */
	enum tls_test_ending ending;
	/** The server closed the transport */
	int transport_closed;
	/** The client closed the transport */
	int client_closed;
	/** Reason the client gave */
	int client_rc;
};

/**
 * The fake response's byte at an offset
 *
 * @v offset		Offset
 * @ret byte		Byte
 */
static uint8_t tls_test_byte(size_t offset)
{
	return (uint8_t)((offset * 7) + (offset >> 9));
}

/**
 * Take records from the client
 *
 * @v xfer		Server's endpoint
 * @v iob		Records (owned by this call from now on)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int tls_test_server_deliver(struct xfer *xfer, struct io_buffer *iob,
				   struct xfer_metadata *meta)
{
	struct tls_test_server *server =
		container_of(xfer, struct tls_test_server, xfer);
	size_t len = iob_len(iob);

	ok(len <= (sizeof(server->rx) - server->rx_len));
	if (len <= (sizeof(server->rx) - server->rx_len)) {
		memcpy(&server->rx[server->rx_len], iob->data, len);
		server->rx_len += len;
	}
	iob_free(iob);
	return 0;
}

/**
 * The client closed the transport
 *
 * @v xfer		Server's endpoint
 * @v rc		Reason
 */
static void tls_test_server_close(struct xfer *xfer, int rc)
{
	struct tls_test_server *server =
		container_of(xfer, struct tls_test_server, xfer);

	server->client_closed = 1;
	server->client_rc = rc;
}

/** Fake server's transport operations */
static const struct xfer_operations tls_test_server_operations = {
	.deliver = tls_test_server_deliver,
	.close = tls_test_server_close,
};

/**
 * Make a fake server
 *
 * @v leaf		Leaf certificate
 * @v leaf_len		Its length
 * @v issuer		Issuer to send after it, or NULL
 * @v issuer_len	Its length
 * @v key		Leaf's private key (PKCS#8 DER)
 * @v key_len		Its length
 * @v response_len	Bytes to answer a request with
 * @v ending		How to end
 * @ret server		Server, or NULL
 */
static struct tls_test_server *
tls_test_server_create(const uint8_t *leaf, size_t leaf_len,
		       const uint8_t *issuer, size_t issuer_len,
		       const uint8_t *key, size_t key_len, size_t response_len,
		       enum tls_test_ending ending)
{
	static const uint8_t seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tls_test_server *server;
	size_t chain_len = 1;

	server = heap_zalloc(sizeof(*server));
	if (!server)
		return NULL;
	xfer_init(&server->xfer, &tls_test_server_operations, NULL);
	server->chain[0].data = (unsigned char *)leaf;
	server->chain[0].data_len = leaf_len;
	if (issuer) {
		server->chain[1].data = (unsigned char *)issuer;
		server->chain[1].data_len = issuer_len;
		chain_len = 2;
	}
	br_skey_decoder_init(&server->key);
	br_skey_decoder_push(&server->key, key, key_len);
	if (br_skey_decoder_last_error(&server->key) != 0)
		goto err;
	if (br_skey_decoder_key_type(&server->key) == BR_KEYTYPE_EC) {
		br_ssl_server_init_full_ec(
			&server->context, server->chain, chain_len,
			BR_KEYTYPE_EC, br_skey_decoder_get_ec(&server->key));
	} else {
		br_ssl_server_init_full_rsa(
			&server->context, server->chain, chain_len,
			br_skey_decoder_get_rsa(&server->key));
	}
	br_ssl_engine_set_buffer(&server->context.eng, server->buffer,
				 sizeof(server->buffer), 1);
	br_ssl_engine_inject_entropy(&server->context.eng, seed, sizeof(seed));
	if (!br_ssl_server_reset(&server->context))
		goto err;
	server->response_len = response_len;
	server->ending = ending;
	return server;

err:
	heap_free(server);
	return NULL;
}

/**
 * Run the fake server until it has nothing to do
 *
 * It collects a request up to its first line feed, answers with
 * response_len pattern bytes, and then ends as told.
 *
 * @v server		Server
 */
static void tls_test_server_run(struct tls_test_server *server)
{
	br_ssl_engine_context *engine = &server->context.eng;
	struct io_buffer *iob;
	unsigned char *buf;
	size_t offset;
	size_t len;
	int progress;

	do {
		progress = 0;
		buf = br_ssl_engine_recvrec_buf(engine, &len);
		if (buf && server->rx_len) {
			if (len > server->rx_len)
				len = server->rx_len;
			memcpy(buf, server->rx, len);
			memmove(server->rx, &server->rx[len],
				(server->rx_len - len));
			server->rx_len -= len;
			br_ssl_engine_recvrec_ack(engine, len);
			progress = 1;
		}
		buf = br_ssl_engine_recvapp_buf(engine, &len);
		if (buf) {
			if (len >
			    (sizeof(server->request) - 1 - server->request_len))
				len = (sizeof(server->request) - 1 -
				       server->request_len);
			memcpy(&server->request[server->request_len], buf, len);
			server->request_len += len;
			br_ssl_engine_recvapp_ack(engine, (len ? len : 1));
			progress = 1;
		}
		buf = br_ssl_engine_sendapp_buf(engine, &len);
		if (buf && memchr(server->request, '\n', server->request_len) &&
		    server->response_sent < server->response_len) {
			if (len >
			    (server->response_len - server->response_sent))
				len = (server->response_len -
				       server->response_sent);
			for (offset = 0; offset < len; offset++)
				buf[offset] = tls_test_byte(
					server->response_sent + offset);
			server->response_sent += len;
			br_ssl_engine_sendapp_ack(engine, len);
			if (server->response_sent == server->response_len) {
				br_ssl_engine_flush(engine, 0);
				if (server->ending == TLS_TEST_CLOSE_NOTIFY)
					br_ssl_engine_close(engine);
			}
			progress = 1;
		}
		if (server->transport_closed || server->client_closed)
			break;
		buf = br_ssl_engine_sendrec_buf(engine, &len);
		if (buf) {
			iob = iob_alloc(len);
			ok(iob != NULL);
			if (!iob)
				break;
			memcpy(iob_put(iob, len), buf, len);
			br_ssl_engine_sendrec_ack(engine, len);
			xfer_deliver(&server->xfer, iob, NULL);
			progress = 1;
		} else if (server->ending == TLS_TEST_FIN &&
			   server->response_len &&
			   server->response_sent == server->response_len) {
			server->transport_closed = 1;
			xfer_close(&server->xfer, 0);
			progress = 1;
		}
	} while (progress);
}

/** The client's user: sends a request, collects the answer */
struct tls_test_user {
	/** Endpoint (the TLS connection's "plain" peer) */
	struct xfer xfer;
	/** The request was sent */
	int sent;
	/** Bytes received */
	size_t received;
	/** Received bytes that were not the expected pattern */
	size_t wrong;
	/** Window closed (flow-control test) */
	int blocked;
	/** Close after this many bytes (0: never) */
	size_t close_after;
	/** The connection closed */
	int closed;
	/** Reason */
	int rc;
	/** The window opened before the handshake ended (must not) */
	int early;
};

/**
 * Send the request once the connection can take it
 *
 * @v xfer		User's endpoint
 */
static void tls_test_user_window_changed(struct xfer *xfer)
{
	struct tls_test_user *user =
		container_of(xfer, struct tls_test_user, xfer);
	static const char request[] = "GET /file\n";

	if (user->sent || xfer_window(&user->xfer) < sizeof(request))
		return;
	user->sent = 1;
	ok(xfer_deliver_raw(&user->xfer, request, strlen(request)) == 0);
}

/**
 * Take data from the connection
 *
 * @v xfer		User's endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int tls_test_user_deliver(struct xfer *xfer, struct io_buffer *iob,
				 struct xfer_metadata *meta)
{
	struct tls_test_user *user =
		container_of(xfer, struct tls_test_user, xfer);
	const uint8_t *data = iob->data;
	size_t len = iob_len(iob);
	size_t i;

	ok(!user->blocked);
	for (i = 0; i < len; i++) {
		if (data[i] != tls_test_byte(user->received + i))
			user->wrong++;
	}
	user->received += len;
	iob_free(iob);
	if (user->close_after && user->received >= user->close_after &&
	    !user->closed) {
		user->closed = 1;
		xfer_close(&user->xfer, 0);
	}
	return 0;
}

/**
 * How much the user can take
 *
 * @v xfer		User's endpoint
 * @ret len		Bytes
 */
static size_t tls_test_user_window(struct xfer *xfer)
{
	struct tls_test_user *user =
		container_of(xfer, struct tls_test_user, xfer);

	return (user->blocked ? 0 : (64 * 1024));
}

/**
 * The connection closed
 *
 * @v xfer		User's endpoint
 * @v rc		Reason
 */
static void tls_test_user_close(struct xfer *xfer, int rc)
{
	struct tls_test_user *user =
		container_of(xfer, struct tls_test_user, xfer);

	user->closed = 1;
	user->rc = rc;
}

/** User endpoint operations */
static const struct xfer_operations tls_test_user_operations = {
	.deliver = tls_test_user_deliver,
	.window = tls_test_user_window,
	.window_changed = tls_test_user_window_changed,
	.close = tls_test_user_close,
};

/** The time the tests' clock gives, or 0 for no clock */
static uint64_t tls_test_now;

/**
 * The tests' clock
 *
 * @v unix_seconds	Time to fill in
 * @ret rc		Return status code
 */
static int tls_test_clock(uint64_t *unix_seconds)
{
	if (!tls_test_now)
		return -ENOTSUP;
	*unix_seconds = tls_test_now;
	return 0;
}

/** A connection scenario */
struct tls_test_case {
	/** Leaf certificate */
	const uint8_t *leaf;
	/** Its length */
	size_t leaf_len;
	/** Issuer sent after it, or NULL */
	const uint8_t *issuer;
	/** Its length */
	size_t issuer_len;
	/** Leaf's key */
	const uint8_t *key;
	/** Its length */
	size_t key_len;
	/** Host name the client asks for */
	const char *host;
	/** Time (0: no clock) */
	uint64_t now;
	/** Response length */
	size_t response_len;
	/** How the server ends */
	enum tls_test_ending ending;
	/** Client closes after this many bytes (0: never) */
	size_t close_after;
	/** Block the user's window for a while */
	int block;
	/** Only suite the server accepts (0: all it has) */
	uint16_t suite;
	/** Only version the server speaks (0: TLS 1.0 to 1.2) */
	unsigned int version;
	/** The server never answers */
	int silent;
};

/** The EC leaf, through the intermediate, for ferry.test at a valid time */
#define TLS_TEST_EC_CHAIN                                 \
	.leaf = tls_test_leaf_ec_cert,                    \
	.leaf_len = sizeof(tls_test_leaf_ec_cert),        \
	.issuer = tls_test_intermediate_cert,             \
	.issuer_len = sizeof(tls_test_intermediate_cert), \
	.key = tls_test_leaf_ec_key, .key_len = sizeof(tls_test_leaf_ec_key)

/**
 * Run a connection to its end
 *
 * @v test		Scenario
 * @v user		User to fill in
 * @v server_out	Server (for more checks; the caller frees it), or
 *			NULL to free it here
 * @ret rc		tls_open()'s status
 */
static int tls_test_run(const struct tls_test_case *test,
			struct tls_test_user *user,
			struct tls_test_server **server_out)
{
	int (*clock)(uint64_t * unix_seconds) = tls_clock;
	struct tls_test_server *server;
	unsigned int steps;
	int rc;

	memset(user, 0, sizeof(*user));
	xfer_init(&user->xfer, &tls_test_user_operations, NULL);
	user->close_after = test->close_after;
	user->blocked = test->block;
	server = tls_test_server_create(
		test->leaf, test->leaf_len, test->issuer, test->issuer_len,
		test->key, test->key_len, test->response_len, test->ending);
	ok(server != NULL);
	if (!server)
		return -ENOMEM;
	if (test->suite)
		br_ssl_engine_set_suites(&server->context.eng, &test->suite, 1);
	if (test->version) {
		br_ssl_engine_set_versions(&server->context.eng, test->version,
					   test->version);
	}
	if (test->suite || test->version)
		ok(br_ssl_server_reset(&server->context));
	tls_test_now = test->now;
	tls_clock = tls_test_clock;

	rc = tls_open(&user->xfer, test->host, &server->xfer);
	/* Nothing may be sent before the handshake is done */
	user->early = (xfer_window(&user->xfer) != 0);
	for (steps = 0; rc == 0 && !user->closed && steps < TLS_TEST_MAX_STEPS;
	     steps++) {
		if (test->silent)
			udelay(1000);
		else
			tls_test_server_run(server);
		step();
		/* Open the blocked window after a while */
		if (user->blocked && steps == 50) {
			ok(user->received == 0);
			user->blocked = 0;
			xfer_window_changed(&user->xfer);
		}
	}
	ok(steps < TLS_TEST_MAX_STEPS);
	/* Let the server see whatever the client sent last */
	tls_test_server_run(server);
	xfer_close(&user->xfer, -ECANCELED);
	xfer_close(&server->xfer, -ECANCELED);
	tls_clock = clock;
	if (server_out)
		*server_out = server;
	else
		heap_free(server);
	return rc;
}

/**
 * Test that a connection ended with an error
 *
 * @v user		User after the run
 * @v message		Expected message
 * @ret matches		The connection failed with that message
 */
static int tls_test_failed(const struct tls_test_user *user,
			   const char *message)
{
	return (user->closed && user->rc < 0 &&
		strcmp(error_string(user->rc), message) == 0 &&
		user->received == 0);
}

/** An EC chain through an intermediate, a name, close_notify */
UNIT_TEST(tls_connect_ec)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 100000 };
	struct tls_test_server *server;
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, &server) == 0);
	ok(!user.early);
	ok(user.sent);
	ok(user.closed && user.rc == 0);
	ok(user.received == 100000);
	ok(user.wrong == 0);
	ok(strcmp(server->request, "GET /file\n") == 0);
	/* Ferry answered the server's close_notify and closed cleanly */
	ok(server->client_closed && server->client_rc == 0);
	ok(br_ssl_engine_current_state(&server->context.eng) == BR_SSL_CLOSED);
	ok(br_ssl_engine_last_error(&server->context.eng) == BR_ERR_OK);
	heap_free(server);
}

/** An RSA leaf directly under the root, reached by IPv4 address */
UNIT_TEST(tls_connect_rsa_address)
{
	struct tls_test_case test = {
		.leaf = tls_test_leaf_rsa_cert,
		.leaf_len = sizeof(tls_test_leaf_rsa_cert),
		.key = tls_test_leaf_rsa_key,
		.key_len = sizeof(tls_test_leaf_rsa_key),
		.host = "192.0.2.1",
		.now = TLS_TEST_TIME_VALID,
		.response_len = 5000,
	};
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(user.closed && user.rc == 0);
	ok(user.received == 5000 && user.wrong == 0);
}

/** An IPv6 address in the certificate */
UNIT_TEST(tls_connect_ipv6_address)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "2001:db8::1",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 10 };
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(user.closed && user.rc == 0 && user.received == 10);
}

/** A name or an address the certificate does not carry */
UNIT_TEST(tls_refuse_wrong_name)
{
	static const char *hosts[] = { "wrong.test", "ferry.test.evil",
				       "192.0.2.99", "2001:db8::2" };
	struct tls_test_case test = { TLS_TEST_EC_CHAIN,
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 10 };
	struct tls_test_server *server;
	struct tls_test_user user;
	unsigned int i;

	for (i = 0; i < (sizeof(hosts) / sizeof(hosts[0])); i++) {
		test.host = hosts[i];
		ok(tls_test_run(&test, &user, &server) == 0);
		ok(tls_test_failed(
			&user,
			"TLS: host name does not match the certificate"));
		/* The server never saw a request */
		ok(server->request_len == 0);
		heap_free(server);
	}
}

/** A chain to a root that is not trusted */
UNIT_TEST(tls_refuse_untrusted)
{
	struct tls_test_case test = {
		.leaf = tls_test_leaf_other_cert,
		.leaf_len = sizeof(tls_test_leaf_other_cert),
		.issuer = tls_test_other_root_cert,
		.issuer_len = sizeof(tls_test_other_root_cert),
		.key = tls_test_leaf_other_key,
		.key_len = sizeof(tls_test_leaf_other_key),
		.host = "ferry.test",
		.now = TLS_TEST_TIME_VALID,
		.response_len = 10,
	};
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(&user, "TLS: certificate not trusted"));
}

/** A chain missing its intermediate cannot reach the root */
UNIT_TEST(tls_refuse_incomplete_chain)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 10 };
	struct tls_test_user user;

	test.issuer = NULL;
	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(&user, "TLS: certificate not trusted"));
}

/** Certificates outside their validity, and no clock at all */
UNIT_TEST(tls_refuse_dates)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .response_len = 10 };
	struct tls_test_user user;

	test.now = TLS_TEST_TIME_EXPIRED;
	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(&user, "TLS: certificate expired or not yet "
				  "valid (check the clock)"));
	test.now = TLS_TEST_TIME_EARLY;
	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(&user, "TLS: certificate expired or not yet "
				  "valid (check the clock)"));
	test.now = 0;
	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(
		&user,
		"TLS: no clock, so certificate dates cannot be checked"));
}

/** A 1024-bit RSA key */
UNIT_TEST(tls_refuse_weak_key)
{
	struct tls_test_case test = {
		.leaf = tls_test_leaf_weak_cert,
		.leaf_len = sizeof(tls_test_leaf_weak_cert),
		.key = tls_test_leaf_weak_key,
		.key_len = sizeof(tls_test_leaf_weak_key),
		.host = "ferry.test",
		.now = TLS_TEST_TIME_VALID,
		.response_len = 10,
	};
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(
		&user, "TLS: certificate key too weak (RSA under 2048 bits)"));
}

/** A server that stops without close_notify has cut the data short */
UNIT_TEST(tls_truncation)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 3000,
				      .ending = TLS_TEST_FIN };
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	/* The data before the cut arrives, then the error */
	ok(user.received == 3000 && user.wrong == 0);
	ok(user.closed && user.rc < 0);
	ok(strcmp(error_string(user.rc),
		  "TLS: server closed the connection without close_notify") ==
	   0);
}

/** The user's close sends close_notify before the transport closes */
UNIT_TEST(tls_user_close)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN,
				      .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 2000,
				      .ending = TLS_TEST_KEEP_OPEN,
				      .close_after = 2000 };
	struct tls_test_server *server;
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, &server) == 0);
	ok(user.received == 2000 && user.wrong == 0);
	ok(server->client_closed && server->client_rc == 0);
	/* The server engine read the close_notify (it is shutting down,
	 * without error) */
	ok(br_ssl_engine_last_error(&server->context.eng) == BR_ERR_OK);
	ok(!(br_ssl_engine_current_state(&server->context.eng) &
	     BR_SSL_SENDAPP));
	heap_free(server);
}

/** A user whose window is closed gets nothing until it opens */
UNIT_TEST(tls_flow_control)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 1000, .block = 1 };
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(user.closed && user.rc == 0);
	ok(user.received == 1000 && user.wrong == 0);
}

/** A bulk transfer: many full records, all in order */
UNIT_TEST(tls_bulk)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = (3 * 1024 * 1024 + 7) };
	struct tls_test_user user;

	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(user.closed && user.rc == 0);
	ok(user.received == test.response_len);
	ok(user.wrong == 0);
}

/** Host names that cannot be used are refused before connecting */
UNIT_TEST(tls_refuse_bad_host)
{
	struct tls_test_user user;
	struct xfer transport;
	char long_name[300];

	memset(&user, 0, sizeof(user));
	xfer_init(&user.xfer, &tls_test_user_operations, NULL);
	xfer_init(&transport, &tls_test_server_operations, NULL);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ok(tls_open(&user.xfer, "", &transport) != 0);
	ok(tls_open(&user.xfer, long_name, &transport) != 0);
	ok(tls_open(&user.xfer, "1:::2", &transport) != 0);
	ok(!xfer_is_plugged(&user.xfer) && !xfer_is_plugged(&transport));
}

/** Each AEAD suite Ferry offers works, with ECDSA and RSA keys */
UNIT_TEST(tls_suites)
{
	static const uint16_t ec_suites[] = {
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	};
	static const uint16_t rsa_suites[] = {
		BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	};
	struct tls_test_case ec = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				    .now = TLS_TEST_TIME_VALID,
				    .response_len = 40000 };
	struct tls_test_case rsa = {
		.leaf = tls_test_leaf_rsa_cert,
		.leaf_len = sizeof(tls_test_leaf_rsa_cert),
		.key = tls_test_leaf_rsa_key,
		.key_len = sizeof(tls_test_leaf_rsa_key),
		.host = "ferry.test",
		.now = TLS_TEST_TIME_VALID,
		.response_len = 40000,
	};
	struct tls_test_server *server;
	struct tls_test_user user;
	unsigned int i;

	for (i = 0; i < (sizeof(ec_suites) / sizeof(ec_suites[0])); i++) {
		ec.suite = ec_suites[i];
		ok(tls_test_run(&ec, &user, &server) == 0);
		ok(user.closed && user.rc == 0);
		ok(user.received == 40000 && user.wrong == 0);
		ok(server->context.eng.session.cipher_suite == ec_suites[i]);
		ok(server->context.eng.session.version == BR_TLS12);
		heap_free(server);
		rsa.suite = rsa_suites[i];
		ok(tls_test_run(&rsa, &user, &server) == 0);
		ok(user.closed && user.rc == 0);
		ok(user.received == 40000 && user.wrong == 0);
		ok(server->context.eng.session.cipher_suite == rsa_suites[i]);
		heap_free(server);
	}
}

/** A server without a suite or version in common refuses, clearly */
UNIT_TEST(tls_refuse_unsupported)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 10 };
	struct tls_test_user user;

	test.suite = BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256;
	ok(tls_test_run(&test, &user, NULL) == 0);
	ok(tls_test_failed(
		&user,
		"TLS: server refused the handshake (no common TLS 1.2 suite)"));
	test.suite = 0;
	test.version = BR_TLS11;
	ok(tls_test_run(&test, &user, NULL) == 0);
	/* BearSSL's server answers with an alert (a server that answers
	 * with TLS 1.1 gets "server does not offer TLS 1.2") */
	ok(tls_test_failed(
		&user,
		"TLS: server refused the handshake (no common TLS 1.2 suite)"));
}

/** A server that never answers the handshake */
UNIT_TEST(tls_handshake_timeout)
{
	struct tls_test_case test = { TLS_TEST_EC_CHAIN, .host = "ferry.test",
				      .now = TLS_TEST_TIME_VALID,
				      .response_len = 10, .silent = 1 };
	unsigned long timeout_ms = tls_handshake_timeout_ms;
	struct tls_test_server *server;
	struct tls_test_user user;

	tls_handshake_timeout_ms = 20;
	ok(tls_test_run(&test, &user, &server) == 0);
	tls_handshake_timeout_ms = timeout_ms;
	ok(tls_test_failed(&user, "TLS: handshake timed out"));
	/* The ClientHello went out, and the transport was closed */
	ok(server->rx_len > 0);
	ok(server->client_closed && server->client_rc < 0);
	heap_free(server);
}
