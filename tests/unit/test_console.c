/** @file
 *
 * A console for unit tests
 *
 * Input is a queue that tests fill; output is kept in a buffer (the last
 * TEST_CONSOLE_OUTPUT_MAX bytes) that tests read back.
 */

#include "tests/unit/test_console.h"
#include "core/console.h"
#include "core/string.h"

/** Most input queued at once */
#define TEST_CONSOLE_INPUT_MAX 8192
/** Most output kept */
#define TEST_CONSOLE_OUTPUT_MAX 16384

/** Queued input */
static char test_console_input[TEST_CONSOLE_INPUT_MAX];
/** Bytes queued */
static size_t test_console_input_len;
/** Bytes already read */
static size_t test_console_input_pos;
/** Output (NUL-terminated) */
static char test_console_output_buf[TEST_CONSOLE_OUTPUT_MAX + 1];
/** Bytes of output */
static size_t test_console_output_len;

/**
 * Queue input
 *
 * @v input		Bytes
 * @v len		Length (input beyond the queue's size is dropped)
 */
void test_console_feed(const char *input, size_t len)
{
	size_t room = (TEST_CONSOLE_INPUT_MAX - test_console_input_len);

	if (len > room)
		len = room;
	memcpy(test_console_input + test_console_input_len, input, len);
	test_console_input_len += len;
}

/**
 * Forget all input and output
 */
void test_console_reset(void)
{
	test_console_input_len = 0;
	test_console_input_pos = 0;
	test_console_output_len = 0;
	test_console_output_buf[0] = '\0';
}

/**
 * Output so far
 *
 * @ret output		Output (NUL-terminated)
 */
const char *test_console_output(void)
{
	return test_console_output_buf;
}

/**
 * Write a byte
 *
 * @v character		Byte
 */
static void test_console_putchar(int character)
{
	if (test_console_output_len == TEST_CONSOLE_OUTPUT_MAX) {
		memmove(test_console_output_buf, test_console_output_buf + 1,
			(TEST_CONSOLE_OUTPUT_MAX - 1));
		test_console_output_len--;
	}
	test_console_output_buf[test_console_output_len++] = character;
	test_console_output_buf[test_console_output_len] = '\0';
}

/**
 * Read a byte if one is queued
 *
 * @ret character	Byte, or -1
 */
static int test_console_getchar(void)
{
	if (test_console_input_pos == test_console_input_len)
		return -1;
	return (unsigned char)test_console_input[test_console_input_pos++];
}

/** The unit-test console */
struct console_driver test_console __console_driver = {
	.name = "test",
	.putchar = test_console_putchar,
	.getchar = test_console_getchar,
	.usage = (CONSOLE_OUTPUT | CONSOLE_INPUT),
};
