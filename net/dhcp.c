/** @file
 *
 * DHCP client (RFC 2131) with PXE's extensions (RFC 4578, PXE 2.1)
 *
 * One session runs on one device through three states:
 *
 *   DISCOVER  broadcast DHCPDISCOVER, retransmitted at 4, 8, 16 and 32
 *             seconds (the PXE specification's schedule; the total is
 *             the "dhcp-timeout" setting, 60 s by default).  Offers are
 *             collected: the best address offer (highest 175.1 priority,
 *             first on a tie) and the best proxyDHCP offer (option 60
 *             "PXEClient" and no address).  Once an address is offered,
 *             the session moves on at once if the offer names a boot
 *             file, comes from a PXE-aware server, says 175.176
 *             (no-pxedhcp), or a proxyDHCP offer is in; otherwise it
 *             waits for a proxyDHCP offer until DHCP_PROXY_WAIT_MS after
 *             the first DISCOVER.
 *   REQUEST   broadcast DHCPREQUEST for the offer; the ACK becomes the
 *             "netX.dhcp" settings block (and so the device's address);
 *             a NAK goes back to DISCOVER, a bounded number of times.
 *   PROXY     with a proxyDHCP offer, DHCPREQUEST to its server on port
 *             4011 (asking for the first item of its PXE boot menu, if
 *             it sent one and no boot file); its ACK (or, failing one,
 *             its offer) becomes "netX.proxydhcp", whose boot file and
 *             next server are used when the main server gave no boot
 *             file.
 *
 * Every packet sent says who Ferry is: the PXE vendor class, client
 * architecture, network interface and UUID, and, so that configurations
 * written for iPXE work unchanged, iPXE's user class (the DHCP_USER_CLASS
 * build option, or the "user-class" setting) and option 175 with the
 * feature flags of what is built in.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/dhcp.h"
#include "net/dhcp_options.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/netdevice.h"
#include "net/socket.h"
#include "core/compiler.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/feature.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/process.h"
#include "core/random.h"
#include "core/settings.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/wait.h"
#include "core/xfer.h"

FEATURE("DHCP");

/** The user class sent by default (a build option: see config/) */
#ifndef DHCP_USER_CLASS
#define DHCP_USER_CLASS "iPXE"
#endif

/** Length of the packets built (room for every option we send) */
#define DHCP_TX_LEN             576
/** Longest user class sent */
#define DHCP_USER_CLASS_MAX_LEN 128
/** Longest "dhcp-timeout" accepted, in seconds */
#define DHCP_TIMEOUT_MAX_S      3600

/** PXE client architectures (option 93; RFC 4578, IANA registry) */
#define DHCP_ARCH_X86_BIOS   0
#define DHCP_ARCH_IA32_EFI   6
#define DHCP_ARCH_X86_64_EFI 7

/** Network interface type (option 94): UNDI, version 2.1 */
#define DHCP_NII_TYPE_UNDI 1
#define DHCP_NII_MAJOR     2
#define DHCP_NII_MINOR     1

/** PXE options inside option 43 (PXE 2.1 section 2.2.5) */
#define PXE_BOOT_SERVERS    8
#define PXE_BOOT_MENU       9
#define PXE_BOOT_ITEM       71
/** Boot server type 0 means "boot from the local disk" */
#define PXE_TYPE_LOCAL_BOOT 0

/** Client identifier and UUID types (options 61, 97) */
#define DHCP_CLIENT_ID_ETHERNET 1
#define DHCP_CLIENT_UUID_TYPE   0

/** No offer arrived */
#define ETIMEDOUT_DISCOVER ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_DISCOVER, "No DHCP offer received");
/** No ACK arrived */
#define ETIMEDOUT_REQUEST ERROR_CODE(ERRCLASS_ETIMEDOUT, 2)
ERROR_MESSAGE(ETIMEDOUT_REQUEST, "No DHCP acknowledgement received");
/** The server kept refusing */
#define ECONNREFUSED_NAK ERROR_CODE(ERRCLASS_ECONNREFUSED, 1)
ERROR_MESSAGE(ECONNREFUSED_NAK, "DHCP server refused the address");
/** The socket went away */
#define ENOTCONN_SOCKET ERROR_CODE(ERRCLASS_ENOTCONN, 1)
ERROR_MESSAGE(ENOTCONN_SOCKET, "DHCP socket closed");
/** The link never came up */
#define ENETDOWN_LINK ERROR_CODE(ERRCLASS_ENETDOWN, 1)
ERROR_MESSAGE(ENETDOWN_LINK, "Link down");

/** Counters of what the DHCP client received */
struct dhcp_statistics dhcp_stats;

/** States of a session */
enum dhcp_state {
	/** Looking for offers */
	DHCP_STATE_DISCOVER,
	/** Asking for the chosen offer */
	DHCP_STATE_REQUEST,
	/** Asking the proxyDHCP server on port 4011 */
	DHCP_STATE_PROXY,
};

/** The offer names a boot file */
#define DHCP_OFFER_BOOT_FILE  0x01
/** The offer comes from a PXE-aware server (option 60 "PXEClient") */
#define DHCP_OFFER_PXE        0x02
/** The offer says not to wait for proxyDHCP (175.176) */
#define DHCP_OFFER_NO_PXEDHCP 0x04

/** An offer kept for later */
struct dhcp_offer {
	/** Copy of the packet, or NULL if there is no offer */
	uint8_t *data;
	/** Length of the packet */
	size_t len;
	/** Server identifier */
	struct in_addr server;
	/** Address offered (0.0.0.0 for proxyDHCP) */
	struct in_addr address;
	/** Priority (175.1) */
	int priority;
	/** Properties (DHCP_OFFER_...) */
	unsigned int flags;
};

/** A DHCP session */
struct dhcp_session {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint to the caller, closed with the outcome */
	struct xfer job;
	/** UDP socket */
	struct xfer socket;
	/** Network device (a reference is held) */
	struct net_device *netdev;
	/** State */
	enum dhcp_state state;
	/** Transaction ID (network byte order, as sent) */
	uint32_t xid;
	/** Retransmission and deadline timer */
	struct timer timer;
	/** Time of the first DISCOVER */
	uint64_t start_ms;
	/** Time the current state gives up */
	uint64_t deadline_ms;
	/** Time of the next transmission */
	uint64_t next_tx_ms;
	/** Current retransmission interval */
	unsigned long interval_ms;
	/** How long DISCOVER may take in all */
	unsigned long discover_total_ms;
	/** NAKs received so far */
	unsigned int restarts;
	/** Best address offer */
	struct dhcp_offer offer;
	/** Best proxyDHCP offer */
	struct dhcp_offer proxy;
	/** Boot server type asked for from the proxyDHCP menu, or 0 */
	uint16_t boot_type;
	/** Where the proxyDHCP request goes */
	struct in_addr boot_server;
	/** The ACK's settings block, once registered */
	struct dhcp_settings *lease;
	/** The session has ended */
	int finished;
};

/** iPXE's feature flags (encapsulated in option 175), by the names of
 * the features that declare them with FEATURE() */
struct dhcp_feature_code {
	/** Feature name, as in the FEATURES table (case ignored) */
	const char *name;
	/** Option number inside 175 */
	uint8_t code;
};

/** The feature flags iPXE defines, with the same numbers */
static const struct dhcp_feature_code dhcp_feature_codes[] = {
	{ "iSCSI", 0x11 },   { "AoE", 0x12 },     { "HTTP", 0x13 },
	{ "HTTPS", 0x14 },   { "TFTP", 0x15 },    { "FTP", 0x16 },
	{ "DNS", 0x17 },     { "bzImage", 0x18 }, { "Multiboot", 0x19 },
	{ "NBI", 0x20 },     { "PXE", 0x21 },     { "ELF", 0x22 },
	{ "COMBOOT", 0x23 }, { "EFI", 0x24 },     { "FCoE", 0x25 },
	{ "VLAN", 0x26 },    { "Menu", 0x27 },    { "SDI", 0x28 },
	{ "NFS", 0x29 },
};

/** The options we ask servers for (option 55) */
static const uint8_t dhcp_request_list[] = {
	DHCP_SUBNET_MASK,   DHCP_ROUTERS,         DHCP_DNS_SERVERS,
	DHCP_HOST_NAME,     DHCP_DOMAIN_NAME,     DHCP_ROOT_PATH,
	DHCP_VENDOR_ENCAP,  DHCP_VENDOR_CLASS_ID, DHCP_TFTP_SERVER_NAME,
	DHCP_BOOTFILE_NAME, DHCP_DOMAIN_SEARCH,   DHCP_EB_ENCAP,
};

static void dhcp_step(struct dhcp_session *dhcp);

/**
 * Make a transaction ID
 *
 * Not cryptographic: it only has to differ between clients and between
 * boots.  random_u32() (core/random.h) makes it differ between boots,
 * the MAC address between clients.
 *
 * @v netdev		Network device
 * @ret xid		Transaction ID
 */
static uint32_t dhcp_make_xid(struct net_device *netdev)
{
	const uint8_t *mac = netdev->ll_addr;
	uint32_t xid;

	xid = random_u32();
	xid ^= ((uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
		(uint32_t)mac[4] << 8 | mac[5]);
	return xid;
}

/**
 * Find the client architecture to announce (option 93)
 *
 * @ret arch		Architecture type
 */
static unsigned int dhcp_client_arch(void)
{
	if (strcmp(platform_name, "efi") == 0) {
		if (strcmp(platform_buildarch, "x86_64") == 0)
			return DHCP_ARCH_X86_64_EFI;
		return DHCP_ARCH_IA32_EFI;
	}
	return DHCP_ARCH_X86_BIOS;
}

/**
 * Append option 175: the feature flags of what is built in, and the
 * device's bus ID
 *
 * @v writer		Option writer
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int dhcp_append_features(struct dhcp_option_writer *writer,
				struct net_device *netdev)
{
	static const uint8_t no_busid[sizeof(netdev->busid)];
	uint8_t buf[2 * 3 * ARRAY_SIZE(dhcp_feature_codes) + 8];
	uint8_t seen[ARRAY_SIZE(dhcp_feature_codes)];
	struct dhcp_option_writer encap;
	struct feature *feature;
	unsigned int i;
	int rc;

	memset(seen, 0, sizeof(seen));
	dhcp_writer_init(&encap, buf, sizeof(buf));
	for_each_table_entry (feature, FEATURES) {
		for (i = 0; i < ARRAY_SIZE(dhcp_feature_codes); i++) {
			if (seen[i] || strcasecmp(feature->name,
						  dhcp_feature_codes[i].name))
				continue;
			seen[i] = 1;
			rc = dhcp_writer_append_u8(
				&encap, dhcp_feature_codes[i].code, 1);
			if (rc != 0)
				return rc;
		}
	}
	if (memcmp(netdev->busid, no_busid, sizeof(no_busid)) != 0) {
		rc = dhcp_writer_append(&encap, DHCP_EB_BUS_ID, netdev->busid,
					sizeof(netdev->busid));
		if (rc != 0)
			return rc;
	}
	if (!encap.len)
		return 0;
	return dhcp_writer_append(writer, DHCP_EB_ENCAP, buf, encap.len);
}

/**
 * Append the client UUID (option 97), if SMBIOS gives one
 *
 * ${uuid} reads in RFC 4122 (big-endian) order; the option carries its
 * first three fields little-endian, in the EFI GUID layout RFC 4578
 * points to and PXE ROMs and iPXE send, so that servers keyed on the
 * UUID see the same bytes from Ferry as from the firmware.
 *
 * @v writer		Option writer
 * @ret rc		Return status code
 */
static int dhcp_append_uuid(struct dhcp_option_writer *writer)
{
	const struct setting *uuid_setting = setting_find("uuid");
	struct settings *smbios = settings_find("smbios");
	struct setting setting;
	uint8_t uuid[16];
	uint8_t option[1 + sizeof(uuid)];
	int len;

	if (!uuid_setting || !smbios)
		return 0;
	setting = *uuid_setting;
	len = setting_fetch(smbios, &setting, NULL, uuid, sizeof(uuid));
	if (len != (int)sizeof(uuid))
		return 0;
	option[0] = DHCP_CLIENT_UUID_TYPE;
	memcpy(&option[1], uuid, sizeof(uuid));
	option[1] = uuid[3];
	option[2] = uuid[2];
	option[3] = uuid[1];
	option[4] = uuid[0];
	option[5] = uuid[5];
	option[6] = uuid[4];
	option[7] = uuid[7];
	option[8] = uuid[6];
	return dhcp_writer_append(writer, DHCP_CLIENT_UUID, option,
				  sizeof(option));
}

/**
 * Append the user class (option 77)
 *
 * The value is sent raw, as iPXE sends it, not in RFC 3004's
 * length-prefixed form: configurations compare the option's bytes with
 * "iPXE" (ISC dhcpd), and dnsmasq accepts both forms.
 *
 * @v writer		Option writer
 * @ret rc		Return status code
 */
static int dhcp_append_user_class(struct dhcp_option_writer *writer)
{
	struct setting setting = user_class_setting;
	char user_class[DHCP_USER_CLASS_MAX_LEN];
	int len;

	len = setting_fetch(NULL, &setting, NULL, user_class,
			    sizeof(user_class));
	if (len > 0 && len <= (int)sizeof(user_class))
		return dhcp_writer_append(writer, DHCP_USER_CLASS_ID,
					  user_class, len);
	return dhcp_writer_append(writer, DHCP_USER_CLASS_ID, DHCP_USER_CLASS,
				  (sizeof(DHCP_USER_CLASS) - 1));
}

/**
 * Append the options every request carries: who we are, what we want
 *
 * @v writer		Option writer
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int dhcp_append_identity(struct dhcp_option_writer *writer,
				struct net_device *netdev)
{
	uint16_t max_len = htons(DHCP_MAX_LEN);
	uint16_t arch = htons(dhcp_client_arch());
	static const uint8_t nii[] = { DHCP_NII_TYPE_UNDI, DHCP_NII_MAJOR,
				       DHCP_NII_MINOR };
	uint8_t client_id[1 + ETH_ALEN];
	char vendor_class[40];
	int len;
	int rc;

	client_id[0] = DHCP_CLIENT_ID_ETHERNET;
	memcpy(&client_id[1], netdev->ll_addr, ETH_ALEN);
	len = snprintf(vendor_class, sizeof(vendor_class),
		       "PXEClient:Arch:%05u:UNDI:%03u%03u", dhcp_client_arch(),
		       DHCP_NII_MAJOR, DHCP_NII_MINOR);
	if ((rc = dhcp_writer_append(writer, DHCP_MAX_MESSAGE_SIZE, &max_len,
				     sizeof(max_len))) != 0 ||
	    (rc = dhcp_writer_append(writer, DHCP_CLIENT_ID, client_id,
				     sizeof(client_id))) != 0 ||
	    (rc = dhcp_writer_append(writer, DHCP_VENDOR_CLASS_ID, vendor_class,
				     len)) != 0 ||
	    (rc = dhcp_writer_append(writer, DHCP_CLIENT_ARCHITECTURE, &arch,
				     sizeof(arch))) != 0 ||
	    (rc = dhcp_writer_append(writer, DHCP_CLIENT_NDI, nii,
				     sizeof(nii))) != 0 ||
	    (rc = dhcp_append_uuid(writer)) != 0 ||
	    (rc = dhcp_append_user_class(writer)) != 0 ||
	    (rc = dhcp_append_features(writer, netdev)) != 0 ||
	    (rc = dhcp_writer_append(writer, DHCP_PARAMETER_REQUEST_LIST,
				     dhcp_request_list,
				     sizeof(dhcp_request_list))) != 0)
		return rc;
	return 0;
}

/**
 * Append the PXE boot item asked for (option 43, sub-option 71)
 *
 * @v writer		Option writer
 * @v type		Boot server type, or 0 for none
 * @ret rc		Return status code
 */
static int dhcp_append_boot_item(struct dhcp_option_writer *writer,
				 uint16_t type)
{
	uint8_t encap[2 + 4 + 1];

	if (type == PXE_TYPE_LOCAL_BOOT)
		return 0;
	/* Type, then layer 0 (the boot file itself) */
	encap[0] = PXE_BOOT_ITEM;
	encap[1] = 4;
	encap[2] = (type >> 8);
	encap[3] = type;
	encap[4] = 0;
	encap[5] = 0;
	encap[6] = DHCP_END;
	return dhcp_writer_append(writer, DHCP_VENDOR_ENCAP, encap,
				  sizeof(encap));
}

/**
 * Choose what to ask the proxyDHCP server for
 *
 * A proxyDHCP offer that names no boot file but carries a PXE boot menu
 * (option 43.9, as dnsmasq's pxe-service sends) expects the client to
 * ask for a boot item: Ferry shows no menu and takes the first item
 * that is not "local boot", from the boot server listed for it (43.8),
 * or else from the proxyDHCP server.
 *
 * @v dhcp		DHCP session
 */
static void dhcp_choose_boot_item(struct dhcp_session *dhcp)
{
	struct dhcp_packet packet;
	uint8_t list[255];
	uint16_t type;
	size_t pos;
	int len;

	dhcp->boot_type = PXE_TYPE_LOCAL_BOOT;
	dhcp->boot_server = dhcp->proxy.server;
	if (dhcp_packet_parse(&packet, dhcp->proxy.data, dhcp->proxy.len) !=
		    0 ||
	    dhcp_packet_has_boot_file(&packet))
		return;

	/* Menu entries: type (2), description length (1), description */
	len = dhcp_packet_fetch(
		&packet, DHCP_ENCAP_TAG(DHCP_VENDOR_ENCAP, PXE_BOOT_MENU), list,
		sizeof(list));
	if (len < 0)
		len = 0;
	if (len > (int)sizeof(list))
		len = sizeof(list);
	for (pos = 0; (pos + 3) <= (size_t)len; pos += (3 + list[pos + 2])) {
		type = ((list[pos] << 8) | list[pos + 1]);
		if (type != PXE_TYPE_LOCAL_BOOT) {
			dhcp->boot_type = type;
			break;
		}
	}
	if (dhcp->boot_type == PXE_TYPE_LOCAL_BOOT)
		return;

	/* Servers: type (2), count (1), addresses (4 each) */
	len = dhcp_packet_fetch(
		&packet, DHCP_ENCAP_TAG(DHCP_VENDOR_ENCAP, PXE_BOOT_SERVERS),
		list, sizeof(list));
	if (len < 0)
		len = 0;
	if (len > (int)sizeof(list))
		len = sizeof(list);
	for (pos = 0; (pos + 3) <= (size_t)len;
	     pos += (3 + 4 * list[pos + 2])) {
		type = ((list[pos] << 8) | list[pos + 1]);
		if (type != dhcp->boot_type || !list[pos + 2] ||
		    (pos + 3 + 4) > (size_t)len)
			continue;
		memcpy(&dhcp->boot_server, &list[pos + 3],
		       sizeof(dhcp->boot_server));
		if (!dhcp->boot_server.s_addr)
			dhcp->boot_server = dhcp->proxy.server;
		break;
	}
}

/**
 * Send the current state's packet
 *
 * @v dhcp		DHCP session
 * @ret rc		Return status code
 */
static int dhcp_tx(struct dhcp_session *dhcp)
{
	struct net_device *netdev = dhcp->netdev;
	struct dhcp_option_writer writer;
	struct xfer_metadata meta;
	struct sockaddr_in dest;
	struct io_buffer *iob;
	struct dhcphdr *hdr;
	uint64_t elapsed_s = ((clock_ms() - dhcp->start_ms) / 1000);
	uint8_t msg_type;
	size_t len;
	int rc;

	iob = xfer_alloc_iob(&dhcp->socket, DHCP_TX_LEN);
	if (!iob)
		return -ENOMEM;
	hdr = iob_put(iob, DHCP_TX_LEN);
	memset(hdr, 0, DHCP_TX_LEN);
	hdr->op = BOOTP_REQUEST;
	hdr->htype = BOOTP_HTYPE_ETHERNET;
	hdr->hlen = ETH_ALEN;
	hdr->xid = dhcp->xid;
	hdr->secs = htons((elapsed_s > 0xffff) ? 0xffff : elapsed_s);
	memcpy(hdr->chaddr, netdev->ll_addr, ETH_ALEN);
	hdr->magic = htonl(DHCP_MAGIC_COOKIE);

	memset(&dest, 0, sizeof(dest));
	dest.sin_family = AF_INET;
	dest.sin_port = htons(BOOTPS_PORT);
	dest.sin_addr.s_addr = INADDR_BROADCAST;
	dest.sin_scope_id = netdev->index;
	msg_type = ((dhcp->state == DHCP_STATE_DISCOVER) ? DHCPDISCOVER
							 : DHCPREQUEST);
	if (dhcp->state == DHCP_STATE_PROXY) {
		/* We have an address now: unicast, and take unicasts */
		hdr->ciaddr = dhcp->offer.address;
		dest.sin_port = htons(PXE_PORT);
		dest.sin_addr = dhcp->boot_server;
	} else {
		hdr->flags = htons(BOOTP_FLAG_BROADCAST);
	}

	dhcp_writer_init(&writer, (hdr + 1), (DHCP_TX_LEN - sizeof(*hdr)));
	if ((rc = dhcp_writer_append_u8(&writer, DHCP_MESSAGE_TYPE,
					msg_type)) != 0)
		goto err;
	if (dhcp->state == DHCP_STATE_REQUEST) {
		if ((rc = dhcp_writer_append(&writer, DHCP_SERVER_IDENTIFIER,
					     &dhcp->offer.server,
					     sizeof(dhcp->offer.server))) !=
			    0 ||
		    (rc = dhcp_writer_append(&writer, DHCP_REQUESTED_ADDRESS,
					     &dhcp->offer.address,
					     sizeof(dhcp->offer.address))) != 0)
			goto err;
	} else if (dhcp->state == DHCP_STATE_PROXY) {
		if ((rc = dhcp_writer_append(&writer, DHCP_SERVER_IDENTIFIER,
					     &dhcp->boot_server,
					     sizeof(dhcp->boot_server))) != 0 ||
		    (rc = dhcp_append_boot_item(&writer, dhcp->boot_type)) != 0)
			goto err;
	}
	if ((rc = dhcp_append_identity(&writer, netdev)) != 0 ||
	    (rc = dhcp_writer_finish(&writer)) != 0)
		goto err;
	len = (sizeof(*hdr) + writer.len);
	if (len < DHCP_MIN_LEN)
		len = DHCP_MIN_LEN;
	iob_unput(iob, (DHCP_TX_LEN - len));

	memset(&meta, 0, sizeof(meta));
	meta.dest = (struct sockaddr *)&dest;
	meta.netdev = netdev;
	return xfer_deliver(&dhcp->socket, iob, &meta);

err:
	iob_free(iob);
	return rc;
}

/**
 * End a session
 *
 * @v dhcp		DHCP session
 * @v rc		Outcome (0 for a lease)
 */
static void dhcp_finish(struct dhcp_session *dhcp, int rc)
{
	if (dhcp->finished)
		return;
	dhcp->finished = 1;
	ref_get(&dhcp->refcnt);
	timer_stop(&dhcp->timer);
	xfer_close(&dhcp->socket, rc);
	xfer_close(&dhcp->job, rc);
	ref_put(&dhcp->refcnt);
}

/**
 * Keep a copy of an offer
 *
 * @v offer		Where to keep it (any older offer is freed)
 * @v data		Packet
 * @v len		Length of packet
 * @ret rc		Return status code
 */
static int dhcp_offer_keep(struct dhcp_offer *offer, const void *data,
			   size_t len)
{
	uint8_t *copy;

	copy = heap_alloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	heap_free(offer->data);
	offer->data = copy;
	offer->len = len;
	return 0;
}

/**
 * Forget an offer
 *
 * @v offer		Offer
 */
static void dhcp_offer_forget(struct dhcp_offer *offer)
{
	heap_free(offer->data);
	memset(offer, 0, sizeof(*offer));
}

/**
 * Enter a state and send its first packet
 *
 * @v dhcp		DHCP session
 * @v state		New state
 */
static void dhcp_enter(struct dhcp_session *dhcp, enum dhcp_state state)
{
	uint64_t now = clock_ms();

	dhcp->state = state;
	dhcp->next_tx_ms = now;
	switch (state) {
	case DHCP_STATE_DISCOVER:
		dhcp->interval_ms = DHCP_DISCOVER_TIMEOUT_MS;
		dhcp->deadline_ms = (dhcp->start_ms + dhcp->discover_total_ms);
		break;
	case DHCP_STATE_REQUEST:
		dhcp->interval_ms = DHCP_REQUEST_TIMEOUT_MS;
		dhcp->deadline_ms = (now + DHCP_REQUEST_TOTAL_MS);
		break;
	case DHCP_STATE_PROXY:
		dhcp->interval_ms = DHCP_PROXY_TIMEOUT_MS;
		dhcp->deadline_ms = (now + DHCP_PROXY_TOTAL_MS);
		dhcp_choose_boot_item(dhcp);
		break;
	}
	dhcp_step(dhcp);
}

/**
 * Test whether discovery can stop waiting and request the offer
 *
 * @v dhcp		DHCP session
 * @v now		Current time
 * @ret ready		Request the offer now
 */
static int dhcp_discover_ready(struct dhcp_session *dhcp, uint64_t now)
{
	if (!dhcp->offer.data)
		return 0;
	if (dhcp->proxy.data)
		return 1;
	if (dhcp->offer.flags &
	    (DHCP_OFFER_BOOT_FILE | DHCP_OFFER_PXE | DHCP_OFFER_NO_PXEDHCP))
		return 1;
	return ((now - dhcp->start_ms) >= DHCP_PROXY_WAIT_MS);
}

/**
 * Finish with the proxyDHCP answer we have (its ACK, or its offer)
 *
 * @v dhcp		DHCP session
 * @v data		Packet
 * @v len		Length of packet
 */
static void dhcp_proxy_done(struct dhcp_session *dhcp, const void *data,
			    size_t len)
{
	struct dhcp_settings *proxyset;
	int rc;

	rc = dhcp_settings_register(dhcp->netdev, "proxydhcp", data, len,
				    &proxyset);
	if (rc != 0) {
		dhcp_finish(dhcp, rc);
		return;
	}
	dhcp_settings_boot_from(dhcp->lease, proxyset);
	dhcp_settings_put(proxyset);
	dhcp_finish(dhcp, 0);
}

/**
 * The current state ran out of time
 *
 * @v dhcp		DHCP session
 */
static void dhcp_expired(struct dhcp_session *dhcp)
{
	switch (dhcp->state) {
	case DHCP_STATE_DISCOVER:
		dhcp_finish(dhcp, -ETIMEDOUT_DISCOVER);
		break;
	case DHCP_STATE_REQUEST:
		dhcp_finish(dhcp, -ETIMEDOUT_REQUEST);
		break;
	case DHCP_STATE_PROXY:
		/* The proxyDHCP offer is as good as its ACK for us */
		dhcp_proxy_done(dhcp, dhcp->proxy.data, dhcp->proxy.len);
		break;
	}
}

/**
 * Do what is due: move on, give up, or retransmit; then set the timer
 *
 * @v dhcp		DHCP session
 */
static void dhcp_step(struct dhcp_session *dhcp)
{
	uint64_t now = clock_ms();
	uint64_t wake;
	uint64_t proxy_deadline;

	if (dhcp->finished)
		return;
	if (dhcp->state == DHCP_STATE_DISCOVER &&
	    dhcp_discover_ready(dhcp, now)) {
		dhcp_enter(dhcp, DHCP_STATE_REQUEST);
		return;
	}
	if (now >= dhcp->deadline_ms) {
		dhcp_expired(dhcp);
		return;
	}
	if (now >= dhcp->next_tx_ms) {
		/* A failed send is retried like a lost one */
		dhcp_tx(dhcp);
		dhcp->next_tx_ms = (now + dhcp->interval_ms);
		dhcp->interval_ms *= 2;
		if (dhcp->interval_ms > DHCP_MAX_TIMEOUT_MS)
			dhcp->interval_ms = DHCP_MAX_TIMEOUT_MS;
	}
	wake = min(dhcp->next_tx_ms, dhcp->deadline_ms);
	if (dhcp->state == DHCP_STATE_DISCOVER && dhcp->offer.data) {
		proxy_deadline = (dhcp->start_ms + DHCP_PROXY_WAIT_MS);
		wake = min(wake, proxy_deadline);
	}
	timer_start(&dhcp->timer, ((wake > now) ? (wake - now) : 0));
}

/**
 * The timer expired
 *
 * @v timer		Timer
 */
static void dhcp_timer_expired(struct timer *timer)
{
	struct dhcp_session *dhcp =
		container_of(timer, struct dhcp_session, timer);

	ref_get(&dhcp->refcnt);
	dhcp_step(dhcp);
	ref_put(&dhcp->refcnt);
}

/**
 * Read an offer's properties
 *
 * @v packet		Parsed packet
 * @v offer		Offer to fill in (priority and flags)
 */
static void dhcp_offer_describe(const struct dhcp_packet *packet,
				struct dhcp_offer *offer)
{
	static const char pxe_class[] = "PXEClient";
	char vendor_class[sizeof(pxe_class) - 1];
	int8_t priority = 0;
	uint8_t no_pxedhcp = 0;
	int len;

	offer->flags = 0;
	if (dhcp_packet_has_boot_file(packet))
		offer->flags |= DHCP_OFFER_BOOT_FILE;
	len = dhcp_packet_option(packet, DHCP_VENDOR_CLASS_ID, vendor_class,
				 sizeof(vendor_class));
	if (len >= (int)sizeof(vendor_class) &&
	    memcmp(vendor_class, pxe_class, sizeof(vendor_class)) == 0)
		offer->flags |= DHCP_OFFER_PXE;
	if (dhcp_packet_fetch(packet,
			      DHCP_ENCAP_TAG(DHCP_EB_ENCAP, DHCP_EB_NO_PXEDHCP),
			      &no_pxedhcp, sizeof(no_pxedhcp)) > 0 &&
	    no_pxedhcp)
		offer->flags |= DHCP_OFFER_NO_PXEDHCP;
	dhcp_packet_fetch(packet,
			  DHCP_ENCAP_TAG(DHCP_EB_ENCAP, DHCP_EB_PRIORITY),
			  &priority, sizeof(priority));
	offer->priority = priority;
}

/**
 * Receive an offer
 *
 * @v dhcp		DHCP session
 * @v packet		Parsed packet
 * @v server		Server identifier
 */
static void dhcp_rx_offer(struct dhcp_session *dhcp,
			  const struct dhcp_packet *packet,
			  struct in_addr server)
{
	struct dhcp_offer described;
	struct dhcp_offer *offer;

	memset(&described, 0, sizeof(described));
	dhcp_offer_describe(packet, &described);
	if (packet->hdr->yiaddr.s_addr) {
		/* An address offer, useful only while discovering */
		if (dhcp->state != DHCP_STATE_DISCOVER)
			goto ignore;
		offer = &dhcp->offer;
	} else if (described.flags & DHCP_OFFER_PXE) {
		offer = &dhcp->proxy;
	} else {
		goto ignore;
	}
	/* The first offer wins unless a later one has a higher priority */
	if (offer->data && described.priority <= offer->priority)
		goto ignore;
	if (dhcp_offer_keep(offer, packet->hdr, packet->len) != 0)
		goto ignore;
	offer->server = server;
	offer->address = packet->hdr->yiaddr;
	offer->priority = described.priority;
	offer->flags = described.flags;
	dhcp_stats.rx_used++;
	if (dhcp->state == DHCP_STATE_DISCOVER)
		dhcp_step(dhcp);
	return;

ignore:
	dhcp_stats.rx_ignored++;
}

/**
 * Receive an ACK or NAK for our request
 *
 * @v dhcp		DHCP session
 * @v packet		Parsed packet
 * @v server		Server identifier
 */
static void dhcp_rx_answer(struct dhcp_session *dhcp,
			   const struct dhcp_packet *packet,
			   struct in_addr server)
{
	int rc;

	if (server.s_addr != dhcp->offer.server.s_addr) {
		dhcp_stats.rx_ignored++;
		return;
	}
	if (packet->msg_type == DHCPNAK) {
		dhcp_stats.rx_used++;
		if (++dhcp->restarts > DHCP_MAX_RESTARTS) {
			dhcp_finish(dhcp, -ECONNREFUSED_NAK);
			return;
		}
		dhcp_offer_forget(&dhcp->offer);
		dhcp_enter(dhcp, DHCP_STATE_DISCOVER);
		return;
	}
	if (!packet->hdr->yiaddr.s_addr) {
		dhcp_stats.rx_ignored++;
		return;
	}
	dhcp_stats.rx_used++;
	/* Registering the block gives the device its address */
	dhcp->offer.address = packet->hdr->yiaddr;
	dhcp_settings_unregister(dhcp->netdev, "proxydhcp");
	rc = dhcp_settings_register(dhcp->netdev, "dhcp", packet->hdr,
				    packet->len, &dhcp->lease);
	if (rc != 0) {
		dhcp_finish(dhcp, rc);
		return;
	}
	if (dhcp->proxy.data)
		dhcp_enter(dhcp, DHCP_STATE_PROXY);
	else
		dhcp_finish(dhcp, 0);
}

/**
 * Receive the proxyDHCP server's ACK
 *
 * @v dhcp		DHCP session
 * @v packet		Parsed packet
 * @v server		Server identifier
 */
static void dhcp_rx_proxy_answer(struct dhcp_session *dhcp,
				 const struct dhcp_packet *packet,
				 struct in_addr server)
{
	if (server.s_addr != dhcp->proxy.server.s_addr &&
	    server.s_addr != dhcp->boot_server.s_addr) {
		dhcp_stats.rx_ignored++;
		return;
	}
	dhcp_stats.rx_used++;
	dhcp_proxy_done(dhcp, packet->hdr, packet->len);
}

/**
 * Receive a packet
 *
 * @v dhcp		DHCP session
 * @v data		Packet
 * @v len		Length of packet
 * @v src		Source address, or NULL
 */
static void dhcp_rx(struct dhcp_session *dhcp, const void *data, size_t len,
		    const struct sockaddr_in *src)
{
	struct net_device *netdev = dhcp->netdev;
	struct dhcp_packet packet;
	struct in_addr server = { 0 };
	const struct dhcphdr *hdr;

	if (dhcp_packet_parse(&packet, data, len) != 0) {
		dhcp_stats.rx_malformed++;
		return;
	}
	hdr = packet.hdr;
	if (hdr->op != BOOTP_REPLY || hdr->xid != dhcp->xid ||
	    hdr->hlen != ETH_ALEN ||
	    memcmp(hdr->chaddr, netdev->ll_addr, ETH_ALEN) != 0 ||
	    dhcp->finished)
		goto ignore;
	if (dhcp_packet_option(&packet, DHCP_SERVER_IDENTIFIER, &server,
			       sizeof(server)) != sizeof(server)) {
		/* Servers must identify themselves; trust the source */
		server.s_addr = 0;
		if (src)
			server = src->sin_addr;
	}
	if (!server.s_addr)
		goto ignore;

	switch (packet.msg_type) {
	case DHCPOFFER:
		if (dhcp->state == DHCP_STATE_PROXY)
			goto ignore;
		dhcp_rx_offer(dhcp, &packet, server);
		return;
	case DHCPACK:
	case DHCPNAK:
		if (dhcp->state == DHCP_STATE_REQUEST) {
			dhcp_rx_answer(dhcp, &packet, server);
			return;
		}
		if (dhcp->state == DHCP_STATE_PROXY &&
		    packet.msg_type == DHCPACK) {
			dhcp_rx_proxy_answer(dhcp, &packet, server);
			return;
		}
		goto ignore;
	default:
		goto ignore;
	}

ignore:
	dhcp_stats.rx_ignored++;
}

/**
 * Receive a datagram from the socket
 *
 * @v xfer		Socket endpoint
 * @v iob		Datagram (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		Return status code
 */
static int dhcp_socket_deliver(struct xfer *xfer, struct io_buffer *iob,
			       struct xfer_metadata *meta)
{
	struct dhcp_session *dhcp =
		container_of(xfer, struct dhcp_session, socket);
	const struct sockaddr_in *src = NULL;

	if (meta && meta->src && meta->src->sa_family == AF_INET)
		src = (const struct sockaddr_in *)meta->src;
	dhcp_rx(dhcp, iob->data, iob_len(iob), src);
	iob_free(iob);
	return 0;
}

/**
 * The socket closed under us
 *
 * @v xfer		Socket endpoint
 * @v rc		Reason
 */
static void dhcp_socket_close(struct xfer *xfer, int rc)
{
	struct dhcp_session *dhcp =
		container_of(xfer, struct dhcp_session, socket);

	dhcp_finish(dhcp, (rc ? rc : -ENOTCONN_SOCKET));
}

/** What the socket can do to a session */
static const struct xfer_operations dhcp_socket_operations = {
	.deliver = dhcp_socket_deliver,
	.close = dhcp_socket_close,
};

/**
 * The caller closed the job (cancelled)
 *
 * @v xfer		Job endpoint
 * @v rc		Reason
 */
static void dhcp_job_close(struct xfer *xfer, int rc)
{
	struct dhcp_session *dhcp =
		container_of(xfer, struct dhcp_session, job);

	dhcp_finish(dhcp, (rc ? rc : -ECANCELED));
}

/** What the caller can do to a session */
static const struct xfer_operations dhcp_job_operations = {
	.close = dhcp_job_close,
};

/**
 * Free a session
 *
 * @v refcnt		Reference counter
 */
static void dhcp_free(struct refcnt *refcnt)
{
	struct dhcp_session *dhcp =
		container_of(refcnt, struct dhcp_session, refcnt);

	timer_stop(&dhcp->timer);
	dhcp_offer_forget(&dhcp->offer);
	dhcp_offer_forget(&dhcp->proxy);
	dhcp_settings_put(dhcp->lease);
	netdev_put(dhcp->netdev);
	heap_free(dhcp);
}

/**
 * Read how long DISCOVER may take
 *
 * @ret total_ms	Time allowed
 */
static unsigned long dhcp_discover_total(void)
{
	unsigned long seconds;

	seconds = setting_uint_bounded(&dhcp_timeout_setting, 0,
				       DHCP_TIMEOUT_MAX_S);
	return (seconds ? (seconds * 1000) : DHCP_DISCOVER_TOTAL_MS);
}

/**
 * Start DHCP on a device, opening the socket a given way
 *
 * @v job		Endpoint to plug the session into; it is closed with
 *			the outcome (0 once the lease is in the settings)
 * @v netdev		Network device (open)
 * @v socket_open	How to open the UDP socket
 * @ret rc		Return status code
 */
int dhcp_start_with(struct xfer *job, struct net_device *netdev,
		    dhcp_socket_open_t socket_open)
{
	struct dhcp_session *dhcp;
	struct sockaddr_in peer;
	struct sockaddr_in local;
	int rc;

	dhcp = heap_zalloc(sizeof(*dhcp));
	if (!dhcp)
		return -ENOMEM;
	ref_init(&dhcp->refcnt, dhcp_free);
	xfer_init(&dhcp->job, &dhcp_job_operations, &dhcp->refcnt);
	xfer_init(&dhcp->socket, &dhcp_socket_operations, &dhcp->refcnt);
	timer_init(&dhcp->timer, dhcp_timer_expired);
	dhcp->netdev = netdev_get(netdev);
	dhcp->xid = dhcp_make_xid(netdev);
	dhcp->start_ms = clock_ms();
	dhcp->discover_total_ms = dhcp_discover_total();

	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_port = htons(BOOTPS_PORT);
	peer.sin_addr.s_addr = INADDR_BROADCAST;
	peer.sin_scope_id = netdev->index;
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons(BOOTPC_PORT);
	local.sin_scope_id = netdev->index;
	if ((rc = socket_open(&dhcp->socket, SOCK_DGRAM,
			      (struct sockaddr *)&peer,
			      (struct sockaddr *)&local)) != 0)
		goto err;

	xfer_plug(&dhcp->job, job);
	dhcp_enter(dhcp, DHCP_STATE_DISCOVER);
	ref_put(&dhcp->refcnt);
	return 0;

err:
	dhcp->finished = 1;
	xfer_close(&dhcp->socket, rc);
	ref_put(&dhcp->refcnt);
	return rc;
}

/**
 * Start DHCP on a device
 *
 * @v job		Endpoint to plug the session into; it is closed with
 *			the outcome (0 once the lease is in the settings)
 * @v netdev		Network device (open)
 * @ret rc		Return status code
 */
int dhcp_start(struct xfer *job, struct net_device *netdev)
{
	return dhcp_start_with(job, netdev, xfer_open_socket);
}

/** What dhcp_configure() waits on */
struct dhcp_waiter {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint the session is plugged into */
	struct xfer job;
	/** Outcome */
	int rc;
	/** The session has ended */
	int done;
};

/**
 * The session ended
 *
 * @v xfer		Job endpoint
 * @v rc		Outcome
 */
static void dhcp_waiter_close(struct xfer *xfer, int rc)
{
	struct dhcp_waiter *waiter =
		container_of(xfer, struct dhcp_waiter, job);

	waiter->rc = rc;
	waiter->done = 1;
}

/** What a session can do to its waiter */
static const struct xfer_operations dhcp_waiter_operations = {
	.close = dhcp_waiter_close,
};

/** Interval between progress dots */
#define DHCP_PROGRESS_INTERVAL_MS 1000

/**
 * Wait for a device's link, printing progress
 *
 * @v netdev		Network device
 * @v last_dot		Time of the last progress dot (updated)
 * @ret rc		Return status code
 */
static int dhcp_wait_link(struct net_device *netdev, uint64_t *last_dot)
{
	uint64_t start = clock_ms();
	int rc;

	while (!netdev_link_ok(netdev)) {
		if ((clock_ms() - start) >= DHCP_LINK_WAIT_MS)
			return (netdev->link_rc ? netdev->link_rc
						: -ENETDOWN_LINK);
		if ((rc = wait_check_cancel()) != 0)
			return rc;
		step();
		platform_idle();
		if ((clock_ms() - *last_dot) >= DHCP_PROGRESS_INTERVAL_MS) {
			printf(".");
			*last_dot = clock_ms();
		}
	}
	return 0;
}

/**
 * Configure a device with DHCP, as a command or autoboot does
 *
 * Opens the device, waits for its link (at most DHCP_LINK_WAIT_MS),
 * runs DHCP and prints one line:
 *
 *     Configuring (net0 52:54:00:12:34:56)...... ok
 *
 * or the same line ending with the error.  Ctrl-C cancels.
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
int dhcp_configure(struct net_device *netdev)
{
	struct dhcp_waiter *waiter;
	uint64_t last_dot;
	int rc;

	printf("Configuring (%s %s)", netdev->name, eth_ntoa(netdev->ll_addr));
	last_dot = clock_ms();
	if ((rc = netdev_open(netdev)) != 0)
		goto err_open;
	if ((rc = dhcp_wait_link(netdev, &last_dot)) != 0)
		goto err_link;

	waiter = heap_zalloc(sizeof(*waiter));
	if (!waiter) {
		rc = -ENOMEM;
		goto err_alloc;
	}
	ref_init(&waiter->refcnt, NULL);
	xfer_init(&waiter->job, &dhcp_waiter_operations, &waiter->refcnt);
	if ((rc = dhcp_start(&waiter->job, netdev)) != 0)
		goto err_start;
	while (!waiter->done) {
		if ((rc = wait_check_cancel()) != 0) {
			xfer_close(&waiter->job, rc);
			waiter->rc = rc;
			break;
		}
		step();
		platform_idle();
		if ((clock_ms() - last_dot) >= DHCP_PROGRESS_INTERVAL_MS) {
			printf(".");
			last_dot = clock_ms();
		}
	}
	rc = waiter->rc;
	if (rc != 0)
		goto err_dhcp;
	ref_put(&waiter->refcnt);
	printf(" ok\n");
	return 0;

err_dhcp:
err_start:
	ref_put(&waiter->refcnt);
err_alloc:
err_link:
err_open:
	printf(" ");
	error_print(rc, netdev->name);
	return rc;
}

/**
 * Print what DHCP configured on a device
 *
 *     net0: 192.0.2.50/255.255.255.0 gw 192.0.2.1 (lease 3600 s)
 *     net0: next server 192.0.2.1, filename "pxelinux.0"
 *
 * @v netdev		Network device
 */
void dhcp_print_result(struct net_device *netdev)
{
	struct settings *settings = netdev_settings(netdev);
	struct setting setting;
	struct in_addr ip = { 0 };
	struct in_addr netmask = { 0 };
	struct in_addr gateway = { 0 };
	struct in_addr next_server = { 0 };
	char filename[128];
	unsigned long lease_s = 0;
	char text[16];

	if (!settings)
		return;
	setting = ip_setting;
	if (setting_fetch_ipv4(settings, &setting, &ip) < 0)
		return;
	setting = netmask_setting;
	setting_fetch_ipv4(settings, &setting, &netmask);
	setting = gateway_setting;
	setting_fetch_ipv4(settings, &setting, &gateway);
	memset(&setting, 0, sizeof(setting));
	setting.tag = DHCP_LEASE_TIME;
	setting.type = &setting_type_uint32;
	setting_fetch_uint(settings, &setting, &lease_s);

	snprintf(text, sizeof(text), "%s", inet_ntoa(netmask));
	printf("%s: %s/%s", netdev->name, inet_ntoa(ip), text);
	if (gateway.s_addr)
		printf(" gw %s", inet_ntoa(gateway));
	if (lease_s)
		printf(" (lease %lu s)", lease_s);
	printf("\n");

	setting = filename_setting;
	if (setting_fetch_string(settings, &setting, filename,
				 sizeof(filename)) > 0) {
		setting = next_server_setting;
		if (setting_fetch_ipv4(settings, &setting, &next_server) >= 0)
			printf("%s: next server %s, ", netdev->name,
			       inet_ntoa(next_server));
		else
			printf("%s: ", netdev->name);
		printf("filename \"%s\"\n", filename);
	}
}
