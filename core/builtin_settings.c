/** @file
 *
 * Built-in settings
 *
 * The read-only block "builtin" answers ${platform}, ${buildarch} and
 * ${version}.  Each network device gets a block named after it ("net0")
 * that answers ${net0/mac}, ${net0/busid}, ${net0/chip}, ${net0/ifname},
 * ${net0/bustype} and ${net0/mtu} from the device itself, and keeps any
 * other value set in it by hand ("set net0/ip 192.0.2.1").  DHCP hangs
 * its block below it as "net0.dhcp".  "netX" names the device opened
 * last.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/builtin_settings.h"
#include "core/init.h"
#include "core/platform.h"
#include "core/string.h"
#include "core/malloc.h"
#include "core/errors.h"
#include "core/printf.h"
#include "net/netdevice.h"

/** Scope of the "builtin" block */
static const struct settings_scope builtin_settings_scope = {
	.name = "builtin",
};

/** Scope of the network-device blocks */
const struct settings_scope netdev_settings_scope = {
	.name = "netdev",
};

/** ${platform}: "pcbios", "efi" or "host" */
static const struct setting platform_setting __setting(SETTING_MISC) = {
	.name = "platform",
	.description = "Platform",
	.type = &setting_type_string,
	.scope = &builtin_settings_scope,
};

/** ${buildarch}: "i386", "x86_64" */
static const struct setting buildarch_setting __setting(SETTING_MISC) = {
	.name = "buildarch",
	.description = "Build architecture",
	.type = &setting_type_string,
	.scope = &builtin_settings_scope,
};

/** ${version}: Ferry's version */
static const struct setting version_setting __setting(SETTING_MISC) = {
	.name = "version",
	.description = "Version",
	.type = &setting_type_string,
	.scope = &builtin_settings_scope,
};

/** ${mac}: the address in use */
static const struct setting mac_setting __setting(SETTING_NETDEV) = {
	.name = "mac",
	.description = "MAC address",
	.type = &setting_type_hex,
	.scope = &netdev_settings_scope,
	.tag = 1,
};

/** ${busid}: bus type, vendor and device (e.g. 01:80:86:10:0e) */
static const struct setting busid_setting __setting(SETTING_NETDEV) = {
	.name = "busid",
	.description = "Bus ID",
	.type = &setting_type_hex,
	.scope = &netdev_settings_scope,
	.tag = 2,
};

/** ${chip}: driver and chip */
static const struct setting chip_setting __setting(SETTING_NETDEV) = {
	.name = "chip",
	.description = "Chip",
	.type = &setting_type_string,
	.scope = &netdev_settings_scope,
	.tag = 3,
};

/** ${ifname}: "net0" */
static const struct setting ifname_setting __setting(SETTING_NETDEV) = {
	.name = "ifname",
	.description = "Interface name",
	.type = &setting_type_string,
	.scope = &netdev_settings_scope,
	.tag = 4,
};

/** ${bustype}: "PCI" */
static const struct setting bustype_setting __setting(SETTING_NETDEV) = {
	.name = "bustype",
	.description = "Bus type",
	.type = &setting_type_string,
	.scope = &netdev_settings_scope,
	.tag = 5,
};

/** ${mtu}: maximum payload */
static const struct setting mtu_setting __setting(SETTING_NETDEV) = {
	.name = "mtu",
	.description = "MTU",
	.type = &setting_type_int16,
	.scope = &netdev_settings_scope,
	.tag = 6,
};

/**
 * Copy a value out
 *
 * @v value		Value
 * @v value_len		Length of value
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of value
 */
static int builtin_copy(const void *value, size_t value_len, void *data,
			size_t len)
{
	if (data)
		memcpy(data, value, ((len < value_len) ? len : value_len));
	return value_len;
}

/**
 * Whether a setting lives in the "builtin" block
 *
 * @v settings		Block
 * @v setting		Setting
 * @ret applies		Setting applies
 */
static int builtin_settings_applies(struct settings *settings,
				    const struct setting *setting)
{
	return (setting->scope == &builtin_settings_scope);
}

/**
 * Fetch a built-in value
 *
 * @v settings		Block
 * @v setting		Setting
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length, or -ENOENT
 */
static int builtin_settings_fetch(struct settings *settings,
				  struct setting *setting, void *data,
				  size_t len)
{
	const char *value;

	if (strcmp(setting->name, platform_setting.name) == 0)
		value = platform_name;
	else if (strcmp(setting->name, buildarch_setting.name) == 0)
		value = platform_buildarch;
	else if (strcmp(setting->name, version_setting.name) == 0)
		value = VERSION;
	else
		return -ENOENT;
	return builtin_copy(value, strlen(value), data, len);
}

/** Operations of the "builtin" block (read-only) */
static const struct settings_operations builtin_settings_operations = {
	.applies = builtin_settings_applies,
	.fetch = builtin_settings_fetch,
};

/** The "builtin" block */
static struct settings builtin_settings;

/**
 * Register the "builtin" block
 */
static void builtin_settings_init(void)
{
	settings_init(&builtin_settings, &builtin_settings_operations, NULL,
		      &builtin_settings_scope);
	builtin_settings.order = 100;
	settings_register(&builtin_settings, NULL, "builtin");
}

/** Register the built-in blocks early, before devices appear */
struct init_fn builtin_settings_init_fn __init_fn(INIT_EARLY) = {
	.name = "builtin settings",
	.init = builtin_settings_init,
};

/** A network device's block */
struct netdev_settings {
	/** Values set by hand (and the block itself) */
	struct generic_settings generic;
	/** The device */
	struct net_device *netdev;
	/** Link in the list of device blocks */
	struct list_head list;
	/** The device was open when last notified */
	int was_open;
};

/** Device blocks */
static LIST_HEAD(netdev_settings_list);

/** The block of the device opened last, or NULL */
static struct netdev_settings *netdev_settings_last_opened;

/**
 * The device's block
 *
 * @v settings		Block
 * @ret netdev_settings	Device block
 */
static struct netdev_settings *netdev_settings_of(struct settings *settings)
{
	return container_of(settings, struct netdev_settings, generic.settings);
}

/**
 * Store a value in a device block
 *
 * ${mac} can be changed (it takes effect when the device is next
 * opened); the other device values are read-only.
 *
 * @v settings		Block
 * @v setting		Setting
 * @v data		Value, or NULL to delete
 * @v len		Length
 * @ret rc		Return status code
 */
static int netdev_settings_store(struct settings *settings,
				 const struct setting *setting,
				 const void *data, size_t len)
{
	struct net_device *netdev = netdev_settings_of(settings)->netdev;

	if (setting->scope != &netdev_settings_scope)
		return generic_settings_operations.store(settings, setting,
							 data, len);
	if (setting->tag != mac_setting.tag)
		return -ENOTSUP;
	if (!data) {
		memcpy(netdev->ll_addr, netdev->hw_addr, ETH_ALEN);
		return 0;
	}
	if (len != ETH_ALEN)
		return -EINVAL;
	memcpy(netdev->ll_addr, data, ETH_ALEN);
	return 0;
}

/**
 * Fetch a value from a device block
 *
 * @v settings		Block
 * @v setting		Setting
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length, or -ENOENT
 */
static int netdev_settings_fetch(struct settings *settings,
				 struct setting *setting, void *data,
				 size_t len)
{
	struct net_device *netdev = netdev_settings_of(settings)->netdev;
	uint8_t mtu[2];

	if (setting->scope != &netdev_settings_scope)
		return generic_settings_operations.fetch(settings, setting,
							 data, len);
	switch (setting->tag) {
	case 1:
		return builtin_copy(netdev->ll_addr, ETH_ALEN, data, len);
	case 2:
		if (!netdev->busid[0])
			return -ENOENT;
		return builtin_copy(netdev->busid, sizeof(netdev->busid), data,
				    len);
	case 3:
		if (!netdev->chip[0])
			return -ENOENT;
		return builtin_copy(netdev->chip,
				    strnlen(netdev->chip, sizeof(netdev->chip)),
				    data, len);
	case 4:
		return builtin_copy(netdev->name,
				    strnlen(netdev->name, sizeof(netdev->name)),
				    data, len);
	case 5:
		if (netdev->busid[0] != 1)
			return -ENOENT;
		return builtin_copy("PCI", 3, data, len);
	case 6:
		mtu[0] = (netdev->mtu >> 8);
		mtu[1] = netdev->mtu;
		return builtin_copy(mtu, sizeof(mtu), data, len);
	default:
		return -ENOENT;
	}
}

/**
 * Remove the values set by hand in a device block
 *
 * @v settings		Block
 */
static void netdev_settings_clear(struct settings *settings)
{
	generic_settings_operations.clear(settings);
}

/** Operations of a device block */
static const struct settings_operations netdev_settings_operations = {
	.store = netdev_settings_store,
	.fetch = netdev_settings_fetch,
	.clear = netdev_settings_clear,
};

/**
 * Find a device's block
 *
 * @v netdev		Device
 * @ret netdev_settings	Block, or NULL
 */
static struct netdev_settings *netdev_settings_find(struct net_device *netdev)
{
	struct netdev_settings *netdev_settings;

	list_for_each_entry (netdev_settings, &netdev_settings_list, list) {
		if (netdev_settings->netdev == netdev)
			return netdev_settings;
	}
	return NULL;
}

/**
 * Create a device's block when the device appears
 *
 * If something else already registered a block of the device's name,
 * that block is kept and none is made here.
 *
 * @v netdev		Device
 * @ret rc		Return status code
 */
static int netdev_settings_probe(struct net_device *netdev)
{
	struct netdev_settings *netdev_settings;
	int rc;

	if (settings_find(netdev->name))
		return 0;
	netdev_settings = heap_zalloc(sizeof(*netdev_settings));
	if (!netdev_settings)
		return -ENOMEM;
	generic_settings_init(&netdev_settings->generic, NULL);
	netdev_settings->generic.settings.op = &netdev_settings_operations;
	netdev_settings->generic.settings.order = netdev->index;
	netdev_settings->netdev = netdev;
	if ((rc = settings_register(&netdev_settings->generic.settings, NULL,
				    netdev->name)) != 0) {
		heap_free(netdev_settings);
		return rc;
	}
	list_add_tail(&netdev_settings->list, &netdev_settings_list);
	return 0;
}

/**
 * Note which device was opened last (for "netX")
 *
 * @v netdev		Device
 */
static void netdev_settings_notify(struct net_device *netdev)
{
	struct netdev_settings *netdev_settings = netdev_settings_find(netdev);
	int is_open = !!(netdev->state & NETDEV_OPEN);

	if (!netdev_settings)
		return;
	if (is_open && !netdev_settings->was_open)
		netdev_settings_last_opened = netdev_settings;
	netdev_settings->was_open = is_open;
}

/**
 * Remove a device's block when the device goes
 *
 * @v netdev		Device
 */
static void netdev_settings_remove(struct net_device *netdev)
{
	struct netdev_settings *netdev_settings = netdev_settings_find(netdev);

	if (!netdev_settings)
		return;
	if (netdev_settings_last_opened == netdev_settings)
		netdev_settings_last_opened = NULL;
	settings_unregister(&netdev_settings->generic.settings);
	generic_settings_operations.clear(&netdev_settings->generic.settings);
	list_del(&netdev_settings->list);
	heap_free(netdev_settings);
}

/** Device blocks follow the devices */
struct net_driver netdev_settings_driver __net_driver = {
	.name = "settings",
	.probe = netdev_settings_probe,
	.notify = netdev_settings_notify,
	.remove = netdev_settings_remove,
};

/**
 * The block "netX" stands for: the device opened last
 *
 * @ret settings	Block, or NULL if no device was opened
 */
struct settings *settings_netx(void)
{
	struct netdev_settings *netdev_settings = netdev_settings_last_opened;

	if (netdev_settings)
		return &netdev_settings->generic.settings;
	return NULL;
}
