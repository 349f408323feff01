/** @file
 *
 * Line editing with history
 *
 * Works on any console that understands a few ANSI sequences (cursor
 * left/right, erase to end of line): serial terminals do, and screen
 * consoles run core/ansi_escape.c.  Keys: Left/Right, Home/End (also
 * Ctrl-A/Ctrl-E), Backspace, Delete, Ctrl-K (erase to end), Ctrl-U
 * (erase line), Up/Down (history), Enter, Ctrl-C (cancel).
 */

#include <stddef.h>
#include "core/readline.h"
#include "core/keys.h"
#include "core/console.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/malloc.h"
#include "core/errors.h"

/** Input ended before the line did */
#define EPIPE_ENDED ERROR_CODE(ERRCLASS_EPIPE, 1)
ERROR_MESSAGE(EPIPE_ENDED, "End of input");
/** A line that grew past READLINE_MAX */
#define ENOSPC_LINE ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_LINE, "Line too long");

/** History, oldest first; entries are heap strings */
static char *readline_history[READLINE_HISTORY_DEPTH];
/** Number of history entries */
static unsigned int readline_history_count;

/** A line being edited */
struct readline_state {
	/** Text (NUL-terminated) */
	char text[READLINE_MAX + 1];
	/** Length of text */
	size_t len;
	/** Cursor position */
	size_t cursor;
};

/**
 * Move the cursor on screen
 *
 * @v count		Columns to move (negative: left)
 */
static void readline_move(int count)
{
	if (count < 0)
		printf("\033[%dD", -count);
	else if (count > 0)
		printf("\033[%dC", count);
}

/**
 * Redraw from the cursor to the end of the line, leaving the cursor put
 *
 * @v line		Line
 */
static void readline_redraw_tail(struct readline_state *line)
{
	console_write(line->text + line->cursor, (line->len - line->cursor));
	printf("\033[K");
	readline_move(-(int)(line->len - line->cursor));
}

/**
 * Replace the whole line (for history)
 *
 * @v line		Line
 * @v text		New text
 */
static void readline_replace(struct readline_state *line, const char *text)
{
	readline_move(-(int)line->cursor);
	line->len = strlcpy(line->text, text, sizeof(line->text));
	if (line->len > READLINE_MAX)
		line->len = READLINE_MAX;
	line->cursor = 0;
	readline_redraw_tail(line);
	readline_move((int)line->len);
	line->cursor = line->len;
}

/**
 * Insert a character at the cursor
 *
 * @v line		Line
 * @v character		Character
 * @ret rc		0, or -ENOSPC_LINE if the line is full
 */
static int readline_insert(struct readline_state *line, int character)
{
	if (line->len >= READLINE_MAX)
		return -ENOSPC_LINE;
	memmove(line->text + line->cursor + 1, line->text + line->cursor,
		(line->len - line->cursor + 1));
	line->text[line->cursor] = character;
	line->len++;
	putchar(character);
	line->cursor++;
	if (line->cursor < line->len)
		readline_redraw_tail(line);
	return 0;
}

/**
 * Delete the character at the cursor
 *
 * @v line		Line
 */
static void readline_delete(struct readline_state *line)
{
	if (line->cursor >= line->len)
		return;
	memmove(line->text + line->cursor, line->text + line->cursor + 1,
		(line->len - line->cursor));
	line->len--;
	readline_redraw_tail(line);
}

/**
 * Add a line to the history (not if empty or equal to the last one)
 *
 * @v text		Line
 */
static void readline_history_add(const char *text)
{
	char *copy;

	if (!text[0])
		return;
	if (readline_history_count &&
	    strcmp(readline_history[readline_history_count - 1], text) == 0)
		return;
	copy = strdup(text);
	if (!copy)
		return;
	if (readline_history_count == READLINE_HISTORY_DEPTH) {
		heap_free(readline_history[0]);
		memmove(&readline_history[0], &readline_history[1],
			(sizeof(readline_history[0]) *
			 (READLINE_HISTORY_DEPTH - 1)));
		readline_history_count--;
	}
	readline_history[readline_history_count++] = copy;
}

/**
 * Discard the rest of an over-long line, up to Enter or Ctrl-C
 *
 * @ret rc		-ENOSPC_LINE, or -ECANCELED on Ctrl-C
 */
static int readline_discard(void)
{
	int key;

	for (;;) {
		key = getkey(GETKEY_FOREVER);
		if (key == KEY_ENTER || key < 0)
			return -ENOSPC_LINE;
		if (key == CTRL_C)
			return -ECANCELED;
	}
}

/**
 * Read a line from the console, with editing and history
 *
 * @v prompt		Prompt, or NULL
 * @v prefill		Initial text, or NULL
 * @v result		Line read (a heap string the caller frees)
 * @ret rc		0, -ECANCELED on Ctrl-C, -ENOSPC_LINE if the line
 *			was longer than READLINE_MAX (the rest is read
 *			and dropped, so nothing runs truncated), or
 *			-EPIPE_ENDED if input ended for good
 */
int readline(const char *prompt, const char *prefill, char **result)
{
	struct readline_state *line;
	unsigned int history_index = readline_history_count;
	char *saved = NULL;
	int key;
	int rc;

	*result = NULL;
	line = heap_zalloc(sizeof(*line));
	if (!line)
		return -ENOMEM;
	if (prompt)
		printf("%s", prompt);
	if (prefill)
		readline_replace(line, prefill);

	for (;;) {
		key = getkey(GETKEY_FOREVER);
		if (key < 0) {
			rc = -EPIPE_ENDED;
			goto done;
		}
		switch (key) {
		case KEY_ENTER:
			putchar('\n');
			*result = strdup(line->text);
			rc = (*result ? 0 : -ENOMEM);
			if (rc == 0)
				readline_history_add(line->text);
			goto done;
		case CTRL_C:
			printf("^C\n");
			rc = -ECANCELED;
			goto done;
		case KEY_BACKSPACE:
		case CTRL_H:
			if (line->cursor) {
				readline_move(-1);
				line->cursor--;
				readline_delete(line);
			}
			break;
		case KEY_DELETE:
		case CTRL_D:
			readline_delete(line);
			break;
		case KEY_LEFT:
		case CTRL_B:
			if (line->cursor) {
				readline_move(-1);
				line->cursor--;
			}
			break;
		case KEY_RIGHT:
		case CTRL_F:
			if (line->cursor < line->len) {
				readline_move(1);
				line->cursor++;
			}
			break;
		case KEY_HOME:
		case CTRL_A:
			readline_move(-(int)line->cursor);
			line->cursor = 0;
			break;
		case KEY_END:
		case CTRL_E:
			readline_move((int)(line->len - line->cursor));
			line->cursor = line->len;
			break;
		case CTRL_K:
			line->len = line->cursor;
			line->text[line->len] = '\0';
			printf("\033[K");
			break;
		case CTRL_U:
			readline_replace(line, "");
			break;
		case KEY_UP:
		case CTRL_P:
			if (history_index == 0)
				break;
			if (history_index == readline_history_count) {
				heap_free(saved);
				saved = strdup(line->text);
			}
			history_index--;
			readline_replace(line,
					 readline_history[history_index]);
			break;
		case KEY_DOWN:
		case CTRL_N:
			if (history_index >= readline_history_count)
				break;
			history_index++;
			readline_replace(
				line,
				((history_index < readline_history_count) ?
					 readline_history[history_index] :
					 (saved ? saved : "")));
			break;
		default:
			if (key < 0x20 || key > 0xff)
				break;
			rc = readline_insert(line, key);
			if (rc != 0) {
				rc = readline_discard();
				putchar('\n');
				goto done;
			}
			break;
		}
	}

done:
	heap_free(saved);
	heap_free(line);
	return rc;
}
