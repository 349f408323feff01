#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

/** @file
 *
 * Consoles
 *
 * Output goes to every enabled console; input comes from whichever
 * console has a byte ready.  Console drivers move raw bytes only: output
 * carries ANSI escape sequences (drivers for screens that do not
 * understand them run core/ansi_escape.c over their output), and input
 * special keys arrive as ANSI sequences too (drivers for keyboards that
 * report scan codes translate them).  core/keys.c turns input sequences
 * into the KEY_ codes of core/keys.h in one place.
 */

#include "core/tables.h"

/** A console driver */
struct console_driver {
	/** Name, for the "console" command and debugging */
	const char *name;
	/**
	 * Write one byte
	 *
	 * @v character		Byte to write (part of UTF-8 or of an ANSI
	 *			escape sequence)
	 */
	void (*putchar)(int character);
	/**
	 * Read one byte, if one is ready
	 *
	 * @ret character	Byte read, or -1 if none is ready
	 */
	int (*getchar)(void);
	/** Usage flags (CONSOLE_OUTPUT, CONSOLE_INPUT) this console offers */
	unsigned int usage;
	/** Console is disabled (set by its init or by the "console" command) */
	int disabled;
	/** Input has ended for good (a host pipe at its end), set by the
	 * driver */
	int input_ended;
};

/** Console may be written to */
#define CONSOLE_OUTPUT 0x01
/** Console may be read from */
#define CONSOLE_INPUT  0x02

/** Table of console drivers */
#define CONSOLES         __table(struct console_driver, consoles)
/** Declare a console driver (order: earlier entries are read first) */
#define __console_driver __table_entry(CONSOLES, 01)

extern int putchar(int character);
extern void console_write(const char *data, unsigned int len);
extern int console_getchar(void);
extern int console_iskey(void);
extern int console_peek(void);
extern int console_input_ended(void);
extern int console_interrupted(void);
extern int getchar(void);

#endif /* CORE_CONSOLE_H */
