/** @file
 *
 * Strings and memory
 */

#include <stdint.h>
#include "core/string.h"
#include "core/ctype.h"
#include "core/malloc.h"

/* The header routes these through compiler builtins; define the real ones.
 * memcpy(), memmove() and memset() are weak: a platform may link faster
 * versions (arch/x86/string_ops.asm).
 */
#undef memcpy
#undef memset
#undef memcmp
#undef strlen

/**
 * Copy memory (regions must not overlap)
 *
 * @v dest		Destination
 * @v src		Source
 * @v len		Length
 * @ret dest		Destination
 */
__attribute__((weak)) void *memcpy(void *dest, const void *src, size_t len)
{
	uint8_t *d = dest;
	const uint8_t *s = src;

	/* Word copies when both sides are equally aligned */
	if ((((uintptr_t)d ^ (uintptr_t)s) & (sizeof(unsigned long) - 1)) ==
	    0) {
		while (len && ((uintptr_t)d & (sizeof(unsigned long) - 1))) {
			*d++ = *s++;
			len--;
		}
		while (len >= sizeof(unsigned long)) {
			*(unsigned long *)d = *(const unsigned long *)s;
			d += sizeof(unsigned long);
			s += sizeof(unsigned long);
			len -= sizeof(unsigned long);
		}
	}
	while (len--)
		*d++ = *s++;
	return dest;
}

/**
 * Copy memory (regions may overlap)
 *
 * @v dest		Destination
 * @v src		Source
 * @v len		Length
 * @ret dest		Destination
 */
__attribute__((weak)) void *memmove(void *dest, const void *src,
				     size_t len)
{
	uint8_t *d = dest;
	const uint8_t *s = src;

	if (d + len <= s || d >= s + len)
		return memcpy(dest, src, len);
	if (d < s) {
		/* Overlapping, moving down: forwards, a byte at a time */
		while (len--)
			*d++ = *s++;
		return dest;
	}
	d += len;
	s += len;
	while (len--)
		*--d = *--s;
	return dest;
}

/**
 * Fill memory
 *
 * @v dest		Destination
 * @v character		Byte value
 * @v len		Length
 * @ret dest		Destination
 */
__attribute__((weak)) void *memset(void *dest, int character, size_t len)
{
	uint8_t *d = dest;
	unsigned long pattern;

	pattern = (uint8_t)character;
	pattern *= (~0UL / 0xff);
	while (len && ((uintptr_t)d & (sizeof(unsigned long) - 1))) {
		*d++ = character;
		len--;
	}
	while (len >= sizeof(unsigned long)) {
		*(unsigned long *)d = pattern;
		d += sizeof(unsigned long);
		len -= sizeof(unsigned long);
	}
	while (len--)
		*d++ = character;
	return dest;
}

/**
 * Compare memory
 *
 * @v first		First region
 * @v second		Second region
 * @v len		Length
 * @ret diff		Difference of the first differing bytes, or 0
 */
int memcmp(const void *first, const void *second, size_t len)
{
	const uint8_t *a = first;
	const uint8_t *b = second;

	for (; len; len--, a++, b++) {
		if (*a != *b)
			return (*a - *b);
	}
	return 0;
}

/**
 * Find a byte in memory
 *
 * @v src		Region
 * @v character		Byte value
 * @v len		Length
 * @ret found		First matching byte, or NULL
 */
void *memchr(const void *src, int character, size_t len)
{
	const uint8_t *s = src;

	for (; len; len--, s++) {
		if (*s == (uint8_t)character)
			return (void *)s;
	}
	return NULL;
}

/**
 * Swap two regions of memory
 *
 * @v first		First region
 * @v second		Second region
 * @v len		Length
 * @ret first		First region
 */
void *memswap(void *first, void *second, size_t len)
{
	uint8_t *a = first;
	uint8_t *b = second;
	uint8_t tmp;

	for (; len; len--, a++, b++) {
		tmp = *a;
		*a = *b;
		*b = tmp;
	}
	return first;
}

/**
 * Length of a string
 *
 * @v src		String
 * @ret len		Length, excluding the terminating NUL
 */
size_t strlen(const char *src)
{
	const char *s = src;

	while (*s)
		s++;
	return (s - src);
}

/**
 * Length of a string, up to a bound
 *
 * @v src		String
 * @v max		Most bytes to examine
 * @ret len		Length, at most max
 */
size_t strnlen(const char *src, size_t max)
{
	size_t len = 0;

	while (len < max && src[len])
		len++;
	return len;
}

/**
 * Compare strings
 *
 * @v first		First string
 * @v second		Second string
 * @ret diff		Difference at the first differing byte, or 0
 */
int strcmp(const char *first, const char *second)
{
	return strncmp(first, second, ~(size_t)0);
}

/**
 * Compare strings, up to a bound
 *
 * @v first		First string
 * @v second		Second string
 * @v max		Most bytes to compare
 * @ret diff		Difference at the first differing byte, or 0
 */
int strncmp(const char *first, const char *second, size_t max)
{
	const uint8_t *a = (const uint8_t *)first;
	const uint8_t *b = (const uint8_t *)second;

	for (; max; max--, a++, b++) {
		if (*a != *b)
			return (*a - *b);
		if (!*a)
			break;
	}
	return 0;
}

/**
 * Compare strings, ignoring ASCII case
 *
 * @v first		First string
 * @v second		Second string
 * @ret diff		Difference at the first differing byte, or 0
 */
int strcasecmp(const char *first, const char *second)
{
	return strncasecmp(first, second, ~(size_t)0);
}

/**
 * Compare strings, ignoring ASCII case, up to a bound
 *
 * @v first		First string
 * @v second		Second string
 * @v max		Most bytes to compare
 * @ret diff		Difference at the first differing byte, or 0
 */
int strncasecmp(const char *first, const char *second, size_t max)
{
	const uint8_t *a = (const uint8_t *)first;
	const uint8_t *b = (const uint8_t *)second;
	int diff;

	for (; max; max--, a++, b++) {
		diff = (tolower(*a) - tolower(*b));
		if (diff)
			return diff;
		if (!*a)
			break;
	}
	return 0;
}

/**
 * Find a character in a string
 *
 * @v src		String
 * @v character		Character (may be NUL, which finds the end)
 * @ret found		First match, or NULL
 */
char *strchr(const char *src, int character)
{
	for (;; src++) {
		if (*src == (char)character)
			return (char *)src;
		if (!*src)
			return NULL;
	}
}

/**
 * Find the last occurrence of a character in a string
 *
 * @v src		String
 * @v character		Character
 * @ret found		Last match, or NULL
 */
char *strrchr(const char *src, int character)
{
	const char *found = NULL;

	for (;; src++) {
		if (*src == (char)character)
			found = src;
		if (!*src)
			return (char *)found;
	}
}

/**
 * Find a substring
 *
 * @v haystack		String to search
 * @v needle		String to find
 * @ret found		First match, or NULL
 */
char *strstr(const char *haystack, const char *needle)
{
	size_t len = strlen(needle);

	for (; *haystack; haystack++) {
		if (memcmp(haystack, needle, len) == 0)
			return (char *)haystack;
	}
	return (len ? NULL : (char *)haystack);
}

/**
 * Copy a string into a bounded buffer
 *
 * @v dest		Destination buffer
 * @v src		Source string
 * @v size		Size of the destination buffer
 * @ret len		Length of src (truncation happened if >= size)
 */
size_t strlcpy(char *dest, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t copy;

	if (size) {
		copy = ((len < size) ? len : (size - 1));
		memcpy(dest, src, copy);
		dest[copy] = '\0';
	}
	return len;
}

/**
 * Append a string in a bounded buffer
 *
 * @v dest		Destination buffer holding a string
 * @v src		Source string
 * @v size		Size of the destination buffer
 * @ret len		Length the whole string would have
 */
size_t strlcat(char *dest, const char *src, size_t size)
{
	size_t used = strnlen(dest, size);

	if (used == size)
		return (size + strlen(src));
	return (used + strlcpy(dest + used, src, size - used));
}

/**
 * Duplicate a string, up to a bound, on the heap
 *
 * @v src		String
 * @v max		Most bytes to copy
 * @ret dup		Copy (NUL-terminated), or NULL
 */
char *strndup(const char *src, size_t max)
{
	size_t len = strnlen(src, max);
	char *dup;

	dup = heap_alloc(len + 1);
	if (dup) {
		memcpy(dup, src, len);
		dup[len] = '\0';
	}
	return dup;
}

/**
 * Duplicate a string on the heap
 *
 * @v src		String
 * @ret dup		Copy, or NULL
 */
char *strdup(const char *src)
{
	return strndup(src, ~(size_t)0);
}

/**
 * Value of a digit in any base up to 36
 *
 * @v character		Character
 * @ret value		Digit value, or 36 if not a digit
 */
static unsigned int strto_digit(int character)
{
	if (isdigit(character))
		return (character - '0');
	if (isalpha(character))
		return (tolower(character) - 'a' + 10);
	return 36;
}

/**
 * Parse an unsigned integer, saturating on overflow
 *
 * Accepts leading white space, an optional sign, and with base 0 or 16
 * a "0x" prefix; base 0 also takes a leading "0" as octal.
 *
 * @v src		String
 * @v end		End of the number, or NULL
 * @v base		Base (0 to guess, or 2 to 36)
 * @ret value		Value (ULLONG_MAX on overflow; negated for '-')
 */
unsigned long long strtoull(const char *src, char **end, int base)
{
	unsigned long long value = 0;
	unsigned long long limit;
	unsigned int digit;
	const char *start;
	int negative = 0;
	int overflow = 0;

	while (isspace(*src))
		src++;
	if (*src == '+' || *src == '-')
		negative = (*(src++) == '-');
	if ((base == 0 || base == 16) && src[0] == '0' &&
	    (src[1] == 'x' || src[1] == 'X') && isxdigit(src[2])) {
		src += 2;
		base = 16;
	} else if (base == 0) {
		base = ((src[0] == '0') ? 8 : 10);
	}
	limit = (~0ULL / base);
	start = src;
	for (; (digit = strto_digit(*src)) < (unsigned int)base; src++) {
		if (value > limit || (value * base) > (~0ULL - digit))
			overflow = 1;
		value = ((value * base) + digit);
	}
	if (end)
		*end = (char *)((src == start) ? start : src);
	if (overflow)
		return ~0ULL;
	return (negative ? -value : value);
}

/**
 * Parse an unsigned long
 *
 * @v src		String
 * @v end		End of the number, or NULL
 * @v base		Base (0 to guess, or 2 to 36)
 * @ret value		Value (saturated at ULONG_MAX)
 */
unsigned long strtoul(const char *src, char **end, int base)
{
	unsigned long long value = strtoull(src, end, base);

	if (value > ~0UL && (long long)value >= 0)
		return ~0UL;
	return value;
}

/**
 * Parse a signed long
 *
 * @v src		String
 * @v end		End of the number, or NULL
 * @v base		Base (0 to guess, or 2 to 36)
 * @ret value		Value
 */
long strtol(const char *src, char **end, int base)
{
	return (long)strtoul(src, end, base);
}
