#ifndef CORE_PRINTF_H
#define CORE_PRINTF_H

/** @file
 *
 * Formatted output
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %% with flags "-+ #0", width
 * and precision (also "*"), and length modifiers hh h l ll z t j.
 * %p prints 0x followed by the address in hex.
 */

#include <stdarg.h>
#include <stddef.h>

extern int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
extern int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern int vprintf(const char *fmt, va_list args);
extern int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int asprintf(char **strp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
extern int vasprintf(char **strp, const char *fmt, va_list args);

/**
 * Emit formatted output through a function
 *
 * @v emit		Called for each byte
 * @v ctx		Context passed to emit
 * @v fmt		Format
 * @v args		Arguments
 * @ret len		Number of bytes emitted
 */
extern int vcprintf(void (*emit)(void *ctx, int byte), void *ctx,
		    const char *fmt, va_list args);

#endif /* CORE_PRINTF_H */
