/** @file
 *
 * The memory map an NBP sees: Ferry's memory hidden
 *
 * While a network boot program runs, Ferry stays resident: its body and
 * heap above 1 MiB, the images it keeps, and its blocks at the top of
 * base memory.  An NBP (and the kernel it loads) takes memory from the
 * BIOS's map, so the INT 15h hook in the stubs sends the memory-size
 * calls here: E820 gets the BIOS map with Ferry's ranges turned into
 * reserved ones, E801 and 88h the usable memory from 1 MiB up to the
 * first hidden or missing byte.  The map is built once before the NBP
 * starts; the hook goes when the NBP unloads the stack or returns.
 */

#include <stdint.h>
#include "core/compiler.h"
#include "core/platform.h"
#include "core/string.h"
#include "arch/x86/realmode.h"
#include "arch/x86/pxe/pxe_call.h"
#include "arch/x86/pxe/pxe_nbp.h"

/** "SMAP" */
#define PXE_MEMMAP_SIGNATURE 0x534d4150

/** Most regions read from the platform */
#define PXE_MEMMAP_BIOS_MAX 128

/** Most regions in the map served (each hidden range splits one) */
#define PXE_MEMMAP_MAX (PXE_MEMMAP_BIOS_MAX + (2 * PXE_MEMMAP_HIDDEN_MAX))

/** 1 MiB */
#define PXE_MEMMAP_1M  0x100000ULL
/** 16 MiB */
#define PXE_MEMMAP_16M 0x1000000ULL

/** An E820 entry as returned to the caller */
struct pxe_memmap_entry {
	uint64_t start;
	uint64_t length;
	uint32_t type;
	uint32_t attributes;
} __packed;

/** The map served */
static struct memmap_region pxe_memmap[PXE_MEMMAP_MAX];

/** Number of entries in pxe_memmap */
static unsigned int pxe_memmap_count;

/**
 * Append a region to the map served
 *
 * @v start		Start
 * @v end		End (exclusive)
 * @v type		Type
 */
static void pxe_memmap_add(uint64_t start, uint64_t end, unsigned int type)
{
	if (end <= start || pxe_memmap_count >= PXE_MEMMAP_MAX)
		return;
	pxe_memmap[pxe_memmap_count].start = start;
	pxe_memmap[pxe_memmap_count].length = (end - start);
	pxe_memmap[pxe_memmap_count].type = type;
	pxe_memmap_count++;
}

/**
 * Build the map an NBP sees
 *
 * @v hidden		Ranges to hide (sorted by start, not overlapping)
 * @v hidden_count	Number of ranges
 */
void pxe_memmap_build(const struct memory_range *hidden,
		      unsigned int hidden_count)
{
	struct memmap_region bios[PXE_MEMMAP_BIOS_MAX];
	unsigned int count;
	unsigned int i;
	unsigned int j;
	uint64_t cursor;
	uint64_t end;
	uint64_t start;
	uint64_t stop;

	pxe_memmap_count = 0;
	count = platform_memmap(bios, PXE_MEMMAP_BIOS_MAX);
	if (count > PXE_MEMMAP_BIOS_MAX)
		count = PXE_MEMMAP_BIOS_MAX;
	for (i = 0; i < count; i++) {
		cursor = bios[i].start;
		end = (bios[i].start + bios[i].length);
		if (bios[i].type != MEMMAP_USABLE) {
			pxe_memmap_add(cursor, end, bios[i].type);
			continue;
		}
		for (j = 0; j < hidden_count; j++) {
			start = max(hidden[j].start, cursor);
			stop = min(hidden[j].end, end);
			if (start >= stop)
				continue;
			pxe_memmap_add(cursor, start, MEMMAP_USABLE);
			pxe_memmap_add(start, stop, MEMMAP_RESERVED);
			cursor = stop;
		}
		pxe_memmap_add(cursor, end, MEMMAP_USABLE);
	}
}

/**
 * Check that a range is usable memory in the map served
 *
 * @v start		Start
 * @v len		Length
 * @ret usable		The range lies in one usable region
 */
int pxe_memmap_usable(uint64_t start, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < pxe_memmap_count; i++) {
		if (pxe_memmap[i].type == MEMMAP_USABLE &&
		    start >= pxe_memmap[i].start &&
		    (start + len) <=
			    (pxe_memmap[i].start + pxe_memmap[i].length))
			return 1;
	}
	return 0;
}

/**
 * End of the usable memory that starts at 1 MiB, in the map served
 *
 * @ret end		End (1 MiB if there is none)
 */
static uint64_t pxe_memmap_extended_end(void)
{
	uint64_t end = PXE_MEMMAP_1M;
	unsigned int i;
	int grew;

	/* Regions may come in any order of adjacency: extend until no
	 * usable region continues the range
	 */
	do {
		grew = 0;
		for (i = 0; i < pxe_memmap_count; i++) {
			if (pxe_memmap[i].type != MEMMAP_USABLE)
				continue;
			if (pxe_memmap[i].start <= end &&
			    (pxe_memmap[i].start + pxe_memmap[i].length) >
				    end) {
				end = (pxe_memmap[i].start +
				       pxe_memmap[i].length);
				grew = 1;
			}
		}
	} while (grew);
	return end;
}

/**
 * Answer INT 15h E820, E801 or 88h from the map served
 *
 * Called through the stubs' INT 15h hook (pxe_stubs.asm).  The caller's
 * flags, which IRET restores, lie above the frame: CF goes there.
 *
 * @v frame		Caller's registers
 */
void pxe_memmap_int15(struct realmode_frame *frame)
{
	uint16_t *iret_flags = ((uint16_t *)realmode_frame_stack(frame) + 2);
	struct pxe_memmap_entry *entry;
	uint64_t extended;
	uint32_t index;
	uint32_t below_16m;
	uint32_t above_16m;
	size_t len;

	if ((frame->eax & 0xffff) == 0xe801 ||
	    (frame->eax & 0xff00) == 0x8800) {
		extended = pxe_memmap_extended_end();
		if (extended > 0xffffffffULL)
			extended = 0xffffffffULL;
		below_16m = ((min(extended, PXE_MEMMAP_16M) - PXE_MEMMAP_1M) /
			     1024);
		above_16m = ((extended > PXE_MEMMAP_16M)
				     ? ((extended - PXE_MEMMAP_16M) / 65536)
				     : 0);
		if ((frame->eax & 0xffff) == 0xe801) {
			frame->eax = frame->ecx = below_16m;
			frame->ebx = frame->edx = min(above_16m, 0xffffU);
		} else {
			index = ((extended - PXE_MEMMAP_1M) / 1024);
			frame->eax = ((frame->eax & 0xffff0000UL) |
				      min(index, 0xffffU));
		}
		*iret_flags &= ~REALMODE_FLAG_CF;
		return;
	}

	/* E820: EBX is the index of the entry wanted */
	index = frame->ebx;
	len = (frame->ecx < sizeof(*entry)) ? frame->ecx : sizeof(*entry);
	entry = pxe_api_buffer(frame->es, (frame->edi & 0xffff), len);
	if (index >= pxe_memmap_count || len < 20 || !entry) {
		*iret_flags |= REALMODE_FLAG_CF;
		return;
	}
	entry->start = pxe_memmap[index].start;
	entry->length = pxe_memmap[index].length;
	entry->type = pxe_memmap[index].type;
	if (len >= sizeof(*entry))
		entry->attributes = 1;
	frame->eax = PXE_MEMMAP_SIGNATURE;
	frame->ecx = len;
	frame->ebx = (((index + 1) < pxe_memmap_count) ? (index + 1) : 0);
	*iret_flags &= ~REALMODE_FLAG_CF;
}
