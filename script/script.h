#ifndef SCRIPT_SCRIPT_H
#define SCRIPT_SCRIPT_H

/** @file
 *
 * The command interpreter: command lines and scripts
 *
 * A line is split into words (script/parse.c), each word is expanded
 * just before its command runs (so "set x 1 && echo ${x}" prints 1),
 * and the commands run in turn, chained by "&&", "||" and ";"
 * (script/exec.c).  docs/scripting.md describes the language.
 */

#include <stddef.h>

struct settings;
struct setting;

/** Most words on one command line */
#define SCRIPT_MAX_ARGS 256

/** Longest line, before or after expansion, in bytes */
#define SCRIPT_LINE_MAX 65536

/** Most scripts running inside one another (a script chaining itself) */
#define SCRIPT_MAX_DEPTH 16

/** Deepest nesting of ${...} inside ${...} */
#define SCRIPT_MAX_EXPANSION_DEPTH 32

/** What a word of a split line is */
enum script_word_kind {
	/** An argument (raw text, expanded when its command runs) */
	SCRIPT_WORD_TEXT = 0,
	/** "&&": run the next command if the last one succeeded */
	SCRIPT_WORD_AND,
	/** "||": run the next command if the last one failed */
	SCRIPT_WORD_OR,
	/** ";": run the next command whatever happened */
	SCRIPT_WORD_THEN,
};

/** A line split into words */
struct script_words {
	/** Raw words (quotes, backslashes and ${...} still in them) */
	char **words;
	/** Kind of each word (enum script_word_kind) */
	unsigned char *kinds;
	/** Number of words */
	unsigned int count;
	/** Storage for the words */
	char *storage;
};

/** How far a command asked the interpreter to stop */
enum script_stop {
	/** Carry on */
	SCRIPT_STOP_NONE = 0,
	/** Stop this line ("goto": the script goes on at the label) */
	SCRIPT_STOP_LINE,
	/** Stop the script or shell ("exit") */
	SCRIPT_STOP_SCRIPT,
};

/* script/parse.c */
extern int script_split(const char *line, struct script_words *words);
extern void script_words_free(struct script_words *words);
extern int script_expand(const char *word, char **expanded);
extern int script_parse_setting(const char *name, int create,
				struct settings **settings,
				struct setting *setting);
extern int script_parse_integer(const char *text, unsigned long *value);
extern int script_parse_key(const char *text, int *key);
extern int script_usage(const char *usage);
extern char *script_concat(int argc, char **argv);

/* script/exec.c */
extern int script_exec_line(const char *line);
extern int script_exec_buffer(const char *data, size_t len);
extern int script_is_script(const char *data, size_t len);
extern int script_goto(const char *label);
extern void script_stop(enum script_stop stop);
extern int script_exit_requested(void);
extern int script_exit_status(int rc);
extern void *script_hide(void);
extern void script_unhide(void *saved);

#endif /* SCRIPT_SCRIPT_H */
