/** @file
 *
 * "login": ask for a user name and password
 *
 * A form with two fields, "Username" and "Password" (shown as '*'),
 * each pre-filled with the current ${username} and ${password}.  Enter
 * moves to the next field and, on the last, stores both settings (an
 * empty field deletes its setting); Tab, Up and Down move between
 * fields; Backspace deletes; Escape or Ctrl-C cancels with -ECANCELED.
 * The values are then used by HTTP (and other protocols) as iPXE does.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/keys.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/settings.h"
#include "script/script.h"
#include "script/ui.h"

/** Longest value typed in a field */
#define LOGIN_FIELD_MAX    64
/** Column of the field labels */
#define LOGIN_LABEL_COLUMN 8U
/** Column of the fields */
#define LOGIN_FIELD_COLUMN 20U
/** Width of a field on the screen */
#define LOGIN_FIELD_WIDTH  40U
/** Row of the first field */
#define LOGIN_ROW          10U
/** Rows between fields */
#define LOGIN_ROW_STEP     2U

/** Escape or Ctrl-C */
#define ECANCELED_LOGIN ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_LOGIN, "Login cancelled");

/** A field of the form */
struct login_field {
	/** Label */
	const char *label;
	/** Setting it fills */
	const char *setting;
	/** Hide what is typed */
	int secret;
	/** Text typed */
	char text[LOGIN_FIELD_MAX + 1];
};

/**
 * Draw a field
 *
 * @v field		Field
 * @v row		Row
 * @v active		Field has the cursor
 */
static void login_draw_field(struct login_field *field, unsigned int row,
			     int active)
{
	char shown[LOGIN_FIELD_MAX + 1];
	size_t len = strlen(field->text);
	size_t start = 0;

	if (field->secret) {
		memset(shown, '*', len);
		shown[len] = '\0';
	} else {
		strlcpy(shown, field->text, sizeof(shown));
	}
	if (len >= LOGIN_FIELD_WIDTH)
		start = (len - LOGIN_FIELD_WIDTH + 1);
	ui_pair_use(UI_PAIR_NORMAL, active);
	ui_print_field(row, LOGIN_LABEL_COLUMN,
		       (LOGIN_FIELD_COLUMN - LOGIN_LABEL_COLUMN), field->label);
	ui_pair_use(UI_PAIR_EDIT, 0);
	ui_print_field(row, LOGIN_FIELD_COLUMN, LOGIN_FIELD_WIDTH,
		       shown + start);
	ui_pair_use(UI_PAIR_NORMAL, 0);
}

/**
 * Run "login"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int login_exec(int argc, char **argv)
{
	struct login_field fields[] = {
		{ "Username:", "username", 0, "" },
		{ "Password:", "password", 1, "" },
	};
	unsigned int count = (sizeof(fields) / sizeof(fields[0]));
	struct settings *settings;
	struct setting setting;
	unsigned int current = 0;
	unsigned int i;
	size_t len;
	int done = 0;
	int key;
	int rc = 0;

	if (getopt_long(argc, argv, "", NULL, NULL) != -1 || optind != argc)
		return script_usage("login");
	for (i = 0; i < count; i++) {
		if (setting_parse_name(fields[i].setting, &settings,
				       &setting) == 0 &&
		    setting_fetchf(NULL, &setting, fields[i].text,
				   sizeof(fields[i].text)) < 0)
			fields[i].text[0] = '\0';
	}

	ui_begin();
	ui_frame();
	ui_pair_use(UI_PAIR_NORMAL, 1);
	ui_print_centred(1, "Login");
	for (i = 0; i < count; i++)
		login_draw_field(&fields[i], (LOGIN_ROW + i * LOGIN_ROW_STEP),
				 (i == current));
	while (!done) {
		key = getkey(GETKEY_FOREVER);
		len = strlen(fields[current].text);
		switch (key) {
		case KEY_ESC:
		case CTRL_C:
			rc = -ECANCELED_LOGIN;
			done = 1;
			break;
		case KEY_ENTER:
			if (current == (count - 1))
				done = 1;
			else
				current++;
			break;
		case KEY_TAB:
		case KEY_DOWN:
			current = ((current + 1) % count);
			break;
		case KEY_UP:
			current = ((current + count - 1) % count);
			break;
		case KEY_BACKSPACE:
		case CTRL_H:
			if (len)
				fields[current].text[len - 1] = '\0';
			break;
		case CTRL_U:
			fields[current].text[0] = '\0';
			break;
		default:
			if (key >= 0 && key < 0x100 && isprint(key) &&
			    len < LOGIN_FIELD_MAX) {
				fields[current].text[len] = key;
				fields[current].text[len + 1] = '\0';
			}
			break;
		}
		for (i = 0; i < count; i++)
			login_draw_field(&fields[i],
					 (LOGIN_ROW + i * LOGIN_ROW_STEP),
					 (i == current));
	}
	ui_end();
	if (rc != 0)
		return rc;
	for (i = 0; i < count; i++) {
		if ((rc = setting_parse_name(fields[i].setting, &settings,
					     &setting)) != 0 ||
		    (rc = setting_storef(settings, &setting, fields[i].text)) !=
			    0) {
			error_print(rc, fields[i].setting);
			return rc;
		}
	}
	return 0;
}

/** The "login" command */
struct command login_command __command = {
	.name = "login",
	.usage = "login",
	.exec = login_exec,
};
