/** @file
 *
 * CPU exceptions in protected mode
 *
 * Ferry runs with interrupts disabled in protected mode, so the IDT only
 * needs the 32 exception vectors.  Every handler reports the exception,
 * its error code, where it happened and the registers on every console,
 * then stops the CPU: a fault is never silent and never a triple fault.
 */

#include <stdint.h>
#include "core/printf.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/pcbios.h"
#include "arch/x86/trampoline.h"

/** Number of exception vectors */
#define EXCEPTION_VECTORS 32

/** 32-bit interrupt gate, present, ring 0 */
#define IDT_INTERRUPT_GATE 0x8e

/** An IDT entry */
struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type;
	uint16_t offset_high;
} __packed;

/** An IDT register image */
struct idt_register {
	uint16_t limit;
	uint32_t base;
} __packed;

/** Addresses of the stubs (arch/x86/exception_entry.asm) */
extern uint32_t exception_stubs[EXCEPTION_VECTORS];

/** The IDT */
static struct idt_entry idt[EXCEPTION_VECTORS] __attribute__((aligned(8)));

/** An exception is being reported (a second one just stops) */
static int exception_reporting;

/** Names of the exceptions */
static const char *const exception_names[EXCEPTION_VECTORS] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "NMI",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack fault",
	[13] = "general protection",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point error",
};

/**
 * Build the IDT and load it
 *
 * Called at start-up and again after the body moves (the stubs' addresses
 * change; the trampoline picks up the new IDT itself at its next call).
 */
void exceptions_init(void)
{
	struct idt_register idtr;
	unsigned int vector;
	uint32_t stub;

	for (vector = 0; vector < EXCEPTION_VECTORS; vector++) {
		stub = exception_stubs[vector];
		idt[vector].offset_low = (stub & 0xffff);
		idt[vector].selector = SEL_CODE32;
		idt[vector].zero = 0;
		idt[vector].type = IDT_INTERRUPT_GATE;
		idt[vector].offset_high = (stub >> 16);
	}
	idtr.limit = (sizeof(idt) - 1);
	idtr.base = (uint32_t)idt;
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

/**
 * Report an exception and stop
 *
 * @v frame		What the stub saved
 */
void exception_report(const struct exception_frame *frame)
{
	const char *name = NULL;

	if (exception_reporting++)
		goto halt;
	if (frame->vector < EXCEPTION_VECTORS)
		name = exception_names[frame->vector];
	printf("\n\033[0m*** CPU exception %u (%s), error code %#x\n",
	       frame->vector, (name ? name : "reserved"), frame->error_code);
	printf("    at %04x:%08x (Ferry body %#x+%#x), eflags %08x\n",
	       frame->cs, frame->eip, (uint32_t)_text,
	       (frame->eip - (uint32_t)_text), frame->eflags);
	printf("    eax %08x ebx %08x ecx %08x edx %08x\n", frame->eax,
	       frame->ebx, frame->ecx, frame->edx);
	printf("    esi %08x edi %08x ebp %08x esp %08x\n", frame->esi,
	       frame->edi, frame->ebp, (frame->esp + 20));
	printf("*** Ferry has stopped.  Reset or power off the machine.\n");
halt:
	for (;;)
		__asm__ __volatile__("cli; hlt");
}
