/** @file
 *
 * Entropy for seeding random generators
 *
 * A bootloader has few secrets to draw on, so every source there is is
 * hashed (SHA-256) into one 32-byte pool, and each seed handed out is a
 * hash of the pool that cannot be turned back into it:
 *
 *   - the platform's hardware generator, if it has one
 *     (platform_random(): RDRAND on x86 when CPUID reports it, the
 *     kernel's generator on the host);
 *   - timing jitter: a short, data-dependent piece of memory work is
 *     timed with the platform's fast counter (platform_cycles(): the
 *     TSC on x86) hundreds of times, and every duration is hashed;
 *     caches, memory refresh, SMIs and (in a virtual machine) the host
 *     make the durations vary;
 *   - event times: callers may report events whose timing is not
 *     predictable, such as packet arrivals (entropy_add_event(), cheap
 *     enough for a receive path), and other data (entropy_add()).
 *
 * How strong is it?  With a hardware generator the seed is as good as
 * that generator.  Without one (older x86 processors; QEMU's TCG
 * without "-cpu max"), the seed rests on timing jitter alone, which is
 * unpredictable in practice on real hardware but is not a measured or
 * certified source; under an emulator it depends on the host's
 * scheduling.  docs/https.md says so to users.  The pool is gathered
 * the first time a seed is asked for (TLS's first connection), not at
 * start-up, so that boots without TLS pay nothing; each later seed adds
 * fresh jitter and the events seen since.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/entropy.h"
#include "core/platform.h"
#include "core/string.h"
#include "core/errors.h"
#include "crypto/digest.h"

/** Jitter samples taken the first time */
#define ENTROPY_INITIAL_SAMPLES 1024
/** Jitter samples added to each later seed */
#define ENTROPY_RESEED_SAMPLES  64
/** Size of the memory the timed work touches (a power of two) */
#define ENTROPY_WORK_BYTES      4096
/** Bytes read from the hardware generator the first time */
#define ENTROPY_HARDWARE_BYTES  32
/** Event times kept between seeds (a power of two) */
#define ENTROPY_EVENT_SLOTS     16

#define EINVAL_SEED_LEN ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_SEED_LEN, "Entropy seed asked for is too long");

/** The pool */
static uint8_t entropy_pool[ENTROPY_SEED_MAX_LEN];
/** The first gathering was done */
static int entropy_gathered;
/** Seeds handed out */
static uint64_t entropy_seeds;
/** Event times since the last seed, folded into a few slots */
static uint64_t entropy_events[ENTROPY_EVENT_SLOTS];
/** Events reported (the next slot) */
static unsigned int entropy_event_count;
/** Memory the timed work reads and writes */
static uint8_t entropy_work[ENTROPY_WORK_BYTES];

/** A running pool update */
struct entropy_mix {
	/** SHA-256 context */
	uint64_t ctx[DIGEST_MAX_CTX / sizeof(uint64_t)];
};

/**
 * Start replacing the pool: hash a label and the current pool
 *
 * @v mix		Update
 * @v label		Label, so that different uses never collide
 */
static void entropy_mix_start(struct entropy_mix *mix, const char *label)
{
	sha256_algorithm.init(mix->ctx);
	sha256_algorithm.update(mix->ctx, label, (strlen(label) + 1));
	sha256_algorithm.update(mix->ctx, entropy_pool, sizeof(entropy_pool));
}

/**
 * Add data to a pool update
 *
 * @v mix		Update
 * @v data		Data
 * @v len		Length
 */
static void entropy_mix_data(struct entropy_mix *mix, const void *data,
			     size_t len)
{
	sha256_algorithm.update(mix->ctx, data, len);
}

/**
 * Finish a pool update
 *
 * @v mix		Update
 * @v out		Where the hash goes (the pool, or a seed)
 */
static void entropy_mix_finish(struct entropy_mix *mix, void *out)
{
	sha256_algorithm.final(mix->ctx, out);
}

/**
 * Time a short piece of memory work, many times, into a pool update
 *
 * The amount of work depends on the counter's low bits and on what
 * the work last wrote, so that the durations do not settle into a
 * fixed pattern.
 *
 * @v mix		Update
 * @v samples		Number of samples
 */
static void entropy_mix_jitter(struct entropy_mix *mix, unsigned int samples)
{
	unsigned int index = 0;
	unsigned int rounds;
	unsigned int round;
	uint64_t before;
	uint64_t after;
	uint64_t duration;

	while (samples--) {
		before = platform_cycles();
		rounds = (16 + (before & 15));
		for (round = 0; round < rounds; round++) {
			index = ((index * 33) + entropy_work[index] + round +
				 (unsigned int)before) &
				(ENTROPY_WORK_BYTES - 1);
			entropy_work[index] += (uint8_t)(round + 1);
		}
		after = platform_cycles();
		duration = (after - before);
		entropy_mix_data(mix, &duration, sizeof(duration));
	}
	after = platform_cycles();
	entropy_mix_data(mix, &after, sizeof(after));
}

/**
 * Add data of unknown quality to the pool
 *
 * @v data		Data
 * @v len		Length
 */
void entropy_add(const void *data, size_t len)
{
	struct entropy_mix mix;

	entropy_mix_start(&mix, "add");
	entropy_mix_data(&mix, data, len);
	entropy_mix_finish(&mix, entropy_pool);
}

/**
 * Note that an event happened now (a packet arrived, a key was pressed)
 *
 * This only stores the counter; the next seed hashes it.  It costs a
 * counter read and a few instructions, so a receive path can call it
 * for every packet.
 */
void entropy_add_event(void)
{
	unsigned int slot = (entropy_event_count++ & (ENTROPY_EVENT_SLOTS - 1));

	entropy_events[slot] =
		((entropy_events[slot] << 7) | (entropy_events[slot] >> 57)) ^
		platform_cycles();
}

/**
 * Get a seed for a random generator
 *
 * Every call gives a different seed, and a seed says nothing useful
 * about the pool or about other seeds.
 *
 * @v buf		Buffer to fill
 * @v len		Length (at most ENTROPY_SEED_MAX_LEN)
 * @ret rc		Return status code
 */
int entropy_seed(void *buf, size_t len)
{
	uint8_t hardware[ENTROPY_HARDWARE_BYTES];
	uint8_t out[ENTROPY_SEED_MAX_LEN];
	struct entropy_mix mix;
	uint64_t now;

	if (len > sizeof(out))
		return -EINVAL_SEED_LEN;

	/* Gather: hardware generator and jitter, then events */
	entropy_mix_start(&mix, "gather");
	if (!entropy_gathered) {
		if (platform_random(hardware, sizeof(hardware)) == 0)
			entropy_mix_data(&mix, hardware, sizeof(hardware));
		entropy_mix_jitter(&mix, ENTROPY_INITIAL_SAMPLES);
		entropy_gathered = 1;
	} else {
		entropy_mix_jitter(&mix, ENTROPY_RESEED_SAMPLES);
	}
	entropy_mix_data(&mix, entropy_events, sizeof(entropy_events));
	entropy_mix_data(&mix, &entropy_event_count,
			 sizeof(entropy_event_count));
	now = clock_ms();
	entropy_mix_data(&mix, &now, sizeof(now));
	entropy_mix_finish(&mix, entropy_pool);

	/* Hand out one hash of the pool and keep another */
	entropy_seeds++;
	entropy_mix_start(&mix, "seed");
	entropy_mix_data(&mix, &entropy_seeds, sizeof(entropy_seeds));
	entropy_mix_finish(&mix, out);
	entropy_mix_start(&mix, "next");
	entropy_mix_data(&mix, &entropy_seeds, sizeof(entropy_seeds));
	entropy_mix_finish(&mix, entropy_pool);

	memcpy(buf, out, len);
	memset(out, 0, sizeof(out));
	memset(hardware, 0, sizeof(hardware));
	return 0;
}
