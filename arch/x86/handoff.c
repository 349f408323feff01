/** @file
 *
 * Handing the machine to a kernel on x86 BIOS
 *
 * At the hand-off Ferry's body, heap and stack sit at the top of the
 * largest usable region below 4 GiB (arch/x86/relocate.c), and the
 * real-mode trampoline, with Ferry's GDT, at the top of free base memory
 * (arch/x86/realmode.c).  A kernel's pieces may go anywhere else in
 * usable RAM above 1 MiB, and in base memory between
 * HANDOFF_LOW_START and what the BIOS data area says is free; nothing
 * outside those regions is written, so the code doing the moves and the
 * jump is intact until the end.
 */

#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/init.h"
#include "core/io.h"
#include "image/handoff.h"
#include "image/placement.h"
#include "arch/x86/e820.h"
#include "arch/x86/handoff_jump.h"
#include "arch/x86/pcbios.h"

/**
 * Lowest base memory a kernel may use: the first 64 KiB hold the
 * interrupt vector table, the BIOS data area, and the boot sector or
 * network boot program that may have loaded Ferry (at 0x7c00)
 */
#define HANDOFF_LOW_START 0x10000

/** BIOS data area: free base memory in KiB */
#define BDA_BASEMEM_KIB 0x413

/** Highest address of base memory */
#define HANDOFF_LOW_MAX 0xa0000

#define ENOMEM_AREA ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_AREA, "No usable memory where the kernel must go");

/**
 * Find the memory a kernel may be loaded into
 *
 * @v near		An address the area should contain
 * @v memory		Memory found
 * @ret rc		Return status code
 */
int handoff_memory(uint64_t near, struct handoff_memory *memory)
{
	struct memory_range ranges[MEMORY_RANGES_MAX];
	struct memory_range exclude[2];
	volatile uint16_t *basemem_kib = phys_to_virt(BDA_BASEMEM_KIB);
	uint32_t heap_start;
	uint32_t low_end;
	unsigned int count;
	unsigned int i;

	/* Everything usable above 1 MiB but Ferry (body and heap are one
	 * block) and the initrd Ferry's own loader passed
	 */
	heap_start = (virt_to_phys(_text) + pcbios_layout.heap_offset);
	exclude[0].start = virt_to_phys(_text);
	exclude[0].end = max((uint64_t)virt_to_phys(_end),
			     ((uint64_t)heap_start + pcbios_layout.heap_len));
	exclude[1].start = pcbios_layout.initrd_start;
	exclude[1].end =
		(pcbios_layout.initrd_start + pcbios_layout.initrd_len);
	count = memory_usable(ranges, MEMORY_RANGES_MAX, exclude, 2);
	for (i = 0; i < count; i++) {
		if (near >= ranges[i].start && near < ranges[i].end)
			break;
	}
	if (i == count)
		return -ENOMEM_AREA;
	memory->area_start = ranges[i].start;
	memory->area_end = ranges[i].end;

	low_end = (*basemem_kib * 1024);
	if (low_end > HANDOFF_LOW_MAX)
		low_end = HANDOFF_LOW_MAX;
	if (low_end < HANDOFF_LOW_START)
		low_end = HANDOFF_LOW_START;
	memory->low_start = HANDOFF_LOW_START;
	memory->low_end = low_end;
	return 0;
}

/**
 * Leave Ferry: shut down and move everything into place
 *
 * From here on the images are being overwritten; there is no way back.
 *
 * @v placement		Checked placement
 */
void handoff_prepare(struct placement *placement)
{
	shutdown_run_all(1);
	__asm__ __volatile__("cli");
	placement_apply(placement);
}

/**
 * Start a kernel in flat 32-bit protected mode
 *
 * @v placement		Checked placement
 * @v entry		Entry point (physical)
 * @v eax		Value for EAX
 * @v ebx		Value for EBX
 */
void handoff_flat32(struct placement *placement, uint32_t entry, uint32_t eax,
		    uint32_t ebx)
{
	handoff_prepare(placement);
	handoff_jump32(entry, eax, ebx);
}
