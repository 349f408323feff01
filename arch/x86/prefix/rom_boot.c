/** @file
 *
 * Booting from an option ROM: its own NIC first, then back to the BIOS
 *
 * The BIOS boots a NIC's ROM through its BEV.  Autoboot tries every
 * network device in list order, so the ROM's own NIC (the PCI function
 * the BIOS named at POST) is moved to the front; when nothing boots,
 * Ferry returns from the BEV, and the BIOS tries its next boot device
 * (BIOS Boot Specification 1.01).
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

/**
 * Put the ROM's own NIC first in the list autoboot walks
 */
static void rom_boot_order(void)
{
	struct net_device *netdev;
	char location[32];

	if (!prefix_is(PREFIX_TYPE_ROM))
		return;
	snprintf(location, sizeof(location), "PCI %02x:%02x.%x",
		 (prefix_info.busdevfn >> 8),
		 ((prefix_info.busdevfn >> 3) & 0x1f),
		 (prefix_info.busdevfn & 0x07));
	/* Where the prefix unpacked the body from (tests look for this) */
	printf("Ferry ROM (%s): body unpacked from %s\n", location,
	       ((prefix_info.flags & PREFIX_FLAG_PMM) ?
			"PMM memory" : "the option-ROM area (no PMM)"));
	for_each_netdev(netdev) {
		if (strcmp(netdev->location, location) == 0) {
			list_del(&netdev->list);
			list_add(&netdev->list, &net_devices);
			return;
		}
	}
	printf("Ferry: no driver took the ROM's own NIC (%s)\n", location);
}

/** Order the devices once they are all probed */
struct init_fn rom_boot_order_fn __init_fn(INIT_LATE) = {
	.name = "rom-boot-order",
	.init = rom_boot_order,
};

/**
 * Give the boot back to the BIOS (ROM builds, after the network failed)
 *
 * @ret rc		Return status code (only if returning failed, or
 *			Ferry was not started from a ROM)
 */
static int rom_boot_return(void)
{
	int rc;

	if (!prefix_is(PREFIX_TYPE_ROM))
		return 0;
	printf("Nothing booted: returning to the BIOS for its next boot "
	       "device\n");
	rc = prefix_exit();
	error_print(rc, "returning to the BIOS");
	return rc;
}

/** After the network (order 01): back to the BIOS */
struct boot_method rom_boot_method __table_entry(BOOT_METHODS, 02) = {
	.name = "bios",
	.boot = rom_boot_return,
};
