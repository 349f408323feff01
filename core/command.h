#ifndef CORE_COMMAND_H
#define CORE_COMMAND_H

/** @file
 *
 * Commands
 *
 * Each command is a table entry; adding a command is adding a file.
 */

#include "core/tables.h"

/** A command */
struct command {
	/** Name */
	const char *name;
	/** One-line usage, shown by "help NAME" and on bad options */
	const char *usage;
	/**
	 * Run the command
	 *
	 * @v argc		Number of arguments (argv[0] is the name)
	 * @v argv		Arguments, NULL-terminated
	 * @ret rc		Return status code
	 */
	int (*exec)(int argc, char **argv);
};

/** Table of commands */
#define COMMANDS  __table(struct command, commands)
/** Declare a command */
#define __command __table_entry(COMMANDS, 01)

extern struct command *command_find(const char *name);
extern int command_exec(int argc, char **argv);
extern int command_not_built(int argc, char **argv);

#endif /* CORE_COMMAND_H */
