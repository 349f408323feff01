#ifndef ARCH_X86_TRAMPOLINE_H
#define ARCH_X86_TRAMPOLINE_H

/** @file
 *
 * Layout of the real-mode trampoline's header
 *
 * Must match arch/x86/transition/trampoline.asm; the offsets are checked
 * at compile time against the numbers written there.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "arch/x86/realmode.h"

/** "FTRM" */
#define TRAMPOLINE_MAGIC 0x4d525446

/** Size of the serial receive ring the IRQ 0 hook fills */
#define TRAMPOLINE_RING_SIZE 256

/** Call types */
#define TRAMPOLINE_CALL_FAR 0
#define TRAMPOLINE_CALL_INT 1

/** IRQ 0 hook modes */
#define TRAMPOLINE_IRQ0_CHAIN    0
#define TRAMPOLINE_IRQ0_OWN_TICK 1

/** Segment selectors of the trampoline's GDT */
#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20

/** A descriptor table register image */
struct trampoline_dtr {
	uint16_t limit;
	uint32_t base;
	uint16_t pad;
} __packed;

/** The trampoline's header */
struct trampoline_header {
	uint32_t magic;
	uint16_t image_len;
	uint16_t total_len;
	uint16_t pm_call;
	uint16_t irq0_hook;
	uint16_t pm32_return;
	uint16_t reserved;
	uint64_t gdt[8];
	struct trampoline_dtr gdtr;
	struct trampoline_dtr pm_idtr;
	struct trampoline_dtr rm_idtr;
	uint32_t pm_esp;
	uint32_t pm32_ptr;
	uint16_t pm32_selector;
	uint16_t rm_cs;
	struct realmode_regs regs;
	uint16_t target_offset;
	uint16_t target_segment;
	uint8_t call_type;
	uint8_t pad1;
	uint16_t args_len;
	uint8_t args[REALMODE_ARGS_MAX];
	uint32_t old_irq0;
	uint16_t uart_port;
	uint8_t irq0_mode;
	uint8_t pad2;
	uint16_t ring_head;
	uint16_t ring_tail;
	uint32_t pad3;
	uint8_t ring[TRAMPOLINE_RING_SIZE];
	uint16_t rm_sp;
	uint16_t rm_entry;
	uint16_t rm_jump_offset;
	uint16_t rm_jump_segment;
	uint16_t rm_exit_offset;
	uint16_t rm_exit_segment;
	uint32_t pm_entry;
	uint16_t pm_entry_selector;
	uint16_t pad4;
} __packed;

build_assert(offsetof(struct trampoline_header, gdt) == 0x10);
build_assert(offsetof(struct trampoline_header, gdtr) == 0x50);
build_assert(offsetof(struct trampoline_header, pm_idtr) == 0x58);
build_assert(offsetof(struct trampoline_header, rm_idtr) == 0x60);
build_assert(offsetof(struct trampoline_header, pm_esp) == 0x68);
build_assert(offsetof(struct trampoline_header, pm32_ptr) == 0x6c);
build_assert(offsetof(struct trampoline_header, rm_cs) == 0x72);
build_assert(offsetof(struct trampoline_header, regs) == 0x74);
build_assert(offsetof(struct trampoline_header, target_offset) == 0x98);
build_assert(offsetof(struct trampoline_header, call_type) == 0x9c);
build_assert(offsetof(struct trampoline_header, args_len) == 0x9e);
build_assert(offsetof(struct trampoline_header, args) == 0xa0);
build_assert(offsetof(struct trampoline_header, old_irq0) == 0xe0);
build_assert(offsetof(struct trampoline_header, uart_port) == 0xe4);
build_assert(offsetof(struct trampoline_header, irq0_mode) == 0xe6);
build_assert(offsetof(struct trampoline_header, ring_head) == 0xe8);
build_assert(offsetof(struct trampoline_header, ring_tail) == 0xea);
build_assert(offsetof(struct trampoline_header, ring) == 0xf0);
build_assert(offsetof(struct trampoline_header, rm_sp) == 0x1f0);
build_assert(offsetof(struct trampoline_header, rm_entry) == 0x1f2);
build_assert(offsetof(struct trampoline_header, rm_jump_offset) == 0x1f4);
build_assert(offsetof(struct trampoline_header, rm_exit_offset) == 0x1f8);
build_assert(offsetof(struct trampoline_header, pm_entry) == 0x1fc);
build_assert(offsetof(struct trampoline_header, pm_entry_selector) == 0x200);

/* The frame rm_pm_entry builds (RM_FRAME_HANDLER in trampoline.asm) */
build_assert(offsetof(struct realmode_frame, ss) == 12);
build_assert(offsetof(struct realmode_frame, edi) == 18);
build_assert(offsetof(struct realmode_frame, handler) == 66);
build_assert(sizeof(struct realmode_frame) == 70);

/** The trampoline image carried in the body */
extern const uint8_t trampoline_image[];
extern const uint8_t trampoline_image_end[];

#endif /* ARCH_X86_TRAMPOLINE_H */
