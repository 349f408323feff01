/** @file
 *
 * Moving the body to the top of memory
 *
 * A loader puts the body at 1 MiB, which is where a Linux kernel has to
 * go when Ferry boots one.  So once the memory map is known, Ferry moves
 * its body (code, data, .bss with the stack) and its heap to the top of
 * the largest usable region below 4 GiB and carries on there.  The rest
 * of RAM becomes the image area.
 *
 * The move runs before anything stores a pointer into the body at run
 * time (only the IDT does, and it is rebuilt afterwards); pointers in
 * initialised data are fixed up from the relocation table.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"
#include "core/io.h"
#include "arch/x86/e820.h"
#include "arch/x86/pcbios.h"
#include "arch/x86/relocate.h"

/** Alignment of the body's new address */
#define RELOCATE_ALIGN 4096

#define ENOMEM_RELOCATE ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_RELOCATE, "Not enough memory for Ferry");

/** What the position-independent mover needs (relocate_body.asm) */
struct relocate_move {
	/** Where the body is now */
	uint32_t source;
	/** Where it goes */
	uint32_t dest;
	/** Bytes to copy */
	uint32_t length;
	/** Relocation table */
	uint32_t table;
	/** Offset from the body's start at which to continue */
	uint32_t entry;
	/** Offset from the body's start of the new stack top */
	uint32_t stack;
};

extern void __noreturn relocate_body(const struct relocate_move *move);

/**
 * Round up
 *
 * @v value		Value
 * @v align		Alignment (a power of two)
 * @ret value		Rounded value
 */
static inline uint32_t relocate_round_up(uint32_t value, uint32_t align)
{
	return ((value + align - 1) & ~(align - 1));
}

/**
 * Decide where the body and heap live, and move the body there
 *
 * Returns only if the body stays where it is (there is no relocation
 * table) or there is no room; then the heap goes at the top of the
 * largest region.  Otherwise continues at pcbios_continue() in the moved
 * body.
 *
 * @v table		Relocation table, or NULL
 * @ret rc		Return status code
 */
int relocate(const struct reloc_table *table)
{
	struct memory_range ranges[MEMORY_RANGES_MAX];
	struct memory_range exclude[2];
	struct relocate_move move;
	struct memory_range *best = NULL;
	uint32_t body_len;
	uint32_t table_len = 0;
	uint32_t need;
	uint32_t dest;
	unsigned int count;
	unsigned int i;

	body_len = relocate_round_up((_end - _text), RELOCATE_ALIGN);
	if (table && table->magic == RELOC_TABLE_MAGIC)
		table_len = (sizeof(*table) + table->length);
	else
		table = NULL;

	/* Keep clear of the running body (and its table), and of any
	 * initrd the loader left for us
	 */
	exclude[0].start = virt_to_phys(_text);
	exclude[0].end = (virt_to_phys(_end) + table_len);
	exclude[1].start = pcbios_layout.initrd_start;
	exclude[1].end =
		(pcbios_layout.initrd_start + pcbios_layout.initrd_len);
	count = memory_usable(ranges, MEMORY_RANGES_MAX, exclude, 2);
	for (i = 0; i < count; i++) {
		if (!best || (ranges[i].end - ranges[i].start) >
				     (best->end - best->start))
			best = &ranges[i];
	}

	need = (table ? body_len : 0) + PCBIOS_HEAP_SIZE;
	if (!best || (best->end - best->start) < need)
		return -ENOMEM_RELOCATE;
	dest = ((best->end - need) & ~(RELOCATE_ALIGN - 1));

	if (!table) {
		/* Stay: only the heap goes high */
		pcbios_layout.heap_offset = (dest - virt_to_phys(_text));
		pcbios_layout.heap_len = PCBIOS_HEAP_SIZE;
		return 0;
	}

	pcbios_layout.heap_offset = body_len;
	pcbios_layout.heap_len = PCBIOS_HEAP_SIZE;
	move.source = virt_to_phys(_text);
	move.dest = dest;
	move.length = (_end - _text);
	move.table = virt_to_phys(table);
	move.entry = ((char *)pcbios_continue - _text);
	move.stack = (_stack_top - _text);
	relocate_body(&move);
}
