/** @file
 *
 * Running command lines and scripts
 *
 * A command line is a list of commands joined by "&&" (run the next if
 * the last that ran succeeded), "||" (run the next if it failed) and
 * ";" (run the next anyway), read strictly left to right with no
 * precedence, as iPXE does: "a && b || c" runs c if a or b failed.  The
 * status of a line is the status of the last command that ran; an empty
 * command ("dhcp || ") succeeds.
 *
 * A script is a buffer that starts with "#!ipxe" (or "#!ferry").  Its
 * lines run in order; a line ending in a backslash continues on the
 * next; a line starting with ":name" is the label "name" and may carry
 * a command after the label.  The first line whose status is a failure
 * stops the script with that status; "exit [n]" stops it with status n;
 * "goto label" carries on at the first line with that label.  Scripts
 * may run scripts (chaining), up to SCRIPT_MAX_DEPTH deep.
 */

#include <stddef.h>
#include "script/script.h"
#include "core/command.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/printf.h"

/** Not a script */
#define ENOEXEC_SCRIPT ERROR_CODE(ERRCLASS_ENOEXEC, 1)
ERROR_MESSAGE(ENOEXEC_SCRIPT, "Not a script (no #!ipxe line)");
/** Scripts nested too deeply */
#define ELOOP_SCRIPT ERROR_CODE(ERRCLASS_ELOOP, 1)
ERROR_MESSAGE(ELOOP_SCRIPT, "Scripts nested too deeply");
/** A NUL byte in a script line */
#define EINVAL_NUL ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_NUL, "NUL byte in script");
/** A script line too long */
#define E2BIG_LINE ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_LINE, "Script line too long");
/** goto outside a script */
#define ENOTTY_GOTO ERROR_CODE(ERRCLASS_ENOTTY, 1)
ERROR_MESSAGE(ENOTTY_GOTO, "Not in a script");
/** goto to a label that does not exist */
#define ENOENT_LABEL ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_LABEL, "No such label");

/** A running script */
struct script {
	/** Text */
	const char *data;
	/** Length */
	size_t len;
	/** Offset of the next line to run */
	size_t offset;
	/** Script that ran this one, or NULL */
	struct script *parent;
	/** Nesting depth (1 for a script run from the command line) */
	unsigned int depth;
};

/** The innermost running script, or NULL at the command line */
static struct script *script_running;

/** How far a command asked to stop (enum script_stop) */
static enum script_stop script_stop_state;

/**
 * Ask the interpreter to stop
 *
 * @v stop		How far: the rest of this line ("goto"), or the
 *			whole script or shell ("exit")
 */
void script_stop(enum script_stop stop)
{
	if (stop > script_stop_state)
		script_stop_state = stop;
}

/**
 * Test and clear a request to leave the script or shell ("exit")
 *
 * A shell loop calls this after each line and leaves if it is true.
 *
 * @ret requested	"exit" ran
 */
int script_exit_requested(void)
{
	int requested = (script_stop_state >= SCRIPT_STOP_SCRIPT);

	script_stop_state = SCRIPT_STOP_NONE;
	return requested;
}

/**
 * Turn a script's status into a process exit status (for the host)
 *
 * @v rc		Status: 0, a positive "exit n" status, or a
 *			negative error
 * @ret status		0-255: 0 for success, n for "exit n" (255 at
 *			most), 1 for an error
 */
int script_exit_status(int rc)
{
	if (rc > 255)
		return 255;
	if (rc > 0)
		return rc;
	return (rc ? 1 : 0);
}

/**
 * Hide the running script (for a command line started from a script,
 * where "goto" must not jump in the script)
 *
 * @ret saved		What to give script_unhide()
 */
void *script_hide(void)
{
	struct script *saved = script_running;

	script_running = NULL;
	return saved;
}

/**
 * Restore the running script hidden by script_hide()
 *
 * @v saved		Value returned by script_hide()
 */
void script_unhide(void *saved)
{
	script_running = saved;
}

/**
 * Run the commands of one line, already split
 *
 * @v words		Words
 * @ret rc		Status of the last command that ran
 */
static int script_run_words(struct script_words *words)
{
	char **argv;
	unsigned int first = 0;
	unsigned int end;
	unsigned int i;
	int argc;
	int process = 1;
	int expand_rc;
	int rc = 0;

	argv = heap_alloc((SCRIPT_MAX_ARGS + 1) * sizeof(argv[0]));
	if (!argv) {
		error_print(-ENOMEM, NULL);
		return -ENOMEM;
	}
	for (;;) {
		for (end = first; end < words->count &&
				  words->kinds[end] == SCRIPT_WORD_TEXT;
		     end++)
			;
		if (process) {
			argc = 0;
			expand_rc = 0;
			for (i = first; i < end; i++) {
				expand_rc = script_expand(words->words[i],
							  &argv[argc]);
				if (expand_rc != 0)
					break;
				argc++;
			}
			argv[argc] = NULL;
			if (expand_rc == 0)
				rc = command_exec(argc, argv);
			for (i = 0; i < (unsigned int)argc; i++)
				heap_free(argv[i]);
			if (expand_rc != 0) {
				error_print(expand_rc,
					    words->words[first + argc]);
				rc = expand_rc;
				break;
			}
		}
		if (script_stop_state >= SCRIPT_STOP_LINE)
			break;
		if (end >= words->count)
			break;
		switch (words->kinds[end]) {
		case SCRIPT_WORD_AND:
			process = (rc == 0);
			break;
		case SCRIPT_WORD_OR:
			process = (rc != 0);
			break;
		default:
			process = 1;
			break;
		}
		first = (end + 1);
	}
	if (script_stop_state == SCRIPT_STOP_LINE)
		script_stop_state = SCRIPT_STOP_NONE;
	heap_free(argv);
	return rc;
}

/**
 * Run one command (no label), as a script line or from the prompt
 *
 * @v command		Command line
 * @ret rc		Status of the last command that ran
 */
static int script_system(const char *command)
{
	struct script_words words;
	unsigned int i;
	int rc;

	if ((rc = script_split(command, &words)) != 0) {
		error_print(rc, NULL);
		return rc;
	}
	/* Syntax errors stop the line before anything in it runs */
	for (i = 0; i < words.count; i++) {
		if ((rc = script_expand(words.words[i], NULL)) != 0) {
			error_print(rc, words.words[i]);
			goto done;
		}
	}
	rc = script_run_words(&words);
done:
	script_words_free(&words);
	return rc;
}

/**
 * Split a line into its label (if any) and its command
 *
 * @v line		Line (modified: the label is NUL-terminated)
 * @v label		Label, or NULL (filled in)
 * @ret command		Command
 */
static char *script_split_label(char *line, char **label)
{
	char *command = line;

	*label = NULL;
	while (isspace(*command))
		command++;
	if (*command != ':')
		return line;
	*label = ++command;
	while (*command && !isspace(*command))
		command++;
	if (*command)
		*(command++) = '\0';
	return command;
}

/**
 * Run one command line typed at the prompt (or given by a caller)
 *
 * A line that starts with a label runs what follows the label.
 *
 * @v line		Line
 * @ret rc		Status of the last command that ran
 */
int script_exec_line(const char *line)
{
	char *copy;
	char *label;
	char *command;
	int rc;

	script_stop_state = SCRIPT_STOP_NONE;
	copy = strdup(line);
	if (!copy) {
		error_print(-ENOMEM, NULL);
		return -ENOMEM;
	}
	command = script_split_label(copy, &label);
	rc = script_system(command);
	heap_free(copy);
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
		if (len >= magic_len &&
		    memcmp(data, magics[i], magic_len) == 0 &&
		    (len == magic_len || isspace(data[magic_len])))
			return 1;
	}
	return 0;
}

/**
 * Read one script line, joining lines that end with a backslash
 *
 * @v script		Script
 * @v offset		Offset of the line
 * @v line		Line (heap; caller frees) to fill in
 * @v next		Offset of the next line to fill in
 * @ret rc		Return status code
 */
static int script_read_line(struct script *script, size_t offset, char **line,
			    size_t *next)
{
	const char *end = (script->data + script->len);
	const char *start;
	const char *eol;
	size_t frag_len;
	size_t len = 0;
	char *text;
	char *new;
	int rc;

	text = heap_alloc(1);
	if (!text)
		return -ENOMEM;
	for (;;) {
		start = (script->data + offset);
		eol = memchr(start, '\n', (end - start));
		frag_len = ((eol ? eol : end) - start);
		if (memchr(start, '\0', frag_len)) {
			rc = -EINVAL_NUL;
			goto err;
		}
		if ((len + frag_len) > SCRIPT_LINE_MAX) {
			rc = -E2BIG_LINE;
			goto err;
		}
		new = heap_realloc(text, (len + frag_len + 1));
		if (!new) {
			rc = -ENOMEM;
			goto err;
		}
		text = new;
		memcpy(text + len, start, frag_len);
		len += frag_len;
		offset += (frag_len + (eol ? 1 : 0));
		if (len && text[len - 1] == '\r')
			len--;
		if (len && text[len - 1] == '\\' && offset < script->len) {
			len--;
			continue;
		}
		break;
	}
	text[len] = '\0';
	*line = text;
	*next = offset;
	return 0;
err:
	heap_free(text);
	return rc;
}

/**
 * Jump to a label in the running script
 *
 * The search starts at the top of the script; the first line with the
 * label wins, and that line (with any command after the label) runs
 * next.
 *
 * @v label		Label (without ':')
 * @ret rc		Return status code
 */
int script_goto(const char *label)
{
	struct script *script = script_running;
	size_t offset = 0;
	size_t next;
	char *line;
	char *found;
	int match;
	int rc;

	if (!script)
		return -ENOTTY_GOTO;
	while (offset < script->len) {
		if ((rc = script_read_line(script, offset, &line, &next)) != 0)
			return rc;
		script_split_label(line, &found);
		match = (found && strcmp(found, label) == 0);
		heap_free(line);
		if (match) {
			script->offset = offset;
			script_stop(SCRIPT_STOP_LINE);
			return 0;
		}
		offset = next;
	}
	return -ENOENT_LABEL;
}

/**
 * Run a script held in a buffer
 *
 * @v data		Script
 * @v len		Length
 * @ret rc		Status: 0, the status given to "exit", or the
 *			error of the command that stopped the script
 */
int script_exec_buffer(const char *data, size_t len)
{
	struct script script;
	char *line;
	char *label;
	char *command;
	size_t next;
	int rc = 0;

	if (!script_is_script(data, len)) {
		error_print(-ENOEXEC_SCRIPT, NULL);
		return -ENOEXEC_SCRIPT;
	}
	memset(&script, 0, sizeof(script));
	script.data = data;
	script.len = len;
	script.parent = script_running;
	script.depth = (script_running ? (script_running->depth + 1) : 1);
	if (script.depth > SCRIPT_MAX_DEPTH) {
		error_print(-ELOOP_SCRIPT, NULL);
		return -ELOOP_SCRIPT;
	}
	script_running = &script;
	script_stop_state = SCRIPT_STOP_NONE;
	while (script.offset < script.len) {
		rc = script_read_line(&script, script.offset, &line, &next);
		if (rc != 0) {
			error_print(rc, NULL);
			break;
		}
		script.offset = next;
		command = script_split_label(line, &label);
		rc = script_system(command);
		heap_free(line);
		if (script_exit_requested() || rc != 0)
			break;
	}
	script_running = script.parent;
	return rc;
}
