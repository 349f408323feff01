#ifndef ARCH_X86_RELOCATE_H
#define ARCH_X86_RELOCATE_H

/** @file
 *
 * Moving the body to the top of memory
 */

#include "arch/x86/pcbios.h"

extern int relocate(const struct reloc_table *table);

#endif /* ARCH_X86_RELOCATE_H */
