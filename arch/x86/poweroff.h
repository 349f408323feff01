#ifndef ARCH_X86_POWEROFF_H
#define ARCH_X86_POWEROFF_H

/** @file
 *
 * Ways to power off
 */

extern int acpi_poweroff(void);
extern int apm_poweroff(void);

#endif /* ARCH_X86_POWEROFF_H */
