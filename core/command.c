/** @file
 *
 * Finding and running commands
 */

#include <stddef.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/getopt.h"
#include "core/printf.h"
#include "core/string.h"

/** No command of that name */
#define ENOENT_COMMAND ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_COMMAND, "Command not found");
/** A command this build leaves out (config/rom.mk) */
#define ENOTSUP_COMMAND ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_COMMAND, "Command not in this build");

/**
 * Find a command by name
 *
 * @v name		Name
 * @ret command		Command, or NULL
 */
struct command *command_find(const char *name)
{
	struct command *command;

	for_each_table_entry(command, COMMANDS) {
		if (strcmp(command->name, name) == 0)
			return command;
	}
	return NULL;
}

/**
 * Run a command
 *
 * An unknown command is reported here; a command reports its own
 * failures (it knows the context: a URI, a device), so the caller only
 * looks at the status.
 *
 * @v argc		Number of arguments
 * @v argv		Arguments (argv[0] is the name), NULL-terminated
 * @ret rc		Return status code
 */
int command_exec(int argc, char **argv)
{
	struct command *command;

	if (argc < 1)
		return 0;
	command = command_find(argv[0]);
	if (!command) {
		error_print(-ENOENT_COMMAND, argv[0]);
		return -ENOENT_COMMAND;
	}
	getopt_reset();
	return command->exec(argc, argv);
}

/**
 * Run a command this build leaves out
 *
 * A build that leaves out commands (config/rom.mk) registers a stand-in
 * for each, made by util/omitted.py, so that a script using one fails
 * with a message saying why rather than "Command not found".
 *
 * @v argc		Number of arguments
 * @v argv		Arguments (argv[0] is the name)
 * @ret rc		Return status code (always an error)
 */
int command_not_built(int argc, char **argv)
{
	error_print(-ENOTSUP_COMMAND, ((argc > 0) ? argv[0] : NULL));
	return -ENOTSUP_COMMAND;
}
