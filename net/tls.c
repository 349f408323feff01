/** @file
 *
 * TLS 1.2 client on BearSSL's engine
 *
 * The connection object embeds BearSSL's client context, its record
 * buffer (full duplex) and the certificate checker (net/tls_x509.c).
 * The engine never blocks and never calls out: tls_pump() moves bytes
 * between it and the two endpoints through its four buffers,
 *
 *     transport --(recvrec)--> engine --(recvapp)--> user
 *     transport <--(sendrec)-- engine <--(sendapp)-- user
 *
 * whenever something happens (records delivered by the transport, data
 * delivered by the user, a window opening, a timer), until nothing
 * moves.  What the engine cannot take yet waits in two queues: records
 * the transport delivered, and data the user delivered.  Each step
 * acknowledges what it took from the engine before passing it on, so
 * the engine is consistent whenever another endpoint is called (and
 * may call back: a nested tls_pump() only asks the running one to go
 * round again).
 *
 * Only TLS 1.2 is offered, with ECDHE key exchange (forward secrecy)
 * and AEAD ciphers: ChaCha20-Poly1305 first, as it is the fastest
 * without AES instructions (Ferry keeps vector registers off), then
 * AES-128-GCM and AES-256-GCM; ECDSA or RSA server keys.  The server's
 * name goes in SNI (RFC 6066); renegotiation is refused.
 *
 * Closing: the user's normal close sends close_notify and then closes
 * the transport without waiting for the server's answer (RFC 5246
 * section 7.2.1 allows it).  A transport that ends without the
 * server's close_notify is an error, so that a cut connection is never
 * taken for the end of the data; HTTP knows its body length and has
 * normally finished by then.
 */

#include <stddef.h>
#include <stdint.h>
#include <bearssl_ssl.h>
#include "net/tls.h"
#include "net/socket.h"
#include "net/resolv.h"
#include "crypto/trust.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/refcnt.h"
#include "core/process.h"
#include "core/timer.h"
#include "core/entropy.h"
#include "core/platform.h"
#include "core/errors.h"
#include "core/feature.h"

FEATURE("TLS");

/** Longest name sent in SNI and matched (RFC 6066: 255 bytes) */
#define TLS_SERVER_NAME_MAX_LEN  255
/** Longest wait from the first record sent to the end of the handshake */
#define TLS_HANDSHAKE_TIMEOUT_MS 15000
/** Most data the user may have queued for sending */
#define TLS_TX_WINDOW_BYTES      (16 * 1024)
/** Most records queued from the transport (what it is told it may send) */
#define TLS_RX_WINDOW_BYTES      (1024 * 1024)
/** Bytes of entropy given to the engine's generator */
#define TLS_SEED_LEN             32

/* Certificate checks */
#define EACCES_TLS_NO_ROOTS ERROR_CODE(ERRCLASS_EACCES, 1)
ERROR_MESSAGE(EACCES_TLS_NO_ROOTS,
	      "TLS: no trusted roots (build Ferry with TRUST=)");
#define EACCES_TLS_UNTRUSTED ERROR_CODE(ERRCLASS_EACCES, 2)
ERROR_MESSAGE(EACCES_TLS_UNTRUSTED, "TLS: certificate not trusted");
#define EACCES_TLS_EXPIRED ERROR_CODE(ERRCLASS_EACCES, 3)
ERROR_MESSAGE(EACCES_TLS_EXPIRED,
	      "TLS: certificate expired or not yet valid (check the clock)");
#define EACCES_TLS_NAME ERROR_CODE(ERRCLASS_EACCES, 4)
ERROR_MESSAGE(EACCES_TLS_NAME, "TLS: host name does not match the certificate");
#define EACCES_TLS_NOT_CA ERROR_CODE(ERRCLASS_EACCES, 5)
ERROR_MESSAGE(EACCES_TLS_NOT_CA,
	      "TLS: certificate issued by a certificate that is not a CA");
#define EACCES_TLS_KEY_USAGE ERROR_CODE(ERRCLASS_EACCES, 6)
ERROR_MESSAGE(EACCES_TLS_KEY_USAGE,
	      "TLS: certificate's key usage does not allow TLS servers");
#define EACCES_TLS_WEAK_KEY ERROR_CODE(ERRCLASS_EACCES, 7)
ERROR_MESSAGE(EACCES_TLS_WEAK_KEY,
	      "TLS: certificate key too weak (RSA under 2048 bits)");
#define EACCES_TLS_CRITICAL ERROR_CODE(ERRCLASS_EACCES, 8)
ERROR_MESSAGE(EACCES_TLS_CRITICAL,
	      "TLS: certificate has an unsupported critical extension");
#define EACCES_TLS_CERT_SIGNATURE ERROR_CODE(ERRCLASS_EACCES, 9)
ERROR_MESSAGE(EACCES_TLS_CERT_SIGNATURE,
	      "TLS: certificate signature is invalid");
#define EACCES_TLS_CHAIN ERROR_CODE(ERRCLASS_EACCES, 10)
ERROR_MESSAGE(EACCES_TLS_CHAIN,
	      "TLS: certificate chain is broken (issuer name mismatch)");
#define EACCES_TLS_NO_CERT ERROR_CODE(ERRCLASS_EACCES, 11)
ERROR_MESSAGE(EACCES_TLS_NO_CERT, "TLS: server sent no certificate");
#define EACCES_TLS_SIGNATURE ERROR_CODE(ERRCLASS_EACCES, 12)
ERROR_MESSAGE(EACCES_TLS_SIGNATURE,
	      "TLS: server's key exchange signature is invalid");
#define EACCES_TLS_NO_TIME ERROR_CODE(ERRCLASS_EACCES, 13)
ERROR_MESSAGE(EACCES_TLS_NO_TIME,
	      "TLS: no clock, so certificate dates cannot be checked");
/* What the server said or did */
#define ENOTSUP_TLS_VERSION ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_TLS_VERSION, "TLS: server does not offer TLS 1.2");
#define ENOTSUP_TLS_SUITE ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_TLS_SUITE,
	      "TLS: server chose a cipher suite Ferry did not offer");
#define ENOTSUP_TLS_ALGORITHM ERROR_CODE(ERRCLASS_ENOTSUP, 3)
ERROR_MESSAGE(ENOTSUP_TLS_ALGORITHM,
	      "TLS: certificate uses an unsupported algorithm or key");
#define ECONNREFUSED_TLS_HANDSHAKE ERROR_CODE(ERRCLASS_ECONNREFUSED, 1)
ERROR_MESSAGE(ECONNREFUSED_TLS_HANDSHAKE,
	      "TLS: server refused the handshake (no common TLS 1.2 suite)");
#define ECONNREFUSED_TLS_NAME ERROR_CODE(ERRCLASS_ECONNREFUSED, 2)
ERROR_MESSAGE(ECONNREFUSED_TLS_NAME,
	      "TLS: server does not know this host name (SNI)");
#define ECONNREFUSED_TLS_ALERT ERROR_CODE(ERRCLASS_ECONNREFUSED, 3)
ERROR_MESSAGE(ECONNREFUSED_TLS_ALERT, "TLS: server sent a fatal alert");
#define ECONNREFUSED_TLS_INTERNAL ERROR_CODE(ERRCLASS_ECONNREFUSED, 4)
ERROR_MESSAGE(ECONNREFUSED_TLS_INTERNAL,
	      "TLS: server reported an internal error");
#define EPROTO_TLS ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_TLS, "TLS: protocol error");
#define EPROTO_TLS_CERT ERROR_CODE(ERRCLASS_EPROTO, 2)
ERROR_MESSAGE(EPROTO_TLS_CERT, "TLS: server sent a malformed certificate");
#define EPROTO_TLS_MAC ERROR_CODE(ERRCLASS_EPROTO, 3)
ERROR_MESSAGE(EPROTO_TLS_MAC, "TLS: record failed its integrity check");
#define EPROTO_TLS_ALERT_SENT ERROR_CODE(ERRCLASS_EPROTO, 4)
ERROR_MESSAGE(EPROTO_TLS_ALERT_SENT,
	      "TLS: Ferry aborted the connection (fatal alert sent)");
#define EMSGSIZE_TLS ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_TLS,
	      "TLS: server's handshake or certificate is too large");
#define ECONNRESET_TLS_HANDSHAKE ERROR_CODE(ERRCLASS_ECONNRESET, 1)
ERROR_MESSAGE(ECONNRESET_TLS_HANDSHAKE,
	      "TLS: server closed the connection during the handshake");
#define ECONNRESET_TLS_TRUNCATED ERROR_CODE(ERRCLASS_ECONNRESET, 2)
ERROR_MESSAGE(ECONNRESET_TLS_TRUNCATED,
	      "TLS: server closed the connection without close_notify");
#define ETIMEDOUT_TLS ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_TLS, "TLS: handshake timed out");
#define EIO_TLS_RANDOM ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TLS_RANDOM, "TLS: no entropy for the random generator");
#define EINVAL_TLS_NAME ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_TLS_NAME, "TLS: server name missing or too long");

/* TLS alerts that get their own message (RFC 5246 section 7.2) */
#define TLS_ALERT_HANDSHAKE_FAILURE     40
#define TLS_ALERT_PROTOCOL_VERSION      70
#define TLS_ALERT_INSUFFICIENT_SECURITY 71
#define TLS_ALERT_INTERNAL_ERROR        80
#define TLS_ALERT_UNRECOGNIZED_NAME     112

/* Connection flags */
/** The handshake is complete: application data flows */
#define TLS_ESTABLISHED     0x0001
/** tls_pump() is running */
#define TLS_PUMPING         0x0002
/** Something happened while pumping: go round again */
#define TLS_REPUMP          0x0004
/** The transport ended normally (its close with 0) */
#define TLS_TRANSPORT_ENDED 0x0008
/** Both endpoints are closed */
#define TLS_FINISHED        0x0010
/** The handshake timer was started */
#define TLS_TIMER_STARTED   0x0020

/** A TLS connection */
struct tls_connection {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Endpoint toward the user: application data */
	struct xfer plain;
	/** Endpoint toward the transport: records */
	struct xfer cipher;
	/** Pumps again while received data waits for the user's window */
	struct process process;
	/** Handshake timer */
	struct timer timer;
	/** Records from the transport not yet taken by the engine */
	struct list_head rx_queue;
	/** Bytes in rx_queue */
	size_t rx_queued;
	/** Data from the user not yet taken by the engine */
	struct list_head tx_queue;
	/** Bytes in tx_queue */
	size_t tx_queued;
	/** Flags (TLS_...) */
	unsigned int flags;
	/** Why the connection finished (TLS_FINISHED) */
	int rc;
	/** Server name for SNI and the name check, or NULL for an address */
	char *server_name;
	/** BearSSL's client engine */
	br_ssl_client_context client;
	/** Certificate checker */
	struct tls_x509 x509;
	/** The engine's record buffer (both directions) */
	unsigned char buffer[BR_SSL_BUFSIZE_BIDI];
};

/** Longest wait for the handshake (TLS_HANDSHAKE_TIMEOUT_MS; the unit
 * tests shorten it) */
unsigned long tls_handshake_timeout_ms = TLS_HANDSHAKE_TIMEOUT_MS;

/** Where the time comes from (the unit tests replace it) */
int (*tls_clock)(uint64_t *unix_seconds) = platform_time;

/** Cipher suites offered, most preferred first */
static const uint16_t tls_suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

/**
 * Map a fatal alert received from the server to an error
 *
 * @v alert		Alert description
 * @ret rc		Return status code
 */
static int tls_alert_error(unsigned int alert)
{
	switch (alert) {
	case TLS_ALERT_HANDSHAKE_FAILURE:
	case TLS_ALERT_INSUFFICIENT_SECURITY:
		return -ECONNREFUSED_TLS_HANDSHAKE;
	case TLS_ALERT_PROTOCOL_VERSION:
		return -ENOTSUP_TLS_VERSION;
	case TLS_ALERT_UNRECOGNIZED_NAME:
		return -ECONNREFUSED_TLS_NAME;
	case TLS_ALERT_INTERNAL_ERROR:
		return -ECONNREFUSED_TLS_INTERNAL;
	default:
		return -ECONNREFUSED_TLS_ALERT;
	}
}

/**
 * Map a BearSSL error to a Ferry error
 *
 * This is the one place where BearSSL's error codes (engine and X.509)
 * become Ferry's; each gets the message a user needs to act on it.
 *
 * @v err		BearSSL error (br_ssl_engine_last_error()), not 0
 * @ret rc		Return status code
 */
int tls_error(unsigned int err)
{
	if (err >= BR_ERR_SEND_FATAL_ALERT)
		return -EPROTO_TLS_ALERT_SENT;
	if (err >= BR_ERR_RECV_FATAL_ALERT)
		return tls_alert_error(err - BR_ERR_RECV_FATAL_ALERT);
	switch (err) {
	/* The certificate chain */
	case BR_ERR_X509_NOT_TRUSTED:
		return -EACCES_TLS_UNTRUSTED;
	case BR_ERR_X509_EXPIRED:
		return -EACCES_TLS_EXPIRED;
	case BR_ERR_X509_BAD_SERVER_NAME:
		return -EACCES_TLS_NAME;
	case BR_ERR_X509_NOT_CA:
		return -EACCES_TLS_NOT_CA;
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
	case BR_ERR_WRONG_KEY_USAGE:
		return -EACCES_TLS_KEY_USAGE;
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return -EACCES_TLS_WEAK_KEY;
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return -EACCES_TLS_CRITICAL;
	case BR_ERR_X509_BAD_SIGNATURE:
		return -EACCES_TLS_CERT_SIGNATURE;
	case BR_ERR_X509_DN_MISMATCH:
		return -EACCES_TLS_CHAIN;
	case BR_ERR_X509_EMPTY_CHAIN:
		return -EACCES_TLS_NO_CERT;
	case BR_ERR_X509_TIME_UNKNOWN:
		return -EACCES_TLS_NO_TIME;
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WRONG_KEY_TYPE:
	case BR_ERR_INVALID_ALGORITHM:
		return -ENOTSUP_TLS_ALGORITHM;
	case BR_ERR_X509_LIMIT_EXCEEDED:
	case BR_ERR_LIMIT_EXCEEDED:
	case BR_ERR_TOO_LARGE:
		return -EMSGSIZE_TLS;
	case BR_ERR_X509_INVALID_VALUE:
	case BR_ERR_X509_TRUNCATED:
	case BR_ERR_X509_INNER_TRUNC:
	case BR_ERR_X509_BAD_TAG_CLASS:
	case BR_ERR_X509_BAD_TAG_VALUE:
	case BR_ERR_X509_INDEFINITE_LENGTH:
	case BR_ERR_X509_EXTRA_ELEMENT:
	case BR_ERR_X509_UNEXPECTED:
	case BR_ERR_X509_NOT_CONSTRUCTED:
	case BR_ERR_X509_NOT_PRIMITIVE:
	case BR_ERR_X509_PARTIAL_BYTE:
	case BR_ERR_X509_BAD_BOOLEAN:
	case BR_ERR_X509_OVERFLOW:
	case BR_ERR_X509_BAD_DN:
	case BR_ERR_X509_BAD_TIME:
		return -EPROTO_TLS_CERT;
	/* The handshake and the records */
	case BR_ERR_BAD_SIGNATURE:
		return -EACCES_TLS_SIGNATURE;
	case BR_ERR_UNSUPPORTED_VERSION:
		return -ENOTSUP_TLS_VERSION;
	case BR_ERR_BAD_CIPHER_SUITE:
		return -ENOTSUP_TLS_SUITE;
	case BR_ERR_BAD_MAC:
		return -EPROTO_TLS_MAC;
	case BR_ERR_NO_RANDOM:
		return -EIO_TLS_RANDOM;
	default:
		return -EPROTO_TLS;
	}
}

/**
 * Free a connection
 *
 * @v refcnt		Reference counter
 */
static void tls_free(struct refcnt *refcnt)
{
	struct tls_connection *tls =
		container_of(refcnt, struct tls_connection, refcnt);

	tls_x509_clear(&tls->x509);
	heap_free(tls->server_name);
	/* The engine holds keys: leave nothing behind */
	memset(&tls->client, 0, sizeof(tls->client));
	memset(tls->buffer, 0, sizeof(tls->buffer));
	heap_free(tls);
}

/**
 * Free the buffers in a queue
 *
 * @v queue		Queue
 */
static void tls_flush_queue(struct list_head *queue)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	list_for_each_entry_safe (iob, tmp, queue, list) {
		list_del(&iob->list);
		iob_free(iob);
	}
}

/**
 * Finish the connection: close both endpoints
 *
 * @v tls		Connection
 * @v rc		Reason (0 for a normal end)
 */
static void tls_finish(struct tls_connection *tls, int rc)
{
	if (tls->flags & TLS_FINISHED)
		return;
	/* Closing the endpoints may drop the last references */
	ref_get(&tls->refcnt);
	tls->flags |= TLS_FINISHED;
	tls->rc = rc;
	timer_stop(&tls->timer);
	process_del(&tls->process);
	tls_flush_queue(&tls->rx_queue);
	tls_flush_queue(&tls->tx_queue);
	tls->rx_queued = tls->tx_queued = 0;
	xfer_close(&tls->cipher, rc);
	xfer_close(&tls->plain, rc);
	ref_put(&tls->refcnt);
}

/**
 * Pass records the engine has ready to the transport
 *
 * @v tls		Connection
 * @ret progress	Something was passed
 */
static int tls_send_records(struct tls_connection *tls)
{
	br_ssl_engine_context *engine = &tls->client.eng;
	struct io_buffer *iob;
	unsigned char *buf;
	size_t window;
	size_t len;
	int rc;

	buf = br_ssl_engine_sendrec_buf(engine, &len);
	if (!buf)
		return 0;
	window = xfer_window(&tls->cipher);
	if (!window)
		return 0;
	if (len > window)
		len = window;
	iob = xfer_alloc_iob(&tls->cipher, len);
	if (!iob) {
		tls_finish(tls, -ENOMEM);
		return 0;
	}
	memcpy(iob_put(iob, len), buf, len);
	br_ssl_engine_sendrec_ack(engine, len);
	/* The handshake clock runs from the first record sent */
	if (!(tls->flags & (TLS_ESTABLISHED | TLS_TIMER_STARTED))) {
		tls->flags |= TLS_TIMER_STARTED;
		timer_start(&tls->timer, tls_handshake_timeout_ms);
	}
	rc = xfer_deliver(&tls->cipher, iob, NULL);
	if (rc != 0) {
		tls_finish(tls, rc);
		return 0;
	}
	return 1;
}

/**
 * Give queued records from the transport to the engine
 *
 * @v tls		Connection
 * @ret progress	Something was given
 */
static int tls_receive_records(struct tls_connection *tls)
{
	br_ssl_engine_context *engine = &tls->client.eng;
	struct io_buffer *iob;
	unsigned char *buf;
	size_t len;
	int progress = 0;

	while (!list_empty(&tls->rx_queue)) {
		buf = br_ssl_engine_recvrec_buf(engine, &len);
		if (!buf)
			break;
		iob = list_first_entry(&tls->rx_queue, struct io_buffer, list);
		if (len > iob_len(iob))
			len = iob_len(iob);
		memcpy(buf, iob->data, len);
		iob_pull(iob, len);
		tls->rx_queued -= len;
		if (!iob_len(iob)) {
			list_del(&iob->list);
			iob_free(iob);
		}
		br_ssl_engine_recvrec_ack(engine, len);
		progress = 1;
	}
	return progress;
}

/**
 * Pass application data the engine has decrypted to the user
 *
 * The user's window is respected; while it is closed, the data stays
 * in the engine (which then takes no more records) and the process
 * looks again at each step.
 *
 * @v tls		Connection
 * @ret progress	Something was passed
 */
static int tls_deliver_data(struct tls_connection *tls)
{
	br_ssl_engine_context *engine = &tls->client.eng;
	struct io_buffer *iob;
	unsigned char *buf;
	size_t window;
	size_t len;

	buf = br_ssl_engine_recvapp_buf(engine, &len);
	if (!buf)
		return 0;
	window = xfer_window(&tls->plain);
	if (!window) {
		if (xfer_is_plugged(&tls->plain))
			process_add(&tls->process);
		return 0;
	}
	if (len > window)
		len = window;
	iob = iob_alloc(len);
	if (!iob) {
		tls_finish(tls, -ENOMEM);
		return 0;
	}
	memcpy(iob_put(iob, len), buf, len);
	br_ssl_engine_recvapp_ack(engine, len);
	/* A failing user closes the connection itself if it wants to */
	xfer_deliver(&tls->plain, iob, NULL);
	return 1;
}

/**
 * Give queued data from the user to the engine
 *
 * @v tls		Connection
 * @ret progress	Something was given
 */
static int tls_take_data(struct tls_connection *tls)
{
	br_ssl_engine_context *engine = &tls->client.eng;
	struct io_buffer *iob;
	unsigned char *buf;
	size_t len;
	int progress = 0;

	while (!list_empty(&tls->tx_queue)) {
		buf = br_ssl_engine_sendapp_buf(engine, &len);
		if (!buf)
			break;
		iob = list_first_entry(&tls->tx_queue, struct io_buffer, list);
		if (len > iob_len(iob))
			len = iob_len(iob);
		memcpy(buf, iob->data, len);
		iob_pull(iob, len);
		tls->tx_queued -= len;
		if (!iob_len(iob)) {
			list_del(&iob->list);
			iob_free(iob);
		}
		br_ssl_engine_sendapp_ack(engine, len);
		progress = 1;
	}
	/* Everything the user gave goes out now, not when a record fills */
	if (progress && list_empty(&tls->tx_queue))
		br_ssl_engine_flush(engine, 0);
	if (progress)
		xfer_window_changed(&tls->plain);
	return progress;
}

/**
 * Move bytes once in each direction, and notice state changes
 *
 * @v tls		Connection
 * @ret progress	Something moved or changed
 */
static int tls_pump_once(struct tls_connection *tls)
{
	br_ssl_engine_context *engine = &tls->client.eng;
	unsigned int state = br_ssl_engine_current_state(engine);
	unsigned int err;
	int progress = 0;

	if (state & BR_SSL_CLOSED) {
		err = br_ssl_engine_last_error(engine);
		tls_finish(tls, (err ? tls_error(err) : 0));
		return 0;
	}
	progress |= tls_send_records(tls);
	if (tls->flags & TLS_FINISHED)
		return 0;
	progress |= tls_receive_records(tls);
	progress |= tls_deliver_data(tls);
	if (tls->flags & TLS_FINISHED)
		return 0;
	if ((br_ssl_engine_current_state(engine) & BR_SSL_SENDAPP) &&
	    !(tls->flags & TLS_ESTABLISHED)) {
		/* Handshake done and certificate accepted: open the window */
		tls->flags |= TLS_ESTABLISHED;
		timer_stop(&tls->timer);
		xfer_window_changed(&tls->plain);
		progress = 1;
	}
	if (tls->flags & TLS_FINISHED)
		return 0;
	progress |= tls_take_data(tls);
	return progress;
}

/**
 * Check whether a transport that ended has left anything to do
 *
 * When the transport ends, what it delivered before is still worked
 * through (and passed to the user as its window allows); after that, a
 * server that did not send close_notify has cut the connection.
 *
 * @v tls		Connection
 */
static void tls_check_ended(struct tls_connection *tls)
{
	br_ssl_engine_context *engine = &tls->client.eng;
	size_t len;

	if (!(tls->flags & TLS_TRANSPORT_ENDED) || (tls->flags & TLS_FINISHED))
		return;
	if (!list_empty(&tls->rx_queue) ||
	    br_ssl_engine_recvapp_buf(engine, &len))
		return;
	tls_finish(tls, ((tls->flags & TLS_ESTABLISHED)
				 ? -ECONNRESET_TLS_TRUNCATED
				 : -ECONNRESET_TLS_HANDSHAKE));
}

/**
 * Move bytes until nothing moves
 *
 * Safe to call from any callback: a call made while pumping only makes
 * the running pump go round again.
 *
 * @v tls		Connection
 */
static void tls_pump(struct tls_connection *tls)
{
	if (tls->flags & TLS_PUMPING) {
		tls->flags |= TLS_REPUMP;
		return;
	}
	ref_get(&tls->refcnt);
	tls->flags |= TLS_PUMPING;
	do {
		tls->flags &= ~TLS_REPUMP;
		while (!(tls->flags & TLS_FINISHED) && tls_pump_once(tls))
			;
	} while ((tls->flags & TLS_REPUMP) && !(tls->flags & TLS_FINISHED));
	tls->flags &= ~TLS_PUMPING;
	tls_check_ended(tls);
	ref_put(&tls->refcnt);
}

/**
 * Pump again at each step while data waits for the user's window
 *
 * @v process		Process
 */
static void tls_step(struct process *process)
{
	struct tls_connection *tls =
		container_of(process, struct tls_connection, process);
	size_t len;

	ref_get(&tls->refcnt);
	tls_pump(tls);
	if ((tls->flags & TLS_FINISHED) ||
	    !br_ssl_engine_recvapp_buf(&tls->client.eng, &len) ||
	    !xfer_is_plugged(&tls->plain))
		process_del(&tls->process);
	ref_put(&tls->refcnt);
}

/**
 * The handshake took too long
 *
 * @v timer		Handshake timer
 */
static void tls_expired(struct timer *timer)
{
	struct tls_connection *tls =
		container_of(timer, struct tls_connection, timer);

	tls_finish(tls, -ETIMEDOUT_TLS);
}

/**
 * Take data from the user to send
 *
 * @v xfer		User's endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata (unused)
 * @ret rc		Return status code
 */
static int tls_plain_deliver(struct xfer *xfer, struct io_buffer *iob,
			     struct xfer_metadata *meta)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, plain);

	if (tls->flags & TLS_FINISHED) {
		iob_free(iob);
		return -ENOTCONN;
	}
	if (!iob_len(iob)) {
		iob_free(iob);
		return 0;
	}
	tls->tx_queued += iob_len(iob);
	list_add_tail(&iob->list, &tls->tx_queue);
	tls_pump(tls);
	return 0;
}

/**
 * How much the user may send now: nothing before the handshake is done
 *
 * @v xfer		User's endpoint
 * @ret len		Bytes
 */
static size_t tls_plain_window(struct xfer *xfer)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, plain);

	if (!(tls->flags & TLS_ESTABLISHED) || (tls->flags & TLS_FINISHED) ||
	    tls->tx_queued >= TLS_TX_WINDOW_BYTES)
		return 0;
	return (TLS_TX_WINDOW_BYTES - tls->tx_queued);
}

/**
 * The user can take more
 *
 * @v xfer		User's endpoint
 */
static void tls_plain_window_changed(struct xfer *xfer)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, plain);

	tls_pump(tls);
	xfer_window_changed(&tls->cipher);
}

/**
 * The user closed the connection
 *
 * @v xfer		User's endpoint (already unplugged)
 * @v rc		Reason
 */
static void tls_plain_close(struct xfer *xfer, int rc)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, plain);

	ref_get(&tls->refcnt);
	if (rc == 0 && (tls->flags & TLS_ESTABLISHED) &&
	    !(tls->flags & TLS_FINISHED)) {
		/* Say goodbye: what the user sent, then close_notify, go
		 * out before the FIN.  This may run inside tls_pump() (the
		 * user closing as it receives), so the records are sent
		 * here rather than by a nested pump.
		 */
		tls_take_data(tls);
		br_ssl_engine_close(&tls->client.eng);
		while (!(tls->flags & TLS_FINISHED) && tls_send_records(tls))
			;
	}
	tls_finish(tls, rc);
	ref_put(&tls->refcnt);
}

/**
 * Take records from the transport
 *
 * @v xfer		Transport's endpoint
 * @v iob		Records (owned by this call from now on)
 * @v meta		Metadata (unused)
 * @ret rc		Return status code
 */
static int tls_cipher_deliver(struct xfer *xfer, struct io_buffer *iob,
			      struct xfer_metadata *meta)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, cipher);

	if (tls->flags & TLS_FINISHED) {
		iob_free(iob);
		return -ENOTCONN;
	}
	if (!iob_len(iob)) {
		iob_free(iob);
		return 0;
	}
	tls->rx_queued += iob_len(iob);
	list_add_tail(&iob->list, &tls->rx_queue);
	tls_pump(tls);
	return 0;
}

/**
 * How much the transport may deliver: what the user can take, once
 * data flows, within what is queued
 *
 * @v xfer		Transport's endpoint
 * @ret len		Bytes
 */
static size_t tls_cipher_window(struct xfer *xfer)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, cipher);

	if ((tls->flags & TLS_FINISHED) ||
	    tls->rx_queued >= TLS_RX_WINDOW_BYTES)
		return 0;
	if ((tls->flags & TLS_ESTABLISHED) && !xfer_window(&tls->plain))
		return 0;
	return (TLS_RX_WINDOW_BYTES - tls->rx_queued);
}

/**
 * The transport can take more (or has just connected)
 *
 * @v xfer		Transport's endpoint
 */
static void tls_cipher_window_changed(struct xfer *xfer)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, cipher);

	tls_pump(tls);
}

/**
 * The transport closed
 *
 * @v xfer		Transport's endpoint (already unplugged)
 * @v rc		Reason
 */
static void tls_cipher_close(struct xfer *xfer, int rc)
{
	struct tls_connection *tls =
		container_of(xfer, struct tls_connection, cipher);

	if (rc != 0) {
		tls_finish(tls, rc);
		return;
	}
	tls->flags |= TLS_TRANSPORT_ENDED;
	tls_pump(tls);
}

/** User endpoint operations */
static const struct xfer_operations tls_plain_operations = {
	.deliver = tls_plain_deliver,
	.window = tls_plain_window,
	.window_changed = tls_plain_window_changed,
	.close = tls_plain_close,
};

/** Transport endpoint operations */
static const struct xfer_operations tls_cipher_operations = {
	.deliver = tls_cipher_deliver,
	.window = tls_cipher_window,
	.window_changed = tls_cipher_window_changed,
	.close = tls_cipher_close,
};

/**
 * Set up BearSSL's client engine: versions, suites and algorithms
 *
 * @v tls		Connection
 */
static void tls_configure(struct tls_connection *tls)
{
	br_ssl_client_context *client = &tls->client;
	br_ssl_engine_context *engine = &client->eng;

	br_ssl_client_zero(client);
	br_ssl_engine_set_versions(engine, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(engine, tls_suites,
				 (sizeof(tls_suites) / sizeof(tls_suites[0])));
	br_ssl_engine_add_flags(engine, BR_OPT_NO_RENEGOTIATION);
	/* Handshake hashes and signature hashes offered */
	br_ssl_engine_set_hash(engine, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(engine, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(engine, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(engine, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(engine, &br_tls12_sha384_prf);
	/* Key exchange (ECDHE) and server signatures (ECDSA, RSA) */
	br_ssl_engine_set_default_ec(engine);
	br_ssl_engine_set_default_ecdsa(engine);
	br_ssl_engine_set_default_rsavrfy(engine);
	/* Record protection */
	br_ssl_engine_set_default_chapol(engine);
	br_ssl_engine_set_default_aes_gcm(engine);
	br_ssl_engine_set_x509(engine, &tls->x509.vtable);
	br_ssl_engine_set_buffer(engine, tls->buffer, sizeof(tls->buffer), 1);
}

/**
 * Make a connection (not plugged into anything yet)
 *
 * @v server_name	Server's host name or IP address, as in the URI
 * @v tls_out		Connection to fill in (the caller's reference)
 * @ret rc		Return status code
 */
static int tls_create(const char *server_name, struct tls_connection **tls_out)
{
	const br_x509_trust_anchor *anchors = table_start(TRUST_ANCHORS);
	size_t num_anchors = table_num_entries(TRUST_ANCHORS);
	uint8_t seed[TLS_SEED_LEN];
	struct tls_connection *tls;
	uint8_t address[16];
	size_t address_len;
	uint64_t now;
	int have_time;
	int rc;

	if (!num_anchors)
		return -EACCES_TLS_NO_ROOTS;
	if (!server_name || !server_name[0] ||
	    strlen(server_name) > TLS_SERVER_NAME_MAX_LEN)
		return -EINVAL_TLS_NAME;
	rc = tls_parse_address(server_name, address, &address_len);
	if (rc != 0)
		return rc;

	tls = heap_zalloc(sizeof(*tls));
	if (!tls)
		return -ENOMEM;
	ref_init(&tls->refcnt, tls_free);
	xfer_init(&tls->plain, &tls_plain_operations, &tls->refcnt);
	xfer_init(&tls->cipher, &tls_cipher_operations, &tls->refcnt);
	process_init(&tls->process, "tls", tls_step);
	timer_init(&tls->timer, tls_expired);
	INIT_LIST_HEAD(&tls->rx_queue);
	INIT_LIST_HEAD(&tls->tx_queue);
	/* An address is neither sent in SNI nor matched as a name */
	if (!address_len) {
		tls->server_name = strdup(server_name);
		if (!tls->server_name) {
			rc = -ENOMEM;
			goto err;
		}
	}

	have_time = (tls_clock(&now) == 0);
	tls_x509_init(&tls->x509, anchors, num_anchors, address, address_len,
		      (have_time ? &now : NULL));
	tls_configure(tls);
	rc = entropy_seed(seed, sizeof(seed));
	if (rc != 0)
		goto err;
	br_ssl_engine_inject_entropy(&tls->client.eng, seed, sizeof(seed));
	memset(seed, 0, sizeof(seed));
	if (!br_ssl_client_reset(&tls->client, tls->server_name, 0)) {
		rc = tls_error(br_ssl_engine_last_error(&tls->client.eng));
		goto err;
	}
	*tls_out = tls;
	return 0;

err:
	ref_put(&tls->refcnt);
	return rc;
}

/**
 * Open a TLS connection over an existing transport endpoint
 *
 * The handshake starts as soon as the transport's window opens.
 *
 * @v parent		User's endpoint to plug the connection into
 * @v server_name	Server's host name or IP address (checked against
 *			the certificate; a name is also sent in SNI)
 * @v transport		Transport's endpoint to plug the connection into
 * @ret rc		Return status code
 */
int tls_open(struct xfer *parent, const char *server_name,
	     struct xfer *transport)
{
	struct tls_connection *tls;
	int rc;

	rc = tls_create(server_name, &tls);
	if (rc != 0)
		return rc;
	xfer_plug(&tls->cipher, transport);
	xfer_plug(&tls->plain, parent);
	tls_pump(tls);
	ref_put(&tls->refcnt);
	return 0;
}

/**
 * Open a TLS connection over a new TCP connection
 *
 * @v parent		User's endpoint to plug the connection into
 * @v host		Server's host name or IP address
 * @v port		Server's port
 * @ret rc		Return status code
 */
int tls_open_socket(struct xfer *parent, const char *host, unsigned int port)
{
	struct tls_connection *tls;
	int rc;

	rc = tls_create(host, &tls);
	if (rc != 0)
		return rc;
	rc = xfer_open_named_socket(&tls->cipher, SOCK_STREAM, host, port,
				    NULL);
	if (rc != 0)
		goto err;
	/* A socket that failed at once has finished the connection */
	if (tls->flags & TLS_FINISHED) {
		rc = (tls->rc ? tls->rc : -ECONNRESET_TLS_HANDSHAKE);
		goto err;
	}
	xfer_plug(&tls->plain, parent);
	tls_pump(tls);
	ref_put(&tls->refcnt);
	return 0;

err:
	tls_finish(tls, rc);
	ref_put(&tls->refcnt);
	return rc;
}
