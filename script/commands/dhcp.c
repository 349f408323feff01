/** @file
 *
 * "dhcp [netX...]" and "ifconf [-c dhcp] [netX...]": configure network
 * devices with DHCP
 *
 * Each device named (every device, when none is) is tried in turn until
 * one gets a lease, as iPXE does: it is opened, its link waited for,
 * and DHCP run, with one progress line per device:
 *
 *     Configuring (net0 52:54:00:12:34:56)...... ok
 *     net0: 192.0.2.50/255.255.255.0 gw 192.0.2.1 (lease 3600 s)
 *
 * The command fails with the last device's error if none got a lease;
 * Ctrl-C stops at once.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/getopt.h"
#include "core/printf.h"
#include "core/string.h"
#include "net/dhcp.h"
#include "net/netdevice.h"

/** No such device */
#define ENODEV_NAME ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_NAME, "No such network device");
/** No devices at all */
#define ENODEV_NONE ERROR_CODE(ERRCLASS_ENODEV, 2)
ERROR_MESSAGE(ENODEV_NONE, "No network devices");
/** Unknown configurator */
#define ENOTSUP_CONFIGURATOR ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_CONFIGURATOR, "No such configurator");

/**
 * Configure one device and show the result
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int ifconf_one(struct net_device *netdev)
{
	int rc;

	if ((rc = dhcp_configure(netdev)) != 0)
		return rc;
	dhcp_print_result(netdev);
	return 0;
}

/**
 * Configure the named devices (or all), stopping at the first success
 *
 * @v argc		Number of arguments
 * @v argv		Arguments (device names from argv[optind])
 * @ret rc		Return status code
 */
static int ifconf_devices(int argc, char **argv)
{
	struct net_device *netdev;
	int rc = -ENODEV_NONE;
	int i;

	if (optind >= argc) {
		if (list_empty(&net_devices)) {
			error_print(rc, NULL);
			return rc;
		}
		for_each_netdev (netdev) {
			rc = ifconf_one(netdev);
			if (rc == 0 || ERROR_IS(rc, ECANCELED))
				return rc;
		}
		return rc;
	}
	for (i = optind; i < argc; i++) {
		netdev = netdev_find(argv[i]);
		if (!netdev) {
			rc = -ENODEV_NAME;
			error_print(rc, argv[i]);
			continue;
		}
		rc = ifconf_one(netdev);
		if (rc == 0 || ERROR_IS(rc, ECANCELED))
			return rc;
	}
	return rc;
}

/**
 * Run "dhcp"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int dhcp_exec(int argc, char **argv)
{
	if (getopt_long(argc, argv, "", NULL, NULL) != -1) {
		printf("usage: dhcp [netX...]\n");
		return -EINVAL;
	}
	return ifconf_devices(argc, argv);
}

/**
 * Run "ifconf"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int ifconf_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "configurator", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int option;

	while ((option = getopt_long(argc, argv, "c:", options, NULL)) != -1) {
		switch (option) {
		case 'c':
			if (strcmp(optarg, "dhcp") != 0) {
				error_print(-ENOTSUP_CONFIGURATOR, optarg);
				return -ENOTSUP_CONFIGURATOR;
			}
			break;
		default:
			printf("usage: ifconf [-c dhcp] [netX...]\n");
			return -EINVAL;
		}
	}
	return ifconf_devices(argc, argv);
}

/** The "dhcp" command */
struct command dhcp_command __command = {
	.name = "dhcp",
	.usage = "dhcp [netX...]",
	.exec = dhcp_exec,
};

/** The "ifconf" command */
struct command ifconf_command __command = {
	.name = "ifconf",
	.usage = "ifconf [-c dhcp] [netX...]",
	.exec = ifconf_exec,
};
