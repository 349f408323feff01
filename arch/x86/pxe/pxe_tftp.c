/** @file
 *
 * The PXE API's TFTP calls (placeholder until the full set is in)
 */

#include "arch/x86/pxe/pxe_call.h"

/**
 * Close whatever TFTP transfer the NBP left open
 */
void pxe_tftp_reset(void)
{
}
