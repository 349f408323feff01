#ifndef ARCH_X86_REALMODE_H
#define ARCH_X86_REALMODE_H

/** @file
 *
 * Calling real-mode code from the 32-bit body, and back
 *
 * BIOS services and PXE/UNDI ROM entry points run in real mode.  The
 * trampoline in base memory (arch/x86/transition/trampoline.asm) drops
 * to real mode, loads the registers given here, makes the call with
 * interrupts enabled, and comes back with the registers and flags the
 * callee left.
 *
 * Real-mode code calls into the body the other way (the PXE API an NBP
 * uses, interrupt hooks): it pushes the linear address of a handler
 * and far-calls the trampoline's entry (realmode_entry_point()):
 *
 *     push dword handler          ; void handler(struct realmode_frame *)
 *     call far ENTRY_SEG:ENTRY_OFF
 *
 * The entry saves everything the caller had in a struct realmode_frame
 * on the caller's own stack (it needs sizeof(struct realmode_frame)
 * bytes of it, whatever SS is, and may be entered with interrupts
 * enabled), switches to flat protected mode with interrupts disabled
 * and calls the handler on the body's stack.  The handler reads the
 * caller's registers and its stack (realmode_frame_stack()) from the
 * frame and writes results there; on return the entry reloads every
 * register, the flags and the caller's GDTR/IDTR from the frame and
 * returns with RETF 4, which also drops the handler's address.
 *
 * The body must be inside a real-mode call at the time (as it is while
 * an NBP runs), since the handler runs below that call's stack frame;
 * otherwise the entry returns with CF set at once.  A handler may make
 * real-mode calls itself: they run on the trampoline's stack, below
 * whatever part of it is in use.
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

/**
 * What the real-mode to protected-mode entry saves of its caller
 *
 * Lies on the caller's stack, lowest address first.
 */
struct realmode_frame {
	/** The caller's GDTR (limit, base) */
	uint8_t gdtr[6];
	/** The caller's IDTR */
	uint8_t idtr[6];
	/** The caller's stack segment */
	uint16_t ss;
	/** The caller's stack pointer, pointing at this frame */
	uint16_t sp;
	/** The trampoline's free stack top before this entry */
	uint16_t rm_sp;
	/** General registers, in PUSHAD order */
	uint32_t edi;
	uint32_t esi;
	uint32_t ebp;
	uint32_t esp;
	uint32_t ebx;
	uint32_t edx;
	uint32_t ecx;
	uint32_t eax;
	/** Segment registers */
	uint16_t gs;
	uint16_t fs;
	uint16_t es;
	uint16_t ds;
	/** Flags (CF is the usual error bit to return) */
	uint32_t eflags;
	/** Return address into the code that called the entry */
	uint16_t ret_offset;
	uint16_t ret_segment;
	/** The handler (linear address) */
	uint32_t handler;
} __packed;

/** A handler for the real-mode to protected-mode entry */
typedef void (*realmode_handler_t)(struct realmode_frame *frame);

/**
 * The caller's stack above the frame
 *
 * @v frame		Frame
 * @ret stack		What lay at the caller's SS:SP before it pushed
 *			the handler and far-called the entry
 */
static inline void *realmode_frame_stack(struct realmode_frame *frame)
{
	return (frame + 1);
}

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
extern int realmode_entry_point(uint16_t *segment, uint16_t *offset);
extern int realmode_extent(uint32_t *start, uint32_t *len);
extern int realmode_hook_irq0(uint16_t uart_port, int own_tick);
extern void realmode_unhook_irq0(void);
extern uint16_t realmode_irq0_uart(uint16_t uart_port);
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
