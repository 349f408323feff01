#ifndef NET_TCPIP_H
#define NET_TCPIP_H

/** @file
 *
 * The layer between transports (TCP, UDP, ICMP) and networks (IPv4, and
 * IPv6 later)
 *
 * Checksums follow one convention everywhere: tcpip_chksum() and
 * tcpip_continue_chksum() return the complemented ones'-complement sum
 * of everything summed so far (TCPIP_EMPTY_CSUM for nothing).  A
 * transport fills its checksum field with tcpip_chksum() of its header
 * and payload (field zero while summing) and passes a pointer to that
 * field down; the network layer folds its pseudo-header into it.  On
 * receive the network layer passes the sum of its pseudo-header, and
 * the transport checks that continuing it over the whole segment gives
 * zero.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/tables.h"
#include "net/socket.h"

struct io_buffer;
struct net_device;

/** IP protocol numbers */
#define IP_ICMP 1
#define IP_TCP 6
#define IP_UDP 17
#define IP_ICMP6 58

/** Checksum of nothing */
#define TCPIP_EMPTY_CSUM 0xffff

/** A transport protocol */
struct tcpip_protocol {
	/** Name */
	const char *name;
	/** IP protocol number */
	uint8_t tcpip_proto;
	/** A zero checksum means "none" (UDP over IPv4) */
	int zero_csum_ok;
	/**
	 * Receive a segment
	 *
	 * @v iob		Segment, network header removed (owned by the
	 *			callee from now on)
	 * @v netdev		Device it came in on
	 * @v st_src		Source address
	 * @v st_dest		Destination address
	 * @v pshdr_csum	Pseudo-header checksum
	 * @ret rc		Return status code
	 */
	int (*rx)(struct io_buffer *iob, struct net_device *netdev,
		  struct sockaddr_tcpip *st_src,
		  struct sockaddr_tcpip *st_dest, uint16_t pshdr_csum);
	/**
	 * A destination reported one of this transport's packets
	 * undeliverable (an ICMP error quoting it); optional
	 *
	 * @v st_local		The quoted packet's source (ours)
	 * @v st_remote		The quoted packet's destination
	 * @v rc		What the report means (an error code)
	 */
	void (*unreachable)(struct sockaddr_tcpip *st_local,
			    struct sockaddr_tcpip *st_remote, int rc);
};

/** Table of transport protocols */
#define TCPIP_PROTOCOLS __table(struct tcpip_protocol, tcpip_protocols)
/** Declare a transport protocol */
#define __tcpip_protocol __table_entry(TCPIP_PROTOCOLS, 01)

/** A network protocol that carries transports */
struct tcpip_net_protocol {
	/** Name */
	const char *name;
	/** Address family */
	int sa_family;
	/** Length of the network header this protocol adds */
	size_t header_len;
	/**
	 * Send a segment
	 *
	 * @v iob		Segment (owned by the callee from now on)
	 * @v tcpip_protocol	Transport protocol
	 * @v st_src		Source address, or NULL to choose one
	 * @v st_dest		Destination address
	 * @v netdev		Device to send on, or NULL to route
	 * @v trans_csum	Transport checksum field to complete, or NULL
	 * @ret rc		Return status code
	 */
	int (*tx)(struct io_buffer *iob, struct tcpip_protocol *tcpip_protocol,
		  struct sockaddr_tcpip *st_src,
		  struct sockaddr_tcpip *st_dest, struct net_device *netdev,
		  uint16_t *trans_csum);
	/**
	 * Device a destination would be reached through
	 *
	 * @v st_dest		Destination address
	 * @ret netdev		Device, or NULL if unreachable
	 */
	struct net_device *(*route)(struct sockaddr_tcpip *st_dest);
};

/** Table of network protocols that carry transports */
#define TCPIP_NET_PROTOCOLS \
	__table(struct tcpip_net_protocol, tcpip_net_protocols)
/** Declare a network protocol that carries transports */
#define __tcpip_net_protocol __table_entry(TCPIP_NET_PROTOCOLS, 01)

extern int tcpip_rx(struct io_buffer *iob, struct net_device *netdev,
		    uint8_t tcpip_proto, struct sockaddr_tcpip *st_src,
		    struct sockaddr_tcpip *st_dest, uint16_t pshdr_csum);
extern int tcpip_unreachable(uint8_t tcpip_proto,
			     struct sockaddr_tcpip *st_local,
			     struct sockaddr_tcpip *st_remote, int rc);
extern int tcpip_tx(struct io_buffer *iob,
		    struct tcpip_protocol *tcpip_protocol,
		    struct sockaddr_tcpip *st_src,
		    struct sockaddr_tcpip *st_dest, struct net_device *netdev,
		    uint16_t *trans_csum);
extern struct net_device *tcpip_route(struct sockaddr_tcpip *st_dest);
extern size_t tcpip_mtu(struct sockaddr_tcpip *st_dest);
extern uint16_t tcpip_continue_chksum(uint16_t sum, const void *data,
				      size_t len);
extern uint16_t tcpip_chksum(const void *data, size_t len);
extern uint32_t tcpip_sum_blocks(const void *data, size_t blocks);

#endif /* NET_TCPIP_H */
