#ifndef ARCH_X86_POWEROFF_H
#define ARCH_X86_POWEROFF_H

/** @file
 *
 * Ways to power off, tried in order (a build may leave any out)
 */

#include "core/tables.h"

/** A way to power off */
struct poweroff_method {
	/** Name ("ACPI") */
	const char *name;
	/**
	 * Power the machine off
	 *
	 * @ret rc		Return status code (only on failure)
	 */
	int (*poweroff)(void);
};

/** Table of ways to power off */
#define POWEROFF_METHODS         __table(struct poweroff_method, poweroff_methods)
/** Declare a way to power off (order: 01 first) */
#define __poweroff_method(order) __table_entry(POWEROFF_METHODS, order)

#endif /* ARCH_X86_POWEROFF_H */
