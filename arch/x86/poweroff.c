/** @file
 *
 * Powering off: ACPI first, then APM
 */

#include "core/errors.h"
#include "core/platform.h"
#include "arch/x86/poweroff.h"

/** How long a method gets to turn the power off */
#define POWEROFF_WAIT_US 200000

/**
 * Power the machine off
 *
 * If ACPI cannot do it, the reason is printed before APM is tried: an
 * APM BIOS that cannot power off either may just halt the CPU.
 *
 * @ret rc		Return status code (only on failure)
 */
int platform_poweroff(void)
{
	int rc;

	rc = acpi_poweroff();
	if (rc == 0)
		udelay(POWEROFF_WAIT_US);
	else
		error_print(rc, "ACPI power-off; trying APM");
	if (apm_poweroff() == 0)
		udelay(POWEROFF_WAIT_US);
	return (rc ? rc : -EIO);
}
