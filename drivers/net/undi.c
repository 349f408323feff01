/** @file
 *
 * UNDI: the NIC driven through a PXE ROM's UNDI API
 *
 * bin/ferry.kpxe is loaded by a PXE ROM and keeps it in memory; this
 * driver makes the ROM's NIC a network device by calling the ROM's UNDI
 * functions (arch/x86/prefix/pxe_rom.c finds the API and makes the
 * calls through base memory).
 *
 * At start-up: UNDI STARTUP and INITIALIZE (which fail harmlessly when
 * the base code already started the NIC), GET INFORMATION for the MAC
 * address and MTU, GET NIC TYPE for the PCI identity.  Open: UNDI OPEN
 * with directed and broadcast frames.  Transmit: the frame is copied to
 * base memory and sent whole (protocol "unknown": it carries its own
 * Ethernet header); UNDI TRANSMIT returns once the ROM has taken it, so
 * it completes at once.  Receive: polled through UNDI ISR (START, then
 * PROCESS and GET NEXT until DONE), with the NIC's interrupt left masked
 * at the PIC; frames may come in several pieces, which are joined.  UNDI
 * has no link state, so the link is taken to be up once open.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"
#include "core/init.h"
#include "core/iobuf.h"
#include "core/printf.h"
#include "core/string.h"
#include "net/netdevice.h"
#include "arch/x86/prefix.h"
#include "arch/x86/pxe_rom.h"
#include "arch/x86/realmode.h"
#include "arch/x86/pxe/pxe_api.h"

/** Most ISR calls in one poll (a ROM that never says DONE) */
#define UNDI_ISR_MAX_CALLS 64
/** Shortest frame UNDI TRANSMIT is given (padded) */
#define UNDI_MIN_FRAME 60
/** Offsets in the base-memory bounce buffer (the parameter block of a
 * call is copied to its start) */
#define UNDI_BOUNCE_TBD 512
#define UNDI_BOUNCE_FRAME 1024

#define ENODEV_UNDI ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_UNDI, "PXE ROM has no UNDI API");
#define EIO_OPEN ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_OPEN, "UNDI OPEN failed");
#define EIO_TRANSMIT ERROR_CODE(ERRCLASS_EIO, 2)
ERROR_MESSAGE(EIO_TRANSMIT, "UNDI TRANSMIT failed");
#define EMSGSIZE_TX ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_TX, "Frame too long for UNDI");
#define EPROTO_FRAME ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_FRAME, "UNDI returned an inconsistent frame");
#define ENOTSUP_MEDIA ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_MEDIA, "UNDI NIC is not Ethernet");

/** The UNDI NIC */
struct undi_nic {
	/** Frame being put together from pieces, or NULL */
	struct io_buffer *rx;
	/** Its total length */
	size_t rx_len;
	/** An ISR PROCESS round was cut short (UNDI_ISR_MAX_CALLS) and
	 * goes on with GET NEXT at the next poll */
	int isr_pending;
};

/**
 * Call UNDI, reporting a failure with its status
 *
 * @v opcode		Opcode
 * @v params		Parameter block
 * @v len		Its length
 * @v rc_failure	Error to return on failure
 * @ret rc		Return status code
 */
static int undi_call(unsigned int opcode, void *params, size_t len,
		     int rc_failure)
{
	int rc;

	rc = pxe_rom_call(opcode, params, len);
	if (rc == 0)
		return 0;
	if (ERROR_IS(rc, EIO))
		return rc_failure;
	return rc;
}

/**
 * Open the NIC
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int undi_open(struct net_device *netdev)
{
	struct s_PXENV_UNDI_OPEN open;
	int rc;

	memset(&open, 0, sizeof(open));
	open.PktFilter = (FLTR_DIRECTED | FLTR_BRDCST);
	rc = undi_call(PXENV_UNDI_OPEN, &open, sizeof(open), -EIO_OPEN);
	if (rc != 0)
		return rc;
	netdev_link_up(netdev);
	return 0;
}

/**
 * Close the NIC
 *
 * @v netdev		Network device
 */
static void undi_close(struct net_device *netdev)
{
	struct undi_nic *nic = netdev->priv;
	struct s_PXENV_STATUS close;

	memset(&close, 0, sizeof(close));
	pxe_rom_call(PXENV_UNDI_CLOSE, &close, sizeof(close));
	iob_free(nic->rx);
	nic->rx = NULL;
	nic->isr_pending = 0;
}

/**
 * Send a frame
 *
 * @v netdev		Network device
 * @v iob		Frame (reported complete before this returns)
 * @ret rc		Return status code
 */
static int undi_transmit(struct net_device *netdev, struct io_buffer *iob)
{
	uint8_t *bounce = basemem_buffer();
	struct s_PXENV_UNDI_TBD *tbd = (void *)(bounce + UNDI_BOUNCE_TBD);
	uint8_t *frame = (bounce + UNDI_BOUNCE_FRAME);
	struct s_PXENV_UNDI_TRANSMIT transmit;
	size_t len = iob_len(iob);
	int rc;

	if (len > (BASEMEM_BUFFER_SIZE - UNDI_BOUNCE_FRAME))
		return -EMSGSIZE_TX;
	memcpy(frame, iob->data, len);
	if (len < UNDI_MIN_FRAME) {
		memset((frame + len), 0, (UNDI_MIN_FRAME - len));
		len = UNDI_MIN_FRAME;
	}
	memset(tbd, 0, sizeof(*tbd));
	tbd->ImmedLength = len;
	tbd->Xmit.segment = real_segment(frame);
	tbd->Xmit.offset = real_offset(frame);
	memset(&transmit, 0, sizeof(transmit));
	transmit.Protocol = P_UNKNOWN;
	transmit.XmitFlag = XMT_DESTADDR;
	transmit.TBD.segment = real_segment(tbd);
	transmit.TBD.offset = real_offset(tbd);
	rc = undi_call(PXENV_UNDI_TRANSMIT, &transmit, sizeof(transmit),
		       -EIO_TRANSMIT);
	if (rc != 0)
		return rc;
	netdev_tx_complete(netdev, iob);
	return 0;
}

/**
 * Take one piece of a received frame
 *
 * @v netdev		Network device
 * @v isr		ISR result (RECEIVE)
 */
static void undi_rx_piece(struct net_device *netdev,
			  const struct s_PXENV_UNDI_ISR *isr)
{
	struct undi_nic *nic = netdev->priv;
	const uint8_t *piece;
	size_t room;

	/* A new frame: its total length sizes the buffer */
	if (!nic->rx) {
		if (!isr->FrameLength || isr->FrameLength > ETH_FRAME_LEN) {
			netdev_rx_err(netdev, NULL, -EPROTO_FRAME);
			return;
		}
		nic->rx = iob_alloc(isr->FrameLength);
		nic->rx_len = isr->FrameLength;
		if (!nic->rx) {
			netdev_rx_err(netdev, NULL, -ENOMEM);
			return;
		}
	}
	room = (nic->rx_len - iob_len(nic->rx));
	if (isr->BufferLength > room ||
	    (((uint32_t)isr->Frame.segment << 4) + isr->Frame.offset +
	     isr->BufferLength) > 0x100000) {
		netdev_rx_err(netdev, nic->rx, -EPROTO_FRAME);
		nic->rx = NULL;
		return;
	}
	piece = real_to_virt(isr->Frame.segment, isr->Frame.offset);
	memcpy(iob_put(nic->rx, isr->BufferLength), piece,
	       isr->BufferLength);
	if (iob_len(nic->rx) == nic->rx_len) {
		netdev_rx(netdev, nic->rx);
		nic->rx = NULL;
	}
}

/**
 * Poll: collect received frames through UNDI ISR
 *
 * A round is START, then PROCESS and GET NEXT until the ROM says DONE.
 * A poll makes at most UNDI_ISR_MAX_CALLS calls; a round cut short goes
 * on at the next poll with GET NEXT, not with a new START, since a ROM
 * may keep the NIC's interrupt off (and answer START with "not ours")
 * until a round has reached DONE (iPXE's UNDI does).
 *
 * @v netdev		Network device
 */
static void undi_poll(struct net_device *netdev)
{
	struct undi_nic *nic = netdev->priv;
	struct s_PXENV_UNDI_ISR isr;
	unsigned int calls;

	memset(&isr, 0, sizeof(isr));
	if (nic->isr_pending) {
		isr.FuncFlag = PXENV_UNDI_ISR_IN_GET_NEXT;
	} else {
		isr.FuncFlag = PXENV_UNDI_ISR_IN_START;
		if (pxe_rom_call(PXENV_UNDI_ISR, &isr, sizeof(isr)) != 0 ||
		    isr.FuncFlag != PXENV_UNDI_ISR_OUT_OURS)
			return;
		memset(&isr, 0, sizeof(isr));
		isr.FuncFlag = PXENV_UNDI_ISR_IN_PROCESS;
	}

	nic->isr_pending = 0;
	for (calls = 0; calls < UNDI_ISR_MAX_CALLS; calls++) {
		if (pxe_rom_call(PXENV_UNDI_ISR, &isr, sizeof(isr)) != 0)
			return;
		if (isr.FuncFlag == PXENV_UNDI_ISR_OUT_DONE)
			return;
		if (isr.FuncFlag == PXENV_UNDI_ISR_OUT_RECEIVE)
			undi_rx_piece(netdev, &isr);
		memset(&isr, 0, sizeof(isr));
		isr.FuncFlag = PXENV_UNDI_ISR_IN_GET_NEXT;
	}
	nic->isr_pending = 1;
}

/** UNDI operations */
static const struct net_device_operations undi_operations = {
	.open = undi_open,
	.close = undi_close,
	.transmit = undi_transmit,
	.poll = undi_poll,
};

/**
 * Make the PXE ROM's NIC a network device (bin/ferry.kpxe only)
 */
static void undi_probe(void)
{
	struct s_PXENV_STATUS status;
	struct s_PXENV_UNDI_INITIALIZE initialize;
	struct s_PXENV_UNDI_GET_INFORMATION info;
	struct s_PXENV_UNDI_GET_NIC_TYPE nic_type;
	struct net_device *netdev;
	int rc;

	if (!prefix_is(PREFIX_TYPE_KPXE))
		return;
	/* No PXE API at all: arch/x86/prefix/pxe_boot.c says so, in one
	 * line, as it hands the boot back
	 */
	if (pxe_rom_find() != 0)
		return;

	/* The base code usually started and initialised UNDI already:
	 * these then fail, and that is fine
	 */
	memset(&status, 0, sizeof(status));
	pxe_rom_call(PXENV_UNDI_STARTUP, &status, sizeof(status));
	memset(&initialize, 0, sizeof(initialize));
	pxe_rom_call(PXENV_UNDI_INITIALIZE, &initialize, sizeof(initialize));

	memset(&info, 0, sizeof(info));
	rc = undi_call(PXENV_UNDI_GET_INFORMATION, &info, sizeof(info),
		       -ENODEV_UNDI);
	if (rc != 0)
		goto err_find;
	if (info.HwType != ETHER_TYPE || info.HwAddrLen != ETH_ALEN) {
		rc = -ENOTSUP_MEDIA;
		goto err_find;
	}

	netdev = netdev_alloc(sizeof(struct undi_nic));
	if (!netdev) {
		rc = -ENOMEM;
		goto err_find;
	}
	netdev->op = &undi_operations;
	memcpy(netdev->hw_addr, info.PermNodeAddress, ETH_ALEN);
	memcpy(netdev->ll_addr, info.CurrentNodeAddress, ETH_ALEN);
	if (info.MaxTranUnit >= 576 && info.MaxTranUnit <= ETH_DATA_LEN)
		netdev->mtu = info.MaxTranUnit;
	snprintf(netdev->chip, sizeof(netdev->chip), "undi");
	snprintf(netdev->location, sizeof(netdev->location), "UNDI");

	memset(&nic_type, 0, sizeof(nic_type));
	if (pxe_rom_call(PXENV_UNDI_GET_NIC_TYPE, &nic_type,
			 sizeof(nic_type)) == 0 &&
	    nic_type.NicType == PCI_NIC) {
		snprintf(netdev->location, sizeof(netdev->location),
			 "UNDI PCI %02x:%02x.%x", (nic_type.BusDevFunc >> 8),
			 ((nic_type.BusDevFunc >> 3) & 0x1f),
			 (nic_type.BusDevFunc & 0x07));
		netdev->busid[0] = 1;
		netdev->busid[1] = (nic_type.Vendor_ID >> 8);
		netdev->busid[2] = nic_type.Vendor_ID;
		netdev->busid[3] = (nic_type.Dev_ID >> 8);
		netdev->busid[4] = nic_type.Dev_ID;
	}
	if ((rc = netdev_register(netdev)) != 0)
		goto err_register;
	netdev_put(netdev);
	return;

err_register:
	netdev_put(netdev);
err_find:
	error_print(rc, "UNDI");
}

/** Probe the PXE ROM's NIC with the other devices */
struct init_fn undi_probe_fn __init_fn(INIT_DEVICES) = {
	.name = "undi",
	.init = undi_probe,
};
