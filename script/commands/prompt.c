/** @file
 *
 * "prompt [--key <key>] [--timeout <ms>] [--set <setting>] [<text>...]":
 * wait for a key
 *
 * The text is shown, then wiped once a key is pressed or the time is up.
 * Without --key any key succeeds; with --key only that key does (any
 * other fails with -ECANCELED).  No key in time fails with -ETIMEDOUT.
 * A timeout of 0 (the default) waits for ever.  Keys are given as one
 * character ("q") or as iPXE's key numbers ("0x02" for Ctrl-B, "0x197e"
 * for F12), so iPXE scripts work unchanged.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/keys.h"
#include "core/printf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/settings.h"
#include "script/script.h"
#include "script/ui.h"

/** Usage */
#define PROMPT_USAGE \
	"prompt [--key <key>] [--timeout <ms>] [--set <setting>] [<text>]"

/** No key before the timeout */
#define ETIMEDOUT_PROMPT ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_PROMPT, "No key pressed");
/** Another key than the one asked for */
#define ECANCELED_PROMPT ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_PROMPT, "Wrong key pressed");

/**
 * Run "prompt"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int prompt_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "set", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct settings *settings = NULL;
	struct setting setting;
	unsigned long timeout_ms = 0;
	const char *set = NULL;
	char number[16];
	int wanted = 0;
	char *text;
	size_t len;
	int option;
	int key;
	int rc;

	while ((option = getopt_long(argc, argv, "k:t:s:", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'k':
			if (script_parse_key(optarg, &wanted) != 0)
				return script_usage(PROMPT_USAGE);
			break;
		case 't':
			if (script_parse_integer(optarg, &timeout_ms) != 0)
				return script_usage(PROMPT_USAGE);
			break;
		case 's':
			set = optarg;
			break;
		default:
			return script_usage(PROMPT_USAGE);
		}
	}
	if (set &&
	    (rc = script_parse_setting(set, 1, &settings, &setting)) != 0) {
		error_print(rc, set);
		return rc;
	}
	text = script_concat((argc - optind), &argv[optind]);
	if (!text)
		return -ENOMEM;
	printf("%s", text);
	key = getkey(timeout_ms ? timeout_ms : GETKEY_FOREVER);
	for (len = strlen(text); len; len--)
		printf("\b \b");
	heap_free(text);
	if (key < 0)
		return -ETIMEDOUT_PROMPT;
	key = ui_key_ipxe(key);
	if (wanted && key != wanted)
		return -ECANCELED_PROMPT;
	if (set) {
		if (!setting.type)
			setting.type = &setting_type_uint16;
		snprintf(number, sizeof(number), "%d", key);
		if ((rc = setting_storef(settings, &setting, number)) != 0) {
			error_print(rc, set);
			return rc;
		}
	}
	return 0;
}

/** The "prompt" command */
struct command prompt_command __command = {
	.name = "prompt",
	.usage = PROMPT_USAGE,
	.exec = prompt_exec,
};
