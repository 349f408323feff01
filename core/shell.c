/** @file
 *
 * The interactive command line
 */

#include "core/shell.h"
#include "core/readline.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "script/script.h"

/** The prompt */
#define SHELL_PROMPT "ferry> "

/**
 * Run the interactive command line
 *
 * Each line runs through the same interpreter as scripts.  A cancelled
 * or over-long line gives a fresh prompt.
 *
 * @ret rc		Return status code of the last command (the shell
 *			runs until "exit", or until input ends for good,
 *			which only happens on the host)
 */
int shell(void)
{
	char *line;
	int rc;

	for (;;) {
		rc = readline(SHELL_PROMPT, NULL, &line);
		if (ERROR_IS(rc, ECANCELED))
			continue;
		if (ERROR_IS(rc, EPIPE))
			return 0;
		if (rc != 0) {
			error_print(rc, NULL);
			continue;
		}
		rc = script_exec_line(line);
		heap_free(line);
		if (script_exit_requested())
			return rc;
	}
	return 0;
}
