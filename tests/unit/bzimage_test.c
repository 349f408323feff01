/** @file
 *
 * Unit tests: Linux bzImage header parsing, initrd selection and layout,
 * the real-mode part's place (image/bzimage.c) and cpio headers
 * (image/cpio.c)
 */

#include <stdint.h>
#include "tests/unit/unittest.h"
#include "core/compiler.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "image/bzimage.h"
#include "image/cpio.h"
#include "image/image.h"
#include "net/uri.h"

/** Setup sectors of the test kernel */
#define BZIMAGE_TEST_SETUP_SECTS 4
/** Protected-mode bytes of the test kernel */
#define BZIMAGE_TEST_PM_LEN      4096

/**
 * Make a kernel image with a modern header
 *
 * @v len		Length of image made
 * @ret data		Image (heap)
 */
static uint8_t *bzimage_test_kernel(size_t *len)
{
	struct bzimage_header *header;
	uint8_t *data;

	*len = (((BZIMAGE_TEST_SETUP_SECTS + 1) * 512) + BZIMAGE_TEST_PM_LEN);
	data = heap_zalloc(*len);
	if (!data)
		return NULL;
	header = (struct bzimage_header *)&data[BZIMAGE_HEADER_OFFSET];
	header->setup_sects = BZIMAGE_TEST_SETUP_SECTS;
	header->syssize = (BZIMAGE_TEST_PM_LEN / 16);
	header->boot_flag = 0xaa55;
	header->header = 0x53726448;
	header->version = 0x020f;
	header->loadflags = BZIMAGE_LOADED_HIGH;
	header->code32_start = 0x100000;
	header->initrd_addr_max = 0x7fffffff;
	header->kernel_alignment = 0x200000;
	header->relocatable_kernel = 1;
	header->cmdline_size = 2047;
	header->pref_address = 0x1000000;
	header->init_size = 0x3f98000;
	return data;
}

/**
 * The header of a test kernel
 *
 * @v data		Image
 * @ret header		Header
 */
static struct bzimage_header *bzimage_test_header(uint8_t *data)
{
	return (struct bzimage_header *)&data[BZIMAGE_HEADER_OFFSET];
}

/** A modern kernel's header, and where it unpacks itself */
UNIT_TEST(bzimage_parse_modern)
{
	struct bzimage_info info;
	size_t len;
	uint8_t *data = bzimage_test_kernel(&len);

	ok(data != NULL);
	if (!data)
		return;
	ok(bzimage_parse(data, len, &info) == 0);
	ok(info.version == 0x020f);
	ok(info.setup_len == (5 * 512));
	ok(info.pm_len == BZIMAGE_TEST_PM_LEN);
	ok(info.code32_start == 0x100000);
	ok(info.cmdline_max == 2047);
	ok(info.initrd_addr_max == 0x7fffffff);
	/* Relocatable, loaded at 1 MiB: unpacks from its preferred 16 MiB */
	ok(info.reserve_start == 0x100000);
	ok(info.reserve_end == (0x1000000 + 0x3f98000));

	/* Not relocatable: from its preferred address all the same */
	bzimage_test_header(data)->relocatable_kernel = 0;
	bzimage_test_header(data)->pref_address = 0x200000;
	ok(bzimage_parse(data, len, &info) == 0);
	ok(info.reserve_end == (0x200000 + 0x3f98000));

	/* Relocatable with an alignment above its preferred address */
	bzimage_test_header(data)->relocatable_kernel = 1;
	bzimage_test_header(data)->code32_start = 0x2100000;
	bzimage_test_header(data)->pref_address = 0x1000000;
	ok(bzimage_parse(data, (len + 0), &info) == 0);
	ok(info.reserve_start == 0x1000000 || info.reserve_start == 0x2100000);
	ok(info.reserve_end == (0x2200000 + 0x3f98000));
	heap_free(data);
}

/** Older protocols: defaults for the fields they lack */
UNIT_TEST(bzimage_parse_old)
{
	struct bzimage_info info;
	size_t len;
	uint8_t *data = bzimage_test_kernel(&len);

	ok(data != NULL);
	if (!data)
		return;
	bzimage_test_header(data)->version = 0x0202;
	ok(bzimage_parse(data, len, &info) == 0);
	ok(info.cmdline_max == 255);
	ok(info.initrd_addr_max == 0x37ffffff);
	ok(info.reserve_start == 0x100000);
	ok(info.reserve_end == (0x100000 + BZIMAGE_TEST_PM_LEN));
	/* setup_sects 0 means 4 */
	bzimage_test_header(data)->setup_sects = 0;
	ok(bzimage_parse(data, len, &info) == 0);
	ok(info.setup_len == (5 * 512));
	heap_free(data);
}

/** Everything a kernel is refused for */
UNIT_TEST(bzimage_parse_refused)
{
	struct bzimage_info info;
	size_t len;
	uint8_t *data = bzimage_test_kernel(&len);

	ok(data != NULL);
	if (!data)
		return;

	/* Not a kernel at all */
	ok(ERROR_IS(bzimage_parse("#!ipxe\necho hi\n", 15, &info), ENOEXEC));
	bzimage_test_header(data)->boot_flag = 0;
	ok(ERROR_IS(bzimage_parse(data, len, &info), ENOEXEC));
	bzimage_test_header(data)->boot_flag = 0xaa55;
	bzimage_test_header(data)->header = 0x53726449;
	ok(ERROR_IS(bzimage_parse(data, len, &info), ENOEXEC));
	bzimage_test_header(data)->header = 0x53726448;

	/* Too old, or a zImage */
	bzimage_test_header(data)->version = 0x0201;
	ok(ERROR_IS(bzimage_parse(data, len, &info), ENOTSUP));
	bzimage_test_header(data)->version = 0x020f;
	bzimage_test_header(data)->loadflags = 0;
	ok(ERROR_IS(bzimage_parse(data, len, &info), ENOTSUP));
	bzimage_test_header(data)->loadflags = BZIMAGE_LOADED_HIGH;

	/* Truncated: in the protected-mode part, and in the setup code */
	ok(bzimage_parse(data, (len - 15), &info) == 0);
	ok(ERROR_IS(bzimage_parse(data, (len - 16), &info), EIO));
	ok(ERROR_IS(bzimage_parse(data, (len / 2), &info), EIO));
	ok(ERROR_IS(bzimage_parse(data, (5 * 512), &info), EIO));
	ok(ERROR_IS(bzimage_parse(data, 0x300, &info), EIO));
	ok(ERROR_IS(bzimage_parse(data, 0x100, &info), ENOEXEC));

	/* A real-mode part too big to be real */
	bzimage_test_header(data)->setup_sects = 200;
	ok(ERROR_IS(bzimage_parse(data, len, &info), EINVAL));
	heap_free(data);
}

/** Initrd offsets: 4-byte boundaries, headers before data */
UNIT_TEST(bzimage_initrd_offsets)
{
	struct image images[3];
	struct bzimage_initrd initrds[3];
	size_t total;

	memset(images, 0, sizeof(images));
	memset(initrds, 0, sizeof(initrds));
	images[0].len = 5;
	images[1].len = 8;
	images[2].len = 3;
	initrds[0].image = &images[0];
	initrds[1].image = &images[1];
	initrds[1].cpio_len = 124;
	initrds[2].image = &images[2];
	total = bzimage_initrd_layout(initrds, 3);
	ok(initrds[0].offset == 0);
	ok(initrds[1].offset == 8);
	ok(initrds[2].offset == (8 + 124 + 8));
	ok(total == (8 + 124 + 8 + 3));
	ok(bzimage_initrd_layout(initrds, 0) == 0);
}

/** The real-mode part: as high as base memory allows, or an error */
UNIT_TEST(bzimage_setup_placement)
{
	uint32_t base = 0;

	ok(bzimage_setup_base(0x10000, 0x9c800, 100, &base) == 0);
	ok(base == 0x8e000);
	ok((base + BZIMAGE_HEAP_END + 100 + 1) <= 0x9c800);
	ok((base % BZIMAGE_SETUP_ALIGN) == 0);
	ok(bzimage_setup_base(0x10000, 0x20000, 2047, &base) == 0);
	ok(base == 0x11000);
	ok(ERROR_IS(bzimage_setup_base(0x10000, 0x1d000, 100, &base), ENOMEM));
	ok(ERROR_IS(bzimage_setup_base(0x10000, 0x1000, 100, &base), ENOMEM));
}

/** initrd= arguments on a command line */
UNIT_TEST(bzimage_cmdline_initrds)
{
	const char *cmdline = "console=ttyS0 initrd=a.img  xinitrd=c initrd= "
			      "quiet initrd=b";
	char name[8];

	ok(bzimage_cmdline_initrd(cmdline, 0, name, sizeof(name)) == 0);
	ok(strcmp(name, "a.img") == 0);
	ok(bzimage_cmdline_initrd(cmdline, 1, name, sizeof(name)) == 0);
	ok(strcmp(name, "b") == 0);
	ok(ERROR_IS(bzimage_cmdline_initrd(cmdline, 2, name, sizeof(name)),
		    ENOENT));
	ok(ERROR_IS(bzimage_cmdline_initrd("initrd=toolongname", 0, name,
					   sizeof(name)),
		    E2BIG));
	ok(ERROR_IS(bzimage_cmdline_initrd("", 0, name, sizeof(name)), ENOENT));
}

/** What counts as an archive Linux unpacks by itself */
UNIT_TEST(bzimage_archives)
{
	ok(bzimage_is_archive("070701000000", 12));
	ok(bzimage_is_archive("\x1f\x8b\x08", 3));
	ok(bzimage_is_archive("\x28\xb5\x2f\xfd", 4));
	ok(bzimage_is_archive("\xfd"
			      "7zXZ\0",
			      6));
	ok(!bzimage_is_archive("07070", 5));
	ok(!bzimage_is_archive("hello world", 11));
	ok(!bzimage_is_archive("", 0));
}

/**
 * Register an image fetched from a URI, as "initrd" does
 *
 * @v uri_text		URI
 * @v name		Name given with --name, or NULL
 * @v cmdline		Arguments, or NULL
 * @v data		Contents
 * @ret image		Registered image (the list holds the reference)
 */
static struct image *bzimage_test_image(const char *uri_text, const char *name,
					const char *cmdline, const char *data)
{
	struct uri *uri = uri_parse(uri_text);
	struct image *image = image_alloc(uri);

	uri_put(uri);
	if (!image)
		return NULL;
	if (name)
		image_set_name(image, name);
	image_set_cmdline(image, cmdline);
	image_set_data(image, data, strlen(data));
	image_register(image);
	image_put(image);
	return image;
}

/** Which images become initrds, in what order, and which become files */
UNIT_TEST(bzimage_initrd_choice)
{
	struct bzimage_initrd initrds[BZIMAGE_MAX_INITRDS];
	struct image *kernel;
	struct image *first;
	struct image *named;
	struct image *archive;
	struct image *path;
	struct image *script;
	struct image *broken;
	uint8_t *broken_data;
	size_t broken_len;
	unsigned int count = 0;
	struct image *image;
	struct image *tmp;

	kernel = bzimage_test_image("http://example.com/vmlinuz", NULL, NULL,
				    "not really a kernel");
	first = bzimage_test_image("tftp://10.0.2.2/initrd.img", NULL, NULL,
				   "070701 an archive");
	script = bzimage_test_image("http://example.com/boot.ipxe", NULL, NULL,
				    "#!ipxe\necho hi\n");
	named = bzimage_test_image("fw_cfg:opt/ferry/extra", "extra.cpio", NULL,
				   "extra!");
	archive = bzimage_test_image("http://example.com/x", "initrd", NULL,
				     "070701 an archive");
	path = bzimage_test_image("http://example.com/conf", NULL,
				  "/etc/ferry/x.conf mode=600", "conf");
	broken =
		bzimage_test_image("http://example.com/broken", NULL, NULL, "");
	ok(kernel && first && script && named && archive && path && broken);
	if (!(kernel && first && script && named && archive && path && broken))
		goto out;
	/* A truncated kernel is no initrd either */
	broken_data = bzimage_test_kernel(&broken_len);
	ok(broken_data != NULL);
	if (broken_data) {
		image_set_data(broken, broken_data, (broken_len / 2));
		heap_free(broken_data);
	}

	/* Without initrd= arguments: all but the kernels and the script */
	ok(bzimage_initrds(kernel, initrds, &count) == 0);
	ok(count == 4);
	ok(initrds[0].image == first && !initrds[0].cpio);
	ok(initrds[1].image == named && initrds[1].cpio &&
	   initrds[1].cpio_len == 124);
	ok(initrds[1].cpio &&
	   memcmp(((char *)initrds[1].cpio + 110), "extra.cpio", 11) == 0);
	/* Named, but already an archive: passed as it is */
	ok(initrds[2].image == archive && !initrds[2].cpio);
	/* A path and mode as arguments (iPXE): two directories, a file */
	ok(initrds[3].image == path && initrds[3].cpio);
	ok(initrds[3].cpio &&
	   memcmp(((char *)initrds[3].cpio + 14), "000041ED", 8) == 0);
	ok(initrds[3].cpio && initrds[3].cpio_len == (116 + 120 + 128));
	ok(initrds[3].cpio && memcmp(((char *)initrds[3].cpio + 116 + 120 + 14),
				     "00008180", 8) == 0);
	bzimage_initrds_free(initrds, count);

	/* initrd= arguments choose, in their order; unknown names ignored */
	image_set_cmdline(kernel, "initrd=initrd.magic initrd=conf "
				  "initrd=initrd.img quiet");
	ok(bzimage_initrds(kernel, initrds, &count) == 0);
	ok(count == 2);
	ok(initrds[0].image == path && initrds[1].image == first);
	bzimage_initrds_free(initrds, count);

	/* Named by initrd= only (not explicitly): a file if not an archive */
	image_set_cmdline(kernel, "initrd=vmlinuz-not initrd=extra.cpio");
	ok(bzimage_initrds(kernel, initrds, &count) == 0);
	ok(count == 1 && initrds[0].image == named && initrds[0].cpio);
	bzimage_initrds_free(initrds, count);

	/* Only unknown names: as if there were none */
	image_set_cmdline(kernel, "initrd=nothing");
	ok(bzimage_initrds(kernel, initrds, &count) == 0);
	ok(count == 4);
	bzimage_initrds_free(initrds, count);
out:
	list_for_each_entry_safe (image, tmp, &images, list)
		image_unregister(image);
}

/** cpio headers: fields, directories on the path, bad names */
UNIT_TEST(cpio_header_fields)
{
	char buf[512];
	size_t len;

	ok(cpio_headers("extra.cpio", 0644, 5, buf, sizeof(buf), &len) == 0);
	ok(len == 124);
	ok(memcmp(buf, "070701", 6) == 0);
	ok(memcmp(&buf[6 + 8], "000081A4", 8) == 0);        /* mode */
	ok(memcmp(&buf[6 + (4 * 8)], "00000001", 8) == 0);  /* nlink */
	ok(memcmp(&buf[6 + (6 * 8)], "00000005", 8) == 0);  /* filesize */
	ok(memcmp(&buf[6 + (11 * 8)], "0000000B", 8) == 0); /* namesize */
	ok(strcmp(&buf[110], "extra.cpio") == 0);
	ok(buf[121] == 0 && buf[122] == 0 && buf[123] == 0);

	/* Leading slashes go; directories come first */
	ok(cpio_headers("//a/bc/d", 0755, 0, NULL, 0, &len) == 0);
	ok(len == (112 + 116 + 120));
	ok(cpio_headers("/a/bc/d", 0755, 0, buf, sizeof(buf), &len) == 0);
	ok(strcmp(&buf[110], "a") == 0);
	ok(memcmp(&buf[6 + 8], "000041ED", 8) == 0);
	ok(strcmp(&buf[112 + 110], "a/bc") == 0);
	ok(strcmp(&buf[112 + 116 + 110], "a/bc/d") == 0);
	ok(memcmp(&buf[112 + 116 + 6 + 8], "000081ED", 8) == 0);

	/* Refused */
	ok(ERROR_IS(cpio_headers("", 0644, 1, NULL, 0, &len), EINVAL));
	ok(ERROR_IS(cpio_headers("/", 0644, 1, NULL, 0, &len), EINVAL));
	ok(ERROR_IS(cpio_headers("a//b", 0644, 1, NULL, 0, &len), EINVAL));
	ok(ERROR_IS(cpio_headers("a/../b", 0644, 1, NULL, 0, &len), EINVAL));
	ok(ERROR_IS(cpio_headers("a/.", 0644, 1, NULL, 0, &len), EINVAL));
	ok(ERROR_IS(cpio_headers("dir/", 0644, 1, NULL, 0, &len), EINVAL));
	ok(ERROR_IS(cpio_headers("x", 0644, 1, buf, 100, &len), ENOSPC));
}
