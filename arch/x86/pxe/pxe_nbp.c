/** @file
 *
 * Network boot programs (PXE NBPs)
 *
 * An image no other type claims is an NBP (probed last), unless it is
 * plain text.  It runs as a PXE ROM would run it: copied to 0000:7C00
 * and far-called in real mode with ES:BX pointing at PXENV+ and the far
 * pointer to !PXE at SS:SP+4, with the PXE API (pxe_api.c) served by
 * Ferry's own stack and drivers while Ferry stays resident above 1 MiB.
 * INT 1Ah AX=5650h finds PXENV+; INT 15h reports memory without Ferry's
 * (pxe_memmap.c).
 *
 * An NBP either boots something else, usually after UNLOAD STACK, or
 * returns (RETF) with a status in AX, which ends the image like iPXE's
 * "exit": Ferry takes its hooks off and carries on.  Since an NBP may use
 * any memory Ferry does not hide, the NBP's own image is released when
 * it starts (its bytes are at 7C00 by then), the other images are
 * hidden from its memory map, and the image area's free space is built
 * afresh when it returns.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "core/string.h"
#include "image/image.h"
#include "arch/x86/memory_pools.h"
#include "arch/x86/pcbios.h"
#include "arch/x86/realmode.h"
#include "arch/x86/pxe/pxe_api.h"
#include "arch/x86/pxe/pxe_nbp.h"
#include "arch/x86/pxe/pxe_stubs.h"

/** Where an NBP is loaded and entered */
#define NBP_LOAD_ADDRESS 0x7c00

/** Bytes looked at to tell plain text from an NBP */
#define NBP_TEXT_PROBE_LEN 512

/** BIOS data area: free base memory in KiB */
#define BDA_BASEMEM_KIB 0x413

/** Highest address of base memory */
#define NBP_BASEMEM_MAX 0xa0000

#define ENOEXEC_TEXT ERROR_CODE(ERRCLASS_ENOEXEC, 1)
#define E2BIG_NBP    ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_NBP, "PXE NBP is too big for free base memory");
#define ENOSPC_STUBS ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_STUBS, "Not enough free base memory for the PXE API");
#define E2BIG_IMAGES ERROR_CODE(ERRCLASS_E2BIG, 2)
ERROR_MESSAGE(E2BIG_IMAGES, "Too many images kept to run a PXE NBP");
#define EIO_NBP_STATUS ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_NBP_STATUS, "PXE NBP returned a failure status");
#define ECANCELED_UNLOADED ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_UNLOADED,
	      "PXE NBP returned after unloading the PXE stack");

/**
 * End of the base memory an NBP may use (Ferry's blocks are above)
 *
 * @ret end		Physical address
 */
uint32_t pxe_nbp_base_memory_end(void)
{
	volatile uint16_t *basemem_kib = phys_to_virt(BDA_BASEMEM_KIB);
	uint32_t end = ((uint32_t)*basemem_kib * 1024);

	return ((end > NBP_BASEMEM_MAX) ? NBP_BASEMEM_MAX : end);
}

/**
 * Ferry's block above 1 MiB: body, data and heap
 *
 * @v start		Start (physical)
 * @v end		End (physical, exclusive)
 */
static void pxe_nbp_ferry_extent(uint32_t *start, uint32_t *end)
{
	uint32_t heap_start = (virt_to_phys(_text) + pcbios_layout.heap_offset);
	uint32_t heap_end = (heap_start + pcbios_layout.heap_len);

	*start = virt_to_phys(_text);
	*end = max(virt_to_phys(_end), heap_end);
}

/**
 * Check whether an image is an NBP
 *
 * Anything is, but plain text (a script or a configuration file that
 * failed to be one is better reported than run as code).
 *
 * @v image		Image
 * @ret rc		0 if it is, -ENOEXEC if not
 */
static int nbp_probe(struct image *image)
{
	const uint8_t *bytes = image->data;
	size_t len = min(image->len, (size_t)NBP_TEXT_PROBE_LEN);
	size_t i;

	for (i = 0; i < len; i++) {
		if ((bytes[i] < 0x20 || bytes[i] > 0x7e) && bytes[i] != '\t' &&
		    bytes[i] != '\r' && bytes[i] != '\n')
			return 0;
	}
	return -ENOEXEC_TEXT;
}

/**
 * Compute an 8-bit checksum byte so that the bytes sum to zero
 *
 * @v data		Structure (its checksum byte zero)
 * @v len		Length
 * @ret checksum	Value for the checksum byte
 */
static uint8_t nbp_checksum(const void *data, size_t len)
{
	const uint8_t *bytes = data;
	uint8_t sum = 0;

	while (len--)
		sum += *(bytes++);
	return (uint8_t)(0 - sum);
}

/**
 * Fill in PXENV+ and !PXE for the installed stubs
 *
 * Both describe Ferry's base-memory blocks as the "UNDI" and "base
 * code" segments: an NBP that unloads the stack may free them (pxelinux
 * gives back base memory up to their end).
 *
 * @v stubs		Installed stubs
 */
static void nbp_fill_structures(struct pxe_stubs_header *stubs)
{
	struct pxenv *pxenv = (void *)((uint8_t *)stubs + stubs->pxenv);
	struct ppxe *ppxe = (void *)((uint8_t *)stubs + stubs->ppxe);
	uint16_t segment = pxe_stubs_segment();
	uint32_t stubs_phys = virt_to_phys(stubs);
	uint32_t stubs_len = (stubs->image_len + PXE_STUBS_BUFFER_SIZE);
	uint32_t tramp_phys = 0;
	uint32_t tramp_len = 0;

	realmode_extent(&tramp_phys, &tramp_len);
	if (tramp_len > 0xffff)
		tramp_len = 0xffff;

	memset(pxenv, 0, sizeof(*pxenv));
	memcpy(pxenv->signature, "PXENV+", 6);
	pxenv->version = 0x0201;
	pxenv->length = sizeof(*pxenv);
	pxenv->rm_entry.segment = segment;
	pxenv->rm_entry.offset = stubs->pxenv_entry;
	pxenv->undi_code_seg = segment;
	pxenv->undi_code_size = stubs_len;
	pxenv->undi_data_seg = (tramp_phys >> 4);
	pxenv->undi_data_size = tramp_len;
	pxenv->bc_code_seg = segment;
	pxenv->bc_code_size = stubs_len;
	pxenv->bc_data_seg = (tramp_phys >> 4);
	pxenv->bc_data_size = tramp_len;
	pxenv->pxe_ptr.segment = segment;
	pxenv->pxe_ptr.offset = stubs->ppxe;
	pxenv->checksum = nbp_checksum(pxenv, sizeof(*pxenv));

	memset(ppxe, 0, sizeof(*ppxe));
	memcpy(ppxe->signature, "!PXE", 4);
	ppxe->length = sizeof(*ppxe);
	ppxe->revision = 0;
	ppxe->entry_sp.segment = segment;
	ppxe->entry_sp.offset = stubs->ppxe_entry;
	ppxe->seg_desc_count = 7;
	ppxe->undi_data.segment = (tramp_phys >> 4);
	ppxe->undi_data.physical = tramp_phys;
	ppxe->undi_data.size = tramp_len;
	ppxe->undi_code.segment = segment;
	ppxe->undi_code.physical = stubs_phys;
	ppxe->undi_code.size = stubs_len;
	ppxe->undi_code_write = ppxe->undi_code;
	ppxe->bc_data = ppxe->undi_data;
	ppxe->bc_code = ppxe->undi_code;
	ppxe->bc_code_write = ppxe->undi_code;
	ppxe->checksum = nbp_checksum(ppxe, sizeof(*ppxe));

	stubs->pxenv_handler = (uint32_t)(uintptr_t)pxe_api_pxenv_entry;
	stubs->ppxe_handler = (uint32_t)(uintptr_t)pxe_api_ppxe_entry;
	stubs->e820_handler = (uint32_t)(uintptr_t)pxe_memmap_int15;
}

/**
 * Add a range to a sorted list of ranges (merging overlaps)
 *
 * @v ranges		Ranges
 * @v count		Number of ranges (updated)
 * @v start		Start
 * @v end		End (exclusive)
 * @ret rc		Return status code
 */
static int nbp_range_add(struct memory_range *ranges, unsigned int *count,
			 uint64_t start, uint64_t end)
{
	unsigned int i;

	if (end <= start)
		return 0;
	if (*count >= PXE_MEMMAP_HIDDEN_MAX)
		return -E2BIG_IMAGES;
	for (i = *count; i > 0 && ranges[i - 1].start > start; i--)
		ranges[i] = ranges[i - 1];
	ranges[i].start = start;
	ranges[i].end = end;
	(*count)++;
	/* Merge neighbours that overlap or touch */
	for (i = 0; (i + 1) < *count;) {
		if (ranges[i + 1].start <= ranges[i].end) {
			ranges[i].end = max(ranges[i].end, ranges[i + 1].end);
			memmove(&ranges[i + 1], &ranges[i + 2],
				((*count - i - 2) * sizeof(ranges[0])));
			(*count)--;
		} else {
			i++;
		}
	}
	return 0;
}

/**
 * The image-area block holding an image's contents
 *
 * @v image		Image
 * @v start		Start of the block
 * @v end		End of the block (exclusive)
 */
static void nbp_image_block(struct image *image, uint64_t *start, uint64_t *end)
{
	size_t align = image_pool.align;
	uint64_t data = virt_to_phys(image->data);

	*start = (data - align);
	*end = (data + ((image->len + align - 1) & ~(uint64_t)(align - 1)));
}

/**
 * Work out what to hide from the NBP: Ferry and the images it keeps
 *
 * @v nbp		The NBP's image (released, not kept)
 * @v hidden		Ranges, sorted (PXE_MEMMAP_HIDDEN_MAX)
 * @v count		Number of ranges
 * @v kept		Image blocks among them (PXE_MEMMAP_HIDDEN_MAX)
 * @v kept_count	Number of image blocks
 * @ret rc		Return status code
 */
static int nbp_hidden_ranges(struct image *nbp, struct memory_range *hidden,
			     unsigned int *count, struct memory_range *kept,
			     unsigned int *kept_count)
{
	struct image *image;
	uint32_t ferry_start;
	uint32_t ferry_end;
	uint64_t start;
	uint64_t end;
	int rc;

	*count = 0;
	*kept_count = 0;
	pxe_nbp_ferry_extent(&ferry_start, &ferry_end);
	if ((rc = nbp_range_add(hidden, count, pxe_nbp_base_memory_end(),
				NBP_BASEMEM_MAX)) != 0 ||
	    (rc = nbp_range_add(hidden, count, ferry_start, ferry_end)) != 0)
		return rc;
	for_each_image(image) {
		if (image == nbp || !image->data)
			continue;
		nbp_image_block(image, &start, &end);
		if ((rc = nbp_range_add(hidden, count, start, end)) != 0 ||
		    (rc = nbp_range_add(kept, kept_count, start, end)) != 0)
			return rc;
	}
	return 0;
}

/**
 * Run an NBP
 *
 * @v image		Image
 * @ret rc		Return status code (when the NBP returns)
 */
static int nbp_exec(struct image *image)
{
	struct memory_range hidden[PXE_MEMMAP_HIDDEN_MAX];
	struct memory_range kept[PXE_MEMMAP_HIDDEN_MAX];
	struct pxe_stubs_header *stubs;
	struct realmode_regs regs;
	struct segoff ppxe_pointer;
	unsigned int hidden_count;
	unsigned int kept_count;
	uint32_t room;
	uint16_t uart_port;
	uint16_t status;
	int unloaded;
	int rc;

	stubs = pxe_stubs_install();
	if (!stubs)
		return -ENOSPC_STUBS;
	room = (pxe_nbp_base_memory_end() - NBP_LOAD_ADDRESS);
	if (image->len > room)
		return -E2BIG_NBP;
	if ((rc = nbp_hidden_ranges(image, hidden, &hidden_count, kept,
				    &kept_count)) != 0)
		return rc;

	/* From here on the NBP owns every byte Ferry does not hide */
	memcpy(phys_to_virt(NBP_LOAD_ADDRESS), image->data, image->len);
	imgmem_free(image->data);
	image->data = NULL;
	image->len = 0;

	pxe_api_start();
	nbp_fill_structures(stubs);
	pxe_memmap_build(hidden, hidden_count);
	pxe_stubs_hook(1);

	memset(&regs, 0, sizeof(regs));
	regs.es = pxe_stubs_segment();
	regs.ebx = stubs->pxenv;
	ppxe_pointer.segment = pxe_stubs_segment();
	ppxe_pointer.offset = stubs->ppxe;
	uart_port = realmode_irq0_uart(0);
	rc = realmode_call(0, NBP_LOAD_ADDRESS, &regs, &ppxe_pointer,
			   sizeof(ppxe_pointer));
	realmode_irq0_uart(uart_port);

	unloaded = pxe_api_stop();
	pxe_stubs_hook(0);
	memory_pools_rebuild_images(kept, kept_count);
	if (rc != 0)
		return rc;
	if (unloaded)
		return -ECANCELED_UNLOADED;
	status = (regs.eax & 0xffff);
	if (status != PXENV_STATUS_SUCCESS) {
		printf("%s: status %#04x\n", image->name, status);
		return -EIO_NBP_STATUS;
	}
	return 0;
}

/** PXE NBPs, probed after every other type */
struct image_type nbp_image_type __image_type(PROBE_LAST) = {
	.name = "PXE NBP",
	.probe = nbp_probe,
	.exec = nbp_exec,
};
