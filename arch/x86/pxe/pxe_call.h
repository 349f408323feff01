#ifndef ARCH_X86_PXE_PXE_CALL_H
#define ARCH_X86_PXE_PXE_CALL_H

/** @file
 *
 * The PXE API Ferry offers to network boot programs: its calls
 *
 * Each call an NBP can make is a struct pxe_api_call in a linker table,
 * defined next to the code that serves it (pxe_api.c, pxe_udp.c,
 * pxe_tftp.c, pxe_undi.c).  The dispatcher (pxe_api.c) checks that the
 * parameter block lies in base memory the NBP may use before the call
 * sees it, and writes the status the call returns into the block's
 * first word.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/tables.h"
#include "arch/x86/pxe/pxe_api.h"

struct net_device;

/** A PXE API call */
struct pxe_api_call {
	/** Opcode (PXENV_...) */
	uint16_t opcode;
	/** Name, for traces */
	const char *name;
	/** Length of its parameter block */
	size_t params_len;
	/**
	 * Serve the call
	 *
	 * @v params		Parameter block (params_len bytes, checked)
	 * @ret status		PXENV_STATUS_...
	 */
	unsigned int (*call)(void *params);
};

/** Table of PXE API calls */
#define PXE_API_CALLS  __table(struct pxe_api_call, pxe_api_calls)
/** Declare a PXE API call */
#define __pxe_api_call __table_entry(PXE_API_CALLS, 01)

/** Lowest address an NBP's buffer may start at (above the BIOS data area) */
#define PXE_API_BUFFER_MIN 0x500
/** Highest address (exclusive) an NBP's real-mode buffer may reach */
#define PXE_API_BUFFER_MAX 0xa0000

extern void *pxe_api_buffer(uint16_t segment, uint16_t offset, size_t len);
extern void *pxe_api_buffer_phys(uint32_t address, size_t len);
extern struct net_device *pxe_api_netdev(void);
extern void pxe_api_poll(void);
extern void pxe_udp_reset(void);
extern void pxe_tftp_reset(void);

#endif /* ARCH_X86_PXE_PXE_CALL_H */
