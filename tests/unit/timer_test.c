/** @file
 *
 * Unit tests: timers, processes, waiting
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/test_console.h"
#include "core/timer.h"
#include "core/process.h"
#include "core/platform.h"
#include "core/wait.h"
#include "core/errors.h"
#include "core/keys.h"

/** Order in which test timers expired */
static int timer_test_order[3];
/** Number of test timers expired */
static int timer_test_count;

/**
 * Record a timer's expiry
 *
 * @v timer		Timer
 */
static void timer_test_expired(struct timer *timer)
{
	if (timer_test_count < 3)
		timer_test_order[timer_test_count] = (int)timer->expires;
	timer_test_count++;
}

/** Timers expire once, soonest first; stopped ones never */
UNIT_TEST(timer_order)
{
	struct timer timers[3];
	uint64_t start = clock_ms();
	uint64_t expires[3];
	unsigned int i;

	timer_test_count = 0;
	for (i = 0; i < 3; i++)
		timer_init(&timers[i], timer_test_expired);
	timer_start(&timers[0], 30);
	timer_start(&timers[1], 10);
	timer_start(&timers[2], 20);
	for (i = 0; i < 3; i++)
		expires[i] = timers[i].expires;
	timer_stop(&timers[2]);
	ok(!timer_running(&timers[2]));
	timer_stop(&timers[2]);
	while (timer_test_count < 2 && (clock_ms() - start) < 2000)
		step();
	ok(timer_test_count == 2);
	ok(timer_test_order[0] == (int)expires[1]);
	ok(timer_test_order[1] == (int)expires[0]);
	ok(!timer_running(&timers[0]) && !timer_running(&timers[1]));
	ok((clock_ms() - start) >= 30);
}

/** Steps run by the test process */
static int process_test_steps;
/** The test process */
static struct process process_test;

/**
 * Step the test process: remove itself after three steps
 *
 * @v process		Process
 */
static void process_test_step(struct process *process)
{
	if (++process_test_steps == 3)
		process_del(process);
}

/** A process runs each step until it removes itself */
UNIT_TEST(process_steps)
{
	unsigned int i;

	process_test_steps = 0;
	process_init(&process_test, "test", process_test_step);
	ok(!process_running(&process_test));
	process_add(&process_test);
	process_add(&process_test);
	ok(process_running(&process_test));
	for (i = 0; i < 10; i++)
		step();
	ok(process_test_steps == 3);
	ok(!process_running(&process_test));
}

/** wait_ms() waits, and Ctrl-C cuts it short */
UNIT_TEST(wait_cancel)
{
	uint64_t start;

	test_console_reset();
	start = clock_ms();
	ok(wait_ms(20) == 0);
	ok((clock_ms() - start) >= 20);
	test_console_feed("x\x03", 2);
	start = clock_ms();
	ok(ERROR_IS(wait_ms(5000), ECANCELED));
	ok((clock_ms() - start) < 1000);
	test_console_reset();
}
