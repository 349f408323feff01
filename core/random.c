/** @file
 *
 * Hard-to-guess numbers for protocol fields (not cryptographic)
 *
 * One xorshift generator, stirred on every call with the full cycle
 * counter.  The counter's low bits at the moment of a call depend on
 * everything that happened since power-on (firmware, DHCP round trips,
 * the server's timing), so two boots of the same machine do not pick
 * the same ports and sequence numbers.  A millisecond clock is not
 * enough: a scripted boot reaches its first connection at the same
 * millisecond every time, and a server that still remembers the
 * previous boot's connection (same addresses, same ports, same
 * sequence numbers) ignores the new SYN for a whole retransmission
 * timeout.
 */

#include <stdint.h>
#include "core/random.h"
#include "core/platform.h"

/** Multiplier spreading the counter's low bits (2^32 / golden ratio) */
#define RANDOM_SPREAD 2654435761U

/** Generator state */
static uint32_t random_state;

/**
 * Make a hard-to-guess 32-bit number
 *
 * @ret value		Number
 */
uint32_t random_u32(void)
{
	uint64_t cycles = platform_cycles();
	uint32_t x;

	x = (random_state +
	     ((uint32_t)(cycles ^ (cycles >> 32)) * RANDOM_SPREAD));
	if (!x)
		x = RANDOM_SPREAD;
	x ^= (x << 13);
	x ^= (x >> 17);
	x ^= (x << 5);
	random_state = x;
	return x;
}
