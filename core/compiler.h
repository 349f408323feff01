#ifndef CORE_COMPILER_H
#define CORE_COMPILER_H

/** @file
 *
 * Compiler helpers
 */

/** Number of elements in an array */
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

/** Branch prediction hints */
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/** An argument or variable that may be unused */
#define __unused   __attribute__((unused))
/** A structure laid out exactly as declared */
#define __packed   __attribute__((packed))
/** A function that does not return */
#define __noreturn __attribute__((noreturn))

/** Smaller and larger of two values (each evaluated once) */
#define min(a, b)                                        \
	({                                               \
		typeof(a) __min_a = (a);                 \
		typeof(b) __min_b = (b);                 \
		(__min_a < __min_b) ? __min_a : __min_b; \
	})
#define max(a, b)                                        \
	({                                               \
		typeof(a) __max_a = (a);                 \
		typeof(b) __max_b = (b);                 \
		(__max_a > __max_b) ? __max_a : __max_b; \
	})

/** Compile-time assertion */
#define build_assert(condition) _Static_assert(condition, #condition)

#endif /* CORE_COMPILER_H */
