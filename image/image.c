/** @file
 *
 * Images
 */

#include <stddef.h>
#include "image/image.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/printf.h"
#include "net/uri.h"
#include "core/init.h"
#include "core/platform.h"

/** Deepest nesting of images running images (a script chaining itself) */
#define IMAGE_MAX_DEPTH 16

/** Nesting too deep */
#define ELOOP_DEPTH ERROR_CODE(ERRCLASS_ELOOP, 1)
ERROR_MESSAGE(ELOOP_DEPTH, "Too many nested images (a chain loop?)");
/** No type recognised */
#define ENOEXEC_UNKNOWN ERROR_CODE(ERRCLASS_ENOEXEC, 1)
ERROR_MESSAGE(ENOEXEC_UNKNOWN, "Unrecognised image format");
/** Empty image */
#define ENOEXEC_EMPTY ERROR_CODE(ERRCLASS_ENOEXEC, 2)
ERROR_MESSAGE(ENOEXEC_EMPTY, "Image is empty");

/** All registered images */
LIST_HEAD(images);

/** Record instead of booting (host --dry-run) */
int image_dry_run;

/** Current nesting depth of image_exec() */
static unsigned int image_depth;

/** The image running now (innermost), or NULL */
static struct image *image_current;

/**
 * Free an image once its last reference goes
 *
 * @v refcnt		Reference counter
 */
static void image_free(struct refcnt *refcnt)
{
	struct image *image = container_of(refcnt, struct image, refcnt);

	heap_free(image->name);
	heap_free(image->cmdline);
	imgmem_free(image->data);
	uri_put(image->uri);
	image_put(image->replacement);
	heap_free(image);
}

/**
 * Allocate an image
 *
 * Its name defaults to the last part of the URI's path.
 *
 * @v uri		Where it comes from, or NULL
 * @ret image		Image (one reference for the caller), or NULL
 */
struct image *image_alloc(struct uri *uri)
{
	struct image *image;
	const char *name = NULL;
	const char *slash;

	image = heap_zalloc(sizeof(*image));
	if (!image)
		return NULL;
	ref_init(&image->refcnt, image_free);
	INIT_LIST_HEAD(&image->list);
	if (uri) {
		image->uri = uri_get(uri);
		name = (uri->path ? uri->path : uri->opaque);
		if (name) {
			slash = strrchr(name, '/');
			if (slash)
				name = (slash + 1);
		}
	}
	if (image_set_name(image, ((name && *name) ? name : "image")) != 0) {
		image_put(image);
		return NULL;
	}
	return image;
}

/**
 * Name an image
 *
 * @v image		Image
 * @v name		Name
 * @ret rc		Return status code
 */
int image_set_name(struct image *image, const char *name)
{
	char *copy = strdup(name);

	if (!copy)
		return -ENOMEM;
	heap_free(image->name);
	image->name = copy;
	return 0;
}

/**
 * Set an image's command line
 *
 * @v image		Image
 * @v cmdline		Command line, or NULL for none
 * @ret rc		Return status code
 */
int image_set_cmdline(struct image *image, const char *cmdline)
{
	char *copy = NULL;

	if (cmdline) {
		copy = strdup(cmdline);
		if (!copy)
			return -ENOMEM;
	}
	heap_free(image->cmdline);
	image->cmdline = copy;
	return 0;
}

/**
 * Give an image a copy of some contents
 *
 * @v image		Image
 * @v data		Contents
 * @v len		Length
 * @ret rc		Return status code
 */
int image_set_data(struct image *image, const void *data, size_t len)
{
	void *copy;

	copy = imgmem_alloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	imgmem_free(image->data);
	image->data = copy;
	image->len = len;
	image->type = NULL;
	return 0;
}

/**
 * Add an image to the list, replacing one of the same name
 *
 * @v image		Image
 * @ret rc		Return status code
 */
int image_register(struct image *image)
{
	struct image *existing;

	existing = image_find(image->name);
	if (existing && existing != image)
		image_unregister(existing);
	if (image->flags & IMAGE_REGISTERED)
		return 0;
	image_get(image);
	list_add_tail(&image->list, &images);
	image->flags |= IMAGE_REGISTERED;
	return 0;
}

/**
 * Remove an image from the list
 *
 * @v image		Image
 */
void image_unregister(struct image *image)
{
	if (!(image->flags & IMAGE_REGISTERED))
		return;
	list_del(&image->list);
	image->flags &= ~(IMAGE_REGISTERED | IMAGE_SELECTED);
	image_put(image);
}

/**
 * Find an image by name
 *
 * @v name		Name
 * @ret image		Image, or NULL
 */
struct image *image_find(const char *name)
{
	struct image *image;

	for_each_image(image) {
		if (strcmp(image->name, name) == 0)
			return image;
	}
	return NULL;
}

/**
 * Find an image's type
 *
 * @v image		Image
 * @ret rc		Return status code
 */
int image_probe(struct image *image)
{
	const struct image_type *type;
	int rc;

	if (image->type)
		return 0;
	if (!image->len)
		return -ENOEXEC_EMPTY;
	for_each_table_entry(type, IMAGE_TYPES) {
		rc = type->probe(image);
		if (rc == 0) {
			image->type = type;
			return 0;
		}
		if (!ERROR_IS(rc, ENOEXEC))
			return rc;
	}
	return -ENOEXEC_UNKNOWN;
}

/**
 * Decode a fetched image with whichever decoder knows its format
 *
 * @v image		Image
 * @ret rc		Return status code
 */
int image_decode(struct image *image)
{
	const struct image_decoder *decoder;
	int rc;

	for_each_table_entry(decoder, IMAGE_DECODERS) {
		if ((rc = decoder->decode(image)) != 0)
			return rc;
	}
	return 0;
}

/**
 * Select an image for booting (and no other)
 *
 * @v image		Image
 * @ret rc		Return status code
 */
int image_select(struct image *image)
{
	struct image *other;

	for_each_image(other)
		other->flags &= ~IMAGE_SELECTED;
	image->flags |= IMAGE_SELECTED;
	return 0;
}

/**
 * The selected image
 *
 * @ret image		Image, or NULL
 */
struct image *image_selected(void)
{
	struct image *image;

	for_each_image(image) {
		if (image->flags & IMAGE_SELECTED)
			return image;
	}
	return NULL;
}

/**
 * Print what would boot, for a dry run
 *
 * @v image		Image that would run
 */
static void image_dry_run_report(struct image *image)
{
	struct image *other;
	char *uri;

	uri = (image->uri ? uri_format(image->uri) : NULL);
	printf("dry-run: boot %s%s%s\n", (uri ? uri : image->name),
	       (image->cmdline ? " " : ""),
	       (image->cmdline ? image->cmdline : ""));
	heap_free(uri);
	for_each_image(other) {
		if (other == image)
			continue;
		uri = (other->uri ? uri_format(other->uri) : NULL);
		printf("dry-run: initrd %s (%s)\n", (uri ? uri : other->name),
		       other->name);
		heap_free(uri);
	}
}

/**
 * Run an image
 *
 * A script runs and returns; a kernel only returns if it failed to
 * start.  If the image names a replacement ("chain --replace"), the
 * replacement runs next.  Images that run images nest only so deep,
 * which turns a script that chains itself into a clear error.
 *
 * @v image		Image
 * @ret rc		Return status code
 */
int image_exec(struct image *image)
{
	struct image *replacement = NULL;
	struct image *previous;
	int rc;

	if (image_depth >= IMAGE_MAX_DEPTH)
		return -ELOOP_DEPTH;

	/* In a dry run, only scripts run; anything else is reported,
	 * and then Ferry ends as if the machine had booted it.
	 */
	if (image_dry_run) {
		rc = image_probe(image);
		if (rc != 0 || strcmp(image->type->name, "script") != 0) {
			image_dry_run_report(image);
			shutdown_run_all(1);
			return platform_poweroff();
		}
	}

	rc = image_probe(image);
	if (rc != 0)
		return rc;

	image_get(image);
	image_depth++;
	previous = image_current;
	image_current = image;
	rc = image->type->exec(image);
	image_current = previous;
	image_depth--;
	if (image->replacement) {
		replacement = image->replacement;
		image->replacement = NULL;
	}
	if (image->flags & IMAGE_AUTO_UNREGISTER)
		image_unregister(image);
	image_put(image);

	if (replacement) {
		rc = image_register(replacement);
		if (rc == 0)
			rc = image_exec(replacement);
		image_put(replacement);
	}
	return rc;
}

/**
 * Have an image replace the one running now, once that one returns
 *
 * With nothing running (at the command line), the image runs now.
 *
 * @v image		Replacement
 * @ret rc		Return status code
 */
int image_replace_current(struct image *image)
{
	if (!image_current)
		return image_exec(image);
	image_put(image_current->replacement);
	image_current->replacement = image_get(image);
	return 0;
}
