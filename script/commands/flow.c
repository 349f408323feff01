/** @file
 *
 * Flow control
 *
 *     goto <label>      carry on at the script line ":label"
 *     exit [<status>]   leave the script (or command line) with a status
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "script/script.h"

/**
 * Run "goto"
 *
 * Works only inside a script; the label is searched from the top of
 * the script.  A label that does not exist fails (so that
 * "goto host_${hostname} || goto unknown" works) with one error line.
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int goto_exec(int argc, char **argv)
{
	int rc;

	if (getopt_long(argc, argv, "", NULL, NULL) != -1 ||
	    optind != (argc - 1))
		return script_usage("goto <label>");
	if ((rc = script_goto(argv[optind])) != 0)
		error_print(rc, argv[optind]);
	return rc;
}

/** The "goto" command */
struct command goto_command __command = {
	.name = "goto",
	.usage = "goto <label>",
	.exec = goto_exec,
};

/**
 * Run "exit"
 *
 * The status (default 0) is what the script returns to whatever ran it
 * (on the host, the program's exit status).
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		The status
 */
static int exit_exec(int argc, char **argv)
{
	unsigned long status = 0;
	int rc;

	if (getopt_long(argc, argv, "", NULL, NULL) != -1 ||
	    (argc - optind) > 1)
		return script_usage("exit [<status>]");
	if (optind < argc &&
	    (rc = script_parse_integer(argv[optind], &status)) != 0)
		return rc;
	script_stop(SCRIPT_STOP_SCRIPT);
	if (status > 0x7fffffffUL)
		status = 0x7fffffffUL;
	return (int)status;
}

/** The "exit" command */
struct command exit_command __command = {
	.name = "exit",
	.usage = "exit [<status>]",
	.exec = exit_exec,
};
