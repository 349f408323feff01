#ifndef IMAGE_CPIO_H
#define IMAGE_CPIO_H

/** @file
 *
 * cpio "newc" headers, to hand a file to Linux inside its initramfs
 *
 * Linux unpacks every cpio archive it finds in its initrd (they may be
 * concatenated, on 4-byte boundaries) into the initramfs.  Putting one
 * header in front of an image's data makes the image appear there as a
 * file; headers for the directories on its path come first, so that
 * "etc/ferry/x.conf" works without etc/ferry existing beforehand.
 */

#include <stddef.h>
#include <stdint.h>

/** Length of a newc header, without the name */
#define CPIO_HEADER_LEN       110
/** Alignment of headers and data in an archive */
#define CPIO_ALIGN            4
/** Longest path accepted for a file (without its NUL) */
#define CPIO_PATH_MAX         1024
/** File type bits of a regular file */
#define CPIO_MODE_FILE        0100000
/** File type bits of a directory */
#define CPIO_MODE_DIR         0040000
/** Permissions of the directories created */
#define CPIO_DIR_PERMISSIONS  0755
/** Permissions of a file unless told otherwise */
#define CPIO_FILE_PERMISSIONS 0644

extern int cpio_headers(const char *path, unsigned int permissions,
			size_t file_len, void *buf, size_t buf_len,
			size_t *len);

#endif /* IMAGE_CPIO_H */
