#ifndef DRIVERS_NET_RTL8139_H
#define DRIVERS_NET_RTL8139_H

/** @file
 *
 * Realtek RTL8139 Fast Ethernet: registers and buffer layout
 *
 * Names follow the RTL8139(A/B/C) datasheets.  The driver uses the
 * chip's original ("C mode") interface: a receive ring buffer that the
 * chip fills with header-prefixed frames, and four transmit buffers
 * used in turn.  All registers are reached through the I/O BAR.
 */

#include <stdint.h>
#include "core/compiler.h"

/* Register offsets in the I/O BAR */

/** ID registers: the Ethernet address (6 bytes, 32-bit writes) */
#define RTL8139_IDR0    0x00
/** Multicast registers (8 bytes, 32-bit writes) */
#define RTL8139_MAR0    0x08
/** Transmit Status of Descriptor n (32 bits) */
#define RTL8139_TSD(n)  (0x10 + (4 * (n)))
/** Transmit Start Address of Descriptor n (32 bits) */
#define RTL8139_TSAD(n) (0x20 + (4 * (n)))
/** Receive (ring) Buffer Start Address (32 bits) */
#define RTL8139_RBSTART 0x30
/** Command Register (8 bits) */
#define RTL8139_CR      0x37
/** Current Address of Packet Read (16 bits) */
#define RTL8139_CAPR    0x38
/** Current Buffer Address: where the chip writes next (16 bits) */
#define RTL8139_CBR     0x3a
/** Interrupt Mask Register (16 bits) */
#define RTL8139_IMR     0x3c
/** Interrupt Status Register (16 bits, write 1 to clear) */
#define RTL8139_ISR     0x3e
/** Transmit Configuration Register (32 bits) */
#define RTL8139_TCR     0x40
/** Receive Configuration Register (32 bits) */
#define RTL8139_RCR     0x44
/** 93C46 Command Register: unlocks configuration writes (8 bits) */
#define RTL8139_9346CR  0x50
/** Media Status Register (8 bits) */
#define RTL8139_MSR     0x58

/* CR bits */

/** Buffer Empty: the receive ring holds no unread frame */
#define RTL8139_CR_BUFE 0x01
/** Transmitter Enable */
#define RTL8139_CR_TE   0x04
/** Receiver Enable */
#define RTL8139_CR_RE   0x08
/** Reset (self-clearing) */
#define RTL8139_CR_RST  0x10

/* 9346CR operating modes */

/** Normal operation: configuration registers locked */
#define RTL8139_9346CR_NORMAL       0x00
/** Configuration register write enable */
#define RTL8139_9346CR_CONFIG_WRITE 0xc0

/* TSD bits */

/** Size of the frame in the buffer (bytes, bits 12:0) */
#define RTL8139_TSD_SIZE_MASK     0x00001fff
/** Own: the chip has finished reading the buffer */
#define RTL8139_TSD_OWN           0x00002000
/** Transmit FIFO Underrun (the frame may still have gone out) */
#define RTL8139_TSD_TUN           0x00004000
/** Transmit OK */
#define RTL8139_TSD_TOK           0x00008000
/** Early Transmit Threshold, in units of 32 bytes (bits 21:16) */
#define RTL8139_TSD_ERTXTH(bytes) ((((bytes) / 32) & 0x3f) << 16)
/** Transmit Abort */
#define RTL8139_TSD_TABT          0x40000000

/* TCR fields */

/** Max DMA burst per transfer: 1024 bytes (bits 10:8 = 110) */
#define RTL8139_TCR_MXDMA_1024   (6 << 8)
/** Interframe gap: 9.6 us / 960 ns, the only 802.3-compliant one */
#define RTL8139_TCR_IFG_STANDARD (3 << 24)

/* RCR fields */

/** Accept Physical Match (our own address) */
#define RTL8139_RCR_APM             0x00000002
/** Accept Multicast (filtered by MAR) */
#define RTL8139_RCR_AM              0x00000004
/** Accept Broadcast */
#define RTL8139_RCR_AB              0x00000008
/** Max DMA burst per transfer: unlimited (bits 10:8 = 111) */
#define RTL8139_RCR_MXDMA_UNLIMITED (7 << 8)
/** Ring length: 8 KiB + 16 bytes (bits 12:11 = 00) */
#define RTL8139_RCR_RBLEN_8K        (0 << 11)
/** Receive FIFO threshold: none, whole frames only (bits 15:13) */
#define RTL8139_RCR_RXFTH_NONE      (7 << 13)

/* Receive header status bits (the first 16 bits before each frame) */

/** Receive OK */
#define RTL8139_RX_ROK  0x0001
/** Frame Alignment Error */
#define RTL8139_RX_FAE  0x0002
/** CRC Error */
#define RTL8139_RX_CRC  0x0004
/** Long Packet */
#define RTL8139_RX_LONG 0x0008
/** Runt Packet */
#define RTL8139_RX_RUNT 0x0010
/** Invalid Symbol Error */
#define RTL8139_RX_ISE  0x0020
/** Any of the errors */
#define RTL8139_RX_ERRORS                                                      \
	(RTL8139_RX_FAE | RTL8139_RX_CRC | RTL8139_RX_LONG | RTL8139_RX_RUNT | \
	 RTL8139_RX_ISE)

/** MSR: Link Fail (the inverse of the link status) */
#define RTL8139_MSR_LINKB 0x04

/** A receive header, written by the chip before each frame */
struct rtl8139_rx_header {
	/** Status (RTL8139_RX_...) */
	uint16_t status;
	/** Length of the frame including its 4-byte CRC */
	uint16_t length;
} __packed;

/** Length of the receive ring proper (RBLEN 8 KiB); offsets wrap here */
#define RTL8139_RX_RING_LEN 8192
/** Bytes the datasheet asks for after the ring proper */
#define RTL8139_RX_RING_PAD 16
/** Length of the Ethernet CRC at the end of each received frame */
#define RTL8139_RX_CRC_LEN  4
/** Shortest length a good header can carry (padded frame and CRC) */
#define RTL8139_RX_MIN_LEN  (60 + RTL8139_RX_CRC_LEN)
/** Longest length a good header can carry (VLAN-tagged frame and CRC) */
#define RTL8139_RX_MAX_LEN  (1518 + RTL8139_RX_CRC_LEN)
/** CAPR is written 16 bytes behind the real read offset */
#define RTL8139_CAPR_BIAS   16
/** Most frames taken from the ring in one poll */
#define RTL8139_RX_QUOTA    64

/** Number of transmit descriptors, used in turn */
#define RTL8139_TX_COUNT     4
/** Length of each transmit bounce buffer */
#define RTL8139_TX_BUF_LEN   1536
/** Early transmit threshold (bytes): start sending after 256 */
#define RTL8139_TX_THRESHOLD 256

/** Buffer alignment (the chip needs 4 bytes for both kinds) */
#define RTL8139_BUF_ALIGN 16

/** Longest wait for a reset */
#define RTL8139_RESET_TIMEOUT_MS       10
/** Interval between link checks while the link is up */
#define RTL8139_LINK_CHECK_INTERVAL_MS 250

#endif /* DRIVERS_NET_RTL8139_H */
