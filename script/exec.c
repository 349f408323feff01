/** @file
 *
 * Running command lines and scripts
 *
 * A line is split into words at white space; single and double quotes
 * group words and a backslash takes the next character literally.  A
 * '#' starting a word begins a comment.  A script is a buffer that
 * starts with "#!ipxe" or "#!ferry"; its lines run in order and the
 * first failing command stops it.
 */

#include <stddef.h>
#include "script/script.h"
#include "core/command.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/printf.h"

/** An unterminated quote */
#define EINVAL_QUOTE ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_QUOTE, "Unterminated quote");
/** Too many words */
#define E2BIG_WORDS ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_WORDS, "Too many words on one line");
/** Not a script */
#define ENOEXEC_SCRIPT ERROR_CODE(ERRCLASS_ENOEXEC, 1)
ERROR_MESSAGE(ENOEXEC_SCRIPT, "Not a script (no #!ipxe line)");

/**
 * Split a line into words, in place
 *
 * @v text		Line (modified: words are NUL-terminated in it)
 * @v argv		Word array of SCRIPT_MAX_ARGS + 1 entries
 * @ret argc		Number of words, or a negative error
 */
static int script_split(char *text, char **argv)
{
	char *in = text;
	char *out;
	int argc = 0;
	char quote;

	for (;;) {
		while (isspace(*in))
			in++;
		if (!*in || *in == '#')
			break;
		if (argc >= SCRIPT_MAX_ARGS)
			return -E2BIG_WORDS;
		argv[argc++] = out = in;
		quote = 0;
		for (; *in; in++) {
			if (!quote && isspace(*in))
				break;
			if (*in == '\\' && in[1] && quote != '\'') {
				*(out++) = *(++in);
			} else if (quote && *in == quote) {
				quote = 0;
			} else if (!quote && (*in == '"' || *in == '\'')) {
				quote = *in;
			} else {
				*(out++) = *in;
			}
		}
		if (quote)
			return -EINVAL_QUOTE;
		if (*in)
			in++;
		*out = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

/**
 * Run one command line
 *
 * @v line		Line
 * @ret rc		Return status code of the command
 */
int script_exec_line(const char *line)
{
	char **argv;
	char *text;
	int argc;
	int rc;

	text = strdup(line);
	argv = heap_alloc((SCRIPT_MAX_ARGS + 1) * sizeof(argv[0]));
	if (!text || !argv) {
		rc = -ENOMEM;
		error_print(rc, NULL);
		goto done;
	}
	argc = script_split(text, argv);
	if (argc < 0) {
		rc = argc;
		error_print(rc, NULL);
		goto done;
	}
	/* A label line does nothing when run */
	if (argc == 1 && argv[0][0] == ':') {
		rc = 0;
		goto done;
	}
	rc = command_exec(argc, argv);
done:
	heap_free(argv);
	heap_free(text);
	return rc;
}

/**
 * Test whether a buffer holds a script
 *
 * @v data		Data
 * @v len		Length
 * @ret is_script	Data starts with "#!ipxe" or "#!ferry"
 */
int script_is_script(const char *data, size_t len)
{
	static const char *const magics[] = { "#!ipxe", "#!ferry" };
	size_t magic_len;
	unsigned int i;

	for (i = 0; i < (sizeof(magics) / sizeof(magics[0])); i++) {
		magic_len = strlen(magics[i]);
		if (len >= magic_len && memcmp(data, magics[i], magic_len) == 0 &&
		    (len == magic_len || isspace(data[magic_len])))
			return 1;
	}
	return 0;
}

/**
 * Run a script held in a buffer
 *
 * @v data		Script
 * @v len		Length
 * @ret rc		Return status code (of the command that stopped it)
 */
int script_exec_buffer(const char *data, size_t len)
{
	const char *end = (data + len);
	const char *line;
	const char *eol;
	char *text;
	int rc = 0;

	if (!script_is_script(data, len)) {
		error_print(-ENOEXEC_SCRIPT, NULL);
		return -ENOEXEC_SCRIPT;
	}
	for (line = data; line < end; line = (eol + 1)) {
		eol = memchr(line, '\n', (end - line));
		if (!eol)
			eol = end;
		text = strndup(line, (eol - line));
		if (!text)
			return -ENOMEM;
		if (text[0] && text[strlen(text) - 1] == '\r')
			text[strlen(text) - 1] = '\0';
		rc = script_exec_line(text);
		heap_free(text);
		if (rc != 0)
			break;
	}
	return rc;
}
