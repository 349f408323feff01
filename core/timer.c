/** @file
 *
 * One-shot timers
 */

#include "core/timer.h"
#include "core/platform.h"

/** Running timers, soonest first */
static LIST_HEAD(timers);

/**
 * Start (or restart) a timer
 *
 * @v timer		Timer
 * @v timeout_ms	Time until expiry
 */
void timer_start(struct timer *timer, unsigned long timeout_ms)
{
	struct timer *other;

	timer_stop(timer);
	timer->expires = (clock_ms() + timeout_ms);
	list_for_each_entry(other, &timers, list) {
		if (other->expires > timer->expires)
			break;
	}
	list_add_tail(&timer->list, &other->list);
	timer->running = 1;
}

/**
 * Stop a timer (harmless if it is not running)
 *
 * @v timer		Timer
 */
void timer_stop(struct timer *timer)
{
	if (!timer->running)
		return;
	list_del(&timer->list);
	timer->running = 0;
}

/**
 * Run the expiry methods of every timer that is due
 */
void timers_run(void)
{
	struct timer *timer;
	uint64_t now = clock_ms();

	while (!list_empty(&timers)) {
		timer = list_first_entry(&timers, struct timer, list);
		if (timer->expires > now)
			break;
		timer_stop(timer);
		timer->expired(timer);
	}
}
