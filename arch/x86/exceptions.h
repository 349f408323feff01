#ifndef ARCH_X86_EXCEPTIONS_H
#define ARCH_X86_EXCEPTIONS_H

/** @file
 *
 * CPU exceptions in protected mode
 */

#include <stdint.h>
#include "core/compiler.h"

/** What the exception stubs save (arch/x86/exception_entry.asm) */
struct exception_frame {
	/* PUSHAD */
	uint32_t edi;
	uint32_t esi;
	uint32_t ebp;
	uint32_t esp;
	uint32_t ebx;
	uint32_t edx;
	uint32_t ecx;
	uint32_t eax;
	/* Pushed by the stub */
	uint32_t vector;
	uint32_t error_code;
	/* Pushed by the CPU */
	uint32_t eip;
	uint32_t cs;
	uint32_t eflags;
} __packed;

extern void exceptions_init(void);
extern void __noreturn exception_report(const struct exception_frame *frame);

#endif /* ARCH_X86_EXCEPTIONS_H */
