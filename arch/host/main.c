/** @file
 *
 * Host platform: the program's entry point
 *
 *     ferry [--dry-run] [--tap NAME]... [SCRIPT]
 *
 * With no script, Ferry starts as it would on a machine: banner, then
 * the command line on standard input and output.  With a script file,
 * it runs the script and exits with the script's status: 0 if it
 * succeeded, n if it ran "exit n", 1 if a command failed.
 *
 * --tap NAME: a network device on the Linux TAP interface NAME (created
 * if it does not exist; root needed); repeat for more devices, which
 * become net0, net1... in order.
 *
 * --dry-run: kernels and initrds are not fetched or booted; "boot"
 * prints what would have booted ("dry-run: boot URI args", one
 * "dry-run: initrd URI" line per other image) and Ferry exits.  Scripts
 * are still fetched and run, so a menu can be tried on a workstation.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "arch/host/host.h"
#include "arch/host/tap.h"
#include "core/shell.h"
#include "script/script.h"
#include "image/image.h"

/**
 * Print the usage
 */
static void host_usage(void)
{
	fprintf(stderr, "usage: ferry [--dry-run] [--tap NAME]... [SCRIPT]\n");
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
	const char *script = NULL;
	unsigned int taps = 0;
	unsigned long len;
	char *data;
	int i;
	int rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0) {
			image_dry_run = 1;
		} else if (strcmp(argv[i], "--tap") == 0 && (i + 1) < argc) {
			/* Only named here: the device appears at init */
			taps++;
			if (host_tap_add(argv[++i]) != 0) {
				fprintf(stderr, "ferry: --tap %s: bad name or "
						"too many interfaces\n",
					argv[i]);
				return 2;
			}
		} else if (argv[i][0] != '-' && !script) {
			script = argv[i];
		} else {
			host_usage();
			return 2;
		}
	}
	host_memory_init();
	host_console_init();

	if (script) {
		if (host_read_file(script, &data, &len) != 0) {
			fprintf(stderr, "ferry: %s: %s\n", script,
				strerror(errno));
			return 1;
		}
		ferry_init();
		rc = script_exec_buffer(data, len);
		host_exit(script_exit_status(rc));
	}

	/* Without a TAP device there is nothing to boot from */
	if (!taps)
		main_autoboot = 0;
	/* Nobody can press Ctrl-B on a pipe: do not wait for it */
	if (!isatty(STDIN_FILENO))
		main_prompt_timeout_ms = 0;
	ferry_main();
	return 0;
}
