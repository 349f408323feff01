/** @file
 *
 * Settings from DHCP
 *
 * A DHCP answer becomes a read-only settings block backed by a copy of
 * the packet: a fetch by tag looks the option up in the packet (BOOTP
 * fields under their special tags), so every option received is a
 * setting without being copied out one by one.  The blocks hang under
 * the device's own block ("net0", from core/builtin_settings.c) as
 * "net0.dhcp" and "net0.proxydhcp".
 */

#include <stddef.h>
#include <stdint.h>
#include "net/dhcp.h"
#include "net/dhcp_options.h"
#include "net/netdevice.h"
#include "core/settings.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "core/string.h"

/** The DHCP packet does not parse (it was checked before: a bug) */
#define EINVAL_PACKET ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_PACKET, "Invalid DHCP packet for settings");
/** No settings block for the device */
#define ENODEV_BLOCK ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_BLOCK, "No settings block for network device");

/** Host name (option 12) */
const struct setting hostname_setting __setting(SETTING_HOST) = {
	.name = "hostname",
	.description = "Host name",
	.type = &setting_type_string,
	.tag = DHCP_HOST_NAME,
};

/** Boot file name (option 67, or the file field) */
const struct setting filename_setting __setting(SETTING_BOOT) = {
	.name = "filename",
	.description = "Boot filename",
	.type = &setting_type_string,
	.tag = DHCP_BOOTFILE_NAME,
};

/** Boot server (siaddr) */
const struct setting next_server_setting __setting(SETTING_BOOT) = {
	.name = "next-server",
	.description = "TFTP server",
	.type = &setting_type_ipv4,
	.tag = DHCP_TAG_SIADDR,
};

/** Root path (option 17) */
const struct setting root_path_setting __setting(SETTING_BOOT) = {
	.name = "root-path",
	.description = "SAN root path",
	.type = &setting_type_string,
	.tag = DHCP_ROOT_PATH,
};

/** User class sent to DHCP servers (option 77) */
const struct setting user_class_setting __setting(SETTING_HOST) = {
	.name = "user-class",
	.description = "DHCP user class",
	.type = &setting_type_string,
	.tag = DHCP_USER_CLASS_ID,
};

/** The DHCP server that gave the lease (option 54) */
const struct setting dhcp_server_setting __setting(SETTING_MISC) = {
	.name = "dhcp-server",
	.description = "DHCP server",
	.type = &setting_type_ipv4,
	.tag = DHCP_SERVER_IDENTIFIER,
};

/** Do not wait for proxyDHCP offers (175.176, as iPXE) */
const struct setting no_pxedhcp_setting __setting(SETTING_MISC) = {
	.name = "no-pxedhcp",
	.description = "Do not wait for ProxyDHCP offers",
	.type = &setting_type_uint8,
	.tag = DHCP_ENCAP_TAG(DHCP_EB_ENCAP, DHCP_EB_NO_PXEDHCP),
};

/** How long DHCP waits for an offer, in seconds (Ferry's own) */
const struct setting dhcp_timeout_setting __setting(SETTING_MISC) = {
	.name = "dhcp-timeout",
	.description = "DHCP discovery timeout (seconds)",
	.type = &setting_type_uint32,
	.tag = 0,
};

/** A settings block backed by a received DHCP packet */
struct dhcp_settings {
	/** Reference counter */
	struct refcnt refcnt;
	/** The block */
	struct settings settings;
	/** The packet, parsed */
	struct dhcp_packet packet;
	/** Where the boot file and server come from when this packet
	 * names no boot file (a proxyDHCP answer), or NULL */
	struct dhcp_settings *boot;
	/** Copy of the packet */
	uint8_t data[];
};

/**
 * Free a DHCP settings block
 *
 * @v refcnt		Reference counter
 */
static void dhcp_settings_free(struct refcnt *refcnt)
{
	struct dhcp_settings *dhcpset =
		container_of(refcnt, struct dhcp_settings, refcnt);

	dhcp_settings_put(dhcpset->boot);
	heap_free(dhcpset);
}

/**
 * Test whether a tag names part of the boot file location
 *
 * @v tag		Tag
 * @ret is_boot		Tag is the boot file, its server, or their fields
 */
static int dhcp_settings_is_boot_tag(uint32_t tag)
{
	return (tag == DHCP_BOOTFILE_NAME || tag == DHCP_TFTP_SERVER_NAME ||
		tag == DHCP_TAG_FILE || tag == DHCP_TAG_SNAME ||
		tag == DHCP_TAG_SIADDR);
}

/**
 * Fetch a value from a DHCP packet block
 *
 * @v settings		Block
 * @v setting		Setting
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of the value, or -ENOENT
 */
static int dhcp_settings_fetch(struct settings *settings,
			       struct setting *setting, void *data, size_t len)
{
	struct dhcp_settings *dhcpset =
		container_of(settings, struct dhcp_settings, settings);
	int rc;

	if (!setting->tag)
		return -ENOENT;
	if (dhcpset->boot && dhcp_settings_is_boot_tag(setting->tag)) {
		rc = dhcp_packet_fetch(&dhcpset->boot->packet, setting->tag,
				       data, len);
		if (!ERROR_IS(rc, ENOENT))
			return rc;
	}
	rc = dhcp_packet_fetch(&dhcpset->packet, setting->tag, data, len);
	return (ERROR_IS(rc, ENOENT) ? -ENOENT : rc);
}

/**
 * Whether a DHCP packet block can hold a setting
 *
 * Settings of a kind of block (a device's mac, SMBIOS fields) never come
 * from DHCP, whatever their tags.
 *
 * @v settings		Block
 * @v setting		Setting
 * @ret applies		Setting applies
 */
static int dhcp_settings_applies(struct settings *settings,
				 const struct setting *setting)
{
	return (setting->scope == NULL);
}

/** A DHCP packet block: read-only */
static const struct settings_operations dhcp_settings_operations = {
	.applies = dhcp_settings_applies,
	.fetch = dhcp_settings_fetch,
};

/**
 * Drop a reference to a DHCP settings block
 *
 * @v dhcpset		Block, or NULL
 */
void dhcp_settings_put(struct dhcp_settings *dhcpset)
{
	ref_put(dhcpset ? &dhcpset->refcnt : NULL);
}

/**
 * Find a device's own settings block
 *
 * @v netdev		Network device
 * @ret settings	Block ("netX"), or NULL
 */
struct settings *netdev_settings(struct net_device *netdev)
{
	return settings_find(netdev->name);
}

/**
 * Unregister a DHCP block of a device, if there is one
 *
 * @v netdev		Network device
 * @v name		Name of the block ("dhcp", "proxydhcp")
 */
void dhcp_settings_unregister(struct net_device *netdev, const char *name)
{
	char full_name[sizeof(netdev->name) + 16];
	struct settings *settings;

	snprintf(full_name, sizeof(full_name), "%s.%s", netdev->name, name);
	settings = settings_find(full_name);
	if (settings && settings->op == &dhcp_settings_operations)
		settings_unregister(settings);
}

/**
 * Register a DHCP answer as a settings block under its device's block
 *
 * A block of the same name from an earlier answer is replaced.
 *
 * @v netdev		Network device
 * @v name		Name of the block ("dhcp", "proxydhcp")
 * @v data		Packet (already checked by dhcp_packet_parse())
 * @v len		Length of packet
 * @v block		Block, with a reference for the caller, or NULL
 * @ret rc		Return status code
 */
int dhcp_settings_register(struct net_device *netdev, const char *name,
			   const void *data, size_t len,
			   struct dhcp_settings **block)
{
	struct dhcp_settings *dhcpset;
	struct settings *parent;
	int rc;

	parent = netdev_settings(netdev);
	if (!parent) {
		rc = -ENODEV_BLOCK;
		goto err_parent;
	}
	dhcpset = heap_zalloc(sizeof(*dhcpset) + len);
	if (!dhcpset) {
		rc = -ENOMEM;
		goto err_alloc;
	}
	ref_init(&dhcpset->refcnt, dhcp_settings_free);
	memcpy(dhcpset->data, data, len);
	if (dhcp_packet_parse(&dhcpset->packet, dhcpset->data, len) != 0) {
		rc = -EINVAL_PACKET;
		goto err_parse;
	}
	settings_init(&dhcpset->settings, &dhcp_settings_operations,
		      &dhcpset->refcnt, NULL);
	dhcp_settings_unregister(netdev, name);
	if ((rc = settings_register(&dhcpset->settings, parent, name)) != 0)
		goto err_register;
	if (block) {
		ref_get(&dhcpset->refcnt);
		*block = dhcpset;
	}
	ref_put(&dhcpset->refcnt);
	return 0;

err_register:
err_parse:
	ref_put(&dhcpset->refcnt);
err_alloc:
err_parent:
	return rc;
}

/**
 * Take the boot file and its server from another block when a block
 * names no boot file of its own
 *
 * This is how a proxyDHCP server's boot file reaches ${filename} and
 * ${next-server} when the main DHCP server gave none.
 *
 * @v dhcpset		Block (from the DHCP ACK)
 * @v boot		Block to take them from (from proxyDHCP)
 */
void dhcp_settings_boot_from(struct dhcp_settings *dhcpset,
			     struct dhcp_settings *boot)
{
	if (dhcp_packet_has_boot_file(&dhcpset->packet) ||
	    !dhcp_packet_has_boot_file(&boot->packet))
		return;
	dhcp_settings_put(dhcpset->boot);
	ref_get(&boot->refcnt);
	dhcpset->boot = boot;
}

/**
 * Get the DHCP packet behind one of a device's blocks, as received
 *
 * This is what the PXE API's GET CACHED INFO hands to a network boot
 * program (arch/x86/pxe/pxe_api.c).
 *
 * @v netdev		Network device
 * @v name		Name of the block ("dhcp", "proxydhcp")
 * @v data		Packet (valid while the block is registered)
 * @v len		Length of packet
 * @ret rc		Return status code (-ENOENT if there is none)
 */
int dhcp_settings_packet(struct net_device *netdev, const char *name,
			 const void **data, size_t *len)
{
	char full_name[sizeof(netdev->name) + 16];
	struct dhcp_settings *dhcpset;
	struct settings *settings;

	snprintf(full_name, sizeof(full_name), "%s.%s", netdev->name, name);
	settings = settings_find(full_name);
	if (!settings || settings->op != &dhcp_settings_operations)
		return -ENOENT;
	dhcpset = container_of(settings, struct dhcp_settings, settings);
	*data = dhcpset->data;
	*len = dhcpset->packet.len;
	return 0;
}
