#ifndef ARCH_X86_TSC_TIMER_H
#define ARCH_X86_TSC_TIMER_H

/** @file
 *
 * The clock: the TSC, calibrated against PIT channel 2
 */

#include <stdint.h>

extern void tsc_calibrate(void);
extern uint32_t tsc_ticks_per_ms(void);

#endif /* ARCH_X86_TSC_TIMER_H */
