/** @file
 *
 * "help [command]": list the commands, or show one's usage
 */

#include <stddef.h>
#include "core/command.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/errors.h"

/** Width of one column in the command list */
#define HELP_COLUMN_WIDTH 12
/** Columns in the command list */
#define HELP_COLUMNS 6

/** No such command to describe */
#define ENOENT_HELP ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_HELP, "Command not found");

/**
 * Run "help"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int help_exec(int argc, char **argv)
{
	struct command *command;
	const char *previous;
	const char *next;
	unsigned int column = 0;

	if (argc > 1) {
		command = command_find(argv[1]);
		if (!command) {
			error_print(-ENOENT_HELP, argv[1]);
			return -ENOENT_HELP;
		}
		printf("usage: %s\n", command->usage);
		return 0;
	}

	/* Alphabetical order: pick the next name each pass (tables are
	 * small, and this needs no memory).
	 */
	printf("Available commands:\n\n");
	for (previous = NULL;; previous = next) {
		next = NULL;
		for_each_table_entry(command, COMMANDS) {
			if (previous && strcmp(command->name, previous) <= 0)
				continue;
			if (!next || strcmp(command->name, next) < 0)
				next = command->name;
		}
		if (!next)
			break;
		printf("%-*s", HELP_COLUMN_WIDTH, next);
		if (++column == HELP_COLUMNS) {
			printf("\n");
			column = 0;
		}
	}
	if (column)
		printf("\n");
	printf("\nType \"help <command>\" for a command's usage.\n");
	return 0;
}

/** The "help" command */
struct command help_command __command = {
	.name = "help",
	.usage = "help [command]",
	.exec = help_exec,
};
