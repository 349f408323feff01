#ifndef ARCH_X86_PCBIOS_H
#define ARCH_X86_PCBIOS_H

/** @file
 *
 * The pcbios platform: start-up and the body's layout
 */

#include <stdint.h>
#include "core/compiler.h"

/** Linker symbols: the body's extent (see arch/x86/pcbios.ld) */
extern char _text[];
extern char _edata[];
extern char _bss[];
extern char _stack_top[];
extern char _end[];

/** Offsets of setup header fields in the block the body is entered with */
#define SETUP_RAMDISK_IMAGE 0x218
#define SETUP_RAMDISK_SIZE  0x21c
#define SETUP_CMD_LINE_PTR  0x228

/** The relocation table appended to the body (util/relocs.py) */
struct reloc_table {
	/** RELOC_TABLE_MAGIC */
	uint32_t magic;
	/** Number of relocations */
	uint32_t count;
	/** Bytes of LEB128 data following */
	uint32_t length;
} __packed;

/** "FRLC" */
#define RELOC_TABLE_MAGIC 0x434c5246

/** Longest command line kept from the loader, with its NUL */
#define PCBIOS_CMDLINE_MAX 2048

/** Size of the heap */
#define PCBIOS_HEAP_SIZE (8 * 1024 * 1024)

/** Where things are, decided before the body moves */
struct pcbios_layout {
	/** Heap start, as an offset from _text */
	uint32_t heap_offset;
	/** Heap length */
	uint32_t heap_len;
	/** Start of the initrd the loader passed, or 0 */
	uint32_t initrd_start;
	/** Length of that initrd */
	uint32_t initrd_len;
};

extern struct pcbios_layout pcbios_layout;
extern const void *pcbios_boot_params;

extern void __noreturn pcbios_start(const void *boot_params,
				    const struct reloc_table *table);
extern void __noreturn pcbios_continue(void);
extern void __noreturn pcbios_fatal(const char *what, int rc);
extern const char *pcbios_cmdline(void);

#endif /* ARCH_X86_PCBIOS_H */
