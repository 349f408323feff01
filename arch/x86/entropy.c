/** @file
 *
 * Entropy sources on x86: RDRAND and the time-stamp counter
 *
 * RDRAND is used only when CPUID says the processor has it; each
 * 32-bit read is retried a few times, as Intel advises, since the
 * instruction may briefly run dry.  core/entropy.c hashes what it
 * returns together with timing jitter, so a faulty or distrusted
 * RDRAND does not make the seed worse than jitter alone.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/platform.h"
#include "core/string.h"
#include "core/errors.h"

/** CPUID leaf 1, ECX: RDRAND is supported */
#define CPUID_1_ECX_RDRAND 0x40000000UL
/** Tries per 32-bit RDRAND read before giving up */
#define RDRAND_RETRIES     10

#define ENOTSUP_RDRAND ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_RDRAND, "No hardware random number generator");
#define EIO_RDRAND ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_RDRAND, "Hardware random number generator failed");

/**
 * Test whether the processor has RDRAND
 *
 * @ret present		RDRAND is supported
 */
static int rdrand_present(void)
{
	uint32_t eax = 1;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;

	__asm__ __volatile__("cpuid"
			     : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	return !!(ecx & CPUID_1_ECX_RDRAND);
}

/**
 * Read 32 random bits with RDRAND
 *
 * @v value		Value to fill in
 * @ret rc		Return status code
 */
static int rdrand_read(uint32_t *value)
{
	unsigned int tries;
	uint8_t ok;

	for (tries = 0; tries < RDRAND_RETRIES; tries++) {
		/* rdrand %eax, written as bytes for older assemblers */
		__asm__ __volatile__(".byte 0x0f, 0xc7, 0xf0\n\t"
				     "setc %1"
				     : "=a"(*value), "=qm"(ok)
				     :
				     : "cc");
		if (ok)
			return 0;
	}
	return -EIO_RDRAND;
}

/**
 * Read random bytes from RDRAND
 *
 * @v buf		Buffer to fill
 * @v len		Length
 * @ret rc		Return status code (-ENOTSUP without RDRAND)
 */
int platform_random(void *buf, size_t len)
{
	uint8_t *bytes = buf;
	uint32_t value;
	size_t chunk;
	int rc;

	if (!rdrand_present())
		return -ENOTSUP_RDRAND;
	while (len) {
		rc = rdrand_read(&value);
		if (rc != 0)
			return rc;
		chunk = ((len < sizeof(value)) ? len : sizeof(value));
		memcpy(bytes, &value, chunk);
		bytes += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * Read the time-stamp counter
 *
 * @ret cycles		Counter value
 */
uint64_t platform_cycles(void)
{
	uint64_t tsc;

	__asm__ __volatile__("rdtsc" : "=A"(tsc));
	return tsc;
}
