/** @file
 *
 * Host platform: "file:" URIs (file:///path or file:relative/path)
 *
 * Lets the host build fetch local files the way it fetches from the
 * network, for tests and for trying scripts on a workstation.  The file
 * is read in pieces from the main loop, like a network transfer.
 */

#include "arch/host/host.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/process.h"
#include "core/errors.h"
#include "net/uri.h"

/** Bytes read per main-loop step */
#define FILE_URI_CHUNK (64 * 1024)

/** File not found */
#define ENOENT_FILE ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_FILE, "File not found");
/** Read error */
#define EIO_FILE ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_FILE, "File read error");

/** A file being read */
struct file_uri {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Endpoint toward the reader */
	struct xfer xfer;
	/** Process reading the file */
	struct process process;
	/** File descriptor */
	int fd;
	/** Size */
	unsigned long long size;
	/** Size was announced */
	int announced;
};

/**
 * Free a file reader
 *
 * @v refcnt		Reference counter
 */
static void file_uri_free(struct refcnt *refcnt)
{
	struct file_uri *file = container_of(refcnt, struct file_uri, refcnt);

	if (file->fd >= 0)
		host_file_close(file->fd);
	heap_free(file);
}

/**
 * Finish reading
 *
 * @v file		File reader
 * @v rc		Status
 */
static void file_uri_finish(struct file_uri *file, int rc)
{
	process_del(&file->process);
	xfer_close(&file->xfer, rc);
	ref_put(&file->refcnt);
}

/**
 * Read a piece of the file and deliver it
 *
 * @v process		Process
 */
static void file_uri_step(struct process *process)
{
	struct file_uri *file = container_of(process, struct file_uri, process);
	struct xfer_metadata meta = { 0 };
	struct io_buffer *iob;
	long len;

	if (!file->announced) {
		file->announced = 1;
		meta.flags = XFER_META_SIZE;
		meta.size = file->size;
	}
	iob = xfer_alloc_iob(&file->xfer, FILE_URI_CHUNK);
	if (!iob) {
		file_uri_finish(file, -ENOMEM);
		return;
	}
	len = host_file_read(file->fd, iob->data, FILE_URI_CHUNK);
	if (len < 0) {
		iob_free(iob);
		file_uri_finish(file, -EIO_FILE);
		return;
	}
	iob_put(iob, len);
	if (len == 0 && !meta.flags) {
		iob_free(iob);
		file_uri_finish(file, 0);
		return;
	}
	xfer_deliver(&file->xfer, iob, &meta);
}

/**
 * The reader went away
 *
 * @v xfer		Endpoint
 * @v rc		Reason
 */
static void file_uri_close(struct xfer *xfer, int rc)
{
	struct file_uri *file = container_of(xfer, struct file_uri, xfer);

	if (process_running(&file->process)) {
		process_del(&file->process);
		ref_put(&file->refcnt);
	}
}

/** File reader endpoint operations */
static const struct xfer_operations file_uri_operations = {
	.close = file_uri_close,
};

/**
 * Open a file: URI
 *
 * @v parent		Endpoint to plug into
 * @v uri		URI
 * @ret rc		Return status code
 */
static int file_uri_open(struct xfer *parent, struct uri *uri)
{
	const char *encoded = (uri->path ? uri->path : uri->opaque);
	struct file_uri *file;
	char *path;
	size_t len;

	if (!encoded)
		return -ENOENT_FILE;
	len = uri_decode(encoded, NULL, 0);
	path = heap_alloc(len + 1);
	if (!path)
		return -ENOMEM;
	uri_decode(encoded, path, (len + 1));
	file = heap_zalloc(sizeof(*file));
	if (!file) {
		heap_free(path);
		return -ENOMEM;
	}
	ref_init(&file->refcnt, file_uri_free);
	xfer_init(&file->xfer, &file_uri_operations, &file->refcnt);
	process_init(&file->process, "file", file_uri_step);
	file->fd = host_file_open(path, &file->size);
	heap_free(path);
	if (file->fd < 0) {
		ref_put(&file->refcnt);
		return -ENOENT_FILE;
	}
	xfer_plug(&file->xfer, parent);
	/* The process holds the reference we were given */
	process_add(&file->process);
	return 0;
}

/** The file: URI opener */
struct uri_opener file_uri_opener __uri_opener = {
	.scheme = "file",
	.open = file_uri_open,
};
