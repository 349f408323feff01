/** @file
 *
 * PCI bus: configuration mechanism 1, enumeration and driver binding
 *
 * At start-up (INIT_DEVICES) every bus reachable from bus 0 is scanned,
 * following the bus numbers the firmware gave PCI-to-PCI bridges; each
 * function found goes on pci_devices in bus:device.function order.  Then
 * every device whose IDs are in a driver's table (PCI_DRIVERS) is offered
 * to that driver.
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/init.h"
#include "core/io.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "drivers/bus/pci.h"
#include "net/netdevice.h"

/** Configuration address port */
#define PCI_CONFIG_ADDRESS 0xcf8
/** Configuration data port */
#define PCI_CONFIG_DATA    0xcfc
/** Configuration address: enable */
#define PCI_CONFIG_ENABLE  0x80000000UL

/** Header type: multi-function device */
#define PCI_HEADER_MULTI_FUNCTION 0x80
/** Header type: layout */
#define PCI_HEADER_LAYOUT_MASK    0x7f
/** Header layout: ordinary device */
#define PCI_HEADER_NORMAL         0x00
/** Header layout: PCI-to-PCI bridge */
#define PCI_HEADER_BRIDGE         0x01

/** Bridge: subordinate bus number */
#define PCI_SUBORDINATE_BUS 0x1a

/** Base address registers of an ordinary device, and of a bridge */
#define PCI_BARS_NORMAL 6
#define PCI_BARS_BRIDGE 2

/** Base address register bits */
#define PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x06
#define PCI_BASE_ADDRESS_IO_MASK       0xfffffffcUL
#define PCI_BASE_ADDRESS_MEM_MASK      0xfffffff0UL

/** Most capabilities followed (a loop in the list must not hang us) */
#define PCI_CAPABILITIES_MAX 48

/** Every PCI function found */
LIST_HEAD(pci_devices);

#define ENODEV_PCI ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_PCI, "No PCI configuration mechanism 1");
#define EINVAL_REGISTER ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_REGISTER, "PCI register out of range or unaligned");

/**
 * Select a configuration register
 *
 * @v bus		Bus
 * @v slot		Device
 * @v function		Function
 * @v where		Register
 */
static void pci_config_select(unsigned int bus, unsigned int slot,
			      unsigned int function, unsigned int where)
{
	outl((PCI_CONFIG_ENABLE | (bus << 16) | (slot << 11) | (function << 8) |
	      (where & 0xfc)),
	     PCI_CONFIG_ADDRESS);
}

/**
 * Check a register offset for an access size
 *
 * @v where		Register
 * @v size		Access size (1, 2 or 4)
 * @ret rc		Return status code
 */
static int pci_check_register(unsigned int where, unsigned int size)
{
	if (where > (256 - size) || (where & (size - 1)))
		return -EINVAL_REGISTER;
	return 0;
}

/**
 * Read a byte of a device's configuration space
 *
 * @v pci		PCI device
 * @v where		Register
 * @v value		Value read
 * @ret rc		Return status code
 */
int pci_read_config_byte(struct pci_device *pci, unsigned int where,
			 uint8_t *value)
{
	int rc;

	if ((rc = pci_check_register(where, 1)) != 0)
		return rc;
	pci_config_select(pci->bus, pci->slot, pci->function, where);
	*value = inb(PCI_CONFIG_DATA + (where & 3));
	return 0;
}

/**
 * Read a word of a device's configuration space
 *
 * @v pci		PCI device
 * @v where		Register (even)
 * @v value		Value read
 * @ret rc		Return status code
 */
int pci_read_config_word(struct pci_device *pci, unsigned int where,
			 uint16_t *value)
{
	int rc;

	if ((rc = pci_check_register(where, 2)) != 0)
		return rc;
	pci_config_select(pci->bus, pci->slot, pci->function, where);
	*value = inw(PCI_CONFIG_DATA + (where & 2));
	return 0;
}

/**
 * Read a double word of a device's configuration space
 *
 * @v pci		PCI device
 * @v where		Register (a multiple of 4)
 * @v value		Value read
 * @ret rc		Return status code
 */
int pci_read_config_dword(struct pci_device *pci, unsigned int where,
			  uint32_t *value)
{
	int rc;

	if ((rc = pci_check_register(where, 4)) != 0)
		return rc;
	pci_config_select(pci->bus, pci->slot, pci->function, where);
	*value = inl(PCI_CONFIG_DATA);
	return 0;
}

/**
 * Write a byte of a device's configuration space
 *
 * @v pci		PCI device
 * @v where		Register
 * @v value		Value
 * @ret rc		Return status code
 */
int pci_write_config_byte(struct pci_device *pci, unsigned int where,
			  uint8_t value)
{
	int rc;

	if ((rc = pci_check_register(where, 1)) != 0)
		return rc;
	pci_config_select(pci->bus, pci->slot, pci->function, where);
	outb(value, (PCI_CONFIG_DATA + (where & 3)));
	return 0;
}

/**
 * Write a word of a device's configuration space
 *
 * @v pci		PCI device
 * @v where		Register (even)
 * @v value		Value
 * @ret rc		Return status code
 */
int pci_write_config_word(struct pci_device *pci, unsigned int where,
			  uint16_t value)
{
	int rc;

	if ((rc = pci_check_register(where, 2)) != 0)
		return rc;
	pci_config_select(pci->bus, pci->slot, pci->function, where);
	outw(value, (PCI_CONFIG_DATA + (where & 2)));
	return 0;
}

/**
 * Write a double word of a device's configuration space
 *
 * @v pci		PCI device
 * @v where		Register (a multiple of 4)
 * @v value		Value
 * @ret rc		Return status code
 */
int pci_write_config_dword(struct pci_device *pci, unsigned int where,
			   uint32_t value)
{
	int rc;

	if ((rc = pci_check_register(where, 4)) != 0)
		return rc;
	pci_config_select(pci->bus, pci->slot, pci->function, where);
	outl(value, PCI_CONFIG_DATA);
	return 0;
}

/**
 * Test whether a base address register decodes I/O space
 *
 * @v pci		PCI device
 * @v bar		BAR number (0-5)
 * @ret is_io		BAR is an I/O BAR
 */
int pci_bar_is_io(struct pci_device *pci, unsigned int bar)
{
	uint32_t low;

	if (pci_read_config_dword(pci, PCI_BASE_ADDRESS(bar), &low) != 0)
		return 0;
	return !!(low & PCI_BASE_ADDRESS_SPACE_IO);
}

/**
 * Get the address a base address register decodes
 *
 * A 64-bit memory BAR takes two registers; its address counts only if
 * it lies below 4 GiB, where Ferry can reach it.
 *
 * @v pci		PCI device
 * @v bar		BAR number (0-5)
 * @ret start		I/O port or memory address, or 0 if unassigned
 */
unsigned long pci_bar_start(struct pci_device *pci, unsigned int bar)
{
	uint32_t low;
	uint32_t high = 0;

	if (pci_read_config_dword(pci, PCI_BASE_ADDRESS(bar), &low) != 0)
		return 0;
	if (low & PCI_BASE_ADDRESS_SPACE_IO)
		return (low & PCI_BASE_ADDRESS_IO_MASK);
	if ((low & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		    PCI_BASE_ADDRESS_MEM_TYPE_64 &&
	    pci_read_config_dword(pci, PCI_BASE_ADDRESS(bar + 1), &high) != 0)
		return 0;
	if (high)
		return 0;
	return (low & PCI_BASE_ADDRESS_MEM_MASK);
}

/**
 * Let a device decode its I/O and memory ranges and master the bus
 *
 * @v pci		PCI device
 */
void pci_enable_device(struct pci_device *pci)
{
	uint16_t command;

	if (pci_read_config_word(pci, PCI_COMMAND, &command) != 0)
		return;
	command |= (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_write_config_word(pci, PCI_COMMAND, command);
}

/**
 * Find the next capability of a type in the capability list
 *
 * @v pci		PCI device
 * @v pos		Register holding the pointer to start from
 * @v cap		Capability ID (PCI_CAP_ID_...)
 * @ret pos		Offset of the capability, or 0 if there is none
 */
static unsigned int pci_find_capability_from(struct pci_device *pci,
					     unsigned int pos, unsigned int cap)
{
	unsigned int count;
	uint8_t next;
	uint8_t id;

	for (count = 0; count < PCI_CAPABILITIES_MAX; count++) {
		if (pci_read_config_byte(pci, pos, &next) != 0)
			return 0;
		pos = (next & ~3);
		if (pos < 0x40)
			return 0;
		if (pci_read_config_byte(pci, pos, &id) != 0)
			return 0;
		if (id == 0xff)
			return 0;
		if (id == cap)
			return pos;
		pos++;
	}
	return 0;
}

/**
 * Find a capability
 *
 * @v pci		PCI device
 * @v cap		Capability ID (PCI_CAP_ID_...)
 * @ret pos		Offset of the capability, or 0 if there is none
 */
unsigned int pci_find_capability(struct pci_device *pci, unsigned int cap)
{
	uint16_t status;

	if (pci_read_config_word(pci, PCI_STATUS, &status) != 0 ||
	    !(status & PCI_STATUS_CAP_LIST))
		return 0;
	return pci_find_capability_from(pci, PCI_CAPABILITY_LIST, cap);
}

/**
 * Find the next capability of a type after one already found
 *
 * @v pci		PCI device
 * @v pos		Offset of the capability found
 * @v cap		Capability ID (PCI_CAP_ID_...)
 * @ret pos		Offset of the next one, or 0 if there is none
 */
unsigned int pci_find_next_capability(struct pci_device *pci, unsigned int pos,
				      unsigned int cap)
{
	return pci_find_capability_from(pci, (pos + 1), cap);
}

/**
 * Test for configuration mechanism 1
 *
 * @ret present		Mechanism 1 is there
 */
static int pci_mechanism1_present(void)
{
	uint32_t saved = inl(PCI_CONFIG_ADDRESS);
	uint32_t readback;

	outl(PCI_CONFIG_ENABLE, PCI_CONFIG_ADDRESS);
	readback = inl(PCI_CONFIG_ADDRESS);
	outl(saved, PCI_CONFIG_ADDRESS);
	return (readback == PCI_CONFIG_ENABLE);
}

/**
 * Note the first I/O and the first memory BAR of a device
 *
 * @v pci		PCI device
 * @v bars		Number of BARs the header has
 */
static void pci_read_bars(struct pci_device *pci, unsigned int bars)
{
	unsigned int bar;
	uint32_t low;
	unsigned long start;

	for (bar = 0; bar < bars; bar++) {
		if (pci_read_config_dword(pci, PCI_BASE_ADDRESS(bar), &low))
			break;
		start = pci_bar_start(pci, bar);
		if (low & PCI_BASE_ADDRESS_SPACE_IO) {
			if (!pci->ioaddr)
				pci->ioaddr = start;
		} else {
			if (!pci->membase)
				pci->membase = start;
			if ((low & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
			    PCI_BASE_ADDRESS_MEM_TYPE_64)
				bar++;
		}
	}
}

/**
 * Add a function to the list
 *
 * @v bus		Bus
 * @v slot		Device
 * @v function		Function
 * @v header_type	Header type register
 * @ret pci		PCI device, or NULL if out of memory
 */
static struct pci_device *pci_add(unsigned int bus, unsigned int slot,
				  unsigned int function, uint8_t header_type)
{
	struct pci_device *pci;
	uint32_t class_revision;
	uint16_t value;

	pci = heap_zalloc(sizeof(*pci));
	if (!pci)
		return NULL;
	pci->bus = bus;
	pci->slot = slot;
	pci->function = function;
	snprintf(pci->location, sizeof(pci->location), "%02x:%02x.%x", bus,
		 slot, function);
	pci_read_config_word(pci, PCI_VENDOR_ID, &value);
	pci->vendor = value;
	pci_read_config_word(pci, PCI_DEVICE_ID, &value);
	pci->device = value;
	pci_read_config_dword(pci, PCI_REVISION, &class_revision);
	pci->revision = (class_revision & 0xff);
	pci->class = (class_revision >> 8);
	switch (header_type & PCI_HEADER_LAYOUT_MASK) {
	case PCI_HEADER_NORMAL:
		pci_read_bars(pci, PCI_BARS_NORMAL);
		break;
	case PCI_HEADER_BRIDGE:
		pci_read_bars(pci, PCI_BARS_BRIDGE);
		break;
	default:
		break;
	}
	list_add_tail(&pci->list, &pci_devices);
	return pci;
}

/**
 * Find every PCI function
 *
 * @ret rc		Return status code
 */
static int pci_scan(void)
{
	struct pci_device probe;
	struct pci_device *pci;
	unsigned int last_bus = 0;
	unsigned int bus;
	unsigned int slot;
	unsigned int function;
	unsigned int functions;
	uint16_t vendor;
	uint8_t header_type;
	uint8_t subordinate;

	if (!pci_mechanism1_present())
		return -ENODEV_PCI;

	for (bus = 0; bus <= last_bus; bus++) {
		for (slot = 0; slot < 32; slot++) {
			functions = 1;
			for (function = 0; function < functions; function++) {
				probe.bus = bus;
				probe.slot = slot;
				probe.function = function;
				pci_read_config_word(&probe, PCI_VENDOR_ID,
						     &vendor);
				if (vendor == 0xffff || vendor == 0x0000)
					continue;
				pci_read_config_byte(&probe, PCI_HEADER_TYPE,
						     &header_type);
				if (function == 0 &&
				    (header_type & PCI_HEADER_MULTI_FUNCTION))
					functions = 8;
				pci = pci_add(bus, slot, function, header_type);
				if (!pci)
					return -ENOMEM;
				if ((header_type & PCI_HEADER_LAYOUT_MASK) !=
				    PCI_HEADER_BRIDGE)
					continue;
				pci_read_config_byte(pci, PCI_SUBORDINATE_BUS,
						     &subordinate);
				if (subordinate > last_bus)
					last_bus = subordinate;
			}
		}
	}
	return 0;
}

/**
 * Offer a device to the drivers
 *
 * @v pci		PCI device
 */
static void pci_probe(struct pci_device *pci)
{
	struct pci_driver *driver;
	const struct pci_device_id *id;
	unsigned int i;
	int rc;

	for_each_table_entry(driver, PCI_DRIVERS)
	{
		for (i = 0; i < driver->id_count; i++) {
			id = &driver->ids[i];
			if (id->vendor != pci->vendor ||
			    id->device != pci->device)
				continue;
			pci->driver = driver;
			pci->id_name = id->name;
			pci->driver_data = id->driver_data;
			if ((rc = driver->probe(pci)) == 0)
				return;
			error_print(rc, pci->location);
			pci->driver = NULL;
			pci->id_name = NULL;
			pci->driver_data = 0;
			pci->priv = NULL;
		}
	}
}

/**
 * Find every PCI function and bind drivers, at start-up
 */
static void pci_init(void)
{
	struct pci_device *pci;
	int rc;

	if ((rc = pci_scan()) != 0) {
		if (rc != -ENODEV_PCI)
			error_print(rc, "PCI scan");
		return;
	}
	for_each_pci_device(pci) pci_probe(pci);
}

/**
 * Let the drivers go before the machine is handed on
 *
 * @v booting		An operating system is about to run
 */
static void pci_shutdown(int booting)
{
	struct pci_device *pci;

	list_for_each_entry_reverse(pci, &pci_devices, list)
	{
		if (pci->driver && pci->driver->remove)
			pci->driver->remove(pci);
		pci->driver = NULL;
	}
}

/** Find every PCI function at start-up */
struct init_fn pci_init_fn __init_fn(INIT_DEVICES) = {
	.name = "pci",
	.init = pci_init,
};

/** Let the drivers go at shutdown */
struct shutdown_fn pci_shutdown_fn __shutdown_fn = {
	.name = "pci",
	.shutdown = pci_shutdown,
};

/**
 * Describe a PCI network device: chip, location and bus ID
 *
 * Every PCI NIC driver shows itself the same way: the chip as "<driver>
 * <model>", the location as "PCI bb:dd.f", and the bus ID as iPXE gives
 * it (type 1, then vendor and device, high byte first).
 *
 * @v pci		PCI device
 * @v netdev		Network device
 * @v driver		Driver name ("e1000")
 * @v model		Model ("82540EM"), or NULL
 */
void pci_netdev_describe(struct pci_device *pci, struct net_device *netdev,
			 const char *driver, const char *model)
{
	snprintf(netdev->chip, sizeof(netdev->chip), "%s%s%s", driver,
		 (model ? " " : ""), (model ? model : ""));
	snprintf(netdev->location, sizeof(netdev->location), "PCI %s",
		 pci->location);
	netdev->busid[0] = 1;
	netdev->busid[1] = (pci->vendor >> 8);
	netdev->busid[2] = pci->vendor;
	netdev->busid[3] = (pci->device >> 8);
	netdev->busid[4] = pci->device;
}
