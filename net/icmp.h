#ifndef NET_ICMP_H
#define NET_ICMP_H

/** @file
 *
 * ICMP over IPv4 (RFC 792): echo
 *
 * Ferry answers echo requests sent to its addresses.  Its own echo
 * requests (the ping command) go out through icmp_echo_request(), and
 * replies come back to the listener whose identifier they carry.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "net/socket.h"

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
/** Echo request */
#define ICMP_ECHO_REQUEST 8

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

extern void icmp_echo_listen(struct icmp_echo_listener *listener,
			     const struct icmp_echo_operations *op);
extern void icmp_echo_unlisten(struct icmp_echo_listener *listener);
extern int icmp_echo_request(struct icmp_echo_listener *listener,
			     struct sockaddr_tcpip *dest, uint16_t sequence,
			     const void *data, size_t len);

#endif /* NET_ICMP_H */
