/** @file
 *
 * Cooperative processes and the main loop
 */

#include "core/process.h"
#include "core/timer.h"

/** Running processes */
static LIST_HEAD(processes);

/**
 * Start running a process (harmless if it is running already)
 *
 * @v process		Process
 */
void process_add(struct process *process)
{
	if (!process_running(process))
		list_add_tail(&process->list, &processes);
}

/**
 * Stop running a process (harmless if it is not running)
 *
 * @v process		Process
 */
void process_del(struct process *process)
{
	list_del(&process->list);
}

/**
 * Run the main loop once: due timers, then each process once
 *
 * A process may add or remove processes (itself included) while it
 * runs; the list is walked through a marker so that this is safe.
 */
void step(void)
{
	struct process marker;
	struct process *process;

	timers_run();

	for_each_table_entry(process, PERMANENT_PROCESSES)
		process->step(process);

	process_init(&marker, "marker", NULL);
	list_add(&marker.list, &processes);
	while (marker.list.next != &processes) {
		process = list_entry(marker.list.next, struct process, list);
		/* Move the marker past the process before running it */
		list_del(&marker.list);
		list_insert(&marker.list, &process->list, process->list.next);
		process->step(process);
	}
	list_del(&marker.list);
}
