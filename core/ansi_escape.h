#ifndef CORE_ANSI_ESCAPE_H
#define CORE_ANSI_ESCAPE_H

/** @file
 *
 * ANSI escape sequences in console output, for screens
 *
 * Ferry's output carries ANSI/ECMA-48 control sequences (as a serial
 * terminal expects them).  A console that draws on a screen itself (VGA
 * text, a firmware text screen) runs its output through an ansi_escape
 * parser, which passes printable bytes and C0 controls on and turns the
 * sequences it knows into calls of the screen's operations:
 *
 *     CSI n A/B/C/D/E/F   cursor up/down/forward/back, next/previous line
 *     CSI n G             cursor to column n
 *     CSI r;c H, CSI r;c f  cursor to row r, column c (1-based)
 *     CSI n J             erase in display (0: to end, 1: to cursor, 2/3: all)
 *     CSI n K             erase in line (0: to end, 1: to cursor, 2: all)
 *     CSI n X             erase n characters
 *     CSI n @, CSI n P    insert, delete n characters
 *     CSI ... m           attributes: 0 reset, 1 bold, 22 not bold,
 *                         7/27 reverse on/off, 30-37/39 foreground,
 *                         40-47/49 background, 90-97/100-107 bright
 *     CSI ?25h, CSI ?25l  show, hide the cursor
 *     CSI s, CSI u, ESC 7, ESC 8   save, restore the cursor
 *     ESC c               reset
 *
 * Other sequences (including OSC strings) are consumed and ignored, so
 * they never show up as garbage.
 */

/** Most numeric parameters kept from one sequence */
#define ANSI_ESCAPE_MAX_PARAMS 8

/** The default colour (as in SGR 39 and 49) */
#define ANSI_COLOUR_DEFAULT 9

/** Erase in display or line (ED/EL parameter) */
enum ansi_erase {
	/** From the cursor to the end */
	ANSI_ERASE_TO_END = 0,
	/** From the start to the cursor, inclusive */
	ANSI_ERASE_TO_CURSOR = 1,
	/** All of it */
	ANSI_ERASE_ALL = 2,
};

/** Character attributes (SGR state) */
struct ansi_attributes {
	/** Foreground colour: 0-7 (ANSI order) or ANSI_COLOUR_DEFAULT */
	unsigned int foreground;
	/** Background colour: 0-7 (ANSI order) or ANSI_COLOUR_DEFAULT */
	unsigned int background;
	/** Bold (bright foreground) */
	int bold;
	/** Bright background (SGR 100-107) */
	int bright_background;
	/** Reverse video */
	int reverse;
};

struct ansi_escape;

/** What a screen does for an ANSI escape parser */
struct ansi_screen_operations {
	/**
	 * Output a byte that is not part of a sequence
	 *
	 * @v ansi		Parser
	 * @v character		Printable byte, UTF-8 byte or C0 control
	 */
	void (*putchar)(struct ansi_escape *ansi, int character);
	/**
	 * Move the cursor (the screen clamps to its size)
	 *
	 * @v ansi		Parser
	 * @v row		Row (0-based), or -1 to keep the row
	 * @v column		Column (0-based), or -1 to keep the column
	 */
	void (*move_to)(struct ansi_escape *ansi, int row, int column);
	/**
	 * Move the cursor relative to where it is (clamped, no scrolling)
	 *
	 * @v ansi		Parser
	 * @v rows		Rows down (negative: up)
	 * @v columns		Columns right (negative: left)
	 */
	void (*move_by)(struct ansi_escape *ansi, int rows, int columns);
	/**
	 * Erase part of the display
	 *
	 * @v ansi		Parser
	 * @v erase		Which part
	 */
	void (*erase_display)(struct ansi_escape *ansi, enum ansi_erase erase);
	/**
	 * Erase part of the cursor's line
	 *
	 * @v ansi		Parser
	 * @v erase		Which part
	 */
	void (*erase_line)(struct ansi_escape *ansi, enum ansi_erase erase);
	/**
	 * Erase characters from the cursor on, without moving it
	 *
	 * @v ansi		Parser
	 * @v count		Number of characters
	 */
	void (*erase_characters)(struct ansi_escape *ansi, unsigned int count);
	/**
	 * Insert (positive) or delete (negative) characters at the cursor
	 *
	 * May be NULL.
	 *
	 * @v ansi		Parser
	 * @v count		Number of characters
	 */
	void (*shift_characters)(struct ansi_escape *ansi, int count);
	/**
	 * Use new attributes for what follows (ansi->attributes)
	 *
	 * @v ansi		Parser
	 */
	void (*set_attributes)(struct ansi_escape *ansi);
	/**
	 * Show or hide the cursor
	 *
	 * @v ansi		Parser
	 * @v visible		Cursor is visible
	 */
	void (*show_cursor)(struct ansi_escape *ansi, int visible);
	/**
	 * Save (save != 0) or restore the cursor position
	 *
	 * May be NULL.
	 *
	 * @v ansi		Parser
	 * @v save		Save rather than restore
	 */
	void (*save_cursor)(struct ansi_escape *ansi, int save);
};

/** Parser states */
enum ansi_escape_state {
	/** Ordinary output */
	ANSI_STATE_GROUND = 0,
	/** After ESC */
	ANSI_STATE_ESCAPE,
	/** In an escape sequence with intermediate bytes (ESC ( B) */
	ANSI_STATE_ESCAPE_INTERMEDIATE,
	/** In a control sequence (after CSI) */
	ANSI_STATE_CSI,
	/** In a control sequence that will be ignored */
	ANSI_STATE_CSI_IGNORE,
	/** In an operating system command string (after ESC ]) */
	ANSI_STATE_STRING,
	/** After ESC within a string (ESC \ ends it) */
	ANSI_STATE_STRING_ESCAPE,
};

/** An ANSI escape parser */
struct ansi_escape {
	/** Screen operations */
	const struct ansi_screen_operations *op;
	/** Current attributes */
	struct ansi_attributes attributes;
	/** State */
	enum ansi_escape_state state;
	/** Parameters of the current control sequence */
	unsigned int params[ANSI_ESCAPE_MAX_PARAMS];
	/** Number of parameters started */
	unsigned int count;
	/** Private marker ('?', '<', '=', '>'), or 0 */
	int private;
	/** Intermediate byte, or 0 */
	int intermediate;
};

extern void ansi_escape_init(struct ansi_escape *ansi,
			     const struct ansi_screen_operations *op);
extern void ansi_escape_process(struct ansi_escape *ansi, int character);

#endif /* CORE_ANSI_ESCAPE_H */
