#ifndef NET_DHCP_OPTIONS_H
#define NET_DHCP_OPTIONS_H

/** @file
 *
 * DHCP packets and options: building and parsing, bounded
 *
 * A DHCP packet is a BOOTP header (RFC 951, RFC 2131) followed by the
 * magic cookie and options (RFC 2132).  Each option is a tag byte, a
 * length byte and that many bytes of data, except PAD (0) and END (255)
 * which are a single byte.  The file and sname fields of the header may
 * hold more options when the "option overload" option (52) says so.
 * An option longer than 255 bytes is split into several options with
 * the same tag, which are joined back together in order (RFC 3396).
 *
 * Received packets are untrusted: dhcp_packet_parse() checks every
 * option of every area against the packet's length before anything
 * reads from it, and the lookups below only walk what it accepted.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/socket.h"
#include "net/dhcp_tags.h"

/* Option tags: net/dhcp_tags.h (shared with the protocols configured
 * from DHCP) */

/* Options encapsulated in 175 (iPXE's numbers, so configurations
 * written for iPXE see the same values) */
/** Priority of an offer (signed 8 bits; higher wins) */
#define DHCP_EB_PRIORITY   1
/** The server says: do not wait for proxyDHCP offers */
#define DHCP_EB_NO_PXEDHCP 176
/** Bus type and IDs of the device DHCP runs on */
#define DHCP_EB_BUS_ID     177

/** BOOTP/DHCP server port */
#define BOOTPS_PORT 67
/** BOOTP/DHCP client port */
#define BOOTPC_PORT 68
/** PXE boot server and proxyDHCP port */
#define PXE_PORT    4011

/** A BOOTP/DHCP packet header */
struct dhcphdr {
	/** Operation (BOOTP_REQUEST, BOOTP_REPLY) */
	uint8_t op;
	/** Hardware address type (1 for Ethernet) */
	uint8_t htype;
	/** Hardware address length */
	uint8_t hlen;
	/** Relay hops */
	uint8_t hops;
	/** Transaction ID */
	uint32_t xid;
	/** Seconds since the client started */
	uint16_t secs;
	/** Flags (BOOTP_FLAG_BROADCAST) */
	uint16_t flags;
	/** Client's address, when it already has one */
	struct in_addr ciaddr;
	/** "Your" address: what the server gives the client */
	struct in_addr yiaddr;
	/** Next server to use (boot server) */
	struct in_addr siaddr;
	/** Relay agent's address */
	struct in_addr giaddr;
	/** Client hardware address */
	uint8_t chaddr[16];
	/** Server host name, or options when overloaded */
	char sname[64];
	/** Boot file name, or options when overloaded */
	char file[128];
	/** Magic cookie (DHCP_MAGIC_COOKIE, network byte order) */
	uint32_t magic;
} __attribute__((packed));

/** BOOTP operations */
#define BOOTP_REQUEST 1
#define BOOTP_REPLY   2

/** Hardware type of Ethernet */
#define BOOTP_HTYPE_ETHERNET 1

/** Ask the server to broadcast its reply (we cannot take unicasts yet) */
#define BOOTP_FLAG_BROADCAST 0x8000

/** The DHCP magic cookie (host byte order) */
#define DHCP_MAGIC_COOKIE 0x63825363

/** Shortest BOOTP packet: header and a 64-byte vendor area (RFC 951) */
#define DHCP_MIN_LEN 300

/** Largest packet Ferry builds or accepts (an Ethernet MTU of IP) */
#define DHCP_MAX_LEN 1472

/** DHCP message types (option 53) */
#define DHCPDISCOVER 1
#define DHCPOFFER    2
#define DHCPREQUEST  3
#define DHCPDECLINE  4
#define DHCPACK      5
#define DHCPNAK      6
#define DHCPRELEASE  7
#define DHCPINFORM   8

/** Option overload values (option 52) */
#define DHCP_OVERLOAD_FILE  1
#define DHCP_OVERLOAD_SNAME 2

/** One option found in a packet (pointing into the packet) */
struct dhcp_option {
	/** Tag */
	uint8_t tag;
	/** Length of the data */
	uint8_t len;
	/** Data */
	const uint8_t *data;
};

/** Largest number of option areas: options, then file, then sname */
#define DHCP_MAX_AREAS 3

/** A received packet that dhcp_packet_parse() accepted */
struct dhcp_packet {
	/** The header (points into the caller's buffer) */
	const struct dhcphdr *hdr;
	/** Length of the whole packet */
	size_t len;
	/** Option areas, in the order they are searched */
	const uint8_t *area[DHCP_MAX_AREAS];
	/** Lengths of the option areas */
	size_t area_len[DHCP_MAX_AREAS];
	/** Number of option areas */
	unsigned int num_areas;
	/** Option overload flags (DHCP_OVERLOAD_...) */
	unsigned int overload;
	/** DHCP message type, or 0 for a plain BOOTP packet */
	unsigned int msg_type;
};

/** Something that appends options to a buffer */
struct dhcp_option_writer {
	/** Buffer */
	uint8_t *data;
	/** Bytes written */
	size_t len;
	/** Size of the buffer */
	size_t max_len;
};

extern void dhcp_writer_init(struct dhcp_option_writer *writer, void *data,
			     size_t max_len);
extern int dhcp_writer_append(struct dhcp_option_writer *writer,
			      unsigned int tag, const void *data, size_t len);
extern int dhcp_writer_append_u8(struct dhcp_option_writer *writer,
				 unsigned int tag, uint8_t value);
extern int dhcp_writer_finish(struct dhcp_option_writer *writer);

extern int dhcp_option_next(const uint8_t *area, size_t len, size_t *offset,
			    struct dhcp_option *option);
extern int dhcp_options_validate(const uint8_t *area, size_t len);

extern int dhcp_packet_parse(struct dhcp_packet *packet, const void *data,
			     size_t len);
extern int dhcp_packet_option(const struct dhcp_packet *packet,
			      unsigned int tag, void *buf, size_t len);
extern int dhcp_packet_fetch(const struct dhcp_packet *packet, uint32_t tag,
			     void *buf, size_t len);
extern int dhcp_packet_has_boot_file(const struct dhcp_packet *packet);
extern int dhcp_encap_option(const uint8_t *encap, size_t encap_len,
			     unsigned int tag, void *buf, size_t len);

#endif /* NET_DHCP_OPTIONS_H */
