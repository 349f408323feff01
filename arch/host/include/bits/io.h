#ifndef BITS_IO_H
#define BITS_IO_H

/** @file
 *
 * Device I/O on the host platform: there are no devices to address, only
 * the identity between pointers and "physical" addresses.
 */

#include <stdint.h>

/**
 * Physical address of a pointer
 *
 * @v addr		Pointer
 * @ret phys		Physical address
 */
static inline uintptr_t virt_to_phys(const volatile void *addr)
{
	return (uintptr_t)addr;
}

/**
 * Pointer for a physical address
 *
 * @v phys		Physical address
 * @ret addr		Pointer
 */
static inline void *phys_to_virt(uintptr_t phys)
{
	return (void *)phys;
}

#endif /* BITS_IO_H */
