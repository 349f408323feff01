#ifndef ARCH_X86_REALMODE_H
#define ARCH_X86_REALMODE_H

/** @file
 *
 * Calling real-mode code from the 32-bit body
 *
 * BIOS services and PXE/UNDI ROM entry points run in real mode.  The
 * trampoline in base memory (arch/x86/transition/trampoline.asm) drops
 * to real mode, loads the registers given here, makes the call with
 * interrupts enabled, and comes back with the registers and flags the
 * callee left.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"

/** Registers passed to and returned from real-mode code */
struct realmode_regs {
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
	uint32_t esi;
	uint32_t edi;
	uint32_t ebp;
	uint16_t ds;
	uint16_t es;
	/** Flags (in: IF is always set while in real mode) */
	uint32_t flags;
} __packed;

/** Carry flag */
#define REALMODE_FLAG_CF 0x0001
/** Zero flag */
#define REALMODE_FLAG_ZF 0x0040
/** Interrupt enable flag */
#define REALMODE_FLAG_IF 0x0200

/** Most bytes of stack arguments realmode_call() passes */
#define REALMODE_ARGS_MAX 64

/** Size of the base-memory bounce buffer */
#define BASEMEM_BUFFER_SIZE 4096

extern int realmode_init(void);
extern int bios_int(unsigned int vector, struct realmode_regs *regs);
extern int realmode_call(uint16_t segment, uint16_t offset,
			 struct realmode_regs *regs, const void *args,
			 size_t args_len);
extern void *basemem_buffer(void);
extern int realmode_hook_irq0(uint16_t uart_port, int own_tick);
extern void realmode_unhook_irq0(void);
extern int realmode_ring_get(void);

/**
 * Real-mode segment of a base-memory pointer
 *
 * @v ptr		Pointer below 1 MiB
 * @ret segment		Segment
 */
static inline uint16_t real_segment(const void *ptr)
{
	return (uint16_t)((uintptr_t)ptr >> 4);
}

/**
 * Real-mode offset of a base-memory pointer (within real_segment())
 *
 * @v ptr		Pointer below 1 MiB
 * @ret offset		Offset
 */
static inline uint16_t real_offset(const void *ptr)
{
	return (uint16_t)((uintptr_t)ptr & 0x0f);
}

/**
 * Pointer for a real-mode segment:offset
 *
 * @v segment		Segment
 * @v offset		Offset
 * @ret ptr		Pointer
 */
static inline void *real_to_virt(uint16_t segment, uint16_t offset)
{
	return (void *)(((uintptr_t)segment << 4) + offset);
}

#endif /* ARCH_X86_REALMODE_H */
