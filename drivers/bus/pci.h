#ifndef DRIVERS_BUS_PCI_H
#define DRIVERS_BUS_PCI_H

/** @file
 *
 * PCI bus
 *
 * This interface is fixed: network drivers are written against it.
 * drivers/bus/pci.c implements it (configuration mechanism 1); extend
 * it only by adding.
 *
 * At start-up (INIT_DEVICES) every function on every bus is enumerated
 * into pci_devices, and each device whose vendor and device IDs match a
 * driver's table is probed by that driver.
 */

#include <stdint.h>
#include "core/list.h"
#include "core/tables.h"

/* Configuration space registers */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_REVISION 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c

/* Capability IDs */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

/** Base address register n */
#define PCI_BASE_ADDRESS(n) (PCI_BASE_ADDRESS_0 + (4 * (n)))

struct pci_driver;

/** A PCI function */
struct pci_device {
	/** Link in pci_devices */
	struct list_head list;
	/** Bus number */
	uint8_t bus;
	/** Device (slot) number */
	uint8_t slot;
	/** Function number */
	uint8_t function;
	/** Vendor ID */
	uint16_t vendor;
	/** Device ID */
	uint16_t device;
	/** Class code (base class, subclass, programming interface) */
	uint32_t class;
	/** Revision */
	uint8_t revision;
	/** Start of the first I/O BAR, or 0 */
	unsigned long ioaddr;
	/** Start of the first memory BAR, or 0 */
	unsigned long membase;
	/** Driver bound to the device, or NULL */
	struct pci_driver *driver;
	/** Name of the matching ID table entry ("82540EM"), or NULL */
	const char *id_name;
	/** Driver data of the matching ID table entry */
	unsigned long driver_data;
	/** Driver-private pointer */
	void *priv;
	/** Location as text: "00:03.0" */
	char location[8];
};

/** An ID a driver handles */
struct pci_device_id {
	/** Vendor ID */
	uint16_t vendor;
	/** Device ID */
	uint16_t device;
	/** Chip name ("82540EM") */
	const char *name;
	/** Driver's own data for this chip */
	unsigned long driver_data;
};

/** A PCI driver */
struct pci_driver {
	/** Name ("e1000") */
	const char *name;
	/** IDs handled */
	const struct pci_device_id *ids;
	/** Number of IDs */
	unsigned int id_count;
	/**
	 * Take a device
	 *
	 * @v pci		PCI device (id_name and driver_data set)
	 * @ret rc		Return status code
	 */
	int (*probe)(struct pci_device *pci);
	/**
	 * Let a device go
	 *
	 * @v pci		PCI device
	 */
	void (*remove)(struct pci_device *pci);
};

/** Table of PCI drivers */
#define PCI_DRIVERS __table(struct pci_driver, pci_drivers)
/** Declare a PCI driver */
#define __pci_driver __table_entry(PCI_DRIVERS, 01)

/** Every PCI function found */
extern struct list_head pci_devices;

/** Iterate over every PCI function */
#define for_each_pci_device(pci) list_for_each_entry(pci, &pci_devices, list)

extern int pci_read_config_byte(struct pci_device *pci, unsigned int where,
				uint8_t *value);
extern int pci_read_config_word(struct pci_device *pci, unsigned int where,
				uint16_t *value);
extern int pci_read_config_dword(struct pci_device *pci, unsigned int where,
				 uint32_t *value);
extern int pci_write_config_byte(struct pci_device *pci, unsigned int where,
				 uint8_t value);
extern int pci_write_config_word(struct pci_device *pci, unsigned int where,
				 uint16_t value);
extern int pci_write_config_dword(struct pci_device *pci, unsigned int where,
				  uint32_t value);
extern unsigned long pci_bar_start(struct pci_device *pci, unsigned int bar);
extern int pci_bar_is_io(struct pci_device *pci, unsigned int bar);
extern void pci_enable_device(struct pci_device *pci);
extern unsigned int pci_find_capability(struct pci_device *pci,
					unsigned int cap);
extern unsigned int pci_find_next_capability(struct pci_device *pci,
					     unsigned int pos,
					     unsigned int cap);

struct net_device;
extern void pci_netdev_describe(struct pci_device *pci,
				struct net_device *netdev,
				const char *driver, const char *model);

#endif /* DRIVERS_BUS_PCI_H */
