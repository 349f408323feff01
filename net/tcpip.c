/** @file
 *
 * The layer between transports and networks: dispatch over the tables
 * of transport protocols (by IP protocol number) and network protocols
 * (by address family)
 */

#include <stddef.h>
#include "net/tcpip.h"
#include "net/netdevice.h"
#include "core/iobuf.h"
#include "core/errors.h"

/** No transport for the IP protocol number */
#define EPROTONOSUPPORT_RX ERROR_CODE(ERRCLASS_EPROTONOSUPPORT, 1)
ERROR_MESSAGE(EPROTONOSUPPORT_RX, "Unknown IP protocol");
/** No network protocol for the address family */
#define EAFNOSUPPORT_TX ERROR_CODE(ERRCLASS_EAFNOSUPPORT, 1)
ERROR_MESSAGE(EAFNOSUPPORT_TX, "Address family not supported");

/**
 * Find the network protocol for an address family
 *
 * @v sa_family		Address family (AF_...)
 * @ret net_protocol	Network protocol, or NULL
 */
static struct tcpip_net_protocol *tcpip_net_protocol_find(int sa_family)
{
	struct tcpip_net_protocol *net_protocol;

	for_each_table_entry(net_protocol, TCPIP_NET_PROTOCOLS) {
		if (net_protocol->sa_family == sa_family)
			return net_protocol;
	}
	return NULL;
}

/**
 * Hand a received segment to its transport
 *
 * @v iob		Segment, network header removed (owned by this call
 *			from now on)
 * @v netdev		Device it came in on
 * @v tcpip_proto	IP protocol number
 * @v st_src		Source address
 * @v st_dest		Destination address
 * @v pshdr_csum	Pseudo-header checksum
 * @ret rc		Return status code
 */
int tcpip_rx(struct io_buffer *iob, struct net_device *netdev,
	     uint8_t tcpip_proto, struct sockaddr_tcpip *st_src,
	     struct sockaddr_tcpip *st_dest, uint16_t pshdr_csum)
{
	struct tcpip_protocol *tcpip_protocol;

	for_each_table_entry(tcpip_protocol, TCPIP_PROTOCOLS) {
		if (tcpip_protocol->tcpip_proto == tcpip_proto) {
			return tcpip_protocol->rx(iob, netdev, st_src, st_dest,
						  pshdr_csum);
		}
	}
	iob_free(iob);
	return -EPROTONOSUPPORT_RX;
}

/**
 * Tell a transport that a destination reported one of its packets
 * undeliverable
 *
 * @v tcpip_proto	IP protocol number of the packet
 * @v st_local		The packet's source (ours)
 * @v st_remote		The packet's destination
 * @v rc		What the report means (an error code)
 * @ret rc		Return status code (-EPROTONOSUPPORT_RX if no
 *			transport listens for such reports)
 */
int tcpip_unreachable(uint8_t tcpip_proto, struct sockaddr_tcpip *st_local,
		      struct sockaddr_tcpip *st_remote, int rc)
{
	struct tcpip_protocol *tcpip_protocol;

	for_each_table_entry(tcpip_protocol, TCPIP_PROTOCOLS) {
		if (tcpip_protocol->tcpip_proto == tcpip_proto &&
		    tcpip_protocol->unreachable) {
			tcpip_protocol->unreachable(st_local, st_remote, rc);
			return 0;
		}
	}
	return -EPROTONOSUPPORT_RX;
}

/**
 * Send a segment through the network protocol of its destination
 *
 * @v iob		Segment (owned by this call from now on)
 * @v tcpip_protocol	Transport protocol
 * @v st_src		Source address, or NULL to choose one
 * @v st_dest		Destination address
 * @v netdev		Device to send on, or NULL to route
 * @v trans_csum	Transport checksum field to complete, or NULL
 * @ret rc		Return status code
 */
int tcpip_tx(struct io_buffer *iob, struct tcpip_protocol *tcpip_protocol,
	     struct sockaddr_tcpip *st_src, struct sockaddr_tcpip *st_dest,
	     struct net_device *netdev, uint16_t *trans_csum)
{
	struct tcpip_net_protocol *net_protocol;

	net_protocol = tcpip_net_protocol_find(st_dest->st_family);
	if (!net_protocol) {
		iob_free(iob);
		return -EAFNOSUPPORT_TX;
	}
	return net_protocol->tx(iob, tcpip_protocol, st_src, st_dest, netdev,
				trans_csum);
}

/**
 * Find the device a destination would be reached through
 *
 * @v st_dest		Destination address
 * @ret netdev		Device, or NULL if unreachable
 */
struct net_device *tcpip_route(struct sockaddr_tcpip *st_dest)
{
	struct tcpip_net_protocol *net_protocol;

	net_protocol = tcpip_net_protocol_find(st_dest->st_family);
	if (!net_protocol || !net_protocol->route)
		return NULL;
	return net_protocol->route(st_dest);
}

/**
 * Largest transport segment that fits a destination's path without
 * fragmentation
 *
 * @v st_dest		Destination address
 * @ret mtu		Bytes available to the transport, or 0 if the
 *			destination is unreachable
 */
size_t tcpip_mtu(struct sockaddr_tcpip *st_dest)
{
	struct tcpip_net_protocol *net_protocol;
	struct net_device *netdev;

	net_protocol = tcpip_net_protocol_find(st_dest->st_family);
	if (!net_protocol || !net_protocol->route)
		return 0;
	netdev = net_protocol->route(st_dest);
	if (!netdev || netdev->mtu <= net_protocol->header_len)
		return 0;
	return (netdev->mtu - net_protocol->header_len);
}
