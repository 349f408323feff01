#ifndef CORE_RANDOM_H
#define CORE_RANDOM_H

/** @file
 *
 * Hard-to-guess numbers for protocol fields (not cryptographic)
 *
 * TCP initial sequence numbers and ports, UDP ports, DNS IDs and DHCP
 * transaction IDs only need to differ between boots and be hard to
 * guess blindly (RFC 6528, RFC 6056).  TLS takes its randomness from
 * core/entropy.h instead.
 */

#include <stdint.h>

extern uint32_t random_u32(void);

#endif /* CORE_RANDOM_H */
