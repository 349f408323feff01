/** @file
 *
 * Downloading a URI into an image
 *
 * The downloader is the far end of a protocol's data-transfer endpoint:
 * the protocol delivers data (at explicit offsets when it knows them,
 * which is how a resumed HTTP download fills a gap), and the downloader
 * writes it into the image area, growing the buffer in place where it
 * can.  The command waits on the main loop, shows a progress line a few
 * times a second, and Ctrl-C aborts.  Only a complete download becomes
 * an image: on any failure the partial data is freed.
 */

#include <stddef.h>
#include <stdint.h>
#include "image/image.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/printf.h"
#include "core/platform.h"
#include "core/process.h"
#include "core/wait.h"
#include "net/uri.h"

/** How often the progress line is refreshed */
#define DOWNLOAD_PROGRESS_MS 250
/** Smallest buffer the download starts with */
#define DOWNLOAD_INITIAL_LEN (64 * 1024)

/** Not enough memory for the image */
#define ENOMEM_IMAGE ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_IMAGE, "Not enough memory for the image");
/** Bad URI */
#define EINVAL_URI ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_URI, "Invalid URI");
/** Shorter than announced */
#define EIO_SHORT ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_SHORT, "Download ended early (truncated)");

/** A download in progress */
struct downloader {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Endpoint toward the protocol */
	struct xfer xfer;
	/** Image being filled */
	struct image *image;
	/** Bytes allocated at image->data */
	size_t capacity;
	/** Where data without an offset goes next */
	size_t position;
	/** Expected total length, or 0 if unknown */
	uint64_t expected;
	/** Bytes received (counting overlaps once per delivery) */
	uint64_t received;
	/** Finished */
	int done;
	/** Final status */
	int rc;
};

/**
 * Free a downloader
 *
 * @v refcnt		Reference counter
 */
static void downloader_free(struct refcnt *refcnt)
{
	struct downloader *downloader =
		container_of(refcnt, struct downloader, refcnt);

	image_put(downloader->image);
	heap_free(downloader);
}

/**
 * Make room in the image for data up to an offset
 *
 * @v downloader	Downloader
 * @v end		Offset the data must reach
 * @ret rc		Return status code
 */
static int downloader_ensure(struct downloader *downloader, size_t end)
{
	struct image *image = downloader->image;
	size_t want;
	void *grown;

	if (end <= downloader->capacity)
		return 0;
	/* Grow to the announced size, or geometrically, or exactly */
	want = downloader->capacity * 2;
	if (want < DOWNLOAD_INITIAL_LEN)
		want = DOWNLOAD_INITIAL_LEN;
	if (downloader->expected >= end && downloader->expected <= SIZE_MAX)
		want = downloader->expected;
	if (want < end)
		want = end;
	grown = imgmem_realloc(image->data, want);
	if (!grown && want > end) {
		want = end;
		grown = imgmem_realloc(image->data, want);
	}
	if (!grown)
		return -ENOMEM_IMAGE;
	image->data = grown;
	downloader->capacity = want;
	return 0;
}

/**
 * Finish the download
 *
 * @v downloader	Downloader
 * @v rc		Status
 */
static void downloader_finish(struct downloader *downloader, int rc)
{
	if (downloader->done)
		return;
	downloader->done = 1;
	downloader->rc = rc;
	xfer_close(&downloader->xfer, rc);
}

/**
 * Receive data from the protocol
 *
 * @v xfer		Downloader's endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		Return status code
 */
static int downloader_deliver(struct xfer *xfer, struct io_buffer *iob,
			      struct xfer_metadata *meta)
{
	struct downloader *downloader =
		container_of(xfer, struct downloader, xfer);
	struct image *image = downloader->image;
	size_t len = iob_len(iob);
	uint64_t offset = downloader->position;
	int rc = 0;

	if (meta && (meta->flags & XFER_META_SIZE))
		downloader->expected = meta->size;
	if (meta && (meta->flags & XFER_META_OFFSET))
		offset = meta->offset;
	if (offset + len < offset || (offset + len) > SIZE_MAX) {
		rc = -ENOMEM_IMAGE;
		goto done;
	}
	if (len) {
		rc = downloader_ensure(downloader, (offset + len));
		if (rc != 0)
			goto done;
		memcpy((uint8_t *)image->data + offset, iob->data, len);
	}
	downloader->position = (offset + len);
	if (downloader->position > image->len)
		image->len = downloader->position;
	downloader->received += len;
done:
	iob_free(iob);
	if (rc != 0)
		downloader_finish(downloader, rc);
	return rc;
}

/**
 * The protocol closed the transfer
 *
 * @v xfer		Downloader's endpoint
 * @v rc		Status
 */
static void downloader_close(struct xfer *xfer, int rc)
{
	struct downloader *downloader =
		container_of(xfer, struct downloader, xfer);

	if (rc == 0 && downloader->expected &&
	    downloader->image->len < downloader->expected)
		rc = -EIO_SHORT;
	downloader->done = 1;
	downloader->rc = rc;
}

/** Downloader endpoint operations */
static const struct xfer_operations downloader_operations = {
	.deliver = downloader_deliver,
	.close = downloader_close,
};

/**
 * Format a byte count for the progress line
 *
 * @v bytes		Bytes
 * @v buf		Buffer
 * @v len		Size of buffer
 */
static void download_format_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (10ULL << 20))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(bytes >> 20));
	else if (bytes >= (10ULL << 10))
		snprintf(buf, len, "%llu KiB", (unsigned long long)(bytes >> 10));
	else
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
}

/**
 * Print the progress line (overwriting the previous one)
 *
 * @v text		What is downloading
 * @v downloader	Downloader
 * @v elapsed_ms	Time since the start
 */
static void download_progress(const char *text,
			      struct downloader *downloader,
			      uint64_t elapsed_ms)
{
	char done[24];
	char rate[24];
	uint64_t per_second = 0;

	download_format_size(downloader->received, done, sizeof(done));
	per_second = ((downloader->received * 1000) /
		      (elapsed_ms ? elapsed_ms : 1));
	download_format_size(per_second, rate, sizeof(rate));
	printf("\r%s... %s", text, done);
	if (downloader->expected) {
		printf(" (%u%%)",
		       (unsigned int)((downloader->received * 100) /
				      downloader->expected));
	}
	printf(" %s/s\033[K", rate);
}

/**
 * The text to show for a URI: as given, but with any password hidden
 *
 * @v uri_text		URI as given
 * @v uri		Parsed URI, or NULL
 * @ret text		Text to show (heap), or NULL on out-of-memory
 */
static char *download_display_uri(const char *uri_text, struct uri *uri)
{
	struct uri hidden;

	if (!uri || !uri->password)
		return strdup(uri_text);
	hidden = *uri;
	hidden.password = "***";
	return uri_format(&hidden);
}

/**
 * Download a URI into a new image
 *
 * The image is not registered; the caller decides what to do with it.
 *
 * @v uri_text		URI
 * @v name		Image name, or NULL for the URI's last path part
 * @v image		Image (one reference for the caller)
 * @ret rc		Return status code (the one-line error is printed)
 */
int image_download(const char *uri_text, const char *name,
		   struct image **image)
{
	struct downloader *downloader;
	struct uri *uri;
	const char *shown = uri_text;
	char *display;
	uint64_t start;
	uint64_t last = 0;
	uint64_t now;
	int rc;

	*image = NULL;
	uri = uri_parse(uri_text);
	display = download_display_uri(uri_text, uri);
	if (display)
		shown = display;
	if (!uri) {
		rc = -EINVAL_URI;
		goto err_uri;
	}
	downloader = heap_zalloc(sizeof(*downloader));
	if (!downloader) {
		rc = -ENOMEM;
		goto err_alloc;
	}
	ref_init(&downloader->refcnt, downloader_free);
	xfer_init(&downloader->xfer, &downloader_operations,
		  &downloader->refcnt);
	downloader->image = image_alloc(uri);
	if (!downloader->image) {
		rc = -ENOMEM;
		goto err_image;
	}
	if (name && (rc = image_set_name(downloader->image, name)) != 0)
		goto err_image;

	/* Start the transfer and wait for it */
	rc = xfer_open_uri(&downloader->xfer, uri);
	if (rc != 0)
		goto err_open;
	start = last = clock_ms();
	while (!downloader->done) {
		rc = wait_check_cancel();
		if (rc != 0) {
			downloader_finish(downloader, rc);
			break;
		}
		step();
		now = clock_ms();
		if ((now - last) >= DOWNLOAD_PROGRESS_MS) {
			download_progress(shown, downloader, (now - start));
			last = now;
		}
		if (!downloader->done)
			platform_idle();
	}
	download_progress(shown, downloader, (clock_ms() - start));
	rc = downloader->rc;
	if (rc != 0)
		goto err_download;
	printf(" ok\n");

	/* Trim the buffer to the data */
	if (downloader->image->len < downloader->capacity &&
	    downloader->image->len) {
		void *trimmed = imgmem_realloc(downloader->image->data,
					       downloader->image->len);
		if (trimmed)
			downloader->image->data = trimmed;
	}
	/* Compressed images are unpacked now (image/gzip.c, if built in) */
	rc = image_decode(downloader->image);
	if (rc != 0)
		goto err_image;
	*image = image_get(downloader->image);
	ref_put(&downloader->refcnt);
	uri_put(uri);
	heap_free(display);
	return 0;

err_download:
	printf("\n");
err_open:
	xfer_close(&downloader->xfer, rc);
err_image:
	ref_put(&downloader->refcnt);
err_alloc:
	uri_put(uri);
err_uri:
	error_print(rc, shown);
	heap_free(display);
	return rc;
}
