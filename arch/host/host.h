#ifndef ARCH_HOST_HOST_H
#define ARCH_HOST_HOST_H

/** @file
 *
 * The host platform's own interfaces (used by its two entry points:
 * arch/host/main.c and the unit-test runner)
 *
 * This header is included by freestanding code too, so it uses no libc
 * types.
 */

/** Size of the host heap */
#define HOST_HEAP_SIZE (64UL * 1024 * 1024)
/** Size of the host image area (reserved lazily, not committed) */
#define HOST_IMAGE_AREA_SIZE (2048UL * 1024 * 1024)

#include "core/console.h"

extern struct console_driver host_console;
extern unsigned long long host_clock_skew_ms;

extern void host_memory_init(void);
extern void host_console_init(void);
extern void host_console_flush(void);
extern int host_read_file(const char *path, char **data,
			  unsigned long *len);
extern void host_exit(int status) __attribute__((noreturn));
extern int host_file_open(const char *path, unsigned long long *size);
extern long host_file_read(int fd, void *buf, unsigned long len);
extern void host_file_close(int fd);

#endif /* ARCH_HOST_HOST_H */
