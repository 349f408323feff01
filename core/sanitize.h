#ifndef CORE_SANITIZE_H
#define CORE_SANITIZE_H

/** @file
 *
 * AddressSanitizer hooks for Ferry's own allocator
 *
 * On the host test build the allocator tells AddressSanitizer which bytes
 * are handed out, so that overruns and use-after-free inside Ferry's
 * pools are caught.  Elsewhere these are no-ops.  The switch is the
 * compiler's own sanitizer macro, not a feature option.
 */

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZE_ADDRESS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZE_ADDRESS 1
#endif
#endif

#ifdef SANITIZE_ADDRESS
extern void __asan_poison_memory_region(void const volatile *addr,
					size_t size);
extern void __asan_unpoison_memory_region(void const volatile *addr,
					  size_t size);
/** Mark memory as not to be touched */
#define sanitize_poison(addr, size) __asan_poison_memory_region(addr, size)
/** Mark memory as usable */
#define sanitize_unpoison(addr, size) \
	__asan_unpoison_memory_region(addr, size)
/** Keep a function's own accesses out of the checks */
#define __no_sanitize_address __attribute__((no_sanitize_address))
#else
#define sanitize_poison(addr, size) ((void)(addr), (void)(size))
#define sanitize_unpoison(addr, size) ((void)(addr), (void)(size))
#define __no_sanitize_address
#endif

#endif /* CORE_SANITIZE_H */
