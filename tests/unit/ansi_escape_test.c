/** @file
 *
 * Unit tests: the ANSI output parser that screen consoles use
 */

#include "tests/unit/unittest.h"
#include "core/ansi_escape.h"
#include "core/string.h"

/** What the recording screen saw */
struct ansi_test_screen {
	/** Printable output */
	char text[64];
	/** Length of text */
	unsigned int len;
	/** Last absolute move */
	int row, column;
	/** Last relative move */
	int rows, columns;
	/** Last erase of the display, or -1 */
	int erase_display;
	/** Last erase of the line, or -1 */
	int erase_line;
	/** Attribute changes seen */
	unsigned int attribute_changes;
	/** Cursor visibility, or -1 if never set */
	int cursor_visible;
};

/** The screen the parser under test drives */
static struct ansi_test_screen ansi_test;

/** @v ansi Parser @v character Byte */
static void ansi_test_putchar(struct ansi_escape *ansi, int character)
{
	if (ansi_test.len + 1 < sizeof(ansi_test.text))
		ansi_test.text[ansi_test.len++] = character;
}

/** @v ansi Parser @v row Row @v column Column */
static void ansi_test_move_to(struct ansi_escape *ansi, int row, int column)
{
	ansi_test.row = row;
	ansi_test.column = column;
}

/** @v ansi Parser @v rows Rows @v columns Columns */
static void ansi_test_move_by(struct ansi_escape *ansi, int rows, int columns)
{
	ansi_test.rows = rows;
	ansi_test.columns = columns;
}

/** @v ansi Parser @v erase What */
static void ansi_test_erase_display(struct ansi_escape *ansi,
				    enum ansi_erase erase)
{
	ansi_test.erase_display = erase;
}

/** @v ansi Parser @v erase What */
static void ansi_test_erase_line(struct ansi_escape *ansi,
				 enum ansi_erase erase)
{
	ansi_test.erase_line = erase;
}

/** @v ansi Parser */
static void ansi_test_set_attributes(struct ansi_escape *ansi)
{
	ansi_test.attribute_changes++;
}

/** @v ansi Parser @v visible Visible */
static void ansi_test_show_cursor(struct ansi_escape *ansi, int visible)
{
	ansi_test.cursor_visible = visible;
}

/** Recording screen operations (the others stay NULL on purpose) */
static const struct ansi_screen_operations ansi_test_operations = {
	.putchar = ansi_test_putchar,
	.move_to = ansi_test_move_to,
	.move_by = ansi_test_move_by,
	.erase_display = ansi_test_erase_display,
	.erase_line = ansi_test_erase_line,
	.set_attributes = ansi_test_set_attributes,
	.show_cursor = ansi_test_show_cursor,
};

/**
 * Run text through a fresh parser
 *
 * @v ansi		Parser
 * @v text		Output bytes
 */
static void ansi_test_run(struct ansi_escape *ansi, const char *text)
{
	memset(&ansi_test, 0, sizeof(ansi_test));
	ansi_test.erase_display = ansi_test.erase_line = -1;
	ansi_test.cursor_visible = -1;
	ansi_test.row = ansi_test.column = -2;
	ansi_escape_init(ansi, &ansi_test_operations);
	while (*text)
		ansi_escape_process(ansi, (unsigned char)*(text++));
}

/** Cursor positioning, erasing, plain text around sequences */
UNIT_TEST(ansi_escape_cursor)
{
	struct ansi_escape ansi;

	ansi_test_run(&ansi, "a\033[5;10Hb\033[2J\033[Kc");
	ok(strcmp(ansi_test.text, "abc") == 0);
	ok(ansi_test.row == 4 && ansi_test.column == 9);
	ok(ansi_test.erase_display == ANSI_ERASE_ALL);
	ok(ansi_test.erase_line == ANSI_ERASE_TO_END);
	ansi_test_run(&ansi, "\033[H");
	ok(ansi_test.row == 0 && ansi_test.column == 0);
	ansi_test_run(&ansi, "\033[3D");
	ok(ansi_test.rows == 0 && ansi_test.columns == -3);
	ansi_test_run(&ansi, "\033[?25l");
	ok(ansi_test.cursor_visible == 0);
}

/** Colours and attributes */
UNIT_TEST(ansi_escape_sgr)
{
	struct ansi_escape ansi;

	ansi_test_run(&ansi, "\033[1;31;44mx\033[0m");
	ok(strcmp(ansi_test.text, "x") == 0);
	ok(ansi_test.attribute_changes >= 2);
	ok(!ansi.attributes.bold);
	ok(ansi.attributes.foreground == ANSI_COLOUR_DEFAULT);
	ansi_test_run(&ansi, "\033[1;32;45m");
	ok(ansi.attributes.bold && ansi.attributes.foreground == 2 &&
	   ansi.attributes.background == 5);
	ansi_test_run(&ansi, "\033[7m");
	ok(ansi.attributes.reverse);
}

/** Strings are skipped, CAN aborts, oversized parameters do no harm */
UNIT_TEST(ansi_escape_robust)
{
	struct ansi_escape ansi;

	ansi_test_run(&ansi, "a\033]0;title\007b\033]2;t\033\\c");
	ok(strcmp(ansi_test.text, "abc") == 0);
	ansi_test_run(&ansi, "\033[12\030d");
	ok(strcmp(ansi_test.text, "d") == 0);
	ansi_test_run(&ansi, "\033[1;2;3;4;5;6;7;8;9;10;11;12me");
	ok(strcmp(ansi_test.text, "e") == 0);
	ansi_test_run(&ansi, "\033[99999999999999999999Hf");
	ok(strcmp(ansi_test.text, "f") == 0);
	ansi_test_run(&ansi, "\033(Bg");
	ok(strcmp(ansi_test.text, "g") == 0);
}
