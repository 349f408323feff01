/** @file
 *
 * ICMP "port unreachable" (RFC 792): passed to the transport it concerns
 *
 * A host with nothing listening on a UDP port answers a datagram to it
 * with this error.  Passing it to the transport of the packet it quotes
 * (RFC 1122 4.1.3.3: UDP passes ICMP errors up) lets a TFTP request to a
 * host with no TFTP server fail at once with a clear error instead of
 * after every retry.  Option ROMs leave this object out (config/rom.mk):
 * there the request times out as before.
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
#include "core/string.h"

/** Message too short for what it must quote */
#define EINVAL_LENGTH ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_LENGTH, "ICMP error message too short");
/** Message ignored */
#define ENOTSUP_CODE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_CODE, "ICMP error ignored");
/** The destination has nothing listening on the port */
#define ECONNREFUSED_PORT ERROR_CODE(ERRCLASS_ECONNREFUSED, 1)
ERROR_MESSAGE(ECONNREFUSED_PORT,
	      "Connection refused (nothing listens on that port)");

/**
 * Pass a "port unreachable" error to the transport it concerns
 *
 * The message quotes the IP header and the first eight bytes of the
 * packet that could not be delivered (RFC 792); the first four of those
 * are the ports, for UDP and TCP alike.  Every read is bounded by the
 * message; a quote of someone else's packet, of a later fragment or of
 * a transport that does not listen for such errors is ignored.
 *
 * @v iob		Message, checksum checked (owned by this call)
 * @v netdev		Device it came in on
 * @ret rc		Return status code
 */
static int icmp_unreachable_rx(struct io_buffer *iob,
			       struct net_device *netdev)
{
	const uint8_t *quote = (iob->data + ICMP_ERROR_HEADER_LEN);
	const struct icmp_header *icmp = iob->data;
	struct sockaddr_in local;
	struct sockaddr_in remote;
	struct iphdr iphdr;
	uint16_t ports[2];
	size_t quote_len;
	size_t hlen;
	int rc = -ENOTSUP_CODE;

	if (icmp->code != ICMP_PORT_UNREACHABLE)
		goto done;
	if (iob_len(iob) < (ICMP_ERROR_HEADER_LEN + sizeof(iphdr))) {
		rc = -EINVAL_LENGTH;
		goto done;
	}
	quote_len = (iob_len(iob) - ICMP_ERROR_HEADER_LEN);
	memcpy(&iphdr, quote, sizeof(iphdr));
	hlen = ((iphdr.verhdrlen & 0x0f) * 4);
	if ((iphdr.verhdrlen >> 4) != 4 || hlen < sizeof(iphdr) ||
	    quote_len < (hlen + sizeof(ports))) {
		rc = -EINVAL_LENGTH;
		goto done;
	}
	if ((ntohs(iphdr.frags) & IP_MASK_OFFSET) ||
	    !ipv4_is_local(netdev, iphdr.src))
		goto done;
	memcpy(ports, (quote + hlen), sizeof(ports));
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_addr = iphdr.src;
	local.sin_port = ports[0];
	memset(&remote, 0, sizeof(remote));
	remote.sin_family = AF_INET;
	remote.sin_addr = iphdr.dest;
	remote.sin_port = ports[1];
	if (tcpip_unreachable(iphdr.protocol, (struct sockaddr_tcpip *)&local,
			      (struct sockaddr_tcpip *)&remote,
			      -ECONNREFUSED_PORT) == 0)
		rc = 0;
done:
	iob_free(iob);
	return rc;
}

/** The "destination unreachable" handler */
struct icmp_handler icmp_unreachable_handler __icmp_handler = {
	.type = ICMP_DEST_UNREACHABLE,
	.rx = icmp_unreachable_rx,
};
