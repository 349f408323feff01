#ifndef ARCH_X86_FW_CFG_H
#define ARCH_X86_FW_CFG_H

/** @file
 *
 * QEMU's firmware configuration interface (fw_cfg)
 */

#include <stddef.h>
#include <stdint.h>

/** Legacy item: QEMU runs with -nographic (16-bit, non-zero if so) */
#define FW_CFG_NOGRAPHIC 0x0004

extern int fw_cfg_read_item(uint16_t key, void *data, size_t len);
extern int fw_cfg_read_file(const char *name, void *data, size_t len,
			    size_t *size);

#endif /* ARCH_X86_FW_CFG_H */
