#ifndef NET_DHCP_H
#define NET_DHCP_H

/** @file
 *
 * DHCP client (RFC 2131), with the PXE extensions (RFC 4578, PXE 2.1)
 *
 * dhcp_start() runs one DHCP exchange on a device: DISCOVER, OFFER,
 * REQUEST, ACK, and, when a proxyDHCP server answered the DISCOVER, a
 * request to it on port 4011.  Its result is settings: the ACK becomes
 * the "netX.dhcp" block and the proxyDHCP answer the "netX.proxydhcp"
 * block, both under the device's "netX" block.  The caller learns the
 * outcome when the session closes its job endpoint (0 for a lease).
 *
 * dhcp_configure() is the blocking front end that commands and autoboot
 * use: it opens the device, waits for the link, runs DHCP and prints
 * iPXE's progress line.
 */

#include <stddef.h>
#include <stdint.h>

struct xfer;
struct net_device;
struct sockaddr;
struct settings;
struct setting;
struct dhcp_settings;

/** First DISCOVER retransmission timeout (the PXE specification's) */
#define DHCP_DISCOVER_TIMEOUT_MS 4000
/** Default time to wait for an offer: 4 + 8 + 16 + 32 seconds */
#define DHCP_DISCOVER_TOTAL_MS   60000
/** How long to wait for a proxyDHCP offer once an address is offered,
 * counted from the first DISCOVER */
#define DHCP_PROXY_WAIT_MS       1000
/** First REQUEST retransmission timeout */
#define DHCP_REQUEST_TIMEOUT_MS  1000
/** Time to wait for an ACK */
#define DHCP_REQUEST_TOTAL_MS    10000
/** First proxyDHCP REQUEST retransmission timeout */
#define DHCP_PROXY_TIMEOUT_MS    1000
/** Time to wait for a proxyDHCP ACK before using its offer instead */
#define DHCP_PROXY_TOTAL_MS      4000
/** Longest retransmission timeout */
#define DHCP_MAX_TIMEOUT_MS      32000
/** Most times a NAK sends the client back to DISCOVER */
#define DHCP_MAX_RESTARTS        3
/** Longest time to wait for a link before DHCP */
#define DHCP_LINK_WAIT_MS        15000

/** Counters of what the DHCP client received */
struct dhcp_statistics {
	/** Packets dropped because they were malformed */
	unsigned long rx_malformed;
	/** Well-formed packets that were not for us or not expected */
	unsigned long rx_ignored;
	/** Packets used */
	unsigned long rx_used;
};

extern struct dhcp_statistics dhcp_stats;

/**
 * How a DHCP session opens its UDP socket
 *
 * Normally xfer_open_socket(); unit tests pass their own to see what
 * the client sends and to feed it replies.
 */
typedef int (*dhcp_socket_open_t)(struct xfer *parent, int semantics,
				  struct sockaddr *peer,
				  struct sockaddr *local);

extern int dhcp_start(struct xfer *job, struct net_device *netdev);
extern int dhcp_start_with(struct xfer *job, struct net_device *netdev,
			   dhcp_socket_open_t socket_open);
extern int dhcp_configure(struct net_device *netdev);
extern void dhcp_print_result(struct net_device *netdev);

/* Settings DHCP defines (net/dhcp_settings.c) */
extern const struct setting hostname_setting;
extern const struct setting filename_setting;
extern const struct setting next_server_setting;
extern const struct setting root_path_setting;
extern const struct setting user_class_setting;
extern const struct setting dhcp_server_setting;
extern const struct setting no_pxedhcp_setting;
extern const struct setting dhcp_timeout_setting;

/* The settings blocks DHCP fills (net/dhcp_settings.c) */
extern struct settings *netdev_settings(struct net_device *netdev);
extern int dhcp_settings_register(struct net_device *netdev, const char *name,
				  const void *data, size_t len,
				  struct dhcp_settings **block);
extern void dhcp_settings_boot_from(struct dhcp_settings *block,
				    struct dhcp_settings *boot);
extern void dhcp_settings_put(struct dhcp_settings *block);
extern int dhcp_settings_packet(struct net_device *netdev, const char *name,
				const void **data, size_t *len);
extern void dhcp_settings_unregister(struct net_device *netdev,
				     const char *name);

#endif /* NET_DHCP_H */
