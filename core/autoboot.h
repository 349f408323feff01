#ifndef CORE_AUTOBOOT_H
#define CORE_AUTOBOOT_H

/** @file
 *
 * Ways to boot without being asked
 *
 * After the banner, unless the user pressed Ctrl-B, Ferry tries each
 * boot method in table order (today: the network, image/autoboot.c).
 */

#include "core/tables.h"

/** A boot method */
struct boot_method {
	/** Name, for messages */
	const char *name;
	/**
	 * Try to boot
	 *
	 * @ret rc		Return status code (only returns when nothing
	 *			booted, or what booted was a script that
	 *			finished)
	 */
	int (*boot)(void);
};

/** Table of boot methods */
#define BOOT_METHODS __table(struct boot_method, boot_methods)
/** Declare a boot method */
#define __boot_method __table_entry(BOOT_METHODS, 01)

#endif /* CORE_AUTOBOOT_H */
