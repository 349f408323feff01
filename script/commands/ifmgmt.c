/** @file
 *
 * "ifopen", "ifclose" and "ifstat": open, close and describe network
 * devices (all devices when none is named)
 */

#include <stddef.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/printf.h"
#include "net/netdevice.h"
#include "net/ethernet.h"

/** No such device */
#define ENODEV_NAME ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_NAME, "No such network device");

/**
 * Run an action on the named devices, or on all of them
 *
 * @v argc		Number of arguments
 * @v argv		Arguments (device names from argv[1])
 * @v action		Action
 * @ret rc		Return status code (the last failure)
 */
static int ifmgmt_each(int argc, char **argv,
		       int (*action)(struct net_device *netdev))
{
	struct net_device *netdev;
	int rc = 0;
	int rc2;
	int i;

	if (argc < 2) {
		for_each_netdev(netdev) {
			rc2 = action(netdev);
			if (rc2 != 0)
				rc = rc2;
		}
		return rc;
	}
	for (i = 1; i < argc; i++) {
		netdev = netdev_find(argv[i]);
		if (!netdev) {
			error_print(-ENODEV_NAME, argv[i]);
			rc = -ENODEV_NAME;
			continue;
		}
		rc2 = action(netdev);
		if (rc2 != 0)
			rc = rc2;
	}
	return rc;
}

/**
 * Open one device, reporting a failure
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int ifmgmt_open(struct net_device *netdev)
{
	int rc = netdev_open(netdev);

	if (rc != 0)
		error_print(rc, netdev->name);
	return rc;
}

/**
 * Close one device
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int ifmgmt_close(struct net_device *netdev)
{
	netdev_close(netdev);
	return 0;
}

/**
 * Describe one device
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int ifmgmt_stat(struct net_device *netdev)
{
	const struct net_device_stats *tx = &netdev->tx_stats;
	const struct net_device_stats *rx = &netdev->rx_stats;

	printf("%s: %s using %s on %s (%s)\n", netdev->name,
	       eth_ntoa(netdev->ll_addr), netdev->chip, netdev->location,
	       (netdev_is_open(netdev) ? "open" : "closed"));
	if (netdev_link_ok(netdev))
		printf("  [Link:up, ");
	else if (netdev->link_rc)
		printf("  [Link:down (%s), ", error_string(netdev->link_rc));
	else
		printf("  [Link:down, ");
	printf("TX:%lu TXE:%lu TXB:%llu RX:%lu RXE:%lu RXD:%lu RXB:%llu]\n",
	       tx->packets, tx->errors, tx->bytes, rx->packets, rx->errors,
	       rx->drops, rx->bytes);
	if (tx->errors && tx->last_error)
		printf("  [TXE: last %s]\n", error_string(tx->last_error));
	if ((rx->errors || rx->drops) && rx->last_error)
		printf("  [RXE: last %s]\n", error_string(rx->last_error));
	return 0;
}

/**
 * Run "ifopen"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int ifopen_exec(int argc, char **argv)
{
	return ifmgmt_each(argc, argv, ifmgmt_open);
}

/**
 * Run "ifclose"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int ifclose_exec(int argc, char **argv)
{
	return ifmgmt_each(argc, argv, ifmgmt_close);
}

/**
 * Run "ifstat"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int ifstat_exec(int argc, char **argv)
{
	return ifmgmt_each(argc, argv, ifmgmt_stat);
}

/** The "ifopen" command */
struct command ifopen_command __command = {
	.name = "ifopen",
	.usage = "ifopen [netX...]",
	.exec = ifopen_exec,
};

/** The "ifclose" command */
struct command ifclose_command __command = {
	.name = "ifclose",
	.usage = "ifclose [netX...]",
	.exec = ifclose_exec,
};

/** The "ifstat" command */
struct command ifstat_command __command = {
	.name = "ifstat",
	.usage = "ifstat [netX...]",
	.exec = ifstat_exec,
};
