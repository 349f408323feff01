/*
 * <stdlib.h> for BearSSL, built freestanding.  Only the compiler's
 * intrinsics headers reach for it (for an inline helper nobody calls),
 * so it declares just what they name; nothing here exists at run time.
 */
#ifndef BEARSSL_SHIM_STDLIB_H
#define BEARSSL_SHIM_STDLIB_H
#include <stddef.h>
extern void *malloc(size_t size);
extern void free(void *ptr);
extern int posix_memalign(void **ptr, size_t align, size_t size);
#endif
