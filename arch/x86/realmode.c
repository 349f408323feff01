/** @file
 *
 * Real-mode calls through the trampoline in base memory
 *
 * At start-up Ferry claims a few KiB at the top of base memory by
 * lowering the BIOS data area's count of free base memory (40:13), and
 * copies the trampoline there.  The block holds, from its start:
 *
 *     the trampoline header and code   (arch/x86/transition/trampoline.asm)
 *     the real-mode stack              (4 KiB)
 *     the bounce buffer                (BASEMEM_BUFFER_SIZE)
 *
 * The trampoline's GDT becomes Ferry's GDT for good: its flat selectors
 * are the ones the body runs on, and the body can move without the
 * trampoline knowing (see the comment at the top of trampoline.asm).
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/init.h"
#include "core/io.h"
#include "core/string.h"
#include "arch/x86/realmode.h"
#include "arch/x86/trampoline.h"

/** BIOS data area: free base memory in KiB */
#define BDA_BASEMEM_KIB 0x413

/** Least base memory Ferry leaves to the BIOS and to loaders (KiB) */
#define BASEMEM_MIN_KIB 64

/** Real-mode interrupt vector table */
#define IVT_PHYS 0

/** IRQ 0 (timer) interrupt vector under the BIOS's PIC set-up */
#define IRQ0_VECTOR 0x08

#define ENOSPC_BASEMEM ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_BASEMEM, "Not enough free base memory");
#define EINVAL_IMAGE ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_IMAGE, "Real-mode trampoline image is damaged");

/** The installed trampoline, or NULL */
static struct trampoline_header *trampoline;

/** The bounce buffer */
static void *basemem_bounce;

/** The IRQ 0 hook is installed */
static int irq0_hooked;

/** Enter the trampoline (32-bit code in base memory) */
typedef void (*trampoline_entry_t)(void);

/**
 * Build a GDT descriptor
 *
 * @v base		Segment base
 * @v limit		Segment limit (in bytes, or in pages if flags say so)
 * @v access		Access byte (present, type)
 * @v flags		Flags nibble (granularity, default size)
 * @ret descriptor	Descriptor
 */
static uint64_t realmode_descriptor(uint32_t base, uint32_t limit,
				    unsigned int access, unsigned int flags)
{
	return ((uint64_t)(limit & 0xffff) |
		((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)access << 40) |
		((uint64_t)((limit >> 16) & 0x0f) << 48) |
		((uint64_t)flags << 52) | ((uint64_t)(base >> 24) << 56));
}

/**
 * Load the trampoline's GDT and reload every segment register from it
 *
 * @v gdtr		GDT register image
 */
static void realmode_load_gdt(const struct trampoline_dtr *gdtr)
{
	__asm__ __volatile__("lgdt %0\n\t"
			     "ljmp %1, $1f\n\t"
			     "1:\n\t"
			     "movl %2, %%eax\n\t"
			     "movw %%ax, %%ds\n\t"
			     "movw %%ax, %%es\n\t"
			     "movw %%ax, %%fs\n\t"
			     "movw %%ax, %%gs\n\t"
			     "movw %%ax, %%ss\n\t"
			     :
			     : "m"(*gdtr), "i"(SEL_CODE32), "i"(SEL_DATA32)
			     : "eax", "memory");
}

/**
 * Claim base memory and install the trampoline
 *
 * Runs once, early, before anything else needs real mode.  Also switches
 * Ferry to the trampoline's GDT.
 *
 * @ret rc		Return status code
 */
int realmode_init(void)
{
	volatile uint16_t *basemem_kib = phys_to_virt(BDA_BASEMEM_KIB);
	const struct trampoline_header *image =
		(const struct trampoline_header *)trampoline_image;
	size_t image_len = (trampoline_image_end - trampoline_image);
	struct trampoline_header *header;
	unsigned int claim_kib;
	unsigned int free_kib;
	uint32_t base;
	size_t total;

	if (trampoline)
		return 0;
	if (image->magic != TRAMPOLINE_MAGIC || image->image_len != image_len)
		return -EINVAL_IMAGE;

	/* Trampoline and its stack, then the bounce buffer */
	total = (((size_t)image->total_len + 15) & ~(size_t)15);
	claim_kib = ((total + BASEMEM_BUFFER_SIZE + 1023) / 1024);
	free_kib = *basemem_kib;
	if (free_kib > 640)
		free_kib = 640;
	if (free_kib < (claim_kib + BASEMEM_MIN_KIB))
		return -ENOSPC_BASEMEM;
	free_kib -= claim_kib;
	*basemem_kib = free_kib;
	base = (free_kib * 1024);

	header = phys_to_virt(base);
	memcpy(header, image, image_len);
	basemem_bounce = phys_to_virt(base + total);

	header->gdt[SEL_CODE32 / 8] =
		realmode_descriptor(0, 0xfffff, 0x9a, 0xc);
	header->gdt[SEL_DATA32 / 8] =
		realmode_descriptor(0, 0xfffff, 0x92, 0xc);
	header->gdt[SEL_CODE16 / 8] =
		realmode_descriptor(base, 0xffff, 0x9a, 0x0);
	header->gdt[SEL_DATA16 / 8] =
		realmode_descriptor(base, 0xffff, 0x92, 0x0);
	header->gdtr.limit = (sizeof(header->gdt) - 1);
	header->gdtr.base = (base + offsetof(struct trampoline_header, gdt));
	header->pm32_ptr = (base + header->pm32_return);
	header->pm32_selector = SEL_CODE32;
	header->rm_cs = (base >> 4);
	header->rm_jump_segment = header->rm_cs;
	header->rm_exit_segment = header->rm_cs;
	header->pm_entry += base;
	trampoline = header;

	realmode_load_gdt(&header->gdtr);
	return 0;
}

/**
 * Run real-mode code
 *
 * @v type		TRAMPOLINE_CALL_FAR or TRAMPOLINE_CALL_INT
 * @v segment		Target segment
 * @v offset		Target offset
 * @v regs		Registers in and out
 * @v args		Stack arguments (far calls), or NULL
 * @v args_len		Length of stack arguments
 * @ret rc		Return status code
 */
static int realmode_run(unsigned int type, uint16_t segment, uint16_t offset,
			struct realmode_regs *regs, const void *args,
			size_t args_len)
{
	struct trampoline_header *header = trampoline;
	trampoline_entry_t entry;

	if (!header)
		return -ENODEV;
	if (args_len > REALMODE_ARGS_MAX || (args_len & 1))
		return -EINVAL;

	header->regs = *regs;
	header->regs.flags |= REALMODE_FLAG_IF;
	header->target_segment = segment;
	header->target_offset = offset;
	header->call_type = type;
	header->args_len = args_len;
	if (args_len)
		memcpy(header->args, args, args_len);

	entry = (trampoline_entry_t)((uintptr_t)header + header->pm_call);
	__asm__ __volatile__("" : : : "memory");
	entry();
	__asm__ __volatile__("" : : : "memory");

	*regs = header->regs;
	return 0;
}

/**
 * Call a BIOS interrupt
 *
 * The handler is called through the interrupt vector table as the INT
 * instruction would, with the registers and DS/ES given; on return the
 * structure holds what the handler left, flags included (test
 * REALMODE_FLAG_CF for the usual error convention).
 *
 * @v vector		Interrupt vector
 * @v regs		Registers in and out
 * @ret rc		Return status code (of the call itself, not the
 *			service: that is in the registers)
 */
int bios_int(unsigned int vector, struct realmode_regs *regs)
{
	volatile uint32_t *ivt = phys_to_virt(IVT_PHYS);
	uint32_t target;

	if (vector > 0xff)
		return -EINVAL;
	target = ivt[vector];
	return realmode_run(TRAMPOLINE_CALL_INT, (target >> 16),
			    (target & 0xffff), regs, NULL, 0);
}

/**
 * Far-call a real-mode entry point
 *
 * The arguments are pushed as they lie in memory (the first byte ends
 * up at SS:SP on entry, just above the return address) and removed
 * again after the call, as the PXE API's calling convention wants.
 *
 * @v segment		Segment
 * @v offset		Offset
 * @v regs		Registers in and out
 * @v args		Stack arguments, or NULL
 * @v args_len		Length of stack arguments (even, at most
 *			REALMODE_ARGS_MAX)
 * @ret rc		Return status code
 */
int realmode_call(uint16_t segment, uint16_t offset, struct realmode_regs *regs,
		  const void *args, size_t args_len)
{
	return realmode_run(TRAMPOLINE_CALL_FAR, segment, offset, regs, args,
			    args_len);
}

/**
 * Find the real-mode to protected-mode entry
 *
 * Real-mode code reaches a 32-bit handler by pushing the handler's
 * address (a dword) and far-calling this address (see realmode.h).
 *
 * @v segment		Segment to far-call
 * @v offset		Offset to far-call
 * @ret rc		Return status code
 */
int realmode_entry_point(uint16_t *segment, uint16_t *offset)
{
	if (!trampoline)
		return -ENODEV;
	*segment = trampoline->rm_cs;
	*offset = trampoline->rm_entry;
	return 0;
}

/**
 * Find the base memory the trampoline occupies
 *
 * @v start		Start (physical)
 * @v len		Length, bounce buffer included
 * @ret rc		Return status code
 */
int realmode_extent(uint32_t *start, uint32_t *len)
{
	if (!trampoline)
		return -ENODEV;
	*start = virt_to_phys(trampoline);
	*len = ((virt_to_phys(basemem_bounce) + BASEMEM_BUFFER_SIZE) -
		*start);
	return 0;
}

/**
 * Get the base-memory bounce buffer
 *
 * One buffer of BASEMEM_BUFFER_SIZE bytes below 640 KiB, for data that
 * real-mode code reads or writes (E820 entries, PXE parameter blocks).
 * It is shared: use it for one call at a time and copy results out.
 *
 * @ret buffer		Buffer, or NULL before realmode_init()
 */
void *basemem_buffer(void)
{
	return basemem_bounce;
}

/**
 * Install (or reconfigure) the IRQ 0 hook
 *
 * @v uart_port		UART the hook drains into the ring, or 0
 * @v own_tick		Keep the BIOS tick without calling the BIOS's
 *			timer handler
 * @ret rc		Return status code
 */
int realmode_hook_irq0(uint16_t uart_port, int own_tick)
{
	volatile uint32_t *ivt = phys_to_virt(IVT_PHYS);
	struct trampoline_header *header = trampoline;

	if (!header)
		return -ENODEV;
	header->uart_port = uart_port;
	header->irq0_mode =
		(own_tick ? TRAMPOLINE_IRQ0_OWN_TICK : TRAMPOLINE_IRQ0_CHAIN);
	if (!irq0_hooked) {
		header->old_irq0 = ivt[IRQ0_VECTOR];
		ivt[IRQ0_VECTOR] =
			(((uint32_t)header->rm_cs << 16) | header->irq0_hook);
		irq0_hooked = 1;
	}
	return 0;
}

/**
 * Change the UART the IRQ 0 hook drains, keeping the hook
 *
 * While a PXE NBP runs, the serial port is the NBP's: the hook must not
 * take its input (arch/x86/pxe/pxe_nbp.c).
 *
 * @v uart_port		UART to drain, or 0 for none
 * @ret old		UART drained until now
 */
uint16_t realmode_irq0_uart(uint16_t uart_port)
{
	uint16_t old;

	if (!trampoline)
		return 0;
	old = trampoline->uart_port;
	trampoline->uart_port = uart_port;
	return old;
}

/**
 * Remove the IRQ 0 hook, if nobody has hooked the vector after us
 */
void realmode_unhook_irq0(void)
{
	volatile uint32_t *ivt = phys_to_virt(IVT_PHYS);
	struct trampoline_header *header = trampoline;
	uint32_t ours;

	if (!irq0_hooked)
		return;
	ours = (((uint32_t)header->rm_cs << 16) | header->irq0_hook);
	if (ivt[IRQ0_VECTOR] == ours) {
		ivt[IRQ0_VECTOR] = header->old_irq0;
		irq0_hooked = 0;
	}
	header->uart_port = 0;
}

/**
 * Take a byte from the ring the IRQ 0 hook fills
 *
 * Bytes in the ring left the UART before any byte still in it, so a
 * reader that empties the ring before reading the UART keeps the order.
 *
 * @ret character	Byte, or -1 if the ring is empty
 */
int realmode_ring_get(void)
{
	volatile struct trampoline_header *header = trampoline;
	uint16_t tail;
	int character;

	if (!header)
		return -1;
	tail = header->ring_tail;
	if (tail == header->ring_head)
		return -1;
	character = header->ring[tail];
	header->ring_tail = ((tail + 1) % TRAMPOLINE_RING_SIZE);
	return character;
}

/**
 * Remove the IRQ 0 hook before the machine is handed on
 *
 * @v booting		An operating system is about to run
 */
static void realmode_shutdown(int booting)
{
	realmode_unhook_irq0();
}

/** Remove the IRQ 0 hook at shutdown */
struct shutdown_fn realmode_shutdown_fn __shutdown_fn = {
	.name = "realmode",
	.shutdown = realmode_shutdown,
};
