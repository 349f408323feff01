/** @file
 *
 * Host platform: the wall-clock time, from the system clock
 */

#include <stdint.h>
#include <time.h>
#include "core/platform.h"

/** Ferry's "I/O error" class (core/errors.h cannot be included next to
 * libc's headers)
 */
#define HOST_TIME_EIO (-(5 << 24))

/**
 * Read the wall-clock time
 *
 * @v unix_seconds	Seconds since 1970-01-01 00:00:00 UTC to fill in
 * @ret rc		Return status code
 */
int platform_time(uint64_t *unix_seconds)
{
	time_t now = time(NULL);

	if (now == (time_t)-1 || now < 0)
		return HOST_TIME_EIO;
	*unix_seconds = now;
	return 0;
}
