/** @file
 *
 * The PXE API's UNDI calls, on Ferry's own driver
 *
 * An NBP with its own network stack (lpxelinux, Windows loaders) sends
 * and receives raw Ethernet frames: UNDI TRANSMIT hands a frame to
 * Ferry's driver, UNDI ISR polls the driver and hands out the frames it
 * received (which Ferry's stack then never sees).  Ferry's drivers are
 * polled, so no interrupt is reported (IntNumber 0) and ISR START says
 * "ours" whenever a frame is waiting.  The other calls report the
 * device or do nothing that Ferry needs done: the device stays open
 * under Ferry's control until UNLOAD STACK.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/endian.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/string.h"
#include "net/ethernet.h"
#include "net/netdevice.h"
#include "arch/x86/pxe/pxe_api.h"
#include "arch/x86/pxe/pxe_call.h"
#include "arch/x86/pxe/pxe_stubs.h"

/** Ethernet header length */
#define PXE_UNDI_ETH_HLEN 14

/** Ethernet types UNDI TRANSMIT and ISR name */
#define PXE_UNDI_ETH_P_IP   0x0800
#define PXE_UNDI_ETH_P_ARP  0x0806
#define PXE_UNDI_ETH_P_RARP 0x8035

/** Largest frame handed out or sent */
#define PXE_UNDI_FRAME_MAX 1536

/** Where in the stubs' buffer received frames are handed out */
#define PXE_UNDI_RX_OFFSET (PXE_STUBS_BUFFER_SIZE - PXE_UNDI_FRAME_MAX)

/**
 * The device, if it is open
 *
 * @ret netdev		Device, or NULL
 */
static struct net_device *pxe_undi_netdev(void)
{
	struct net_device *netdev = pxe_api_netdev();

	if (!netdev)
		return NULL;
	if (!netdev_is_open(netdev) && netdev_open(netdev) != 0)
		return NULL;
	return netdev;
}

/**
 * A call with nothing to do but succeed (the device stays as it is)
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_undi_nothing(void *params)
{
	return (pxe_undi_netdev() ? PXENV_STATUS_SUCCESS
				  : PXENV_STATUS_UNDI_INVALID_STATE);
}

/** UNDI STARTUP */
struct pxe_api_call pxe_undi_startup_call __pxe_api_call = {
	.opcode = PXENV_UNDI_STARTUP,
	.name = "UNDI STARTUP",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_undi_nothing,
};

/** UNDI CLEANUP */
struct pxe_api_call pxe_undi_cleanup_call __pxe_api_call = {
	.opcode = PXENV_UNDI_CLEANUP,
	.name = "UNDI CLEANUP",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_undi_nothing,
};

/** UNDI INITIALIZE */
struct pxe_api_call pxe_undi_initialize_call __pxe_api_call = {
	.opcode = PXENV_UNDI_INITIALIZE,
	.name = "UNDI INITIALIZE",
	.params_len = sizeof(struct s_PXENV_UNDI_INITIALIZE),
	.call = pxe_undi_nothing,
};

/** UNDI RESET ADAPTER */
struct pxe_api_call pxe_undi_reset_call __pxe_api_call = {
	.opcode = PXENV_UNDI_RESET_ADAPTER,
	.name = "UNDI RESET ADAPTER",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_undi_nothing,
};

/** UNDI SHUTDOWN */
struct pxe_api_call pxe_undi_shutdown_call __pxe_api_call = {
	.opcode = PXENV_UNDI_SHUTDOWN,
	.name = "UNDI SHUTDOWN",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_undi_nothing,
};

/** UNDI OPEN (the filter is Ferry's: directed, broadcast) */
struct pxe_api_call pxe_undi_open_call __pxe_api_call = {
	.opcode = PXENV_UNDI_OPEN,
	.name = "UNDI OPEN",
	.params_len = sizeof(struct s_PXENV_UNDI_OPEN),
	.call = pxe_undi_nothing,
};

/** UNDI CLOSE */
struct pxe_api_call pxe_undi_close_call __pxe_api_call = {
	.opcode = PXENV_UNDI_CLOSE,
	.name = "UNDI CLOSE",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_undi_nothing,
};

/** UNDI SET PACKET FILTER */
struct pxe_api_call pxe_undi_filter_call __pxe_api_call = {
	.opcode = PXENV_UNDI_SET_PACKET_FILTER,
	.name = "UNDI SET PACKET FILTER",
	.params_len = sizeof(struct s_PXENV_STATUS) + 1,
	.call = pxe_undi_nothing,
};

/**
 * UNDI GET INFORMATION
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_undi_get_information(void *params)
{
	struct s_PXENV_UNDI_GET_INFORMATION *info = params;
	struct net_device *netdev = pxe_undi_netdev();

	if (!netdev)
		return PXENV_STATUS_UNDI_INVALID_STATE;
	info->BaseIo = 0;
	info->IntNumber = 0;
	info->MaxTranUnit = ETH_DATA_LEN;
	info->HwType = ETHER_TYPE;
	info->HwAddrLen = ETH_ALEN;
	memset(info->CurrentNodeAddress, 0, sizeof(info->CurrentNodeAddress));
	memcpy(info->CurrentNodeAddress, netdev->ll_addr, ETH_ALEN);
	memset(info->PermNodeAddress, 0, sizeof(info->PermNodeAddress));
	memcpy(info->PermNodeAddress, netdev->hw_addr, ETH_ALEN);
	info->ROMAddress = 0;
	info->RxBufCt = 1;
	info->TxBufCt = 1;
	return PXENV_STATUS_SUCCESS;
}

/** UNDI GET INFORMATION */
struct pxe_api_call pxe_undi_get_information_call __pxe_api_call = {
	.opcode = PXENV_UNDI_GET_INFORMATION,
	.name = "UNDI GET INFORMATION",
	.params_len = sizeof(struct s_PXENV_UNDI_GET_INFORMATION),
	.call = pxe_undi_get_information,
};

/**
 * UNDI GET IFACE INFO
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_undi_get_iface_info(void *params)
{
	struct s_PXENV_UNDI_GET_IFACE_INFO *info = params;

	if (!pxe_undi_netdev())
		return PXENV_STATUS_UNDI_INVALID_STATE;
	memset(info->IfaceType, 0, sizeof(info->IfaceType));
	memcpy(info->IfaceType, "DIX+802.3", 9);
	info->LinkSpeed = 0;
	/* Broadcast, open/close (no interrupts: Ferry's drivers poll) */
	info->ServiceFlags = 0x0001 | 0x0020;
	memset(info->Reserved, 0, sizeof(info->Reserved));
	return PXENV_STATUS_SUCCESS;
}

/** UNDI GET IFACE INFO */
struct pxe_api_call pxe_undi_get_iface_info_call __pxe_api_call = {
	.opcode = PXENV_UNDI_GET_IFACE_INFO,
	.name = "UNDI GET IFACE INFO",
	.params_len = sizeof(struct s_PXENV_UNDI_GET_IFACE_INFO),
	.call = pxe_undi_get_iface_info,
};

/**
 * UNDI GET NIC TYPE: the PCI identity, where Ferry knows it
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_undi_get_nic_type(void *params)
{
	struct s_PXENV_UNDI_GET_NIC_TYPE *type = params;
	struct net_device *netdev = pxe_api_netdev();

	if (!netdev)
		return PXENV_STATUS_UNDI_INVALID_STATE;
	memset(((uint8_t *)type + sizeof(type->Status)), 0,
	       (sizeof(*type) - sizeof(type->Status)));
	/* busid: type 1 (PCI), then vendor and device, big-endian */
	if (netdev->busid[0] != 1)
		return PXENV_STATUS_UNSUPPORTED;
	type->NicType = PCI_NIC;
	type->Vendor_ID = ((netdev->busid[1] << 8) | netdev->busid[2]);
	type->Dev_ID = ((netdev->busid[3] << 8) | netdev->busid[4]);
	type->Base_Class = 0x02;
	return PXENV_STATUS_SUCCESS;
}

/** UNDI GET NIC TYPE */
struct pxe_api_call pxe_undi_get_nic_type_call __pxe_api_call = {
	.opcode = PXENV_UNDI_GET_NIC_TYPE,
	.name = "UNDI GET NIC TYPE",
	.params_len = sizeof(struct s_PXENV_UNDI_GET_NIC_TYPE),
	.call = pxe_undi_get_nic_type,
};

/**
 * UNDI TRANSMIT: one frame, from a transmit buffer descriptor
 *
 * With protocol P_UNKNOWN the data carries its own Ethernet header;
 * otherwise Ferry adds one, to the address given or to broadcast.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_undi_transmit(void *params)
{
	static const uint16_t types[] = {
		[P_IP] = PXE_UNDI_ETH_P_IP,
		[P_ARP] = PXE_UNDI_ETH_P_ARP,
		[P_RARP] = PXE_UNDI_ETH_P_RARP,
	};
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						     0xff, 0xff, 0xff };
	struct s_PXENV_UNDI_TRANSMIT *transmit = params;
	struct net_device *netdev = pxe_undi_netdev();
	struct s_PXENV_UNDI_TBD *tbd;
	const uint8_t *dest = broadcast;
	struct io_buffer *iob;
	uint8_t *header;
	const void *data;
	size_t len;
	unsigned int i;

	if (!netdev)
		return PXENV_STATUS_UNDI_INVALID_STATE;
	if (transmit->Protocol > P_RARP)
		return PXENV_STATUS_UNDI_INVALID_PARAMETER;
	tbd = pxe_api_buffer(transmit->TBD.segment, transmit->TBD.offset,
			     sizeof(*tbd));
	if (!tbd || tbd->DataBlkCount > ARRAY_SIZE(tbd->DataBlock))
		return PXENV_STATUS_UNDI_INVALID_PARAMETER;
	if (transmit->Protocol != P_UNKNOWN &&
	    transmit->XmitFlag == XMT_DESTADDR) {
		dest = pxe_api_buffer(transmit->DestAddr.segment,
				      transmit->DestAddr.offset, ETH_ALEN);
		if (!dest)
			return PXENV_STATUS_UNDI_INVALID_PARAMETER;
	}

	len = tbd->ImmedLength;
	for (i = 0; i < tbd->DataBlkCount; i++)
		len += tbd->DataBlock[i].TDDataLen;
	if (len + PXE_UNDI_ETH_HLEN > PXE_UNDI_FRAME_MAX)
		return PXENV_STATUS_UNDI_INVALID_PARAMETER;
	iob = iob_alloc_tx(PXE_UNDI_FRAME_MAX);
	if (!iob)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	if (transmit->Protocol != P_UNKNOWN) {
		header = iob_put(iob, PXE_UNDI_ETH_HLEN);
		memcpy(header, dest, ETH_ALEN);
		memcpy((header + ETH_ALEN), netdev->ll_addr, ETH_ALEN);
		header[12] = (types[transmit->Protocol] >> 8);
		header[13] = (types[transmit->Protocol] & 0xff);
	}
	data = pxe_api_buffer(tbd->Xmit.segment, tbd->Xmit.offset,
			      tbd->ImmedLength);
	if (!data)
		goto err_param;
	memcpy(iob_put(iob, tbd->ImmedLength), data, tbd->ImmedLength);
	for (i = 0; i < tbd->DataBlkCount; i++) {
		len = tbd->DataBlock[i].TDDataLen;
		if (tbd->DataBlock[i].TDPtrType == 0) {
			data = pxe_api_buffer(
				tbd->DataBlock[i].TDDataPtr.segment,
				tbd->DataBlock[i].TDDataPtr.offset, len);
		} else {
			data = pxe_api_buffer_phys(
				((uint32_t)tbd->DataBlock[i].TDDataPtr.segment
				 << 16) |
					tbd->DataBlock[i].TDDataPtr.offset,
				len);
		}
		if (!data)
			goto err_param;
		memcpy(iob_put(iob, len), data, len);
	}
	if (netdev_tx(netdev, iob) != 0)
		return PXENV_STATUS_UNDI_TRANSMIT_ERROR;
	return PXENV_STATUS_SUCCESS;

err_param:
	iob_free(iob);
	return PXENV_STATUS_UNDI_INVALID_PARAMETER;
}

/** UNDI TRANSMIT */
struct pxe_api_call pxe_undi_transmit_call __pxe_api_call = {
	.opcode = PXENV_UNDI_TRANSMIT,
	.name = "UNDI TRANSMIT",
	.params_len = sizeof(struct s_PXENV_UNDI_TRANSMIT),
	.call = pxe_undi_transmit,
};

/**
 * UNDI ISR: poll the driver, hand out received frames one by one
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_undi_isr(void *params)
{
	struct s_PXENV_UNDI_ISR *isr = params;
	struct net_device *netdev = pxe_undi_netdev();
	uint8_t *frame = pxe_stubs_buffer();
	struct io_buffer *iob;
	const uint8_t *header;
	uint16_t type;
	size_t len;

	if (!netdev || !frame)
		return PXENV_STATUS_UNDI_INVALID_STATE;
	frame += PXE_UNDI_RX_OFFSET;
	switch (isr->FuncFlag) {
	case PXENV_UNDI_ISR_IN_START:
		netdev->op->poll(netdev);
		isr->FuncFlag = (list_empty(&netdev->rx_queue)
					 ? PXENV_UNDI_ISR_OUT_NOT_OURS
					 : PXENV_UNDI_ISR_OUT_OURS);
		return PXENV_STATUS_SUCCESS;
	case PXENV_UNDI_ISR_IN_PROCESS:
	case PXENV_UNDI_ISR_IN_GET_NEXT:
		break;
	default:
		return PXENV_STATUS_UNDI_INVALID_PARAMETER;
	}
	netdev->op->poll(netdev);
	memset(((uint8_t *)isr + sizeof(isr->Status)), 0,
	       (sizeof(*isr) - sizeof(isr->Status)));
	while (!list_empty(&netdev->rx_queue)) {
		iob = list_first_entry(&netdev->rx_queue, struct io_buffer,
				       list);
		list_del(&iob->list);
		netdev->rx_queued--;
		len = iob_len(iob);
		if (len < PXE_UNDI_ETH_HLEN || len > PXE_UNDI_FRAME_MAX) {
			iob_free(iob);
			continue;
		}
		memcpy(frame, iob->data, len);
		iob_free(iob);
		header = frame;
		type = ((header[12] << 8) | header[13]);
		isr->FuncFlag = PXENV_UNDI_ISR_OUT_RECEIVE;
		isr->BufferLength = len;
		isr->FrameLength = len;
		isr->FrameHeaderLength = PXE_UNDI_ETH_HLEN;
		isr->Frame.segment = real_segment(frame);
		isr->Frame.offset = real_offset(frame);
		isr->ProtType = ((type == PXE_UNDI_ETH_P_IP)     ? P_IP
				 : (type == PXE_UNDI_ETH_P_ARP)  ? P_ARP
				 : (type == PXE_UNDI_ETH_P_RARP) ? P_RARP
								 : P_UNKNOWN);
		if (memcmp(header, "\xff\xff\xff\xff\xff\xff", ETH_ALEN) == 0)
			isr->PktType = P_BROADCAST;
		else if (header[0] & 0x01)
			isr->PktType = P_MULTICAST;
		else
			isr->PktType = P_DIRECTED;
		return PXENV_STATUS_SUCCESS;
	}
	isr->FuncFlag = PXENV_UNDI_ISR_OUT_DONE;
	return PXENV_STATUS_SUCCESS;
}

/** UNDI ISR */
struct pxe_api_call pxe_undi_isr_call __pxe_api_call = {
	.opcode = PXENV_UNDI_ISR,
	.name = "UNDI ISR",
	.params_len = sizeof(struct s_PXENV_UNDI_ISR),
	.call = pxe_undi_isr,
};
