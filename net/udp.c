/** @file
 *
 * UDP sockets (RFC 768)
 */

#include <stddef.h>
#include <stdint.h>
#include "net/udp.h"
#include "net/ipv4.h"
#include "net/netdevice.h"
#include "net/socket.h"
#include "net/tcpip.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/random.h"
#include "core/refcnt.h"
#include "core/string.h"
#include "core/xfer.h"

/** Datagram too short, or its length field wrong */
#define EINVAL_LENGTH ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_LENGTH, "Malformed UDP datagram");
/** Checksum wrong */
#define EINVAL_CHECKSUM ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_CHECKSUM, "Bad UDP checksum");
/** Nobody listens on the port */
#define ENOTCONN_PORT ERROR_CODE(ERRCLASS_ENOTCONN, 1)
ERROR_MESSAGE(ENOTCONN_PORT, "No UDP socket for the port");
/** Local port taken */
#define EADDRINUSE_PORT ERROR_CODE(ERRCLASS_EADDRINUSE, 1)
ERROR_MESSAGE(EADDRINUSE_PORT, "UDP port already in use");
/** No free ephemeral port */
#define EADDRINUSE_EPHEMERAL ERROR_CODE(ERRCLASS_EADDRINUSE, 2)
ERROR_MESSAGE(EADDRINUSE_EPHEMERAL, "No free UDP port");
/** Datagram too long for a UDP length field */
#define EMSGSIZE_LENGTH ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_LENGTH, "UDP datagram too long");
/** Socket closed */
#define ENOTCONN_CLOSED ERROR_CODE(ERRCLASS_ENOTCONN, 2)
ERROR_MESSAGE(ENOTCONN_CLOSED, "UDP socket is closed");

/** A UDP socket */
struct udp_connection {
	/** Reference counter */
	struct refcnt refcnt;
	/** Link in the list of sockets */
	struct list_head list;
	/** Data-transfer endpoint (plugged into the opener) */
	struct xfer xfer;
	/** Peer (where data goes without meta->dest) */
	struct sockaddr_tcpip peer;
	/** Local address and port (address 0 for any) */
	struct sockaddr_tcpip local;
	/** Socket is open (in the list) */
	int open;
	/** Socket takes every datagram no other socket takes, and may
	 * send from any port (the PXE API's UDP calls) */
	int promisc;
};

/** Open sockets */
static LIST_HEAD(udp_connections);

/** The UDP transport (defined at the end) */
extern struct tcpip_protocol udp_protocol;

/**
 * Test whether a local port is taken
 *
 * @v port		Port (network byte order)
 * @ret taken		Port is taken
 */
static int udp_port_taken(uint16_t port)
{
	struct udp_connection *udp;

	list_for_each_entry(udp, &udp_connections, list) {
		if (udp->local.st_port == port)
			return 1;
	}
	return 0;
}

/**
 * Give a socket its local port
 *
 * @v udp		Socket
 * @v port		Port wanted (network byte order), or 0 for any
 * @ret rc		Return status code
 */
static int udp_bind(struct udp_connection *udp, uint16_t port)
{
	static unsigned int next_offset;
	unsigned int range = (UDP_EPHEMERAL_MAX - UDP_EPHEMERAL_MIN + 1);
	unsigned int tries;
	uint16_t candidate;

	if (port) {
		if (udp_port_taken(port))
			return -EADDRINUSE_PORT;
		udp->local.st_port = port;
		return 0;
	}
	/* Start somewhere unpredictable, so that a restarted Ferry does
	 * not reuse the ports of its previous life
	 */
	if (!next_offset)
		next_offset = random_u32();
	for (tries = 0; tries < range; tries++) {
		candidate = (UDP_EPHEMERAL_MIN + (next_offset++ % range));
		if (!udp_port_taken(htons(candidate))) {
			udp->local.st_port = htons(candidate);
			return 0;
		}
	}
	return -EADDRINUSE_EPHEMERAL;
}

/**
 * Close a socket: leave the list and unplug
 *
 * @v udp		Socket
 * @v rc		Reason given to the opener
 */
static void udp_shutdown(struct udp_connection *udp, int rc)
{
	xfer_close(&udp->xfer, rc);
	if (udp->open) {
		udp->open = 0;
		list_del(&udp->list);
		ref_put(&udp->refcnt);
	}
}

/**
 * Send a datagram
 *
 * @v udp		Socket
 * @v iob		Payload (owned by this call from now on)
 * @v dest		Destination
 * @v netdev		Device to send on, or NULL to route
 * @v src_port		Source port (network byte order)
 * @ret rc		Return status code
 */
static int udp_tx(struct udp_connection *udp, struct io_buffer *iob,
		  struct sockaddr_tcpip *dest, struct net_device *netdev,
		  uint16_t src_port)
{
	struct udp_header *udphdr;
	size_t len = (iob_len(iob) + sizeof(*udphdr));
	int rc;

	if (len > 0xffff) {
		iob_free(iob);
		return -EMSGSIZE_LENGTH;
	}
	rc = iob_ensure_headroom(iob, sizeof(*udphdr));
	if (rc != 0) {
		iob_free(iob);
		return rc;
	}
	udphdr = iob_push(iob, sizeof(*udphdr));
	udphdr->src = src_port;
	udphdr->dest = dest->st_port;
	udphdr->len = htons(len);
	udphdr->chksum = 0;
	udphdr->chksum = tcpip_chksum(udphdr, len);
	return tcpip_tx(iob, &udp_protocol, &udp->local, dest, netdev,
			&udphdr->chksum);
}

/**
 * Data from the opener: send it as one datagram
 *
 * @v xfer		Socket's endpoint
 * @v iob		Payload (owned by this call from now on)
 * @v meta		Metadata (dest, netdev), or NULL
 * @ret rc		Return status code
 */
static int udp_xfer_deliver(struct xfer *xfer, struct io_buffer *iob,
			    struct xfer_metadata *meta)
{
	struct udp_connection *udp =
		container_of(xfer, struct udp_connection, xfer);
	struct sockaddr_tcpip *dest = &udp->peer;
	struct sockaddr_tcpip *src;
	struct net_device *netdev = NULL;
	uint16_t src_port = udp->local.st_port;

	if (!udp->open) {
		iob_free(iob);
		return -ENOTCONN_CLOSED;
	}
	if (meta) {
		if (meta->dest)
			dest = (struct sockaddr_tcpip *)meta->dest;
		src = (struct sockaddr_tcpip *)meta->src;
		if (udp->promisc && src && src->st_port)
			src_port = src->st_port;
		netdev = meta->netdev;
	}
	return udp_tx(udp, iob, dest, netdev, src_port);
}

/**
 * The opener closed the socket
 *
 * @v xfer		Socket's endpoint
 * @v rc		Reason
 */
static void udp_xfer_close(struct xfer *xfer, int rc)
{
	struct udp_connection *udp =
		container_of(xfer, struct udp_connection, xfer);

	udp_shutdown(udp, rc);
}

/** What a UDP socket does when its opener talks to it */
static const struct xfer_operations udp_xfer_operations = {
	.deliver = udp_xfer_deliver,
	.close = udp_xfer_close,
};

/**
 * Open a UDP socket
 *
 * @v parent		Endpoint to plug the socket into
 * @v peer		Peer address (its port may be 0 if every datagram
 *			names its destination in meta->dest)
 * @v local		Local address and port, or NULL for any
 * @ret rc		Return status code
 */
static int udp_open(struct xfer *parent, struct sockaddr *peer,
		    struct sockaddr *local)
{
	struct sockaddr_tcpip *st_local = (struct sockaddr_tcpip *)local;
	struct udp_connection *udp;
	int rc;

	udp = heap_zalloc(sizeof(*udp));
	if (!udp)
		return -ENOMEM;
	ref_init(&udp->refcnt, NULL);
	xfer_init(&udp->xfer, &udp_xfer_operations, &udp->refcnt);
	memcpy(&udp->peer, peer, sizeof(udp->peer));
	if (st_local)
		memcpy(&udp->local, st_local, sizeof(udp->local));
	udp->local.st_family = peer->sa_family;
	rc = udp_bind(udp, (st_local ? st_local->st_port : 0));
	if (rc != 0)
		goto err;
	/* The list holds the caller's reference until closing */
	list_add(&udp->list, &udp_connections);
	udp->open = 1;
	xfer_plug(&udp->xfer, parent);
	return 0;
err:
	ref_put(&udp->refcnt);
	return rc;
}

/**
 * Open a promiscuous UDP socket
 *
 * It receives every datagram that no other socket takes, whatever its
 * destination port, and sends each datagram from the port meta->src
 * names (else from port 0).  Only the PXE API's UDP calls use it, for a
 * network boot program that picks its own ports.
 *
 * @v parent		Endpoint to plug the socket into
 * @ret rc		Return status code
 */
int udp_open_promisc(struct xfer *parent)
{
	struct udp_connection *udp;

	udp = heap_zalloc(sizeof(*udp));
	if (!udp)
		return -ENOMEM;
	ref_init(&udp->refcnt, NULL);
	xfer_init(&udp->xfer, &udp_xfer_operations, &udp->refcnt);
	udp->peer.st_family = AF_INET;
	udp->local.st_family = AF_INET;
	udp->promisc = 1;
	list_add_tail(&udp->list, &udp_connections);
	udp->open = 1;
	xfer_plug(&udp->xfer, parent);
	return 0;
}

/**
 * Find the socket for a received datagram
 *
 * @v st_dest		Destination address and port
 * @ret udp		Socket, or NULL
 */
static struct udp_connection *udp_demux(struct sockaddr_tcpip *st_dest)
{
	struct sockaddr_in *sin_dest = (struct sockaddr_in *)st_dest;
	struct sockaddr_in *sin_local;
	struct udp_connection *udp;

	list_for_each_entry(udp, &udp_connections, list) {
		if (udp->promisc || udp->local.st_port != st_dest->st_port)
			continue;
		sin_local = (struct sockaddr_in *)&udp->local;
		if (st_dest->st_family == AF_INET &&
		    sin_local->sin_addr.s_addr &&
		    sin_local->sin_addr.s_addr != sin_dest->sin_addr.s_addr)
			continue;
		return udp;
	}
	list_for_each_entry(udp, &udp_connections, list) {
		if (udp->promisc)
			return udp;
	}
	return NULL;
}

/**
 * Receive a datagram
 *
 * @v iob		Datagram, network header removed (owned by this
 *			call from now on)
 * @v netdev		Device it came in on
 * @v st_src		Source address
 * @v st_dest		Destination address
 * @v pshdr_csum	Pseudo-header checksum
 * @ret rc		Return status code
 */
static int udp_rx(struct io_buffer *iob, struct net_device *netdev,
		  struct sockaddr_tcpip *st_src, struct sockaddr_tcpip *st_dest,
		  uint16_t pshdr_csum)
{
	struct udp_header udphdr;
	struct udp_connection *udp;
	struct xfer_metadata meta;
	size_t len;
	int rc;

	if (iob_len(iob) < sizeof(udphdr)) {
		rc = -EINVAL_LENGTH;
		goto drop;
	}
	memcpy(&udphdr, iob->data, sizeof(udphdr));
	/* The pseudo-header counted the network payload, so the UDP
	 * length must be exactly that
	 */
	len = ntohs(udphdr.len);
	if (len != iob_len(iob)) {
		rc = -EINVAL_LENGTH;
		goto drop;
	}
	if (udphdr.chksum &&
	    tcpip_continue_chksum(pshdr_csum, iob->data, len) != 0) {
		rc = -EINVAL_CHECKSUM;
		goto drop;
	}
	st_src->st_port = udphdr.src;
	st_dest->st_port = udphdr.dest;
	udp = udp_demux(st_dest);
	if (!udp) {
		iob_free(iob);
		return -ENOTCONN_PORT;
	}
	iob_pull(iob, sizeof(udphdr));
	memset(&meta, 0, sizeof(meta));
	meta.src = (struct sockaddr *)st_src;
	meta.dest = (struct sockaddr *)st_dest;
	meta.netdev = netdev;
	return xfer_deliver(&udp->xfer, iob, &meta);

drop:
	netdev->rx_stats.errors++;
	netdev->rx_stats.last_error = rc;
	iob_free(iob);
	return rc;
}

/**
 * A destination reported one of our datagrams undeliverable
 *
 * Only a report about a datagram to the socket's own peer closes it: a
 * socket that sends to several destinations (DNS trying its servers, a
 * TFTP transfer once the server's port is known) goes on and lets its
 * user's timeouts decide.  The report must quote our port and the
 * peer's address and port, which a blind attacker has to guess.
 *
 * @v st_local		The quoted datagram's source (ours)
 * @v st_remote		The quoted datagram's destination
 * @v rc		What the report means
 */
static void udp_unreachable(struct sockaddr_tcpip *st_local,
			    struct sockaddr_tcpip *st_remote, int rc)
{
	struct sockaddr_in *sin_remote = (struct sockaddr_in *)st_remote;
	struct sockaddr_in *sin_peer;
	struct udp_connection *udp;

	list_for_each_entry(udp, &udp_connections, list) {
		sin_peer = (struct sockaddr_in *)&udp->peer;
		if (udp->promisc || udp->local.st_port != st_local->st_port ||
		    udp->peer.st_family != AF_INET ||
		    sin_peer->sin_port != sin_remote->sin_port ||
		    sin_peer->sin_addr.s_addr != sin_remote->sin_addr.s_addr)
			continue;
		ref_get(&udp->refcnt);
		udp_shutdown(udp, rc);
		ref_put(&udp->refcnt);
		return;
	}
}

/** The UDP transport */
struct tcpip_protocol udp_protocol __tcpip_protocol = {
	.name = "UDP",
	.tcpip_proto = IP_UDP,
	.zero_csum_ok = 1,
	.rx = udp_rx,
	.unreachable = udp_unreachable,
};

/** UDP sockets over IPv4 */
struct socket_opener udp_ipv4_opener __socket_opener = {
	.semantics = SOCK_DGRAM,
	.family = AF_INET,
	.open = udp_open,
};
