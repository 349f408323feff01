#ifndef ARCH_X86_E820_H
#define ARCH_X86_E820_H

/** @file
 *
 * The BIOS memory map, and the usable RAM it leaves
 */

#include <stdint.h>

/** A range of addresses, end exclusive */
struct memory_range {
	uint64_t start;
	uint64_t end;
};

/** Most ranges memory_usable() returns */
#define MEMORY_RANGES_MAX 64

/** Lowest address handed to the pools (above the real-mode area) */
#define MEMORY_USABLE_MIN 0x100000ULL
/** Highest address handed to the pools (32-bit pointers; no wrap) */
#define MEMORY_USABLE_MAX 0xfffff000ULL

extern int e820_read(void);
extern unsigned int memory_usable(struct memory_range *ranges, unsigned int max,
				  const struct memory_range *exclude,
				  unsigned int exclude_count);

#endif /* ARCH_X86_E820_H */
