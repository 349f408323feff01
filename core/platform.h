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

#endif /* CORE_PLATFORM_H */
