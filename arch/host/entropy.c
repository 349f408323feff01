/** @file
 *
 * Host platform: entropy sources (the kernel's generator, and a
 * nanosecond clock for jitter)
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include "core/platform.h"

/** Ferry's "I/O error" class (core/errors.h cannot be included next to
 * libc's errno.h)
 */
#define HOST_RANDOM_EIO (-(5 << 24))

/**
 * Read random bytes from the kernel's generator
 *
 * @v buf		Buffer to fill
 * @v len		Length
 * @ret rc		Return status code
 */
int platform_random(void *buf, size_t len)
{
	uint8_t *bytes = buf;
	ssize_t got;

	while (len) {
		got = getrandom(bytes, len, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return HOST_RANDOM_EIO;
		}
		bytes += got;
		len -= got;
	}
	return 0;
}

/**
 * Read a fast counter: the monotonic clock in nanoseconds
 *
 * @ret cycles		Counter value
 */
uint64_t platform_cycles(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (((uint64_t)now.tv_sec * 1000000000ULL) + now.tv_nsec);
}
