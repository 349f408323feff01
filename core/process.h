#ifndef CORE_PROCESS_H
#define CORE_PROCESS_H

/** @file
 *
 * Cooperative processes and the main loop
 *
 * Nothing in Ferry blocks.  Work that takes time is a process whose
 * step method does a little and returns; step() runs expired timers and
 * then every process once.  Code that has to wait for something (a
 * command waiting for a download, sleep, a prompt) loops on step().
 */

#include "core/list.h"
#include "core/tables.h"

/** A process */
struct process {
	/** Link in the list of running processes */
	struct list_head list;
	/** Name, for debugging */
	const char *name;
	/**
	 * Do a little work
	 *
	 * @v process		Process
	 */
	void (*step)(struct process *process);
};

/** Table of processes that run for as long as Ferry does */
#define PERMANENT_PROCESSES __table(struct process, permanent_processes)
/** Declare a permanent process */
#define __permanent_process __table_entry(PERMANENT_PROCESSES, 01)
/** Declare a permanent process that runs after the others in each step
 *  (work on what the network devices' poll just received) */
#define __process_after_poll __table_entry(PERMANENT_PROCESSES, 02)

/**
 * Initialise a process
 *
 * @v process		Process
 * @v name		Name
 * @v step		Step method
 */
static inline void process_init(struct process *process, const char *name,
				void (*step)(struct process *process))
{
	INIT_LIST_HEAD(&process->list);
	process->name = name;
	process->step = step;
}

/**
 * Test whether a process is running
 *
 * @v process		Process
 * @ret running		Process is running
 */
static inline int process_running(struct process *process)
{
	return (!list_empty(&process->list));
}

extern void process_add(struct process *process);
extern void process_del(struct process *process);
extern void step(void);

#endif /* CORE_PROCESS_H */
