#ifndef TESTS_UNIT_UNITTEST_H
#define TESTS_UNIT_UNITTEST_H

/** @file
 *
 * Unit tests
 *
 * Each test is an entry in a linker table; the runner (tests/unit/main.c)
 * runs them all on the host build under AddressSanitizer and UBSan.
 * A check that fails prints its file and line and fails its test:
 *
 *     UNIT_TEST(string_strlen) {
 *         ok(strlen("abc") == 3);
 *     }
 */

#include "core/tables.h"

/** A unit test */
struct unit_test {
	/** Name */
	const char *name;
	/** Run the test */
	void (*run)(void);
};

/** Table of unit tests */
#define UNIT_TESTS __table(struct unit_test, unit_tests)

/** Define a unit test */
#define UNIT_TEST(test_name)                                              \
	static void test_name##_run(void);                               \
	struct unit_test test_name##_unit_test                           \
		__table_entry(UNIT_TESTS, 01) = { .name = #test_name,    \
						  .run = test_name##_run }; \
	static void test_name##_run(void)

extern void unit_check(int passed, const char *expression, const char *file,
		       unsigned int line);

/** Check that a condition holds */
#define ok(condition) unit_check(!!(condition), #condition, __FILE__, __LINE__)

#endif /* TESTS_UNIT_UNITTEST_H */
