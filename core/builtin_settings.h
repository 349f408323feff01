#ifndef CORE_BUILTIN_SETTINGS_H
#define CORE_BUILTIN_SETTINGS_H

/** @file
 *
 * Built-in settings blocks: "builtin" (platform, buildarch, version)
 * and one block per network device ("net0": mac, busid, chip...)
 */

#include "core/settings.h"

/** Scope of the network-device settings (mac, busid, chip...) */
extern const struct settings_scope netdev_settings_scope;

extern struct settings *settings_netx(void);

#endif /* CORE_BUILTIN_SETTINGS_H */
