/** @file
 *
 * Real-mode stubs for the PXE API and the prefixes, in base memory
 *
 * The stubs (pxe_stubs.asm) are copied, on first use, to a block of
 * base memory claimed from the top of free base memory (the BIOS data
 * area's count at 40:13, which INT 12h reports and NBPs and operating
 * systems honour), followed by a buffer for cached DHCP packets.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"
#include "core/io.h"
#include "core/string.h"
#include "arch/x86/pxe/pxe_stubs.h"

/** BIOS data area: free base memory in KiB */
#define BDA_BASEMEM_KIB 0x413
/** Least base memory left below (KiB): room for an NBP at 7C00 */
#define BASEMEM_RESERVE_KIB 192
/** Interrupt vector table */
#define IVT_PHYS 0

#define ENOSPC_BASEMEM ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_BASEMEM, "Not enough free base memory for the PXE API");
#define EINVAL_STUBS ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_STUBS, "PXE stubs image is damaged");

extern const uint8_t pxe_stubs_image[];
extern const uint8_t pxe_stubs_image_end[];

/** The installed stubs, or NULL */
static struct pxe_stubs_header *pxe_stubs;

/** The interrupt hooks are installed */
static int pxe_stubs_hooked;

/**
 * Claim base memory from the top of free base memory
 *
 * @v len		Length
 * @v block		Block (KiB aligned)
 * @ret rc		Return status code
 */
int basemem_claim(size_t len, void **block)
{
	volatile uint16_t *basemem_kib = phys_to_virt(BDA_BASEMEM_KIB);
	unsigned int need_kib = ((len + 1023) / 1024);
	unsigned int free_kib = *basemem_kib;

	if (free_kib > 640)
		free_kib = 640;
	if (free_kib < (need_kib + BASEMEM_RESERVE_KIB))
		return -ENOSPC_BASEMEM;
	free_kib -= need_kib;
	*basemem_kib = free_kib;
	*block = phys_to_virt(free_kib * 1024);
	return 0;
}

/**
 * Give claimed base memory back, if nothing was claimed below it since
 *
 * @v block		Block from basemem_claim()
 * @v len		Length claimed
 */
void basemem_release(void *block, size_t len)
{
	volatile uint16_t *basemem_kib = phys_to_virt(BDA_BASEMEM_KIB);

	if (*basemem_kib == (virt_to_phys(block) / 1024))
		*basemem_kib += ((len + 1023) / 1024);
}

/**
 * Install the stubs in base memory (once)
 *
 * @ret header		Stubs, or NULL if there is no room
 */
struct pxe_stubs_header *pxe_stubs_install(void)
{
	const struct pxe_stubs_header *image =
		(const struct pxe_stubs_header *)pxe_stubs_image;
	size_t image_len = (pxe_stubs_image_end - pxe_stubs_image);
	struct pxe_stubs_header *header;
	uint16_t segment;
	uint16_t offset;
	void *block;
	int rc;

	if (pxe_stubs)
		return pxe_stubs;
	if (image->magic != PXE_STUBS_MAGIC || image->image_len != image_len)
		return NULL;
	if ((rc = realmode_entry_point(&segment, &offset)) != 0)
		return NULL;
	if ((rc = basemem_claim((image_len + PXE_STUBS_BUFFER_SIZE),
				&block)) != 0) {
		error_print(rc, "PXE API");
		return NULL;
	}
	header = block;
	memcpy(header, image, image_len);
	header->trampoline_offset = offset;
	header->trampoline_segment = segment;
	pxe_stubs = header;
	return header;
}

/**
 * Get the base-memory buffer that follows the stubs
 *
 * @ret buffer		Buffer (PXE_STUBS_BUFFER_SIZE bytes), or NULL
 */
void *pxe_stubs_buffer(void)
{
	if (!pxe_stubs)
		return NULL;
	return ((uint8_t *)pxe_stubs + pxe_stubs->image_len);
}

/**
 * Get the stubs' real-mode segment
 *
 * @ret segment		Segment (0 if not installed)
 */
uint16_t pxe_stubs_segment(void)
{
	return (pxe_stubs ? real_segment(pxe_stubs) : 0);
}

/**
 * Hook or unhook INT 1Ah (PXE installation check) and INT 15h (E820)
 *
 * Unhooking leaves a vector alone if someone hooked it after us.
 *
 * @v on		Hook (non-zero) or unhook
 */
void pxe_stubs_hook(int on)
{
	volatile uint32_t *ivt = phys_to_virt(IVT_PHYS);
	struct pxe_stubs_header *header = pxe_stubs;
	uint32_t int1a;
	uint32_t int15;

	if (!header || (on == pxe_stubs_hooked))
		return;
	int1a = (((uint32_t)pxe_stubs_segment() << 16) | header->int1a_hook);
	int15 = (((uint32_t)pxe_stubs_segment() << 16) | header->int15_hook);
	if (on) {
		header->old_int1a = ivt[0x1a];
		header->old_int15 = ivt[0x15];
		ivt[0x1a] = int1a;
		ivt[0x15] = int15;
	} else {
		if (ivt[0x1a] == int1a)
			ivt[0x1a] = header->old_int1a;
		if (ivt[0x15] == int15)
			ivt[0x15] = header->old_int15;
	}
	pxe_stubs_hooked = on;
}

/**
 * Return to a prefix's caller for good
 *
 * @v caller_ss		Caller's stack segment
 * @v caller_sp		Caller's stack pointer, at its saved registers
 * @ret rc		Return status code (only on failure)
 */
int pxe_stubs_exit(uint16_t caller_ss, uint16_t caller_sp)
{
	struct pxe_stubs_header *header = pxe_stubs_install();
	struct realmode_regs regs;

	if (!header)
		return -ENOSPC_BASEMEM;
	memset(&regs, 0, sizeof(regs));
	regs.eax = caller_ss;
	regs.edx = caller_sp;
	return realmode_call(pxe_stubs_segment(), header->exit, &regs, NULL,
			     0);
}
