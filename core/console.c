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

/** A byte read ahead by console_iskey(), or -1 */
static int console_pending = -1;

/**
 * Test whether input is ready
 *
 * @ret ready		A byte can be read without waiting
 */
int console_iskey(void)
{
	if (console_pending < 0)
		console_pending = console_getchar();
	return (console_pending >= 0);
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

	if (console_pending >= 0)
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
	console_iskey();
	return console_pending;
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
	character = console_pending;
	console_pending = -1;
	return character;
}
