/** @file
 *
 * Splitting command lines into words, and expanding words
 *
 * Splitting follows iPXE: a line is cut into words at white space
 * before anything is expanded, so a value with spaces in it stays one
 * argument, and "&&", "||", ";" and a word starting with "#" mean
 * something only as whole, unquoted words.  On top of that Ferry
 * understands quotes and backslashes, chosen so that iPXE scripts read
 * the same:
 *
 *   - a quote opens a quoted part only at the start of a word (or right
 *     after another quoted part), so "Bill's menu" keeps its apostrophe
 *     as iPXE would; '...' is taken literally, "..." still expands
 *     ${...} and takes \" \\ and \$;
 *   - outside quotes a backslash makes the next character literal when
 *     that character is special (white space, a quote, \, $, #, &, |,
 *     ;, { or }); before any other character it is kept, so paths such
 *     as "\boot\bcd" pass through;
 *   - a backslash at the very end of a script line joins the next line
 *     (script/exec.c).
 *
 * Expansion: ${name} becomes the setting's value shown as text, or
 * nothing if it is unset.  The name may itself contain ${...}
 * (${net${idx}/mac}), and may give a block and a type
 * (${net0.dhcp/12:hex}).  Values are inserted as they are and never
 * expanded again (iPXE rescans them; Ferry does not, so a value holding
 * "${x}" cannot loop).  A "${" without its "}" is an error.
 */

#include <stddef.h>
#include <stdint.h>
#include "script/script.h"
#include "core/settings.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/refcnt.h"
#include "core/printf.h"

/** An unterminated quote */
#define EINVAL_QUOTE ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_QUOTE, "Unterminated quote");
/** An unterminated ${ */
#define EINVAL_BRACE ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_BRACE, "Unterminated ${");
/** Too many words */
#define E2BIG_WORDS ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_WORDS, "Too many words on one line");
/** A line or expansion too long */
#define E2BIG_LINE ERROR_CODE(ERRCLASS_E2BIG, 2)
ERROR_MESSAGE(E2BIG_LINE, "Line too long");
/** ${...} nested too deeply */
#define ELOOP_EXPAND ERROR_CODE(ERRCLASS_ELOOP, 1)
ERROR_MESSAGE(ELOOP_EXPAND, "${...} nested too deeply");
/** A block name too long to create */
#define ENAMETOOLONG_BLOCK ERROR_CODE(ERRCLASS_ENAMETOOLONG, 1)
ERROR_MESSAGE(ENAMETOOLONG_BLOCK, "Settings block name too long");

/** Most levels of blocks "set" creates in one name ("a.b.c/x") */
#define SCRIPT_MAX_BLOCK_DEPTH 8

/** Text being built, bounded by SCRIPT_LINE_MAX */
struct script_text {
	/** Buffer (heap) */
	char *data;
	/** Bytes used */
	size_t len;
	/** Bytes allocated */
	size_t size;
};

/**
 * Append bytes to a text
 *
 * @v text		Text
 * @v data		Bytes
 * @v len		Length
 * @ret rc		Return status code
 */
static int script_text_append(struct script_text *text, const char *data,
			      size_t len)
{
	size_t size;
	char *new;

	if ((text->len + len) > SCRIPT_LINE_MAX)
		return -E2BIG_LINE;
	if ((text->len + len + 1) > text->size) {
		size = ((text->size ? text->size : 64));
		while (size < (text->len + len + 1))
			size *= 2;
		new = heap_realloc(text->data, size);
		if (!new)
			return -ENOMEM;
		text->data = new;
		text->size = size;
	}
	memcpy(text->data + text->len, data, len);
	text->len += len;
	text->data[text->len] = '\0';
	return 0;
}

/**
 * Append one character to a text
 *
 * @v text		Text
 * @v character		Character
 * @ret rc		Return status code
 */
static int script_text_putc(struct script_text *text, char character)
{
	return script_text_append(text, &character, 1);
}

/**
 * Whether a backslash makes this character literal
 *
 * @v character		Character after the backslash
 * @ret special		Character is special
 */
static int script_is_escapable(int character)
{
	return (isspace(character) ||
		(character && strchr("'\"\\$#&|;{}", character)));
}

/**
 * Split a line into words
 *
 * @v line		Line (NUL-terminated)
 * @v words		Words to fill in (free with script_words_free())
 * @ret rc		Return status code
 */
int script_split(const char *line, struct script_words *words)
{
	size_t line_len = strlen(line);
	const char *in;
	char *out;
	char state;
	int quote_allowed;
	const char *start;
	size_t word_len;
	int rc;

	memset(words, 0, sizeof(*words));
	if (line_len > SCRIPT_LINE_MAX)
		return -E2BIG_LINE;
	words->storage = heap_alloc(line_len + 1);
	words->words =
		heap_alloc((SCRIPT_MAX_ARGS + 1) * sizeof(words->words[0]));
	words->kinds = heap_zalloc(SCRIPT_MAX_ARGS + 1);
	if (!words->storage || !words->words || !words->kinds) {
		rc = -ENOMEM;
		goto err;
	}
	out = words->storage;
	in = line;
	for (;;) {
		while (isspace(*in))
			in++;
		if (!*in)
			break;
		start = in;
		state = 0;
		quote_allowed = 1;
		while (*in) {
			if (!state) {
				if (isspace(*in))
					break;
				if (*in == '\\') {
					in += (in[1] ? 2 : 1);
					quote_allowed = 0;
				} else if ((*in == '\'' || *in == '"') &&
					   quote_allowed) {
					state = *(in++);
				} else {
					in++;
					quote_allowed = 0;
				}
			} else if (state == '"' && *in == '\\' && in[1] &&
				   strchr("\"\\$", in[1])) {
				in += 2;
			} else if (*in == state) {
				state = 0;
				quote_allowed = 1;
				in++;
			} else {
				in++;
			}
		}
		if (state) {
			rc = -EINVAL_QUOTE;
			goto err;
		}
		word_len = (in - start);
		/* A word starting with '#' starts a comment */
		if (start[0] == '#')
			break;
		if (words->count >= SCRIPT_MAX_ARGS) {
			rc = -E2BIG_WORDS;
			goto err;
		}
		memcpy(out, start, word_len);
		out[word_len] = '\0';
		words->words[words->count] = out;
		if (strcmp(out, "&&") == 0)
			words->kinds[words->count] = SCRIPT_WORD_AND;
		else if (strcmp(out, "||") == 0)
			words->kinds[words->count] = SCRIPT_WORD_OR;
		else if (strcmp(out, ";") == 0)
			words->kinds[words->count] = SCRIPT_WORD_THEN;
		words->count++;
		out += (word_len + 1);
	}
	words->words[words->count] = NULL;
	return 0;
err:
	script_words_free(words);
	return rc;
}

/**
 * Free a split line
 *
 * @v words		Words
 */
void script_words_free(struct script_words *words)
{
	heap_free(words->storage);
	heap_free(words->words);
	heap_free(words->kinds);
	memset(words, 0, sizeof(*words));
}

/**
 * Append a setting's value, shown as text, to a text
 *
 * Names that do not parse, settings that are not set and values that
 * cannot be shown as the type asked for all expand to nothing.
 *
 * @v name		Setting name ("net0/mac:hexhyp")
 * @v text		Text
 * @ret rc		Return status code
 */
static int script_append_setting(const char *name, struct script_text *text)
{
	struct settings *settings;
	struct setting setting;
	char *value;
	int len;
	int rc;

	if (setting_parse_name(name, &settings, &setting) != 0)
		return 0;
	len = setting_fetchf(settings, &setting, NULL, 0);
	if (len <= 0)
		return 0;
	if (len > SCRIPT_LINE_MAX)
		return -E2BIG_LINE;
	value = heap_alloc(len + 1);
	if (!value)
		return -ENOMEM;
	if (setting_fetchf(settings, &setting, value, (len + 1)) == len)
		rc = script_text_append(text, value, len);
	else
		rc = 0;
	heap_free(value);
	return rc;
}

/**
 * Expand one ${...}
 *
 * @v in		Text, at "${"; moved past the closing "}"
 * @v text		Text to append the value to, or NULL to check
 *			the syntax only
 * @v depth		Nesting depth
 * @ret rc		Return status code
 */
static int script_expand_braces(const char **in, struct script_text *text,
				unsigned int depth)
{
	struct script_text name = { NULL, 0, 0 };
	const char *pos = (*in + 2);
	int rc = 0;

	if (depth >= SCRIPT_MAX_EXPANSION_DEPTH)
		return -ELOOP_EXPAND;
	for (;;) {
		if (!*pos) {
			rc = -EINVAL_BRACE;
			goto done;
		}
		if (*pos == '}') {
			pos++;
			break;
		}
		if (pos[0] == '$' && pos[1] == '{') {
			rc = script_expand_braces(&pos, (text ? &name : NULL),
						  (depth + 1));
		} else if (text) {
			rc = script_text_putc(&name, *(pos++));
		} else {
			pos++;
		}
		if (rc != 0)
			goto done;
	}
	*in = pos;
	if (text)
		rc = script_append_setting((name.data ? name.data : ""), text);
done:
	heap_free(name.data);
	return rc;
}

/**
 * Expand a word: remove quotes and backslashes, replace ${...}
 *
 * @v word		Raw word
 * @v text		Text to fill in, or NULL to check the syntax only
 * @ret rc		Return status code
 */
static int script_expand_word(const char *word, struct script_text *text)
{
	const char *in = word;
	char state = 0;
	int quote_allowed = 1;
	int rc = 0;

	while (*in && rc == 0) {
		if (!state && in[0] == '\\') {
			if (in[1] && script_is_escapable(in[1])) {
				rc = (text ? script_text_putc(text, in[1]) : 0);
				in += 2;
			} else {
				rc = (text ? script_text_putc(text, '\\') : 0);
				in++;
			}
			quote_allowed = 0;
		} else if (!state && (*in == '\'' || *in == '"') &&
			   quote_allowed) {
			state = *(in++);
		} else if (state == '\'') {
			if (*in == '\'') {
				state = 0;
				quote_allowed = 1;
				in++;
			} else {
				rc = (text ? script_text_putc(text, *in) : 0);
				in++;
			}
		} else if (state == '"' && *in == '"') {
			state = 0;
			quote_allowed = 1;
			in++;
		} else if (state == '"' && in[0] == '\\' && in[1] &&
			   strchr("\"\\$", in[1])) {
			rc = (text ? script_text_putc(text, in[1]) : 0);
			in += 2;
		} else if (in[0] == '$' && in[1] == '{') {
			rc = script_expand_braces(&in, text, 0);
			if (!state)
				quote_allowed = 0;
		} else {
			rc = (text ? script_text_putc(text, *in) : 0);
			in++;
			if (!state)
				quote_allowed = 0;
		}
	}
	if (rc == 0 && state)
		rc = -EINVAL_QUOTE;
	return rc;
}

/**
 * Expand a word into a new string
 *
 * @v word		Raw word (as split by script_split())
 * @v expanded		Expanded word (heap; caller frees), or NULL to
 *			check the syntax only
 * @ret rc		Return status code
 */
int script_expand(const char *word, char **expanded)
{
	struct script_text text = { NULL, 0, 0 };
	int rc;

	if (!expanded)
		return script_expand_word(word, NULL);
	*expanded = NULL;
	rc = script_expand_word(word, &text);
	if (rc == 0 && !text.data)
		rc = script_text_append(&text, "", 0);
	if (rc != 0) {
		heap_free(text.data);
		return rc;
	}
	*expanded = text.data;
	return 0;
}

/** A block created by "set" for a name that did not exist */
struct script_autovivified {
	/** Reference counter */
	struct refcnt refcnt;
	/** The block */
	struct generic_settings generic;
};

/**
 * Free a created block
 *
 * @v refcnt		Reference counter
 */
static void script_autovivified_free(struct refcnt *refcnt)
{
	struct script_autovivified *block =
		container_of(refcnt, struct script_autovivified, refcnt);

	generic_settings_operations.clear(&block->generic.settings);
	heap_free(block);
}

/**
 * Find a block by its full name, creating any part that is missing
 *
 * @v name		Full name ("a.b")
 * @v len		Length of the name
 * @v settings		Block found or made
 * @ret rc		Return status code
 */
static int script_autovivify(const char *name, size_t len,
			     struct settings **settings)
{
	char path[(sizeof(((struct settings *)0)->name) + 1) *
		  SCRIPT_MAX_BLOCK_DEPTH];
	struct script_autovivified *block;
	struct settings *parent;
	char *dot;
	int rc;

	if (len >= sizeof(path))
		return -ENAMETOOLONG_BLOCK;
	memcpy(path, name, len);
	path[len] = '\0';
	*settings = settings_find(path);
	if (*settings)
		return 0;
	dot = strrchr(path, '.');
	if (dot) {
		*dot = '\0';
		if ((rc = script_autovivify(path, strlen(path), &parent)) != 0)
			return rc;
		name = (dot + 1);
	} else {
		parent = NULL;
		name = path;
	}
	block = heap_zalloc(sizeof(*block));
	if (!block)
		return -ENOMEM;
	ref_init(&block->refcnt, script_autovivified_free);
	generic_settings_init(&block->generic, &block->refcnt);
	rc = settings_register(&block->generic.settings, parent, name);
	/* The tree holds the block now; drop the creation reference */
	ref_put(&block->refcnt);
	if (rc != 0)
		return rc;
	*settings = &block->generic.settings;
	return 0;
}

/**
 * Parse a setting name given to a command
 *
 * @v name		Name ("[block/]name[:type]")
 * @v create		Create the block if it does not exist (as "set"
 *			does)
 * @v settings		Block to fill in
 * @v setting		Setting to fill in
 * @ret rc		Return status code
 */
int script_parse_setting(const char *name, int create,
			 struct settings **settings, struct setting *setting)
{
	const char *slash = strchr(name, '/');
	struct settings *block;
	int rc;

	if (create && slash && slash != name) {
		if ((rc = script_autovivify(name, (slash - name), &block)) != 0)
			return rc;
	}
	return setting_parse_name(name, settings, setting);
}

/** A number that does not parse */
#define EINVAL_NUMBER ERROR_CODE(ERRCLASS_EINVAL, 3)
ERROR_MESSAGE(EINVAL_NUMBER, "Invalid number");
/** A bad command line (wrong arguments) */
#define EINVAL_USAGE ERROR_CODE(ERRCLASS_EINVAL, 4)
ERROR_MESSAGE(EINVAL_USAGE, "Invalid arguments");

/**
 * Parse a number given to a command (decimal, 0x hex or 0 octal, as
 * iPXE's parse_integer())
 *
 * Prints an error naming the text if it is not a number.
 *
 * @v text		Text
 * @v value		Number to fill in
 * @ret rc		Return status code
 */
int script_parse_integer(const char *text, unsigned long *value)
{
	char *end;

	if (!isdigit(text[0])) {
		error_print(-EINVAL_NUMBER, text);
		return -EINVAL_NUMBER;
	}
	*value = strtoul(text, &end, 0);
	if (*end) {
		error_print(-EINVAL_NUMBER, text);
		return -EINVAL_NUMBER;
	}
	return 0;
}

/**
 * Parse a key given to a command: one character stands for itself,
 * anything else is a number (iPXE's key codes, e.g. 0x197e for F12)
 *
 * @v text		Text
 * @v key		Key (iPXE's numbering) to fill in
 * @ret rc		Return status code
 */
int script_parse_key(const char *text, int *key)
{
	unsigned long value;
	int rc;

	if (text[0] && !text[1]) {
		*key = (unsigned char)text[0];
		return 0;
	}
	if ((rc = script_parse_integer(text, &value)) != 0)
		return rc;
	*key = (value & 0xffff);
	return 0;
}

/**
 * Print a command's usage
 *
 * @v usage		Usage line
 * @ret rc		-EINVAL (for "return script_usage(...)")
 */
int script_usage(const char *usage)
{
	printf("usage: %s\n", usage);
	return -EINVAL_USAGE;
}

/**
 * Join arguments with single spaces
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret text		Joined text (heap; caller frees), or NULL
 */
char *script_concat(int argc, char **argv)
{
	struct script_text text = { NULL, 0, 0 };
	int i;

	if (script_text_append(&text, "", 0) != 0)
		return NULL;
	for (i = 0; i < argc; i++) {
		if ((i && script_text_putc(&text, ' ') != 0) ||
		    script_text_append(&text, argv[i], strlen(argv[i])) != 0) {
			heap_free(text.data);
			return NULL;
		}
	}
	return text.data;
}
