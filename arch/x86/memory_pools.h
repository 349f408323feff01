#ifndef ARCH_X86_MEMORY_POOLS_H
#define ARCH_X86_MEMORY_POOLS_H

/** @file
 *
 * The heap and the image area
 */

struct memory_range;

extern void memory_pools_init(void);
extern void memory_pools_rebuild_images(const struct memory_range *keep,
					unsigned int keep_count);

#endif /* ARCH_X86_MEMORY_POOLS_H */
