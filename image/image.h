#ifndef IMAGE_IMAGE_H
#define IMAGE_IMAGE_H

/** @file
 *
 * Images: what was fetched, and how to run it
 *
 * Every fetched file is an image in one list, with a name, the URI it
 * came from, a command line, and its bytes in the image area.  Its type
 * (script, Linux bzImage, multiboot, ELF, PXE NBP, EFI program) is found
 * by probing its contents, never by its name.  One image can be
 * selected: it is what "boot" runs.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "core/refcnt.h"
#include "core/tables.h"

struct uri;
struct image_type;

/** An image */
struct image {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Link in the list of images */
	struct list_head list;
	/** Name ("vmlinuz") */
	char *name;
	/** Where it came from, or NULL */
	struct uri *uri;
	/** Command line, or NULL */
	char *cmdline;
	/** Contents (in the image area), or NULL if empty */
	void *data;
	/** Length of contents */
	size_t len;
	/** Flags (IMAGE_...) */
	unsigned int flags;
	/** Type, once probed, or NULL */
	const struct image_type *type;
	/** Image that replaces this one when it finishes ("chain
	 * --replace"), or NULL */
	struct image *replacement;
};

/** Image is registered in the list */
#define IMAGE_REGISTERED 0x0001
/** Image is selected for booting */
#define IMAGE_SELECTED 0x0002
/** Image is removed from the list once it has run */
#define IMAGE_AUTO_UNREGISTER 0x0004
/** Image was verified against a trusted signature */
#define IMAGE_TRUSTED 0x0008

/** A kind of image */
struct image_type {
	/** Name ("script", "bzImage") */
	const char *name;
	/**
	 * Check whether an image is of this type
	 *
	 * @v image		Image
	 * @ret rc		0 if it is, -ENOEXEC if not, or another error
	 *			for a damaged image of this type
	 */
	int (*probe)(struct image *image);
	/**
	 * Run the image
	 *
	 * @v image		Image
	 * @ret rc		Return status code (only when it returns)
	 */
	int (*exec)(struct image *image);
	/** IMAGE_TYPE_... flags */
	unsigned int flags;
};

/** A kernel or a script: never taken as an initrd that was not named */
#define IMAGE_TYPE_NOT_INITRD 0x01

/** Table of image types, probed in order */
#define IMAGE_TYPES __table(struct image_type, image_types)
/** Probe early (formats with strong signatures) */
#define PROBE_NORMAL 01
/** Probe last (formats recognised by elimination, e.g. PXE NBPs) */
#define PROBE_LAST 02
/** Declare an image type */
#define __image_type(order) __table_entry(IMAGE_TYPES, order)

/**
 * A decoder for fetched images (image/gzip.c): applied to each image when
 * its download completes, so that a build without it simply keeps the
 * image as it came
 */
struct image_decoder {
	/** Name ("gzip") */
	const char *name;
	/**
	 * Decode an image in place if it is in this decoder's format
	 *
	 * @v image		Image
	 * @ret rc		Return status code (0 also when the image is
	 *			not in this format)
	 */
	int (*decode)(struct image *image);
};

/** Table of image decoders */
#define IMAGE_DECODERS __table(struct image_decoder, image_decoders)
/** Declare an image decoder */
#define __image_decoder __table_entry(IMAGE_DECODERS, 01)

/** All registered images, oldest first */
extern struct list_head images;

/** Iterate over the registered images */
#define for_each_image(image) list_for_each_entry(image, &images, list)

/**
 * On the host: record what would run instead of running it (set by
 * "bin/host/ferry --dry-run")
 */
extern int image_dry_run;

extern struct image *image_alloc(struct uri *uri);
extern int image_set_name(struct image *image, const char *name);
extern int image_set_cmdline(struct image *image, const char *cmdline);
extern int image_set_data(struct image *image, const void *data,
			  size_t len);
extern int image_register(struct image *image);
extern void image_unregister(struct image *image);
extern struct image *image_find(const char *name);
extern int image_probe(struct image *image);
extern int image_decode(struct image *image);
extern int image_select(struct image *image);
extern struct image *image_selected(void);
extern int image_exec(struct image *image);
extern int image_replace_current(struct image *image);
extern int image_download(const char *uri_text, const char *name,
			  struct image **image);

/**
 * Take a reference to an image
 *
 * @v image		Image
 * @ret image		Image
 */
static inline struct image *image_get(struct image *image)
{
	ref_get(&image->refcnt);
	return image;
}

/**
 * Drop a reference to an image
 *
 * @v image		Image, or NULL
 */
static inline void image_put(struct image *image)
{
	ref_put(image ? &image->refcnt : NULL);
}

#endif /* IMAGE_IMAGE_H */
