#ifndef ARCH_X86_PXE_PXE_API_H
#define ARCH_X86_PXE_PXE_API_H

/** @file
 *
 * The PXE API (PXE specification 2.1): structures, opcodes, statuses
 *
 * Shared by the API Ferry offers to NBPs (arch/x86/pxe/pxe_api.c) and
 * the UNDI driver, which uses a PXE ROM's API (drivers/net/undi.c).
 * Every parameter block starts with a status word; far pointers are
 * offset first, then segment.
 */

#include <stdint.h>
#include "core/compiler.h"

/** A real-mode far pointer */
struct segoff {
	uint16_t offset;
	uint16_t segment;
} __packed;

/** A segment descriptor in !PXE */
struct pxe_segdesc {
	uint16_t segment;
	uint32_t physical;
	uint16_t size;
} __packed;

/** The PXENV+ structure */
struct pxenv {
	char signature[6];
	uint16_t version;
	uint8_t length;
	uint8_t checksum;
	struct segoff rm_entry;
	uint32_t pm_offset;
	uint16_t pm_selector;
	uint16_t stack_seg;
	uint16_t stack_size;
	uint16_t bc_code_seg;
	uint16_t bc_code_size;
	uint16_t bc_data_seg;
	uint16_t bc_data_size;
	uint16_t undi_data_seg;
	uint16_t undi_data_size;
	uint16_t undi_code_seg;
	uint16_t undi_code_size;
	struct segoff pxe_ptr;
} __packed;

/** The !PXE structure */
struct ppxe {
	char signature[4];
	uint8_t length;
	uint8_t checksum;
	uint8_t revision;
	uint8_t reserved1;
	struct segoff undi_rom_id;
	struct segoff base_rom_id;
	struct segoff entry_sp;
	struct segoff entry_esp;
	struct segoff status_callout;
	uint8_t reserved2;
	uint8_t seg_desc_count;
	uint16_t first_selector;
	struct pxe_segdesc stack;
	struct pxe_segdesc undi_data;
	struct pxe_segdesc undi_code;
	struct pxe_segdesc undi_code_write;
	struct pxe_segdesc bc_data;
	struct pxe_segdesc bc_code;
	struct pxe_segdesc bc_code_write;
} __packed;

build_assert(sizeof(struct pxenv) == 0x2c);
build_assert(sizeof(struct ppxe) == 0x58);

/* Exit codes (AX) */
#define PXENV_EXIT_SUCCESS 0x0000
#define PXENV_EXIT_FAILURE 0x0001

/* Statuses */
#define PXENV_STATUS_SUCCESS 0x00
#define PXENV_STATUS_FAILURE 0x01
#define PXENV_STATUS_BAD_FUNC 0x02
#define PXENV_STATUS_UNSUPPORTED 0x03
#define PXENV_STATUS_KEEP_UNDI 0x04
#define PXENV_STATUS_KEEP_ALL 0x05
#define PXENV_STATUS_OUT_OF_RESOURCES 0x06
#define PXENV_STATUS_TFTP_CANNOT_ARP_ADDRESS 0x30
#define PXENV_STATUS_TFTP_OPEN_TIMEOUT 0x32
#define PXENV_STATUS_TFTP_UNKNOWN_OPCODE 0x33
#define PXENV_STATUS_TFTP_READ_TIMEOUT 0x35
#define PXENV_STATUS_TFTP_ERROR_OPCODE 0x36
#define PXENV_STATUS_TFTP_CANNOT_OPEN_CONNECTION 0x38
#define PXENV_STATUS_TFTP_CANNOT_READ_FROM_CONNECTION 0x39
#define PXENV_STATUS_TFTP_TOO_MANY_PACKAGES 0x3a
#define PXENV_STATUS_TFTP_FILE_NOT_FOUND 0x3b
#define PXENV_STATUS_TFTP_ACCESS_VIOLATION 0x3c
#define PXENV_STATUS_TFTP_NO_MCAST_ADDRESS 0x3d
#define PXENV_STATUS_TFTP_NO_FILESIZE 0x3e
#define PXENV_STATUS_TFTP_INVALID_PACKET_SIZE 0x3f
#define PXENV_STATUS_UNDI_INVALID_FUNCTION 0x60
#define PXENV_STATUS_UNDI_MEDIATEST_FAILED 0x61
#define PXENV_STATUS_UNDI_CANNOT_INIT_NIC_FOR_MCAST 0x62
#define PXENV_STATUS_UNDI_CANNOT_INITIALIZE_NIC 0x63
#define PXENV_STATUS_UNDI_CANNOT_INITIALIZE_PHY 0x64
#define PXENV_STATUS_UNDI_TRANSMIT_ERROR 0x69
#define PXENV_STATUS_UNDI_INVALID_STATE 0x6c
#define PXENV_STATUS_UNDI_INVALID_PARAMETER 0x71

/* Opcodes */
#define PXENV_START_UNDI 0x0000
#define PXENV_UNDI_STARTUP 0x0001
#define PXENV_UNDI_CLEANUP 0x0002
#define PXENV_UNDI_INITIALIZE 0x0003
#define PXENV_UNDI_RESET_ADAPTER 0x0004
#define PXENV_UNDI_SHUTDOWN 0x0005
#define PXENV_UNDI_OPEN 0x0006
#define PXENV_UNDI_CLOSE 0x0007
#define PXENV_UNDI_TRANSMIT 0x0008
#define PXENV_UNDI_SET_MCAST_ADDRESS 0x0009
#define PXENV_UNDI_SET_STATION_ADDRESS 0x000a
#define PXENV_UNDI_SET_PACKET_FILTER 0x000b
#define PXENV_UNDI_GET_INFORMATION 0x000c
#define PXENV_UNDI_GET_STATISTICS 0x000d
#define PXENV_UNDI_CLEAR_STATISTICS 0x000e
#define PXENV_UNDI_INITIATE_DIAGS 0x000f
#define PXENV_UNDI_FORCE_INTERRUPT 0x0010
#define PXENV_UNDI_GET_MCAST_ADDRESS 0x0011
#define PXENV_UNDI_GET_NIC_TYPE 0x0012
#define PXENV_UNDI_GET_IFACE_INFO 0x0013
#define PXENV_UNDI_ISR 0x0014
/** STOP UNDI and UNDI GET STATE share a number in the specification;
 * it is taken as STOP UNDI, which NBPs call when they unload */
#define PXENV_STOP_UNDI 0x0015
#define PXENV_TFTP_OPEN 0x0020
#define PXENV_TFTP_CLOSE 0x0021
#define PXENV_TFTP_READ 0x0022
#define PXENV_TFTP_READ_FILE 0x0023
#define PXENV_TFTP_GET_FSIZE 0x0025
#define PXENV_UDP_OPEN 0x0030
#define PXENV_UDP_CLOSE 0x0031
#define PXENV_UDP_READ 0x0032
#define PXENV_UDP_WRITE 0x0033
#define PXENV_UNLOAD_STACK 0x0070
#define PXENV_GET_CACHED_INFO 0x0071
#define PXENV_RESTART_TFTP 0x0073
#define PXENV_START_BASE 0x0075
#define PXENV_STOP_BASE 0x0076

/** A parameter block that is just a status */
struct s_PXENV_STATUS {
	uint16_t Status;
} __packed;

/** UNLOAD STACK */
struct s_PXENV_UNLOAD_STACK {
	uint16_t Status;
	uint8_t reserved[10];
} __packed;

/** GET CACHED INFO */
struct s_PXENV_GET_CACHED_INFO {
	uint16_t Status;
	uint16_t PacketType;
	uint16_t BufferSize;
	struct segoff Buffer;
	uint16_t BufferLimit;
} __packed;

#define PXENV_PACKET_TYPE_DHCP_DISCOVER 1
#define PXENV_PACKET_TYPE_DHCP_ACK 2
#define PXENV_PACKET_TYPE_CACHED_REPLY 3

/** TFTP OPEN */
struct s_PXENV_TFTP_OPEN {
	uint16_t Status;
	uint32_t ServerIPAddress;
	uint32_t GatewayIPAddress;
	char FileName[128];
	uint16_t TFTPPort;
	uint16_t PacketSize;
} __packed;

/** TFTP READ */
struct s_PXENV_TFTP_READ {
	uint16_t Status;
	uint16_t PacketNumber;
	uint16_t BufferSize;
	struct segoff Buffer;
} __packed;

/** TFTP READ FILE */
struct s_PXENV_TFTP_READ_FILE {
	uint16_t Status;
	char FileName[128];
	uint32_t BufferSize;
	uint32_t Buffer;
	uint32_t ServerIPAddress;
	uint32_t GatewayIPAddress;
	uint32_t McastIPAddress;
	uint16_t TFTPClntPort;
	uint16_t TFTPSrvPort;
	uint16_t TFTPOpenTimeOut;
	uint16_t TFTPReopenDelay;
} __packed;

/** TFTP GET FILE SIZE */
struct s_PXENV_TFTP_GET_FSIZE {
	uint16_t Status;
	uint32_t ServerIPAddress;
	uint32_t GatewayIPAddress;
	char FileName[128];
	uint32_t FileSize;
} __packed;

/** UDP OPEN */
struct s_PXENV_UDP_OPEN {
	uint16_t Status;
	uint32_t src_ip;
} __packed;

/** UDP WRITE */
struct s_PXENV_UDP_WRITE {
	uint16_t Status;
	uint32_t ip;
	uint32_t gw;
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t buffer_size;
	struct segoff buffer;
} __packed;

/** UDP READ */
struct s_PXENV_UDP_READ {
	uint16_t Status;
	uint32_t src_ip;
	uint32_t dest_ip;
	uint16_t s_port;
	uint16_t d_port;
	uint16_t buffer_size;
	struct segoff buffer;
} __packed;

/** UNDI INITIALIZE */
struct s_PXENV_UNDI_INITIALIZE {
	uint16_t Status;
	uint32_t ProtocolIni;
	uint8_t reserved[8];
} __packed;

/** UNDI OPEN */
struct s_PXENV_UNDI_OPEN {
	uint16_t Status;
	uint16_t OpenFlag;
	uint16_t PktFilter;
	uint16_t MCastAddrCount;
	uint8_t McastAddr[8][6];
} __packed;

#define FLTR_DIRECTED 0x0001
#define FLTR_BRDCST 0x0002
#define FLTR_PRMSCS 0x0004

/** A transmit data block */
struct s_PXENV_UNDI_TBD {
	uint16_t ImmedLength;
	struct segoff Xmit;
	uint16_t DataBlkCount;
	struct {
		uint8_t TDPtrType;
		uint8_t TDRsvdByte;
		uint16_t TDDataLen;
		struct segoff TDDataPtr;
	} __packed DataBlock[8];
} __packed;

/** UNDI TRANSMIT */
struct s_PXENV_UNDI_TRANSMIT {
	uint16_t Status;
	uint8_t Protocol;
	uint8_t XmitFlag;
	struct segoff DestAddr;
	struct segoff TBD;
	uint32_t Reserved[2];
} __packed;

/** Protocol: the frame carries its own link-layer header */
#define P_UNKNOWN 0
#define P_IP 1
#define P_ARP 2
#define P_RARP 3
#define XMT_DESTADDR 0
#define XMT_BROADCAST 1

/** UNDI GET INFORMATION */
struct s_PXENV_UNDI_GET_INFORMATION {
	uint16_t Status;
	uint16_t BaseIo;
	uint16_t IntNumber;
	uint16_t MaxTranUnit;
	uint16_t HwType;
	uint16_t HwAddrLen;
	uint8_t CurrentNodeAddress[16];
	uint8_t PermNodeAddress[16];
	uint16_t ROMAddress;
	uint16_t RxBufCt;
	uint16_t TxBufCt;
} __packed;

/** Hardware type: Ethernet */
#define ETHER_TYPE 1

/** UNDI GET IFACE INFO */
struct s_PXENV_UNDI_GET_IFACE_INFO {
	uint16_t Status;
	char IfaceType[16];
	uint32_t LinkSpeed;
	uint32_t ServiceFlags;
	uint32_t Reserved[4];
} __packed;

/** UNDI GET NIC TYPE */
struct s_PXENV_UNDI_GET_NIC_TYPE {
	uint16_t Status;
	uint8_t NicType;
	uint16_t Vendor_ID;
	uint16_t Dev_ID;
	uint8_t Base_Class;
	uint8_t Sub_Class;
	uint8_t Prog_Intf;
	uint8_t Rev;
	uint16_t BusDevFunc;
	uint16_t SubVendor_ID;
	uint16_t SubDevice_ID;
	uint8_t padding[50 - 16];
} __packed;

#define PCI_NIC 2

/** UNDI ISR */
struct s_PXENV_UNDI_ISR {
	uint16_t Status;
	uint16_t FuncFlag;
	uint16_t BufferLength;
	uint16_t FrameLength;
	uint16_t FrameHeaderLength;
	struct segoff Frame;
	uint8_t ProtType;
	uint8_t PktType;
} __packed;

#define PXENV_UNDI_ISR_IN_START 1
#define PXENV_UNDI_ISR_IN_PROCESS 2
#define PXENV_UNDI_ISR_IN_GET_NEXT 3
#define PXENV_UNDI_ISR_OUT_OURS 0
#define PXENV_UNDI_ISR_OUT_NOT_OURS 1
#define PXENV_UNDI_ISR_OUT_DONE 0
#define PXENV_UNDI_ISR_OUT_TRANSMIT 2
#define PXENV_UNDI_ISR_OUT_RECEIVE 3
#define PXENV_UNDI_ISR_OUT_BUSY 4

#define P_DIRECTED 0
#define P_BROADCAST 1
#define P_MULTICAST 2

/** UNDI GET STATE */
struct s_PXENV_UNDI_GET_STATE {
	uint16_t Status;
	uint8_t UNDIstate;
} __packed;

#endif /* ARCH_X86_PXE_PXE_API_H */
