/** @file
 *
 * The clock: the TSC, calibrated against PIT channel 2
 *
 * Channel 2 of the 8254 can be gated and read back through port 61h
 * without interrupts, so it measures a known interval (PIT_CALIBRATE_MS)
 * while the TSC counts.  Works on real hardware and under QEMU (TCG
 * included), where the TSC and the PIT follow the same host clock.
 */

#include <stdint.h>
#include "core/io.h"
#include "core/platform.h"
#include "arch/x86/tsc_timer.h"

/** PIT input clock (Hz) */
#define PIT_CLOCK_HZ          1193182
/** PIT channel 2 data port */
#define PIT_CHANNEL2          0x42
/** PIT mode/command port */
#define PIT_COMMAND           0x43
/** Channel 2, low then high byte, mode 0 (interrupt on terminal count) */
#define PIT_COMMAND_CH2_MODE0 0xb0
/** System control port B */
#define PORT_B                0x61
/** Port B: channel 2 gate */
#define PORT_B_GATE2          0x01
/** Port B: speaker data enable */
#define PORT_B_SPEAKER        0x02
/** Port B: channel 2 output */
#define PORT_B_OUT2           0x20

/** Interval measured per calibration run */
#define PIT_CALIBRATE_MS        10
/** Calibration runs (the shortest wins: a late poll only adds) */
#define PIT_CALIBRATE_RUNS      3
/** Give up on a run after this many polls (no PIT?) */
#define PIT_CALIBRATE_MAX_POLLS 10000000

/** TSC ticks per millisecond (assumed 1 GHz until calibrated) */
static uint32_t tsc_per_ms = 1000000;

/** TSC at calibration: clock_ms() counts from here */
static uint64_t tsc_base;

/**
 * Read the TSC
 *
 * @ret tsc		Time-stamp counter
 */
static inline uint64_t tsc_read(void)
{
	uint64_t tsc;

	__asm__ __volatile__("rdtsc" : "=A"(tsc));
	return tsc;
}

/**
 * Measure TSC ticks over one PIT interval
 *
 * @ret ticks		TSC ticks in PIT_CALIBRATE_MS, or 0 on failure
 */
static uint64_t tsc_measure(void)
{
	unsigned int count = ((PIT_CLOCK_HZ * PIT_CALIBRATE_MS) / 1000);
	unsigned int polls;
	uint64_t start;
	uint8_t port_b;

	/* Gate on, speaker off, then load the count: it starts counting */
	port_b = inb(PORT_B);
	outb(((port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2), PORT_B);
	outb(PIT_COMMAND_CH2_MODE0, PIT_COMMAND);
	outb((count & 0xff), PIT_CHANNEL2);
	outb((count >> 8), PIT_CHANNEL2);
	start = tsc_read();
	for (polls = 0; !(inb(PORT_B) & PORT_B_OUT2); polls++) {
		if (polls > PIT_CALIBRATE_MAX_POLLS)
			return 0;
	}
	return (tsc_read() - start);
}

/**
 * Calibrate the TSC and start the clock
 */
void tsc_calibrate(void)
{
	uint64_t best = 0;
	uint64_t ticks;
	unsigned int run;

	for (run = 0; run < PIT_CALIBRATE_RUNS; run++) {
		ticks = tsc_measure();
		if (ticks && (!best || ticks < best))
			best = ticks;
	}
	if (best >= PIT_CALIBRATE_MS)
		tsc_per_ms = (best / PIT_CALIBRATE_MS);
	tsc_base = tsc_read();
}

/**
 * TSC ticks per millisecond
 *
 * @ret ticks		Ticks per millisecond
 */
uint32_t tsc_ticks_per_ms(void)
{
	return tsc_per_ms;
}

/**
 * Divide a 64-bit number by a 32-bit one
 *
 * Two 32-bit divl instructions instead of libgcc's general 64-bit
 * division (__udivdi3), which costs several times more and runs for
 * every clock reading: the stack reads the clock a few times per
 * packet.
 *
 * @v dividend		Dividend
 * @v divisor		Divisor (not zero)
 * @ret quotient	Quotient
 */
static inline uint64_t tsc_divide(uint64_t dividend, uint32_t divisor)
{
	uint32_t high = (dividend >> 32);
	uint32_t low = dividend;
	uint32_t quotient_high = (high / divisor);
	uint32_t remainder = (high % divisor);
	uint32_t quotient_low;

	/* remainder < divisor: the quotient fits in 32 bits */
	__asm__ ("divl %4"
		 : "=a"(quotient_low), "=d"(remainder)
		 : "a"(low), "d"(remainder), "rm"(divisor));
	return (((uint64_t)quotient_high << 32) | quotient_low);
}

/**
 * Read the monotonic clock
 *
 * @ret ms		Milliseconds since calibration
 */
uint64_t clock_ms(void)
{
	return tsc_divide((tsc_read() - tsc_base), tsc_per_ms);
}

/**
 * Busy-wait
 *
 * @v us		Microseconds to wait
 */
void udelay(unsigned long us)
{
	uint64_t ticks = (((uint64_t)tsc_per_ms * us) / 1000);
	uint64_t start = tsc_read();

	while ((tsc_read() - start) < ticks)
		__asm__ __volatile__("pause");
}
