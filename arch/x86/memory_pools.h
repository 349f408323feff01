#ifndef ARCH_X86_MEMORY_POOLS_H
#define ARCH_X86_MEMORY_POOLS_H

/** @file
 *
 * The heap and the image area
 */

extern void memory_pools_init(void);

#endif /* ARCH_X86_MEMORY_POOLS_H */
