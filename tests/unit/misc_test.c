/** @file
 *
 * Unit tests: option parsing, error codes, the command interpreter
 */

#include "tests/unit/unittest.h"
#include "tests/unit/test_console.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/command.h"
#include "core/string.h"
#include "script/script.h"

/** Short and long options, arguments, "--" */
UNIT_TEST(getopt_parse)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	char *argv1[] = { "cmd", "-ab", "-n", "x", "--keep", "--name=y",
			  "rest", NULL };
	char *argv2[] = { "cmd", "-z", NULL };
	char *argv3[] = { "cmd", "--", "-a", NULL };
	char *argv4[] = { "cmd", "-n", NULL };

	test_console_reset();
	getopt_reset();
	ok(getopt_long(7, argv1, "abn:", options, NULL) == 'a');
	ok(getopt_long(7, argv1, "abn:", options, NULL) == 'b');
	ok(getopt_long(7, argv1, "abn:", options, NULL) == 'n');
	ok(optarg && strcmp(optarg, "x") == 0);
	ok(getopt_long(7, argv1, "abn:", options, NULL) == 'k');
	ok(getopt_long(7, argv1, "abn:", options, NULL) == 'n');
	ok(optarg && strcmp(optarg, "y") == 0);
	ok(getopt_long(7, argv1, "abn:", options, NULL) == -1);
	ok(optind == 6);

	getopt_reset();
	ok(getopt_long(2, argv2, "a", NULL, NULL) == '?');
	ok(strstr(test_console_output(), "unknown option -z") != NULL);
	getopt_reset();
	ok(getopt_long(3, argv3, "a", NULL, NULL) == -1 && optind == 2);
	getopt_reset();
	ok(getopt_long(2, argv4, "n:", NULL, NULL) == '?');
	test_console_reset();
}

/** Error codes carry class and file; messages are found */
UNIT_TEST(errors_codes)
{
	int rc = -ETIMEDOUT;

	ok(ERROR_CLASS(rc) == ERRCLASS_ETIMEDOUT);
	ok(ERROR_IS(rc, ETIMEDOUT) && !ERROR_IS(rc, ENOMEM));
	ok(ERROR_FILE(rc) == FILE_ID);
	ok(FILE_ID != 0);
	ok(strcmp(error_string(rc), "Connection timed out") == 0);
	ok(strcmp(error_class_message(ERRCLASS_MAX), "Unknown error") == 0);
	test_console_reset();
	error_print(-ENOMEM, "ctx");
	ok(strstr(test_console_output(), ": Out of memory (ctx)") != NULL);
	ok(strncmp(test_console_output(), "error 0x0c", 10) == 0);
	test_console_reset();
}

/** Lines are split at spaces, with quotes and backslashes */
UNIT_TEST(script_lines)
{
	test_console_reset();
	ok(script_exec_line("echo  a   'b  c' \"d e\" f\\ g # comment") == 0);
	ok(strcmp(test_console_output(), "a b  c d e f g\r\n") == 0);
	test_console_reset();
	ok(script_exec_line("echo -n x") == 0);
	ok(strcmp(test_console_output(), "x") == 0);
	test_console_reset();
	ok(script_exec_line("echo 'open") != 0);
	ok(strstr(test_console_output(), "Unterminated quote") != NULL);
	test_console_reset();
	ok(script_exec_line("nosuchcommand arg") != 0);
	ok(strstr(test_console_output(), "Command not found (nosuchcommand)") !=
	   NULL);
	test_console_reset();
	ok(script_exec_line("") == 0);
	ok(script_exec_line("   # only a comment") == 0);
	ok(command_find("echo") != NULL);
	ok(command_find("ech") == NULL);
}

/** Scripts need their magic line and stop at the first failure */
UNIT_TEST(script_buffers)
{
	const char good[] = "#!ipxe\necho one\r\necho two\n";
	const char bad[] = "#!ipxe\necho one\nfalsecommand\necho never\n";
	const char ferry[] = "#!ferry\necho f\n";

	test_console_reset();
	ok(script_exec_buffer(good, sizeof(good) - 1) == 0);
	ok(strcmp(test_console_output(), "one\r\ntwo\r\n") == 0);
	test_console_reset();
	ok(script_exec_buffer(bad, sizeof(bad) - 1) != 0);
	ok(strstr(test_console_output(), "never") == NULL);
	test_console_reset();
	ok(script_exec_buffer(ferry, sizeof(ferry) - 1) == 0);
	ok(script_exec_buffer("echo x\n", 7) != 0);
	ok(script_is_script("#!ipxe", 6));
	ok(!script_is_script("#!ipxex", 7));
	test_console_reset();
}
