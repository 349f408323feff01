#ifndef ARCH_HOST_TAP_H
#define ARCH_HOST_TAP_H

/** @file
 *
 * Host platform: network devices on Linux TAP interfaces
 *
 * The entry point names the interfaces (ferry --tap NAME) before
 * Ferry's init functions run; the devices are registered then, as a
 * machine's NICs would be found.
 */

/** Most TAP interfaces one Ferry drives */
#define HOST_TAP_MAX 8

extern int host_tap_add(const char *name);

#endif /* ARCH_HOST_TAP_H */
