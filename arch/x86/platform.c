/** @file
 *
 * The pcbios platform's identity and idling
 */

#include "core/platform.h"

/** Platform name */
const char platform_name[] = "pcbios";

/** Build architecture */
const char platform_buildarch[] = "i386";

/**
 * Give the CPU away briefly
 *
 * Interrupts stay disabled in protected mode (the BIOS's interrupts are
 * serviced during real-mode calls, such as the keyboard poll), so HLT
 * would never wake up; a PAUSE is all there is.
 */
void platform_idle(void)
{
	__asm__ __volatile__("pause");
}
