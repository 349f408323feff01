/** @file
 *
 * What the real-mode prefix handed over, and the way back to its caller
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/init.h"
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
