#ifndef CORE_STRING_H
#define CORE_STRING_H

/** @file
 *
 * Strings and memory
 *
 * Freestanding implementations in core/string.c.  The compiler may still
 * expand small constant-size copies inline: the macros below route the
 * common calls through its builtins, which fall back to these functions.
 */

#include <stddef.h>

extern void *memcpy(void *dest, const void *src, size_t len);
extern void *memmove(void *dest, const void *src, size_t len);
extern void *memset(void *dest, int character, size_t len);
extern int memcmp(const void *first, const void *second, size_t len);
extern void *memchr(const void *src, int character, size_t len);
extern void *memswap(void *first, void *second, size_t len);
extern size_t strlen(const char *src);
extern size_t strnlen(const char *src, size_t max);
extern int strcmp(const char *first, const char *second);
extern int strncmp(const char *first, const char *second, size_t max);
extern int strcasecmp(const char *first, const char *second);
extern int strncasecmp(const char *first, const char *second, size_t max);
extern char *strchr(const char *src, int character);
extern char *strrchr(const char *src, int character);
extern char *strstr(const char *haystack, const char *needle);
extern size_t strlcpy(char *dest, const char *src, size_t size);
extern size_t strlcat(char *dest, const char *src, size_t size);
extern char *strdup(const char *src);
extern char *strndup(const char *src, size_t max);
extern unsigned long strtoul(const char *src, char **end, int base);
extern long strtol(const char *src, char **end, int base);
extern unsigned long long strtoull(const char *src, char **end, int base);

#define memcpy(dest, src, len)       __builtin_memcpy(dest, src, len)
#define memset(dest, character, len) __builtin_memset(dest, character, len)
#define memcmp(first, second, len)   __builtin_memcmp(first, second, len)
#define strlen(src)                  __builtin_strlen(src)

#endif /* CORE_STRING_H */
