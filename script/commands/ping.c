/** @file
 *
 * "ping [--size N] [--timeout ms] [--count N] [--quiet] host": send ICMP
 * echo requests, one a second, and print a line per reply or timeout
 *
 * It ends after --count requests (never, by default) or on Ctrl-C, and
 * succeeds if any reply came back, as iPXE's does, so that scripts can
 * write "ping --count 1 ${gateway} || goto offline".  The host is an
 * IPv4 address (names once a resolver exists).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/getopt.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/process.h"
#include "core/string.h"
#include "core/wait.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/socket.h"

/** Data bytes in a request, by default */
#define PING_DEFAULT_SIZE       64
/** Most data bytes (what fits an Ethernet frame without fragmenting) */
#define PING_MAX_SIZE           1472
/** Time to wait for each reply, by default */
#define PING_DEFAULT_TIMEOUT_MS 1000
/** Time between requests */
#define PING_INTERVAL_MS        1000

/** Bad option value */
#define EINVAL_OPTION ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_OPTION, "Invalid ping option value");
/** Bad host */
#define EINVAL_HOST ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_HOST, "Not an IPv4 address");
/** No reply at all */
#define ETIMEDOUT_PING ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_PING, "No echo reply");

/** A ping in progress */
struct ping_session {
	/** Echo listener */
	struct icmp_echo_listener listener;
	/** Host pinged */
	struct sockaddr_in dest;
	/** Data bytes per request */
	size_t size;
	/** Sequence number of the request in flight */
	uint16_t sequence;
	/** When it was sent (clock_ms()) */
	uint64_t sent_ms;
	/** It was answered */
	int answered;
	/** Replies received */
	unsigned long received;
	/** Print nothing */
	int quiet;
};

/**
 * Fill or check the data of a request
 *
 * @v data		Data
 * @v len		Length
 * @v sequence		Sequence number (varies the pattern)
 * @v check		Check rather than fill
 * @ret matches		Data matches the pattern (when checking)
 */
static int ping_pattern(uint8_t *data, size_t len, uint16_t sequence, int check)
{
	size_t i;
	uint8_t byte;

	for (i = 0; i < len; i++) {
		byte = (uint8_t)(i + sequence);
		if (!check)
			data[i] = byte;
		else if (data[i] != byte)
			return 0;
	}
	return 1;
}

/**
 * An echo reply arrived
 *
 * @v listener		Listener
 * @v src		Who replied
 * @v sequence		Sequence number
 * @v data		Data
 * @v len		Length of data
 */
static void ping_reply(struct icmp_echo_listener *listener,
		       struct sockaddr_tcpip *src, uint16_t sequence,
		       const void *data, size_t len)
{
	struct ping_session *ping =
		container_of(listener, struct ping_session, listener);
	struct sockaddr_in *sin = (struct sockaddr_in *)src;
	unsigned long elapsed_ms = (clock_ms() - ping->sent_ms);

	/* Only the request in flight, from the host pinged, intact */
	if (ping->answered || sequence != ping->sequence ||
	    sin->sin_addr.s_addr != ping->dest.sin_addr.s_addr ||
	    len != ping->size ||
	    !ping_pattern((uint8_t *)data, len, sequence, 1))
		return;
	ping->answered = 1;
	ping->received++;
	if (!ping->quiet) {
		printf("%zu bytes from %s: seq=%u time=%lu ms\n", len,
		       inet_ntoa(sin->sin_addr), sequence, elapsed_ms);
	}
}

/** What a ping does with echo replies */
static const struct icmp_echo_operations ping_echo_operations = {
	.reply = ping_reply,
};

/**
 * Wait until a time has passed since the request was sent, or until it
 * is answered if that comes first
 *
 * @v ping		Ping
 * @v ms		Time since sending
 * @v until_answer	Stop when answered
 * @ret rc		0, or -ECANCELED on Ctrl-C
 */
static int ping_wait(struct ping_session *ping, unsigned long ms,
		     int until_answer)
{
	int rc;

	while ((clock_ms() - ping->sent_ms) < ms) {
		if (until_answer && ping->answered)
			return 0;
		rc = wait_check_cancel();
		if (rc != 0)
			return rc;
		step();
		platform_idle();
	}
	return 0;
}

/**
 * Parse a number option
 *
 * @v text		Text
 * @v min		Smallest value allowed
 * @v max		Largest value allowed
 * @v value		Value to fill in
 * @ret rc		Return status code
 */
static int ping_parse_number(const char *text, unsigned long min,
			     unsigned long max, unsigned long *value)
{
	char *end;

	*value = strtoul(text, &end, 10);
	if (!text[0] || *end || text[0] == '-' || *value < min ||
	    *value > max) {
		error_print(-EINVAL_OPTION, text);
		return -EINVAL_OPTION;
	}
	return 0;
}

/**
 * Run "ping"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int ping_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct ping_session ping;
	unsigned long size = PING_DEFAULT_SIZE;
	unsigned long timeout_ms = PING_DEFAULT_TIMEOUT_MS;
	unsigned long count = 0;
	unsigned long sent = 0;
	uint8_t data[PING_MAX_SIZE];
	int send_rc = 0;
	int option;
	int rc;

	memset(&ping, 0, sizeof(ping));
	while ((option = getopt_long(argc, argv, "s:t:c:q", options, NULL)) !=
	       -1) {
		switch (option) {
		case 's':
			rc = ping_parse_number(optarg, 0, PING_MAX_SIZE, &size);
			break;
		case 't':
			rc = ping_parse_number(optarg, 1, 3600000, &timeout_ms);
			break;
		case 'c':
			rc = ping_parse_number(optarg, 0, 0xffffffffUL, &count);
			break;
		case 'q':
			ping.quiet = 1;
			rc = 0;
			break;
		default:
			rc = -EINVAL;
			break;
		}
		if (rc != 0)
			return rc;
	}
	if (optind != (argc - 1)) {
		printf("usage: ping [--size N] [--timeout ms] [--count N] "
		       "[--quiet] host\n");
		return -EINVAL;
	}
	ping.dest.sin_family = AF_INET;
	if (!inet_aton(argv[optind], &ping.dest.sin_addr)) {
		error_print(-EINVAL_HOST, argv[optind]);
		return -EINVAL_HOST;
	}
	ping.size = size;

	icmp_echo_listen(&ping.listener, &ping_echo_operations);
	rc = 0;
	while (!count || sent < count) {
		/* One request a second: wait out the rest of the last */
		if (sent) {
			rc = ping_wait(&ping, PING_INTERVAL_MS, 0);
			if (rc != 0)
				break;
		}
		ping.sequence++;
		ping.answered = 0;
		ping.sent_ms = clock_ms();
		sent++;
		ping_pattern(data, size, ping.sequence, 0);
		rc = icmp_echo_request(&ping.listener,
				       (struct sockaddr_tcpip *)&ping.dest,
				       ping.sequence, data, size);
		if (rc != 0) {
			/* Reported, and remembered in case nothing works */
			if (!ping.quiet)
				error_print(rc, argv[optind]);
			send_rc = rc;
			rc = 0;
			continue;
		}
		rc = ping_wait(&ping, timeout_ms, 1);
		if (rc != 0)
			break;
		if (!ping.answered && !ping.quiet) {
			printf("%s: seq=%u timed out\n",
			       inet_ntoa(ping.dest.sin_addr), ping.sequence);
		}
	}
	icmp_echo_unlisten(&ping.listener);
	if (!ping.quiet) {
		printf("%s: %lu sent, %lu received\n",
		       inet_ntoa(ping.dest.sin_addr), sent, ping.received);
	}
	if (rc != 0)
		return rc;
	if (ping.received)
		return 0;
	if (send_rc != 0)
		return send_rc;
	if (!ping.quiet)
		error_print(-ETIMEDOUT_PING, argv[optind]);
	return -ETIMEDOUT_PING;
}

/** The "ping" command */
struct command ping_command __command = {
	.name = "ping",
	.usage = "ping [--size N] [--timeout ms] [--count N] [--quiet] host",
	.exec = ping_exec,
};
