/** @file
 *
 * Unit tests: formatted output
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/malloc.h"

/**
 * Check one format
 *
 * @v expected		Expected output
 * @v fmt		Format
 * @v ...		Arguments
 * @ret matches		Output is as expected
 */
static int printf_matches(const char *expected, const char *fmt, ...)
{
	char buf[128];
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	if (strcmp(buf, expected) != 0 || len != (int)strlen(expected)) {
		printf("  got \"%s\" (%d), expected \"%s\"\n", buf, len,
		       expected);
		return 0;
	}
	return 1;
}

/** Integer conversions with flags, width and precision */
UNIT_TEST(printf_integers)
{
	ok(printf_matches("42", "%d", 42));
	ok(printf_matches("-42", "%i", -42));
	ok(printf_matches("   42", "%5d", 42));
	ok(printf_matches("42   |", "%-5d|", 42));
	ok(printf_matches("00042", "%05d", 42));
	ok(printf_matches("-0042", "%05d", -42));
	ok(printf_matches("+42", "%+d", 42));
	ok(printf_matches(" 42", "% d", 42));
	ok(printf_matches("  042", "%5.3d", 42));
	ok(printf_matches("", "%.0d", 0));
	ok(printf_matches("ff", "%x", 255));
	ok(printf_matches("FF", "%X", 255));
	ok(printf_matches("0xff", "%#x", 255));
	ok(printf_matches("0x00ff", "%#06x", 255));
	ok(printf_matches("0", "%#x", 0));
	ok(printf_matches("17", "%o", 15));
	ok(printf_matches("017", "%#o", 15));
	ok(printf_matches("4294967295", "%u", 4294967295U));
	ok(printf_matches("-2147483648", "%d", (int)0x80000000));
	ok(printf_matches("18446744073709551615", "%llu", ~0ULL));
	ok(printf_matches("-9223372036854775808", "%lld",
			  (long long)0x8000000000000000ULL));
	ok(printf_matches("123456789", "%zu", (size_t)123456789));
	ok(printf_matches("-1", "%ld", -1L));
	ok(printf_matches("255", "%hhu", 0x1ff));
	ok(printf_matches("-1", "%hd", 0xffff));
	ok(printf_matches("   7", "%*d", 4, 7));
	ok(printf_matches("7   |", "%*d|", -4, 7));
	ok(printf_matches("007", "%.*d", 3, 7));
}

/** Strings, characters, pointers and odd formats */
UNIT_TEST(printf_strings)
{
	char buf[8];
	char *str;

	ok(printf_matches("hello", "%s", "hello"));
	ok(printf_matches("  hi", "%4s", "hi"));
	ok(printf_matches("hi  |", "%-4s|", "hi"));
	ok(printf_matches("he", "%.2s", "hello"));
	ok(printf_matches("(null)", "%s", (char *)NULL));
	ok(printf_matches("x", "%c", 'x'));
	ok(printf_matches("%", "%%"));
	ok(printf_matches("0x1234", "%p", (void *)0x1234));
	ok(printf_matches("%q", "%q"));
	ok(printf_matches("a", "a%"));
	ok(snprintf(buf, sizeof(buf), "%s", "0123456789") == 10);
	ok(strcmp(buf, "0123456") == 0);
	ok(snprintf(NULL, 0, "%d", 12345) == 5);
	ok(asprintf(&str, "%s-%d", "a", 1) == 3 && strcmp(str, "a-1") == 0);
	heap_free(str);
}
