#ifndef BITS_IO_H
#define BITS_IO_H

/** @file
 *
 * Device I/O on x86: I/O ports, memory-mapped registers, and addresses
 *
 * Ferry runs with paging off and flat segments, so a pointer's value is
 * its physical address.
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

/**
 * Read a byte from an I/O port
 *
 * @v port		Port
 * @ret value		Value
 */
static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	__asm__ __volatile__("inb %w1, %b0" : "=a"(value) : "Nd"(port));
	return value;
}

/**
 * Read a 16-bit word from an I/O port
 *
 * @v port		Port
 * @ret value		Value
 */
static inline uint16_t inw(uint16_t port)
{
	uint16_t value;

	__asm__ __volatile__("inw %w1, %w0" : "=a"(value) : "Nd"(port));
	return value;
}

/**
 * Read a 32-bit word from an I/O port
 *
 * @v port		Port
 * @ret value		Value
 */
static inline uint32_t inl(uint16_t port)
{
	uint32_t value;

	__asm__ __volatile__("inl %w1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

/**
 * Write a byte to an I/O port
 *
 * @v value		Value
 * @v port		Port
 */
static inline void outb(uint8_t value, uint16_t port)
{
	__asm__ __volatile__("outb %b0, %w1" : : "a"(value), "Nd"(port));
}

/**
 * Write a 16-bit word to an I/O port
 *
 * @v value		Value
 * @v port		Port
 */
static inline void outw(uint16_t value, uint16_t port)
{
	__asm__ __volatile__("outw %w0, %w1" : : "a"(value), "Nd"(port));
}

/**
 * Write a 32-bit word to an I/O port
 *
 * @v value		Value
 * @v port		Port
 */
static inline void outl(uint32_t value, uint16_t port)
{
	__asm__ __volatile__("outl %0, %w1" : : "a"(value), "Nd"(port));
}

/**
 * Read a byte from a memory-mapped register
 *
 * @v addr		Address
 * @ret value		Value
 */
static inline uint8_t readb(const volatile void *addr)
{
	return *(const volatile uint8_t *)addr;
}

/**
 * Read a 16-bit word from a memory-mapped register
 *
 * @v addr		Address
 * @ret value		Value
 */
static inline uint16_t readw(const volatile void *addr)
{
	return *(const volatile uint16_t *)addr;
}

/**
 * Read a 32-bit word from a memory-mapped register
 *
 * @v addr		Address
 * @ret value		Value
 */
static inline uint32_t readl(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

/**
 * Write a byte to a memory-mapped register
 *
 * @v value		Value
 * @v addr		Address
 */
static inline void writeb(uint8_t value, volatile void *addr)
{
	*(volatile uint8_t *)addr = value;
}

/**
 * Write a 16-bit word to a memory-mapped register
 *
 * @v value		Value
 * @v addr		Address
 */
static inline void writew(uint16_t value, volatile void *addr)
{
	*(volatile uint16_t *)addr = value;
}

/**
 * Write a 32-bit word to a memory-mapped register
 *
 * @v value		Value
 * @v addr		Address
 */
static inline void writel(uint32_t value, volatile void *addr)
{
	*(volatile uint32_t *)addr = value;
}

/**
 * Wait about a microsecond (an I/O cycle to an unused port)
 */
static inline void iodelay(void)
{
	outb(0, 0x80);
}

/** Compiler and CPU memory barrier */
static inline void mb(void)
{
	__asm__ __volatile__("lock; addl $0, 0(%%esp)" : : : "memory");
}

#endif /* BITS_IO_H */
