/** @file
 *
 * ICMP over IPv4 (RFC 792): answering and sending echo requests
 *
 * Other types go to their handler in ICMP_HANDLERS if one is linked
 * (net/icmp_unreachable.c); the rest are counted and dropped.  Echo requests sent to a
 * broadcast or multicast address are ignored, as RFC 1122 3.2.2.6
 * allows, so Ferry never joins a broadcast storm.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/netdevice.h"
#include "net/tcpip.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/string.h"

/** Message too short */
#define EINVAL_LENGTH ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_LENGTH, "ICMP message too short");
/** Checksum wrong */
#define EINVAL_CHECKSUM ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_CHECKSUM, "Bad ICMP checksum");
/** Message ignored */
#define ENOTSUP_TYPE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_TYPE, "ICMP message ignored");


/** Echo listeners */
static LIST_HEAD(icmp_echo_listeners);

/** The ICMP transport (defined at the end) */
extern struct tcpip_protocol icmp_protocol;

/**
 * Start hearing echo replies, with an identifier no other listener has
 *
 * @v listener		Listener
 * @v op		What it does
 */
void icmp_echo_listen(struct icmp_echo_listener *listener,
		      const struct icmp_echo_operations *op)
{
	static uint16_t next_ident;
	struct icmp_echo_listener *other;
	int taken;

	do {
		listener->ident = ++next_ident;
		taken = 0;
		list_for_each_entry(other, &icmp_echo_listeners, list) {
			if (other->ident == listener->ident)
				taken = 1;
		}
	} while (taken);
	listener->op = op;
	list_add(&listener->list, &icmp_echo_listeners);
}

/**
 * Stop hearing echo replies
 *
 * @v listener		Listener
 */
void icmp_echo_unlisten(struct icmp_echo_listener *listener)
{
	list_del(&listener->list);
}

/**
 * Send an echo request
 *
 * @v listener		Listener (its identifier goes in the request)
 * @v dest		Destination
 * @v sequence		Sequence number (host byte order)
 * @v data		Data to carry
 * @v len		Length of data
 * @ret rc		Return status code
 */
int icmp_echo_request(struct icmp_echo_listener *listener,
		      struct sockaddr_tcpip *dest, uint16_t sequence,
		      const void *data, size_t len)
{
	struct icmp_echo *echo;
	struct io_buffer *iob;

	iob = iob_alloc_tx(sizeof(*echo) + len);
	if (!iob)
		return -ENOMEM;
	echo = iob_put(iob, sizeof(*echo));
	echo->icmp.type = ICMP_ECHO_REQUEST;
	echo->icmp.code = 0;
	echo->icmp.chksum = 0;
	echo->ident = htons(listener->ident);
	echo->sequence = htons(sequence);
	memcpy(iob_put(iob, len), data, len);
	echo->icmp.chksum = tcpip_chksum(iob->data, iob_len(iob));
	return tcpip_tx(iob, &icmp_protocol, NULL, dest, NULL, NULL);
}

/**
 * Hand an echo reply to its listener
 *
 * @v iob		Reply (owned by this call from now on)
 * @v st_src		Who replied
 * @ret rc		Return status code
 */
static int icmp_echo_reply_rx(struct io_buffer *iob,
			      struct sockaddr_tcpip *st_src)
{
	struct icmp_echo echo;
	struct icmp_echo_listener *listener;

	memcpy(&echo, iob->data, sizeof(echo));
	list_for_each_entry(listener, &icmp_echo_listeners, list) {
		if (htons(listener->ident) != echo.ident)
			continue;
		listener->op->reply(listener, st_src, ntohs(echo.sequence),
				    (iob->data + sizeof(echo)),
				    (iob_len(iob) - sizeof(echo)));
		break;
	}
	iob_free(iob);
	return 0;
}

/**
 * Receive an ICMP message
 *
 * @v iob		Message (owned by this call from now on)
 * @v netdev		Device it came in on
 * @v st_src		Source address
 * @v st_dest		Destination address
 * @v pshdr_csum	Pseudo-header checksum (ICMPv4 does not use it)
 * @ret rc		Return status code
 */
static int icmp_rx(struct io_buffer *iob, struct net_device *netdev,
		   struct sockaddr_tcpip *st_src,
		   struct sockaddr_tcpip *st_dest, uint16_t pshdr_csum)
{
	struct sockaddr_in *sin_dest = (struct sockaddr_in *)st_dest;
	struct icmp_handler *handler;
	struct icmp_echo *echo;
	int rc;

	if (iob_len(iob) < sizeof(struct icmp_header)) {
		rc = -EINVAL_LENGTH;
		goto drop;
	}
	if (tcpip_chksum(iob->data, iob_len(iob)) != 0) {
		rc = -EINVAL_CHECKSUM;
		goto drop;
	}
	echo = iob->data;
	if (echo->icmp.type != ICMP_ECHO_REQUEST &&
	    echo->icmp.type != ICMP_ECHO_REPLY) {
		for_each_table_entry(handler, ICMP_HANDLERS) {
			if (handler->type == echo->icmp.type)
				return handler->rx(iob, netdev);
		}
		iob_free(iob);
		return -ENOTSUP_TYPE;
	}
	if (iob_len(iob) < sizeof(*echo)) {
		rc = -EINVAL_LENGTH;
		goto drop;
	}
	if (echo->icmp.type == ICMP_ECHO_REPLY)
		return icmp_echo_reply_rx(iob, st_src);

	if (sin_dest->sin_addr.s_addr == INADDR_BROADCAST ||
	    IN_IS_MULTICAST(sin_dest->sin_addr.s_addr) ||
	    !ipv4_is_local(netdev, sin_dest->sin_addr)) {
		iob_free(iob);
		return -ENOTSUP_TYPE;
	}
	/* Turn the request into its reply, in place */
	echo->icmp.type = ICMP_ECHO_REPLY;
	echo->icmp.code = 0;
	echo->icmp.chksum = 0;
	echo->icmp.chksum = tcpip_chksum(iob->data, iob_len(iob));
	return tcpip_tx(iob, &icmp_protocol, st_dest, st_src, netdev, NULL);

drop:
	netdev->rx_stats.errors++;
	netdev->rx_stats.last_error = rc;
	iob_free(iob);
	return rc;
}

/** The ICMP transport */
struct tcpip_protocol icmp_protocol __tcpip_protocol = {
	.name = "ICMP",
	.tcpip_proto = IP_ICMP,
	.rx = icmp_rx,
};
