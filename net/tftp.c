/** @file
 *
 * TFTP client: RFC 1350, with the blksize, timeout and tsize options
 * (RFC 2347, 2348, 2349) and windowsize (RFC 7440)
 *
 * Ferry asks for large blocks and a window of several blocks, so that
 * a fast server sends a whole window before waiting for one ACK; this
 * is where most of TFTP's speed comes from.  A server that ignores the
 * options simply answers with 512-byte blocks one at a time; one that
 * rejects them (error 8) is asked again without them.
 *
 * Blocks are counted past 65535 (the 16-bit block number wraps), so
 * files larger than 65535 blocks download when the server wraps too.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/errors.h"
#include "core/endian.h"
#include "core/timer.h"
#include "core/printf.h"
#include "core/feature.h"
#include "core/settings.h"
#include "net/uri.h"
#include "net/socket.h"
#include "net/ipv4.h"
#include "net/resolv.h"

FEATURE("TFTP");

/** The TFTP port */
#define TFTP_PORT 69
/** Block size asked for: fits a 1500-byte MTU with IPv4 and UDP headers */
#define TFTP_BLKSIZE 1468
/** Block size without the option */
#define TFTP_DEFAULT_BLKSIZE 512
/** Largest block size accepted (RFC 2348) */
#define TFTP_MAX_BLKSIZE 65464
/** Window asked for, in blocks, unless ${tftp-windowsize} says otherwise;
 * also the most blocks Ferry keeps ahead of a gap */
#define TFTP_WINDOWSIZE 256
/** Server retransmission timeout asked for, in seconds */
#define TFTP_SERVER_TIMEOUT_S 1
/** First wait before retransmitting */
#define TFTP_TIMEOUT_MS 1000
/** Longest wait before retransmitting */
#define TFTP_MAX_TIMEOUT_MS 8000
/** Retransmissions before giving up (about 40 s in all) */
#define TFTP_MAX_RETRIES 7
/** How long a gap in a window may stay open before asking for a resend:
 * blocks that were merely reordered arrive well within it */
#define TFTP_GAP_WAIT_MS 200

/* Opcodes */
#define TFTP_RRQ 1
#define TFTP_DATA 3
#define TFTP_ACK 4
#define TFTP_ERROR 5
#define TFTP_OACK 6

/* Error codes from the server */
#define TFTP_ERR_FILE_NOT_FOUND 1
#define TFTP_ERR_ACCESS_DENIED 2
#define TFTP_ERR_DISK_FULL 3
#define TFTP_ERR_ILLEGAL_OP 4
#define TFTP_ERR_UNKNOWN_TID 5
#define TFTP_ERR_OPTIONS 8

#define ENOENT_TFTP ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_TFTP, "TFTP server: file not found");
#define EACCES_TFTP ERROR_CODE(ERRCLASS_EACCES, 1)
ERROR_MESSAGE(EACCES_TFTP, "TFTP server: access denied");
#define EIO_TFTP ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TFTP, "TFTP server reported an error");
#define EPROTO_OPTIONS ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_OPTIONS, "TFTP server sent invalid options");
#define EPROTO_PACKET ERROR_CODE(ERRCLASS_EPROTO, 2)
ERROR_MESSAGE(EPROTO_PACKET, "TFTP server sent an invalid packet");
#define ETIMEDOUT_TFTP ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_TFTP, "TFTP server stopped answering");
#define EINVAL_TFTP_URI ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_TFTP_URI, "TFTP URI needs a server and a file");

/** A TFTP download */
struct tftp_request {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Endpoint toward whoever reads the file */
	struct xfer xfer;
	/** Endpoint toward the UDP socket */
	struct xfer socket;
	/** Retransmission timer */
	struct timer timer;
	/** URI */
	struct uri *uri;
	/** Server address (port becomes the server's transfer ID); known
	 * from the first answer when the URI names the server */
	struct sockaddr_in server;
	/** The server's transfer ID is known */
	int tid_known;
	/** Options are being asked for */
	int use_options;
	/** The server acknowledged options */
	int oack_received;
	/** Block size in use */
	unsigned int blksize;
	/** Window in use, in blocks */
	unsigned int windowsize;
	/** Window asked for, in blocks */
	unsigned int windowsize_asked;
	/** Blocks received in order (the last one's number, unwrapped) */
	uint64_t blocks;
	/** Blocks received since the last ACK */
	unsigned int unacked;
	/** An ACK for a gap was sent and no progress made since */
	int gap_acked;
	/** Blocks that arrived early, by distance past the next expected
	 * one, each in the slot of its block number modulo the array's
	 * size (tftp_ahead_slot()); NULL where missing */
	struct io_buffer *ahead[TFTP_WINDOWSIZE];
	/** Blocks held in ahead[] */
	unsigned int ahead_count;
	/** Timer asking for a resend when a gap stays open */
	struct timer gap_timer;
	/** Retransmissions since the last progress */
	unsigned int retries;
	/** Current retransmission timeout */
	unsigned long timeout_ms;
	/** Finished */
	int finished;
};

/**
 * Free a request
 *
 * @v refcnt		Reference counter
 */
static void tftp_free(struct refcnt *refcnt)
{
	struct tftp_request *tftp =
		container_of(refcnt, struct tftp_request, refcnt);

	uri_put(tftp->uri);
	heap_free(tftp);
}

/**
 * Finish the download
 *
 * @v tftp		Request
 * @v rc		Status
 */
static void tftp_finish(struct tftp_request *tftp, int rc)
{
	unsigned int i;

	if (tftp->finished)
		return;
	tftp->finished = 1;
	timer_stop(&tftp->timer);
	timer_stop(&tftp->gap_timer);
	for (i = 0; i < TFTP_WINDOWSIZE; i++) {
		iob_free(tftp->ahead[i]);
		tftp->ahead[i] = NULL;
	}
	tftp->ahead_count = 0;
	xfer_close(&tftp->socket, rc);
	xfer_close(&tftp->xfer, rc);
}

/**
 * Send a packet to the server
 *
 * @v tftp		Request
 * @v iob		Packet (owned by this call from now on)
 * @ret rc		Return status code
 */
static int tftp_send(struct tftp_request *tftp, struct io_buffer *iob)
{
	struct xfer_metadata meta = { 0 };

	if (tftp->tid_known)
		meta.dest = (struct sockaddr *)&tftp->server;
	return xfer_deliver(&tftp->socket, iob, &meta);
}

/**
 * Append a NUL-terminated string to a packet
 *
 * @v iob		Packet (with room)
 * @v text		String
 */
static void tftp_put_string(struct io_buffer *iob, const char *text)
{
	size_t len = (strlen(text) + 1);

	memcpy(iob_put(iob, len), text, len);
}

/**
 * Send the read request
 *
 * @v tftp		Request
 * @ret rc		Return status code
 */
static int tftp_send_rrq(struct tftp_request *tftp)
{
	const char *path = tftp->uri->path;
	struct io_buffer *iob;
	uint16_t *opcode;
	char number[12];
	size_t len;

	/* One leading '/' separates the path from the server */
	if (path[0] == '/')
		path++;
	len = (uri_decode(path, NULL, 0) + 1);
	iob = xfer_alloc_iob(&tftp->socket, (2 + len + 64));
	if (!iob)
		return -ENOMEM;
	opcode = iob_put(iob, sizeof(*opcode));
	*opcode = htons(TFTP_RRQ);
	uri_decode(path, iob_put(iob, len), len);
	tftp_put_string(iob, "octet");
	if (tftp->use_options) {
		snprintf(number, sizeof(number), "%u", TFTP_BLKSIZE);
		tftp_put_string(iob, "blksize");
		tftp_put_string(iob, number);
		tftp_put_string(iob, "tsize");
		tftp_put_string(iob, "0");
		snprintf(number, sizeof(number), "%u", TFTP_SERVER_TIMEOUT_S);
		tftp_put_string(iob, "timeout");
		tftp_put_string(iob, number);
		snprintf(number, sizeof(number), "%u",
			 tftp->windowsize_asked);
		tftp_put_string(iob, "windowsize");
		tftp_put_string(iob, number);
	}
	return tftp_send(tftp, iob);
}

/** The TFTP window Ferry asks servers for, in blocks (Ferry's own) */
const struct setting tftp_windowsize_setting __setting(SETTING_MISC) = {
	.name = "tftp-windowsize",
	.description = "TFTP window asked for (blocks, 1-256)",
	.type = &setting_type_uint32,
	.tag = 0,
};

/**
 * Read the window to ask for
 *
 * @ret windowsize	Window in blocks (1 to TFTP_WINDOWSIZE)
 */
static unsigned int tftp_windowsize_wanted(void)
{
	return setting_uint_bounded(&tftp_windowsize_setting, TFTP_WINDOWSIZE,
				    TFTP_WINDOWSIZE);
}

/**
 * Acknowledge the last block received in order
 *
 * @v tftp		Request
 * @ret rc		Return status code
 */
static int tftp_send_ack(struct tftp_request *tftp)
{
	struct io_buffer *iob;
	uint16_t *packet;

	iob = xfer_alloc_iob(&tftp->socket, 4);
	if (!iob)
		return -ENOMEM;
	packet = iob_put(iob, 4);
	packet[0] = htons(TFTP_ACK);
	packet[1] = htons((uint16_t)tftp->blocks);
	tftp->unacked = 0;
	return tftp_send(tftp, iob);
}

/**
 * Send an error packet (to end a transfer we no longer want)
 *
 * @v tftp		Request
 * @v code		TFTP error code
 * @v message		Message
 */
static void tftp_send_error(struct tftp_request *tftp, unsigned int code,
			    const char *message)
{
	struct io_buffer *iob;
	uint16_t *header;

	iob = xfer_alloc_iob(&tftp->socket, (4 + strlen(message) + 1));
	if (!iob)
		return;
	header = iob_put(iob, 4);
	header[0] = htons(TFTP_ERROR);
	header[1] = htons(code);
	tftp_put_string(iob, message);
	tftp_send(tftp, iob);
}

/**
 * Start or restart the retransmission timer after progress
 *
 * @v tftp		Request
 */
static void tftp_progress(struct tftp_request *tftp)
{
	tftp->retries = 0;
	tftp->timeout_ms = TFTP_TIMEOUT_MS;
	timer_start(&tftp->timer, tftp->timeout_ms);
}

/**
 * The server has been quiet too long: ask again
 *
 * Before the first answer the request is sent again; after it, an ACK
 * of the last block received in order, which makes the server resend
 * the window from there (RFC 7440).
 *
 * @v timer		Retransmission timer
 */
static void tftp_expired(struct timer *timer)
{
	struct tftp_request *tftp =
		container_of(timer, struct tftp_request, timer);
	int rc;

	if (++tftp->retries > TFTP_MAX_RETRIES) {
		tftp_finish(tftp, -ETIMEDOUT_TFTP);
		return;
	}
	tftp->timeout_ms *= 2;
	if (tftp->timeout_ms > TFTP_MAX_TIMEOUT_MS)
		tftp->timeout_ms = TFTP_MAX_TIMEOUT_MS;
	timer_start(&tftp->timer, tftp->timeout_ms);
	rc = (tftp->tid_known ? tftp_send_ack(tftp) : tftp_send_rrq(tftp));
	if (rc != 0)
		tftp_finish(tftp, rc);
}

/**
 * Parse an unsigned decimal option value
 *
 * @v text		Value
 * @v value		Parsed value
 * @ret rc		Return status code
 */
static int tftp_parse_number(const char *text, unsigned long long *value)
{
	char *end;

	if (!isdigit(text[0]))
		return -EPROTO_OPTIONS;
	*value = strtoull(text, &end, 10);
	if (*end)
		return -EPROTO_OPTIONS;
	return 0;
}

/**
 * Take an option acknowledgement
 *
 * @v tftp		Request
 * @v data		Options (after the opcode)
 * @v len		Length
 * @ret rc		Return status code
 */
static int tftp_rx_oack(struct tftp_request *tftp, const char *data,
			size_t len)
{
	struct xfer_metadata meta = { 0 };
	const char *end = (data + len);
	const char *name;
	const char *value;
	unsigned long long number;
	int rc;

	if (!tftp->use_options || tftp->oack_received || tftp->blocks)
		return -EPROTO_OPTIONS;
	/* An option left out of the OACK was not accepted (RFC 2347) */
	tftp->oack_received = 1;
	tftp->blksize = TFTP_DEFAULT_BLKSIZE;
	tftp->windowsize = 1;
	while (data < end) {
		name = data;
		data = memchr(data, '\0', (end - data));
		if (!data)
			return -EPROTO_OPTIONS;
		value = ++data;
		data = memchr(data, '\0', (end - data));
		if (!data)
			return -EPROTO_OPTIONS;
		data++;
		rc = tftp_parse_number(value, &number);
		if (rc != 0)
			return rc;
		if (strcasecmp(name, "blksize") == 0) {
			if (number < 8 || number > TFTP_BLKSIZE)
				return -EPROTO_OPTIONS;
			tftp->blksize = number;
		} else if (strcasecmp(name, "windowsize") == 0) {
			if (number < 1 || number > tftp->windowsize_asked)
				return -EPROTO_OPTIONS;
			tftp->windowsize = number;
		} else if (strcasecmp(name, "tsize") == 0) {
			meta.flags = XFER_META_SIZE;
			meta.size = number;
		}
		/* "timeout" and unknown options need nothing from us */
	}
	if (meta.flags) {
		struct io_buffer *empty = iob_alloc(0);

		if (!empty)
			return -ENOMEM;
		rc = xfer_deliver(&tftp->xfer, empty, &meta);
		if (rc != 0)
			return rc;
	}
	tftp_progress(tftp);
	return tftp_send_ack(tftp);
}

/**
 * A gap stayed open: ask the server to resend from it (RFC 7440)
 *
 * @v timer		Gap timer
 */
static void tftp_gap_expired(struct timer *timer)
{
	struct tftp_request *tftp =
		container_of(timer, struct tftp_request, gap_timer);
	int rc;

	if (tftp->finished || tftp->gap_acked)
		return;
	tftp->gap_acked = 1;
	rc = tftp_send_ack(tftp);
	if (rc != 0)
		tftp_finish(tftp, rc);
}

/**
 * Deliver the next block in order
 *
 * @v tftp		Request
 * @v iob		Block data (owned by this call from now on)
 * @ret last		Block was the last one (shorter than a full block),
 *			or a negative error
 */
static int tftp_deliver_next(struct tftp_request *tftp, struct io_buffer *iob)
{
	struct xfer_metadata meta = { 0 };
	int last = (iob_len(iob) < tftp->blksize);
	int rc;

	meta.flags = XFER_META_OFFSET;
	meta.offset = (tftp->blocks * tftp->blksize);
	tftp->blocks++;
	tftp->unacked++;
	rc = xfer_deliver(&tftp->xfer, iob, &meta);
	return ((rc != 0) ? rc : last);
}

/**
 * Find the slot of a block kept ahead of the next one expected
 *
 * Slots are indexed by block number modulo the array's size, so that
 * delivering a block moves nothing: the TFTP_WINDOWSIZE blocks from the
 * next expected one on each have a slot of their own.
 *
 * @v tftp		Request
 * @v distance		Distance past the next block expected (below
 *			TFTP_WINDOWSIZE)
 * @ret slot		Slot
 */
static struct io_buffer **tftp_ahead_slot(struct tftp_request *tftp,
					  unsigned int distance)
{
	return &tftp->ahead[(tftp->blocks + 1 + distance) % TFTP_WINDOWSIZE];
}

/**
 * Take a data block
 *
 * Blocks arriving early (after a gap) are kept, up to a window's worth;
 * when the missing block comes, it and the kept ones that follow are
 * delivered together.  A gap still open after TFTP_GAP_WAIT_MS is a
 * loss: the server is asked to resend from it.
 *
 * @v tftp		Request
 * @v block		Block number (16-bit, as sent)
 * @v iob		Packet with its 4-byte header already removed (owned
 *			by this call from now on)
 * @ret rc		Return status code
 */
static int tftp_rx_data(struct tftp_request *tftp, uint16_t block,
			struct io_buffer *iob)
{
	struct io_buffer **slot;
	uint16_t distance;
	int last;
	int rc;

	/* Data without an OACK: the server ignored our options */
	if (!tftp->oack_received) {
		tftp->blksize = TFTP_DEFAULT_BLKSIZE;
		tftp->windowsize = 1;
	}
	if (iob_len(iob) > tftp->blksize) {
		iob_free(iob);
		return -EPROTO_PACKET;
	}

	/* Early: keep it (once) if it is within the window */
	distance = (uint16_t)(block - (uint16_t)(tftp->blocks + 1));
	if (distance != 0) {
		slot = tftp_ahead_slot(tftp, distance);
		if (distance < tftp->windowsize && !*slot) {
			*slot = iob;
			tftp->ahead_count++;
			if (!timer_running(&tftp->gap_timer) && !tftp->gap_acked)
				timer_start(&tftp->gap_timer, TFTP_GAP_WAIT_MS);
		} else {
			iob_free(iob);
		}
		return 0;
	}

	/* In order: deliver it and whatever it unblocks.  (After the last
	 * block, blocks kept past the end are freed when the transfer
	 * finishes.)
	 */
	timer_stop(&tftp->gap_timer);
	tftp->gap_acked = 0;
	last = tftp_deliver_next(tftp, iob);
	while (last == 0 && tftp->ahead_count &&
	       *(slot = tftp_ahead_slot(tftp, 0))) {
		iob = *slot;
		*slot = NULL;
		tftp->ahead_count--;
		last = tftp_deliver_next(tftp, iob);
	}
	if (last < 0)
		return last;
	tftp_progress(tftp);
	if (last || tftp->unacked >= tftp->windowsize) {
		rc = tftp_send_ack(tftp);
		if (rc != 0)
			return rc;
	}
	if (last)
		tftp_finish(tftp, 0);
	else if (tftp->ahead_count)
		timer_start(&tftp->gap_timer, TFTP_GAP_WAIT_MS);
	return 0;
}

/**
 * Take an error from the server
 *
 * @v tftp		Request
 * @v data		Error (after the opcode)
 * @v len		Length
 * @ret rc		Error to finish with, or 0 to carry on (the request
 *			is being retried without options)
 */
static int tftp_rx_error(struct tftp_request *tftp, const uint8_t *data,
			 size_t len)
{
	uint16_t code;

	if (len < 2)
		return -EPROTO_PACKET;
	code = ((data[0] << 8) | data[1]);
	switch (code) {
	case TFTP_ERR_OPTIONS:
		/* Only a server that has not accepted options (with an
		 * OACK) may refuse them: after an OACK, blocks of the
		 * options' size may be kept ahead already, and a restart
		 * would deliver them into the plain transfer.
		 */
		if (tftp->use_options && !tftp->oack_received &&
		    !tftp->blocks) {
			/* Ask again, plainly, from the well-known port */
			tftp->use_options = 0;
			tftp->tid_known = 0;
			tftp->server.sin_port = htons(uri_port(tftp->uri,
							       TFTP_PORT));
			tftp->blksize = TFTP_DEFAULT_BLKSIZE;
			tftp->windowsize = 1;
			tftp_progress(tftp);
			return tftp_send_rrq(tftp);
		}
		return -EPROTO_OPTIONS;
	case TFTP_ERR_FILE_NOT_FOUND:
		return -ENOENT_TFTP;
	case TFTP_ERR_ACCESS_DENIED:
		return -EACCES_TFTP;
	default:
		return -EIO_TFTP;
	}
}

/**
 * Receive a datagram from the server
 *
 * @v xfer		Socket endpoint
 * @v iob		Datagram (owned by this call from now on)
 * @v meta		Metadata (source address)
 * @ret rc		Return status code
 */
static int tftp_socket_deliver(struct xfer *xfer, struct io_buffer *iob,
			       struct xfer_metadata *meta)
{
	struct tftp_request *tftp =
		container_of(xfer, struct tftp_request, socket);
	struct sockaddr_in *src = (meta ? (struct sockaddr_in *)meta->src :
					  NULL);
	uint16_t *header = iob->data;
	uint16_t opcode;
	int rc;

	if (tftp->finished || iob_len(iob) < 4 || !src ||
	    src->sin_family != AF_INET) {
		iob_free(iob);
		return 0;
	}
	/* The first answer fixes the server's address and transfer ID;
	 * later packets from elsewhere belong to someone else.
	 */
	if (!tftp->tid_known) {
		tftp->server.sin_addr = src->sin_addr;
		tftp->server.sin_port = src->sin_port;
		tftp->tid_known = 1;
	} else if (src->sin_port != tftp->server.sin_port ||
		   src->sin_addr.s_addr != tftp->server.sin_addr.s_addr) {
		iob_free(iob);
		return 0;
	}

	opcode = ntohs(header[0]);
	switch (opcode) {
	case TFTP_DATA:
		iob_pull(iob, 4);
		rc = tftp_rx_data(tftp, ntohs(header[1]), iob);
		break;
	case TFTP_OACK:
		rc = tftp_rx_oack(tftp, ((const char *)iob->data + 2),
				  (iob_len(iob) - 2));
		iob_free(iob);
		break;
	case TFTP_ERROR:
		rc = tftp_rx_error(tftp, ((const uint8_t *)iob->data + 2),
				   (iob_len(iob) - 2));
		iob_free(iob);
		break;
	default:
		rc = -EPROTO_PACKET;
		iob_free(iob);
		break;
	}
	if (rc != 0) {
		if (!ERROR_IS(rc, ENOENT) && !ERROR_IS(rc, EACCES) &&
		    !ERROR_IS(rc, EIO))
			tftp_send_error(tftp, TFTP_ERR_ILLEGAL_OP,
					error_string(rc));
		tftp_finish(tftp, rc);
	}
	return rc;
}

/**
 * The reader closed the transfer (it finished or gave up)
 *
 * @v xfer		Reader endpoint
 * @v rc		Reason
 */
static void tftp_xfer_close(struct xfer *xfer, int rc)
{
	struct tftp_request *tftp =
		container_of(xfer, struct tftp_request, xfer);

	if (!tftp->finished && tftp->tid_known)
		tftp_send_error(tftp, 0, "Transfer cancelled");
	tftp_finish(tftp, rc);
}

/**
 * The socket closed
 *
 * @v xfer		Socket endpoint
 * @v rc		Reason
 */
static void tftp_socket_close(struct xfer *xfer, int rc)
{
	struct tftp_request *tftp =
		container_of(xfer, struct tftp_request, socket);

	tftp_finish(tftp, rc);
}

/** Reader endpoint operations */
static const struct xfer_operations tftp_xfer_operations = {
	.close = tftp_xfer_close,
};

/** Socket endpoint operations */
static const struct xfer_operations tftp_socket_operations = {
	.deliver = tftp_socket_deliver,
	.close = tftp_socket_close,
};

/**
 * Open a tftp:// URI
 *
 * @v parent		Endpoint to plug the download into
 * @v uri		URI
 * @ret rc		Return status code
 */
static int tftp_open(struct xfer *parent, struct uri *uri)
{
	struct tftp_request *tftp;
	int rc;

	if (!uri->host || !uri->path || !uri->path[0] ||
	    strcmp(uri->path, "/") == 0)
		return -EINVAL_TFTP_URI;
	tftp = heap_zalloc(sizeof(*tftp));
	if (!tftp)
		return -ENOMEM;
	ref_init(&tftp->refcnt, tftp_free);
	xfer_init(&tftp->xfer, &tftp_xfer_operations, &tftp->refcnt);
	xfer_init(&tftp->socket, &tftp_socket_operations, &tftp->refcnt);
	timer_init(&tftp->timer, tftp_expired);
	timer_init(&tftp->gap_timer, tftp_gap_expired);
	tftp->uri = uri_get(uri);
	tftp->use_options = 1;
	tftp->blksize = TFTP_DEFAULT_BLKSIZE;
	tftp->windowsize = 1;
	tftp->windowsize_asked = tftp_windowsize_wanted();
	tftp->server.sin_family = AF_INET;
	tftp->server.sin_port = htons(uri_port(uri, TFTP_PORT));

	/* A name is resolved first; the request waits in the socket */
	rc = xfer_open_named_socket(&tftp->socket, SOCK_DGRAM, uri->host,
				    uri_port(uri, TFTP_PORT), NULL);
	if (rc != 0)
		goto err;
	rc = tftp_send_rrq(tftp);
	if (rc != 0)
		goto err_send;
	tftp_progress(tftp);
	xfer_plug(&tftp->xfer, parent);
	ref_put(&tftp->refcnt);
	return 0;

err_send:
	xfer_close(&tftp->socket, rc);
err:
	ref_put(&tftp->refcnt);
	return rc;
}

/** The tftp:// URI opener */
struct uri_opener tftp_uri_opener __uri_opener = {
	.scheme = "tftp",
	.open = tftp_open,
};
