#ifndef IMAGE_HANDOFF_H
#define IMAGE_HANDOFF_H

/** @file
 *
 * Handing the machine to a kernel: what the platform provides
 *
 * The image types (image/bzimage.c, image/multiboot.c, image/elf.c)
 * decide where everything goes and check it all; the platform says
 * which memory may be used and does the last, irreversible part: shut
 * down devices, move the pieces into place (placement_apply()) and jump.
 * On x86 BIOS this is arch/x86/handoff.c and arch/x86/linux_boot.c; a
 * platform that cannot boot kernels (the host) fails handoff_memory().
 */

#include <stdint.h>
#include "core/compiler.h"

struct placement;

/** Memory a kernel's pieces may be put in */
struct handoff_memory {
	/** Start of usable RAM above 1 MiB that Ferry does not occupy */
	uint64_t area_start;
	/** End of that RAM */
	uint64_t area_end;
	/** Start of free base memory (below 640 KiB) */
	uint32_t low_start;
	/** End of free base memory (where what Ferry keeps there begins) */
	uint32_t low_end;
};

/**
 * Find the memory a kernel may be loaded into
 *
 * @v near		An address the area should contain (1 MiB)
 * @v memory		Memory found
 * @ret rc		Return status code
 */
extern int handoff_memory(uint64_t near, struct handoff_memory *memory);

/**
 * Start a Linux kernel's real-mode setup code
 *
 * Shuts down devices, carries out the placement (which puts the setup
 * code at rm_base), and enters the setup code at (rm_base / 16 + 0x20):0
 * in real mode with DS = ES = SS = rm_base / 16 and SP = rm_stack.
 *
 * @v placement		Checked placement
 * @v rm_base		Physical address of the setup code (16-byte
 *			aligned, below 1 MiB)
 * @v rm_stack		Stack pointer (offset from rm_base)
 */
extern void __noreturn handoff_linux16(struct placement *placement,
				       uint32_t rm_base, uint16_t rm_stack);

/**
 * Start a kernel in flat 32-bit protected mode
 *
 * Shuts down devices, carries out the placement, and jumps to the
 * entry point with paging off, interrupts disabled, flat 4 GiB code and
 * data segments, and EAX and EBX as given.
 *
 * @v placement		Checked placement
 * @v entry		Entry point (physical)
 * @v eax		Value for EAX
 * @v ebx		Value for EBX
 */
extern void __noreturn handoff_flat32(struct placement *placement,
				      uint32_t entry, uint32_t eax,
				      uint32_t ebx);

#endif /* IMAGE_HANDOFF_H */
