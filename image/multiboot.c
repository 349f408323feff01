/** @file
 *
 * Multiboot (version 1) kernels
 *
 * A multiboot kernel has a header (magic, flags, checksum) on a 4-byte
 * boundary in its first 8 KiB.  It is loaded either as the header's
 * address fields say (the "a.out kludge", flag bit 16) or, without them,
 * as an ELF executable (image/elf.c; 32- or 64-bit, since the multiboot
 * entry is 32-bit either way).  Every other registered image except
 * scripts is a module, in the order registered, each on a page boundary
 * after the kernel's highest address.  The boot information (memory
 * sizes and the BIOS memory map, the command lines, the module list and
 * the loader's name) goes to the top of free base memory, and the kernel
 * is entered in flat 32-bit protected mode with EAX = 0x2badb002 and EBX
 * pointing at it.
 *
 * Command lines are the image's URI followed by its arguments, as iPXE
 * and GRUB pass them (kernels skip the first word).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/string.h"
#include "image/elf.h"
#include "image/handoff.h"
#include "image/image.h"
#include "image/multiboot.h"
#include "image/placement.h"
#include "net/uri.h"

/** Where the area a multiboot kernel loads into should start */
#define MULTIBOOT_LOAD_NEAR    0x100000
/** Alignment of modules */
#define MULTIBOOT_MODULE_ALIGN 4096
/** Alignment of the boot information in base memory */
#define MULTIBOOT_INFO_ALIGN   16
/** Most modules */
#define MULTIBOOT_MAX_MODULES  32
/** Most memory map entries passed */
#define MULTIBOOT_MAX_MMAP     64
/** The loader's name */
#define MULTIBOOT_LOADER_NAME  "Ferry " VERSION

#define ENOEXEC_NOT_MULTIBOOT ERROR_CODE(ERRCLASS_ENOEXEC, 1)
#define ENOTSUP_FLAGS         ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_FLAGS,
	      "Multiboot kernel needs a feature Ferry does not offer (video "
	      "mode?)");
#define EINVAL_ADDRESSES ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_ADDRESSES,
	      "Multiboot header's load addresses are invalid");
#define EIO_TRUNCATED ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TRUNCATED, "Multiboot kernel image is truncated");
#define ENOEXEC_NOT_ELF ERROR_CODE(ERRCLASS_ENOEXEC, 2)
ERROR_MESSAGE(ENOEXEC_NOT_ELF,
	      "Multiboot kernel is neither ELF nor has load addresses");
#define E2BIG_MODULES ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_MODULES, "Too many multiboot modules");
#define ENOMEM_MODULES ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_MODULES, "Not enough memory for the multiboot modules");
#define ENOMEM_BASEMEM ERROR_CODE(ERRCLASS_ENOMEM, 2)
ERROR_MESSAGE(ENOMEM_BASEMEM,
	      "Not enough free base memory for the multiboot information");

/** The script image type (image/script.c) */
extern struct image_type script_image_type;

/** A module being passed */
struct multiboot_pending {
	/** Image */
	struct image *image;
	/** Command line (heap) */
	char *cmdline;
	/** Physical address */
	uint64_t dest;
};

/**
 * Round up
 *
 * @v value		Value
 * @v align		Alignment (a power of two)
 * @ret value		Rounded value
 */
static inline uint64_t multiboot_round_up(uint64_t value, uint64_t align)
{
	return ((value + align - 1) & ~(align - 1));
}

/**
 * Find the multiboot header
 *
 * @v data		Image
 * @v len		Length of image
 * @v offset		Offset of the header (may be NULL)
 * @ret rc		0 if found, -ENOEXEC if there is none
 */
int multiboot_find_header(const void *data, size_t len, size_t *offset)
{
	const uint8_t *bytes = data;
	struct multiboot_header header;
	size_t limit = min(len, (size_t)MULTIBOOT_SEARCH_LEN);
	size_t pos;

	for (pos = 0; (pos + 12) <= limit; pos += MULTIBOOT_HEADER_ALIGN) {
		memcpy(&header, &bytes[pos], 12);
		if (header.magic != MULTIBOOT_HEADER_MAGIC ||
		    (uint32_t)(header.magic + header.flags + header.checksum))
			continue;
		if (offset)
			*offset = pos;
		return 0;
	}
	return -ENOEXEC_NOT_MULTIBOOT;
}

/**
 * Add the kernel as its header's address fields say
 *
 * @v image		Image
 * @v header		Header
 * @v offset		Offset of the header in the image
 * @v placement		Placement
 * @v entry		Entry point
 * @v end		End of the kernel in memory
 * @ret rc		Return status code
 */
static int multiboot_load_kludge(struct image *image,
				 const struct multiboot_header *header,
				 size_t offset, struct placement *placement,
				 uint32_t *entry, uint64_t *end)
{
	uint64_t file_start;
	uint64_t load_len;
	uint64_t mem_len;

	if (header->load_addr > header->header_addr ||
	    (header->header_addr - header->load_addr) > offset)
		return -EINVAL_ADDRESSES;
	file_start = (offset - (header->header_addr - header->load_addr));
	if (header->load_end_addr) {
		if (header->load_end_addr < header->load_addr)
			return -EINVAL_ADDRESSES;
		load_len = (header->load_end_addr - header->load_addr);
		if (load_len > (image->len - file_start))
			return -EIO_TRUNCATED;
	} else {
		load_len = (image->len - file_start);
	}
	mem_len = load_len;
	if (header->bss_end_addr) {
		if (header->bss_end_addr < (header->load_addr + load_len))
			return -EINVAL_ADDRESSES;
		mem_len = (header->bss_end_addr - header->load_addr);
	}
	if (header->entry_addr < header->load_addr ||
	    (header->entry_addr - header->load_addr) >= mem_len)
		return -EINVAL_ADDRESSES;
	*entry = header->entry_addr;
	*end = (header->load_addr + mem_len);
	return placement_add(placement,
			     ((const uint8_t *)image->data + file_start),
			     load_len, header->load_addr, mem_len);
}

/**
 * Make the command line passed for an image: its URI, then its arguments
 *
 * @v image		Image
 * @ret cmdline		Command line (heap), or NULL on failure
 */
static char *multiboot_cmdline(struct image *image)
{
	char *uri = (image->uri ? uri_format(image->uri) : NULL);
	const char *first = (uri ? uri : image->name);
	size_t len;
	char *cmdline;

	len = (strlen(first) + 1 +
	       (image->cmdline ? (strlen(image->cmdline) + 1) : 0));
	cmdline = heap_alloc(len);
	if (cmdline) {
		strlcpy(cmdline, first, len);
		if (image->cmdline) {
			strlcat(cmdline, " ", len);
			strlcat(cmdline, image->cmdline, len);
		}
	}
	heap_free(uri);
	return cmdline;
}

/**
 * Convert a memory map type
 *
 * @v type		Type (MEMMAP_...)
 * @ret type		Multiboot type
 */
static uint32_t multiboot_mmap_type(unsigned int type)
{
	switch (type) {
	case MEMMAP_USABLE:
		return 1;
	case MEMMAP_ACPI:
		return 3;
	case MEMMAP_NVS:
		return 4;
	case MEMMAP_UNUSABLE:
		return 5;
	default:
		return 2;
	}
}

/**
 * Build the boot information block and add it to the placement
 *
 * @v kernel_cmdline	Kernel command line
 * @v modules		Modules
 * @v count		Number of modules
 * @v placement		Placement (its low region receives the block)
 * @v info_phys		Physical address of the block
 * @v block		The block (heap; the caller frees it)
 * @ret rc		Return status code
 */
static int multiboot_build_info(const char *kernel_cmdline,
				struct multiboot_pending *modules,
				unsigned int count, struct placement *placement,
				uint32_t *info_phys, uint8_t **block)
{
	struct memmap_region regions[MULTIBOOT_MAX_MMAP];
	struct multiboot_module *module;
	struct multiboot_mmap *mmap;
	struct multiboot_info *info;
	unsigned int region_count;
	size_t modules_offset;
	size_t mmap_offset;
	size_t strings_offset;
	size_t total;
	size_t pos;
	uint64_t base;
	uint64_t end;
	unsigned int i;

	region_count = platform_memmap(regions, ARRAY_SIZE(regions));
	if (region_count > ARRAY_SIZE(regions))
		region_count = ARRAY_SIZE(regions);

	/* Layout: info, modules, memory map, strings */
	modules_offset = sizeof(*info);
	mmap_offset = (modules_offset + (count * sizeof(*module)));
	strings_offset = (mmap_offset + (region_count * sizeof(*mmap)));
	total = (strings_offset + strlen(kernel_cmdline) + 1 +
		 sizeof(MULTIBOOT_LOADER_NAME));
	for (i = 0; i < count; i++)
		total += (strlen(modules[i].cmdline) + 1);

	/* At the top of free base memory */
	if (total > placement->low.end)
		return -ENOMEM_BASEMEM;
	base = ((placement->low.end - total) &
		~((uint64_t)MULTIBOOT_INFO_ALIGN - 1));
	if (base < placement->low.start)
		return -ENOMEM_BASEMEM;
	*block = heap_zalloc(total);
	if (!*block)
		return -ENOMEM;
	info = (struct multiboot_info *)*block;
	*info_phys = base;

	/* Memory: below 640 KiB, and contiguous from 1 MiB */
	info->flags = (MBI_FLAG_MEMORY | MBI_FLAG_CMDLINE | MBI_FLAG_MODULES |
		       MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
	for (i = 0; i < region_count; i++) {
		if (regions[i].type != MEMMAP_USABLE)
			continue;
		end = (regions[i].start + regions[i].length);
		if (regions[i].start == 0)
			info->mem_lower = (min(end, 0xa0000ULL) / 1024);
		if (regions[i].start <= 0x100000 && end > 0x100000) {
			info->mem_upper =
				(min((end - 0x100000), 0xffffffffULL) / 1024);
		}
	}

	/* Strings */
	pos = strings_offset;
	info->cmdline = (base + pos);
	memcpy(&(*block)[pos], kernel_cmdline, (strlen(kernel_cmdline) + 1));
	pos += (strlen(kernel_cmdline) + 1);
	info->boot_loader_name = (base + pos);
	memcpy(&(*block)[pos], MULTIBOOT_LOADER_NAME,
	       sizeof(MULTIBOOT_LOADER_NAME));
	pos += sizeof(MULTIBOOT_LOADER_NAME);

	/* Modules */
	info->mods_count = count;
	info->mods_addr = (base + modules_offset);
	module = (struct multiboot_module *)&(*block)[modules_offset];
	for (i = 0; i < count; i++, module++) {
		module->mod_start = modules[i].dest;
		module->mod_end = (modules[i].dest + modules[i].image->len);
		module->string = (base + pos);
		memcpy(&(*block)[pos], modules[i].cmdline,
		       (strlen(modules[i].cmdline) + 1));
		pos += (strlen(modules[i].cmdline) + 1);
	}

	/* The BIOS memory map */
	info->mmap_length = (region_count * sizeof(*mmap));
	info->mmap_addr = (base + mmap_offset);
	mmap = (struct multiboot_mmap *)&(*block)[mmap_offset];
	for (i = 0; i < region_count; i++, mmap++) {
		mmap->size = (sizeof(*mmap) - sizeof(mmap->size));
		mmap->base_addr = regions[i].start;
		mmap->length = regions[i].length;
		mmap->type = multiboot_mmap_type(regions[i].type);
	}

	return placement_add(placement, *block, total, base, total);
}

/**
 * Check whether an image is a multiboot kernel
 *
 * @v image		Image
 * @ret rc		0 if it is, -ENOEXEC if not
 */
static int multiboot_probe(struct image *image)
{
	return multiboot_find_header(image->data, image->len, NULL);
}

/**
 * Boot a multiboot kernel
 *
 * @v image		Image
 * @ret rc		Return status code (only if it cannot boot)
 */
static int multiboot_exec(struct image *image)
{
	struct multiboot_pending modules[MULTIBOOT_MAX_MODULES];
	struct multiboot_header header;
	struct handoff_memory memory;
	struct placement *placement;
	struct elf_info elf;
	struct image *other;
	uint8_t *block = NULL;
	char *cmdline = NULL;
	uint64_t next;
	uint64_t end;
	uint32_t entry;
	uint32_t info_phys;
	unsigned int count = 0;
	unsigned int i;
	size_t offset;
	int rc;

	memset(modules, 0, sizeof(modules));
	placement = heap_zalloc(sizeof(*placement));
	if (!placement) {
		rc = -ENOMEM;
		goto out;
	}

	/* The header */
	if ((rc = multiboot_find_header(image->data, image->len, &offset)) != 0)
		goto out;
	memset(&header, 0, sizeof(header));
	memcpy(&header, ((const uint8_t *)image->data + offset),
	       min(sizeof(header), (image->len - offset)));
	if (header.flags & MULTIBOOT_FLAGS_REQUIRED &
	    ~MULTIBOOT_FLAGS_SUPPORTED) {
		rc = -ENOTSUP_FLAGS;
		goto out;
	}
	if ((rc = handoff_memory(MULTIBOOT_LOAD_NEAR, &memory)) != 0)
		goto out;
	placement_init(placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);

	/* The kernel */
	if (header.flags & MULTIBOOT_FLAG_AOUT_KLUDGE) {
		if ((image->len - offset) < sizeof(header)) {
			rc = -EIO_TRUNCATED;
			goto out;
		}
		rc = multiboot_load_kludge(image, &header, offset, placement,
					   &entry, &end);
		if (rc != 0)
			goto out;
	} else {
		rc = elf_load(image->data, image->len, placement, &elf);
		if (ERROR_IS(rc, ENOEXEC))
			rc = -ENOEXEC_NOT_ELF;
		if (rc != 0)
			goto out;
		entry = elf.entry;
		end = elf.high;
	}
	cmdline = multiboot_cmdline(image);
	if (!cmdline) {
		rc = -ENOMEM;
		goto out;
	}

	/* The modules, one after another above the kernel */
	next = multiboot_round_up(end, MULTIBOOT_MODULE_ALIGN);
	for_each_image (other) {
		if (other == image || (image_probe(other) == 0 &&
				       other->type == &script_image_type))
			continue;
		if (count >= MULTIBOOT_MAX_MODULES) {
			rc = -E2BIG_MODULES;
			goto out;
		}
		modules[count].image = other;
		modules[count].dest = next;
		modules[count].cmdline = multiboot_cmdline(other);
		if (!modules[count].cmdline) {
			rc = -ENOMEM;
			goto out;
		}
		if (next > memory.area_end ||
		    other->len > (memory.area_end - next)) {
			count++;
			rc = -ENOMEM_MODULES;
			goto out;
		}
		rc = placement_add(placement, other->data, other->len, next,
				   other->len);
		count++;
		if (rc != 0)
			goto out;
		next = multiboot_round_up((next + other->len),
					  MULTIBOOT_MODULE_ALIGN);
	}

	/* The boot information, then the last check */
	rc = multiboot_build_info(cmdline, modules, count, placement,
				  &info_phys, &block);
	if (rc != 0)
		goto out;
	if ((rc = placement_check(placement)) != 0)
		goto out;
	handoff_flat32(placement, entry, MULTIBOOT_BOOTLOADER_MAGIC, info_phys);

out:
	heap_free(block);
	for (i = 0; i < count; i++)
		heap_free(modules[i].cmdline);
	heap_free(cmdline);
	heap_free(placement);
	return rc;
}

/** Multiboot image type */
struct image_type multiboot_image_type __image_type(PROBE_NORMAL) = {
	.name = "multiboot",
	.probe = multiboot_probe,
	.exec = multiboot_exec,
	.flags = IMAGE_TYPE_NOT_INITRD,
};
