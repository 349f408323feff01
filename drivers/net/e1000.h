#ifndef DRIVERS_NET_E1000_H
#define DRIVERS_NET_E1000_H

/** @file
 *
 * Intel 8254x / 82574 gigabit Ethernet: registers and descriptors
 *
 * Names follow the "PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual" (8254x SDM) and the 82574 datasheet.
 * Only what the driver uses is here: legacy receive and transmit
 * descriptors, one queue each, no interrupts.
 */

#include <stdint.h>
#include "core/compiler.h"

/* Register offsets in BAR 0 (all 32 bits wide) */

/** Device Control */
#define E1000_CTRL   0x0000
/** Device Status */
#define E1000_STATUS 0x0008
/** EEPROM Read */
#define E1000_EERD   0x0014
/** Interrupt Mask Clear */
#define E1000_IMC    0x00d8
/** Receive Control */
#define E1000_RCTL   0x0100
/** Transmit Control */
#define E1000_TCTL   0x0400
/** Transmit Inter-Packet Gap */
#define E1000_TIPG   0x0410
/** Receive Descriptor Base Address Low / High */
#define E1000_RDBAL  0x2800
#define E1000_RDBAH  0x2804
/** Receive Descriptor Length (bytes) */
#define E1000_RDLEN  0x2808
/** Receive Descriptor Head / Tail */
#define E1000_RDH    0x2810
#define E1000_RDT    0x2818
/** Transmit Descriptor Base Address Low / High */
#define E1000_TDBAL  0x3800
#define E1000_TDBAH  0x3804
/** Transmit Descriptor Length (bytes) */
#define E1000_TDLEN  0x3808
/** Transmit Descriptor Head / Tail */
#define E1000_TDH    0x3810
#define E1000_TDT    0x3818
/** Receive Address Low / High, entry 0 */
#define E1000_RAL0   0x5400
#define E1000_RAH0   0x5404

/* CTRL bits */

/** Link Reset */
#define E1000_CTRL_LRST    0x00000008
/** Auto-Speed Detection Enable */
#define E1000_CTRL_ASDE    0x00000020
/** Set Link Up */
#define E1000_CTRL_SLU     0x00000040
/** Invert Loss-of-Signal */
#define E1000_CTRL_ILOS    0x00000080
/** Force Speed */
#define E1000_CTRL_FRCSPD  0x00000800
/** Force Duplex */
#define E1000_CTRL_FRCDPX  0x00001000
/** Device Reset (self-clearing) */
#define E1000_CTRL_RST     0x04000000
/** VLAN Mode Enable */
#define E1000_CTRL_VME     0x40000000
/** PHY Reset */
#define E1000_CTRL_PHY_RST 0x80000000

/* STATUS bits */

/** Link Up */
#define E1000_STATUS_LU 0x00000002

/* EERD layout of the 8254x: start, done, word address, data */
#define E1000_EERD_START      0x00000001
#define E1000_EERD_DONE       0x00000010
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16

/* EERD layout of the 82574: the done bit and address moved */
#define E1000_EERD_82574_DONE       0x00000002
#define E1000_EERD_82574_ADDR_SHIFT 2

/** EEPROM word holding the first two bytes of the Ethernet address */
#define E1000_EEPROM_MAC_WORD 0

/** IMC: every interrupt cause */
#define E1000_IMC_ALL 0xffffffff

/* RCTL bits */

/** Receiver Enable */
#define E1000_RCTL_EN         0x00000002
/** Multicast Promiscuous Enable (IPv6 needs multicast) */
#define E1000_RCTL_MPE        0x00000010
/** Receive Descriptor Minimum Threshold: half the ring */
#define E1000_RCTL_RDMTS_HALF 0x00000000
/** Broadcast Accept Mode */
#define E1000_RCTL_BAM        0x00008000
/** Receive Buffer Size: 2048 bytes (with BSEX clear) */
#define E1000_RCTL_BSIZE_2048 0x00000000
/** Strip Ethernet CRC */
#define E1000_RCTL_SECRC      0x04000000

/* TCTL bits */

/** Transmit Enable */
#define E1000_TCTL_EN               0x00000002
/** Pad Short Packets (to 64 bytes with the CRC) */
#define E1000_TCTL_PSP              0x00000008
/** Collision Threshold: the SDM's recommended 0Fh */
#define E1000_TCTL_CT_DEFAULT       (0x0f << 4)
/** Collision Distance: 64 byte times, for full duplex */
#define E1000_TCTL_COLD_FULL_DUPLEX (0x40 << 12)

/**
 * TIPG: IPGT (bits 9:0), IPGR1 (19:10), IPGR2 (29:20)
 *
 * For the IEEE 802.3 gap of 96 bit times on copper the 8254x SDM asks
 * for IPGT 10 (8 on the 82544), IPGR1 8 and IPGR2 6; the 82574 wants
 * IPGT 8.  Units are MAC clocks (byte times).
 */
#define E1000_TIPG_VALUE(ipgt) ((ipgt) | (8 << 10) | (6 << 20))
/** IPGT for 82540/82545 copper */
#define E1000_TIPG_IPGT_8254X  10
/** IPGT for the 82544 and the 82574 */
#define E1000_TIPG_IPGT_82544  8
#define E1000_TIPG_IPGT_82574  8

/** RAH: Address Valid */
#define E1000_RAH_AV 0x80000000

/** A legacy receive descriptor */
struct e1000_rx_descriptor {
	/** Buffer address */
	uint64_t address;
	/** Length written back (bytes, CRC stripped) */
	uint16_t length;
	/** Packet checksum */
	uint16_t checksum;
	/** Status (E1000_RXD_STATUS_...) */
	uint8_t status;
	/** Errors (E1000_RXD_ERROR_...) */
	uint8_t errors;
	/** VLAN tag */
	uint16_t special;
} __packed;

/** RX status: Descriptor Done */
#define E1000_RXD_STATUS_DD  0x01
/** RX status: End of Packet */
#define E1000_RXD_STATUS_EOP 0x02

/** RX errors: CRC, symbol, sequence, carrier extension, RX data error */
#define E1000_RXD_ERROR_CE  0x01
#define E1000_RXD_ERROR_SE  0x02
#define E1000_RXD_ERROR_SEQ 0x04
#define E1000_RXD_ERROR_CXE 0x10
#define E1000_RXD_ERROR_RXE 0x80
/** RX errors that make a frame unusable (not the checksum ones) */
#define E1000_RXD_ERROR_FRAME                                            \
	(E1000_RXD_ERROR_CE | E1000_RXD_ERROR_SE | E1000_RXD_ERROR_SEQ | \
	 E1000_RXD_ERROR_CXE | E1000_RXD_ERROR_RXE)

/** A legacy transmit descriptor */
struct e1000_tx_descriptor {
	/** Buffer address */
	uint64_t address;
	/** Length (bytes) */
	uint16_t length;
	/** Checksum offset */
	uint8_t cso;
	/** Command (E1000_TXD_CMD_...) */
	uint8_t command;
	/** Status (E1000_TXD_STATUS_...) */
	uint8_t status;
	/** Checksum start */
	uint8_t css;
	/** VLAN tag */
	uint16_t special;
} __packed;

/** TX command: End of Packet */
#define E1000_TXD_CMD_EOP  0x01
/** TX command: Insert FCS */
#define E1000_TXD_CMD_IFCS 0x02
/** TX command: Report Status (write DD back) */
#define E1000_TXD_CMD_RS   0x08

/** TX status: Descriptor Done */
#define E1000_TXD_STATUS_DD 0x01
/** TX status: Excess Collisions, Late Collision */
#define E1000_TXD_STATUS_EC 0x02
#define E1000_TXD_STATUS_LC 0x04

/** Descriptor ring sizes: powers of two, rings a multiple of 128 bytes */
#define E1000_RX_RING_SIZE 128
#define E1000_TX_RING_SIZE 128
/** Descriptor ring alignment (the SDM asks for 16; 128 costs nothing) */
#define E1000_RING_ALIGN   128
/** Receive buffer size, as set in RCTL.BSIZE */
#define E1000_RX_BUF_LEN   2048

/** Longest wait for a reset to complete */
#define E1000_RESET_TIMEOUT_MS       20
/** Longest wait for an EEPROM word */
#define E1000_EEPROM_TIMEOUT_US      10000
/** Polling interval while waiting for an EEPROM word */
#define E1000_EEPROM_POLL_US         10
/** Interval between link checks while the link is up */
#define E1000_LINK_CHECK_INTERVAL_MS 250

/** What differs between the chips (pointed to by driver_data) */
struct e1000_chip {
	/** Flags (E1000_FLAG_...) */
	unsigned int flags;
	/** TIPG.IPGT */
	unsigned int tipg_ipgt;
};

/** EERD has the 82574 layout */
#define E1000_FLAG_EERD_82574 0x0001
/** No EERD register (82544): the address must come from RAL/RAH */
#define E1000_FLAG_NO_EERD    0x0002

#endif /* DRIVERS_NET_E1000_H */
