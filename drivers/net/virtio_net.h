#ifndef DRIVERS_NET_VIRTIO_NET_H
#define DRIVERS_NET_VIRTIO_NET_H

/** @file
 *
 * Virtio network device
 *
 * Queue 0 receives, queue 1 transmits.  Every frame in either direction
 * is preceded by a struct virtio_net_hdr; Ferry asks for no offloads, so
 * the header it sends is all zeroes and the one it receives is ignored.
 */

#include <stdint.h>
#include "drivers/bus/virtio_pci.h"
#include "net/netdevice.h"
#include "net/ethernet.h"

/** Virtio device type of a network device */
#define VIRTIO_ID_NET 1

/* Network device feature bits */
#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16

/* Device configuration (offsets in it) */
#define VIRTIO_NET_CONFIG_MAC    0
#define VIRTIO_NET_CONFIG_STATUS 6
/** Link-up bit of the configuration STATUS field */
#define VIRTIO_NET_S_LINK_UP     0x0001

/* Queue indices */
#define VIRTIO_NET_QUEUE_RX 0
#define VIRTIO_NET_QUEUE_TX 1

/**
 * Header in front of every frame
 *
 * num_buffers exists only with VIRTIO_F_VERSION_1 (or MRG_RXBUF, which
 * Ferry does not use): the legacy header is the first 10 bytes.
 */
struct virtio_net_hdr {
	/** Flags (checksum offload; unused) */
	uint8_t flags;
	/** Segmentation offload type (unused) */
	uint8_t gso_type;
	/** Length of the headers to replicate (unused) */
	uint16_t hdr_len;
	/** Segment size (unused) */
	uint16_t gso_size;
	/** Where checksumming starts (unused) */
	uint16_t csum_start;
	/** Where the checksum goes (unused) */
	uint16_t csum_offset;
	/** Buffers a received frame spans (modern only) */
	uint16_t num_buffers;
} __attribute__((packed));

/** Length of the legacy header (bytes) */
#define VIRTIO_NET_HDR_LEN_LEGACY 10
/** Length of the modern header (bytes) */
#define VIRTIO_NET_HDR_LEN_MODERN 12

/** Ring size asked for on the modern transport (descriptors) */
#define VIRTIO_NET_RING_SIZE     256
/**
 * Most frames in flight per direction
 *
 * Each frame takes two descriptors (header, then data), so a
 * 256-descriptor ring carries 128.
 */
#define VIRTIO_NET_SLOTS_MAX     128
/** Most received frames handed up per poll: the rest wait in the ring */
#define VIRTIO_NET_RX_QUOTA      64
/** How often the link state is read from the device (milliseconds) */
#define VIRTIO_NET_LINK_CHECK_MS 500

/** Per-slot transmit memory the device reads */
struct virtio_net_tx_area {
	/** The header (all zeroes) */
	struct virtio_net_hdr hdr;
	/** Keeps the frame copy aligned */
	uint8_t reserved[4];
	/** Short frames are copied here and padded to ETH_ZLEN */
	uint8_t frame[ETH_ZLEN];
};

/** Per-slot receive memory the device writes */
struct virtio_net_rx_area {
	/** The header */
	struct virtio_net_hdr hdr;
	/** Keeps the next slot's header aligned */
	uint8_t reserved[4];
};

/** A virtio network device */
struct virtio_net {
	/** Transport */
	struct virtio_pci_device vdev;
	/** Network device */
	struct net_device *netdev;
	/** Length of the header on this transport (bytes) */
	size_t hdr_len;
	/** Receive queue */
	struct virtio_pci_queue rx;
	/** Transmit queue */
	struct virtio_pci_queue tx;
	/** Receive slots in use */
	unsigned int rx_slots;
	/** Transmit slots in use */
	unsigned int tx_slots;
	/** Buffer posted in each receive slot, or NULL */
	struct io_buffer *rx_iobs[VIRTIO_NET_SLOTS_MAX];
	/** Frame in flight in each transmit slot, or NULL */
	struct io_buffer *tx_iobs[VIRTIO_NET_SLOTS_MAX];
	/** Receive slots without a buffer (a stack) */
	uint16_t rx_free[VIRTIO_NET_SLOTS_MAX];
	/** Number of entries in rx_free */
	unsigned int rx_free_count;
	/** Transmit slots not in flight (a stack) */
	uint16_t tx_free[VIRTIO_NET_SLOTS_MAX];
	/** Number of entries in tx_free */
	unsigned int tx_free_count;
	/** Receive headers (written by the device) */
	struct virtio_net_rx_area rx_areas[VIRTIO_NET_SLOTS_MAX];
	/** Transmit headers and padding copies (read by the device) */
	struct virtio_net_tx_area tx_areas[VIRTIO_NET_SLOTS_MAX];
	/** When the link state was last read (clock_ms()) */
	uint64_t link_checked_ms;
};

#endif /* DRIVERS_NET_VIRTIO_NET_H */
