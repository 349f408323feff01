/** @file
 *
 * Tests for scripts
 *
 *     isset <value>            succeeds if the value is not empty
 *     iseq <value1> <value2>   succeeds if the values are equal
 *
 * Both take values, not setting names: "isset ${filename}" tests the
 * expanded text.  A false test is a failure status (iPXE's -ENOENT and
 * -ERANGE) and prints nothing, so "isset ${x} || ..." reads cleanly;
 * without "||" a false test stops a script, as in iPXE.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/string.h"
#include "script/script.h"

/**
 * Run "isset"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		0 if the value is not empty, else -ENOENT
 */
static int isset_exec(int argc, char **argv)
{
	if (getopt_long(argc, argv, "", NULL, NULL) != -1 ||
	    optind != (argc - 1))
		return script_usage("isset <value>");
	return (argv[optind][0] ? 0 : -ENOENT);
}

/** The "isset" command */
struct command isset_command __command = {
	.name = "isset",
	.usage = "isset <value>",
	.exec = isset_exec,
};

/**
 * Run "iseq"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		0 if the values are equal, else -ERANGE
 */
static int iseq_exec(int argc, char **argv)
{
	if (getopt_long(argc, argv, "", NULL, NULL) != -1 ||
	    optind != (argc - 2))
		return script_usage("iseq <value1> <value2>");
	return ((strcmp(argv[optind], argv[optind + 1]) == 0) ? 0 : -ERANGE);
}

/** The "iseq" command */
struct command iseq_command __command = {
	.name = "iseq",
	.usage = "iseq <value1> <value2>",
	.exec = iseq_exec,
};
