/** @file
 *
 * Realtek RTL8139 Fast Ethernet (QEMU "rtl8139")
 *
 * Polled, through I/O ports, with every interrupt masked.
 *
 * Receive: the chip writes each frame into an 8 KiB ring buffer behind
 * a 4-byte header (status, length with CRC), at 4-byte aligned
 * offsets, and the driver acknowledges what it has read by moving
 * CAPR.  The receiver runs with WRAP clear, so the chip itself wraps
 * at 8 KiB and never writes beyond the ring whatever the length of a
 * frame; a frame crossing the end is copied out in two pieces.  A
 * header that is not a good frame within length bounds means the
 * driver and the chip disagree about the ring: the receiver is
 * restarted from offset 0 rather than trusting any length from it.
 *
 * Transmit: four descriptors the chip uses strictly in turn, each with
 * its own bounce buffer the frame is copied into (padded to 60 bytes).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/string.h"
#include "drivers/bus/pci.h"
#include "drivers/net/rtl8139.h"
#include "net/ethernet.h"
#include "net/netdevice.h"

/** No I/O BAR */
#define ENODEV_NO_BAR ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_NO_BAR, "NIC has no I/O registers");
/** Reset did not finish */
#define ETIMEDOUT_RESET ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_RESET, "NIC reset did not complete");
/** IDR holds no usable address */
#define EADDRNOTAVAIL_MAC ERROR_CODE(ERRCLASS_EADDRNOTAVAIL, 1)
ERROR_MESSAGE(EADDRNOTAVAIL_MAC, "NIC has no valid Ethernet address");
/** No memory for the buffers */
#define ENOMEM_BUFFERS ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_BUFFERS, "No memory for NIC buffers");
/** No memory for a received frame */
#define ENOMEM_RX ERROR_CODE(ERRCLASS_ENOMEM, 2)
ERROR_MESSAGE(ENOMEM_RX, "No memory for a received frame");
/** All transmit descriptors busy */
#define ENOBUFS_TX ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_TX, "Transmit descriptors all busy");
/** Frame too long or empty */
#define EMSGSIZE_TX ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_TX, "Frame length not transmittable");
/** Transmission aborted */
#define EIO_TX ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TX, "Transmit aborted by the NIC");
/** Receive header not a good frame */
#define EPROTO_RX_HEADER ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_RX_HEADER, "Bad receive header; receiver restarted");
/** Link down */
#define ENOTCONN_LINK ERROR_CODE(ERRCLASS_ENOTCONN, 1)
ERROR_MESSAGE(ENOTCONN_LINK, "No link");
/** Frame still queued at close */
#define ECANCELED_CLOSE ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_CLOSE, "Device closed before the frame was sent");

build_assert(sizeof(struct rtl8139_rx_header) == 4);
/* Receive offsets wrap by masking */
build_assert((RTL8139_RX_RING_LEN & (RTL8139_RX_RING_LEN - 1)) == 0);
/* A whole frame fits a transmit buffer */
build_assert(RTL8139_TX_BUF_LEN >= ETH_FRAME_LEN);
/* Transmit buffers stay 4-byte aligned back to back */
build_assert((RTL8139_TX_BUF_LEN % 4) == 0);

/** The receive configuration: our address, broadcast, all multicast */
#define RTL8139_RCR_VALUE                                     \
	(RTL8139_RCR_APM | RTL8139_RCR_AM | RTL8139_RCR_AB |  \
	 RTL8139_RCR_MXDMA_UNLIMITED | RTL8139_RCR_RBLEN_8K | \
	 RTL8139_RCR_RXFTH_NONE)

/** The transmit configuration */
#define RTL8139_TCR_VALUE (RTL8139_TCR_IFG_STANDARD | RTL8139_TCR_MXDMA_1024)

/** A NIC */
struct rtl8139_nic {
	/** First I/O port */
	uint16_t ioaddr;
	/** Network device */
	struct net_device *netdev;
	/** Receive ring (RTL8139_RX_RING_LEN + RTL8139_RX_RING_PAD) */
	uint8_t *rx_ring;
	/** Offset of the next frame header in the receive ring */
	unsigned int rx_offset;
	/** Transmit bounce buffers, RTL8139_TX_BUF_LEN each */
	uint8_t *tx_buffers;
	/** Frames being sent, by descriptor */
	struct io_buffer *tx_iobuf[RTL8139_TX_COUNT];
	/** Transmit descriptors reaped (the next to complete, mod count) */
	unsigned int tx_cons;
	/** Transmit descriptors started (the next to use, mod count) */
	unsigned int tx_prod;
	/** Time of the last link check (clock_ms()) */
	uint64_t link_check_ms;
};

/**
 * Reset the chip
 *
 * Receiver and transmitter are left off, every register at its
 * default, interrupts masked.
 *
 * @v nic		NIC
 * @ret rc		Return status code
 */
static int rtl8139_reset(struct rtl8139_nic *nic)
{
	unsigned int waited_ms;

	outb(RTL8139_CR_RST, (nic->ioaddr + RTL8139_CR));
	for (waited_ms = 0; waited_ms < RTL8139_RESET_TIMEOUT_MS; waited_ms++) {
		if (!(inb(nic->ioaddr + RTL8139_CR) & RTL8139_CR_RST))
			return 0;
		udelay(1000);
	}
	return -ETIMEDOUT_RESET;
}

/**
 * Read the permanent Ethernet address
 *
 * The chip loads IDR0-5 from its EEPROM at power-up and on reset.
 *
 * @v nic		NIC
 * @v mac		Address to fill
 * @ret rc		Return status code
 */
static int rtl8139_read_mac(struct rtl8139_nic *nic, uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];
	unsigned int i;

	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = inb(nic->ioaddr + RTL8139_IDR0 + i);
	if ((memcmp(mac, zero, ETH_ALEN) == 0) || eth_is_multicast(mac))
		return -EADDRNOTAVAIL_MAC;
	return 0;
}

/**
 * Program the address the chip accepts unicast frames for
 *
 * IDR is written with 32-bit accesses, with configuration writes
 * unlocked; the two bytes after IDR5 are reserved.
 *
 * @v nic		NIC
 * @v mac		Address
 */
static void rtl8139_write_mac(struct rtl8139_nic *nic, const uint8_t *mac)
{
	outb(RTL8139_9346CR_CONFIG_WRITE, (nic->ioaddr + RTL8139_9346CR));
	outl((mac[0] | (mac[1] << 8) | (mac[2] << 16) |
	      ((uint32_t)mac[3] << 24)),
	     (nic->ioaddr + RTL8139_IDR0));
	outl((mac[4] | (mac[5] << 8)), (nic->ioaddr + RTL8139_IDR0 + 4));
	outb(RTL8139_9346CR_NORMAL, (nic->ioaddr + RTL8139_9346CR));
}

/**
 * Check the link and tell the network core
 *
 * @v nic		NIC
 */
static void rtl8139_check_link(struct rtl8139_nic *nic)
{
	uint8_t msr = inb(nic->ioaddr + RTL8139_MSR);

	nic->link_check_ms = clock_ms();
	if (msr & RTL8139_MSR_LINKB)
		netdev_link_down(nic->netdev, -ENOTCONN_LINK);
	else
		netdev_link_up(nic->netdev);
}

/**
 * Tell the chip how far the driver has read the receive ring
 *
 * @v nic		NIC
 */
static void rtl8139_write_capr(struct rtl8139_nic *nic)
{
	outw(((nic->rx_offset - RTL8139_CAPR_BIAS) & 0xffff),
	     (nic->ioaddr + RTL8139_CAPR));
}

/**
 * Start (or restart) the receiver and transmitter at ring offset 0
 *
 * Enabling the receiver restarts the chip's ring pointers; RCR and TCR
 * only take writes once the receiver and transmitter are on.
 *
 * @v nic		NIC
 */
static void rtl8139_start(struct rtl8139_nic *nic)
{
	outb(RTL8139_CR_TE, (nic->ioaddr + RTL8139_CR));
	outl(virt_to_phys(nic->rx_ring), (nic->ioaddr + RTL8139_RBSTART));
	outb((RTL8139_CR_RE | RTL8139_CR_TE), (nic->ioaddr + RTL8139_CR));
	outl(RTL8139_RCR_VALUE, (nic->ioaddr + RTL8139_RCR));
	outl(RTL8139_TCR_VALUE, (nic->ioaddr + RTL8139_TCR));
	nic->rx_offset = 0;
	rtl8139_write_capr(nic);
}

/**
 * Copy a frame out of the receive ring, across its end if need be
 *
 * @v nic		NIC
 * @v offset		Offset of the frame in the ring (below the ring length)
 * @v dest		Destination
 * @v len		Length (at most the ring length)
 */
static void rtl8139_copy_rx(struct rtl8139_nic *nic, unsigned int offset,
			    void *dest, size_t len)
{
	size_t first = (RTL8139_RX_RING_LEN - offset);

	if (len <= first) {
		memcpy(dest, (nic->rx_ring + offset), len);
		return;
	}
	memcpy(dest, (nic->rx_ring + offset), first);
	memcpy((dest + first), nic->rx_ring, (len - first));
}

/**
 * Hand the stack the frames waiting in the receive ring
 *
 * @v nic		NIC
 */
static void rtl8139_poll_rx(struct rtl8139_nic *nic)
{
	struct rtl8139_rx_header header;
	struct io_buffer *iob;
	unsigned int quota;
	uint16_t status;
	uint16_t length;
	size_t len;

	for (quota = RTL8139_RX_QUOTA; quota; quota--) {
		if (inb(nic->ioaddr + RTL8139_CR) & RTL8139_CR_BUFE)
			return;
		/* Read the header and frame only after the chip said so */
		mb();
		/* Offsets are 4-byte aligned: a header never crosses the end */
		memcpy(&header, (nic->rx_ring + nic->rx_offset),
		       sizeof(header));
		status = le16_to_cpu(header.status);
		length = le16_to_cpu(header.length);
		if (!(status & RTL8139_RX_ROK) ||
		    (status & RTL8139_RX_ERRORS) ||
		    (length < RTL8139_RX_MIN_LEN) ||
		    (length > RTL8139_RX_MAX_LEN)) {
			netdev_rx_err(nic->netdev, NULL, -EPROTO_RX_HEADER);
			rtl8139_start(nic);
			return;
		}

		len = (length - RTL8139_RX_CRC_LEN);
		iob = iob_alloc(len);
		if (iob) {
			rtl8139_copy_rx(nic,
					((nic->rx_offset + sizeof(header)) %
					 RTL8139_RX_RING_LEN),
					iob_put(iob, len), len);
			netdev_rx(nic->netdev, iob);
		} else {
			netdev_rx_err(nic->netdev, NULL, -ENOMEM_RX);
		}

		/* Next header: after the CRC, rounded up to 4 bytes */
		nic->rx_offset =
			(((nic->rx_offset + sizeof(header) + length + 3) &
			  ~3U) %
			 RTL8139_RX_RING_LEN);
		rtl8139_write_capr(nic);
	}
}

/**
 * Report every frame the chip has finished sending
 *
 * The chip sets TOK when a frame went out, TABT when it gave up, and
 * may set TUN alone for a frame that underran its FIFO yet still went
 * out; any of them means the descriptor is free.
 *
 * @v nic		NIC
 */
static void rtl8139_poll_tx(struct rtl8139_nic *nic)
{
	struct io_buffer *iob;
	unsigned int index;
	uint32_t tsd;

	while (nic->tx_cons != nic->tx_prod) {
		index = (nic->tx_cons % RTL8139_TX_COUNT);
		tsd = inl(nic->ioaddr + RTL8139_TSD(index));
		if (!(tsd &
		      (RTL8139_TSD_TOK | RTL8139_TSD_TUN | RTL8139_TSD_TABT)))
			break;
		iob = nic->tx_iobuf[index];
		nic->tx_iobuf[index] = NULL;
		nic->tx_cons++;
		if (tsd & RTL8139_TSD_TABT)
			netdev_tx_complete_err(nic->netdev, iob, -EIO_TX);
		else
			netdev_tx_complete(nic->netdev, iob);
	}
}

/**
 * Start sending a frame
 *
 * The frame is copied into the next descriptor's bounce buffer and
 * padded with zeroes to the 60-byte minimum; writing its size to TSD
 * (with OWN clear) starts the transmission.
 *
 * @v netdev		Network device
 * @v iob		Frame (owned by the driver until reported)
 * @ret rc		Return status code
 */
static int rtl8139_transmit(struct net_device *netdev, struct io_buffer *iob)
{
	struct rtl8139_nic *nic = netdev->priv;
	size_t len = iob_len(iob);
	unsigned int index;
	uint8_t *buf;

	if ((len == 0) || (len > ETH_FRAME_LEN))
		return -EMSGSIZE_TX;
	if ((nic->tx_prod - nic->tx_cons) >= RTL8139_TX_COUNT) {
		rtl8139_poll_tx(nic);
		if ((nic->tx_prod - nic->tx_cons) >= RTL8139_TX_COUNT)
			return -ENOBUFS_TX;
	}

	index = (nic->tx_prod % RTL8139_TX_COUNT);
	buf = (nic->tx_buffers + (index * RTL8139_TX_BUF_LEN));
	memcpy(buf, iob->data, len);
	if (len < ETH_ZLEN) {
		memset((buf + len), 0, (ETH_ZLEN - len));
		len = ETH_ZLEN;
	}
	nic->tx_iobuf[index] = iob;
	nic->tx_prod++;

	/* Buffer in memory before the chip starts reading it */
	mb();
	outl((len | RTL8139_TSD_ERTXTH(RTL8139_TX_THRESHOLD)),
	     (nic->ioaddr + RTL8139_TSD(index)));
	return 0;
}

/**
 * Poll: reap sent frames, collect received ones, check the link
 *
 * @v netdev		Network device
 */
static void rtl8139_poll(struct net_device *netdev)
{
	struct rtl8139_nic *nic = netdev->priv;
	uint16_t isr;

	/* Acknowledge whatever the chip flagged (overflows included) */
	isr = inw(nic->ioaddr + RTL8139_ISR);
	if (isr)
		outw(isr, (nic->ioaddr + RTL8139_ISR));

	rtl8139_poll_tx(nic);
	rtl8139_poll_rx(nic);
	if (!netdev_link_ok(netdev) || ((clock_ms() - nic->link_check_ms) >=
					RTL8139_LINK_CHECK_INTERVAL_MS))
		rtl8139_check_link(nic);
}

/**
 * Free the buffers, reporting frames not yet sent as failed
 *
 * The chip must be stopped.
 *
 * @v nic		NIC
 */
static void rtl8139_free_buffers(struct rtl8139_nic *nic)
{
	unsigned int index;

	for (index = 0; index < RTL8139_TX_COUNT; index++) {
		if (nic->tx_iobuf[index]) {
			netdev_tx_complete_err(nic->netdev,
					       nic->tx_iobuf[index],
					       -ECANCELED_CLOSE);
			nic->tx_iobuf[index] = NULL;
		}
	}
	heap_free_aligned(nic->rx_ring);
	nic->rx_ring = NULL;
	heap_free_aligned(nic->tx_buffers);
	nic->tx_buffers = NULL;
}

/**
 * Open the device: reset, set up the buffers, start the chip
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int rtl8139_open(struct net_device *netdev)
{
	struct rtl8139_nic *nic = netdev->priv;
	unsigned int index;
	int rc;

	rc = rtl8139_reset(nic);
	if (rc != 0)
		return rc;

	nic->rx_ring = heap_alloc_aligned(
		(RTL8139_RX_RING_LEN + RTL8139_RX_RING_PAD), RTL8139_BUF_ALIGN);
	nic->tx_buffers = heap_alloc_aligned(
		(RTL8139_TX_COUNT * RTL8139_TX_BUF_LEN), RTL8139_BUF_ALIGN);
	if (!nic->rx_ring || !nic->tx_buffers) {
		rc = -ENOMEM_BUFFERS;
		goto err;
	}
	memset(nic->rx_ring, 0, (RTL8139_RX_RING_LEN + RTL8139_RX_RING_PAD));
	nic->tx_cons = nic->tx_prod = 0;

	rtl8139_write_mac(nic, netdev->ll_addr);
	for (index = 0; index < RTL8139_TX_COUNT; index++) {
		outl(virt_to_phys(nic->tx_buffers +
				  (index * RTL8139_TX_BUF_LEN)),
		     (nic->ioaddr + RTL8139_TSAD(index)));
	}
	/* Every multicast group: IPv6 needs them and the filter is cheap */
	outl(0xffffffff, (nic->ioaddr + RTL8139_MAR0));
	outl(0xffffffff, (nic->ioaddr + RTL8139_MAR0 + 4));
	outw(0, (nic->ioaddr + RTL8139_IMR));
	outw(0xffff, (nic->ioaddr + RTL8139_ISR));
	rtl8139_start(nic);

	rtl8139_check_link(nic);
	return 0;

err:
	rtl8139_free_buffers(nic);
	return rc;
}

/**
 * Close the device: stop and reset the chip (no DMA after this), free
 * the buffers
 *
 * @v netdev		Network device
 */
static void rtl8139_close(struct net_device *netdev)
{
	struct rtl8139_nic *nic = netdev->priv;

	outb(0, (nic->ioaddr + RTL8139_CR));
	rtl8139_reset(nic);
	rtl8139_free_buffers(nic);
}

/** Network device operations */
static const struct net_device_operations rtl8139_operations = {
	.open = rtl8139_open,
	.close = rtl8139_close,
	.transmit = rtl8139_transmit,
	.poll = rtl8139_poll,
};

/**
 * Take a PCI device: reset it, read its address, register it
 *
 * @v pci		PCI device
 * @ret rc		Return status code
 */
static int rtl8139_probe(struct pci_device *pci)
{
	struct net_device *netdev;
	struct rtl8139_nic *nic;
	int rc;

	if (!pci->ioaddr)
		return -ENODEV_NO_BAR;
	netdev = netdev_alloc(sizeof(*nic));
	if (!netdev)
		return -ENOMEM;
	netdev->op = &rtl8139_operations;
	nic = netdev->priv;
	nic->netdev = netdev;
	nic->ioaddr = pci->ioaddr;

	pci_netdev_describe(pci, netdev, "rtl8139", pci->id_name);

	pci_enable_device(pci);
	rc = rtl8139_reset(nic);
	if (rc != 0)
		goto err;
	rc = rtl8139_read_mac(nic, netdev->hw_addr);
	if (rc != 0)
		goto err;
	rc = netdev_register(netdev);
	if (rc != 0)
		goto err;
	pci->priv = netdev;
	return 0;

err:
	netdev_put(netdev);
	return rc;
}

/**
 * Let a PCI device go
 *
 * @v pci		PCI device
 */
static void rtl8139_remove(struct pci_device *pci)
{
	struct net_device *netdev = pci->priv;
	struct rtl8139_nic *nic = netdev->priv;

	netdev_unregister(netdev);
	rtl8139_reset(nic);
	netdev_put(netdev);
	pci->priv = NULL;
}

/** Chips handled */
static const struct pci_device_id rtl8139_ids[] = {
	{ 0x10ec, 0x8139, "RTL8139", 0 },
};

/** The RTL8139 PCI driver */
struct pci_driver rtl8139_driver __pci_driver = {
	.name = "rtl8139",
	.ids = rtl8139_ids,
	.id_count = ARRAY_SIZE(rtl8139_ids),
	.probe = rtl8139_probe,
	.remove = rtl8139_remove,
};
