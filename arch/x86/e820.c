/** @file
 *
 * The BIOS memory map (INT 15h E820, with E801 and 88 fallbacks)
 *
 * The map is read once at start-up, before Ferry moves itself, and kept
 * for platform_memmap().  memory_usable() turns it into the RAM Ferry may
 * use: usable regions between 1 MiB and 4 GiB, minus anything any other
 * region claims (BIOS maps may overlap), minus what the caller excludes.
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/platform.h"
#include "core/string.h"
#include "arch/x86/e820.h"
#include "arch/x86/realmode.h"

/** "SMAP" */
#define E820_SIGNATURE 0x534d4150

/** Most regions kept */
#define E820_MAX_REGIONS 128

/** E820 extended attribute: region is enabled */
#define E820_ATTR_ENABLED 0x01

/** An E820 entry as the BIOS writes it */
struct e820_entry {
	uint64_t start;
	uint64_t length;
	uint32_t type;
	uint32_t attributes;
} __attribute__((packed));

#define ENOTSUP_MEMMAP ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_MEMMAP, "BIOS reports no memory map");

/** The memory map */
static struct memmap_region e820_regions[E820_MAX_REGIONS];

/** Number of regions in e820_regions */
static unsigned int e820_count;

/**
 * Add a region to the map, keeping it sorted by start address
 *
 * @v start		Start
 * @v length		Length
 * @v type		Type (MEMMAP_...)
 */
static void e820_add(uint64_t start, uint64_t length, unsigned int type)
{
	unsigned int i;

	if (!length || e820_count >= E820_MAX_REGIONS)
		return;
	if (type < MEMMAP_USABLE || type > MEMMAP_UNUSABLE)
		type = MEMMAP_RESERVED;
	for (i = e820_count; i > 0 && e820_regions[i - 1].start > start; i--)
		e820_regions[i] = e820_regions[i - 1];
	e820_regions[i].start = start;
	e820_regions[i].length = length;
	e820_regions[i].type = type;
	e820_count++;
}

/**
 * Read the map with INT 15h AX=E820h
 *
 * @ret rc		Return status code
 */
static int e820_read_e820(void)
{
	struct e820_entry *entry = basemem_buffer();
	struct realmode_regs regs;
	uint32_t continuation = 0;
	unsigned int calls;
	unsigned int got = 0;

	for (calls = 0; calls < 1024; calls++) {
		memset(&regs, 0, sizeof(regs));
		memset(entry, 0, sizeof(*entry));
		entry->attributes = E820_ATTR_ENABLED;
		regs.eax = 0xe820;
		regs.ebx = continuation;
		regs.ecx = sizeof(*entry);
		regs.edx = E820_SIGNATURE;
		regs.es = real_segment(entry);
		regs.edi = real_offset(entry);
		bios_int(0x15, &regs);
		/* Carry, or a wrong signature, ends the map (or there is
		 * none, on the first call)
		 */
		if ((regs.flags & REALMODE_FLAG_CF) ||
		    regs.eax != E820_SIGNATURE)
			break;
		if (regs.ecx < 20)
			break;
		if (regs.ecx < 24 || (entry->attributes & E820_ATTR_ENABLED))
			e820_add(entry->start, entry->length, entry->type);
		got++;
		continuation = regs.ebx;
		if (!continuation)
			break;
	}
	return (got ? 0 : -ENOTSUP_MEMMAP);
}

/**
 * Free base memory, as INT 12h reports it
 *
 * @ret bytes		Bytes from 0
 */
static uint32_t e820_basemem(void)
{
	struct realmode_regs regs;

	memset(&regs, 0, sizeof(regs));
	bios_int(0x12, &regs);
	return ((regs.eax & 0xffff) * 1024);
}

/**
 * Make up a map from INT 15h AX=E801h, or from INT 15h AH=88h
 *
 * @ret rc		Return status code
 */
static int e820_read_legacy(void)
{
	struct realmode_regs regs;
	uint32_t below_16m_kib;
	uint32_t above_16m_64k;

	e820_add(0, e820_basemem(), MEMMAP_USABLE);

	memset(&regs, 0, sizeof(regs));
	regs.eax = 0xe801;
	bios_int(0x15, &regs);
	if (!(regs.flags & REALMODE_FLAG_CF)) {
		below_16m_kib = (regs.ecx & 0xffff);
		above_16m_64k = (regs.edx & 0xffff);
		if (!below_16m_kib && !above_16m_64k) {
			below_16m_kib = (regs.eax & 0xffff);
			above_16m_64k = (regs.ebx & 0xffff);
		}
		e820_add(0x100000, (below_16m_kib * 1024ULL), MEMMAP_USABLE);
		e820_add(0x1000000, (above_16m_64k * 65536ULL), MEMMAP_USABLE);
		return 0;
	}

	memset(&regs, 0, sizeof(regs));
	regs.eax = 0x8800;
	bios_int(0x15, &regs);
	if (!(regs.flags & REALMODE_FLAG_CF)) {
		e820_add(0x100000, ((regs.eax & 0xffff) * 1024ULL),
			 MEMMAP_USABLE);
		return 0;
	}
	return -ENOTSUP_MEMMAP;
}

/**
 * Read the BIOS memory map
 *
 * Called once at start-up, with the trampoline installed.
 *
 * @ret rc		Return status code
 */
int e820_read(void)
{
	int rc;

	e820_count = 0;
	if ((rc = e820_read_e820()) == 0)
		return 0;
	e820_count = 0;
	return e820_read_legacy();
}

/**
 * Read the platform's memory map
 *
 * @v regions		Array to fill
 * @v max_regions	Size of the array
 * @ret count		Number of regions there are
 */
unsigned int platform_memmap(struct memmap_region *regions,
			     unsigned int max_regions)
{
	unsigned int i;

	for (i = 0; i < e820_count && i < max_regions; i++)
		regions[i] = e820_regions[i];
	return e820_count;
}

/**
 * Take a range out of a set of ranges
 *
 * @v ranges		Ranges
 * @v count		Number of ranges (updated)
 * @v max		Size of the array
 * @v start		Start of the range to remove
 * @v end		End of the range to remove (exclusive)
 */
static void memory_subtract(struct memory_range *ranges, unsigned int *count,
			    unsigned int max, uint64_t start, uint64_t end)
{
	struct memory_range *range;
	unsigned int i;

	if (start >= end)
		return;
	for (i = 0; i < *count; i++) {
		range = &ranges[i];
		if (end <= range->start || start >= range->end)
			continue;
		if (start <= range->start && end >= range->end) {
			/* Covers it all: drop it */
			memmove(range, (range + 1),
				((*count - i - 1) * sizeof(*range)));
			(*count)--;
			i--;
		} else if (start > range->start && end < range->end) {
			/* In the middle: split (or lose the top part if
			 * there is no room, which only wastes memory)
			 */
			if (*count < max) {
				ranges[*count].start = end;
				ranges[*count].end = range->end;
				(*count)++;
			}
			range->end = start;
		} else if (start <= range->start) {
			range->start = end;
		} else {
			range->end = start;
		}
	}
}

/**
 * Find the RAM Ferry may use
 *
 * @v ranges		Array to fill, sorted by address on return
 * @v max		Size of the array
 * @v exclude		Ranges to leave out (e.g. Ferry itself), or NULL
 * @v exclude_count	Number of ranges to leave out
 * @ret count		Number of ranges filled
 */
unsigned int memory_usable(struct memory_range *ranges, unsigned int max,
			   const struct memory_range *exclude,
			   unsigned int exclude_count)
{
	const struct memmap_region *region;
	struct memory_range swap;
	unsigned int count = 0;
	uint64_t start;
	uint64_t end;
	unsigned int i;
	unsigned int j;

	/* Usable regions, clipped to what 32-bit code may use */
	for (i = 0; i < e820_count && count < max; i++) {
		region = &e820_regions[i];
		if (region->type != MEMMAP_USABLE)
			continue;
		start = region->start;
		end = (region->start + region->length);
		if (start < MEMORY_USABLE_MIN)
			start = MEMORY_USABLE_MIN;
		if (end > MEMORY_USABLE_MAX)
			end = MEMORY_USABLE_MAX;
		start = ((start + 4095) & ~4095ULL);
		end &= ~4095ULL;
		if (start >= end)
			continue;
		ranges[count].start = start;
		ranges[count].end = end;
		count++;
	}

	/* Whatever anything else claims is not usable */
	for (i = 0; i < e820_count; i++) {
		region = &e820_regions[i];
		if (region->type == MEMMAP_USABLE)
			continue;
		memory_subtract(ranges, &count, max, region->start,
				(region->start + region->length));
	}
	for (i = 0; i < exclude_count; i++) {
		memory_subtract(ranges, &count, max,
				(exclude[i].start & ~4095ULL),
				((exclude[i].end + 4095) & ~4095ULL));
	}

	/* Sort and merge */
	for (i = 1; i < count; i++) {
		for (j = i; j > 0 && ranges[j - 1].start > ranges[j].start;
		     j--) {
			swap = ranges[j];
			ranges[j] = ranges[j - 1];
			ranges[j - 1] = swap;
		}
	}
	for (i = 1; i < count; i++) {
		if (ranges[i].start <= ranges[i - 1].end) {
			if (ranges[i].end > ranges[i - 1].end)
				ranges[i - 1].end = ranges[i].end;
			memmove(&ranges[i], &ranges[i + 1],
				((count - i - 1) * sizeof(ranges[0])));
			count--;
			i--;
		}
	}
	return count;
}
