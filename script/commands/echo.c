/** @file
 *
 * "echo [-n] [text...]": print text
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/printf.h"
#include "core/errors.h"

/**
 * Run "echo"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int echo_exec(int argc, char **argv)
{
	int newline = 1;
	int option;
	int i;

	while ((option = getopt_long(argc, argv, "n", NULL, NULL)) != -1) {
		if (option == 'n')
			newline = 0;
		else
			return -EINVAL;
	}
	for (i = optind; i < argc; i++)
		printf("%s%s", ((i > optind) ? " " : ""), argv[i]);
	if (newline)
		printf("\n");
	return 0;
}

/** The "echo" command */
struct command echo_command __command = {
	.name = "echo",
	.usage = "echo [-n] [text...]",
	.exec = echo_exec,
};
