/** @file
 *
 * "shell": an interactive command line, until "exit"
 *
 * Typically "prompt --key 0x02 --timeout 2000 Press Ctrl-B... && shell".
 * When "exit" is typed, the script that ran "shell" carries on.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/readline.h"
#include "core/malloc.h"
#include "script/script.h"

/** The prompt */
#define SHELL_COMMAND_PROMPT "ferry> "

/**
 * Run "shell"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int shell_exec(int argc, char **argv)
{
	void *saved;
	char *line;
	int rc;

	if (getopt_long(argc, argv, "", NULL, NULL) != -1 || optind != argc)
		return script_usage("shell");
	/* "goto" typed here must not jump in the script that ran us */
	saved = script_hide();
	for (;;) {
		rc = readline(SHELL_COMMAND_PROMPT, NULL, &line);
		if (ERROR_IS(rc, ECANCELED))
			continue;
		if (ERROR_IS(rc, EPIPE)) {
			/* Input ended for good: leave as "exit" would */
			break;
		}
		if (rc != 0) {
			error_print(rc, NULL);
			continue;
		}
		script_exec_line(line);
		heap_free(line);
		if (script_exit_requested())
			break;
	}
	script_unhide(saved);
	return 0;
}

/** The "shell" command */
struct command shell_command __command = {
	.name = "shell",
	.usage = "shell",
	.exec = shell_exec,
};
