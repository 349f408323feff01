/** @file
 *
 * Start-up of the pcbios platform
 *
 * start32.asm enters pcbios_start() at the body's load address (1 MiB)
 * with a stack and .bss zeroed.  In order:
 *
 *   1. install the real-mode trampoline in base memory (Ferry's GDT
 *      from then on) and the IDT, so faults are reported;
 *   2. calibrate the clock and read the BIOS memory map;
 *   3. move the body and heap to the top of memory (relocate.c), which
 *      continues in pcbios_continue() at the new address;
 *   4. rebuild the IDT there, give the pools their memory, and run
 *      ferry_main().
 *
 * Until step 4 nothing may store a pointer into the body in memory that
 * moves with it, as the move only fixes up initialised data.
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/io.h"
#include "core/printf.h"
#include "core/shell.h"
#include "core/string.h"
#include "arch/x86/e820.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/memory_pools.h"
#include "arch/x86/pcbios.h"
#include "arch/x86/realmode.h"
#include "arch/x86/relocate.h"
#include "arch/x86/tsc_timer.h"

/** Where things are */
struct pcbios_layout pcbios_layout;

/** The block with the Linux setup header Ferry was entered with */
const void *pcbios_boot_params;

/** Copy of the command line the loader passed (empty if none) */
static char pcbios_cmdline_copy[PCBIOS_CMDLINE_MAX];

/**
 * Report a failure during start-up and stop
 *
 * @v what		What failed
 * @v rc		Return status code
 */
void pcbios_fatal(const char *what, int rc)
{
	error_print(rc, what);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

/**
 * Read a 32-bit field of the setup header
 *
 * @v offset		Offset of the field (SETUP_...)
 * @ret value		Value
 */
static uint32_t pcbios_setup_field(unsigned int offset)
{
	const uint8_t *params = pcbios_boot_params;

	return *((const uint32_t *)(params + offset));
}

/**
 * Keep the loader's command line
 *
 * A loader may leave it anywhere, including memory that becomes the
 * image area, so it is copied before anything is allocated.
 */
static void pcbios_save_cmdline(void)
{
	const char *cmdline;
	size_t len;

	cmdline = phys_to_virt(pcbios_setup_field(SETUP_CMD_LINE_PTR));
	if (!cmdline)
		return;
	len = strnlen(cmdline, (sizeof(pcbios_cmdline_copy) - 1));
	memcpy(pcbios_cmdline_copy, cmdline, len);
	pcbios_cmdline_copy[len] = '\0';
}

/**
 * Get the command line the loader passed
 *
 * @ret cmdline		Command line (empty if there was none)
 */
const char *pcbios_cmdline(void)
{
	return pcbios_cmdline_copy;
}

/**
 * Start Ferry: the first C code, at the load address
 *
 * @v boot_params	Block with the Linux setup header
 * @v table		Relocation table, or NULL
 */
void pcbios_start(const void *boot_params, const struct reloc_table *table)
{
	int rc;

	pcbios_boot_params = boot_params;
	pcbios_layout.initrd_start = pcbios_setup_field(SETUP_RAMDISK_IMAGE);
	pcbios_layout.initrd_len = pcbios_setup_field(SETUP_RAMDISK_SIZE);
	if (!pcbios_layout.initrd_len)
		pcbios_layout.initrd_start = 0;
	pcbios_save_cmdline();

	exceptions_init();
	if ((rc = realmode_init()) != 0)
		pcbios_fatal("real-mode set-up", rc);
	tsc_calibrate();
	if ((rc = e820_read()) != 0)
		pcbios_fatal("reading the memory map", rc);
	if ((rc = relocate(table)) != 0)
		pcbios_fatal("placing Ferry in memory", rc);
	pcbios_continue();
}

/**
 * Carry on at the body's final address
 */
void pcbios_continue(void)
{
	exceptions_init();
	memory_pools_init();
	ferry_main();
	for (;;)
		__asm__ __volatile__("cli; hlt");
}
