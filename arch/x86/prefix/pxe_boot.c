/** @file
 *
 * Booting as bin/ferry.pxe or bin/ferry.kpxe: the PXE ROM's NIC first,
 * and the boot given back when ferry.kpxe has no UNDI
 *
 * Autoboot tries every network device in list order, so the NIC the PXE
 * ROM booted from (arch/x86/prefix/pxe_rom.c reads it from the ROM's
 * cached DHCPACK) is moved to the front, as an option ROM's own NIC is
 * (rom_boot.c): with several NICs, Ferry does not first wait out DHCP
 * on one with no server behind it.
 *
 * ferry.kpxe has no network driver but the PXE ROM's UNDI API
 * (drivers/net/undi.c).  When the UNDI device could not be made, Ferry
 * has nothing to boot from, so before the network is tried it says why
 * in one line and hands the boot on:
 *
 *   - no PXE API at all (no valid PXENV+ or !PXE was handed over, and
 *     INT 1Ah knows none): whatever started Ferry was not a PXE ROM, so
 *     its stack cannot be trusted to return to either; Ferry calls
 *     INT 18h, the BIOS's "boot failed" entry (BIOS Boot Specification
 *     1.01), and the BIOS tries its next boot device;
 *   - a PXE ROM whose UNDI did not work (undi.c has said why): Ferry
 *     returns to the PXE ROM, which goes back to the BIOS.
 *
 * Ctrl-B at the banner still gives the command line first.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/autoboot.h"
#include "core/errors.h"
#include "core/init.h"
#include "core/list.h"
#include "core/printf.h"
#include "core/string.h"
#include "net/netdevice.h"
#include "arch/x86/prefix.h"
#include "arch/x86/pxe_rom.h"
#include "arch/x86/realmode.h"

#define ENODEV_UNDI_NIC ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_UNDI_NIC, "The PXE ROM's UNDI gave no network device");
#define EIO_INT18 ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_INT18, "The BIOS returned from INT 18h (boot failure)");

/** BIOS Boot Specification: boot failure, try the next device */
#define PXE_BOOT_FAILURE_VECTOR 0x18

/**
 * Put the NIC the PXE ROM booted from first in the list autoboot walks
 */
static void pxe_boot_order(void)
{
	struct net_device *netdev;
	uint8_t mac[ETH_ALEN];

	if (!prefix_is(PREFIX_TYPE_PXE) && !prefix_is(PREFIX_TYPE_KPXE))
		return;
	if (pxe_rom_boot_mac(mac) != 0)
		return;
	for_each_netdev(netdev) {
		if (memcmp(netdev->hw_addr, mac, ETH_ALEN) == 0) {
			list_del(&netdev->list);
			list_add(&netdev->list, &net_devices);
			return;
		}
	}
}

/** Order the devices once they are all probed */
struct init_fn pxe_boot_order_fn __init_fn(INIT_LATE) = {
	.name = "pxe-boot-order",
	.init = pxe_boot_order,
};

/**
 * Give the boot back when ferry.kpxe has no UNDI device
 *
 * @ret rc		Return status code (0 when there is a device, and
 *			the network is to be tried; else only if handing
 *			back failed)
 */
static int pxe_boot_no_undi(void)
{
	struct realmode_regs regs;
	int rc;

	if (!prefix_is(PREFIX_TYPE_KPXE) || !list_empty(&net_devices))
		return 0;

	rc = pxe_rom_find();
	if (rc != 0) {
		error_print(rc, "ferry.kpxe needs a PXE ROM: handing the boot "
			    "back to the BIOS");
		shutdown_run_all(0);
		memset(&regs, 0, sizeof(regs));
		bios_int(PXE_BOOT_FAILURE_VECTOR, &regs);
		rc = -EIO_INT18;
		error_print(rc, "ferry.kpxe");
		return rc;
	}

	error_print(-ENODEV_UNDI_NIC, "ferry.kpxe: returning to the PXE ROM");
	rc = prefix_exit();
	error_print(rc, "returning to the PXE ROM");
	return rc;
}

/** Before the network (order 01): no UNDI device, no network boot */
struct boot_method pxe_boot_no_undi_method __table_entry(BOOT_METHODS, 00) = {
	.name = "kpxe-undi",
	.boot = pxe_boot_no_undi,
};
