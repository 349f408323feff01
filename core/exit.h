#ifndef CORE_EXIT_H
#define CORE_EXIT_H

/** @file
 *
 * Ways to leave Ferry when its command line is left ("exit")
 *
 * When the top-level command line ends, Ferry tries each exit method in
 * table order; one that works does not return.  If none is built in or
 * none works, Ferry powers off, as a machine with nothing to run would.
 * Builds started by a firmware that can go on without Ferry register a
 * method that hands back to it: the option ROM and PXE images return to
 * the BIOS or the PXE ROM (arch/x86/prefix/info.c), which then try the
 * next boot device.
 */

#include "core/tables.h"

/** An exit method */
struct exit_method {
	/** Name, for messages */
	const char *name;
	/**
	 * Leave Ferry
	 *
	 * @ret rc		Return status code (only returns when it cannot
	 *			leave this way)
	 */
	int (*exit)(void);
};

/** Table of exit methods */
#define EXIT_METHODS  __table(struct exit_method, exit_methods)
/** Declare an exit method */
#define __exit_method __table_entry(EXIT_METHODS, 01)

#endif /* CORE_EXIT_H */
