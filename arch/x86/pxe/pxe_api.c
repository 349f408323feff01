/** @file
 *
 * The PXE API Ferry offers to network boot programs
 *
 * An NBP (arch/x86/pxe/pxe_nbp.c) finds the PXENV+ and !PXE structures
 * in the stubs Ferry keeps in base memory (pxe_stubs.asm) and calls
 * their entry points in real mode; the stubs reach the handlers here in
 * flat protected mode through the trampoline (arch/x86/realmode.h).  The
 * handlers find the call in the table of calls (pxe_call.h), check the
 * parameter block, serve it with Ferry's own network stack and drivers,
 * and return the status in the block, AX and (PXENV+ entry) CF.
 *
 * Calls served here: GET CACHED INFO (the DHCP packets Ferry received),
 * START UNDI, STOP UNDI, START BASE, STOP BASE, UNLOAD STACK.  UDP, TFTP
 * and UNDI calls are in pxe_udp.c, pxe_tftp.c and pxe_undi.c.  Any other
 * opcode gets PXENV_STATUS_UNSUPPORTED.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/init.h"
#include "core/io.h"
#include "core/printf.h"
#include "core/process.h"
#include "core/string.h"
#include "net/dhcp.h"
#include "net/dhcp_options.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/netdevice.h"
#include "arch/x86/pcbios.h"
#include "arch/x86/realmode.h"
#include "arch/x86/pxe/pxe_api.h"
#include "arch/x86/pxe/pxe_call.h"
#include "arch/x86/pxe/pxe_nbp.h"
#include "arch/x86/pxe/pxe_stubs.h"

/** Set to 1 to print each call an NBP makes (debugging only) */
#define PXE_API_TRACE 0

/** Room for each cached packet in the stubs' base-memory buffer */
#define PXE_CACHED_PACKET_MAX ((PXE_STUBS_BUFFER_SIZE - 1536) / 3)

/** The device the NBP talks through, or NULL */
static struct net_device *pxe_netdev;

/** The NBP has unloaded the stack: Ferry is about to be overwritten */
static int pxe_unloaded;

/**
 * Check that an NBP's real-mode buffer lies in base memory it may use
 *
 * The buffer must lie between the BIOS data area and the top of base
 * memory, and not overlap the memory Ferry claimed there (the
 * trampoline and the PXE stubs), which the NBP has no business
 * pointing at.
 *
 * @v segment		Segment
 * @v offset		Offset
 * @v len		Length
 * @ret buffer		Buffer, or NULL if it lies where it must not
 */
void *pxe_api_buffer(uint16_t segment, uint16_t offset, size_t len)
{
	uint32_t address = (((uint32_t)segment << 4) + offset);

	if (address < PXE_API_BUFFER_MIN || len > PXE_API_BUFFER_MAX ||
	    (address + len) > PXE_API_BUFFER_MAX)
		return NULL;
	return pxe_api_buffer_phys(address, len);
}

/**
 * Check that an NBP's buffer (a physical address) is memory it may use
 *
 * Allowed: base memory below the stubs (above the BIOS data area), and
 * memory from 1 MiB to 4 GiB that the memory map the NBP sees calls
 * usable (so neither Ferry's body and heap nor the images it keeps).
 *
 * @v address		Physical address
 * @v len		Length
 * @ret buffer		Buffer, or NULL if it lies where it must not
 */
void *pxe_api_buffer_phys(uint32_t address, size_t len)
{
	uint64_t end = ((uint64_t)address + len);
	uint32_t low_end;

	if (address < PXE_API_BUFFER_MIN)
		return NULL;
	if (address < PXE_API_BUFFER_MAX) {
		low_end = pxe_nbp_base_memory_end();
		if (end > low_end)
			return NULL;
		return phys_to_virt(address);
	}
	if (address < 0x100000 || end > 0x100000000ULL ||
	    !pxe_memmap_usable(address, len))
		return NULL;
	return phys_to_virt(address);
}

/**
 * The network device the NBP talks through
 *
 * @ret netdev		Device, or NULL
 */
struct net_device *pxe_api_netdev(void)
{
	return pxe_netdev;
}

/**
 * Let the network stack run (receive, timers) during a call
 */
void pxe_api_poll(void)
{
	step();
}

/**
 * Choose the device an NBP talks through
 *
 * The first open device with an IPv4 address (the one Ferry booted
 * from, usually); else the first open device; else the first device.
 */
static void pxe_api_choose_netdev(void)
{
	struct net_device *netdev;
	struct net_device *open = NULL;
	struct net_device *any = NULL;

	pxe_netdev = NULL;
	list_for_each_entry(netdev, &net_devices, list) {
		if (!any)
			any = netdev;
		if (!netdev_is_open(netdev))
			continue;
		if (!open)
			open = netdev;
		if (ipv4_has_address(netdev)) {
			pxe_netdev = netdev;
			return;
		}
	}
	pxe_netdev = (open ? open : any);
}

/**
 * Start a session: nothing unloaded, no sockets
 */
void pxe_api_start(void)
{
	pxe_unloaded = 0;
	pxe_api_choose_netdev();
}

/**
 * End a session: close whatever the NBP left open
 *
 * @ret unloaded	The NBP had unloaded the stack
 */
int pxe_api_stop(void)
{
	pxe_udp_reset();
	pxe_tftp_reset();
	return pxe_unloaded;
}

/**
 * Run a call
 *
 * @v opcode		Opcode
 * @v segment		Parameter block's segment
 * @v offset		Parameter block's offset
 * @ret exit		PXENV_EXIT_SUCCESS or PXENV_EXIT_FAILURE
 */
static unsigned int pxe_api_dispatch(uint16_t opcode, uint16_t segment,
				     uint16_t offset)
{
	const struct pxe_api_call *call;
	struct s_PXENV_STATUS *status_block;
	unsigned int status = PXENV_STATUS_UNSUPPORTED;
	void *params;

	for_each_table_entry(call, PXE_API_CALLS) {
		if (call->opcode == opcode)
			break;
	}
	if (call == table_end(PXE_API_CALLS)) {
		call = NULL;
		params = pxe_api_buffer(segment, offset, sizeof(*status_block));
	} else {
		params = pxe_api_buffer(segment, offset, call->params_len);
	}
	if (!params) {
		/* Nowhere to put even a status */
		if (PXE_API_TRACE)
			printf("PXE %04x: bad parameter block %04x:%04x\n",
			       opcode, segment, offset);
		return PXENV_EXIT_FAILURE;
	}
	if (call)
		status = call->call(params);
	if (PXE_API_TRACE)
		printf("PXE %04x %s: %02x\n", opcode,
		       (call ? call->name : "unsupported"), status);
	status_block = params;
	status_block->Status = status;
	return ((status == PXENV_STATUS_SUCCESS) ? PXENV_EXIT_SUCCESS
						 : PXENV_EXIT_FAILURE);
}

/**
 * The PXENV+ entry: BX = opcode, ES:DI = parameter block
 *
 * Returns AX = exit code, with CF set on failure.
 *
 * @v frame		Caller's registers
 */
void pxe_api_pxenv_entry(struct realmode_frame *frame)
{
	unsigned int exit;

	exit = pxe_api_dispatch((frame->ebx & 0xffff), frame->es,
				(frame->edi & 0xffff));
	frame->eax = ((frame->eax & 0xffff0000UL) | exit);
	if (exit == PXENV_EXIT_SUCCESS)
		frame->eflags &= ~REALMODE_FLAG_CF;
	else
		frame->eflags |= REALMODE_FLAG_CF;
}

/** What the !PXE entry finds on its caller's stack */
struct pxe_api_ppxe_args {
	/** The caller's return address */
	struct segoff ret;
	/** Opcode */
	uint16_t opcode;
	/** Parameter block */
	struct segoff params;
} __packed;

/**
 * The !PXE entry: opcode and parameter block on the stack
 *
 * Returns AX = exit code.
 *
 * @v frame		Caller's registers
 */
void pxe_api_ppxe_entry(struct realmode_frame *frame)
{
	struct pxe_api_ppxe_args *args = realmode_frame_stack(frame);
	unsigned int exit;

	exit = pxe_api_dispatch(args->opcode, args->params.segment,
				args->params.offset);
	frame->eax = ((frame->eax & 0xffff0000UL) | exit);
	if (exit == PXENV_EXIT_SUCCESS)
		frame->eflags &= ~REALMODE_FLAG_CF;
	else
		frame->eflags |= REALMODE_FLAG_CF;
}

/**
 * Make the DHCPDISCOVER Ferry would send, for GET CACHED INFO
 *
 * Ferry keeps the answers it received, not what it sent; an NBP reads
 * only the client's identity from this one (hardware address).
 *
 * @v netdev		Network device
 * @v buffer		Buffer
 * @v len		Length of buffer
 * @ret len		Length of packet
 */
static size_t pxe_api_make_discover(struct net_device *netdev, void *buffer,
				    size_t len)
{
	struct dhcphdr *hdr = buffer;
	uint8_t *options = (uint8_t *)(hdr + 1);
	size_t packet_len = (sizeof(*hdr) + 4);

	if (len < packet_len)
		return 0;
	memset(buffer, 0, packet_len);
	hdr->op = BOOTP_REQUEST;
	hdr->htype = BOOTP_HTYPE_ETHERNET;
	hdr->hlen = ETH_ALEN;
	hdr->flags = htons(BOOTP_FLAG_BROADCAST);
	memcpy(hdr->chaddr, netdev->ll_addr, ETH_ALEN);
	hdr->magic = htonl(DHCP_MAGIC_COOKIE);
	options[0] = DHCP_MESSAGE_TYPE;
	options[1] = 1;
	options[2] = DHCPDISCOVER;
	options[3] = DHCP_END;
	return packet_len;
}

/**
 * GET CACHED INFO: a DHCP packet as Ferry saw it
 *
 * Into the caller's buffer (truncated to its size), or, when it gives
 * none, into Ferry's own base-memory copy, whose address is returned.
 * The cached reply is the proxyDHCP answer if there was one, else the
 * DHCPACK.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_api_get_cached_info(void *params)
{
	struct s_PXENV_GET_CACHED_INFO *info = params;
	struct net_device *netdev = pxe_netdev;
	uint8_t *own = pxe_stubs_buffer();
	const void *packet = NULL;
	uint8_t discover[sizeof(struct dhcphdr) + 4];
	size_t len = 0;
	void *buffer;
	int rc = 0;

	if (!netdev || !own)
		return PXENV_STATUS_FAILURE;
	switch (info->PacketType) {
	case PXENV_PACKET_TYPE_DHCP_DISCOVER:
		len = pxe_api_make_discover(netdev, discover, sizeof(discover));
		packet = discover;
		break;
	case PXENV_PACKET_TYPE_CACHED_REPLY:
		rc = dhcp_settings_packet(netdev, "proxydhcp", &packet, &len);
		if (rc == 0)
			break;
		/* No proxyDHCP: the DHCPACK named the boot file */
		/* fall through */
	case PXENV_PACKET_TYPE_DHCP_ACK:
		rc = dhcp_settings_packet(netdev, "dhcp", &packet, &len);
		break;
	default:
		return PXENV_STATUS_UNSUPPORTED;
	}
	if (rc != 0)
		return PXENV_STATUS_FAILURE;

	if (!info->BufferSize ||
	    (!info->Buffer.segment && !info->Buffer.offset)) {
		/* Ferry's own copy, one slot per packet type */
		buffer = (own +
			  ((info->PacketType - 1) * PXE_CACHED_PACKET_MAX));
		if (len > PXE_CACHED_PACKET_MAX)
			len = PXE_CACHED_PACKET_MAX;
		memcpy(buffer, packet, len);
		info->Buffer.segment = real_segment(buffer);
		info->Buffer.offset = real_offset(buffer);
		info->BufferSize = len;
		info->BufferLimit = PXE_CACHED_PACKET_MAX;
		return PXENV_STATUS_SUCCESS;
	}
	if (len > info->BufferSize)
		len = info->BufferSize;
	buffer = pxe_api_buffer(info->Buffer.segment, info->Buffer.offset, len);
	if (!buffer)
		return PXENV_STATUS_OUT_OF_RESOURCES;
	memcpy(buffer, packet, len);
	info->BufferSize = len;
	return PXENV_STATUS_SUCCESS;
}

/** GET CACHED INFO */
struct pxe_api_call pxe_api_get_cached_info_call __pxe_api_call = {
	.opcode = PXENV_GET_CACHED_INFO,
	.name = "GET CACHED INFO",
	.params_len = sizeof(struct s_PXENV_GET_CACHED_INFO),
	.call = pxe_api_get_cached_info,
};

/**
 * UNLOAD STACK: the NBP is done with Ferry
 *
 * Ferry shuts down as for a kernel hand-off (devices quiesced, the IRQ 0
 * hook removed) and takes its hooks off INT 1Ah and INT 15h, so that
 * what boots next sees all memory.  The calls an NBP makes after this
 * (STOP UNDI, UNDI CLEANUP) still work; network calls fail.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_...
 */
static unsigned int pxe_api_unload_stack(void *params)
{
	if (pxe_unloaded)
		return PXENV_STATUS_SUCCESS;
	pxe_udp_reset();
	pxe_tftp_reset();
	pxe_stubs_hook(0);
	shutdown_run_all(1);
	pxe_netdev = NULL;
	pxe_unloaded = 1;
	return PXENV_STATUS_SUCCESS;
}

/** UNLOAD STACK */
struct pxe_api_call pxe_api_unload_stack_call __pxe_api_call = {
	.opcode = PXENV_UNLOAD_STACK,
	.name = "UNLOAD STACK",
	.params_len = sizeof(struct s_PXENV_UNLOAD_STACK),
	.call = pxe_api_unload_stack,
};

/**
 * A call that has nothing to do in Ferry and succeeds
 *
 * START UNDI (the stack is running), STOP UNDI and STOP BASE (the hooks
 * go at UNLOAD STACK or when the NBP returns), START BASE.
 *
 * @v params		Parameter block
 * @ret status		PXENV_STATUS_SUCCESS
 */
static unsigned int pxe_api_nothing(void *params)
{
	return PXENV_STATUS_SUCCESS;
}

/** START UNDI */
struct pxe_api_call pxe_api_start_undi_call __pxe_api_call = {
	.opcode = PXENV_START_UNDI,
	.name = "START UNDI",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_api_nothing,
};

/** STOP UNDI */
struct pxe_api_call pxe_api_stop_undi_call __pxe_api_call = {
	.opcode = PXENV_STOP_UNDI,
	.name = "STOP UNDI",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_api_nothing,
};

/** START BASE */
struct pxe_api_call pxe_api_start_base_call __pxe_api_call = {
	.opcode = PXENV_START_BASE,
	.name = "START BASE",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_api_nothing,
};

/** STOP BASE */
struct pxe_api_call pxe_api_stop_base_call __pxe_api_call = {
	.opcode = PXENV_STOP_BASE,
	.name = "STOP BASE",
	.params_len = sizeof(struct s_PXENV_STATUS),
	.call = pxe_api_nothing,
};
