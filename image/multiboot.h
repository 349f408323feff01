#ifndef IMAGE_MULTIBOOT_H
#define IMAGE_MULTIBOOT_H

/** @file
 *
 * Multiboot (version 1) kernels
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"

/** Header magic, in the kernel */
#define MULTIBOOT_HEADER_MAGIC     0x1badb002
/** Value in EAX at the kernel's entry */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
/** The header lies within this many bytes of the start */
#define MULTIBOOT_SEARCH_LEN       8192
/** Alignment of the header */
#define MULTIBOOT_HEADER_ALIGN     4

/** Header flags: modules page aligned */
#define MULTIBOOT_FLAG_PAGE_ALIGN  0x00000001
/** Header flags: memory information wanted */
#define MULTIBOOT_FLAG_MEMORY_INFO 0x00000002
/** Header flags: video mode information wanted */
#define MULTIBOOT_FLAG_VIDEO_MODE  0x00000004
/** Header flags: the address fields are valid (the "a.out kludge") */
#define MULTIBOOT_FLAG_AOUT_KLUDGE 0x00010000
/** Header flags a loader must understand (bits 0-15) */
#define MULTIBOOT_FLAGS_REQUIRED   0x0000ffff
/** Required flags Ferry honours */
#define MULTIBOOT_FLAGS_SUPPORTED \
	(MULTIBOOT_FLAG_PAGE_ALIGN | MULTIBOOT_FLAG_MEMORY_INFO)

/** The multiboot header */
struct multiboot_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum;
	uint32_t header_addr;
	uint32_t load_addr;
	uint32_t load_end_addr;
	uint32_t bss_end_addr;
	uint32_t entry_addr;
} __packed;

/** Boot information flags */
#define MBI_FLAG_MEMORY      0x00000001
#define MBI_FLAG_CMDLINE     0x00000004
#define MBI_FLAG_MODULES     0x00000008
#define MBI_FLAG_MMAP        0x00000040
#define MBI_FLAG_LOADER_NAME 0x00000200

/** The boot information given to the kernel */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
} __packed;

/** A module, as listed to the kernel */
struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
} __packed;

/** A memory map entry, as listed to the kernel */
struct multiboot_mmap {
	/** Size of the rest of the entry (20) */
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __packed;

extern int multiboot_find_header(const void *data, size_t len, size_t *offset);

#endif /* IMAGE_MULTIBOOT_H */
