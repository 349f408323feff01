#ifndef ARCH_X86_PREFIX_H
#define ARCH_X86_PREFIX_H

/** @file
 *
 * What a real-mode prefix tells the body
 *
 * The PXE and ROM prefixes (arch/x86/prefix/pxe.asm, rom.asm) unpack
 * the body to 1 MiB and, before entering it, copy a struct prefix_info
 * over the body's own prefix_info (arch/x86/prefix/info.c): its offset
 * in the body is given to them at build time.  The structure lives in
 * .data, so it moves with the body when Ferry relocates itself.  A body
 * entered any other way (bin/ferry.lkrn) has no prefix_info at all.
 *
 * Each prefix pushes the registers its caller (the PXE base code, or
 * the BIOS calling a BEV) handed over onto the caller's stack, as
 *
 *     pushfd; pushad; push ds; push es; push fs; push gs
 *
 * and records that stack, so that prefix_exit() can restore them and
 * return (RETF) to the caller.
 */

#include <stdint.h>
#include "core/compiler.h"

/** "FPFX": the prefix filled in the structure */
#define PREFIX_MAGIC 0x58465046

/** Started as bin/ferry.pxe: unload the PXE stack, use native drivers */
#define PREFIX_TYPE_PXE 1
/** Started as bin/ferry.kpxe: keep the PXE stack, drive the NIC by UNDI */
#define PREFIX_TYPE_KPXE 2
/** Started from an option ROM's boot entry vector (BEV) */
#define PREFIX_TYPE_ROM 3

/** ROM: the BIOS offered PMM and the packed body was moved there */
#define PREFIX_FLAG_PMM 0x01
/** The caller is gone (the PXE stack was unloaded): no way back */
#define PREFIX_FLAG_NO_CALLER 0x02

/** What the prefix hands over (layout shared with the prefixes) */
struct prefix_info {
	/** PREFIX_MAGIC */
	uint32_t magic;
	/** PREFIX_TYPE_... */
	uint8_t type;
	/** PREFIX_FLAG_... */
	uint8_t flags;
	/** ROM: PCI bus, device and function of the ROM's NIC */
	uint16_t busdevfn;
	/** The caller's stack pointer, at its saved registers */
	uint16_t caller_sp;
	/** The caller's stack segment */
	uint16_t caller_ss;
	/** PXE: the PXENV+ structure (ES:BX at entry) */
	uint16_t pxenv_offset;
	uint16_t pxenv_segment;
	/** PXE: the !PXE structure (at SS:SP+4 at entry) */
	uint16_t ppxe_offset;
	uint16_t ppxe_segment;
	/** ROM: segment of the option ROM in the upper memory area */
	uint16_t rom_segment;
	/** Reserved */
	uint16_t reserved;
} __packed;

/** Bytes of the caller's registers on its stack */
#define PREFIX_CALLER_FRAME 44

extern struct prefix_info prefix_info;

extern int prefix_is(unsigned int type);
extern int prefix_exit(void);

#endif /* ARCH_X86_PREFIX_H */
