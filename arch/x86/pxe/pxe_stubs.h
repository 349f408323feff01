#ifndef ARCH_X86_PXE_PXE_STUBS_H
#define ARCH_X86_PXE_PXE_STUBS_H

/** @file
 *
 * Real-mode stubs for the PXE API and the prefixes, in base memory
 */

#include <stdint.h>
#include "core/compiler.h"
#include "arch/x86/realmode.h"

/** The stubs' header (arch/x86/pxe/pxe_stubs.asm) */
struct pxe_stubs_header {
	uint32_t magic;
	uint16_t image_len;
	uint16_t exit;
	uint16_t pxenv_entry;
	uint16_t ppxe_entry;
	uint16_t int1a_hook;
	uint16_t int15_hook;
	uint32_t pxenv_handler;
	uint32_t ppxe_handler;
	uint32_t e820_handler;
	uint16_t trampoline_offset;
	uint16_t trampoline_segment;
	uint32_t old_int1a;
	uint32_t old_int15;
	uint16_t pxenv;
	uint16_t ppxe;
	uint32_t reserved;
} __packed;

/** "FPXS" */
#define PXE_STUBS_MAGIC 0x53585046

/** Base-memory buffer that follows the stubs: three cached DHCP packets
 * (pxe_api.c), then a received frame (pxe_undi.c) */
#define PXE_STUBS_BUFFER_SIZE 6144

extern struct pxe_stubs_header *pxe_stubs_install(void);
extern void *pxe_stubs_buffer(void);
extern uint16_t pxe_stubs_segment(void);
extern void pxe_stubs_hook(int on);
extern int pxe_stubs_exit(uint16_t caller_ss, uint16_t caller_sp);
extern int basemem_claim(size_t len, void **block);
extern void basemem_release(void *block, size_t len);

#endif /* ARCH_X86_PXE_PXE_STUBS_H */
