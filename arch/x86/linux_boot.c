/** @file
 *
 * Starting Linux's real-mode setup code on x86 BIOS
 *
 * image/bzimage.c has chosen and checked where everything goes: the
 * real-mode part (with the header fields filled in) and the command line
 * in base memory, the protected-mode part at 1 MiB, the initrds high.
 * What is left is x86 work: shut down, move the pieces, and enter the
 * setup code in real mode as the boot protocol describes: CS =
 * segment + 0x20, IP = 0, DS = ES = SS = segment, SP at the end of the
 * setup heap, interrupts off.  The setup code then enables A20, reads
 * the E820 map and video state from the BIOS itself, and goes on to
 * protected mode.
 */

#include <stdint.h>
#include "image/handoff.h"
#include "image/placement.h"
#include "arch/x86/handoff_jump.h"

/**
 * Start a Linux kernel's real-mode setup code
 *
 * @v placement		Checked placement
 * @v rm_base		Physical address of the setup code (16-byte
 *			aligned, below 1 MiB)
 * @v rm_stack		Stack pointer (offset from rm_base)
 */
void handoff_linux16(struct placement *placement, uint32_t rm_base,
		     uint16_t rm_stack)
{
	handoff_prepare(placement);
	handoff_jump16((rm_base >> 4), rm_stack);
}
