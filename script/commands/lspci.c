/** @file
 *
 * "lspci": list the PCI functions found at start-up
 */

#include "core/command.h"
#include "core/printf.h"
#include "drivers/bus/pci.h"

/**
 * Run "lspci"
 *
 * Prints "bus:dev.fn vendor:device class" for each function, e.g.
 * "00:03.0 8086:100e 020000".
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int lspci_exec(int argc, char **argv)
{
	struct pci_device *pci;

	for_each_pci_device(pci)
	{
		printf("%s %04x:%04x %06x\n", pci->location, pci->vendor,
		       pci->device, pci->class);
	}
	return 0;
}

/** The "lspci" command */
struct command lspci_command __command = {
	.name = "lspci",
	.usage = "lspci",
	.exec = lspci_exec,
};
