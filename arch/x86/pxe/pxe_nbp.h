#ifndef ARCH_X86_PXE_PXE_NBP_H
#define ARCH_X86_PXE_PXE_NBP_H

/** @file
 *
 * Network boot programs (PXE NBPs): what the PXE API needs of them
 */

#include <stdint.h>
#include "arch/x86/e820.h"
#include "arch/x86/realmode.h"

/** Most ranges hidden from an NBP's memory map */
#define PXE_MEMMAP_HIDDEN_MAX 20

extern uint32_t pxe_nbp_base_memory_end(void);

extern void pxe_api_start(void);
extern int pxe_api_stop(void);
extern void pxe_api_pxenv_entry(struct realmode_frame *frame);
extern void pxe_api_ppxe_entry(struct realmode_frame *frame);

extern void pxe_memmap_build(const struct memory_range *hidden,
			     unsigned int hidden_count);
extern void pxe_memmap_int15(struct realmode_frame *frame);
extern int pxe_memmap_usable(uint64_t start, uint64_t len);

#endif /* ARCH_X86_PXE_PXE_NBP_H */
