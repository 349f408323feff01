/** @file
 *
 * What the real-mode prefix handed over, and the way back to its caller
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/exit.h"
#include "core/init.h"
#include "core/printf.h"
#include "arch/x86/prefix.h"
#include "arch/x86/pxe/pxe_stubs.h"

#define ENOTSUP_EXIT ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_EXIT, "Ferry was not started by a PXE ROM or a BIOS");

/**
 * What the prefix handed over
 *
 * In .data, not .bss: the prefix writes it into the unpacked body before
 * the body starts (and zeroes .bss).
 */
struct prefix_info prefix_info __attribute__((section(".data.prefix_info")));

/**
 * Test how Ferry was started
 *
 * @v type		PREFIX_TYPE_...
 * @ret is		Ferry was started by a prefix of that type
 */
int prefix_is(unsigned int type)
{
	return (prefix_info.magic == PREFIX_MAGIC && prefix_info.type == type);
}

/**
 * Return to whoever started Ferry (PXE base code, BIOS boot menu)
 *
 * Runs the shutdown functions first.  Returns only on failure.
 *
 * @ret rc		Return status code
 */
int prefix_exit(void)
{
	if (prefix_info.magic != PREFIX_MAGIC ||
	    (prefix_info.flags & PREFIX_FLAG_NO_CALLER))
		return -ENOTSUP_EXIT;
	shutdown_run_all(0);
	return pxe_stubs_exit(prefix_info.caller_ss, prefix_info.caller_sp);
}

/**
 * Leave Ferry's command line: back to the BIOS or the PXE ROM
 *
 * The BIOS (after an option ROM's BEV) or the PXE ROM (after .pxe or
 * .kpxe) then tries its next boot device.  A .pxe whose PXE stack was
 * unloaded has nobody to return to: Ferry powers off then.
 *
 * @ret rc		Return status code (only if it could not return)
 */
static int prefix_exit_shell(void)
{
	int rc;

	if (prefix_info.magic != PREFIX_MAGIC ||
	    (prefix_info.flags & PREFIX_FLAG_NO_CALLER))
		return -ENOTSUP_EXIT;
	printf("Returning to the %s for its next boot device\n",
	       (prefix_is(PREFIX_TYPE_ROM) ? "BIOS" : "PXE ROM"));
	rc = prefix_exit();
	error_print(rc, "returning to the firmware");
	return rc;
}

/** "exit" at the top-level command line */
struct exit_method prefix_exit_method __exit_method = {
	.name = "firmware",
	.exit = prefix_exit_shell,
};
