/** @file
 *
 * The unit-test runner
 *
 * Runs every test in the table and prints one line per test, then
 * "N passed, N failed".  Exits non-zero if any test failed.
 */

#include "tests/unit/unittest.h"
#include "arch/host/host.h"
#include "core/printf.h"
#include "core/shell.h"

/** Failed checks in the current test */
static unsigned int unit_failures;

/**
 * Record the result of a check
 *
 * @v passed		Check passed
 * @v expression	Expression checked
 * @v file		Source file
 * @v line		Source line
 */
void unit_check(int passed, const char *expression, const char *file,
		unsigned int line)
{
	int quiet = host_console.disabled;

	if (passed)
		return;
	unit_failures++;
	host_console.disabled = 0;
	printf("  %s:%u: check failed: %s\n", file, line, expression);
	host_console.disabled = quiet;
}

/**
 * Main
 *
 * @ret status		Exit status
 */
int main(void)
{
	struct unit_test *test;
	unsigned int passed = 0;
	unsigned int failed = 0;

	host_memory_init();
	ferry_init();
	/* Tests feed their own input (tests/unit/test_console.c); what
	 * they print is captured there, not shown.
	 */
	host_console.usage = CONSOLE_OUTPUT;
	for_each_table_entry(test, UNIT_TESTS) {
		unit_failures = 0;
		host_console.disabled = 1;
		test->run();
		host_console.disabled = 0;
		if (unit_failures) {
			printf("FAIL %s: %u check%s failed\n", test->name,
			       unit_failures, ((unit_failures == 1) ? "" : "s"));
			failed++;
		} else {
			printf("PASS %s\n", test->name);
			passed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	host_exit(failed ? 1 : 0);
}
