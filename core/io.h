#ifndef CORE_IO_H
#define CORE_IO_H

/** @file
 *
 * Device I/O: port and memory-mapped registers, DMA addresses
 *
 * The architecture provides <bits/io.h> (arch/<arch>/include/bits/io.h):
 * inb/inw/inl, outb/outw/outl, readb/readw/readl, writeb/writew/writel,
 * and virt_to_phys()/phys_to_virt().  On every Ferry platform that
 * drives hardware, memory is identity-mapped: a pointer's value is its
 * physical address.
 */

#include <bits/io.h>

#endif /* CORE_IO_H */
