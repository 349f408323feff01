/** @file
 *
 * Network autoboot (SPEC section 2)
 *
 * Each network device in turn is opened, waits for its link and runs
 * DHCP.  With a lease, the embedded script runs if Ferry has one; else
 * the boot file DHCP named is fetched and run: a URI as it stands
 * (http://, https://, tftp://), or a plain path from next-server by
 * TFTP.  A failure on one device moves on to the next; when all have
 * failed, each device's reason is printed once more and the command
 * line starts.  An embedded script still runs when no device got a
 * lease, so that scripts which configure a static address work.
 */

#include <stddef.h>
#include "core/autoboot.h"
#include "core/errors.h"
#include "core/printf.h"
#include "core/string.h"
#include "core/malloc.h"
#include "core/settings.h"
#include "image/image.h"
#include "image/embedded.h"
#include "net/netdevice.h"
#include "net/dhcp.h"
#include "net/ipv4.h"
#include "net/uri.h"

/** Most devices whose failure is remembered for the summary */
#define AUTOBOOT_MAX_REPORTS 8

/** DHCP gave no boot file */
#define ENOENT_FILENAME ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_FILENAME, "DHCP gave no boot file name (option 67)");
/** A relative boot file with no server to fetch it from */
#define ENOENT_SERVER ERROR_CODE(ERRCLASS_ENOENT, 2)
ERROR_MESSAGE(ENOENT_SERVER, "DHCP gave no next-server for the boot file");
/** No network device */
#define ENODEV_NONE ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_NONE, "No network devices");

/**
 * Work out the URI of the boot file DHCP gave a device
 *
 * @v netdev		Network device with a lease
 * @v uri		URI (heap string)
 * @ret rc		Return status code
 */
static int autoboot_boot_uri(struct net_device *netdev, char **uri)
{
	struct settings *settings = netdev_settings(netdev);
	struct setting filename = filename_setting;
	struct setting next_server = next_server_setting;
	struct in_addr server = { 0 };
	struct uri *parsed;
	char name[256];
	int scheme;
	int rc;

	rc = setting_fetch_string(settings, &filename, name, sizeof(name));
	if (rc <= 0 || !name[0])
		return -ENOENT_FILENAME;
	parsed = uri_parse(name);
	if (!parsed)
		return -ENOMEM;
	scheme = (parsed->scheme != NULL);
	uri_put(parsed);
	if (scheme) {
		*uri = strdup(name);
		return (*uri ? 0 : -ENOMEM);
	}
	setting_fetch_ipv4(settings, &next_server, &server);
	if (!server.s_addr)
		return -ENOENT_SERVER;
	/* As iPXE does: the path goes after one '/', as given */
	return ((asprintf(uri, "tftp://%s/%s", inet_ntoa(server), name) < 0) ?
			-ENOMEM :
			0);
}

/**
 * Fetch and run a URI
 *
 * @v uri		URI
 * @ret rc		Return status code
 */
static int autoboot_chain(const char *uri)
{
	struct image *image;
	int rc;

	rc = image_download(uri, NULL, &image);
	if (rc != 0)
		return rc;
	rc = image_register(image);
	if (rc == 0) {
		image_select(image);
		rc = image_exec(image);
	}
	image_put(image);
	return rc;
}

/**
 * Boot from one device
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int autoboot_netdev(struct net_device *netdev)
{
	char *uri = NULL;
	int rc;

	rc = dhcp_configure(netdev);
	if (rc != 0)
		return rc;
	if (embedded_image)
		return image_exec(embedded_image);
	rc = autoboot_boot_uri(netdev, &uri);
	if (rc != 0) {
		error_print(rc, netdev->name);
		return rc;
	}
	printf("%s: booting %s\n", netdev->name, uri);
	rc = autoboot_chain(uri);
	heap_free(uri);
	return rc;
}

/**
 * Boot from the network: each device in turn
 *
 * @ret rc		Return status code
 */
static int autoboot_network(void)
{
	struct net_device *reported[AUTOBOOT_MAX_REPORTS];
	int reasons[AUTOBOOT_MAX_REPORTS];
	struct net_device *netdev;
	unsigned int count = 0;
	unsigned int i;
	int rc = -ENODEV_NONE;

	for_each_netdev(netdev) {
		rc = autoboot_netdev(netdev);
		if (rc == 0 || ERROR_IS(rc, ECANCELED))
			return rc;
		if (count < AUTOBOOT_MAX_REPORTS) {
			reported[count] = netdev;
			reasons[count++] = rc;
		}
	}

	/* Nothing booted: a static-address script can still run */
	if (embedded_image)
		return image_exec(embedded_image);
	if (!count) {
		error_print(rc, "autoboot");
		return rc;
	}
	printf("Nothing booted:\n");
	for (i = 0; i < count; i++) {
		printf("  %s: ", reported[i]->name);
		error_print(reasons[i], NULL);
	}
	return rc;
}

/** Booting from the network */
struct boot_method network_boot_method __boot_method = {
	.name = "network",
	.boot = autoboot_network,
};
