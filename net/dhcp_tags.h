#ifndef NET_DHCP_TAGS_H
#define NET_DHCP_TAGS_H

/** @file
 *
 * Setting tags shared by DHCP and the protocols configured from it
 *
 * A setting's tag is its DHCP option number (RFC 2132 and later), an
 * encapsulated option DHCP_ENCAP_TAG(outer, inner), or, for values that
 * travel in the fixed BOOTP fields rather than in options, one of the
 * special tags below.  DHCP stores what it receives under these tags
 * in the device's "netX.dhcp" block; IPv4, DNS, TFTP and autoboot read
 * them back through the settings API by these tags.
 */

#include "core/settings.h"

/* Options */
#define DHCP_PAD 0
#define DHCP_SUBNET_MASK 1
#define DHCP_ROUTERS 3
#define DHCP_DNS_SERVERS 6
#define DHCP_LOG_SERVERS 7
#define DHCP_HOST_NAME 12
#define DHCP_DOMAIN_NAME 15
#define DHCP_ROOT_PATH 17
#define DHCP_VENDOR_ENCAP 43
#define DHCP_NTP_SERVERS 42
#define DHCP_REQUESTED_ADDRESS 50
#define DHCP_LEASE_TIME 51
#define DHCP_OPTION_OVERLOAD 52
#define DHCP_MESSAGE_TYPE 53
#define DHCP_SERVER_IDENTIFIER 54
#define DHCP_PARAMETER_REQUEST_LIST 55
#define DHCP_MAX_MESSAGE_SIZE 57
#define DHCP_VENDOR_CLASS_ID 60
#define DHCP_CLIENT_ID 61
#define DHCP_TFTP_SERVER_NAME 66
#define DHCP_BOOTFILE_NAME 67
#define DHCP_USER_CLASS_ID 77
#define DHCP_CLIENT_ARCHITECTURE 93
#define DHCP_CLIENT_NDI 94
#define DHCP_CLIENT_UUID 97
#define DHCP_DOMAIN_SEARCH 119
#define DHCP_EB_ENCAP 175
#define DHCP_END 255

/* Special tags: the fixed BOOTP fields */
/** Your IP address (yiaddr): the ${ip} setting */
#define DHCP_TAG_YIADDR (SETTING_TAG_SPECIAL + 1)
/** Next server (siaddr): the ${next-server} setting */
#define DHCP_TAG_SIADDR (SETTING_TAG_SPECIAL + 2)
/** Boot file name from the file field, when option 67 is absent */
#define DHCP_TAG_FILE (SETTING_TAG_SPECIAL + 3)
/** Server host name from the sname field, when option 66 is absent */
#define DHCP_TAG_SNAME (SETTING_TAG_SPECIAL + 4)

#endif /* NET_DHCP_TAGS_H */
