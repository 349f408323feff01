/** @file
 *
 * Host platform: clock, idling, power and files
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "arch/host/host.h"
#include "core/platform.h"
#include "core/malloc.h"

const char platform_name[] = "host";
const char platform_buildarch[] = "x86_64";

/** Milliseconds added to the monotonic clock.  Only ever grows: fuzz
 * targets move time on with it, so that timeouts fire without waiting.
 */
unsigned long long host_clock_skew_ms;

/**
 * Read the monotonic clock
 *
 * @ret ms		Milliseconds
 */
uint64_t clock_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((uint64_t)now.tv_sec * 1000) + (now.tv_nsec / 1000000) +
	       host_clock_skew_ms;
}

/**
 * Busy-wait (here: sleep)
 *
 * @v us		Microseconds
 */
void udelay(unsigned long us)
{
	struct timespec delay = { .tv_sec = (us / 1000000),
				  .tv_nsec = ((us % 1000000) * 1000) };

	while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
		;
}

/**
 * Wait briefly for input, so an idle Ferry does not spin a host CPU
 */
void platform_idle(void)
{
	struct pollfd pollfd = { .fd = STDIN_FILENO, .events = POLLIN };

	poll(&pollfd, 1, 1);
}

/**
 * Leave the program
 *
 * @v status		Exit status
 */
void host_exit(int status)
{
	host_console_flush();
	exit(status);
}

/**
 * "Reboot": on the host, the program ends
 *
 * @v warm		Unused
 * @ret rc		Does not return
 */
int platform_reboot(int warm)
{
	host_exit(0);
}

/**
 * "Power off": on the host, the program ends
 *
 * @ret rc		Does not return
 */
int platform_poweroff(void)
{
	host_exit(0);
}

/**
 * Read a whole file into the heap
 *
 * @v path		Path
 * @v data		Contents (heap; NUL-terminated for convenience)
 * @v len		Length
 * @ret rc		0, or -1 with errno set
 */
int host_read_file(const char *path, char **data, unsigned long *len)
{
	struct stat st;
	ssize_t got;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto err;
	*data = heap_alloc(st.st_size + 1);
	if (!*data) {
		errno = ENOMEM;
		goto err;
	}
	while (done < (size_t)st.st_size) {
		got = read(fd, (*data + done), (st.st_size - done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += got;
	}
	(*data)[done] = '\0';
	*len = done;
	close(fd);
	return 0;
err:
	close(fd);
	return -1;
}

/**
 * Open a regular file for reading
 *
 * @v path		Path
 * @v size		Size of the file
 * @ret fd		File descriptor, or -1
 */
int host_file_open(const char *path, unsigned long long *size)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/**
 * Read from a file
 *
 * @v fd		File descriptor
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret len		Bytes read, 0 at the end, or -1 on error
 */
long host_file_read(int fd, void *buf, unsigned long len)
{
	ssize_t got;

	do {
		got = read(fd, buf, len);
	} while (got < 0 && errno == EINTR);
	return got;
}

/**
 * Close a file
 *
 * @v fd		File descriptor
 */
void host_file_close(int fd)
{
	close(fd);
}
