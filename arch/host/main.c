/** @file
 *
 * Host platform: the program's entry point
 *
 *     ferry [SCRIPT]
 *
 * With no argument, Ferry starts as it would on a machine: banner, then
 * the command line on standard input and output.  With a script file,
 * it runs the script and exits with status 0 if it succeeded.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "arch/host/host.h"
#include "core/shell.h"
#include "script/script.h"

/**
 * Print the usage
 */
static void host_usage(void)
{
	fprintf(stderr, "usage: ferry [SCRIPT]\n");
}

/**
 * Main
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret status		Exit status
 */
int main(int argc, char **argv)
{
	unsigned long len;
	char *data;
	int rc;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		host_usage();
		return 2;
	}
	host_memory_init();
	host_console_init();

	if (argc == 2) {
		if (host_read_file(argv[1], &data, &len) != 0) {
			fprintf(stderr, "ferry: %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
		ferry_init();
		rc = script_exec_buffer(data, len);
		host_exit(rc ? 1 : 0);
	}

	/* Nobody can press Ctrl-B on a pipe: do not wait for it */
	if (!isatty(STDIN_FILENO))
		main_prompt_timeout_ms = 0;
	ferry_main();
	return 0;
}
