/** @file
 *
 * Console dispatch: write to all, read from any
 */

#include "core/console.h"
#include "core/process.h"
#include "core/platform.h"

/**
 * Write a byte to every enabled output console
 *
 * A newline is sent as CR LF, as terminals and screens expect.
 *
 * @v character		Byte
 * @ret character	Byte written
 */
int putchar(int character)
{
	struct console_driver *console;

	if (character == '\n')
		putchar('\r');
	for_each_table_entry(console, CONSOLES) {
		if (console->disabled || !(console->usage & CONSOLE_OUTPUT))
			continue;
		console->putchar(character);
	}
	return character;
}

/**
 * Write bytes to every enabled output console
 *
 * @v data		Bytes
 * @v len		Length
 */
void console_write(const char *data, unsigned int len)
{
	while (len--)
		putchar(*(data++));
}

/**
 * Read a byte from the first console that has one
 *
 * @ret character	Byte, or -1 if no console has input ready
 */
int console_getchar(void)
{
	struct console_driver *console;
	int character;

	for_each_table_entry(console, CONSOLES) {
		if (console->disabled || !(console->usage & CONSOLE_INPUT) ||
		    !console->getchar)
			continue;
		character = console->getchar();
		if (character >= 0)
			return character;
	}
	return -1;
}

/** Size of the type-ahead queue */
#define CONSOLE_TYPEAHEAD 256

/** Bytes read from the consoles and not yet taken */
static unsigned char console_typeahead[CONSOLE_TYPEAHEAD];
/** Index of the first byte in the queue */
static unsigned int console_typeahead_head;
/** Number of bytes in the queue */
static unsigned int console_typeahead_count;

/**
 * Move one byte from the consoles into the type-ahead queue
 *
 * @ret moved		A byte was moved
 */
static int console_fill(void)
{
	int character;

	if (console_typeahead_count == CONSOLE_TYPEAHEAD)
		return 0;
	character = console_getchar();
	if (character < 0)
		return 0;
	console_typeahead[(console_typeahead_head + console_typeahead_count) %
			  CONSOLE_TYPEAHEAD] = character;
	console_typeahead_count++;
	return 1;
}

/**
 * Test whether input is ready
 *
 * @ret ready		A byte can be read without waiting
 */
int console_iskey(void)
{
	if (!console_typeahead_count)
		console_fill();
	return (console_typeahead_count != 0);
}

/**
 * Test whether every source of input has ended
 *
 * Only the host's standard input can end; on a machine, input never
 * does.
 *
 * @ret ended		No console can ever deliver input again
 */
int console_input_ended(void)
{
	struct console_driver *console;
	int inputs = 0;

	if (console_typeahead_count)
		return 0;
	for_each_table_entry(console, CONSOLES) {
		if (console->disabled || !(console->usage & CONSOLE_INPUT) ||
		    !console->getchar)
			continue;
		if (!console->input_ended)
			return 0;
		inputs++;
	}
	return (inputs > 0);
}

/**
 * Look at the next input byte without taking it
 *
 * @ret character	Byte, or -1 if no console has input ready
 */
int console_peek(void)
{
	if (!console_iskey())
		return -1;
	return console_typeahead[console_typeahead_head];
}

/**
 * Check for an interrupt (Ctrl-C) typed while something runs
 *
 * Everything typed is read into the type-ahead queue, so that keys
 * typed ahead still reach the next prompt; a Ctrl-C among them empties
 * the queue (what was typed before it is abandoned with the work).
 *
 * @ret interrupted	Ctrl-C was typed
 */
int console_interrupted(void)
{
	unsigned int i;

	while (console_fill())
		;
	for (i = 0; i < console_typeahead_count; i++) {
		if (console_typeahead[(console_typeahead_head + i) %
				      CONSOLE_TYPEAHEAD] == 0x03) {
			console_typeahead_count = 0;
			return 1;
		}
	}
	return 0;
}

/**
 * Read a byte, running the main loop while waiting
 *
 * @ret character	Byte
 */
int getchar(void)
{
	int character;

	while (!console_iskey()) {
		step();
		platform_idle();
	}
	character = console_typeahead[console_typeahead_head];
	console_typeahead_head = ((console_typeahead_head + 1) %
				  CONSOLE_TYPEAHEAD);
	console_typeahead_count--;
	return character;
}
