/** @file
 *
 * Rebooting
 *
 * Tried in turn, each given a moment to work: the PCI reset control
 * register (CF9h), the keyboard controller's reset line, and a triple
 * fault (an empty IDT and an exception), which resets any x86.
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/io.h"
#include "core/platform.h"

/** Reset control register */
#define RESET_CONTROL_PORT     0xcf9
/** Reset control: system reset */
#define RESET_CONTROL_SYS_RST  0x02
/** Reset control: reset the CPU */
#define RESET_CONTROL_RST_CPU  0x04
/** Reset control: full reset (power cycle) */
#define RESET_CONTROL_FULL_RST 0x08

/** Keyboard controller command and status port */
#define KBC_COMMAND           0x64
/** Keyboard controller: input buffer full */
#define KBC_STATUS_INPUT_FULL 0x02
/** Keyboard controller: pulse the reset line */
#define KBC_PULSE_RESET       0xfe

/** BIOS data area: reset flag (1234h: warm boot, skip the memory test) */
#define BDA_RESET_FLAG 0x472
#define BDA_RESET_WARM 0x1234

/** How long each method gets before the next is tried */
#define REBOOT_WAIT_US 100000

/**
 * Reboot the machine
 *
 * @v warm		Non-zero for a warm reboot
 * @ret rc		Return status code (only on failure)
 */
int platform_reboot(int warm)
{
	volatile uint16_t *reset_flag = phys_to_virt(BDA_RESET_FLAG);
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };
	unsigned int polls;

	*reset_flag = (warm ? BDA_RESET_WARM : 0);

	/* PCI reset control: a cold reset also cycles power */
	outb(RESET_CONTROL_SYS_RST, RESET_CONTROL_PORT);
	outb((RESET_CONTROL_SYS_RST | RESET_CONTROL_RST_CPU |
	      (warm ? 0 : RESET_CONTROL_FULL_RST)),
	     RESET_CONTROL_PORT);
	udelay(REBOOT_WAIT_US);

	/* Keyboard controller */
	for (polls = 0; polls < 100000; polls++) {
		if (!(inb(KBC_COMMAND) & KBC_STATUS_INPUT_FULL))
			break;
	}
	outb(KBC_PULSE_RESET, KBC_COMMAND);
	udelay(REBOOT_WAIT_US);

	/* Triple fault */
	__asm__ __volatile__("lidt %0\n\t"
			     "int3\n\t"
			     :
			     : "m"(no_idt));
	return -EIO;
}
