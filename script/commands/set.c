/** @file
 *
 * Settings commands
 *
 *     set <setting> [<value>...]      store a value (no value: delete)
 *     clear <setting>                 delete a value
 *     read [--timeout <ms>] <setting> read a value from the keyboard
 *     inc <setting> [<increment>]     add to a number
 *     show <setting>                  print name, type and value
 *
 * A setting is "[block/]name[:type]"; "set" and "read" create a block
 * that does not exist yet, as iPXE does.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/settings.h"
#include "core/errors.h"
#include "core/printf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/readline.h"
#include "core/keys.h"
#include "core/console.h"
#include "core/platform.h"
#include "core/process.h"
#include "script/script.h"

/** Most characters of a number kept for "inc" */
#define SET_NUMBER_MAX 32

/** A value that is not a number */
#define EINVAL_NOT_NUMBER ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_NOT_NUMBER, "Setting is not a number");
/** No input before the timeout */
#define ETIMEDOUT_READ ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_READ, "No input");

/**
 * Skip options of a command that takes none (but accepts "--")
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int set_no_options(int argc, char **argv)
{
	while (getopt_long(argc, argv, "", NULL, NULL) != -1)
		return -EINVAL;
	return 0;
}

/**
 * Run "set"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int set_exec(int argc, char **argv)
{
	struct settings *settings;
	struct setting setting;
	char *value;
	int rc;

	if (set_no_options(argc, argv) != 0 || optind >= argc)
		return script_usage("set <setting> [<value>...]");
	if ((rc = script_parse_setting(argv[optind], 1, &settings, &setting)) !=
	    0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	value = script_concat((argc - optind - 1), &argv[optind + 1]);
	if (!value)
		return -ENOMEM;
	if ((rc = setting_storef(settings, &setting, value)) != 0)
		error_print(rc, argv[optind]);
	heap_free(value);
	return rc;
}

/** The "set" command */
struct command set_command __command = {
	.name = "set",
	.usage = "set <setting> [<value>...]",
	.exec = set_exec,
};

/**
 * Run "clear"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int clear_exec(int argc, char **argv)
{
	struct settings *settings;
	struct setting setting;
	int rc;

	if (set_no_options(argc, argv) != 0 || optind != (argc - 1))
		return script_usage("clear <setting>");
	if ((rc = script_parse_setting(argv[optind], 0, &settings, &setting)) !=
		    0 ||
	    (rc = setting_clear(settings, &setting)) != 0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	return 0;
}

/** The "clear" command */
struct command clear_command __command = {
	.name = "clear",
	.usage = "clear <setting>",
	.exec = clear_exec,
};

/**
 * Wait for the first key of an answer
 *
 * @v timeout_ms	Timeout (0: none)
 * @ret rc		0 once a key is waiting, or -ETIMEDOUT
 */
static int read_wait(unsigned long timeout_ms)
{
	uint64_t start = clock_ms();

	if (!timeout_ms)
		return 0;
	while (!console_iskey()) {
		if ((clock_ms() - start) >= timeout_ms)
			return -ETIMEDOUT_READ;
		step();
		platform_idle();
	}
	return 0;
}

/**
 * Run "read"
 *
 * The current value is offered for editing.  With --timeout, the
 * command fails if nothing is typed in time (the timeout covers the
 * wait for the first key).
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int read_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct settings *settings;
	struct setting setting;
	unsigned long timeout_ms = 0;
	char current[256];
	char *line = NULL;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "t:", longopts, NULL)) != -1) {
		if (option != 't' ||
		    script_parse_integer(optarg, &timeout_ms) != 0)
			return script_usage("read [--timeout <ms>] <setting>");
	}
	if (optind != (argc - 1))
		return script_usage("read [--timeout <ms>] <setting>");
	if ((rc = script_parse_setting(argv[optind], 1, &settings, &setting)) !=
	    0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	if (setting_fetchf(settings, &setting, current, sizeof(current)) < 0)
		current[0] = '\0';
	if ((rc = read_wait(timeout_ms)) != 0)
		return rc;
	if ((rc = readline(NULL, current, &line)) != 0)
		return rc;
	if ((rc = setting_storef(settings, &setting, line)) != 0)
		error_print(rc, argv[optind]);
	heap_free(line);
	return rc;
}

/** The "read" command */
struct command read_command __command = {
	.name = "read",
	.usage = "read [--timeout <ms>] <setting>",
	.exec = read_exec,
};

/**
 * Run "inc"
 *
 * An unset setting counts as 0 and is stored as an int32, as in iPXE.
 * A value set as plain text ("set i 0") is accepted too if it reads as
 * a number (iPXE refuses it), and stays text.
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int inc_exec(int argc, char **argv)
{
	struct settings *settings;
	struct setting setting;
	unsigned long increment = 1;
	char text[SET_NUMBER_MAX];
	long long value = 0;
	char *end;
	int len;
	int rc;

	if (set_no_options(argc, argv) != 0 || optind >= argc ||
	    (argc - optind) > 2)
		return script_usage("inc <setting> [<increment>]");
	if ((optind + 1) < argc &&
	    (rc = script_parse_integer(argv[optind + 1], &increment)) != 0)
		return rc;
	if ((rc = script_parse_setting(argv[optind], 0, &settings, &setting)) !=
	    0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	len = setting_fetchf(settings, &setting, text, sizeof(text));
	if (len < 0) {
		if (!setting.type)
			setting.type = &setting_type_int32;
	} else {
		if (len >= (int)sizeof(text) || !text[0]) {
			rc = -EINVAL_NOT_NUMBER;
			goto err;
		}
		value = (long long)strtoull(text, &end, 0);
		if (*end) {
			rc = -EINVAL_NOT_NUMBER;
			goto err;
		}
	}
	value += (long long)increment;
	snprintf(text, sizeof(text), "%lld", value);
	if ((rc = setting_storef(settings, &setting, text)) != 0)
		goto err;
	return 0;
err:
	error_print(rc, argv[optind]);
	return rc;
}

/** The "inc" command */
struct command inc_command __command = {
	.name = "inc",
	.usage = "inc <setting> [<increment>]",
	.exec = inc_exec,
};

/**
 * Run "show"
 *
 * Prints "name:type = value", the name saying which block the value
 * came from ("net0.dhcp/ip:ipv4 = 192.0.2.1").
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int show_exec(int argc, char **argv)
{
	struct settings *settings;
	struct settings *origin;
	struct setting setting;
	char name[128];
	char *value;
	int len;
	int rc;

	if (set_no_options(argc, argv) != 0 || optind != (argc - 1))
		return script_usage("show <setting>");
	if ((rc = script_parse_setting(argv[optind], 0, &settings, &setting)) !=
	    0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	/* Find where the value lives, then show it from there */
	len = setting_fetch(settings, &setting, &origin, NULL, 0);
	if (len < 0) {
		error_print(len, argv[optind]);
		return len;
	}
	len = setting_fetchf(origin, &setting, NULL, 0);
	if (len < 0) {
		error_print(len, argv[optind]);
		return len;
	}
	value = heap_alloc(len + 1);
	if (!value)
		return -ENOMEM;
	setting_fetchf(origin, &setting, value, (len + 1));
	setting_format_name(origin, &setting, name, sizeof(name));
	printf("%s = %s\n", name, value);
	heap_free(value);
	return 0;
}

/** The "show" command */
struct command show_command __command = {
	.name = "show",
	.usage = "show <setting>",
	.exec = show_exec,
};
