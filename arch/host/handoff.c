/** @file
 *
 * Host platform: kernels cannot be booted
 *
 * The image types that boot kernels are linked on the host too, so that
 * images are recognised and checked (imgstat, unit tests, --dry-run);
 * they stop here, before anything would be moved.
 */

#include <stdint.h>
#include <stdlib.h>
#include "arch/host/host.h"
#include "core/errors.h"
#include "image/handoff.h"

#define ENOTSUP_BOOT ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_BOOT, "Booting kernels is not possible on this platform");

/**
 * Find the memory a kernel may be loaded into: there is none
 *
 * @v near		An address the area should contain
 * @v memory		Memory found
 * @ret rc		Return status code
 */
int handoff_memory(uint64_t near, struct handoff_memory *memory)
{
	return -ENOTSUP_BOOT;
}

/**
 * Start a Linux kernel's real-mode setup code (never reached)
 *
 * @v placement		Checked placement
 * @v rm_base		Physical address of the setup code
 * @v rm_stack		Stack pointer
 */
void handoff_linux16(struct placement *placement, uint32_t rm_base,
		     uint16_t rm_stack)
{
	abort();
}

/**
 * Start a kernel in flat 32-bit protected mode (never reached)
 *
 * @v placement		Checked placement
 * @v entry		Entry point
 * @v eax		Value for EAX
 * @v ebx		Value for EBX
 */
void handoff_flat32(struct placement *placement, uint32_t entry, uint32_t eax,
		    uint32_t ebx)
{
	abort();
}
