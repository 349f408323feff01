/** @file
 *
 * Text user interfaces drawn with ANSI escape sequences
 *
 * Colour numbers 0-7 are mapped to basic ANSI colours (by default each
 * to itself; "colour" changes the mapping) and 9 is the console's
 * default colour.  Pairs of foreground and background colours are
 * defined with "cpair"; menus draw normal items, the selection and
 * separators with pairs 1, 2 and 3.
 */

#include <stddef.h>
#include "script/ui.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/console.h"
#include "core/keys.h"
#include <stdint.h>

/** A colour or pair number out of range */
#define EINVAL_COLOUR ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_COLOUR, "No such colour or colour pair");

/** The basic ANSI colour each colour number is shown as */
static unsigned char ui_colours[UI_COLOURS] = {
	0, 1, 2, 3, 4, 5, 6, 7, UI_COLOUR_DEFAULT, UI_COLOUR_DEFAULT,
};

/** A pair of colours */
struct ui_pair_colours {
	/** Foreground colour number */
	unsigned char foreground;
	/** Background colour number */
	unsigned char background;
};

/** The colour pairs */
static struct ui_pair_colours ui_pairs[UI_PAIRS] = {
	[UI_PAIR_DEFAULT] = { UI_COLOUR_DEFAULT, UI_COLOUR_DEFAULT },
	[UI_PAIR_NORMAL] = { UI_COLOUR_DEFAULT, UI_COLOUR_DEFAULT },
	[UI_PAIR_SELECT] = { 7, 4 },
	[UI_PAIR_SEPARATOR] = { 6, UI_COLOUR_DEFAULT },
	[UI_PAIR_EDIT] = { 0, 6 },
	[UI_PAIR_ALERT] = { 7, 1 },
	[UI_PAIR_URL] = { 6, UI_COLOUR_DEFAULT },
	[UI_PAIR_PXE] = { 0, 7 },
};

/**
 * Define how a colour number is shown
 *
 * @v colour		Colour number (0 to UI_COLOURS - 1)
 * @v basic		Basic ANSI colour (0-7) or UI_COLOUR_DEFAULT
 * @ret rc		Return status code
 */
int ui_colour_define(unsigned int colour, unsigned int basic)
{
	if (colour >= UI_COLOURS || (basic > 7 && basic != UI_COLOUR_DEFAULT))
		return -EINVAL_COLOUR;
	ui_colours[colour] = basic;
	return 0;
}

/**
 * Define a colour pair
 *
 * @v pair		Pair number (0 to UI_PAIRS - 1)
 * @v foreground	Foreground colour number
 * @v background	Background colour number
 * @ret rc		Return status code
 */
int ui_pair_define(unsigned int pair, unsigned int foreground,
		   unsigned int background)
{
	if (pair >= UI_PAIRS || foreground >= UI_COLOURS ||
	    background >= UI_COLOURS)
		return -EINVAL_COLOUR;
	ui_pairs[pair].foreground = foreground;
	ui_pairs[pair].background = background;
	return 0;
}

/**
 * Draw from now on with a colour pair
 *
 * @v pair		Pair number
 * @v bold		Also bold
 */
void ui_pair_use(unsigned int pair, int bold)
{
	struct ui_pair_colours *colours;

	if (pair >= UI_PAIRS)
		pair = UI_PAIR_DEFAULT;
	colours = &ui_pairs[pair];
	printf("\033[0;%s3%d;4%dm", (bold ? "1;" : ""),
	       ui_colours[colours->foreground],
	       ui_colours[colours->background]);
}

/**
 * Move the cursor
 *
 * @v row		Row (0-based)
 * @v column		Column (0-based)
 */
void ui_move(unsigned int row, unsigned int column)
{
	printf("\033[%u;%uH", (row + 1), (column + 1));
}

/**
 * Take over the screen: clear it and hide the cursor
 */
void ui_begin(void)
{
	ui_pair_use(UI_PAIR_NORMAL, 0);
	printf("\033[?25l\033[2J");
	ui_move(0, 0);
}

/**
 * Give the screen back: normal colours, cursor shown, on a fresh line
 * at the bottom (what was drawn stays on the screen, as in iPXE)
 */
void ui_end(void)
{
	printf("\033[0m\033[?25h");
	ui_move((UI_ROWS - 1), 0);
	printf("\n");
}

/**
 * Draw a frame around the screen
 */
void ui_frame(void)
{
	char line[UI_COLUMNS + 1];
	unsigned int row;

	memset(line, '-', UI_COLUMNS);
	line[0] = line[UI_COLUMNS - 1] = '+';
	line[UI_COLUMNS] = '\0';
	ui_pair_use(UI_PAIR_NORMAL, 0);
	ui_move(0, 0);
	printf("%s", line);
	for (row = 1; row < (UI_ROWS - 1); row++) {
		ui_move(row, 0);
		putchar('|');
		ui_move(row, (UI_COLUMNS - 1));
		putchar('|');
	}
	ui_move((UI_ROWS - 1), 0);
	/* The last cell is left alone: writing it scrolls some terminals */
	line[UI_COLUMNS - 1] = '\0';
	printf("%s", line);
}

/**
 * Print text in a field, cut or padded with spaces to its width
 *
 * @v row		Row
 * @v column		Column
 * @v width		Width of the field
 * @v text		Text
 */
void ui_print_field(unsigned int row, unsigned int column, unsigned int width,
		    const char *text)
{
	size_t len = strlen(text);

	if (len > width)
		len = width;
	ui_move(row, column);
	console_write(text, len);
	for (; len < width; len++)
		putchar(' ');
}

/**
 * Print text centred on a row, inside the frame
 *
 * @v row		Row
 * @v text		Text (cut to fit)
 */
void ui_print_centred(unsigned int row, const char *text)
{
	size_t width = (UI_COLUMNS - 4);
	size_t len = strlen(text);

	if (len > width)
		len = width;
	ui_move(row, ((UI_COLUMNS - len) / 2));
	console_write(text, len);
}

/**
 * iPXE's number for a special key: 0x100 * (n + 1) + final byte of
 * the key's escape sequence "ESC [ n final"
 *
 * @v n			Parameter of the sequence
 * @v final		Final byte
 * @ret key		Key number
 */
#define UI_KEY_ANSI(n, final) ((0x100 * ((n) + 1)) + (final))

/**
 * Turn a key from getkey() into iPXE's numbering
 *
 * @v key		Key (core/keys.h)
 * @ret ipxe_key	Key as iPXE numbers it
 */
int ui_key_ipxe(int key)
{
	static const uint8_t function_keys[] = {
		/* F5 to F12, as "ESC [ n ~" */
		15, 17, 18, 19, 20, 21, 23, 24,
	};

	switch (key) {
	case KEY_UP:
		return UI_KEY_ANSI(0, 'A');
	case KEY_DOWN:
		return UI_KEY_ANSI(0, 'B');
	case KEY_RIGHT:
		return UI_KEY_ANSI(0, 'C');
	case KEY_LEFT:
		return UI_KEY_ANSI(0, 'D');
	case KEY_END:
		return UI_KEY_ANSI(0, 'F');
	case KEY_HOME:
		return UI_KEY_ANSI(0, 'H');
	case KEY_INSERT:
		return UI_KEY_ANSI(2, '~');
	case KEY_DELETE:
		return UI_KEY_ANSI(3, '~');
	case KEY_PAGE_UP:
		return UI_KEY_ANSI(5, '~');
	case KEY_PAGE_DOWN:
		return UI_KEY_ANSI(6, '~');
	default:
		break;
	}
	if (key >= KEY_F1 && key < (KEY_F1 + 4))
		return UI_KEY_ANSI(0, 'P' + (key - KEY_F1));
	if (key >= (KEY_F1 + 4) && key <= KEY_F12)
		return UI_KEY_ANSI(function_keys[key - KEY_F1 - 4], '~');
	return key;
}
