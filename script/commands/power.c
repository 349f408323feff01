/** @file
 *
 * "reboot [-w]" and "poweroff"
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/init.h"
#include "core/platform.h"
#include "core/errors.h"

/**
 * Run "reboot"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code (only if the reboot failed)
 */
static int reboot_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "warm", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int warm = 0;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "w", options, NULL)) != -1) {
		if (option == 'w')
			warm = 1;
		else
			return -EINVAL;
	}
	shutdown_run_all(0);
	rc = platform_reboot(warm);
	error_print(rc, "reboot");
	return rc;
}

/**
 * Run "poweroff"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code (only if powering off failed)
 */
static int poweroff_exec(int argc, char **argv)
{
	int rc;

	shutdown_run_all(0);
	rc = platform_poweroff();
	error_print(rc, "poweroff");
	return rc;
}

/** The "reboot" command */
struct command reboot_command __command = {
	.name = "reboot",
	.usage = "reboot [-w|--warm]",
	.exec = reboot_exec,
};

/** The "poweroff" command */
struct command poweroff_command __command = {
	.name = "poweroff",
	.usage = "poweroff",
	.exec = poweroff_exec,
};
