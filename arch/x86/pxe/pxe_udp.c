/** @file
 *
 * The PXE API's UDP calls: UDP OPEN, CLOSE, READ, WRITE
 *
 * An NBP that runs its own TFTP (pxelinux does) picks its own ports, so
 * UDP OPEN opens one promiscuous socket (net/udp.c): it takes every
 * datagram no other socket of Ferry's takes, queued here until UDP READ
 * asks, and sends each datagram UDP WRITE gives from the port it names.
 * UDP READ never waits: with nothing queued that matches its filters it
 * fails, and the NBP polls again.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/endian.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/string.h"
#include "core/xfer.h"
#include "net/socket.h"
#include "net/udp.h"
#include "arch/x86/pxe/pxe_api.h"
#include "arch/x86/pxe/pxe_call.h"

/** Most datagrams queued for UDP READ */
#define PXE_UDP_QUEUE_MAX 32

/** The PXE default source port for UDP WRITE with none given */
#define PXE_UDP_DEFAULT_PORT 2069

/** A queued datagram's addresses (kept in the buffer's headroom) */
struct pxe_udp_addresses {
	/** Source address (network byte order) */
	uint32_t src_ip;
	/** Destination address */
	uint32_t dest_ip;
	/** Source port (network byte order) */
	uint16_t src_port;
	/** Destination port */
	uint16_t dest_port;
};

/** The NBP's UDP connection */
struct pxe_udp {
	/** Endpoint plugged into the promiscuous socket */
	struct xfer xfer;
	/** Received datagrams (struct io_buffer), oldest first */
	struct list_head queue;
	/** Number queued */
	unsigned int queued;
};

static struct pxe_udp pxe_udp;

/**
 * Queue a received datagram
 *
 * @v xfer		Our endpoint
 * @v iob		Datagram (owned by this call from now on)
 * @v meta		Metadata (addresses)
 * @ret rc		Return status code
 */
static int pxe_udp_deliver(struct xfer *xfer, struct io_buffer *iob,
			   struct xfer_metadata *meta)
{
	struct sockaddr_in *src;
	struct sockaddr_in *dest;
	struct pxe_udp_addresses *addresses;

	if (!meta || !meta->src || !meta->dest ||
	    meta->src->sa_family != AF_INET ||
	    pxe_udp.queued >= PXE_UDP_QUEUE_MAX ||
	    iob_ensure_headroom(iob, sizeof(*addresses)) != 0) {
		iob_free(iob);
		return 0;
	}
	src = (struct sockaddr_in *)meta->src;
	dest = (struct sockaddr_in *)meta->dest;
	addresses = iob_push(iob, sizeof(*addresses));
	addresses->src_ip = src->sin_addr.s_addr;
	addresses->dest_ip = dest->sin_addr.s_addr;
	addresses->src_port = src->sin_port;
	addresses->dest_port = dest->sin_port;
	list_add_tail(&iob->list, &pxe_udp.queue);
	pxe_udp.queued++;
	return 0;
}

/**
 * The socket closed under us
 *
 * @v xfer		Our endpoint
 * @v rc		Reason
 */
static void pxe_udp_closed(struct xfer *xfer, int rc)
{
}

/** What the NBP's connection does when the socket talks to it */
static const struct xfer_operations pxe_udp_operations = {
	.deliver = pxe_udp_deliver,
	.close = pxe_udp_closed,
};

/**
 * Close the connection and drop whatever is queued
 */
void pxe_udp_reset(void)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	if (!pxe_udp.xfer.op)
		return;
	xfer_close(&pxe_udp.xfer, 0);
	list_for_each_entry_safe(iob, tmp, &pxe_udp.queue, list) {
		list_del(&iob->list);
		iob_free(iob);
	}
	pxe_udp.queued = 0;
}

/**
 * UDP OPEN
 *
 * The source address the NBP gives is Ferry's own already (from the
 * DHCP packets it was handed); Ferry keeps its configuration.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_udp_open(void *params)
{
	if (!pxe_udp.xfer.op) {
		xfer_init(&pxe_udp.xfer, &pxe_udp_operations, NULL);
		INIT_LIST_HEAD(&pxe_udp.queue);
	}
	pxe_udp_reset();
	if (udp_open_promisc(&pxe_udp.xfer) != 0)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	return PXENV_STATUS_SUCCESS;
}

/** UDP OPEN */
struct pxe_api_call pxe_udp_open_call __pxe_api_call = {
	.opcode = PXENV_UDP_OPEN,
	.name = "UDP OPEN",
	.params_len = sizeof(struct s_PXENV_UDP_OPEN),
	.call = pxe_udp_open,
};

/**
 * UDP CLOSE
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_udp_close(void *params)
{
	pxe_udp_reset();
	return PXENV_STATUS_SUCCESS;
}

/** UDP CLOSE */
struct pxe_api_call pxe_udp_close_call __pxe_api_call = {
	.opcode = PXENV_UDP_CLOSE,
	.name = "UDP CLOSE",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_udp_close,
};

/**
 * UDP WRITE: send one datagram
 *
 * The gateway the NBP names is not needed: Ferry routes by its own
 * table, which came from the same DHCP answer.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_udp_write(void *params)
{
	struct s_PXENV_UDP_WRITE *write = params;
	struct xfer_metadata meta;
	struct sockaddr_in dest;
	struct sockaddr_in src;
	struct io_buffer *iob;
	const void *data;

	if (!xfer_is_plugged(&pxe_udp.xfer))
		return PXENV_STATUS_FAILURE;
	data = pxe_api_buffer(write->buffer.segment, write->buffer.offset,
			      write->buffer_size);
	if (!data)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	iob = xfer_alloc_iob(&pxe_udp.xfer, write->buffer_size);
	if (!iob)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	memcpy(iob_put(iob, write->buffer_size), data, write->buffer_size);

	memset(&dest, 0, sizeof(dest));
	dest.sin_family = AF_INET;
	dest.sin_addr.s_addr = write->ip;
	dest.sin_port = write->dst_port;
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_port = (write->src_port ? write->src_port
					: htons(PXE_UDP_DEFAULT_PORT));
	memset(&meta, 0, sizeof(meta));
	meta.src = (struct sockaddr *)&src;
	meta.dest = (struct sockaddr *)&dest;
	if (xfer_deliver(&pxe_udp.xfer, iob, &meta) != 0)
		return PXENV_STATUS_UNDI_TRANSMIT_ERROR;
	/* Let the frame go out (and ARP run) before returning */
	pxe_api_poll();
	return PXENV_STATUS_SUCCESS;
}

/** UDP WRITE */
struct pxe_api_call pxe_udp_write_call __pxe_api_call = {
	.opcode = PXENV_UDP_WRITE,
	.name = "UDP WRITE",
	.params_len = sizeof(struct s_PXENV_UDP_WRITE),
	.call = pxe_udp_write,
};

/**
 * UDP READ: the oldest queued datagram that matches the filters
 *
 * A destination address or port of zero matches any.  Datagrams ahead
 * of it that do not match are dropped, as a PXE ROM's single receive
 * buffer would.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_udp_read(void *params)
{
	struct s_PXENV_UDP_READ *read = params;
	struct pxe_udp_addresses addresses;
	struct io_buffer *iob;
	void *buffer;
	size_t len;

	if (!xfer_is_plugged(&pxe_udp.xfer))
		return PXENV_STATUS_FAILURE;
	pxe_api_poll();
	while (!list_empty(&pxe_udp.queue)) {
		iob = list_first_entry(&pxe_udp.queue, struct io_buffer, list);
		list_del(&iob->list);
		pxe_udp.queued--;
		memcpy(&addresses, iob->data, sizeof(addresses));
		iob_pull(iob, sizeof(addresses));
		if ((read->dest_ip && read->dest_ip != addresses.dest_ip) ||
		    (read->d_port && read->d_port != addresses.dest_port)) {
			iob_free(iob);
			continue;
		}
		len = iob_len(iob);
		if (len > read->buffer_size)
			len = read->buffer_size;
		buffer = pxe_api_buffer(read->buffer.segment,
					read->buffer.offset, len);
		if (!buffer) {
			iob_free(iob);
			return PXENV_STATUS_OUT_OF_RESOURCES;
		}
		memcpy(buffer, iob->data, len);
		iob_free(iob);
		read->buffer_size = len;
		read->src_ip = addresses.src_ip;
		read->dest_ip = addresses.dest_ip;
		read->s_port = addresses.src_port;
		read->d_port = addresses.dest_port;
		return PXENV_STATUS_SUCCESS;
	}
	return PXENV_STATUS_FAILURE;
}

/** UDP READ */
struct pxe_api_call pxe_udp_read_call __pxe_api_call = {
	.opcode = PXENV_UDP_READ,
	.name = "UDP READ",
	.params_len = sizeof(struct s_PXENV_UDP_READ),
	.call = pxe_udp_read,
};
