#ifndef IMAGE_BZIMAGE_H
#define IMAGE_BZIMAGE_H

/** @file
 *
 * Linux bzImage kernels (the x86 boot protocol, 2.02 and later)
 *
 * The parts that are pure arithmetic (reading the setup header, laying
 * out the initrds, choosing where the real-mode part goes) are exposed
 * here so that unit tests can check them on the host.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"

struct image;
struct placement;

/** The setup header, at offset 0x1f1 of the kernel image */
struct bzimage_header {
	uint8_t setup_sects;            /* 0x1f1 */
	uint16_t root_flags;            /* 0x1f2 */
	uint32_t syssize;               /* 0x1f4 */
	uint16_t ram_size;              /* 0x1f8 */
	uint16_t vid_mode;              /* 0x1fa */
	uint16_t root_dev;              /* 0x1fc */
	uint16_t boot_flag;             /* 0x1fe */
	uint16_t jump;                  /* 0x200 */
	uint32_t header;                /* 0x202 */
	uint16_t version;               /* 0x206 */
	uint32_t realmode_swtch;        /* 0x208 */
	uint16_t start_sys_seg;         /* 0x20c */
	uint16_t kernel_version;        /* 0x20e */
	uint8_t type_of_loader;         /* 0x210 */
	uint8_t loadflags;              /* 0x211 */
	uint16_t setup_move_size;       /* 0x212 */
	uint32_t code32_start;          /* 0x214 */
	uint32_t ramdisk_image;         /* 0x218 */
	uint32_t ramdisk_size;          /* 0x21c */
	uint32_t bootsect_kludge;       /* 0x220 */
	uint16_t heap_end_ptr;          /* 0x224 */
	uint8_t ext_loader_ver;         /* 0x226 */
	uint8_t ext_loader_type;        /* 0x227 */
	uint32_t cmd_line_ptr;          /* 0x228 */
	uint32_t initrd_addr_max;       /* 0x22c */
	uint32_t kernel_alignment;      /* 0x230 */
	uint8_t relocatable_kernel;     /* 0x234 */
	uint8_t min_alignment;          /* 0x235 */
	uint16_t xloadflags;            /* 0x236 */
	uint32_t cmdline_size;          /* 0x238 */
	uint32_t hardware_subarch;      /* 0x23c */
	uint64_t hardware_subarch_data; /* 0x240 */
	uint32_t payload_offset;        /* 0x248 */
	uint32_t payload_length;        /* 0x24c */
	uint64_t setup_data;            /* 0x250 */
	uint64_t pref_address;          /* 0x258 */
	uint32_t init_size;             /* 0x260 */
	uint32_t handover_offset;       /* 0x264 */
} __packed;

/** Offset of the setup header in the image */
#define BZIMAGE_HEADER_OFFSET       0x1f1
/** Boot sector signature */
#define BZIMAGE_BOOT_FLAG           0xaa55
/** "HdrS" */
#define BZIMAGE_MAGIC               0x53726448
/** Sector size: setup_sects counts these */
#define BZIMAGE_SECTOR_SIZE         512
/** Setup sectors meant by setup_sects == 0 */
#define BZIMAGE_DEFAULT_SETUP_SECTS 4
/** Largest real-mode part (boot sector and setup code) */
#define BZIMAGE_SETUP_MAX           0x8000

/** loadflags: protected-mode part loaded at 1 MiB */
#define BZIMAGE_LOADED_HIGH      0x01
/** loadflags: heap_end_ptr is valid */
#define BZIMAGE_CAN_USE_HEAP     0x80
/** type_of_loader: a loader without an assigned number */
#define BZIMAGE_LOADER_UNDEFINED 0xff
/** vid_mode: "normal" (80x25 text) */
#define BZIMAGE_VID_MODE_NORMAL  0xffff

/** Oldest boot protocol supported (cmd_line_ptr) */
#define BZIMAGE_VERSION_MIN        0x0202
/** Protocol versions that added fields Ferry reads */
#define BZIMAGE_VERSION_INITRD_MAX 0x0203
#define BZIMAGE_VERSION_SYSSIZE    0x0204
#define BZIMAGE_VERSION_RELOCATE   0x0205
#define BZIMAGE_VERSION_CMDLINE    0x0206
#define BZIMAGE_VERSION_INIT_SIZE  0x020a

/** Highest initrd address for kernels that do not say */
#define BZIMAGE_INITRD_MAX_DEFAULT 0x37ffffffUL
/** Longest command line for kernels that do not say */
#define BZIMAGE_CMDLINE_DEFAULT    255
/** End of the setup code's heap and stack, from the start of the
 * real-mode part (the boot protocol's example layout)
 */
#define BZIMAGE_HEAP_END           0xe000
/** Alignment of the real-mode part in base memory */
#define BZIMAGE_SETUP_ALIGN        4096
/** Alignment of the initrd area and of the first initrd */
#define BZIMAGE_INITRD_ALIGN       4096
/** Alignment of each initrd after the first (as Linux unpacks them) */
#define BZIMAGE_INITRD_PACK_ALIGN  4
/** Most initrds passed */
#define BZIMAGE_MAX_INITRDS        16

/** What the setup header says, checked */
struct bzimage_info {
	/** Boot protocol version */
	uint16_t version;
	/** Bytes of real-mode part (boot sector and setup code) */
	size_t setup_len;
	/** Bytes of protected-mode part */
	size_t pm_len;
	/** Where the protected-mode part goes */
	uint32_t code32_start;
	/** Highest address any byte of the initrds may have */
	uint64_t initrd_addr_max;
	/** Longest command line, without its NUL */
	uint32_t cmdline_max;
	/** Lowest address the kernel uses while it unpacks itself */
	uint64_t reserve_start;
	/** End of the memory it uses while it unpacks itself */
	uint64_t reserve_end;
};

/** One initrd as the kernel receives it */
struct bzimage_initrd {
	/** Image */
	struct image *image;
	/** cpio headers that make it a file (heap), or NULL */
	void *cpio;
	/** Length of the cpio headers */
	size_t cpio_len;
	/** Offset of the headers (or data) from the start of the initrds */
	size_t offset;
};

extern int bzimage_parse(const void *data, size_t len,
			 struct bzimage_info *info);
extern size_t bzimage_initrd_layout(struct bzimage_initrd *initrds,
				    unsigned int count);
extern int bzimage_setup_base(uint32_t low_start, uint32_t low_end,
			      size_t cmdline_len, uint32_t *rm_base);
extern int bzimage_is_archive(const void *data, size_t len);
extern int bzimage_cmdline_initrd(const char *cmdline, unsigned int index,
				  char *name, size_t name_len);
extern int bzimage_initrds(struct image *kernel, struct bzimage_initrd *initrds,
			   unsigned int *count);
extern void bzimage_initrds_free(struct bzimage_initrd *initrds,
				 unsigned int count);

#endif /* IMAGE_BZIMAGE_H */
