/** @file
 *
 * The PXE API's TFTP calls: TFTP OPEN, READ, CLOSE, GET FSIZE, READ FILE
 *
 * Each runs on Ferry's own TFTP client (net/tftp.c, with its block size
 * and window negotiation), opened as a tftp:// URI.  One transfer at a
 * time, as in the PXE specification.  TFTP OPEN and READ hand the data
 * out in packets of the size the NBP asked for (a shorter one ends the
 * file), whatever block size Ferry negotiated with the server; READ FILE
 * puts the whole file at a physical address, checked against the
 * memory an NBP may use.  Every wait is bounded.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/xfer.h"
#include "net/ipv4.h"
#include "net/uri.h"
#include "arch/x86/pxe/pxe_api.h"
#include "arch/x86/pxe/pxe_call.h"

/** Longest wait for a transfer to start, or for the next packet */
#define PXE_TFTP_TIMEOUT_MS      15000
/** Longest wait for a whole file (READ FILE) */
#define PXE_TFTP_FILE_TIMEOUT_MS 600000
/** Default packet size for TFTP OPEN */
#define PXE_TFTP_PACKET_DEFAULT  512
/** Largest packet size TFTP OPEN grants */
#define PXE_TFTP_PACKET_MAX      1432
/** Data queued before READ stops letting the transfer run ahead */
#define PXE_TFTP_QUEUE_MAX       (256 * 1024)
/** The TFTP port */
#define PXE_TFTP_PORT            69

/** The NBP's TFTP transfer */
struct pxe_tftp {
	/** Endpoint plugged into the TFTP client */
	struct xfer xfer;
	/** Data received and not handed out (struct io_buffer) */
	struct list_head queue;
	/** Bytes in the queue */
	size_t queued;
	/** Size the server announced (tsize), if size_known */
	uint64_t size;
	/** The server announced the size */
	int size_known;
	/** Bytes received so far (highest offset reached) */
	uint64_t received;
	/** The transfer has ended */
	int closed;
	/** How it ended */
	int rc;
	/** READ FILE: where the file goes, or NULL to queue */
	uint8_t *file;
	/** READ FILE: room there */
	size_t file_room;
	/** READ FILE: the file did not fit */
	int overflow;
	/** Packet size granted at TFTP OPEN */
	unsigned int packet_size;
	/** Last packet number handed out */
	uint16_t packet_number;
	/** A transfer was opened (xfer and queue are set up) */
	int active;
};

static struct pxe_tftp pxe_tftp;

/**
 * Receive data (or the size) from the TFTP client
 *
 * @v xfer		Our endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata (offset, size), or NULL
 * @ret rc		Return status code
 */
static int pxe_tftp_deliver(struct xfer *xfer, struct io_buffer *iob,
			    struct xfer_metadata *meta)
{
	uint64_t offset = pxe_tftp.received;
	size_t len = iob_len(iob);

	if (meta && (meta->flags & XFER_META_SIZE)) {
		pxe_tftp.size = meta->size;
		pxe_tftp.size_known = 1;
	}
	if (meta && (meta->flags & XFER_META_OFFSET))
		offset = meta->offset;
	if (!len) {
		iob_free(iob);
		return 0;
	}
	if (pxe_tftp.file) {
		if (offset > pxe_tftp.file_room ||
		    len > (pxe_tftp.file_room - offset))
			pxe_tftp.overflow = 1;
		else
			memcpy((pxe_tftp.file + offset), iob->data, len);
		iob_free(iob);
	} else {
		list_add_tail(&iob->list, &pxe_tftp.queue);
		pxe_tftp.queued += len;
	}
	if ((offset + len) > pxe_tftp.received)
		pxe_tftp.received = (offset + len);
	return 0;
}

/**
 * The transfer ended
 *
 * @v xfer		Our endpoint
 * @v rc		Reason (0 when the whole file came)
 */
static void pxe_tftp_close(struct xfer *xfer, int rc)
{
	pxe_tftp.closed = 1;
	pxe_tftp.rc = rc;
}

/** What the NBP's transfer does when the TFTP client talks to it */
static const struct xfer_operations pxe_tftp_operations = {
	.deliver = pxe_tftp_deliver,
	.close = pxe_tftp_close,
};

/**
 * End the transfer, if any, and drop what is queued
 */
void pxe_tftp_reset(void)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	if (!pxe_tftp.active)
		return;
	xfer_close(&pxe_tftp.xfer, 0);
	list_for_each_entry_safe(iob, tmp, &pxe_tftp.queue, list) {
		list_del(&iob->list);
		iob_free(iob);
	}
	pxe_tftp.queued = 0;
	pxe_tftp.active = 0;
	pxe_tftp.file = NULL;
}

/**
 * Map how a transfer ended to a PXE status
 *
 * @v rc		Ferry's error
 * @v opening		The transfer had not started yet
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_status(int rc, int opening)
{
	if (ERROR_IS(rc, ENOENT))
		return PXENV_STATUS_TFTP_FILE_NOT_FOUND;
	if (ERROR_IS(rc, EACCES) || ERROR_IS(rc, EPERM))
		return PXENV_STATUS_TFTP_ACCESS_VIOLATION;
	if (ERROR_IS(rc, ETIMEDOUT))
		return (opening ? PXENV_STATUS_TFTP_OPEN_TIMEOUT
				: PXENV_STATUS_TFTP_READ_TIMEOUT);
	return (opening ? PXENV_STATUS_TFTP_CANNOT_OPEN_CONNECTION
			: PXENV_STATUS_TFTP_CANNOT_READ_FROM_CONNECTION);
}

/**
 * Start a transfer
 *
 * @v server		Server address (network byte order)
 * @v port		Server port (network byte order), or 0 for 69
 * @v name		File name (a NUL within max_len)
 * @v max_len		Size of the name field
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_start(uint32_t server, uint16_t port,
				   const char *name, size_t max_len)
{
	struct in_addr address = { .s_addr = server };
	char server_text[16];
	struct uri *uri;
	size_t encoded_len;
	char *encoded;
	char *text;
	size_t text_len;
	int rc;

	pxe_tftp_reset();
	if (!memchr(name, '\0', max_len) || !name[0] || !server)
		return PXENV_STATUS_TFTP_CANNOT_OPEN_CONNECTION;
	encoded_len = (uri_encode(name, NULL, 0, "/") + 1);
	encoded = heap_alloc(encoded_len);
	text_len = (encoded_len + 48);
	text = heap_alloc(text_len);
	if (!encoded || !text) {
		heap_free(encoded);
		heap_free(text);
		return PXENV_STATUS_OUT_OF_RESOURCES;
	}
	uri_encode(name, encoded, encoded_len, "/");
	snprintf(server_text, sizeof(server_text), "%s", inet_ntoa(address));
	snprintf(text, text_len, "tftp://%s:%u/%s", server_text,
		 (port ? ntohs(port) : PXE_TFTP_PORT), encoded);
	uri = uri_parse(text);
	heap_free(encoded);
	heap_free(text);
	if (!uri)
		return PXENV_STATUS_OUT_OF_RESOURCES;

	memset(&pxe_tftp, 0, sizeof(pxe_tftp));
	/* A static object: the endpoint holds no reference */
	xfer_init(&pxe_tftp.xfer, &pxe_tftp_operations, NULL);
	INIT_LIST_HEAD(&pxe_tftp.queue);
	pxe_tftp.active = 1;
	rc = xfer_open_uri(&pxe_tftp.xfer, uri);
	uri_put(uri);
	if (rc != 0) {
		pxe_tftp.active = 0;
		return pxe_tftp_status(rc, 1);
	}
	return PXENV_STATUS_SUCCESS;
}

/**
 * Let the transfer run until a condition holds, the end, or a timeout
 *
 * @v enough		Condition: enough has come
 * @v timeout_ms	Longest wait
 * @ret rc		0, or -ETIMEDOUT
 */
static int pxe_tftp_wait(int (*enough)(void), unsigned long timeout_ms)
{
	uint64_t start = clock_ms();

	while (!pxe_tftp.closed && !enough()) {
		if ((clock_ms() - start) > timeout_ms)
			return -ETIMEDOUT;
		pxe_api_poll();
	}
	return 0;
}

/**
 * Condition: the transfer has started (data or size)
 *
 * @ret started		Started
 */
static int pxe_tftp_started(void)
{
	return (pxe_tftp.size_known || pxe_tftp.received);
}

/**
 * Condition: a whole packet is queued
 *
 * @ret ready		Ready
 */
static int pxe_tftp_packet_ready(void)
{
	return (pxe_tftp.queued >= pxe_tftp.packet_size);
}

/**
 * Condition: never (wait for the end)
 *
 * @ret no		0
 */
static int pxe_tftp_never(void)
{
	return 0;
}

/**
 * Wait for a new transfer to start
 *
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_wait_start(void)
{
	if (pxe_tftp_wait(pxe_tftp_started, PXE_TFTP_TIMEOUT_MS) != 0) {
		pxe_tftp_reset();
		return PXENV_STATUS_TFTP_OPEN_TIMEOUT;
	}
	if (pxe_tftp.closed && pxe_tftp.rc != 0) {
		unsigned int status = pxe_tftp_status(pxe_tftp.rc, 1);

		pxe_tftp_reset();
		return status;
	}
	return PXENV_STATUS_SUCCESS;
}

/**
 * TFTP OPEN
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_open(void *params)
{
	struct s_PXENV_TFTP_OPEN *open = params;
	unsigned int packet_size = open->PacketSize;
	unsigned int status;

	if (!packet_size)
		packet_size = PXE_TFTP_PACKET_DEFAULT;
	if (packet_size < 8)
		return PXENV_STATUS_TFTP_INVALID_PACKET_SIZE;
	if (packet_size > PXE_TFTP_PACKET_MAX)
		packet_size = PXE_TFTP_PACKET_MAX;
	status = pxe_tftp_start(open->ServerIPAddress, open->TFTPPort,
				open->FileName, sizeof(open->FileName));
	if (status != PXENV_STATUS_SUCCESS)
		return status;
	pxe_tftp.packet_size = packet_size;
	status = pxe_tftp_wait_start();
	if (status == PXENV_STATUS_SUCCESS)
		open->PacketSize = packet_size;
	return status;
}

/** TFTP OPEN */
struct pxe_api_call pxe_tftp_open_call __pxe_api_call = {
	.opcode = PXENV_TFTP_OPEN,
	.name = "TFTP OPEN",
	.params_len = sizeof(struct s_PXENV_TFTP_OPEN),
	.call = pxe_tftp_open,
};

/**
 * TFTP READ: the next packet (shorter than the packet size at the end)
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_read(void *params)
{
	struct s_PXENV_TFTP_READ *read = params;
	struct io_buffer *iob;
	uint8_t *buffer;
	size_t want;
	size_t len;

	if (!pxe_tftp.active || !pxe_tftp.packet_size || pxe_tftp.file)
		return PXENV_STATUS_TFTP_CANNOT_READ_FROM_CONNECTION;
	buffer = pxe_api_buffer(read->Buffer.segment, read->Buffer.offset,
				pxe_tftp.packet_size);
	if (!buffer)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	/* Let the transfer run while the queue is short; once it is long,
	 * hand out what is there (the server waits for Ferry's ACKs)
	 */
	if (pxe_tftp.queued < PXE_TFTP_QUEUE_MAX)
		pxe_api_poll();
	if (pxe_tftp_wait(pxe_tftp_packet_ready, PXE_TFTP_TIMEOUT_MS) != 0)
		return PXENV_STATUS_TFTP_READ_TIMEOUT;
	if (pxe_tftp.closed && pxe_tftp.rc != 0 && !pxe_tftp.queued)
		return pxe_tftp_status(pxe_tftp.rc, 0);

	want = min((size_t)pxe_tftp.packet_size, pxe_tftp.queued);
	len = 0;
	while (len < want) {
		size_t chunk;

		iob = list_first_entry(&pxe_tftp.queue, struct io_buffer, list);
		chunk = min(iob_len(iob), (want - len));
		memcpy((buffer + len), iob->data, chunk);
		iob_pull(iob, chunk);
		len += chunk;
		if (!iob_len(iob)) {
			list_del(&iob->list);
			iob_free(iob);
		}
	}
	pxe_tftp.queued -= len;
	read->PacketNumber = ++pxe_tftp.packet_number;
	read->BufferSize = len;
	return PXENV_STATUS_SUCCESS;
}

/** TFTP READ */
struct pxe_api_call pxe_tftp_read_call __pxe_api_call = {
	.opcode = PXENV_TFTP_READ,
	.name = "TFTP READ",
	.params_len = sizeof(struct s_PXENV_TFTP_READ),
	.call = pxe_tftp_read,
};

/**
 * TFTP CLOSE
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_close_call_fn(void *params)
{
	pxe_tftp_reset();
	return PXENV_STATUS_SUCCESS;
}

/** TFTP CLOSE */
struct pxe_api_call pxe_tftp_close_call __pxe_api_call = {
	.opcode = PXENV_TFTP_CLOSE,
	.name = "TFTP CLOSE",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_tftp_close_call_fn,
};

/**
 * TFTP GET FSIZE: the size the server announces, else the length read
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_get_fsize(void *params)
{
	struct s_PXENV_TFTP_GET_FSIZE *fsize = params;
	unsigned int status;

	status = pxe_tftp_start(fsize->ServerIPAddress, 0, fsize->FileName,
				sizeof(fsize->FileName));
	if (status != PXENV_STATUS_SUCCESS)
		return status;
	pxe_tftp.packet_size = PXE_TFTP_PACKET_MAX;
	status = pxe_tftp_wait_start();
	if (status != PXENV_STATUS_SUCCESS)
		return status;
	if (!pxe_tftp.size_known) {
		/* No tsize: count the whole file, dropping the data */
		pxe_tftp.file = (uint8_t *)&pxe_tftp;
		pxe_tftp.file_room = 0;
		if (pxe_tftp_wait(pxe_tftp_never, PXE_TFTP_FILE_TIMEOUT_MS) !=
			    0 ||
		    pxe_tftp.rc != 0) {
			pxe_tftp_reset();
			return PXENV_STATUS_TFTP_NO_FILESIZE;
		}
		pxe_tftp.size = pxe_tftp.received;
	}
	fsize->FileSize = ((pxe_tftp.size > 0xffffffffULL) ? 0xffffffffUL
							   : pxe_tftp.size);
	pxe_tftp_reset();
	return PXENV_STATUS_SUCCESS;
}

/** TFTP GET FSIZE */
struct pxe_api_call pxe_tftp_get_fsize_call __pxe_api_call = {
	.opcode = PXENV_TFTP_GET_FSIZE,
	.name = "TFTP GET FSIZE",
	.params_len = sizeof(struct s_PXENV_TFTP_GET_FSIZE),
	.call = pxe_tftp_get_fsize,
};

/**
 * TFTP READ FILE: a whole file to a physical address
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_tftp_read_file(void *params)
{
	struct s_PXENV_TFTP_READ_FILE *read = params;
	unsigned int status;
	uint8_t *buffer;

	buffer = pxe_api_buffer_phys(read->Buffer, read->BufferSize);
	if (!buffer || !read->BufferSize)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	status = pxe_tftp_start(read->ServerIPAddress, read->TFTPSrvPort,
				read->FileName, sizeof(read->FileName));
	if (status != PXENV_STATUS_SUCCESS)
		return status;
	pxe_tftp.file = buffer;
	pxe_tftp.file_room = read->BufferSize;
	if (pxe_tftp_wait(pxe_tftp_never, PXE_TFTP_FILE_TIMEOUT_MS) != 0) {
		pxe_tftp_reset();
		return PXENV_STATUS_TFTP_READ_TIMEOUT;
	}
	if (pxe_tftp.rc != 0) {
		status = pxe_tftp_status(pxe_tftp.rc, !pxe_tftp.received);
		pxe_tftp_reset();
		return status;
	}
	if (pxe_tftp.overflow) {
		pxe_tftp_reset();
		return PXENV_STATUS_OUT_OF_RESOURCES;
	}
	read->BufferSize = pxe_tftp.received;
	pxe_tftp_reset();
	return PXENV_STATUS_SUCCESS;
}

/** TFTP READ FILE */
struct pxe_api_call pxe_tftp_read_file_call __pxe_api_call = {
	.opcode = PXENV_TFTP_READ_FILE,
	.name = "TFTP READ FILE",
	.params_len = sizeof(struct s_PXENV_TFTP_READ_FILE),
	.call = pxe_tftp_read_file,
};
