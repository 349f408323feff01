/** @file
 *
 * "sleep <seconds>": wait (Ctrl-C stops it early, with a failure status)
 */

#include <stddef.h>
#include "core/command.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/wait.h"

/** Most seconds sleep accepts (a day) */
#define SLEEP_MAX_SECONDS 86400

/** Bad argument */
#define EINVAL_SLEEP ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_SLEEP, "Invalid number of seconds");

/**
 * Run "sleep"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int sleep_exec(int argc, char **argv)
{
	unsigned long seconds;
	char *end;
	int rc;

	if (argc != 2) {
		printf("usage: sleep <seconds>\n");
		return -EINVAL;
	}
	seconds = strtoul(argv[1], &end, 10);
	if (!argv[1][0] || *end || argv[1][0] == '-' ||
	    seconds > SLEEP_MAX_SECONDS) {
		error_print(-EINVAL_SLEEP, argv[1]);
		return -EINVAL_SLEEP;
	}
	rc = wait_ms(seconds * 1000);
	if (rc != 0)
		printf("sleep: interrupted\n");
	return rc;
}

/** The "sleep" command */
struct command sleep_command __command = {
	.name = "sleep",
	.usage = "sleep <seconds>",
	.exec = sleep_exec,
};
