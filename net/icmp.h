#ifndef NET_ICMP_H
#define NET_ICMP_H

/** @file
 *
 * ICMP over IPv4 (RFC 792)
 *
 * Ferry answers echo requests sent to its addresses.  Its own echo
 * requests (the ping command) go out through icmp_echo_request(), and
 * replies come back to the listener whose identifier they carry.  Other
 * message types go to a handler in ICMP_HANDLERS, if one is linked.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "core/tables.h"
#include "net/socket.h"

struct io_buffer;
struct net_device;

/** An ICMP header */
struct icmp_header {
	/** Type (ICMP_...) */
	uint8_t type;
	/** Code */
	uint8_t code;
	/** Checksum of the whole message */
	uint16_t chksum;
} __attribute__((packed));

/** An ICMP echo request or reply header */
struct icmp_echo {
	/** ICMP header */
	struct icmp_header icmp;
	/** Identifier (network byte order) */
	uint16_t ident;
	/** Sequence number (network byte order) */
	uint16_t sequence;
} __attribute__((packed));

/** Echo reply */
#define ICMP_ECHO_REPLY   0
/** Destination unreachable */
#define ICMP_DEST_UNREACHABLE 3
/** Echo request */
#define ICMP_ECHO_REQUEST 8

/** Destination unreachable code: the port has no listener */
#define ICMP_PORT_UNREACHABLE 3

/** Bytes before the quoted packet in an error message (type, code,
 * checksum, four unused bytes) */
#define ICMP_ERROR_HEADER_LEN 8

struct icmp_echo_listener;

/** What an echo listener does */
struct icmp_echo_operations {
	/**
	 * An echo reply arrived
	 *
	 * @v listener		Listener
	 * @v src		Who replied
	 * @v sequence		Sequence number (host byte order)
	 * @v data		Data after the echo header
	 * @v len		Length of data
	 */
	void (*reply)(struct icmp_echo_listener *listener,
		      struct sockaddr_tcpip *src, uint16_t sequence,
		      const void *data, size_t len);
};

/** Something that sends echo requests and hears the replies */
struct icmp_echo_listener {
	/** Link in the list of listeners */
	struct list_head list;
	/** Identifier carried by its requests (host byte order) */
	uint16_t ident;
	/** What it does */
	const struct icmp_echo_operations *op;
};

/** A handler for one type of ICMP message (other than echo) */
struct icmp_handler {
	/** Message type (ICMP_...) */
	uint8_t type;
	/**
	 * Receive a message of this type
	 *
	 * @v iob		Message, checksum checked (owned by the
	 *			handler from now on)
	 * @v netdev		Device it came in on
	 * @ret rc		Return status code
	 */
	int (*rx)(struct io_buffer *iob, struct net_device *netdev);
};

/** Table of ICMP handlers */
#define ICMP_HANDLERS __table(struct icmp_handler, icmp_handlers)
/** Declare an ICMP handler */
#define __icmp_handler __table_entry(ICMP_HANDLERS, 01)

extern void icmp_echo_listen(struct icmp_echo_listener *listener,
			     const struct icmp_echo_operations *op);
extern void icmp_echo_unlisten(struct icmp_echo_listener *listener);
extern int icmp_echo_request(struct icmp_echo_listener *listener,
			     struct sockaddr_tcpip *dest, uint16_t sequence,
			     const void *data, size_t len);

#endif /* NET_ICMP_H */
