/** @file
 *
 * "route": show the IPv4 routing table, one line per device address:
 *
 *     net0: 10.0.2.15/255.255.255.0 gw 10.0.2.2
 *
 * with " (inaccessible)" after a route whose device is closed.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/printf.h"
#include "net/ipv4.h"
#include "net/netdevice.h"

/**
 * Run "route"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int route_exec(int argc, char **argv)
{
	struct ipv4_route *route;

	if (argc != 1) {
		printf("usage: route\n");
		return -EINVAL;
	}
	list_for_each_entry(route, &ipv4_routes, list) {
		/* inet_ntoa() has one buffer: one address per call */
		printf("%s: %s", route->netdev->name,
		       inet_ntoa(route->address));
		printf("/%s", inet_ntoa(route->netmask));
		if (route->gateway.s_addr)
			printf(" gw %s", inet_ntoa(route->gateway));
		if (!netdev_is_open(route->netdev))
			printf(" (inaccessible)");
		printf("\n");
	}
	return 0;
}

/** The "route" command */
struct command route_command __command = {
	.name = "route",
	.usage = "route",
	.exec = route_exec,
};
