#ifndef NET_UDP_H
#define NET_UDP_H

/** @file
 *
 * UDP (RFC 768)
 *
 * UDP sockets are opened with xfer_open_socket(parent, SOCK_DGRAM, peer,
 * local) and are data-transfer endpoints: each datagram is one
 * xfer_deliver() each way.  A datagram received is delivered with
 * metadata naming its source, its destination and the device it came
 * in on.  A datagram sent goes to the peer the socket was opened with,
 * or to meta->dest when the metadata gives one; meta->netdev, when
 * given, sends it out of that device.  Sending from a device with no
 * address to 255.255.255.255 (DHCP) works either way: with
 * meta->netdev, or with the broadcast destination's sin_scope_id set to
 * the device's index.
 *
 * A socket receives every datagram for its local port (and its local
 * address, if it was bound to one), whatever the source: DHCP talks to
 * 255.255.255.255 and hears from the server's own address.
 */

#include <stdint.h>

/** A UDP header (naturally aligned: no packing needed) */
struct udp_header {
	/** Source port */
	uint16_t src;
	/** Destination port */
	uint16_t dest;
	/** Length of header and payload */
	uint16_t len;
	/** Checksum (0: none) */
	uint16_t chksum;
};

/** First port given to sockets opened without a local port */
#define UDP_EPHEMERAL_MIN 49152
/** Last such port */
#define UDP_EPHEMERAL_MAX 65535

struct xfer;

extern int udp_open_promisc(struct xfer *parent);

#endif /* NET_UDP_H */
