/** @file
 *
 * cpio "newc" headers, to hand a file to Linux inside its initramfs
 *
 * A newc header is the magic "070701" and thirteen fields of eight
 * hexadecimal digits (inode, mode, uid, gid, link count, mtime, file
 * size, device numbers, name size, checksum), then the NUL-terminated
 * name, padded to a multiple of four bytes; the file's data follows,
 * again padded to four bytes (the caller's business: the data is the
 * image itself).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"
#include "core/string.h"
#include "image/cpio.h"

/** newc magic */
#define CPIO_MAGIC "070701"

#define EINVAL_PATH ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_PATH, "Invalid file name for the initramfs");
#define ENOSPC_BUFFER ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_BUFFER, "cpio header buffer too small");
#define EFBIG_FILE ERROR_CODE(ERRCLASS_EFBIG, 1)
ERROR_MESSAGE(EFBIG_FILE, "File too large for a cpio archive (4 GiB)");

/**
 * Round a length up to the archive alignment
 *
 * @v len		Length
 * @ret len		Rounded length
 */
static size_t cpio_align(size_t len)
{
	return ((len + CPIO_ALIGN - 1) & ~((size_t)CPIO_ALIGN - 1));
}

/**
 * Write one header field (eight hexadecimal digits)
 *
 * @v field		Where it goes
 * @v value		Value
 */
static void cpio_field(char *field, uint32_t value)
{
	static const char digits[] = "0123456789ABCDEF";
	int i;

	for (i = 7; i >= 0; i--) {
		field[i] = digits[value & 0x0f];
		value >>= 4;
	}
}

/**
 * Write one header, with its name, into a buffer
 *
 * @v out		Buffer position (NULL to only count)
 * @v name		Name (not NUL-terminated)
 * @v name_len		Length of name
 * @v mode		Mode (type and permissions)
 * @v nlink		Link count
 * @v file_len		Length of the data that follows
 * @ret len		Bytes of header, name and padding
 */
static size_t cpio_header_one(char *out, const char *name, size_t name_len,
			      unsigned int mode, unsigned int nlink,
			      size_t file_len)
{
	const uint32_t fields[13] = {
		0, /* inode */
		mode,
		0, /* uid */
		0, /* gid */
		nlink,
		0, /* mtime */
		file_len,
		0,              /* devmajor */
		0,              /* devminor */
		0,              /* rdevmajor */
		0,              /* rdevminor */
		(name_len + 1), /* name size, with its NUL */
		0,              /* checksum */
	};
	size_t len = cpio_align(CPIO_HEADER_LEN + name_len + 1);
	unsigned int i;

	if (!out)
		return len;
	memset(out, 0, len);
	memcpy(out, CPIO_MAGIC, 6);
	for (i = 0; i < 13; i++)
		cpio_field(&out[6 + (8 * i)], fields[i]);
	memcpy(&out[CPIO_HEADER_LEN], name, name_len);
	return len;
}

/**
 * Build the headers that put a file at a path in the initramfs
 *
 * One directory entry for each directory on the path, then the file's
 * own entry.  Leading slashes are dropped; empty, "." and ".."
 * components are refused.
 *
 * @v path		Path of the file ("etc/ferry.conf")
 * @v permissions	Permission bits (07777)
 * @v file_len		Length of the file
 * @v buf		Buffer, or NULL to only find the length
 * @v buf_len		Size of buffer
 * @v len		Length of the headers (a multiple of CPIO_ALIGN)
 * @ret rc		Return status code
 */
int cpio_headers(const char *path, unsigned int permissions, size_t file_len,
		 void *buf, size_t buf_len, size_t *len)
{
	char *out = buf;
	size_t path_len;
	size_t total = 0;
	size_t part_len;
	size_t component;
	size_t start;
	size_t i;
	int pass;

	*len = 0;
	while (*path == '/')
		path++;
	path_len = strnlen(path, (CPIO_PATH_MAX + 1));
	if (!path_len || path_len > CPIO_PATH_MAX)
		return -EINVAL_PATH;
	if ((file_len >> 16 >> 16) != 0)
		return -EFBIG_FILE;

	/* Check every component, then count (pass 0) and write (pass 1) */
	for (start = 0; start <= path_len; start = (i + 1)) {
		for (i = start; i < path_len && path[i] != '/'; i++)
			;
		component = (i - start);
		if (component == 0 || (component == 1 && path[start] == '.') ||
		    (component == 2 && path[start] == '.' &&
		     path[start + 1] == '.'))
			return -EINVAL_PATH;
	}
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (!buf)
				break;
			if (buf_len < total)
				return -ENOSPC_BUFFER;
		}
		total = 0;
		for (i = 0; i < path_len; i++) {
			if (path[i] != '/')
				continue;
			part_len = cpio_header_one(
				(pass ? &out[total] : NULL), path, i,
				(CPIO_MODE_DIR | CPIO_DIR_PERMISSIONS), 2, 0);
			total += part_len;
		}
		total += cpio_header_one(
			(pass ? &out[total] : NULL), path, path_len,
			(CPIO_MODE_FILE | (permissions & 07777)), 1, file_len);
	}
	*len = total;
	return 0;
}
