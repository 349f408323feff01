/** @file
 *
 * Linux bzImage kernels (the x86 boot protocol, 2.02 and later)
 *
 * A bzImage is a real-mode part (a boot sector whose tail holds the
 * setup header, then the setup code) followed by the protected-mode
 * part.  Booting one means:
 *
 *  - the real-mode part goes to base memory, at a 4 KiB boundary below
 *    what Ferry keeps there, followed by the setup code's heap and stack
 *    (up to BZIMAGE_HEAP_END) and the command line;
 *  - the protected-mode part goes to code32_start (1 MiB);
 *  - the initrds go together, in order, each on a 4-byte boundary after
 *    the previous one, as high as initrd_addr_max, usable RAM and Ferry
 *    allow, and above the memory the kernel uses while it unpacks itself
 *    (init_size from its run-time address);
 *  - the header fields a loader fills in are set in the copy of the
 *    real-mode part, and the setup code is entered in real mode.
 *
 * The initrds are every other registered image that is not a script or
 * a kernel, in the order they were registered; if the command line has
 * initrd=NAME arguments that name images, those images instead, in that
 * order (names that match nothing, such as "initrd.magic", are ignored;
 * the arguments stay on the command line).  An initrd given a command
 * line ("initrd URI /etc/x.conf mode=600", as in iPXE) becomes the file
 * it names inside the initramfs; so does one given a name of its own
 * ("initrd --name extra.cpio URI") or named by an initrd= argument,
 * unless its contents already are an archive Linux unpacks (cpio or
 * compressed), which is passed as it is.
 *
 * Everything is checked before anything is written; the platform's
 * hand-off (image/handoff.h) then does the moves and the jump.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/string.h"
#include "image/bzimage.h"
#include "image/cpio.h"
#include "image/handoff.h"
#include "image/image.h"
#include "image/placement.h"
#include "net/uri.h"

/** Where a bzImage's protected-mode part is loaded */
#define BZIMAGE_LOAD_HIGH 0x100000

#define ENOEXEC_NOT_BZIMAGE ERROR_CODE(ERRCLASS_ENOEXEC, 1)
#define ENOTSUP_VERSION     ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_VERSION,
	      "Linux kernel too old (boot protocol 2.02 or later needed)");
#define ENOTSUP_ZIMAGE ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_ZIMAGE,
	      "Linux zImage (not loaded high) kernels are not supported");
#define EIO_TRUNCATED ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TRUNCATED, "Linux kernel image is truncated");
#define EINVAL_SETUP ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_SETUP, "Linux kernel's setup header is invalid");
#define E2BIG_CMDLINE ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_CMDLINE, "Command line too long for this kernel");
#define E2BIG_INITRDS ERROR_CODE(ERRCLASS_E2BIG, 2)
ERROR_MESSAGE(E2BIG_INITRDS, "Too many initrds");
#define ENOMEM_KERNEL ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_KERNEL, "Not enough memory to load and unpack the kernel");
#define ENOMEM_INITRD ERROR_CODE(ERRCLASS_ENOMEM, 2)
ERROR_MESSAGE(ENOMEM_INITRD,
	      "Not enough memory for the initrds where the kernel can reach "
	      "them");
#define ENOMEM_BASEMEM ERROR_CODE(ERRCLASS_ENOMEM, 3)
ERROR_MESSAGE(ENOMEM_BASEMEM,
	      "Not enough free base memory for the kernel's setup code");
#define ENOENT_INITRD ERROR_CODE(ERRCLASS_ENOENT, 1)

/** Prefix of an argument naming an initrd */
#define BZIMAGE_INITRD_ARG "initrd="
/** Prefix of an initrd argument giving the file's permissions */
#define BZIMAGE_MODE_ARG   "mode="

/**
 * Round up
 *
 * @v value		Value
 * @v align		Alignment (a power of two)
 * @ret value		Rounded value
 */
static inline uint64_t bzimage_round_up(uint64_t value, uint64_t align)
{
	return ((value + align - 1) & ~(align - 1));
}

/**
 * Read and check a kernel's setup header
 *
 * @v data		Kernel image
 * @v len		Length
 * @v info		What the header says
 * @ret rc		Return status code (-ENOEXEC if it is not a Linux
 *			kernel at all)
 */
int bzimage_parse(const void *data, size_t len, struct bzimage_info *info)
{
	const uint8_t *bytes = data;
	struct bzimage_header header;
	unsigned int setup_sects;
	uint64_t load_end;
	uint64_t run_start;

	memset(info, 0, sizeof(*info));
	if (len < (BZIMAGE_HEADER_OFFSET + sizeof(header)))
		return -ENOEXEC_NOT_BZIMAGE;
	memcpy(&header, &bytes[BZIMAGE_HEADER_OFFSET], sizeof(header));
	if (header.boot_flag != BZIMAGE_BOOT_FLAG ||
	    header.header != BZIMAGE_MAGIC)
		return -ENOEXEC_NOT_BZIMAGE;

	info->version = header.version;
	if (header.version < BZIMAGE_VERSION_MIN)
		return -ENOTSUP_VERSION;
	if (!(header.loadflags & BZIMAGE_LOADED_HIGH))
		return -ENOTSUP_ZIMAGE;

	/* Real-mode part, then the protected-mode part */
	setup_sects = (header.setup_sects ? header.setup_sects
					  : BZIMAGE_DEFAULT_SETUP_SECTS);
	info->setup_len = ((setup_sects + 1) * BZIMAGE_SECTOR_SIZE);
	if (info->setup_len > BZIMAGE_SETUP_MAX)
		return -EINVAL_SETUP;
	if (info->setup_len >= len)
		return -EIO_TRUNCATED;
	info->pm_len = (len - info->setup_len);
	if (header.version >= BZIMAGE_VERSION_SYSSIZE &&
	    ((uint64_t)info->pm_len + 15) < ((uint64_t)header.syssize * 16))
		return -EIO_TRUNCATED;

	info->code32_start = header.code32_start;
	if (!info->code32_start)
		info->code32_start = BZIMAGE_LOAD_HIGH;
	info->initrd_addr_max = BZIMAGE_INITRD_MAX_DEFAULT;
	if (header.version >= BZIMAGE_VERSION_INITRD_MAX)
		info->initrd_addr_max = header.initrd_addr_max;
	info->cmdline_max = BZIMAGE_CMDLINE_DEFAULT;
	if (header.version >= BZIMAGE_VERSION_CMDLINE)
		info->cmdline_max = header.cmdline_size;

	/* The memory the kernel occupies before it can read the memory
	 * map: where it is loaded, and from where it unpacks itself
	 * (its preferred address, or the load address rounded up to its
	 * alignment if it is relocatable and that is higher) for
	 * init_size bytes.  Older kernels do not say; only the loaded
	 * part is known then.
	 */
	load_end = ((uint64_t)info->code32_start + info->pm_len);
	info->reserve_start = info->code32_start;
	info->reserve_end = load_end;
	if (header.version >= BZIMAGE_VERSION_INIT_SIZE && header.init_size) {
		run_start = header.pref_address;
		if (header.relocatable_kernel && header.kernel_alignment &&
		    !(header.kernel_alignment &
		      (header.kernel_alignment - 1))) {
			run_start =
				max(run_start,
				    bzimage_round_up(info->code32_start,
						     header.kernel_alignment));
		}
		if (!run_start)
			run_start = info->code32_start;
		info->reserve_start = min(info->reserve_start, run_start);
		info->reserve_end =
			max(load_end, (run_start + header.init_size));
	}
	return 0;
}

/**
 * Check whether data is already something Linux unpacks into its
 * initramfs: a cpio archive, or a compressed stream
 *
 * @v data		Data
 * @v len		Length
 * @ret archive		Non-zero if it is
 */
int bzimage_is_archive(const void *data, size_t len)
{
	static const struct {
		uint8_t len;
		uint8_t bytes[6];
	} magics[] = {
		{ 6, { '0', '7', '0', '7', '0', '1' } },   /* cpio newc */
		{ 6, { '0', '7', '0', '7', '0', '2' } },   /* cpio crc */
		{ 2, { 0x1f, 0x8b } },                     /* gzip */
		{ 2, { 0x1f, 0x9e } },                     /* old gzip */
		{ 3, { 'B', 'Z', 'h' } },                  /* bzip2 */
		{ 3, { 0x5d, 0x00, 0x00 } },               /* lzma */
		{ 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } }, /* xz */
		{ 4, { 0x89, 'L', 'Z', 'O' } },            /* lzo */
		{ 4, { 0x02, 0x21, 0x4c, 0x18 } },         /* lz4 legacy */
		{ 4, { 0x28, 0xb5, 0x2f, 0xfd } },         /* zstd */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		if (len >= magics[i].len &&
		    memcmp(data, magics[i].bytes, magics[i].len) == 0)
			return 1;
	}
	return 0;
}

/**
 * Find an initrd= argument on a command line
 *
 * Arguments are separated by spaces; only those that start with
 * "initrd=" count.
 *
 * @v cmdline		Command line
 * @v index		Which initrd= argument (0 for the first)
 * @v name		Buffer for its value
 * @v name_len		Size of buffer (longer values are refused)
 * @ret rc		0 if found, -ENOENT if there is no such argument,
 *			-E2BIG if the value does not fit
 */
int bzimage_cmdline_initrd(const char *cmdline, unsigned int index, char *name,
			   size_t name_len)
{
	const size_t prefix_len = (sizeof(BZIMAGE_INITRD_ARG) - 1);
	const char *word = cmdline;
	size_t word_len;

	while (*word) {
		while (*word == ' ')
			word++;
		for (word_len = 0; word[word_len] && word[word_len] != ' ';
		     word_len++)
			;
		if (word_len > prefix_len &&
		    strncmp(word, BZIMAGE_INITRD_ARG, prefix_len) == 0) {
			if (index-- == 0) {
				word_len -= prefix_len;
				if (word_len >= name_len)
					return -E2BIG;
				memcpy(name, (word + prefix_len), word_len);
				name[word_len] = '\0';
				return 0;
			}
		}
		word += word_len;
	}
	return -ENOENT_INITRD;
}

/**
 * Lay out the initrds one after the other
 *
 * Each starts on a BZIMAGE_INITRD_PACK_ALIGN boundary after the end of
 * the one before.
 *
 * @v initrds		Initrds (offset filled in)
 * @v count		Number of initrds
 * @ret len		Total length, from the first byte to the end of the
 *			last initrd's data
 */
size_t bzimage_initrd_layout(struct bzimage_initrd *initrds, unsigned int count)
{
	size_t offset = 0;
	size_t end = 0;
	unsigned int i;

	for (i = 0; i < count; i++) {
		offset = bzimage_round_up(end, BZIMAGE_INITRD_PACK_ALIGN);
		initrds[i].offset = offset;
		end = (offset + initrds[i].cpio_len + initrds[i].image->len);
	}
	return end;
}

/**
 * Choose where the real-mode part goes in base memory
 *
 * It takes BZIMAGE_HEAP_END bytes (setup code, then its heap and
 * stack) and the command line after them, as high as possible.
 *
 * @v low_start		Start of free base memory
 * @v low_end		End of free base memory
 * @v cmdline_len	Length of the command line, without its NUL
 * @v rm_base		Physical address chosen
 * @ret rc		Return status code
 */
int bzimage_setup_base(uint32_t low_start, uint32_t low_end, size_t cmdline_len,
		       uint32_t *rm_base)
{
	uint64_t need = ((uint64_t)BZIMAGE_HEAP_END + cmdline_len + 1);
	uint64_t base;

	if (low_end < need)
		return -ENOMEM_BASEMEM;
	base = ((low_end - need) & ~((uint64_t)BZIMAGE_SETUP_ALIGN - 1));
	if (base < low_start)
		return -ENOMEM_BASEMEM;
	*rm_base = base;
	return 0;
}

/**
 * Test whether an image was given a name other than its URI's
 *
 * ("initrd --name N URI" names it N; otherwise its name is the last part
 * of the URI's path, as image_alloc() makes it.)
 *
 * @v image		Image
 * @ret named		Non-zero if it was named explicitly
 */
static int bzimage_explicitly_named(struct image *image)
{
	const char *name = NULL;
	const char *slash;

	if (image->uri)
		name = (image->uri->path ? image->uri->path
					 : image->uri->opaque);
	if (name) {
		slash = strrchr(name, '/');
		if (slash)
			name = (slash + 1);
	}
	if (!name || !*name)
		name = "image";
	return (strcmp(name, image->name) != 0);
}

/**
 * Test whether an image can be an initrd when none are named
 *
 * @v image		Image
 * @ret candidate	Non-zero unless it is a script or a kernel (a
 *			damaged one, such as a truncated bzImage, included)
 */
static int bzimage_initrd_candidate(struct image *image)
{
	int rc;

	if ((rc = image_probe(image)) != 0)
		return ERROR_IS(rc, ENOEXEC);
	return !(image->type->flags & IMAGE_TYPE_NOT_INITRD);
}

/**
 * Make the cpio headers that turn an initrd into a file, if it wants them
 *
 * @v initrd		Initrd
 * @v by_name		Chosen by an initrd= argument
 * @ret rc		Return status code
 */
static int bzimage_initrd_cpio(struct bzimage_initrd *initrd, int by_name)
{
	struct image *image = initrd->image;
	unsigned int permissions = CPIO_FILE_PERMISSIONS;
	char path[CPIO_PATH_MAX + 1];
	const char *arg;
	size_t path_len;
	size_t len;
	int rc;

	path[0] = '\0';
	if (image->cmdline && *image->cmdline) {
		/* iPXE's form: the first word is the path; mode=NNN
		 * (octal) anywhere gives the permissions
		 */
		arg = image->cmdline;
		while (*arg == ' ')
			arg++;
		for (path_len = 0; arg[path_len] && arg[path_len] != ' ';
		     path_len++)
			;
		if (path_len >= sizeof(path))
			return -E2BIG;
		memcpy(path, arg, path_len);
		path[path_len] = '\0';
		arg = strstr(image->cmdline, BZIMAGE_MODE_ARG);
		if (arg) {
			permissions = strtoul(
				(arg + sizeof(BZIMAGE_MODE_ARG) - 1), NULL, 8);
		}
	} else if ((by_name || bzimage_explicitly_named(image)) &&
		   !bzimage_is_archive(image->data, image->len)) {
		strlcpy(path, image->name, sizeof(path));
	}
	if (!path[0])
		return 0;

	rc = cpio_headers(path, permissions, image->len, NULL, 0, &len);
	if (rc != 0)
		return rc;
	initrd->cpio = heap_alloc(len);
	if (!initrd->cpio)
		return -ENOMEM;
	rc = cpio_headers(path, permissions, image->len, initrd->cpio, len,
			  &initrd->cpio_len);
	if (rc != 0)
		return rc;
	return 0;
}

/**
 * Choose the initrds
 *
 * @v kernel		Kernel image
 * @v initrds		Initrds chosen (image references not taken: the
 *			images stay registered while the kernel boots)
 * @v count		Number chosen
 * @v by_name		Set for each initrd chosen by an initrd= argument
 * @ret rc		Return status code
 */
static int bzimage_choose_initrds(struct image *kernel,
				  struct bzimage_initrd *initrds,
				  unsigned int *count, int *by_name)
{
	const char *cmdline = (kernel->cmdline ? kernel->cmdline : "");
	char name[256];
	struct image *image;
	unsigned int index;
	unsigned int i;
	int rc;

	*count = 0;
	for (index = 0;; index++) {
		rc = bzimage_cmdline_initrd(cmdline, index, name, sizeof(name));
		if (rc == -ENOENT_INITRD)
			break;
		if (rc != 0)
			continue;
		image = image_find(name);
		if (!image || image == kernel)
			continue;
		for (i = 0; i < *count; i++) {
			if (initrds[i].image == image)
				break;
		}
		if (i < *count)
			continue;
		if (*count >= BZIMAGE_MAX_INITRDS)
			return -E2BIG_INITRDS;
		by_name[*count] = 1;
		initrds[(*count)++].image = image;
	}
	if (*count)
		return 0;

	for_each_image (image) {
		if (image == kernel || !bzimage_initrd_candidate(image))
			continue;
		if (*count >= BZIMAGE_MAX_INITRDS)
			return -E2BIG_INITRDS;
		by_name[*count] = 0;
		initrds[(*count)++].image = image;
	}
	return 0;
}

/**
 * Choose a kernel's initrds and make the headers of those that become
 * files
 *
 * @v kernel		Kernel image
 * @v initrds		Initrds (at least BZIMAGE_MAX_INITRDS; image
 *			references are not taken: the images stay registered
 *			while the kernel boots)
 * @v count		Number of initrds
 * @ret rc		Return status code (free the initrds with
 *			bzimage_initrds_free() either way)
 */
int bzimage_initrds(struct image *kernel, struct bzimage_initrd *initrds,
		    unsigned int *count)
{
	int by_name[BZIMAGE_MAX_INITRDS];
	unsigned int i;
	int rc;

	memset(initrds, 0, (BZIMAGE_MAX_INITRDS * sizeof(initrds[0])));
	if ((rc = bzimage_choose_initrds(kernel, initrds, count, by_name)) != 0)
		return rc;
	for (i = 0; i < *count; i++) {
		if ((rc = bzimage_initrd_cpio(&initrds[i], by_name[i])) != 0)
			return rc;
	}
	return 0;
}

/**
 * Free what bzimage_initrds() made
 *
 * @v initrds		Initrds
 * @v count		Number of initrds
 */
void bzimage_initrds_free(struct bzimage_initrd *initrds, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		heap_free(initrds[i].cpio);
		initrds[i].cpio = NULL;
	}
}

/**
 * Check that a range lies within one usable region of the memory map
 *
 * @v start		Start
 * @v end		End
 * @ret usable		Non-zero if it does
 */
static int bzimage_ram_contains(uint64_t start, uint64_t end)
{
	struct memmap_region regions[64];
	unsigned int count;
	unsigned int i;

	count = platform_memmap(regions, ARRAY_SIZE(regions));
	if (count > ARRAY_SIZE(regions))
		count = ARRAY_SIZE(regions);
	for (i = 0; i < count; i++) {
		if (regions[i].type == MEMMAP_USABLE &&
		    start >= regions[i].start &&
		    end <= (regions[i].start + regions[i].length))
			return 1;
	}
	return 0;
}

/**
 * Check whether an image is a Linux bzImage
 *
 * @v image		Image
 * @ret rc		0 if it is, -ENOEXEC if not, or why it cannot boot
 */
static int bzimage_probe(struct image *image)
{
	struct bzimage_info info;

	return bzimage_parse(image->data, image->len, &info);
}

/**
 * Boot a Linux bzImage
 *
 * @v image		Image
 * @ret rc		Return status code (only if it cannot boot)
 */
static int bzimage_exec(struct image *image)
{
	const char *cmdline = (image->cmdline ? image->cmdline : "");
	struct bzimage_initrd initrds[BZIMAGE_MAX_INITRDS];
	struct handoff_memory memory;
	struct bzimage_header *header;
	struct placement *placement;
	struct bzimage_info info;
	struct bzimage_initrd *initrd;
	uint8_t *setup = NULL;
	size_t cmdline_len;
	size_t initrds_len;
	uint64_t initrds_base = 0;
	uint64_t initrds_max;
	uint32_t rm_base;
	unsigned int count = 0;
	unsigned int i;
	int rc;

	placement = heap_zalloc(sizeof(*placement));
	if (!placement) {
		rc = -ENOMEM;
		goto out;
	}

	/* The kernel and its command line */
	if ((rc = bzimage_parse(image->data, image->len, &info)) != 0)
		goto out;
	cmdline_len = strlen(cmdline);
	if (cmdline_len > info.cmdline_max) {
		rc = -E2BIG_CMDLINE;
		goto out;
	}

	/* Where things may go, and where the kernel goes */
	if ((rc = handoff_memory(info.code32_start, &memory)) != 0)
		goto out;
	placement_init(placement, memory.area_start, memory.area_end,
		       memory.low_start, memory.low_end);
	if (!bzimage_ram_contains(info.reserve_start, info.reserve_end) ||
	    info.code32_start < memory.area_start ||
	    ((uint64_t)info.code32_start + info.pm_len) > memory.area_end) {
		rc = -ENOMEM_KERNEL;
		goto out;
	}
	rc = placement_add(placement, ((uint8_t *)image->data + info.setup_len),
			   info.pm_len, info.code32_start, info.pm_len);
	if (rc != 0)
		goto out;

	/* The initrds, as high as they may go */
	if ((rc = bzimage_initrds(image, initrds, &count)) != 0)
		goto out;
	initrds_len = bzimage_initrd_layout(initrds, count);
	if (initrds_len) {
		initrds_max = ((uint64_t)info.initrd_addr_max + 1);
		rc = placement_find_free(
			placement,
			bzimage_round_up(initrds_len,
					 BZIMAGE_INITRD_PACK_ALIGN),
			BZIMAGE_INITRD_ALIGN, info.reserve_end, initrds_max,
			&initrds_base);
		if (rc != 0) {
			rc = -ENOMEM_INITRD;
			goto out;
		}
		for (i = 0; i < count; i++) {
			initrd = &initrds[i];
			rc = placement_add(placement, initrd->cpio,
					   initrd->cpio_len,
					   (initrds_base + initrd->offset),
					   initrd->cpio_len);
			if (rc != 0)
				goto out;
			rc = placement_add(
				placement, initrd->image->data,
				initrd->image->len,
				(initrds_base + initrd->offset +
				 initrd->cpio_len),
				bzimage_round_up(initrd->image->len,
						 BZIMAGE_INITRD_PACK_ALIGN));
			if (rc != 0)
				goto out;
		}
	}

	/* The real-mode part, with the fields a loader fills in */
	rc = bzimage_setup_base(memory.low_start, memory.low_end, cmdline_len,
				&rm_base);
	if (rc != 0)
		goto out;
	setup = heap_alloc(info.setup_len);
	if (!setup) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(setup, image->data, info.setup_len);
	header = (struct bzimage_header *)&setup[BZIMAGE_HEADER_OFFSET];
	header->type_of_loader = BZIMAGE_LOADER_UNDEFINED;
	header->loadflags |= BZIMAGE_CAN_USE_HEAP;
	header->heap_end_ptr = (BZIMAGE_HEAP_END - 0x200);
	header->vid_mode = BZIMAGE_VID_MODE_NORMAL;
	header->code32_start = info.code32_start;
	header->cmd_line_ptr = (rm_base + BZIMAGE_HEAP_END);
	header->ramdisk_image = initrds_base;
	header->ramdisk_size = initrds_len;
	if ((rc = placement_add(placement, setup, info.setup_len, rm_base,
				BZIMAGE_HEAP_END)) != 0 ||
	    (rc = placement_add(placement, cmdline, cmdline_len,
				(rm_base + BZIMAGE_HEAP_END),
				(cmdline_len + 1))) != 0)
		goto out;

	/* Last check, then there is no way back */
	if ((rc = placement_check(placement)) != 0)
		goto out;
	handoff_linux16(placement, rm_base, BZIMAGE_HEAP_END);

out:
	heap_free(setup);
	bzimage_initrds_free(initrds, count);
	heap_free(placement);
	return rc;
}

/** Linux bzImage image type */
struct image_type bzimage_image_type __image_type(PROBE_NORMAL) = {
	.name = "bzImage",
	.probe = bzimage_probe,
	.exec = bzimage_exec,
	.flags = IMAGE_TYPE_NOT_INITRD,
};
