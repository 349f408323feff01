/** @file
 *
 * Host platform: the console on standard input and output
 *
 * On a terminal, input is switched to raw mode so that Ctrl-C and the
 * arrow keys reach Ferry as bytes, as they would over a serial line.
 * Output is buffered and flushed at each line end and before reading.
 * The end of standard input ends the program.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "arch/host/host.h"
#include "core/console.h"

/** Size of the output buffer */
#define HOST_CONSOLE_BUFFER 4096

/** Output buffer */
static char host_console_buffer[HOST_CONSOLE_BUFFER];
/** Bytes in the output buffer */
static size_t host_console_used;
/** Terminal settings to restore at exit */
static struct termios host_console_saved;
/** Terminal settings were changed */
static int host_console_raw;

/**
 * Write out buffered output
 */
void host_console_flush(void)
{
	size_t done = 0;
	ssize_t len;

	while (done < host_console_used) {
		len = write(STDOUT_FILENO, (host_console_buffer + done),
			    (host_console_used - done));
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		done += len;
	}
	host_console_used = 0;
}

/**
 * Restore the terminal (at exit)
 */
static void host_console_restore(void)
{
	host_console_flush();
	if (host_console_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &host_console_saved);
}

/**
 * Set up the console: raw mode on a terminal
 */
void host_console_init(void)
{
	struct termios raw;

	atexit(host_console_restore);
	if (!isatty(STDIN_FILENO) ||
	    tcgetattr(STDIN_FILENO, &host_console_saved) != 0)
		return;
	raw = host_console_saved;
	raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(ICRNL | IXON);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		host_console_raw = 1;
}

/**
 * Write a byte
 *
 * @v character		Byte
 */
static void host_console_putchar(int character)
{
	host_console_buffer[host_console_used++] = character;
	if (character == '\n' || host_console_used == HOST_CONSOLE_BUFFER)
		host_console_flush();
}

/**
 * Read a byte if one is ready
 *
 * At the end of input the console says so (input_ended); the shell
 * then ends the program, while scripts run on undisturbed.
 *
 * @ret character	Byte, or -1 if none is ready
 */
static int host_console_getchar(void)
{
	struct pollfd pollfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char byte;
	ssize_t len;

	host_console_flush();
	if (host_console.input_ended || poll(&pollfd, 1, 0) <= 0)
		return -1;
	len = read(STDIN_FILENO, &byte, 1);
	if (len == 1)
		return byte;
	if (len < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	host_console.input_ended = 1;
	return -1;
}

/** The standard input and output console */
struct console_driver host_console __console_driver = {
	.name = "stdio",
	.putchar = host_console_putchar,
	.getchar = host_console_getchar,
	.usage = (CONSOLE_OUTPUT | CONSOLE_INPUT),
};
