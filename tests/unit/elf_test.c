/** @file
 *
 * Unit tests: ELF headers (image/elf.c) and the multiboot header search
 * (image/multiboot.c)
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "image/elf.h"
#include "image/multiboot.h"
#include "image/placement.h"

/** Size of the test ELF file */
#define ELF_TEST_LEN 0x400

/**
 * Write a little-endian number
 *
 * @v data		Buffer
 * @v offset		Offset
 * @v size		Size of the number (2, 4 or 8)
 * @v value		Value
 */
static void elf_test_put(uint8_t *data, size_t offset, unsigned int size,
			 uint64_t value)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		data[offset + i] = (value >> (8 * i));
}

/**
 * Make a 32-bit ELF executable with two PT_LOAD segments
 *
 * Text: 0x100 bytes from offset 0x100, virtual 0xc0100000, physical
 * 0x100000; data: 0x80 file bytes from 0x200, 0x1000 in memory at
 * 0x101000.  Entry 0xc0100010 (virtual).
 *
 * @v data		Buffer of ELF_TEST_LEN bytes
 */
static void elf_test_make32(uint8_t *data)
{
	memset(data, 0, ELF_TEST_LEN);
	memcpy(data, "\177ELF", 4);
	data[4] = 1; /* 32-bit */
	data[5] = 1; /* little-endian */
	data[6] = 1;
	elf_test_put(data, 16, 2, 2); /* ET_EXEC */
	elf_test_put(data, 18, 2, 3); /* EM_386 */
	elf_test_put(data, 20, 4, 1);
	elf_test_put(data, 24, 4, 0xc0100010);
	elf_test_put(data, 28, 4, 52); /* e_phoff */
	elf_test_put(data, 40, 2, 52);
	elf_test_put(data, 42, 2, 32); /* e_phentsize */
	elf_test_put(data, 44, 2, 2);  /* e_phnum */
	/* Text */
	elf_test_put(data, 52 + 0, 4, 1);
	elf_test_put(data, 52 + 4, 4, 0x100);
	elf_test_put(data, 52 + 8, 4, 0xc0100000);
	elf_test_put(data, 52 + 12, 4, 0x100000);
	elf_test_put(data, 52 + 16, 4, 0x100);
	elf_test_put(data, 52 + 20, 4, 0x100);
	/* Data and .bss */
	elf_test_put(data, 84 + 0, 4, 1);
	elf_test_put(data, 84 + 4, 4, 0x200);
	elf_test_put(data, 84 + 8, 4, 0xc0101000);
	elf_test_put(data, 84 + 12, 4, 0x101000);
	elf_test_put(data, 84 + 16, 4, 0x80);
	elf_test_put(data, 84 + 20, 4, 0x1000);
}

/** A good 32-bit executable: segments, entry translated to physical */
UNIT_TEST(elf_parse_good)
{
	uint8_t *data = heap_alloc(ELF_TEST_LEN);
	struct placement *placement = heap_alloc(sizeof(*placement));
	struct elf_info info;

	ok(data && placement);
	if (!data || !placement)
		goto out;
	elf_test_make32(data);
	ok(elf_parse(data, ELF_TEST_LEN, &info) == 0);
	ok(info.class == ELF_CLASS_32);
	ok(info.entry == 0x100010);
	ok(info.low == 0x100000);
	ok(info.high == 0x102000);
	ok(info.segments == 2);

	placement_init(placement, 0x100000, 0x1000000, 0x10000, 0x90000);
	ok(elf_load(data, ELF_TEST_LEN, placement, &info) == 0);
	ok(placement->count == 2);
	ok(placement->pieces[1].data == (data + 0x200));
	ok(placement->pieces[1].len == 0x80);
	ok(placement->pieces[1].dest == 0x101000);
	ok(placement->pieces[1].size == 0x1000);
out:
	heap_free(data);
	heap_free(placement);
}

/** Damaged and unsuitable files are refused */
UNIT_TEST(elf_parse_refused)
{
	uint8_t *data = heap_alloc(ELF_TEST_LEN);
	struct elf_info info;

	ok(data != NULL);
	if (!data)
		return;

	elf_test_make32(data);
	ok(ERROR_IS(elf_parse("not elf at all", 14, &info), ENOEXEC));
	ok(ERROR_IS(elf_parse(data, 40, &info), ENOEXEC));
	/* Program headers or segment data past the end */
	ok(ERROR_IS(elf_parse(data, 100, &info), EIO));
	ok(ERROR_IS(elf_parse(data, 0x250, &info), EIO));
	/* A shared object, another machine, big-endian */
	elf_test_put(data, 16, 2, 3);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), ENOTSUP));
	elf_test_make32(data);
	elf_test_put(data, 18, 2, 40);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), ENOTSUP));
	elf_test_make32(data);
	data[5] = 2;
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), ENOTSUP));
	/* File size above memory size; tiny program header entries */
	elf_test_make32(data);
	elf_test_put(data, 84 + 16, 4, 0x2000);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), EINVAL));
	elf_test_make32(data);
	elf_test_put(data, 42, 2, 16);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), EINVAL));
	/* Entry outside every segment; a segment crossing 4 GiB */
	elf_test_make32(data);
	elf_test_put(data, 24, 4, 0x12345678);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), EINVAL));
	elf_test_make32(data);
	elf_test_put(data, 84 + 12, 4, 0xfffff800);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), ERANGE));
	/* Nothing to load */
	elf_test_make32(data);
	elf_test_put(data, 52, 4, 0);
	elf_test_put(data, 84, 4, 0);
	ok(ERROR_IS(elf_parse(data, ELF_TEST_LEN, &info), EINVAL));
	heap_free(data);
}

/** The multiboot header: aligned, checksummed, in the first 8 KiB */
UNIT_TEST(multiboot_header_search)
{
	uint8_t *data = heap_zalloc(3 * MULTIBOOT_SEARCH_LEN);
	size_t offset = 0;

	ok(data != NULL);
	if (!data)
		return;
	ok(ERROR_IS(multiboot_find_header(data, (3 * MULTIBOOT_SEARCH_LEN),
					  &offset),
		    ENOEXEC));
	elf_test_put(data, 0x40, 4, MULTIBOOT_HEADER_MAGIC);
	elf_test_put(data, 0x44, 4, 0x00010003);
	elf_test_put(data, 0x48, 4, -(MULTIBOOT_HEADER_MAGIC + 0x00010003));
	ok(multiboot_find_header(data, (3 * MULTIBOOT_SEARCH_LEN), &offset) ==
	   0);
	ok(offset == 0x40);
	/* Cut off by the file's end */
	ok(ERROR_IS(multiboot_find_header(data, 0x4b, &offset), ENOEXEC));
	/* Bad checksum */
	data[0x48] ^= 1;
	ok(ERROR_IS(multiboot_find_header(data, (3 * MULTIBOOT_SEARCH_LEN),
					  &offset),
		    ENOEXEC));
	/* Unaligned, or beyond the first 8 KiB */
	memset(data, 0, (3 * MULTIBOOT_SEARCH_LEN));
	elf_test_put(data, 0x42, 4, MULTIBOOT_HEADER_MAGIC);
	elf_test_put(data, 0x46, 4, 0);
	elf_test_put(data, 0x4a, 4, -MULTIBOOT_HEADER_MAGIC);
	ok(ERROR_IS(multiboot_find_header(data, (3 * MULTIBOOT_SEARCH_LEN),
					  &offset),
		    ENOEXEC));
	memset(data, 0, (3 * MULTIBOOT_SEARCH_LEN));
	elf_test_put(data, MULTIBOOT_SEARCH_LEN, 4, MULTIBOOT_HEADER_MAGIC);
	elf_test_put(data, MULTIBOOT_SEARCH_LEN + 8, 4,
		     -MULTIBOOT_HEADER_MAGIC);
	ok(ERROR_IS(multiboot_find_header(data, (3 * MULTIBOOT_SEARCH_LEN),
					  &offset),
		    ENOEXEC));
	heap_free(data);
}
