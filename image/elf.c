/** @file
 *
 * ELF executables: loading their segments at their physical addresses
 *
 * Each PT_LOAD program header's file bytes go to its physical address
 * (p_paddr), followed by zeros up to its memory size.  The entry point
 * is translated from virtual to physical if it falls in a segment whose
 * two addresses differ (a kernel linked to run high but loaded low),
 * and must lie in a loaded segment.  Every header is read through
 * bounds-checked accessors: a damaged file fails with an error.
 *
 * As an image type, an ELF file is a 32-bit x86 executable entered in
 * flat 32-bit protected mode with paging off.  A 64-bit one is refused:
 * Ferry has no long-mode entry (image/multiboot.c does take 64-bit ELF
 * kernels, whose multiboot entry is 32-bit by definition).  Files with
 * a multiboot header are left to image/multiboot.c.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/string.h"
#include "image/elf.h"
#include "image/handoff.h"
#include "image/image.h"
#include "image/multiboot.h"
#include "image/placement.h"
#include "core/malloc.h"

/** Identification bytes */
#define ELF_MAGIC      "\177ELF"
#define ELF_EI_CLASS   4
#define ELF_EI_DATA    5
#define ELF_DATA_LSB   1
/** Object types */
#define ELF_ET_EXEC    2
/** Machines */
#define ELF_EM_386     3
#define ELF_EM_X86_64  62
/** Program header types */
#define ELF_PT_LOAD    1
/** Header sizes */
#define ELF32_EHDR_LEN 52
#define ELF64_EHDR_LEN 64
#define ELF32_PHDR_LEN 32
#define ELF64_PHDR_LEN 56
/** Where the area an ELF kernel loads into should start */
#define ELF_LOAD_NEAR  0x100000

#define ENOEXEC_NOT_ELF   ERROR_CODE(ERRCLASS_ENOEXEC, 1)
#define ENOEXEC_MULTIBOOT ERROR_CODE(ERRCLASS_ENOEXEC, 2)
#define EINVAL_HEADER     ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_HEADER, "ELF image's headers are damaged");
#define EIO_TRUNCATED ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TRUNCATED, "ELF image is truncated");
#define ENOTSUP_TYPE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_TYPE, "ELF image is not an x86 executable");
#define ENOTSUP_64BIT ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_64BIT,
	      "64-bit ELF images need a long-mode entry, which Ferry does "
	      "not provide");
#define ERANGE_ADDRESS ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_ADDRESS, "ELF image loads above 4 GiB");
#define EINVAL_ENTRY ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_ENTRY, "ELF entry point is not in a loaded segment");
#define EINVAL_EMPTY ERROR_CODE(ERRCLASS_EINVAL, 3)
ERROR_MESSAGE(EINVAL_EMPTY, "ELF image has nothing to load");

/** One program header, whichever the class */
struct elf_phdr {
	uint32_t type;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
};

/**
 * Read a little-endian number from a bounded buffer
 *
 * @v data		Buffer
 * @v len		Length of buffer
 * @v offset		Offset of the number
 * @v size		Size of the number (2, 4 or 8)
 * @v value		Value read
 * @ret rc		Return status code
 */
static int elf_read(const uint8_t *data, size_t len, uint64_t offset,
		    unsigned int size, uint64_t *value)
{
	unsigned int i;

	if (offset > len || size > (len - offset))
		return -EIO_TRUNCATED;
	*value = 0;
	for (i = size; i-- > 0;)
		*value = ((*value << 8) | data[offset + i]);
	return 0;
}

/**
 * Read a program header
 *
 * @v data		Image
 * @v len		Length of image
 * @v class		ELF class
 * @v offset		Offset of the program header
 * @v phdr		Program header
 * @ret rc		Return status code
 */
static int elf_read_phdr(const uint8_t *data, size_t len, unsigned int class,
			 uint64_t offset, struct elf_phdr *phdr)
{
	uint64_t type;
	int rc;

	if (class == ELF_CLASS_32) {
		if ((rc = elf_read(data, len, offset, 4, &type)) != 0 ||
		    (rc = elf_read(data, len, (offset + 4), 4,
				   &phdr->offset)) != 0 ||
		    (rc = elf_read(data, len, (offset + 8), 4, &phdr->vaddr)) !=
			    0 ||
		    (rc = elf_read(data, len, (offset + 12), 4,
				   &phdr->paddr)) != 0 ||
		    (rc = elf_read(data, len, (offset + 16), 4,
				   &phdr->filesz)) != 0 ||
		    (rc = elf_read(data, len, (offset + 20), 4,
				   &phdr->memsz)) != 0)
			return rc;
	} else {
		if ((rc = elf_read(data, len, offset, 4, &type)) != 0 ||
		    (rc = elf_read(data, len, (offset + 8), 8,
				   &phdr->offset)) != 0 ||
		    (rc = elf_read(data, len, (offset + 16), 8,
				   &phdr->vaddr)) != 0 ||
		    (rc = elf_read(data, len, (offset + 24), 8,
				   &phdr->paddr)) != 0 ||
		    (rc = elf_read(data, len, (offset + 32), 8,
				   &phdr->filesz)) != 0 ||
		    (rc = elf_read(data, len, (offset + 40), 8,
				   &phdr->memsz)) != 0)
			return rc;
	}
	phdr->type = type;
	return 0;
}

/**
 * Read an ELF executable's headers, and optionally add its segments to
 * a placement
 *
 * @v data		Image
 * @v len		Length of image
 * @v placement		Placement to add segments to, or NULL
 * @v info		What the headers say
 * @ret rc		Return status code (-ENOEXEC if it is not ELF)
 */
static int elf_walk(const void *data, size_t len, struct placement *placement,
		    struct elf_info *info)
{
	const uint8_t *bytes = data;
	struct elf_phdr phdr;
	uint64_t type;
	uint64_t machine;
	uint64_t entry;
	uint64_t phoff;
	uint64_t phentsize;
	uint64_t phnum;
	uint64_t end;
	unsigned int class;
	unsigned int i;
	int entry_found = 0;
	int rc;

	memset(info, 0, sizeof(*info));
	if (len < ELF32_EHDR_LEN || memcmp(bytes, ELF_MAGIC, 4) != 0)
		return -ENOEXEC_NOT_ELF;
	class = bytes[ELF_EI_CLASS];
	if ((class != ELF_CLASS_32 && class != ELF_CLASS_64) ||
	    bytes[ELF_EI_DATA] != ELF_DATA_LSB)
		return -ENOTSUP_TYPE;
	info->class = class;

	/* The file header */
	if ((rc = elf_read(bytes, len, 16, 2, &type)) != 0 ||
	    (rc = elf_read(bytes, len, 18, 2, &machine)) != 0)
		return rc;
	if (type != ELF_ET_EXEC ||
	    machine != ((class == ELF_CLASS_32) ? ELF_EM_386 : ELF_EM_X86_64))
		return -ENOTSUP_TYPE;
	if (class == ELF_CLASS_32) {
		if ((rc = elf_read(bytes, len, 24, 4, &entry)) != 0 ||
		    (rc = elf_read(bytes, len, 28, 4, &phoff)) != 0 ||
		    (rc = elf_read(bytes, len, 42, 2, &phentsize)) != 0 ||
		    (rc = elf_read(bytes, len, 44, 2, &phnum)) != 0)
			return rc;
		if (phentsize < ELF32_PHDR_LEN)
			return -EINVAL_HEADER;
	} else {
		if ((rc = elf_read(bytes, len, 24, 8, &entry)) != 0 ||
		    (rc = elf_read(bytes, len, 32, 8, &phoff)) != 0 ||
		    (rc = elf_read(bytes, len, 54, 2, &phentsize)) != 0 ||
		    (rc = elf_read(bytes, len, 56, 2, &phnum)) != 0)
			return rc;
		if (phentsize < ELF64_PHDR_LEN)
			return -EINVAL_HEADER;
	}
	if (!phnum || phnum > ELF_MAX_PHDRS)
		return -EINVAL_HEADER;
	if (phoff > len || (phnum * phentsize) > (len - phoff))
		return -EIO_TRUNCATED;

	/* The segments */
	info->low = UINT64_MAX;
	for (i = 0; i < phnum; i++) {
		rc = elf_read_phdr(bytes, len, class, (phoff + (i * phentsize)),
				   &phdr);
		if (rc != 0)
			return rc;
		if (phdr.type != ELF_PT_LOAD || !phdr.memsz)
			continue;
		if (phdr.filesz > phdr.memsz)
			return -EINVAL_HEADER;
		if (phdr.offset > len || phdr.filesz > (len - phdr.offset))
			return -EIO_TRUNCATED;
		end = (phdr.paddr + phdr.memsz);
		if (end < phdr.paddr || end > 0x100000000ULL)
			return -ERANGE_ADDRESS;
		info->low = min(info->low, phdr.paddr);
		info->high = max(info->high, end);
		info->segments++;
		if (!entry_found && entry >= phdr.vaddr &&
		    (entry - phdr.vaddr) < phdr.memsz) {
			info->entry = (phdr.paddr + (entry - phdr.vaddr));
			entry_found = 1;
		}
		if (placement) {
			rc = placement_add(placement, (bytes + phdr.offset),
					   phdr.filesz, phdr.paddr, phdr.memsz);
			if (rc != 0)
				return rc;
		}
	}
	if (!info->segments)
		return -EINVAL_EMPTY;
	if (!entry_found)
		return -EINVAL_ENTRY;
	return 0;
}

/**
 * Read and check an ELF executable's headers
 *
 * @v data		Image
 * @v len		Length of image
 * @v info		What the headers say
 * @ret rc		Return status code (-ENOEXEC if it is not ELF)
 */
int elf_parse(const void *data, size_t len, struct elf_info *info)
{
	return elf_walk(data, len, NULL, info);
}

/**
 * Add an ELF executable's segments to a placement
 *
 * @v data		Image
 * @v len		Length of image
 * @v placement		Placement
 * @v info		What the headers say
 * @ret rc		Return status code
 */
int elf_load(const void *data, size_t len, struct placement *placement,
	     struct elf_info *info)
{
	return elf_walk(data, len, placement, info);
}

/**
 * Check whether an image is an ELF executable to boot as such
 *
 * @v image		Image
 * @ret rc		0 if it is, -ENOEXEC if not, or why it cannot boot
 */
static int elf_probe(struct image *image)
{
	struct elf_info info;
	int rc;

	if (image->len < 4 || memcmp(image->data, ELF_MAGIC, 4) != 0)
		return -ENOEXEC_NOT_ELF;
	if (multiboot_find_header(image->data, image->len, NULL) == 0)
		return -ENOEXEC_MULTIBOOT;
	if ((rc = elf_parse(image->data, image->len, &info)) != 0)
		return rc;
	return 0;
}

/**
 * Boot an ELF executable
 *
 * @v image		Image
 * @ret rc		Return status code (only if it cannot boot)
 */
static int elf_exec(struct image *image)
{
	struct handoff_memory memory;
	struct placement *placement;
	struct elf_info info;
	int rc;

	if ((rc = elf_parse(image->data, image->len, &info)) != 0)
		return rc;
	if (info.class != ELF_CLASS_32)
		return -ENOTSUP_64BIT;
	if ((rc = handoff_memory(ELF_LOAD_NEAR, &memory)) != 0)
		return rc;
	placement = heap_zalloc(sizeof(*placement));
	if (!placement)
		return -ENOMEM;
	placement_init(placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	if ((rc = elf_load(image->data, image->len, placement, &info)) != 0)
		goto out;
	if ((rc = placement_check(placement)) != 0)
		goto out;
	handoff_flat32(placement, info.entry, 0, 0);
out:
	heap_free(placement);
	return rc;
}

/** ELF image type */
struct image_type elf_image_type __image_type(PROBE_NORMAL) = {
	.name = "ELF",
	.probe = elf_probe,
	.exec = elf_exec,
	.flags = IMAGE_TYPE_NOT_INITRD,
};
