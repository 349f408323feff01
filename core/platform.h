#ifndef CORE_PLATFORM_H
#define CORE_PLATFORM_H

/** @file
 *
 * What every platform provides
 *
 * Core code calls these; each platform (arch/x86 for pcbios, arch/efi,
 * arch/host) links exactly one implementation of each.  Nothing here is
 * selected with #if: the platform is chosen by which objects are linked.
 */

#include <stddef.h>
#include <stdint.h>

/** Platform name, as in ${platform}: "pcbios", "efi" or "host" */
extern const char platform_name[];
/** Build architecture, as in ${buildarch}: "i386", "x86_64" */
extern const char platform_buildarch[];

/**
 * Read the monotonic clock
 *
 * @ret ms		Milliseconds since an arbitrary point before start-up
 */
extern uint64_t clock_ms(void);

/**
 * Busy-wait
 *
 * @v us		Microseconds to wait
 */
extern void udelay(unsigned long us);

/**
 * Give the CPU away briefly when there is nothing to do
 *
 * Called by the main loop when no process made progress.  It must return
 * quickly (well under a millisecond) and must not miss console input.
 */
extern void platform_idle(void);

/**
 * Reboot the machine
 *
 * @v warm		Non-zero for a warm reboot
 * @ret rc		Return status code (only on failure)
 */
extern int platform_reboot(int warm);

/**
 * Power the machine off
 *
 * @ret rc		Return status code (only on failure)
 */
extern int platform_poweroff(void);

/** A region of the platform's physical memory map */
struct memmap_region {
	/** Start address */
	uint64_t start;
	/** Length in bytes */
	uint64_t length;
	/** Type (MEMMAP_USABLE...) */
	unsigned int type;
};

#define MEMMAP_USABLE   1
#define MEMMAP_RESERVED 2
#define MEMMAP_ACPI     3
#define MEMMAP_NVS      4
#define MEMMAP_UNUSABLE 5

/**
 * Read the platform's memory map
 *
 * @v regions		Array to fill
 * @v max_regions	Size of the array
 * @ret count		Number of regions the platform has (may be more
 *			than max_regions; only max_regions are filled)
 */
extern unsigned int platform_memmap(struct memmap_region *regions,
				    unsigned int max_regions);

/**
 * Find the SMBIOS tables
 *
 * The platform hands over the entry point structure ("_SM_" for SMBIOS
 * 2.x, "_SM3_" for 3.x) and the structure table it points to, both
 * readable in Ferry's address space.  core/smbios.c checks both
 * (checksums, lengths) before use, so the platform need not.  On x86
 * BIOS the entry point is found by scanning 0xF0000-0xFFFFF on 16-byte
 * boundaries; on EFI it is in the configuration table.  A platform
 * without SMBIOS need not provide this: core/smbios.c has a weak
 * default that returns -ENOTSUP.
 *
 * @v entry		Entry point structure to fill in
 * @v entry_len		Bytes readable at the entry point
 * @v table		Structure table to fill in
 * @v table_len		Bytes readable in the structure table
 * @ret rc		Return status code
 */
extern int platform_smbios_find(const void **entry, size_t *entry_len,
				const void **table, size_t *table_len);

/**
 * Read the wall-clock time
 *
 * The time is UTC, as certificates' validity dates are.  On x86 BIOS it
 * comes from the CMOS real-time clock, which is assumed to run on UTC
 * (as Linux and iPXE assume); on the host from the system clock.  Only
 * the TLS code needs it, to check certificates' dates: without a time
 * they cannot be checked, and TLS refuses the connection.
 *
 * @v unix_seconds	Seconds since 1970-01-01 00:00:00 UTC to fill in
 * @ret rc		Return status code (no clock, or a clock that
 *			reads as an impossible date)
 */
extern int platform_time(uint64_t *unix_seconds);

/**
 * Read random bytes from a hardware generator, if there is one
 *
 * On x86 this is RDRAND when CPUID says the processor has it; on the
 * host, the kernel's generator.  core/entropy.c mixes what this gives
 * with timing jitter; it is one source among several, never trusted
 * alone.
 *
 * @v buf		Buffer to fill
 * @v len		Length
 * @ret rc		Return status code (-ENOTSUP: no generator)
 */
extern int platform_random(void *buf, size_t len);

/**
 * Read a fast free-running counter (CPU cycles where there are some)
 *
 * Only differences between readings matter: core/entropy.c times short
 * pieces of work with it, and their jitter is entropy.  The counter's
 * rate need not be known or constant.
 *
 * @ret cycles		Counter value
 */
extern uint64_t platform_cycles(void);

#endif /* CORE_PLATFORM_H */
