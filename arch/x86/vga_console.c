/** @file
 *
 * VGA text console, written directly to video memory
 *
 * Output goes straight to the text buffer (0xB8000, or 0xB0000 for a
 * monochrome adapter), not through INT 10h: SeaBIOS's serial console
 * copies INT 10h text to the serial port, where Ferry's own serial
 * console already writes, and every line would show twice.  The driver
 * keeps its own cursor, scrolls, moves the hardware cursor through the
 * CRT controller, and understands ANSI output through core/ansi_escape.c.
 *
 * A copy of the screen is kept in RAM, so that scrolling never reads
 * video memory (slow on real hardware, an exit per access under QEMU).
 */

#include <stdint.h>
#include "core/ansi_escape.h"
#include "core/console.h"
#include "core/init.h"
#include "core/io.h"
#include "core/string.h"
#include "arch/x86/realmode.h"

/** Columns */
#define VGA_COLUMNS      80U
/** Rows */
#define VGA_ROWS         25U
/** Colour text buffer */
#define VGA_TEXT_COLOUR  0xb8000
/** Monochrome text buffer */
#define VGA_TEXT_MONO    0xb0000
/** Default attribute: light grey on black */
#define VGA_ATTR_DEFAULT 0x07
/** Attribute bit: bright foreground */
#define VGA_ATTR_BRIGHT  0x08
/** Character shown for bytes the font cannot show */
#define VGA_UNKNOWN_CHAR '?'

/** BIOS data area: current video mode */
#define BDA_VIDEO_MODE 0x449
/** BIOS data area: cursor position of page 0 (column, row) */
#define BDA_CURSOR_POS 0x450
/** BIOS data area: CRT controller base port */
#define BDA_CRTC_PORT  0x463

/** CRTC registers */
#define CRTC_CURSOR_START    0x0a
#define CRTC_CURSOR_DISABLE  0x20
#define CRTC_CURSOR_LOCATION 0x0e

/** ANSI colour number to VGA colour number */
static const uint8_t vga_colours[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

/** The VGA console's state */
struct vga_console {
	/** Text buffer */
	volatile uint16_t *text;
	/** CRT controller index port */
	uint16_t crtc;
	/** Copy of the screen */
	uint16_t shadow[VGA_ROWS * VGA_COLUMNS];
	/** Cursor row */
	unsigned int row;
	/** Cursor column (may be VGA_COLUMNS: wrap pending) */
	unsigned int column;
	/** Saved cursor row */
	unsigned int saved_row;
	/** Saved cursor column */
	unsigned int saved_column;
	/** Current attribute */
	uint8_t attribute;
	/** Cursor is visible */
	int cursor_visible;
	/** Console is set up */
	int ready;
	/** Output parser */
	struct ansi_escape ansi;
};

/** The VGA console */
static struct vga_console vga;

/**
 * Write a cell
 *
 * @v index		Cell index (row * VGA_COLUMNS + column)
 * @v cell		Character and attribute
 */
static void vga_set_cell(unsigned int index, uint16_t cell)
{
	vga.shadow[index] = cell;
	vga.text[index] = cell;
}

/**
 * Fill cells with blanks in the current attribute
 *
 * @v first		First cell index
 * @v count		Number of cells
 */
static void vga_blank(unsigned int first, unsigned int count)
{
	uint16_t blank = ((vga.attribute << 8) | ' ');

	while (count--)
		vga_set_cell(first++, blank);
}

/**
 * Move the hardware cursor to where the console's cursor is
 */
static void vga_sync_cursor(void)
{
	unsigned int column = vga.column;
	unsigned int location;

	if (column >= VGA_COLUMNS)
		column = (VGA_COLUMNS - 1);
	location = ((vga.row * VGA_COLUMNS) + column);
	outb(CRTC_CURSOR_LOCATION, vga.crtc);
	outb((location >> 8), (vga.crtc + 1));
	outb((CRTC_CURSOR_LOCATION + 1), vga.crtc);
	outb((location & 0xff), (vga.crtc + 1));
}

/**
 * Scroll the screen up by one line
 */
static void vga_scroll(void)
{
	unsigned int i;

	memmove(vga.shadow, &vga.shadow[VGA_COLUMNS],
		((VGA_ROWS - 1) * VGA_COLUMNS * sizeof(vga.shadow[0])));
	for (i = 0; i < ((VGA_ROWS - 1) * VGA_COLUMNS); i++)
		vga.text[i] = vga.shadow[i];
	vga_blank(((VGA_ROWS - 1) * VGA_COLUMNS), VGA_COLUMNS);
}

/**
 * Move to the next line, scrolling at the bottom
 */
static void vga_line_feed(void)
{
	if (vga.row < (VGA_ROWS - 1))
		vga.row++;
	else
		vga_scroll();
}

/**
 * Output a byte that is not part of an escape sequence
 *
 * @v ansi		Parser
 * @v character		Byte
 */
static void vga_ansi_putchar(struct ansi_escape *ansi, int character)
{
	switch (character) {
	case '\r':
		vga.column = 0;
		return;
	case '\n':
		/* The core sends CR before LF; a lone LF also returns */
		vga.column = 0;
		vga_line_feed();
		return;
	case '\b':
		if (vga.column >= VGA_COLUMNS)
			vga.column = (VGA_COLUMNS - 1);
		if (vga.column)
			vga.column--;
		return;
	case '\t':
		do {
			vga_ansi_putchar(ansi, ' ');
		} while (vga.column % 8);
		return;
	default:
		break;
	}
	if (character < 0x20 || character == 0x7f)
		return;
	if (character >= 0x80) {
		/* UTF-8: one placeholder per character, none for the
		 * continuation bytes
		 */
		if (character < 0xc0)
			return;
		character = VGA_UNKNOWN_CHAR;
	}
	if (vga.column >= VGA_COLUMNS) {
		vga.column = 0;
		vga_line_feed();
	}
	vga_set_cell(((vga.row * VGA_COLUMNS) + vga.column),
		     ((vga.attribute << 8) | character));
	vga.column++;
}

/**
 * Move the cursor
 *
 * @v ansi		Parser
 * @v row		Row, or -1 to keep it
 * @v column		Column, or -1 to keep it
 */
static void vga_ansi_move_to(struct ansi_escape *ansi, int row, int column)
{
	if (row >= 0)
		vga.row = min((unsigned int)row, (VGA_ROWS - 1));
	if (column >= 0)
		vga.column = min((unsigned int)column, (VGA_COLUMNS - 1));
}

/**
 * Move the cursor relative to where it is
 *
 * @v ansi		Parser
 * @v rows		Rows down
 * @v columns		Columns right
 */
static void vga_ansi_move_by(struct ansi_escape *ansi, int rows, int columns)
{
	int row = ((int)vga.row + rows);
	int column = ((int)vga.column + columns);

	if (vga.column >= VGA_COLUMNS)
		column = ((VGA_COLUMNS - 1) + columns);
	vga_ansi_move_to(ansi, ((row < 0) ? 0 : row),
			 ((column < 0) ? 0 : column));
}

/**
 * Erase part of the display
 *
 * @v ansi		Parser
 * @v erase		Which part
 */
static void vga_ansi_erase_display(struct ansi_escape *ansi,
				   enum ansi_erase erase)
{
	unsigned int cursor = ((vga.row * VGA_COLUMNS) + vga.column);

	if (cursor > (VGA_ROWS * VGA_COLUMNS))
		cursor = (VGA_ROWS * VGA_COLUMNS);
	switch (erase) {
	case ANSI_ERASE_TO_END:
		vga_blank(cursor, ((VGA_ROWS * VGA_COLUMNS) - cursor));
		break;
	case ANSI_ERASE_TO_CURSOR:
		vga_blank(0, min((cursor + 1), (VGA_ROWS * VGA_COLUMNS)));
		break;
	default:
		vga_blank(0, (VGA_ROWS * VGA_COLUMNS));
		break;
	}
}

/**
 * Erase part of the cursor's line
 *
 * @v ansi		Parser
 * @v erase		Which part
 */
static void vga_ansi_erase_line(struct ansi_escape *ansi, enum ansi_erase erase)
{
	unsigned int line = (vga.row * VGA_COLUMNS);
	unsigned int column = min(vga.column, (unsigned int)VGA_COLUMNS);

	switch (erase) {
	case ANSI_ERASE_TO_END:
		vga_blank((line + column), (VGA_COLUMNS - column));
		break;
	case ANSI_ERASE_TO_CURSOR:
		vga_blank(line, min((column + 1), (unsigned int)VGA_COLUMNS));
		break;
	default:
		vga_blank(line, VGA_COLUMNS);
		break;
	}
}

/**
 * Erase characters from the cursor on
 *
 * @v ansi		Parser
 * @v count		Number of characters
 */
static void vga_ansi_erase_characters(struct ansi_escape *ansi,
				      unsigned int count)
{
	unsigned int column = min(vga.column, (unsigned int)VGA_COLUMNS);

	count = min(count, (VGA_COLUMNS - column));
	vga_blank(((vga.row * VGA_COLUMNS) + column), count);
}

/**
 * Insert or delete characters at the cursor, within its line
 *
 * @v ansi		Parser
 * @v count		Characters to insert (negative: to delete)
 */
static void vga_ansi_shift_characters(struct ansi_escape *ansi, int count)
{
	unsigned int line = (vga.row * VGA_COLUMNS);
	unsigned int column = min(vga.column, (unsigned int)VGA_COLUMNS);
	unsigned int width = (VGA_COLUMNS - column);
	unsigned int shift = ((count < 0) ? -count : count);
	uint16_t *cells = &vga.shadow[line + column];
	unsigned int i;

	if (shift > width)
		shift = width;
	if (count > 0) {
		memmove((cells + shift), cells,
			((width - shift) * sizeof(cells[0])));
		for (i = 0; i < shift; i++)
			cells[i] = ((vga.attribute << 8) | ' ');
	} else {
		memmove(cells, (cells + shift),
			((width - shift) * sizeof(cells[0])));
		for (i = (width - shift); i < width; i++)
			cells[i] = ((vga.attribute << 8) | ' ');
	}
	for (i = 0; i < width; i++)
		vga.text[line + column + i] = cells[i];
}

/**
 * Use new attributes
 *
 * @v ansi		Parser
 */
static void vga_ansi_set_attributes(struct ansi_escape *ansi)
{
	const struct ansi_attributes *attributes = &ansi->attributes;
	unsigned int foreground = 7;
	unsigned int background = 0;
	unsigned int swap;

	if (attributes->foreground < 8)
		foreground = vga_colours[attributes->foreground];
	if (attributes->background < 8)
		background = vga_colours[attributes->background];
	if (attributes->reverse) {
		swap = foreground;
		foreground = background;
		background = swap;
	}
	if (attributes->bold)
		foreground |= VGA_ATTR_BRIGHT;
	vga.attribute = ((background << 4) | foreground);
}

/**
 * Show or hide the cursor
 *
 * @v ansi		Parser
 * @v visible		Cursor is visible
 */
static void vga_ansi_show_cursor(struct ansi_escape *ansi, int visible)
{
	uint8_t start;

	vga.cursor_visible = visible;
	outb(CRTC_CURSOR_START, vga.crtc);
	start = inb(vga.crtc + 1);
	if (visible)
		start &= ~CRTC_CURSOR_DISABLE;
	else
		start |= CRTC_CURSOR_DISABLE;
	outb(CRTC_CURSOR_START, vga.crtc);
	outb(start, (vga.crtc + 1));
}

/**
 * Save or restore the cursor position
 *
 * @v ansi		Parser
 * @v save		Save rather than restore
 */
static void vga_ansi_save_cursor(struct ansi_escape *ansi, int save)
{
	if (save) {
		vga.saved_row = vga.row;
		vga.saved_column = vga.column;
	} else {
		vga.row = vga.saved_row;
		vga.column = vga.saved_column;
	}
}

/** What the VGA console does for the ANSI parser */
static const struct ansi_screen_operations vga_ansi_operations = {
	.putchar = vga_ansi_putchar,
	.move_to = vga_ansi_move_to,
	.move_by = vga_ansi_move_by,
	.erase_display = vga_ansi_erase_display,
	.erase_line = vga_ansi_erase_line,
	.erase_characters = vga_ansi_erase_characters,
	.shift_characters = vga_ansi_shift_characters,
	.set_attributes = vga_ansi_set_attributes,
	.show_cursor = vga_ansi_show_cursor,
	.save_cursor = vga_ansi_save_cursor,
};

/**
 * Set up the VGA console
 *
 * Continues below whatever the BIOS left on the screen.  If a loader
 * left a graphics mode, text mode 3 is set first (the only INT 10h call).
 */
static void vga_console_init(void)
{
	volatile uint8_t *mode = phys_to_virt(BDA_VIDEO_MODE);
	volatile uint8_t *cursor = phys_to_virt(BDA_CURSOR_POS);
	volatile uint16_t *crtc = phys_to_virt(BDA_CRTC_PORT);
	struct realmode_regs regs;
	unsigned int i;

	if (vga.ready)
		return;
	vga.ready = 1;

	if (*mode > 3 && *mode != 7) {
		memset(&regs, 0, sizeof(regs));
		regs.eax = 0x0003;
		bios_int(0x10, &regs);
	}
	vga.text = phys_to_virt((*mode == 7) ? VGA_TEXT_MONO : VGA_TEXT_COLOUR);
	vga.crtc = *crtc;
	if (vga.crtc != 0x3d4 && vga.crtc != 0x3b4)
		vga.crtc = ((*mode == 7) ? 0x3b4 : 0x3d4);
	for (i = 0; i < (VGA_ROWS * VGA_COLUMNS); i++)
		vga.shadow[i] = vga.text[i];
	vga.column = min(cursor[0], (uint8_t)(VGA_COLUMNS - 1));
	vga.row = min(cursor[1], (uint8_t)(VGA_ROWS - 1));
	vga.attribute = VGA_ATTR_DEFAULT;
	ansi_escape_init(&vga.ansi, &vga_ansi_operations);
	vga_ansi_show_cursor(&vga.ansi, 1);
	vga_sync_cursor();
}

/**
 * Write a byte
 *
 * @v character		Byte
 */
static void vga_console_putchar(int character)
{
	if (!vga.ready)
		vga_console_init();
	ansi_escape_process(&vga.ansi, character);
	vga_sync_cursor();
}

/** The VGA console */
struct console_driver vga_console __console_driver = {
	.name = "vga",
	.putchar = vga_console_putchar,
	.usage = CONSOLE_OUTPUT,
};

/** Set up the VGA console at start-up */
struct init_fn vga_console_init_fn __init_fn(INIT_CONSOLE) = {
	.name = "vga",
	.init = vga_console_init,
};
