/** @file
 *
 * Keyboard input through the BIOS (INT 16h)
 *
 * Special keys arrive from the BIOS as scan codes; they are handed on as
 * the ANSI sequences a terminal sends for them (xterm's), so that
 * core/keys.c decodes keyboard and serial input in one place.
 *
 * Each poll is a round trip to real mode, so polls are at most one per
 * KEYBOARD_POLL_INTERVAL_MS; a key waits that long at worst.
 */

#include <stdint.h>
#include "core/console.h"
#include "core/platform.h"
#include "core/string.h"
#include "arch/x86/realmode.h"

/** Least time between two INT 16h polls */
#define KEYBOARD_POLL_INTERVAL_MS 15

/** Longest sequence one key produces */
#define KEYBOARD_SEQUENCE_MAX 8

/** INT 16h functions (enhanced keyboard) */
#define INT16_READ  0x1000
#define INT16_CHECK 0x1100

/** Scan code of the Backspace key */
#define SCAN_BACKSPACE 0x0e

/** A special key and what a terminal sends for it */
struct keyboard_sequence {
	/** BIOS scan code */
	uint8_t scan;
	/** ANSI sequence */
	const char *sequence;
};

/** Special keys */
static const struct keyboard_sequence keyboard_sequences[] = {
	{ 0x48, "\033[A" },   { 0x50, "\033[B" },   { 0x4d, "\033[C" },
	{ 0x4b, "\033[D" },   { 0x47, "\033[H" },   { 0x4f, "\033[F" },
	{ 0x52, "\033[2~" },  { 0x53, "\033[3~" },  { 0x49, "\033[5~" },
	{ 0x51, "\033[6~" },  { 0x3b, "\033OP" },   { 0x3c, "\033OQ" },
	{ 0x3d, "\033OR" },   { 0x3e, "\033OS" },   { 0x3f, "\033[15~" },
	{ 0x40, "\033[17~" }, { 0x41, "\033[18~" }, { 0x42, "\033[19~" },
	{ 0x43, "\033[20~" }, { 0x44, "\033[21~" }, { 0x85, "\033[23~" },
	{ 0x86, "\033[24~" },
};

/** Keyboard state */
struct bios_keyboard {
	/** Bytes of the last key not yet read */
	char pending[KEYBOARD_SEQUENCE_MAX];
	/** Number of pending bytes */
	unsigned int count;
	/** Next pending byte */
	unsigned int next;
	/** Time of the last poll */
	uint64_t last_poll;
	/** Polled at least once */
	int polled;
};

/** The keyboard */
static struct bios_keyboard keyboard;

/**
 * Queue what a key sends
 *
 * @v key		INT 16h key (scan code in the high byte, ASCII in
 *			the low byte)
 */
static void bios_keyboard_translate(uint16_t key)
{
	uint8_t scan = (key >> 8);
	uint8_t ascii = (key & 0xff);
	const char *sequence;
	unsigned int i;

	keyboard.count = 0;
	keyboard.next = 0;
	if (ascii && !(ascii == 0xe0 && scan)) {
		/* Backspace as terminals send it */
		if (scan == SCAN_BACKSPACE && ascii == 0x08)
			ascii = 0x7f;
		keyboard.pending[keyboard.count++] = ascii;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(keyboard_sequences); i++) {
		if (keyboard_sequences[i].scan != scan)
			continue;
		sequence = keyboard_sequences[i].sequence;
		keyboard.count = strlen(sequence);
		memcpy(keyboard.pending, sequence, keyboard.count);
		return;
	}
	/* Keys with no meaning here are dropped */
}

/**
 * Read a byte, if one is ready
 *
 * @ret character	Byte, or -1
 */
static int bios_keyboard_getchar(void)
{
	struct realmode_regs regs;
	uint64_t now;

	if (keyboard.next < keyboard.count)
		return (uint8_t)keyboard.pending[keyboard.next++];

	now = clock_ms();
	if (keyboard.polled &&
	    (now - keyboard.last_poll) < KEYBOARD_POLL_INTERVAL_MS)
		return -1;
	keyboard.polled = 1;
	keyboard.last_poll = now;

	memset(&regs, 0, sizeof(regs));
	regs.eax = INT16_CHECK;
	bios_int(0x16, &regs);
	if (regs.flags & REALMODE_FLAG_ZF)
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.eax = INT16_READ;
	bios_int(0x16, &regs);
	bios_keyboard_translate(regs.eax & 0xffff);

	if (keyboard.next < keyboard.count)
		return (uint8_t)keyboard.pending[keyboard.next++];
	return -1;
}

/**
 * Write a byte (the keyboard has no output)
 *
 * @v character		Byte
 */
static void bios_keyboard_putchar(int character)
{
}

/** The BIOS keyboard */
struct console_driver bios_keyboard_console __console_driver = {
	.name = "keyboard",
	.putchar = bios_keyboard_putchar,
	.getchar = bios_keyboard_getchar,
	.usage = CONSOLE_INPUT,
};
