/** @file
 *
 * Initialisation and shutdown
 */

#include "core/init.h"

/**
 * Run every init function, in table order
 */
void init_run_all(void)
{
	struct init_fn *init_fn;

	for_each_table_entry(init_fn, INIT_FNS)
		init_fn->init();
}

/**
 * Run every shutdown function, last first
 *
 * @v booting		Non-zero if an operating system is about to run
 */
void shutdown_run_all(int booting)
{
	struct shutdown_fn *shutdown_fn;

	for_each_table_entry_reverse(shutdown_fn, SHUTDOWN_FNS)
		shutdown_fn->shutdown(booting);
}
