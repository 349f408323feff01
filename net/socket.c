/** @file
 *
 * Socket addresses
 */

#include <stddef.h>
#include <stdint.h>
#include "net/socket.h"
#include "net/ipv4.h"
#include "core/printf.h"

/**
 * Format an IPv6 address (RFC 5952: lower case, the longest run of two
 * or more zero groups shortened to "::")
 *
 * @v in6		Address
 * @v buf		Buffer
 * @v len		Size of buffer
 */
static void sock_format_in6(const struct in6_addr *in6, char *buf, size_t len)
{
	unsigned int groups[8];
	int best_start = -1;
	int best_len = 1;
	int run_start = -1;
	size_t used = 0;
	int i;

	for (i = 0; i < 8; i++) {
		groups[i] =
			((in6->s6_addr[2 * i] << 8) | in6->s6_addr[2 * i + 1]);
	}
	for (i = 0; i <= 8; i++) {
		if (i < 8 && groups[i] == 0) {
			if (run_start < 0)
				run_start = i;
			continue;
		}
		if (run_start >= 0 && (i - run_start) > best_len) {
			best_start = run_start;
			best_len = (i - run_start);
		}
		run_start = -1;
	}
	buf[0] = '\0';
	for (i = 0; i < 8 && used < len; i++) {
		if (i == best_start) {
			used += snprintf(buf + used, len - used, "::");
			i += (best_len - 1);
			continue;
		}
		used += snprintf(buf + used, len - used, "%s%x",
				 ((i && i != best_start + best_len) ? ":" : ""),
				 groups[i]);
	}
}

/**
 * Format a socket address (the address alone, without the port)
 *
 * @v sa		Socket address
 * @ret text		Text (a static buffer, overwritten by the next call)
 */
const char *sock_ntoa(const struct sockaddr *sa)
{
	static char text[48];
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		return inet_ntoa(sin->sin_addr);
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		sock_format_in6(&sin6->sin6_addr, text, sizeof(text));
		return text;
	default:
		snprintf(text, sizeof(text), "<family %u>", sa->sa_family);
		return text;
	}
}
