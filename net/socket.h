#ifndef NET_SOCKET_H
#define NET_SOCKET_H

/** @file
 *
 * Socket addresses
 *
 * struct sockaddr is large enough for every family Ferry speaks, so a
 * caller can keep any address in one without knowing its family.
 */

#include <stdint.h>

/** Address families */
#define AF_INET 2
#define AF_INET6 10

/** Socket semantics */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/** Size of the largest socket address */
#define SOCKADDR_SIZE 32

/** Any socket address */
struct sockaddr {
	/** Family (AF_...) */
	uint16_t sa_family;
	/** Family-specific data */
	uint8_t sa_data[SOCKADDR_SIZE - sizeof(uint16_t)];
} __attribute__((aligned(8)));

/** The part every TCP/IP socket address shares */
struct sockaddr_tcpip {
	/** Family (AF_INET, AF_INET6) */
	uint16_t st_family;
	/** Port (network byte order) */
	uint16_t st_port;
	/** Family-specific data */
	uint8_t st_data[SOCKADDR_SIZE - 2 * sizeof(uint16_t)];
} __attribute__((aligned(8)));

/** An IPv4 address (network byte order) */
struct in_addr {
	uint32_t s_addr;
};

/** An IPv4 socket address */
struct sockaddr_in {
	/** Family (AF_INET) */
	uint16_t sin_family;
	/** Port (network byte order) */
	uint16_t sin_port;
	/** Address */
	struct in_addr sin_addr;
	/** Scope: network device index for link-local and broadcast use,
	 * or 0 */
	uint16_t sin_scope_id;
	/** Padding to the common size */
	uint8_t pad[SOCKADDR_SIZE - 2 * sizeof(uint16_t) -
		    sizeof(struct in_addr) - sizeof(uint16_t)];
} __attribute__((aligned(8)));

/** An IPv6 address */
struct in6_addr {
	uint8_t s6_addr[16];
};

/** An IPv6 socket address */
struct sockaddr_in6 {
	/** Family (AF_INET6) */
	uint16_t sin6_family;
	/** Port (network byte order) */
	uint16_t sin6_port;
	/** Scope: network device index */
	uint32_t sin6_scope_id;
	/** Address */
	struct in6_addr sin6_addr;
	/** Padding to the common size */
	uint8_t pad[SOCKADDR_SIZE - 2 * sizeof(uint16_t) - sizeof(uint32_t) -
		    sizeof(struct in6_addr)];
} __attribute__((aligned(8)));

extern const char *sock_ntoa(const struct sockaddr *sa);

#endif /* NET_SOCKET_H */
