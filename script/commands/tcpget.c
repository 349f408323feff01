/** @file
 *
 * "tcpget [--quiet] [--send BYTES] IP PORT [REQUEST...]": a TCP
 * diagnostic
 *
 * Connects to IP:PORT, sends the request words (joined by spaces and
 * followed by an empty line, as an HTTP/1.0 request wants) if there are
 * any, then --send's number of bytes of a test pattern (byte i of it is
 * (i * 7 + i / 256) mod 256, with i counted modulo 65536), then counts
 * the bytes that come back and their CRC-32 until the peer closes, and
 * prints them with the time taken and TCP's counters.  Ctrl-C stops it.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/getopt.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/process.h"
#include "core/refcnt.h"
#include "core/string.h"
#include "core/wait.h"
#include "core/xfer.h"
#include "core/compiler.h"
#include "net/ipv4.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "core/endian.h"

/** Longest request */
#define TCPGET_REQUEST_MAX_LEN      1024
/** Largest buffer of pattern data delivered at once */
#define TCPGET_SEND_CHUNK_BYTES     16384
/** Length after which the test pattern repeats */
#define TCPGET_PATTERN_PERIOD_BYTES 65536

/** Bad address or port */
#define EINVAL_ADDRESS ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_ADDRESS, "Invalid IPv4 address or port");
/** Request too long */
#define E2BIG_REQUEST ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_REQUEST, "Request too long");
/** Bad --send size */
#define EINVAL_SIZE ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_SIZE, "Invalid number of bytes to send");

/** Usage */
#define TCPGET_USAGE "tcpget [--quiet] [--send BYTES] IP PORT [REQUEST...]"

/** A transfer in progress */
struct tcpget_session {
	/** Reference counter (first: freed with heap_free()) */
	struct refcnt refcnt;
	/** The connection */
	struct xfer socket;
	/** Request to send, or empty */
	char request[TCPGET_REQUEST_MAX_LEN];
	/** Length of the request */
	size_t request_len;
	/** Request sent */
	int sent;
	/** Pattern bytes still to send */
	uint64_t send_left;
	/** Pattern bytes sent */
	uint64_t send_done;
	/** Bytes received */
	uint64_t bytes;
	/** CRC-32 of the bytes so far (pre- and post-inverted) */
	uint32_t crc;
	/** The connection closed */
	int done;
	/** Why it closed */
	int rc;
};

/** CRC-32 (IEEE 802.3, reflected) tables for eight bytes at a time:
 * table[k][b] is the CRC of byte b followed by k zero bytes
 */
static uint32_t tcpget_crc_table[8][256];

/**
 * Fill the CRC-32 tables (once)
 */
static void tcpget_crc_init(void)
{
	uint32_t value;
	unsigned int i;
	unsigned int k;
	unsigned int bit;

	if (tcpget_crc_table[0][1])
		return;
	for (i = 0; i < 256; i++) {
		value = i;
		for (bit = 0; bit < 8; bit++)
			value = ((value >> 1) ^
				 ((value & 1) ? 0xedb88320U : 0));
		tcpget_crc_table[0][i] = value;
	}
	for (k = 1; k < 8; k++) {
		for (i = 0; i < 256; i++) {
			value = tcpget_crc_table[k - 1][i];
			tcpget_crc_table[k][i] =
				((value >> 8) ^
				 tcpget_crc_table[0][value & 0xff]);
		}
	}
}

/**
 * Continue a CRC-32
 *
 * @v crc		CRC so far (inverted)
 * @v data		Data
 * @v len		Length
 * @ret crc		CRC (inverted)
 */
static uint32_t tcpget_crc(uint32_t crc, const uint8_t *data, size_t len)
{
	uint32_t low;
	uint32_t high;

	/* Eight bytes a step (little-endian loads, as Ferry's platforms) */
	while (len >= 8) {
		memcpy(&low, data, sizeof(low));
		memcpy(&high, (data + 4), sizeof(high));
		low ^= crc;
		crc = (tcpget_crc_table[7][low & 0xff] ^
		       tcpget_crc_table[6][(low >> 8) & 0xff] ^
		       tcpget_crc_table[5][(low >> 16) & 0xff] ^
		       tcpget_crc_table[4][low >> 24] ^
		       tcpget_crc_table[3][high & 0xff] ^
		       tcpget_crc_table[2][(high >> 8) & 0xff] ^
		       tcpget_crc_table[1][(high >> 16) & 0xff] ^
		       tcpget_crc_table[0][high >> 24]);
		data += 8;
		len -= 8;
	}
	while (len--)
		crc = ((crc >> 8) ^
		       tcpget_crc_table[0][(crc ^ *data++) & 0xff]);
	return crc;
}

/**
 * Count received data
 *
 * @v xfer		Endpoint
 * @v iob		Data (owned by this call)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int tcpget_deliver(struct xfer *xfer, struct io_buffer *iob,
			  struct xfer_metadata *meta)
{
	struct tcpget_session *session =
		container_of(xfer, struct tcpget_session, socket);

	session->bytes += iob_len(iob);
	session->crc = tcpget_crc(session->crc, iob->data, iob_len(iob));
	iob_free(iob);
	return 0;
}

/**
 * Send the request, then the pattern, as the connection can take them
 *
 * @v xfer		Endpoint
 */
static void tcpget_window_changed(struct xfer *xfer)
{
	struct tcpget_session *session =
		container_of(xfer, struct tcpget_session, socket);
	struct io_buffer *iob;
	uint8_t *data;
	size_t len;
	size_t i;
	uint32_t pos;
	int rc;

	if (!session->sent) {
		if (xfer_window(xfer) < session->request_len)
			return;
		session->sent = 1;
		if (session->request_len) {
			rc = xfer_deliver_raw(xfer, session->request,
					      session->request_len);
			if (rc != 0)
				goto err;
		}
	}
	/* The pattern, as fast as the window lets it go */
	while (session->send_left && xfer_is_plugged(xfer)) {
		len = min((size_t)TCPGET_SEND_CHUNK_BYTES, xfer_window(xfer));
		len = min((uint64_t)len, session->send_left);
		if (!len)
			return;
		iob = xfer_alloc_iob(xfer, len);
		if (!iob) {
			rc = -ENOMEM;
			goto err;
		}
		data = iob_put(iob, len);
		for (i = 0; i < len; i++) {
			pos = ((session->send_done + i) %
			       TCPGET_PATTERN_PERIOD_BYTES);
			data[i] = ((pos * 7 + (pos >> 8)) & 0xff);
		}
		session->send_left -= len;
		session->send_done += len;
		rc = xfer_deliver(xfer, iob, NULL);
		if (rc != 0)
			goto err;
	}
	return;

err:
	xfer_close(xfer, rc);
}

/**
 * The connection closed
 *
 * @v xfer		Endpoint (already unplugged)
 * @v rc		Reason
 */
static void tcpget_close(struct xfer *xfer, int rc)
{
	struct tcpget_session *session =
		container_of(xfer, struct tcpget_session, socket);

	session->done = 1;
	session->rc = rc;
}

/** What a tcpget session does */
static const struct xfer_operations tcpget_operations = {
	.deliver = tcpget_deliver,
	.window_changed = tcpget_window_changed,
	.close = tcpget_close,
};

/**
 * Join the request words: "w1 w2 ...\r\n\r\n"
 *
 * @v session		Session
 * @v argc		Number of words
 * @v argv		Words
 * @ret rc		Return status code
 */
static int tcpget_build_request(struct tcpget_session *session, int argc,
				char **argv)
{
	size_t len = 0;
	int i;

	if (!argc)
		return 0;
	for (i = 0; i < argc; i++) {
		len += snprintf(&session->request[len],
				(sizeof(session->request) - len), "%s%s",
				(i ? " " : ""), argv[i]);
		if (len >= sizeof(session->request))
			return -E2BIG_REQUEST;
	}
	len += snprintf(&session->request[len],
			(sizeof(session->request) - len), "\r\n\r\n");
	if (len >= sizeof(session->request))
		return -E2BIG_REQUEST;
	session->request_len = len;
	return 0;
}

/**
 * Run "tcpget"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int tcpget_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "send", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpget_session *session;
	struct sockaddr_in sin;
	unsigned long port;
	uint64_t send_bytes = 0;
	uint64_t start;
	uint64_t elapsed_ms;
	uint64_t last_bytes;
	int quiet = 0;
	int option;
	char *end;
	int rc;

	getopt_reset();
	while ((option = getopt_long(argc, argv, "qs:", options, NULL)) != -1) {
		switch (option) {
		case 'q':
			quiet = 1;
			break;
		case 's':
			send_bytes = strtoull(optarg, &end, 10);
			if (!optarg[0] || *end || optarg[0] == '-') {
				error_print(-EINVAL_SIZE, optarg);
				return -EINVAL_SIZE;
			}
			break;
		default:
			printf("usage: %s\n", TCPGET_USAGE);
			return -EINVAL;
		}
	}
	if ((argc - optind) < 2) {
		printf("usage: %s\n", TCPGET_USAGE);
		return -EINVAL;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	port = strtoul(argv[optind + 1], &end, 10);
	if (inet_aton(argv[optind], &sin.sin_addr) == 0 ||
	    !argv[optind + 1][0] || *end || port == 0 || port > 65535) {
		error_print(-EINVAL_ADDRESS, argv[optind]);
		return -EINVAL_ADDRESS;
	}
	sin.sin_port = htons(port);

	session = heap_zalloc(sizeof(*session));
	if (!session)
		return -ENOMEM;
	ref_init(&session->refcnt, NULL);
	xfer_init(&session->socket, &tcpget_operations, &session->refcnt);
	tcpget_crc_init();
	session->crc = 0xffffffffU;
	session->send_left = send_bytes;
	rc = tcpget_build_request(session, (argc - optind - 2),
				  &argv[optind + 2]);
	if (rc != 0)
		goto err_request;

	start = clock_ms();
	rc = xfer_open_socket(&session->socket, SOCK_STREAM,
			      (struct sockaddr *)&sin, NULL);
	if (rc != 0)
		goto err_open;
	while (!session->done) {
		rc = wait_check_cancel();
		if (rc != 0) {
			xfer_close(&session->socket, rc);
			session->rc = rc;
			break;
		}
		last_bytes = session->bytes;
		step();
		/* Sleep only when nothing came: idling costs throughput */
		if (session->bytes == last_bytes)
			platform_idle();
	}
	elapsed_ms = (clock_ms() - start);
	rc = session->rc;
	if (send_bytes) {
		printf("tcpget: sent %llu of %llu bytes\n",
		       (unsigned long long)session->send_done,
		       (unsigned long long)send_bytes);
	}
	printf("tcpget: %llu bytes in %llu ms (%llu kB/s), crc32 %08x\n",
	       (unsigned long long)session->bytes,
	       (unsigned long long)elapsed_ms,
	       (unsigned long long)(session->bytes /
				    (elapsed_ms ? elapsed_ms : 1)),
	       (unsigned int)~session->crc);
	if (!quiet) {
		printf("tcpget: segments in %lu (malformed %lu, out of order "
		       "%lu,"
		       " duplicate %lu, queue drops %lu), out %lu (timeout "
		       "resends %lu, fast resends %lu, resets %lu)\n",
		       tcp_stats.rx_segments, tcp_stats.rx_malformed,
		       tcp_stats.rx_out_of_order, tcp_stats.rx_duplicates,
		       tcp_stats.rx_queue_drops, tcp_stats.tx_segments,
		       tcp_stats.tx_timeout_retransmits,
		       tcp_stats.tx_fast_retransmits, tcp_stats.tx_resets);
	}
	if (rc != 0)
		error_print(rc, argv[optind]);
err_open:
err_request:
	xfer_close(&session->socket, rc);
	ref_put(&session->refcnt);
	return rc;
}

/** The "tcpget" command */
struct command tcpget_command __command = {
	.name = "tcpget",
	.usage = TCPGET_USAGE,
	.exec = tcpget_exec,
};
