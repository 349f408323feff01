#ifndef TESTS_UNIT_TEST_CONSOLE_H
#define TESTS_UNIT_TEST_CONSOLE_H

/** @file
 *
 * A console for unit tests: input they feed, output they can inspect
 */

#include <stddef.h>

extern void test_console_feed(const char *input, size_t len);
extern void test_console_reset(void);
extern const char *test_console_output(void);

#endif /* TESTS_UNIT_TEST_CONSOLE_H */
