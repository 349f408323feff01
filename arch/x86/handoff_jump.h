#ifndef ARCH_X86_HANDOFF_JUMP_H
#define ARCH_X86_HANDOFF_JUMP_H

/** @file
 *
 * The jumps out of Ferry (arch/x86/transition/handoff.asm)
 */

#include <stdint.h>
#include "core/compiler.h"

struct placement;

extern void handoff_prepare(struct placement *placement);
extern void __noreturn handoff_jump16(uint32_t segment, uint32_t sp);
extern void __noreturn handoff_jump32(uint32_t entry, uint32_t eax,
				      uint32_t ebx);

#endif /* ARCH_X86_HANDOFF_JUMP_H */
