/** @file
 *
 * Unit tests: strings and memory
 */

#include "tests/unit/unittest.h"
#include "core/string.h"
#include "core/malloc.h"

/** memcpy/memmove/memset/memcmp at every alignment */
UNIT_TEST(string_memory)
{
	unsigned char a[64];
	unsigned char b[64];
	unsigned int offset;
	unsigned int len;
	unsigned int i;

	for (offset = 0; offset < 8; offset++) {
		for (len = 0; len < 40; len++) {
			for (i = 0; i < sizeof(a); i++) {
				a[i] = i;
				b[i] = 0xee;
			}
			memcpy(b + offset, a + (7 - offset), len);
			for (i = 0; i < len; i++)
				ok(b[offset + i] == (7 - offset + i));
			ok(offset == 0 || b[offset - 1] == 0xee);
			ok(b[offset + len] == 0xee);
		}
	}
	for (i = 0; i < sizeof(a); i++)
		a[i] = i;
	memmove(a + 3, a, 20);
	ok(a[3] == 0 && a[22] == 19 && a[2] == 2);
	memmove(a, a + 3, 20);
	ok(a[0] == 0 && a[19] == 19);
	memset(a + 1, 0x5a, 33);
	ok(a[0] == 0 && a[1] == 0x5a && a[33] == 0x5a && a[34] == 34);
	ok(memcmp("abc", "abd", 3) < 0);
	ok(memcmp("abd", "abc", 3) > 0);
	ok(memcmp("abc", "abd", 2) == 0);
	ok(memchr("hello", 'l', 5) == (void *)((const char *)"hello" + 2) ||
	   *(const char *)memchr("hello", 'l', 5) == 'l');
	ok(memchr("hello", 'z', 5) == NULL);
}

/** String functions */
UNIT_TEST(string_strings)
{
	char buf[8];
	char *dup;

	ok(strlen("") == 0);
	ok(strlen("hello") == 5);
	ok(strnlen("hello", 3) == 3);
	ok(strcmp("a", "b") < 0 && strcmp("b", "a") > 0);
	ok(strcmp("abc", "abc") == 0);
	ok(strcmp("ab", "abc") < 0);
	ok(strncmp("abcx", "abcy", 3) == 0);
	ok(strcasecmp("HeLLo", "hello") == 0);
	ok(strncasecmp("HeLLoX", "helloY", 5) == 0);
	ok(strchr("hello", 'l') != NULL && *strchr("hello", 'l') == 'l');
	ok(strrchr("hello", 'l') - strchr("hello", 'l') == 1);
	ok(strchr("hello", 'z') == NULL);
	ok(strstr("hello world", "o w") != NULL);
	ok(strstr("hello", "world") == NULL);
	ok(strlcpy(buf, "truncated", sizeof(buf)) == 9);
	ok(strcmp(buf, "truncat") == 0);
	ok(strlcat(buf, "x", sizeof(buf)) == 8);
	strlcpy(buf, "ab", sizeof(buf));
	ok(strlcat(buf, "cd", sizeof(buf)) == 4 && strcmp(buf, "abcd") == 0);
	dup = strdup("copy");
	ok(dup && strcmp(dup, "copy") == 0);
	heap_free(dup);
	dup = strndup("copy", 2);
	ok(dup && strcmp(dup, "co") == 0);
	heap_free(dup);
}

/** Number parsing */
UNIT_TEST(string_strtoul)
{
	char *end;

	ok(strtoul("1234", &end, 10) == 1234 && *end == '\0');
	ok(strtoul("0x1f", &end, 0) == 0x1f && *end == '\0');
	ok(strtoul("0x1f", &end, 16) == 0x1f);
	ok(strtoul("017", &end, 0) == 15);
	ok(strtoul("  42abc", &end, 10) == 42 && *end == 'a');
	ok(strtoul("abc", &end, 10) == 0 && *end == 'a');
	ok(strtoull("99999999999999999999999", &end, 10) == ~0ULL);
	ok(strtol("-5", &end, 10) == -5);
	ok(strtoull("18446744073709551615", &end, 10) == ~0ULL &&
	   *end == '\0');
}
