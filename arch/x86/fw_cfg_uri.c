/** @file
 *
 * "fw_cfg:" URIs: files QEMU passes in its firmware configuration
 *
 *     qemu ... -fw_cfg name=opt/ferry/vmlinuz,file=vmlinuz
 *     ferry> kernel fw_cfg:opt/ferry/vmlinuz console=ttyS0
 *
 * The file is found in the fw_cfg directory and read in pieces from the
 * main loop, like a network transfer, through the DMA interface when
 * QEMU offers it (the data lands in the buffer at memory speed) and the
 * data port otherwise.  Each DMA read selects the file and skips to the
 * offset itself, so other users of fw_cfg in between do no harm; the
 * port interface can only read on from where it is, so it is used in one
 * go per step without anything else running in between.
 *
 * (QEMU only accepts user file names under "opt/".)
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/process.h"
#include "core/string.h"
#include "core/xfer.h"
#include "net/uri.h"
#include "arch/x86/fw_cfg.h"

/** Selector port (16-bit write) */
#define FW_CFG_PORT_SELECTOR 0x510
/** Data port (byte reads) */
#define FW_CFG_PORT_DATA     0x511
/** DMA address port, high 32 bits (big-endian) */
#define FW_CFG_PORT_DMA_HIGH 0x514
/** DMA address port, low 32 bits (big-endian; writing it starts) */
#define FW_CFG_PORT_DMA_LOW  0x518

/** Item: feature bitmap */
#define FW_CFG_ID              0x0001
/** Feature bit: the DMA interface exists */
#define FW_CFG_ID_DMA          0x0002
/** Item: file directory */
#define FW_CFG_FILE_DIR        0x0019
/** Size of a directory entry */
#define FW_CFG_DIR_ENTRY_LEN   64
/** Offset of the name in a directory entry */
#define FW_CFG_DIR_NAME_OFFSET 8
/** Longest name in a directory entry, with its NUL */
#define FW_CFG_DIR_NAME_LEN    56
/** Most directory entries looked at */
#define FW_CFG_DIR_MAX         4096

/** DMA control bits */
#define FW_CFG_DMA_ERROR  0x01
#define FW_CFG_DMA_READ   0x02
#define FW_CFG_DMA_SKIP   0x04
#define FW_CFG_DMA_SELECT 0x08

/** Most polls of a DMA operation (QEMU completes it during the write) */
#define FW_CFG_DMA_POLLS 1000000

/** Bytes read per main-loop step */
#define FW_CFG_URI_CHUNK (128 * 1024)

#define ENOENT_FILE ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_FILE, "No such fw_cfg file");
#define ENODEV_FW_CFG ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_FW_CFG, "QEMU fw_cfg is not available");
#define EIO_DMA ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_DMA, "fw_cfg DMA read failed");
#define EINVAL_NAME ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_NAME, "Invalid fw_cfg file name");

/** A DMA request, as the device reads it (all fields big-endian) */
struct fw_cfg_dma_access {
	uint32_t control;
	uint32_t length;
	uint64_t address;
} __attribute__((packed, aligned(16)));

/** An fw_cfg file being read */
struct fw_cfg_uri {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Endpoint toward the reader */
	struct xfer xfer;
	/** Process reading the file */
	struct process process;
	/** Selector of the file */
	uint16_t selector;
	/** Size of the file */
	uint32_t size;
	/** Bytes delivered */
	uint32_t offset;
	/** The DMA interface is there */
	int dma;
};

/**
 * Swap the bytes of a 32-bit number (to or from big-endian)
 *
 * @v value		Value
 * @ret swapped		Value with its bytes reversed
 */
static uint32_t fw_cfg_uri_swap32(uint32_t value)
{
	return __builtin_bswap32(value);
}

/**
 * Run one DMA operation
 *
 * @v control		Control bits (with the selector in the top 16)
 * @v data		Buffer (for a read), or NULL
 * @v len		Length
 * @ret rc		Return status code
 */
static int fw_cfg_uri_dma(uint32_t control, void *data, uint32_t len)
{
	struct fw_cfg_dma_access access;
	volatile uint32_t *status = &access.control;
	uint32_t phys = virt_to_phys(&access);
	unsigned int polls;

	access.control = fw_cfg_uri_swap32(control);
	access.length = fw_cfg_uri_swap32(len);
	access.address =
		((uint64_t)fw_cfg_uri_swap32(data ? virt_to_phys(data) : 0)
		 << 32);
	__asm__ __volatile__("" : : : "memory");
	outl(0, FW_CFG_PORT_DMA_HIGH);
	outl(fw_cfg_uri_swap32(phys), FW_CFG_PORT_DMA_LOW);
	for (polls = 0; polls < FW_CFG_DMA_POLLS; polls++) {
		__asm__ __volatile__("" : : : "memory");
		control = fw_cfg_uri_swap32(*status);
		if (control & FW_CFG_DMA_ERROR)
			return -EIO_DMA;
		if (!control)
			return 0;
	}
	return -EIO_DMA;
}

/**
 * Read part of the file into a buffer
 *
 * @v file		File reader
 * @v data		Buffer
 * @v len		Bytes to read (from file->offset)
 * @ret rc		Return status code
 */
static int fw_cfg_uri_read(struct fw_cfg_uri *file, void *data, uint32_t len)
{
	uint32_t select = ((uint32_t)file->selector << 16);
	uint8_t *bytes = data;
	int rc;

	if (file->dma) {
		rc = fw_cfg_uri_dma(
			(select | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP), NULL,
			file->offset);
		if (rc != 0)
			return rc;
		return fw_cfg_uri_dma(FW_CFG_DMA_READ, data, len);
	}

	/* The data port reads on from where the previous step stopped */
	if (file->offset == 0)
		outw(file->selector, FW_CFG_PORT_SELECTOR);
	__asm__ __volatile__("rep insb"
			     : "+D"(bytes), "+c"(len)
			     : "d"(FW_CFG_PORT_DATA)
			     : "memory");
	return 0;
}

/**
 * Free a file reader
 *
 * @v refcnt		Reference counter
 */
static void fw_cfg_uri_free(struct refcnt *refcnt)
{
	struct fw_cfg_uri *file =
		container_of(refcnt, struct fw_cfg_uri, refcnt);

	heap_free(file);
}

/**
 * Finish reading
 *
 * @v file		File reader
 * @v rc		Status
 */
static void fw_cfg_uri_finish(struct fw_cfg_uri *file, int rc)
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
static void fw_cfg_uri_step(struct process *process)
{
	struct fw_cfg_uri *file =
		container_of(process, struct fw_cfg_uri, process);
	struct xfer_metadata meta = { 0 };
	struct io_buffer *iob;
	uint32_t len;
	int rc;

	len = min((uint32_t)FW_CFG_URI_CHUNK, (file->size - file->offset));
	if (!len) {
		fw_cfg_uri_finish(file, 0);
		return;
	}
	iob = xfer_alloc_iob(&file->xfer, len);
	if (!iob) {
		fw_cfg_uri_finish(file, -ENOMEM);
		return;
	}
	if ((rc = fw_cfg_uri_read(file, iob_put(iob, len), len)) != 0) {
		iob_free(iob);
		fw_cfg_uri_finish(file, rc);
		return;
	}
	meta.flags = (XFER_META_SIZE | XFER_META_OFFSET);
	meta.size = file->size;
	meta.offset = file->offset;
	file->offset += len;
	xfer_deliver(&file->xfer, iob, &meta);
}

/**
 * The reader went away
 *
 * @v xfer		Endpoint
 * @v rc		Reason
 */
static void fw_cfg_uri_close(struct xfer *xfer, int rc)
{
	struct fw_cfg_uri *file = container_of(xfer, struct fw_cfg_uri, xfer);

	if (process_running(&file->process)) {
		process_del(&file->process);
		ref_put(&file->refcnt);
	}
}

/** File reader endpoint operations */
static const struct xfer_operations fw_cfg_uri_operations = {
	.close = fw_cfg_uri_close,
};

/**
 * Look a file up in the fw_cfg directory
 *
 * @v name		File name
 * @v selector		Its selector
 * @v size		Its size
 * @ret rc		Return status code
 */
static int fw_cfg_uri_find(const char *name, uint16_t *selector, uint32_t *size)
{
	uint8_t count_be[4];
	uint8_t *directory;
	uint8_t *entry;
	uint32_t count;
	size_t len;
	uint32_t i;
	int rc;

	if ((rc = fw_cfg_read_item(FW_CFG_FILE_DIR, count_be,
				   sizeof(count_be))) != 0)
		return (ERROR_IS(rc, ENODEV) ? -ENODEV_FW_CFG : rc);
	count = (((uint32_t)count_be[0] << 24) | (count_be[1] << 16) |
		 (count_be[2] << 8) | count_be[3]);
	if (count > FW_CFG_DIR_MAX)
		count = FW_CFG_DIR_MAX;
	len = (sizeof(count_be) + (count * FW_CFG_DIR_ENTRY_LEN));
	directory = heap_alloc(len);
	if (!directory)
		return -ENOMEM;
	if ((rc = fw_cfg_read_item(FW_CFG_FILE_DIR, directory, len)) != 0)
		goto out;
	rc = -ENOENT_FILE;
	for (i = 0; i < count; i++) {
		entry = &directory[sizeof(count_be) +
				   (i * FW_CFG_DIR_ENTRY_LEN)];
		entry[FW_CFG_DIR_ENTRY_LEN - 1] = '\0';
		if (strcmp((char *)&entry[FW_CFG_DIR_NAME_OFFSET], name) != 0)
			continue;
		*size = (((uint32_t)entry[0] << 24) | (entry[1] << 16) |
			 (entry[2] << 8) | entry[3]);
		*selector = ((entry[4] << 8) | entry[5]);
		rc = 0;
		break;
	}
out:
	heap_free(directory);
	return rc;
}

/**
 * Open an fw_cfg: URI
 *
 * "fw_cfg:opt/x" and "fw_cfg:///opt/x" both name the file "opt/x".
 *
 * @v parent		Endpoint to plug into
 * @v uri		URI
 * @ret rc		Return status code
 */
static int fw_cfg_uri_open(struct xfer *parent, struct uri *uri)
{
	const char *encoded = (uri->opaque ? uri->opaque : uri->path);
	char name[FW_CFG_DIR_NAME_LEN];
	struct fw_cfg_uri *file;
	uint8_t features[4];
	size_t len;
	int rc;

	if (!encoded)
		return -EINVAL_NAME;
	while (*encoded == '/')
		encoded++;
	len = uri_decode(encoded, NULL, 0);
	if (!len || len >= sizeof(name))
		return -EINVAL_NAME;
	uri_decode(encoded, name, sizeof(name));

	file = heap_zalloc(sizeof(*file));
	if (!file)
		return -ENOMEM;
	ref_init(&file->refcnt, fw_cfg_uri_free);
	xfer_init(&file->xfer, &fw_cfg_uri_operations, &file->refcnt);
	process_init(&file->process, "fw_cfg", fw_cfg_uri_step);
	if ((rc = fw_cfg_uri_find(name, &file->selector, &file->size)) != 0) {
		ref_put(&file->refcnt);
		return rc;
	}
	if (fw_cfg_read_item(FW_CFG_ID, features, sizeof(features)) == 0)
		file->dma = !!(features[0] & FW_CFG_ID_DMA);
	xfer_plug(&file->xfer, parent);
	/* The process holds the reference we were given */
	process_add(&file->process);
	return 0;
}

/** The fw_cfg: URI opener */
struct uri_opener fw_cfg_uri_opener __uri_opener = {
	.scheme = "fw_cfg",
	.open = fw_cfg_uri_open,
};
