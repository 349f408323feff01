#ifndef CORE_ENTROPY_H
#define CORE_ENTROPY_H

/** @file
 *
 * Entropy for seeding random generators (TLS's)
 */

#include <stddef.h>

/** Most bytes one entropy_seed() call gives (a SHA-256 output) */
#define ENTROPY_SEED_MAX_LEN 32

extern void entropy_add(const void *data, size_t len);
extern void entropy_add_event(void);
extern int entropy_seed(void *buf, size_t len);

#endif /* CORE_ENTROPY_H */
