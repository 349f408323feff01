/** @file
 *
 * Intel 8254x and 82574 gigabit Ethernet (QEMU "e1000", "e1000e")
 *
 * One legacy receive ring and one legacy transmit ring, polled, with
 * every interrupt masked.  The 82574 accepts the legacy descriptor
 * format as long as RFCTL.EXSTEN stays clear (its reset value), so one
 * driver serves the whole family.
 *
 * Frames are sent straight from the caller's I/O buffer and received
 * straight into I/O buffers handed to the stack: no copies.  Finished
 * descriptors are found by their DD bit in memory, so a poll with
 * nothing to do reads no register at all (the link is checked every
 * E1000_LINK_CHECK_INTERVAL_MS while it is up).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/string.h"
#include "drivers/bus/pci.h"
#include "drivers/net/e1000.h"
#include "net/ethernet.h"
#include "net/netdevice.h"

/** No memory BAR */
#define ENODEV_NO_BAR ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_NO_BAR, "NIC has no memory-mapped registers");
/** Reset did not finish */
#define ETIMEDOUT_RESET ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_RESET, "NIC reset did not complete");
/** EEPROM word did not arrive */
#define ETIMEDOUT_EEPROM ERROR_CODE(ERRCLASS_ETIMEDOUT, 2)
ERROR_MESSAGE(ETIMEDOUT_EEPROM, "NIC EEPROM read timed out");
/** Neither RAL/RAH nor the EEPROM held an address */
#define EADDRNOTAVAIL_MAC ERROR_CODE(ERRCLASS_EADDRNOTAVAIL, 1)
ERROR_MESSAGE(EADDRNOTAVAIL_MAC, "NIC has no valid Ethernet address");
/** No memory for descriptor rings */
#define ENOMEM_RING ERROR_CODE(ERRCLASS_ENOMEM, 1)
ERROR_MESSAGE(ENOMEM_RING, "No memory for NIC descriptor rings");
/** No memory for any receive buffer */
#define ENOMEM_RX ERROR_CODE(ERRCLASS_ENOMEM, 2)
ERROR_MESSAGE(ENOMEM_RX, "No memory for NIC receive buffers");
/** Transmit ring full */
#define ENOBUFS_TX_RING ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_TX_RING, "Transmit ring full");
/** Frame too long or empty */
#define EMSGSIZE_TX ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_TX, "Frame length not transmittable");
/** Transmission gave up */
#define EIO_TX ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_TX, "Transmit failed (collisions)");
/** Receive error bits set */
#define EIO_RX ERROR_CODE(ERRCLASS_EIO, 2)
ERROR_MESSAGE(EIO_RX, "Receive error reported by the NIC");
/** A frame spread over several descriptors */
#define EMSGSIZE_RX ERROR_CODE(ERRCLASS_EMSGSIZE, 2)
ERROR_MESSAGE(EMSGSIZE_RX, "Received frame longer than a buffer");
/** Written-back length impossible */
#define EPROTO_RX_LEN ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_RX_LEN, "NIC reported an impossible receive length");
/** Link down */
#define ENOTCONN_LINK ERROR_CODE(ERRCLASS_ENOTCONN, 1)
ERROR_MESSAGE(ENOTCONN_LINK, "No link");
/** Frame still queued at close */
#define ECANCELED_CLOSE ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_CLOSE, "Device closed before the frame was sent");

build_assert(sizeof(struct e1000_rx_descriptor) == 16);
build_assert(sizeof(struct e1000_tx_descriptor) == 16);
/* Ring lengths must be multiples of 128 bytes; indices wrap by masking */
build_assert(((E1000_RX_RING_SIZE * 16) % 128) == 0);
build_assert(((E1000_TX_RING_SIZE * 16) % 128) == 0);
build_assert((E1000_RX_RING_SIZE & (E1000_RX_RING_SIZE - 1)) == 0);
build_assert((E1000_TX_RING_SIZE & (E1000_TX_RING_SIZE - 1)) == 0);
/* A whole frame must fit one receive buffer */
build_assert(E1000_RX_BUF_LEN >= (ETH_FRAME_LEN + 4));

/** A NIC */
struct e1000_nic {
	/** Registers (BAR 0) */
	void *regs;
	/** Network device */
	struct net_device *netdev;
	/** Chip differences */
	const struct e1000_chip *chip;
	/** Receive ring */
	struct e1000_rx_descriptor *rx_ring;
	/** Buffers in the receive ring, by descriptor */
	struct io_buffer *rx_iobuf[E1000_RX_RING_SIZE];
	/** Receive descriptors consumed (the next to complete, mod size) */
	unsigned int rx_cons;
	/** Receive descriptors filled (the next to fill, mod size) */
	unsigned int rx_prod;
	/** Discarding the rest of a frame that spans descriptors */
	int rx_discard;
	/** Transmit ring */
	struct e1000_tx_descriptor *tx_ring;
	/** Frames in the transmit ring, by descriptor */
	struct io_buffer *tx_iobuf[E1000_TX_RING_SIZE];
	/** Transmit descriptors reaped (the next to complete, mod size) */
	unsigned int tx_cons;
	/** Transmit descriptors filled (the next to fill, mod size) */
	unsigned int tx_prod;
	/** Time of the last link check (clock_ms()) */
	uint64_t link_check_ms;
};

/**
 * Read a register
 *
 * @v nic		NIC
 * @v reg		Register offset
 * @ret value		Value
 */
static inline uint32_t e1000_read(struct e1000_nic *nic, unsigned int reg)
{
	return readl(nic->regs + reg);
}

/**
 * Write a register
 *
 * @v nic		NIC
 * @v reg		Register offset
 * @v value		Value
 */
static inline void e1000_write(struct e1000_nic *nic, unsigned int reg,
			       uint32_t value)
{
	writel(value, nic->regs + reg);
}

/**
 * Write a 64-bit DMA address to a low/high register pair
 *
 * @v nic		NIC
 * @v reg_low		Offset of the low register (the high one follows)
 * @v addr		Memory the NIC is to address
 */
static void e1000_write_address(struct e1000_nic *nic, unsigned int reg_low,
				const void *addr)
{
	uint64_t phys = virt_to_phys(addr);

	e1000_write(nic, reg_low, (uint32_t)phys);
	e1000_write(nic, (reg_low + 4), (uint32_t)(phys >> 32));
}

/**
 * Reset the NIC and mask its interrupts
 *
 * Receive and transmit are stopped first so that no DMA is in flight
 * while the reset happens.  Afterwards receive address 0 holds the
 * EEPROM's address again.
 *
 * @v nic		NIC
 * @ret rc		Return status code
 */
static int e1000_reset(struct e1000_nic *nic)
{
	unsigned int waited_ms;

	e1000_write(nic, E1000_IMC, E1000_IMC_ALL);
	e1000_write(nic, E1000_RCTL, 0);
	e1000_write(nic, E1000_TCTL, 0);
	/* Read back to flush the writes before the reset */
	e1000_read(nic, E1000_STATUS);

	e1000_write(nic, E1000_CTRL,
		    (e1000_read(nic, E1000_CTRL) | E1000_CTRL_RST));
	for (waited_ms = 0; waited_ms < E1000_RESET_TIMEOUT_MS; waited_ms++) {
		udelay(1000);
		if (!(e1000_read(nic, E1000_CTRL) & E1000_CTRL_RST))
			break;
	}
	if (waited_ms == E1000_RESET_TIMEOUT_MS)
		return -ETIMEDOUT_RESET;

	/* The reset unmasks nothing, but make sure of it */
	e1000_write(nic, E1000_IMC, E1000_IMC_ALL);
	return 0;
}

/**
 * Read one 16-bit word of the EEPROM through EERD
 *
 * @v nic		NIC
 * @v word		Word address
 * @v value		Word read
 * @ret rc		Return status code
 */
static int e1000_read_eeprom(struct e1000_nic *nic, unsigned int word,
			     uint16_t *value)
{
	unsigned int addr_shift = E1000_EERD_ADDR_SHIFT;
	uint32_t done = E1000_EERD_DONE;
	unsigned int waited_us;
	uint32_t eerd;

	if (nic->chip->flags & E1000_FLAG_EERD_82574) {
		addr_shift = E1000_EERD_82574_ADDR_SHIFT;
		done = E1000_EERD_82574_DONE;
	}
	e1000_write(nic, E1000_EERD, (E1000_EERD_START | (word << addr_shift)));
	for (waited_us = 0; waited_us < E1000_EEPROM_TIMEOUT_US;
	     waited_us += E1000_EEPROM_POLL_US) {
		eerd = e1000_read(nic, E1000_EERD);
		if (eerd & done) {
			*value = (eerd >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
		udelay(E1000_EEPROM_POLL_US);
	}
	return -ETIMEDOUT_EEPROM;
}

/**
 * Test whether an Ethernet address can be a station's own
 *
 * @v mac		Address
 * @ret valid		Neither all zeroes nor multicast
 */
static int e1000_mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];

	return (memcmp(mac, zero, ETH_ALEN) != 0) && !eth_is_multicast(mac);
}

/**
 * Read the permanent Ethernet address
 *
 * The NIC loads receive address 0 from its EEPROM at power-up; if that
 * entry is empty (no EEPROM auto-load), the EEPROM is read directly.
 *
 * @v nic		NIC
 * @v mac		Address to fill
 * @ret rc		Return status code
 */
static int e1000_read_mac(struct e1000_nic *nic, uint8_t *mac)
{
	uint32_t ral = e1000_read(nic, E1000_RAL0);
	uint32_t rah = e1000_read(nic, E1000_RAH0);
	uint16_t word;
	unsigned int i;
	int rc;

	if (rah & E1000_RAH_AV) {
		mac[0] = ral;
		mac[1] = (ral >> 8);
		mac[2] = (ral >> 16);
		mac[3] = (ral >> 24);
		mac[4] = rah;
		mac[5] = (rah >> 8);
		if (e1000_mac_valid(mac))
			return 0;
	}
	if (nic->chip->flags & E1000_FLAG_NO_EERD)
		return -EADDRNOTAVAIL_MAC;
	for (i = 0; i < (ETH_ALEN / 2); i++) {
		rc = e1000_read_eeprom(nic, (E1000_EEPROM_MAC_WORD + i), &word);
		if (rc != 0)
			return rc;
		mac[2 * i] = word;
		mac[2 * i + 1] = (word >> 8);
	}
	if (!e1000_mac_valid(mac))
		return -EADDRNOTAVAIL_MAC;
	return 0;
}

/**
 * Program the address the NIC accepts unicast frames for
 *
 * @v nic		NIC
 * @v mac		Address
 */
static void e1000_write_mac(struct e1000_nic *nic, const uint8_t *mac)
{
	e1000_write(nic, E1000_RAL0,
		    (mac[0] | (mac[1] << 8) | (mac[2] << 16) |
		     ((uint32_t)mac[3] << 24)));
	e1000_write(nic, E1000_RAH0, (mac[4] | (mac[5] << 8) | E1000_RAH_AV));
}

/**
 * Check the link and tell the network core
 *
 * @v nic		NIC
 */
static void e1000_check_link(struct e1000_nic *nic)
{
	uint32_t status = e1000_read(nic, E1000_STATUS);

	nic->link_check_ms = clock_ms();
	if (status & E1000_STATUS_LU)
		netdev_link_up(nic->netdev);
	else
		netdev_link_down(nic->netdev, -ENOTCONN_LINK);
}

/**
 * Give the NIC empty receive buffers for every free descriptor
 *
 * One descriptor always stays unused: RDH == RDT means "no buffers".
 * The tail is written once, after all descriptors are ready.  A failed
 * allocation leaves the slot empty until a later poll.
 *
 * @v nic		NIC
 */
static void e1000_refill_rx(struct e1000_nic *nic)
{
	struct e1000_rx_descriptor *desc;
	struct io_buffer *iob;
	unsigned int start = nic->rx_prod;
	unsigned int index;

	while ((nic->rx_prod - nic->rx_cons) < (E1000_RX_RING_SIZE - 1)) {
		iob = iob_alloc(E1000_RX_BUF_LEN);
		if (!iob)
			break;
		index = (nic->rx_prod % E1000_RX_RING_SIZE);
		desc = &nic->rx_ring[index];
		desc->address = virt_to_phys(iob->data);
		desc->length = 0;
		desc->status = 0;
		desc->errors = 0;
		nic->rx_iobuf[index] = iob;
		nic->rx_prod++;
	}
	if (nic->rx_prod == start)
		return;
	/* Descriptors in memory before the NIC hears of them */
	mb();
	e1000_write(nic, E1000_RDT, (nic->rx_prod % E1000_RX_RING_SIZE));
}

/**
 * Read a receive descriptor's status as the NIC last wrote it
 *
 * @v desc		Descriptor
 * @ret status		Status
 */
static inline uint8_t e1000_rx_status(struct e1000_rx_descriptor *desc)
{
	return *(volatile uint8_t *)&desc->status;
}

/**
 * Hand the stack every frame the NIC has finished receiving
 *
 * The length the NIC wrote back is checked against the buffer before
 * it is used.  A frame spread over more than one descriptor cannot
 * happen with 2 KiB buffers and long-packet reception off; if a NIC
 * does it anyway, every part up to the end of packet is dropped.
 *
 * @v nic		NIC
 */
static void e1000_poll_rx(struct e1000_nic *nic)
{
	struct e1000_rx_descriptor *desc;
	struct io_buffer *iob;
	unsigned int index;
	unsigned int len;
	uint8_t status;
	int rc;

	while (nic->rx_cons != nic->rx_prod) {
		index = (nic->rx_cons % E1000_RX_RING_SIZE);
		desc = &nic->rx_ring[index];
		status = e1000_rx_status(desc);
		if (!(status & E1000_RXD_STATUS_DD))
			break;
		/* Read the rest of the descriptor, and the frame, after DD */
		mb();
		iob = nic->rx_iobuf[index];
		nic->rx_iobuf[index] = NULL;
		nic->rx_cons++;
		len = desc->length;

		if (nic->rx_discard || !(status & E1000_RXD_STATUS_EOP)) {
			nic->rx_discard = !(status & E1000_RXD_STATUS_EOP);
			rc = -EMSGSIZE_RX;
		} else if (desc->errors & E1000_RXD_ERROR_FRAME) {
			rc = -EIO_RX;
		} else if ((len == 0) || (len > E1000_RX_BUF_LEN)) {
			rc = -EPROTO_RX_LEN;
		} else {
			iob_put(iob, len);
			netdev_rx(nic->netdev, iob);
			continue;
		}
		netdev_rx_err(nic->netdev, iob, rc);
	}
}

/**
 * Read a transmit descriptor's status as the NIC last wrote it
 *
 * @v desc		Descriptor
 * @ret status		Status
 */
static inline uint8_t e1000_tx_status(struct e1000_tx_descriptor *desc)
{
	return *(volatile uint8_t *)&desc->status;
}

/**
 * Report every frame the NIC has finished sending
 *
 * @v nic		NIC
 */
static void e1000_poll_tx(struct e1000_nic *nic)
{
	struct e1000_tx_descriptor *desc;
	struct io_buffer *iob;
	unsigned int index;
	uint8_t status;

	while (nic->tx_cons != nic->tx_prod) {
		index = (nic->tx_cons % E1000_TX_RING_SIZE);
		desc = &nic->tx_ring[index];
		status = e1000_tx_status(desc);
		if (!(status & E1000_TXD_STATUS_DD))
			break;
		iob = nic->tx_iobuf[index];
		nic->tx_iobuf[index] = NULL;
		nic->tx_cons++;
		if (status & (E1000_TXD_STATUS_EC | E1000_TXD_STATUS_LC))
			netdev_tx_complete_err(nic->netdev, iob, -EIO_TX);
		else
			netdev_tx_complete(nic->netdev, iob);
	}
}

/**
 * Start sending a frame
 *
 * The frame is sent from the I/O buffer itself, which the NIC reads by
 * DMA; PSP pads short frames, IFCS appends the CRC.
 *
 * @v netdev		Network device
 * @v iob		Frame (owned by the driver until reported)
 * @ret rc		Return status code
 */
static int e1000_transmit(struct net_device *netdev, struct io_buffer *iob)
{
	struct e1000_nic *nic = netdev->priv;
	struct e1000_tx_descriptor *desc;
	size_t len = iob_len(iob);
	unsigned int index;

	if ((len == 0) || (len > ETH_FRAME_LEN))
		return -EMSGSIZE_TX;
	if ((nic->tx_prod - nic->tx_cons) >= (E1000_TX_RING_SIZE - 1)) {
		e1000_poll_tx(nic);
		if ((nic->tx_prod - nic->tx_cons) >= (E1000_TX_RING_SIZE - 1))
			return -ENOBUFS_TX_RING;
	}

	index = (nic->tx_prod % E1000_TX_RING_SIZE);
	desc = &nic->tx_ring[index];
	desc->address = virt_to_phys(iob->data);
	desc->length = len;
	desc->cso = 0;
	desc->command =
		(E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
	desc->status = 0;
	desc->css = 0;
	desc->special = 0;
	nic->tx_iobuf[index] = iob;
	nic->tx_prod++;

	/* Descriptor in memory before the NIC hears of it */
	mb();
	e1000_write(nic, E1000_TDT, (nic->tx_prod % E1000_TX_RING_SIZE));
	return 0;
}

/**
 * Poll: reap sent frames, collect received ones, refill, check the link
 *
 * @v netdev		Network device
 */
static void e1000_poll(struct net_device *netdev)
{
	struct e1000_nic *nic = netdev->priv;

	e1000_poll_tx(nic);
	e1000_poll_rx(nic);
	e1000_refill_rx(nic);
	if (!netdev_link_ok(netdev) ||
	    ((clock_ms() - nic->link_check_ms) >= E1000_LINK_CHECK_INTERVAL_MS))
		e1000_check_link(nic);
}

/**
 * Free the rings and whatever buffers are still in them
 *
 * Frames not yet sent are reported as failed.  The NIC must be stopped.
 *
 * @v nic		NIC
 */
static void e1000_free_rings(struct e1000_nic *nic)
{
	unsigned int index;

	for (index = 0; index < E1000_RX_RING_SIZE; index++) {
		iob_free(nic->rx_iobuf[index]);
		nic->rx_iobuf[index] = NULL;
	}
	for (index = 0; index < E1000_TX_RING_SIZE; index++) {
		if (nic->tx_iobuf[index]) {
			netdev_tx_complete_err(nic->netdev,
					       nic->tx_iobuf[index],
					       -ECANCELED_CLOSE);
			nic->tx_iobuf[index] = NULL;
		}
	}
	heap_free_aligned(nic->rx_ring);
	nic->rx_ring = NULL;
	heap_free_aligned(nic->tx_ring);
	nic->tx_ring = NULL;
}

/**
 * Enable the receiver
 *
 * QEMU's e1000 model refuses incoming frames for a second after every
 * write to RCTL (its flush_queue_timer), so this is done once, when the
 * device is probed, with no receive buffers yet (the NIC takes nothing
 * until the ring has some); e1000_open() then only fills the ring, and
 * DHCP does not lose that second.  After a close (which resets the NIC)
 * the next open enables it again.
 *
 * @v nic		NIC
 */
static void e1000_enable_rx(struct e1000_nic *nic)
{
	e1000_write(nic, E1000_RCTL,
		    (E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_MPE |
		     E1000_RCTL_SECRC | E1000_RCTL_BSIZE_2048 |
		     E1000_RCTL_RDMTS_HALF));
}

/**
 * Open the device: set up both rings, enable transmit, and receive unless
 * the probe already did (a device closed since is reset first)
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int e1000_open(struct net_device *netdev)
{
	struct e1000_nic *nic = netdev->priv;
	size_t rx_len = (E1000_RX_RING_SIZE * sizeof(nic->rx_ring[0]));
	size_t tx_len = (E1000_TX_RING_SIZE * sizeof(nic->tx_ring[0]));
	uint32_t ctrl;
	int rx_enabled;
	int rc;

	/* Reception left enabled by the probe: no reset, no RCTL write */
	rx_enabled = (e1000_read(nic, E1000_RCTL) & E1000_RCTL_EN);
	if (!rx_enabled) {
		rc = e1000_reset(nic);
		if (rc != 0)
			return rc;
	}

	/* Link up through the internal PHY, speed and duplex negotiated */
	ctrl = e1000_read(nic, E1000_CTRL);
	ctrl |= (E1000_CTRL_SLU | E1000_CTRL_ASDE);
	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_ILOS | E1000_CTRL_FRCSPD |
		  E1000_CTRL_FRCDPX | E1000_CTRL_VME | E1000_CTRL_PHY_RST);
	e1000_write(nic, E1000_CTRL, ctrl);
	e1000_write_mac(nic, netdev->ll_addr);

	nic->rx_ring = heap_alloc_aligned(rx_len, E1000_RING_ALIGN);
	nic->tx_ring = heap_alloc_aligned(tx_len, E1000_RING_ALIGN);
	if (!nic->rx_ring || !nic->tx_ring) {
		rc = -ENOMEM_RING;
		goto err;
	}
	memset(nic->rx_ring, 0, rx_len);
	memset(nic->tx_ring, 0, tx_len);
	nic->rx_cons = nic->rx_prod = 0;
	nic->rx_discard = 0;
	nic->tx_cons = nic->tx_prod = 0;

	/* Transmit ring, then transmitter */
	e1000_write_address(nic, E1000_TDBAL, nic->tx_ring);
	e1000_write(nic, E1000_TDLEN, tx_len);
	e1000_write(nic, E1000_TDH, 0);
	e1000_write(nic, E1000_TDT, 0);
	e1000_write(nic, E1000_TIPG, E1000_TIPG_VALUE(nic->chip->tipg_ipgt));
	e1000_write(nic, E1000_TCTL,
		    (E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT_DEFAULT |
		     E1000_TCTL_COLD_FULL_DUPLEX));

	/* Receive ring, its buffers, then receiver */
	e1000_write_address(nic, E1000_RDBAL, nic->rx_ring);
	e1000_write(nic, E1000_RDLEN, rx_len);
	e1000_write(nic, E1000_RDH, 0);
	e1000_write(nic, E1000_RDT, 0);
	e1000_refill_rx(nic);
	if (nic->rx_prod == 0) {
		rc = -ENOMEM_RX;
		goto err;
	}
	if (!rx_enabled)
		e1000_enable_rx(nic);

	e1000_check_link(nic);
	return 0;

err:
	e1000_reset(nic);
	e1000_free_rings(nic);
	return rc;
}

/**
 * Close the device: stop and reset the NIC (no DMA after this), free
 * the rings and their buffers
 *
 * @v netdev		Network device
 */
static void e1000_close(struct net_device *netdev)
{
	struct e1000_nic *nic = netdev->priv;

	e1000_reset(nic);
	e1000_free_rings(nic);
}

/** Network device operations */
static const struct net_device_operations e1000_operations = {
	.open = e1000_open,
	.close = e1000_close,
	.transmit = e1000_transmit,
	.poll = e1000_poll,
};

/**
 * Take a PCI device: reset it, read its address, register it
 *
 * @v pci		PCI device
 * @ret rc		Return status code
 */
static int e1000_probe(struct pci_device *pci)
{
	struct net_device *netdev;
	struct e1000_nic *nic;
	int rc;

	if (!pci->membase)
		return -ENODEV_NO_BAR;
	netdev = netdev_alloc(sizeof(*nic));
	if (!netdev)
		return -ENOMEM;
	netdev->op = &e1000_operations;
	nic = netdev->priv;
	nic->netdev = netdev;
	nic->chip = (const struct e1000_chip *)pci->driver_data;
	nic->regs = phys_to_virt(pci->membase);

	pci_netdev_describe(pci, netdev, "e1000", pci->id_name);

	pci_enable_device(pci);
	rc = e1000_reset(nic);
	if (rc != 0)
		goto err;
	rc = e1000_read_mac(nic, netdev->hw_addr);
	if (rc != 0)
		goto err;
	e1000_enable_rx(nic);
	rc = netdev_register(netdev);
	if (rc != 0)
		goto err_register;
	pci->priv = netdev;
	return 0;

err_register:
	e1000_reset(nic);
err:
	netdev_put(netdev);
	return rc;
}

/**
 * Let a PCI device go
 *
 * @v pci		PCI device
 */
static void e1000_remove(struct pci_device *pci)
{
	struct net_device *netdev = pci->priv;
	struct e1000_nic *nic = netdev->priv;

	netdev_unregister(netdev);
	e1000_reset(nic);
	netdev_put(netdev);
	pci->priv = NULL;
}

/** 82540EM, 82545EM: EERD, IPGT 10 */
static const struct e1000_chip e1000_chip_8254x = {
	.flags = 0,
	.tipg_ipgt = E1000_TIPG_IPGT_8254X,
};

/** 82544GC: no EERD, IPGT 8 */
static const struct e1000_chip e1000_chip_82544 = {
	.flags = E1000_FLAG_NO_EERD,
	.tipg_ipgt = E1000_TIPG_IPGT_82544,
};

/** 82574L: 82574 EERD layout, IPGT 8 */
static const struct e1000_chip e1000_chip_82574 = {
	.flags = E1000_FLAG_EERD_82574,
	.tipg_ipgt = E1000_TIPG_IPGT_82574,
};

/** Chips handled (QEMU: e1000-82544gc, e1000, e1000-82545em, e1000e) */
static const struct pci_device_id e1000_ids[] = {
	{ 0x8086, 0x100c, "82544GC", (unsigned long)&e1000_chip_82544 },
	{ 0x8086, 0x100e, "82540EM", (unsigned long)&e1000_chip_8254x },
	{ 0x8086, 0x100f, "82545EM", (unsigned long)&e1000_chip_8254x },
	{ 0x8086, 0x10d3, "82574L", (unsigned long)&e1000_chip_82574 },
};

/** The e1000 PCI driver */
struct pci_driver e1000_driver __pci_driver = {
	.name = "e1000",
	.ids = e1000_ids,
	.id_count = ARRAY_SIZE(e1000_ids),
	.probe = e1000_probe,
	.remove = e1000_remove,
};
