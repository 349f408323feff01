/** @file
 *
 * libFuzzer target: the image parsers
 *
 * The first byte of each input chooses what the rest is fed to:
 *
 *   0  the DEFLATE decoder, into a buffer of 64 KiB
 *   1  the gzip decompressor (every member, CRC and length checked)
 *   2  the bzImage header parser
 *   3  the ELF parser, with the segments added to a placement and the
 *      placement checked
 *   4  the multiboot header search
 *   5  initrd= arguments (as a command line) and cpio headers (as a path)
 *
 * Every input is copied to a buffer of exactly its size, so that the
 * sanitizers see any read past the end.  Nothing may crash, leak past
 * its bounds or hang.
 *
 *     make bin/host/image-parse-fuzz && bin/host/image-parse-fuzz -runs=100000
 */

#include <stddef.h>
#include <stdint.h>
#include "arch/host/host.h"
#include "core/errors.h"
#include "core/inflate.h"
#include "core/malloc.h"
#include "core/shell.h"
#include "core/string.h"
#include "image/bzimage.h"
#include "image/cpio.h"
#include "image/elf.h"
#include "image/gzip.h"
#include "image/multiboot.h"
#include "image/placement.h"

/** Longest input used */
#define IMAGE_PARSE_FUZZ_MAX_LEN 65536
/** Output buffer for the DEFLATE decoder */
#define IMAGE_PARSE_FUZZ_OUT_LEN 65536

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * Set up Ferry once
 */
static void image_parse_fuzz_init(void)
{
	static int initialised;

	if (initialised)
		return;
	initialised = 1;
	host_memory_init();
	ferry_init();
	host_console.disabled = 1;
}

/**
 * Feed a stream to the DEFLATE decoder
 *
 * @v data		Stream
 * @v len		Length
 */
static void image_parse_fuzz_inflate(const uint8_t *data, size_t len)
{
	uint8_t *out = heap_alloc(IMAGE_PARSE_FUZZ_OUT_LEN);
	size_t used;
	size_t out_len;

	if (!out)
		return;
	inflate_buffer(data, len, &used, out, IMAGE_PARSE_FUZZ_OUT_LEN,
		       &out_len);
	heap_free(out);
}

/**
 * Feed a file to the gzip decompressor
 *
 * @v data		File
 * @v len		Length
 */
static void image_parse_fuzz_gzip(const uint8_t *data, size_t len)
{
	void *out;
	size_t out_len;

	if (gzip_decompress(data, len, &out, &out_len) == 0)
		imgmem_free(out);
}

/**
 * Feed an ELF file to the parser and a placement
 *
 * @v data		File
 * @v len		Length
 */
static void image_parse_fuzz_elf(const uint8_t *data, size_t len)
{
	struct placement *placement = heap_alloc(sizeof(*placement));
	struct elf_info info;

	if (!placement)
		return;
	placement_init(placement, 0x100000, 0x40000000, 0x10000, 0x9f000);
	if (elf_load(data, len, placement, &info) == 0)
		placement_check(placement);
	heap_free(placement);
}

/**
 * Feed a command line and a path to the initrd argument and cpio code
 *
 * @v text		Text (NUL-terminated by the caller)
 * @v len		Length
 */
static void image_parse_fuzz_names(const char *text, size_t len)
{
	char name[64];
	char header[4096];
	size_t header_len;
	unsigned int index;
	int rc;

	for (index = 0; index < 64; index++) {
		rc = bzimage_cmdline_initrd(text, index, name, sizeof(name));
		if (rc != 0 && !ERROR_IS(rc, E2BIG))
			break;
	}
	cpio_headers(text, 0644, len, header, sizeof(header), &header_len);
	bzimage_is_archive(text, len);
}

/**
 * Fuzz one input
 *
 * @v data		Input
 * @v size		Length
 * @ret rc		Always 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_info bzimage;
	uint8_t *copy;
	size_t len;
	size_t offset;

	image_parse_fuzz_init();
	if (size < 1)
		return 0;
	len = (size - 1);
	if (len > IMAGE_PARSE_FUZZ_MAX_LEN)
		len = IMAGE_PARSE_FUZZ_MAX_LEN;
	copy = heap_alloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, (data + 1), len);
	copy[len] = '\0';

	switch (data[0] % 6) {
	case 0:
		image_parse_fuzz_inflate(copy, len);
		break;
	case 1:
		image_parse_fuzz_gzip(copy, len);
		break;
	case 2:
		bzimage_parse(copy, len, &bzimage);
		break;
	case 3:
		image_parse_fuzz_elf(copy, len);
		break;
	case 4:
		multiboot_find_header(copy, len, &offset);
		break;
	default:
		image_parse_fuzz_names((const char *)copy,
				       strlen((char *)copy));
		break;
	}
	heap_free(copy);
	return 0;
}
