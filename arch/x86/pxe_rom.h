#ifndef ARCH_X86_PXE_ROM_H
#define ARCH_X86_PXE_ROM_H

/** @file
 *
 * Calling the PXE ROM that loaded Ferry (bin/ferry.kpxe, bin/ferry.pxe)
 */

#include <stddef.h>
#include <stdint.h>

extern int pxe_rom_find(void);
extern int pxe_rom_call(unsigned int opcode, void *params, size_t len);
extern int pxe_rom_boot_mac(uint8_t *mac);

#endif /* ARCH_X86_PXE_ROM_H */
