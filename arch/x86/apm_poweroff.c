/** @file
 *
 * Powering off through the APM BIOS (INT 15h AH=53h)
 *
 * Connect the real-mode interface, declare driver version 1.2, and set
 * the power state of all devices to "off".
 */

#include "core/errors.h"
#include "core/string.h"
#include "arch/x86/poweroff.h"
#include "arch/x86/realmode.h"

/** APM functions */
#define APM_INSTALLATION_CHECK 0x5300
#define APM_CONNECT_REAL_MODE  0x5301
#define APM_DRIVER_VERSION     0x530e
#define APM_SET_POWER_STATE    0x5307

/** APM device ID of the BIOS, and of all devices */
#define APM_DEVICE_BIOS 0x0000
#define APM_DEVICE_ALL  0x0001
/** Power state: off */
#define APM_STATE_OFF   0x0003

/** APM already connected (not an error here) */
#define APM_ERROR_CONNECTED 0x02

#define ENOTSUP_APM ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_APM, "No APM BIOS");
#define EIO_APM ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_APM, "APM BIOS refused to power off");

/**
 * Call the APM BIOS
 *
 * @v function		Function (AX)
 * @v bx		BX
 * @v cx		CX
 * @v regs		Registers on return
 * @ret ok		Carry clear
 */
static int apm_call(unsigned int function, unsigned int bx, unsigned int cx,
		    struct realmode_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->eax = function;
	regs->ebx = bx;
	regs->ecx = cx;
	bios_int(0x15, regs);
	return !(regs->flags & REALMODE_FLAG_CF);
}

/**
 * Power off through APM
 *
 * @ret rc		Return status code (only on failure)
 */
static int apm_poweroff(void)
{
	struct realmode_regs regs;

	if (!apm_call(APM_INSTALLATION_CHECK, APM_DEVICE_BIOS, 0, &regs) ||
	    (regs.ebx & 0xffff) != 0x504d /* "PM" */)
		return -ENOTSUP_APM;
	if (!apm_call(APM_CONNECT_REAL_MODE, APM_DEVICE_BIOS, 0, &regs) &&
	    ((regs.eax >> 8) & 0xff) != APM_ERROR_CONNECTED)
		return -EIO_APM;
	apm_call(APM_DRIVER_VERSION, APM_DEVICE_BIOS, 0x0102, &regs);
	if (!apm_call(APM_SET_POWER_STATE, APM_DEVICE_ALL, APM_STATE_OFF,
		      &regs))
		return -EIO_APM;
	return 0;
}

/** APM after ACPI */
struct poweroff_method apm_poweroff_method __poweroff_method(02) = {
	.name = "APM",
	.poweroff = apm_poweroff,
};
