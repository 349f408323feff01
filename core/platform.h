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

#endif /* CORE_PLATFORM_H */
