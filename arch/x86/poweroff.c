/** @file
 *
 * Powering off: each way built in, in order (ACPI, then APM)
 */

#include "core/errors.h"
#include "core/platform.h"
#include "core/printf.h"
#include "arch/x86/poweroff.h"

/** How long a method gets to turn the power off */
#define POWEROFF_WAIT_US 200000

/**
 * Power the machine off
 *
 * Each way built in (arch/x86/poweroff.h) is tried in turn; when one
 * cannot do it, the reason is printed before the next is tried: an APM
 * BIOS that cannot power off either may just halt the CPU.
 *
 * @ret rc		Return status code (only on failure)
 */
int platform_poweroff(void)
{
	struct poweroff_method *method;
	char context[32];
	int rc = -EIO;

	for_each_table_entry (method, POWEROFF_METHODS) {
		rc = method->poweroff();
		if (rc == 0) {
			udelay(POWEROFF_WAIT_US);
			rc = -EIO;
			continue;
		}
		snprintf(context, sizeof(context), "%s power-off",
			 method->name);
		error_print(rc, context);
	}
	return rc;
}
