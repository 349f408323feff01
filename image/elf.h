#ifndef IMAGE_ELF_H
#define IMAGE_ELF_H

/** @file
 *
 * ELF executables: loading their segments at their physical addresses
 */

#include <stddef.h>
#include <stdint.h>

struct placement;

/** ELF classes */
#define ELF_CLASS_32 1
#define ELF_CLASS_64 2

/** Most program headers looked at */
#define ELF_MAX_PHDRS 64

/** What an ELF executable's headers say */
struct elf_info {
	/** Class (ELF_CLASS_32 or ELF_CLASS_64) */
	unsigned int class;
	/** Entry point, as a physical address */
	uint64_t entry;
	/** Lowest physical address loaded */
	uint64_t low;
	/** End of the highest segment (memory size included) */
	uint64_t high;
	/** Number of segments loaded */
	unsigned int segments;
};

extern int elf_parse(const void *data, size_t len, struct elf_info *info);
extern int elf_load(const void *data, size_t len, struct placement *placement,
		    struct elf_info *info);

#endif /* IMAGE_ELF_H */
