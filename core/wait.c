/** @file
 *
 * Waiting, with Ctrl-C
 */

#include <stdint.h>
#include "core/wait.h"
#include "core/errors.h"
#include "core/keys.h"
#include "core/console.h"
#include "core/process.h"
#include "core/platform.h"

/**
 * Check whether the user pressed Ctrl-C
 *
 * Other keys typed meanwhile stay queued for the next prompt.
 *
 * @ret rc		-ECANCELED if Ctrl-C was pressed, else 0
 */
int wait_check_cancel(void)
{
	return (console_interrupted() ? -ECANCELED : 0);
}

/**
 * Wait, running the main loop, until a time passes or Ctrl-C
 *
 * @v ms		Milliseconds to wait
 * @ret rc		0, or -ECANCELED if Ctrl-C was pressed
 */
int wait_ms(unsigned long ms)
{
	uint64_t start = clock_ms();
	int rc;

	while ((clock_ms() - start) < ms) {
		rc = wait_check_cancel();
		if (rc != 0)
			return rc;
		step();
		platform_idle();
	}
	return 0;
}
