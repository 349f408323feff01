/** @file
 *
 * The PXE ROM that loaded Ferry
 *
 * bin/ferry.kpxe keeps the PXE ROM's stack and drives the NIC through
 * its UNDI API (drivers/net/undi.c); bin/ferry.pxe unloads it at
 * start-up so that the native drivers own the NIC.  Either way the ROM's
 * API is found from what the prefix handed over: the !PXE structure
 * (preferred, stack-argument entry), else PXENV+ (register entry, and
 * its pointer to !PXE from version 2.1), else the INT 1Ah installation
 * check.  Every structure is checked (signature, length, checksum)
 * before it is believed.
 *
 * Of what the ROM already knows, Ferry takes the NIC it booted from
 * (the client hardware address of its cached DHCPACK, read with GET
 * CACHED INFO before a .pxe unloads the stack), so that autoboot tries
 * that NIC first.  It does not take the cached DHCPACK as its own
 * lease: Ferry's own DHCP is what lets a server's user-class rules see
 * Ferry rather than the PXE ROM (docs/media.md).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"
#include "core/init.h"
#include "core/io.h"
#include "core/printf.h"
#include "core/string.h"
#include "arch/x86/prefix.h"
#include "arch/x86/pxe_rom.h"
#include "arch/x86/realmode.h"
#include "arch/x86/pxe/pxe_api.h"
#include "net/netdevice.h"

#define ENODEV_PXE ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_PXE, "No PXE API found (no valid !PXE or PXENV+)");
#define EIO_PXE ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_PXE, "PXE ROM call failed");
#define E2BIG_PXE ERROR_CODE(ERRCLASS_E2BIG, 1)
ERROR_MESSAGE(E2BIG_PXE, "PXE parameter block too large");
#define ENOENT_CACHED ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_CACHED, "PXE ROM has no usable cached DHCPACK");

/** Offsets in a BOOTP/DHCP packet (RFC 2131): hardware type, address
 * length, and the client hardware address */
#define PXE_ROM_BOOTP_HTYPE 1
#define PXE_ROM_BOOTP_HLEN 2
#define PXE_ROM_BOOTP_CHADDR 28
/** BOOTP hardware type: Ethernet */
#define PXE_ROM_BOOTP_HTYPE_ETHERNET 1

/** The PXE ROM's API entry */
static struct {
	/** Found */
	int found;
	/** !PXE entry (stack arguments), else PXENV+ (registers) */
	int ppxe;
	/** Entry point */
	struct segoff entry;
	/** The stack was unloaded: no more calls */
	int unloaded;
	/** The boot NIC was looked for (boot_mac_rc holds the result) */
	int boot_mac_looked;
	/** Result of looking for the boot NIC */
	int boot_mac_rc;
	/** The boot NIC's MAC address */
	uint8_t boot_mac[ETH_ALEN];
} pxe_rom;

/**
 * Check a structure's checksum (all bytes add up to zero)
 *
 * @v data		Structure
 * @v len		Length
 * @ret ok		Checksum is right
 */
static int pxe_rom_checksum_ok(const void *data, size_t len)
{
	const uint8_t *bytes = data;
	uint8_t sum = 0;

	while (len--)
		sum += *(bytes++);
	return (sum == 0);
}

/**
 * Check a !PXE structure
 *
 * @v ptr		Far pointer
 * @ret ppxe		Structure, or NULL if it is not valid
 */
static const struct ppxe *pxe_rom_check_ppxe(struct segoff ptr)
{
	const struct ppxe *ppxe = real_to_virt(ptr.segment, ptr.offset);

	if (!ptr.segment || virt_to_phys(ppxe) > (0x100000 - sizeof(*ppxe)))
		return NULL;
	if (memcmp(ppxe->signature, "!PXE", 4) != 0 ||
	    ppxe->length < sizeof(*ppxe) ||
	    !pxe_rom_checksum_ok(ppxe, ppxe->length))
		return NULL;
	if (!ppxe->entry_sp.segment)
		return NULL;
	return ppxe;
}

/**
 * Check a PXENV+ structure
 *
 * @v ptr		Far pointer
 * @ret pxenv		Structure, or NULL if it is not valid
 */
static const struct pxenv *pxe_rom_check_pxenv(struct segoff ptr)
{
	const struct pxenv *pxenv = real_to_virt(ptr.segment, ptr.offset);

	if (!ptr.segment ||
	    virt_to_phys(pxenv) > (0x100000 - sizeof(*pxenv)))
		return NULL;
	if (memcmp(pxenv->signature, "PXENV+", 6) != 0 ||
	    pxenv->length < offsetof(struct pxenv, pxe_ptr) ||
	    !pxe_rom_checksum_ok(pxenv, pxenv->length))
		return NULL;
	if (!pxenv->rm_entry.segment)
		return NULL;
	return pxenv;
}

/**
 * Use a PXENV+ structure, or the !PXE structure it points to
 *
 * @v pxenv		Checked PXENV+ structure
 */
static void pxe_rom_use_pxenv(const struct pxenv *pxenv)
{
	const struct ppxe *ppxe = NULL;

	if (pxenv->version >= 0x0201 && pxenv->length >= sizeof(*pxenv))
		ppxe = pxe_rom_check_ppxe(pxenv->pxe_ptr);
	if (ppxe) {
		pxe_rom.ppxe = 1;
		pxe_rom.entry = ppxe->entry_sp;
	} else {
		pxe_rom.ppxe = 0;
		pxe_rom.entry = pxenv->rm_entry;
	}
	pxe_rom.found = 1;
}

/**
 * Find the PXE ROM's API
 *
 * @ret rc		Return status code
 */
int pxe_rom_find(void)
{
	struct segoff ptr;
	const struct ppxe *ppxe;
	const struct pxenv *pxenv;
	struct realmode_regs regs;

	if (pxe_rom.found)
		return 0;
	ptr.segment = prefix_info.ppxe_segment;
	ptr.offset = prefix_info.ppxe_offset;
	if ((ppxe = pxe_rom_check_ppxe(ptr)) != NULL) {
		pxe_rom.ppxe = 1;
		pxe_rom.entry = ppxe->entry_sp;
		pxe_rom.found = 1;
		return 0;
	}
	ptr.segment = prefix_info.pxenv_segment;
	ptr.offset = prefix_info.pxenv_offset;
	if ((pxenv = pxe_rom_check_pxenv(ptr)) != NULL) {
		pxe_rom_use_pxenv(pxenv);
		return 0;
	}
	memset(&regs, 0, sizeof(regs));
	regs.eax = 0x5650;
	bios_int(0x1a, &regs);
	if (!(regs.flags & REALMODE_FLAG_CF) &&
	    (regs.eax & 0xffff) == 0x564e) {
		ptr.segment = regs.es;
		ptr.offset = regs.ebx;
		if ((pxenv = pxe_rom_check_pxenv(ptr)) != NULL) {
			pxe_rom_use_pxenv(pxenv);
			return 0;
		}
	}
	return -ENODEV_PXE;
}

/**
 * Call the PXE ROM's API
 *
 * The parameter block is copied to base memory for the call and back.
 *
 * @v opcode		Opcode (PXENV_...)
 * @v params		Parameter block (starts with the status word)
 * @v len		Length of the parameter block
 * @ret rc		Return status code (the block's status says more)
 */
int pxe_rom_call(unsigned int opcode, void *params, size_t len)
{
	struct realmode_regs regs;
	uint8_t *bounce = basemem_buffer();
	struct {
		uint16_t opcode;
		struct segoff params;
	} __packed args;
	int rc;

	if (!pxe_rom.found || pxe_rom.unloaded)
		return -ENODEV_PXE;
	if (len > 256)
		return -E2BIG_PXE;
	memcpy(bounce, params, len);
	memset(&regs, 0, sizeof(regs));
	if (pxe_rom.ppxe) {
		args.opcode = opcode;
		args.params.segment = real_segment(bounce);
		args.params.offset = real_offset(bounce);
		rc = realmode_call(pxe_rom.entry.segment, pxe_rom.entry.offset,
				   &regs, &args, sizeof(args));
	} else {
		regs.ebx = opcode;
		regs.es = real_segment(bounce);
		regs.edi = real_offset(bounce);
		rc = realmode_call(pxe_rom.entry.segment, pxe_rom.entry.offset,
				   &regs, NULL, 0);
	}
	memcpy(params, bounce, len);
	if (rc != 0)
		return rc;
	if ((regs.eax & 0xffff) != PXENV_EXIT_SUCCESS)
		return -EIO_PXE;
	return 0;
}

/**
 * Find the NIC the PXE ROM booted from
 *
 * Reads the client hardware address of the ROM's cached DHCPACK (GET
 * CACHED INFO, in the ROM's own buffer).  The answer is kept, so that it
 * is still there once a .pxe has unloaded the stack.
 *
 * @v mac		MAC address to fill in
 * @ret rc		Return status code
 */
int pxe_rom_boot_mac(uint8_t *mac)
{
	struct s_PXENV_GET_CACHED_INFO cached;
	const uint8_t *packet;
	uint32_t address;
	int rc;

	if (!pxe_rom.boot_mac_looked) {
		pxe_rom.boot_mac_looked = 1;
		memset(&cached, 0, sizeof(cached));
		cached.PacketType = PXENV_PACKET_TYPE_DHCP_ACK;
		rc = pxe_rom_find();
		if (rc == 0)
			rc = pxe_rom_call(PXENV_GET_CACHED_INFO, &cached,
					  sizeof(cached));
		address = (((uint32_t)cached.Buffer.segment << 4) +
			   cached.Buffer.offset);
		if (rc == 0 &&
		    (!cached.Buffer.segment ||
		     cached.BufferSize < (PXE_ROM_BOOTP_CHADDR + ETH_ALEN) ||
		     (address + cached.BufferSize) > 0x100000))
			rc = -ENOENT_CACHED;
		if (rc == 0) {
			packet = real_to_virt(cached.Buffer.segment,
					      cached.Buffer.offset);
			if (packet[PXE_ROM_BOOTP_HTYPE] !=
				    PXE_ROM_BOOTP_HTYPE_ETHERNET ||
			    packet[PXE_ROM_BOOTP_HLEN] != ETH_ALEN)
				rc = -ENOENT_CACHED;
			else
				memcpy(pxe_rom.boot_mac,
				       (packet + PXE_ROM_BOOTP_CHADDR),
				       ETH_ALEN);
		}
		pxe_rom.boot_mac_rc = rc;
	}
	if (pxe_rom.boot_mac_rc == 0)
		memcpy(mac, pxe_rom.boot_mac, ETH_ALEN);
	return pxe_rom.boot_mac_rc;
}

/**
 * Unload the PXE ROM's stack (bin/ferry.pxe), before the native drivers
 * take the NIC
 */
static void pxe_rom_unload(void)
{
	struct s_PXENV_STATUS status;
	struct s_PXENV_UNLOAD_STACK unload;
	uint8_t boot_mac[ETH_ALEN];
	int rc;

	if (!prefix_is(PREFIX_TYPE_PXE))
		return;
	if ((rc = pxe_rom_find()) != 0) {
		error_print(rc, "unloading the PXE stack");
		return;
	}
	/* What the ROM knows is read now, or never */
	pxe_rom_boot_mac(boot_mac);
	memset(&status, 0, sizeof(status));
	pxe_rom_call(PXENV_UNDI_SHUTDOWN, &status, sizeof(status));
	memset(&unload, 0, sizeof(unload));
	if ((rc = pxe_rom_call(PXENV_UNLOAD_STACK, &unload,
			       sizeof(unload))) != 0) {
		printf("PXE ROM refused to unload (status %#x); its stack "
		       "stays in base memory\n", unload.Status);
		return;
	}
	memset(&status, 0, sizeof(status));
	pxe_rom_call(PXENV_STOP_UNDI, &status, sizeof(status));
	/* The stack is gone: no more calls, no PXE ROM to return to */
	pxe_rom.unloaded = 1;
	prefix_info.flags |= PREFIX_FLAG_NO_CALLER;
}

/** Unload the PXE stack for bin/ferry.pxe */
struct init_fn pxe_rom_unload_fn __init_fn(INIT_EARLY) = {
	.name = "pxe-unload",
	.init = pxe_rom_unload,
};
