#ifndef SCRIPT_UI_H
#define SCRIPT_UI_H

/** @file
 *
 * Text user interfaces (menus, the login form) drawn with ANSI escape
 * sequences
 *
 * Everything is drawn with sequences that serial terminals understand
 * and that core/ansi_escape.c turns into screen operations: clear the
 * screen, move the cursor, set colours, hide the cursor.  The screen is
 * taken to be UI_COLUMNS x UI_ROWS (the VGA text screen; serial
 * terminals are at least as big).  Frames use plain ASCII so they show
 * on every console.
 */

/** Screen width */
#define UI_COLUMNS 80
/** Screen height */
#define UI_ROWS    25

/** Colour numbers: ANSI 0-7, and the console's default */
#define UI_COLOUR_DEFAULT 9
/** Number of colour numbers ("colour" accepts 0 to UI_COLOURS - 1) */
#define UI_COLOURS        10

/** Colour pairs, numbered as iPXE's "cpair" numbers them */
enum ui_pair {
	UI_PAIR_DEFAULT = 0,
	UI_PAIR_NORMAL = 1,
	UI_PAIR_SELECT = 2,
	UI_PAIR_SEPARATOR = 3,
	UI_PAIR_EDIT = 4,
	UI_PAIR_ALERT = 5,
	UI_PAIR_URL = 6,
	UI_PAIR_PXE = 7,
	/** Number of pairs */
	UI_PAIRS = 8,
};

extern int ui_key_ipxe(int key);
extern int ui_colour_define(unsigned int colour, unsigned int basic);
extern int ui_pair_define(unsigned int pair, unsigned int foreground,
			  unsigned int background);
extern void ui_pair_use(unsigned int pair, int bold);
extern void ui_move(unsigned int row, unsigned int column);
extern void ui_begin(void);
extern void ui_end(void);
extern void ui_frame(void);
extern void ui_print_field(unsigned int row, unsigned int column,
			   unsigned int width, const char *text);
extern void ui_print_centred(unsigned int row, const char *text);

#endif /* SCRIPT_UI_H */
