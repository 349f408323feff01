/** @file
 *
 * Unit tests: key decoding and line editing
 */

#include "tests/unit/unittest.h"
#include "tests/unit/test_console.h"
#include "core/keys.h"
#include "core/readline.h"
#include "core/string.h"
#include "core/malloc.h"
#include "core/errors.h"

/**
 * Feed a string to the test console
 *
 * @v input		Input
 */
static void keys_feed(const char *input)
{
	test_console_feed(input, strlen(input));
}

/** ANSI sequences become key codes; CR LF is one Enter */
UNIT_TEST(keys_decode)
{
	test_console_reset();
	keys_feed("a\033[A\033[B\033[C\033[D\033[H\033[F\033OH\033[3~"
		  "\033[5~\033[6~\033OP\033[15~\r\n\n\033");
	ok(getkey(0) == 'a');
	ok(getkey(0) == KEY_UP);
	ok(getkey(0) == KEY_DOWN);
	ok(getkey(0) == KEY_RIGHT);
	ok(getkey(0) == KEY_LEFT);
	ok(getkey(0) == KEY_HOME);
	ok(getkey(0) == KEY_END);
	ok(getkey(0) == KEY_HOME);
	ok(getkey(0) == KEY_DELETE);
	ok(getkey(0) == KEY_PAGE_UP);
	ok(getkey(0) == KEY_PAGE_DOWN);
	ok(getkey(0) == KEY_F1);
	ok(getkey(0) == KEY_F1 + 4);
	ok(getkey(0) == KEY_ENTER);
	ok(getkey(0) == KEY_ENTER);
	ok(getkey(0) == KEY_ESC);
	ok(getkey(0) == -1);
	ok(getkey(10) == -1);
	test_console_reset();
}

/**
 * Run readline over some input
 *
 * @v input		Keys
 * @v line		Line read (heap) or NULL
 * @ret rc		readline()'s status
 */
static int keys_readline(const char *input, char **line)
{
	test_console_reset();
	keys_feed(input);
	return readline("> ", NULL, line);
}

/** Editing keys change the line as expected */
UNIT_TEST(readline_editing)
{
	char *line;

	ok(keys_readline("echo hi\r", &line) == 0);
	ok(line && strcmp(line, "echo hi") == 0);
	ok(strstr(test_console_output(), "> echo hi") != NULL);
	heap_free(line);

	/* "ecXo hi": left x4, backspace, 'h', home, 'x', delete, end, '!' */
	ok(keys_readline("ecXo hi\033[D\033[D\033[D\033[D\x7fh\033[Hx"
			 "\033[3~\033[F!\r",
			 &line) == 0);
	ok(line && strcmp(line, "xcho hi!") == 0);
	heap_free(line);

	/* Ctrl-A, Ctrl-K erase all; Ctrl-U too */
	ok(keys_readline("junk\x01\x0bok\r", &line) == 0);
	ok(line && strcmp(line, "ok") == 0);
	heap_free(line);
	ok(keys_readline("junk\x15ok2\r", &line) == 0);
	ok(line && strcmp(line, "ok2") == 0);
	heap_free(line);
}

/** Up and Down walk the history */
UNIT_TEST(readline_history)
{
	char *line;

	ok(keys_readline("first\r", &line) == 0);
	heap_free(line);
	ok(keys_readline("second\r", &line) == 0);
	heap_free(line);
	ok(keys_readline("\033[A\r", &line) == 0);
	ok(line && strcmp(line, "second") == 0);
	heap_free(line);
	ok(keys_readline("\033[A\033[A\033[A\r", &line) == 0);
	ok(line && strcmp(line, "first") == 0);
	heap_free(line);
	ok(keys_readline("draft\033[A\033[B\r", &line) == 0);
	ok(line && strcmp(line, "draft") == 0);
	heap_free(line);
}

/** Ctrl-C cancels; an over-long line is refused whole */
UNIT_TEST(readline_limits)
{
	static char big[READLINE_MAX + 100];
	char *line;
	int rc;

	ok(ERROR_IS(keys_readline("abc\x03", &line), ECANCELED));
	ok(line == NULL);
	ok(strstr(test_console_output(), "^C") != NULL);

	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\r';
	big[sizeof(big) - 1] = '\0';
	rc = keys_readline(big, &line);
	ok(rc < 0 && !ERROR_IS(rc, ECANCELED));
	ok(line == NULL);
	ok(strcmp(error_string(rc), "Line too long") == 0);
	test_console_reset();
}
