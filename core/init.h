#ifndef CORE_INIT_H
#define CORE_INIT_H

/** @file
 *
 * Initialisation and shutdown functions
 *
 * init functions run once at start-up, in order (INIT_EARLY first);
 * shutdown functions run, last registered first, before Ferry hands the
 * machine to an operating system or exits.
 */

#include "core/tables.h"

/** An initialisation function */
struct init_fn {
	/** Name, for debugging */
	const char *name;
	/** Initialise */
	void (*init)(void);
};

/** Table of initialisation functions */
#define INIT_FNS         __table(struct init_fn, init_fns)
/** Runs first: things other init functions rely on */
#define INIT_EARLY       01
/** Consoles */
#define INIT_CONSOLE     02
/** Buses and devices */
#define INIT_DEVICES     03
/** Everything else */
#define INIT_NORMAL      04
/** Runs last */
#define INIT_LATE        05
/** Declare an init function at an order */
#define __init_fn(order) __table_entry(INIT_FNS, order)

/** A shutdown function */
struct shutdown_fn {
	/** Name, for debugging */
	const char *name;
	/**
	 * Shut down
	 *
	 * @v booting		Non-zero if an operating system is about to run
	 */
	void (*shutdown)(int booting);
};

/** Table of shutdown functions */
#define SHUTDOWN_FNS  __table(struct shutdown_fn, shutdown_fns)
/** Declare a shutdown function */
#define __shutdown_fn __table_entry(SHUTDOWN_FNS, 01)

extern void init_run_all(void);
extern void shutdown_run_all(int booting);

#endif /* CORE_INIT_H */
