/** @file
 *
 * Keys: ANSI escape sequences from the consoles decoded into key codes
 */

#include <stdint.h>
#include "core/keys.h"
#include "core/console.h"
#include "core/process.h"
#include "core/platform.h"
#include "core/ctype.h"

/** How long to wait for the rest of an escape sequence */
#define KEY_SEQUENCE_TIMEOUT_MS 200

/** Most parameter bytes kept from a control sequence */
#define KEY_SEQUENCE_MAX 8

/** Previous byte was a carriage return (to fold CR LF into one Enter) */
static int key_after_cr;

/**
 * Read a byte, waiting up to a timeout
 *
 * @v timeout_ms	Timeout, or GETKEY_FOREVER
 * @ret character	Byte, or -1 on timeout or when input has ended
 */
static int key_read_byte(unsigned long timeout_ms)
{
	uint64_t start = clock_ms();

	while (!console_iskey()) {
		if (console_input_ended())
			return -1;
		if (timeout_ms != GETKEY_FOREVER &&
		    (clock_ms() - start) >= timeout_ms)
			return -1;
		step();
		platform_idle();
	}
	return getchar();
}

/**
 * Key code for the final byte of "ESC [ x" or "ESC O x"
 *
 * @v final		Final byte
 * @ret key		Key code, or 0 if unknown
 */
static int key_from_final(int final)
{
	switch (final) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'C':
		return KEY_RIGHT;
	case 'D':
		return KEY_LEFT;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	case 'P':
	case 'Q':
	case 'R':
	case 'S':
		return (KEY_F1 + (final - 'P'));
	default:
		return 0;
	}
}

/**
 * Key code for "ESC [ n ~"
 *
 * @v number		Parameter
 * @ret key		Key code, or 0 if unknown
 */
static int key_from_tilde(unsigned int number)
{
	static const uint16_t function_keys[] = {
		[11] = KEY_F1,	     [12] = KEY_F1 + 1,	 [13] = KEY_F1 + 2,
		[14] = KEY_F1 + 3,   [15] = KEY_F1 + 4,	 [17] = KEY_F1 + 5,
		[18] = KEY_F1 + 6,   [19] = KEY_F1 + 7,	 [20] = KEY_F1 + 8,
		[21] = KEY_F1 + 9,   [23] = KEY_F1 + 10, [24] = KEY_F1 + 11,
	};

	switch (number) {
	case 1:
	case 7:
		return KEY_HOME;
	case 2:
		return KEY_INSERT;
	case 3:
		return KEY_DELETE;
	case 4:
	case 8:
		return KEY_END;
	case 5:
		return KEY_PAGE_UP;
	case 6:
		return KEY_PAGE_DOWN;
	default:
		if (number < (sizeof(function_keys) /
			      sizeof(function_keys[0])))
			return function_keys[number];
		return 0;
	}
}

/**
 * Decode the rest of an escape sequence after ESC
 *
 * @ret key		Key code; KEY_ESC for a lone or unknown sequence
 */
static int key_decode_escape(void)
{
	unsigned int number = 0;
	int introducer;
	int character;
	int count;
	int key;

	introducer = key_read_byte(KEY_SEQUENCE_TIMEOUT_MS);
	if (introducer != '[' && introducer != 'O')
		return KEY_ESC;

	for (count = 0; count < KEY_SEQUENCE_MAX; count++) {
		character = key_read_byte(KEY_SEQUENCE_TIMEOUT_MS);
		if (character < 0)
			return KEY_ESC;
		if (isdigit(character)) {
			number = ((number * 10) + (character - '0'));
			if (number > 1000)
				number = 1000;
			continue;
		}
		if (character == ';')
			continue;
		if (character == '~')
			key = key_from_tilde(number);
		else
			key = key_from_final(character);
		return (key ? key : KEY_ESC);
	}
	return KEY_ESC;
}

/**
 * Read a key
 *
 * Ordinary keys come back as their byte; special keys as KEY_ codes.
 * Enter is always KEY_ENTER ('\r'), whether the terminal sends CR, LF
 * or CR LF.
 *
 * @v timeout_ms	Timeout, or GETKEY_FOREVER
 * @ret key		Key, or -1 on timeout or when input has ended
 */
int getkey(unsigned long timeout_ms)
{
	int character;

	for (;;) {
		character = key_read_byte(timeout_ms);
		if (character < 0)
			return -1;
		if (character == KEY_LF && key_after_cr) {
			key_after_cr = 0;
			continue;
		}
		key_after_cr = (character == KEY_ENTER);
		if (character == KEY_LF)
			return KEY_ENTER;
		if (character == KEY_ESC)
			return key_decode_escape();
		return character;
	}
}
