#ifndef CORE_TIMER_H
#define CORE_TIMER_H

/** @file
 *
 * One-shot timers, run by the main loop (step())
 *
 * A timer's owner must stop it before freeing the memory it lives in.
 */

#include <stdint.h>
#include "core/list.h"

/** A timer */
struct timer {
	/** Link in the list of running timers */
	struct list_head list;
	/** Expiry time (clock_ms()) */
	uint64_t expires;
	/**
	 * Timer expired
	 *
	 * @v timer		Timer (already stopped; may be restarted)
	 */
	void (*expired)(struct timer *timer);
	/** Timer is running */
	int running;
};

/**
 * Initialise a timer
 *
 * @v timer		Timer
 * @v expired		Expiry method
 */
static inline void timer_init(struct timer *timer,
			      void (*expired)(struct timer *timer))
{
	INIT_LIST_HEAD(&timer->list);
	timer->expired = expired;
	timer->running = 0;
	timer->expires = 0;
}

/**
 * Test whether a timer is running
 *
 * @v timer		Timer
 * @ret running		Timer is running
 */
static inline int timer_running(struct timer *timer)
{
	return timer->running;
}

extern void timer_start(struct timer *timer, unsigned long timeout_ms);
extern void timer_stop(struct timer *timer);
extern void timers_run(void);

#endif /* CORE_TIMER_H */
