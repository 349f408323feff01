/** @file
 *
 * Unit tests: DHCP options (building, parsing, hostile packets) and the
 * DHCP client's state machine, fed crafted packets through a stand-in
 * socket
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/net_dummy.h"
#include "net/dhcp.h"
#include "net/dhcp_options.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/process.h"
#include "core/settings.h"
#include "core/string.h"
#include "core/xfer.h"

/** Room for any packet in these tests */
#define DHCP_TEST_LEN 1024

/**
 * Start a packet: a BOOTP header with the magic cookie
 *
 * @v buf		Buffer (DHCP_TEST_LEN)
 * @v writer		Option writer to set up after the header
 * @ret hdr		Header
 */
static struct dhcphdr *dhcp_test_header(uint8_t *buf,
					struct dhcp_option_writer *writer)
{
	struct dhcphdr *hdr = (struct dhcphdr *)buf;

	memset(buf, 0, DHCP_TEST_LEN);
	hdr->op = BOOTP_REPLY;
	hdr->htype = BOOTP_HTYPE_ETHERNET;
	hdr->hlen = ETH_ALEN;
	hdr->magic = htonl(DHCP_MAGIC_COOKIE);
	dhcp_writer_init(writer, (hdr + 1), (DHCP_TEST_LEN - sizeof(*hdr)));
	return hdr;
}

/** Options are appended, split when long, and never overflow */
UNIT_TEST(dhcp_writer_bounds)
{
	struct dhcp_option_writer writer;
	uint8_t buf[600];
	uint8_t data[300];
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i;
	dhcp_writer_init(&writer, buf, sizeof(buf));
	ok(dhcp_writer_append_u8(&writer, DHCP_MESSAGE_TYPE, DHCPDISCOVER) ==
	   0);
	ok(writer.len == 3 && buf[0] == 53 && buf[1] == 1 && buf[2] == 1);
	/* 300 bytes become 255 + 45 under the same tag (RFC 3396) */
	ok(dhcp_writer_append(&writer, 43, data, sizeof(data)) == 0);
	ok(writer.len == (3 + 2 + 255 + 2 + 45));
	ok(buf[3] == 43 && buf[4] == 255 && buf[5 + 255] == 43 &&
	   buf[6 + 255] == 45 && buf[7 + 255] == 255);
	/* An empty option is two bytes */
	ok(dhcp_writer_append(&writer, 80, NULL, 0) == 0);
	ok(writer.len == 309);
	/* Pad and end are not options; neither are values past 255 */
	ok(dhcp_writer_append(&writer, DHCP_PAD, data, 1) < 0);
	ok(dhcp_writer_append(&writer, DHCP_END, data, 1) < 0);
	ok(dhcp_writer_append(&writer, 300, data, 1) < 0);

	/* Full: nothing is written, one byte stays for END */
	dhcp_writer_init(&writer, buf, 10);
	ok(dhcp_writer_append(&writer, 12, data, 8) < 0);
	ok(writer.len == 0);
	ok(dhcp_writer_append(&writer, 12, data, 7) == 0);
	ok(writer.len == 9);
	ok(dhcp_writer_append(&writer, 12, NULL, 0) < 0);
	ok(dhcp_writer_finish(&writer) == 0);
	ok(writer.len == 10 && buf[9] == DHCP_END);
	ok(dhcp_writer_finish(&writer) < 0);
	/* Lengths that would wrap are refused */
	dhcp_writer_init(&writer, buf, sizeof(buf));
	ok(dhcp_writer_append(&writer, 12, data, ~(size_t)0) < 0);
	ok(writer.len == 0);
}

/** A well-formed packet: options, split options, fields, fallbacks */
UNIT_TEST(dhcp_packet_lookup)
{
	static const uint8_t eb[] = { 1, 1, 0xfb, 176, 1, 1, 19, 1, 1 };
	uint8_t buf[DHCP_TEST_LEN];
	struct dhcp_option_writer writer;
	struct dhcp_packet packet;
	struct dhcphdr *hdr = dhcp_test_header(buf, &writer);
	char text[300];
	uint8_t value[4];
	uint8_t big[400];
	unsigned int i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (i * 7);
	hdr->yiaddr = net_dummy_addr("192.0.2.50");
	hdr->siaddr = net_dummy_addr("192.0.2.1");
	strlcpy(hdr->file, "from-file-field", sizeof(hdr->file));
	strlcpy(hdr->sname, "server-name", sizeof(hdr->sname));
	ok(dhcp_writer_append_u8(&writer, DHCP_MESSAGE_TYPE, DHCPACK) == 0);
	ok(dhcp_writer_append(&writer, DHCP_HOST_NAME, "client", 6) == 0);
	ok(dhcp_writer_append(&writer, 224, big, sizeof(big)) == 0);
	ok(dhcp_writer_append(&writer, DHCP_EB_ENCAP, eb, sizeof(eb)) == 0);
	ok(dhcp_writer_finish(&writer) == 0);

	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + writer.len) == 0);
	ok(packet.msg_type == DHCPACK);
	ok(packet.num_areas == 1);
	ok(dhcp_packet_fetch(&packet, DHCP_HOST_NAME, text, sizeof(text)) == 6);
	ok(memcmp(text, "client", 6) == 0);
	/* The length without a buffer, then a short buffer */
	ok(dhcp_packet_fetch(&packet, 224, NULL, 0) == (int)sizeof(big));
	ok(dhcp_packet_fetch(&packet, 224, text, 10) == (int)sizeof(big));
	ok(memcmp(text, big, 10) == 0);
	ok(dhcp_packet_fetch(&packet, 224, text, sizeof(text)) ==
	   (int)sizeof(big));
	ok(memcmp(text, big, sizeof(text)) == 0);
	/* Absent options */
	ok(ERROR_IS(dhcp_packet_fetch(&packet, 99, text, sizeof(text)),
		    ENOENT));
	ok(ERROR_IS(dhcp_packet_fetch(&packet, 0, text, sizeof(text)), ENOENT));
	/* BOOTP fields, and the fallbacks of 67 and 66 to them */
	ok(dhcp_packet_fetch(&packet, DHCP_TAG_YIADDR, value, 4) == 4);
	ok(memcmp(value, "\xc0\x00\x02\x32", 4) == 0);
	ok(dhcp_packet_fetch(&packet, DHCP_TAG_SIADDR, value, 4) == 4);
	memset(text, 0, sizeof(text));
	ok(dhcp_packet_fetch(&packet, DHCP_BOOTFILE_NAME, text, sizeof(text)) ==
	   15);
	ok(strcmp(text, "from-file-field") == 0);
	memset(text, 0, sizeof(text));
	ok(dhcp_packet_fetch(&packet, DHCP_TFTP_SERVER_NAME, text,
			     sizeof(text)) == 11);
	ok(strcmp(text, "server-name") == 0);
	ok(dhcp_packet_has_boot_file(&packet));
	/* Encapsulated options */
	ok(dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(175, 1), value, 4) == 1);
	ok(value[0] == 0xfb);
	ok(dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(175, 176), value, 4) == 1);
	ok(dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(175, 19), value, 4) == 1);
	ok(ERROR_IS(
		dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(175, 20), value, 4),
		ENOENT));
	ok(ERROR_IS(dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(43, 1), value, 4),
		    ENOENT));
	ok(ERROR_IS(dhcp_packet_fetch(&packet, 0x1000000, value, 4), ENOENT));
}

/** Option overload: the file and sname fields hold options */
UNIT_TEST(dhcp_packet_overload)
{
	uint8_t buf[DHCP_TEST_LEN];
	struct dhcp_option_writer writer;
	struct dhcp_packet packet;
	struct dhcphdr *hdr = dhcp_test_header(buf, &writer);
	uint8_t *file = (uint8_t *)hdr->file;
	uint8_t *sname = (uint8_t *)hdr->sname;
	char text[64];
	size_t len;

	ok(dhcp_writer_append_u8(&writer, DHCP_MESSAGE_TYPE, DHCPOFFER) == 0);
	ok(dhcp_writer_append_u8(&writer, DHCP_OPTION_OVERLOAD, 3) == 0);
	ok(dhcp_writer_append(&writer, DHCP_HOST_NAME, "ab", 2) == 0);
	ok(dhcp_writer_finish(&writer) == 0);
	len = (sizeof(*hdr) + writer.len);
	/* file: the boot file name, the rest of the host name, and an
	 * overload option that must be ignored there */
	file[0] = DHCP_BOOTFILE_NAME;
	file[1] = 4;
	memcpy(&file[2], "boot", 4);
	file[6] = DHCP_HOST_NAME;
	file[7] = 2;
	memcpy(&file[8], "cd", 2);
	file[10] = DHCP_OPTION_OVERLOAD;
	file[11] = 1;
	file[12] = 2;
	file[13] = DHCP_END;
	/* sname: the host name's last part, then padding */
	sname[0] = DHCP_PAD;
	sname[1] = DHCP_HOST_NAME;
	sname[2] = 1;
	sname[3] = 'e';

	ok(dhcp_packet_parse(&packet, buf, len) == 0);
	ok(packet.num_areas == 3);
	ok(packet.overload == 3);
	memset(text, 0, sizeof(text));
	ok(dhcp_packet_fetch(&packet, DHCP_HOST_NAME, text, sizeof(text)) == 5);
	ok(strcmp(text, "abcde") == 0);
	memset(text, 0, sizeof(text));
	ok(dhcp_packet_fetch(&packet, DHCP_BOOTFILE_NAME, text, sizeof(text)) ==
	   4);
	ok(strcmp(text, "boot") == 0);
	/* The overloaded fields are not names */
	ok(ERROR_IS(
		dhcp_packet_fetch(&packet, DHCP_TAG_FILE, text, sizeof(text)),
		ENOENT));
	ok(ERROR_IS(
		dhcp_packet_fetch(&packet, DHCP_TAG_SNAME, text, sizeof(text)),
		ENOENT));

	/* An overload value out of range is malformed */
	buf[sizeof(*hdr) + 5] = 4;
	ok(dhcp_packet_parse(&packet, buf, len) < 0);
	buf[sizeof(*hdr) + 5] = 0;
	ok(dhcp_packet_parse(&packet, buf, len) < 0);
	buf[sizeof(*hdr) + 5] = 1;
	ok(dhcp_packet_parse(&packet, buf, len) == 0);
	ok(packet.num_areas == 2);
	/* A bad option in an overloaded field is malformed */
	file[1] = 200;
	ok(dhcp_packet_parse(&packet, buf, len) < 0);
}

/** Malformed packets are refused, never read past their end */
UNIT_TEST(dhcp_packet_hostile)
{
	uint8_t buf[DHCP_TEST_LEN];
	struct dhcp_option_writer writer;
	struct dhcp_packet packet;
	struct dhcphdr *hdr = dhcp_test_header(buf, &writer);
	uint8_t *options = (uint8_t *)(hdr + 1);
	uint8_t *copy;
	uint32_t seed = 12345;
	unsigned int i;
	unsigned int j;
	size_t len;

	/* Too short, no cookie, too long, bad hardware length */
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) - 1) < 0);
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr)) == 0);
	ok(packet.msg_type == 0);
	hdr->magic = 0;
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr)) < 0);
	hdr->magic = htonl(DHCP_MAGIC_COOKIE);
	ok(dhcp_packet_parse(&packet, buf, DHCP_MAX_LEN + 1) < 0);
	hdr->hlen = 17;
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr)) < 0);
	hdr->hlen = ETH_ALEN;

	/* An option whose length runs past the end */
	options[0] = DHCP_HOST_NAME;
	options[1] = 10;
	memcpy(&options[2], "abc", 3);
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 5) < 0);
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 12) == 0);
	/* A tag with no length byte */
	options[0] = DHCP_HOST_NAME;
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 1) < 0);
	/* Pads only, and an END with rubbish after it, are fine */
	memset(options, DHCP_PAD, 20);
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 20) == 0);
	options[3] = DHCP_END;
	options[4] = DHCP_HOST_NAME;
	options[5] = 200;
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 6) == 0);
	/* A message type of the wrong length */
	options[0] = DHCP_MESSAGE_TYPE;
	options[1] = 2;
	options[2] = 1;
	options[3] = 1;
	options[4] = DHCP_END;
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 5) < 0);
	/* Encapsulated options that run past their option */
	options[0] = DHCP_EB_ENCAP;
	options[1] = 3;
	options[2] = 1;
	options[3] = 9;
	options[4] = 1;
	options[5] = DHCP_END;
	ok(dhcp_packet_parse(&packet, buf, sizeof(*hdr) + 6) == 0);
	ok(ERROR_IS(dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(175, 1), NULL, 0),
		    ENOENT));

	/* Random options, each packet in a buffer of exactly its size so
	 * that the sanitizer sees any read past the end */
	for (i = 0; i < 2000; i++) {
		len = (sizeof(*hdr) + (i % 300));
		for (j = sizeof(*hdr); j < len; j++) {
			seed = (seed * 1103515245 + 12345);
			buf[j] = (seed >> 16);
			if ((seed & 0x30000) == 0)
				buf[j] = (seed & 1) ? DHCP_OPTION_OVERLOAD : 3;
		}
		copy = heap_alloc(len);
		if (!copy)
			continue;
		memcpy(copy, buf, len);
		if (dhcp_packet_parse(&packet, copy, len) == 0) {
			dhcp_packet_fetch(&packet, DHCP_BOOTFILE_NAME, NULL, 0);
			dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(175, 1), NULL,
					  0);
			dhcp_packet_fetch(&packet, DHCP_TAG_FILE, NULL, 0);
		}
		heap_free(copy);
	}
}

/** The stand-in socket a session under test talks to */
struct dhcp_test_socket {
	/** Endpoint plugged into the session */
	struct xfer xfer;
	/** Packets the session sent */
	unsigned int count;
	/** The last one */
	uint8_t last[DHCP_TEST_LEN];
	/** Its length */
	size_t last_len;
	/** Where it was sent */
	struct sockaddr_in dest;
	/** The peer the socket was opened with */
	struct sockaddr_in peer;
	/** The local address it was opened with */
	struct sockaddr_in local;
	/** The session closed the socket */
	int closed;
};

/** The stand-in socket */
static struct dhcp_test_socket dhcp_test_sock;

/**
 * Record a packet the session sends
 *
 * @v xfer		Socket endpoint
 * @v iob		Packet (freed)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int dhcp_test_sock_deliver(struct xfer *xfer, struct io_buffer *iob,
				  struct xfer_metadata *meta)
{
	struct dhcp_test_socket *sock = &dhcp_test_sock;

	sock->count++;
	sock->last_len = iob_len(iob);
	if (sock->last_len > sizeof(sock->last))
		sock->last_len = sizeof(sock->last);
	memcpy(sock->last, iob->data, sock->last_len);
	memset(&sock->dest, 0, sizeof(sock->dest));
	if (meta && meta->dest)
		memcpy(&sock->dest, meta->dest, sizeof(sock->dest));
	iob_free(iob);
	return 0;
}

/**
 * Note that the session closed the socket
 *
 * @v xfer		Socket endpoint
 * @v rc		Reason
 */
static void dhcp_test_sock_close(struct xfer *xfer, int rc)
{
	dhcp_test_sock.closed = 1;
}

/** What the session can do to the stand-in socket */
static const struct xfer_operations dhcp_test_sock_operations = {
	.deliver = dhcp_test_sock_deliver,
	.close = dhcp_test_sock_close,
};

/**
 * Open the stand-in socket (in place of xfer_open_socket())
 *
 * @v parent		Session's socket endpoint
 * @v semantics		Socket semantics
 * @v peer		Peer
 * @v local		Local address
 * @ret rc		Return status code
 */
static int dhcp_test_sock_open(struct xfer *parent, int semantics,
			       struct sockaddr *peer, struct sockaddr *local)
{
	struct dhcp_test_socket *sock = &dhcp_test_sock;

	memset(sock, 0, sizeof(*sock));
	xfer_init(&sock->xfer, &dhcp_test_sock_operations, NULL);
	memcpy(&sock->peer, peer, sizeof(sock->peer));
	if (local)
		memcpy(&sock->local, local, sizeof(sock->local));
	xfer_plug(&sock->xfer, parent);
	return (semantics == SOCK_DGRAM) ? 0 : -EINVAL;
}

/** The caller's end of a session */
struct dhcp_test_job {
	/** Endpoint */
	struct xfer xfer;
	/** The session ended */
	int closed;
	/** Its outcome */
	int rc;
};

/**
 * Note the end of a session
 *
 * @v xfer		Job endpoint
 * @v rc		Outcome
 */
static void dhcp_test_job_close(struct xfer *xfer, int rc)
{
	struct dhcp_test_job *job =
		container_of(xfer, struct dhcp_test_job, xfer);

	job->closed = 1;
	job->rc = rc;
}

/** What a session can do to the test's job */
static const struct xfer_operations dhcp_test_job_operations = {
	.close = dhcp_test_job_close,
};

/**
 * Start a session on a device with the stand-in socket
 *
 * @v job		Job to fill in
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int dhcp_test_start(struct dhcp_test_job *job, struct net_device *netdev)
{
	memset(job, 0, sizeof(*job));
	xfer_init(&job->xfer, &dhcp_test_job_operations, NULL);
	return dhcp_start_with(&job->xfer, netdev, dhcp_test_sock_open);
}

/**
 * Read an option from the last packet the session sent
 *
 * @v tag		Tag
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret total		Length of the option, or a negative error
 */
static int dhcp_test_sent_option(unsigned int tag, void *buf, size_t len)
{
	struct dhcp_packet packet;
	int rc;

	if ((rc = dhcp_packet_parse(&packet, dhcp_test_sock.last,
				    dhcp_test_sock.last_len)) != 0)
		return rc;
	memset(buf, 0, len);
	return dhcp_packet_fetch(&packet, tag, buf, len);
}

/**
 * Message type of the last packet the session sent
 *
 * @ret msg_type	Message type, or 0
 */
static unsigned int dhcp_test_sent_type(void)
{
	uint8_t type = 0;

	dhcp_test_sent_option(DHCP_MESSAGE_TYPE, &type, sizeof(type));
	return type;
}

/**
 * Build a reply to the last packet the session sent
 *
 * @v buf		Buffer (DHCP_TEST_LEN)
 * @v msg_type		Message type
 * @v yiaddr		Address given, or NULL
 * @v siaddr		Next server, or NULL
 * @v server		Server identifier, or NULL
 * @v file		Boot file (in the file field), or NULL
 * @v extra		More options (raw), or NULL
 * @v extra_len		Length of extra options
 * @ret len		Length of the reply
 */
static size_t dhcp_test_reply(uint8_t *buf, unsigned int msg_type,
			      const char *yiaddr, const char *siaddr,
			      const char *server, const char *file,
			      const void *extra, size_t extra_len)
{
	const struct dhcphdr *request =
		(const struct dhcphdr *)dhcp_test_sock.last;
	struct dhcp_option_writer writer;
	struct dhcphdr *hdr = dhcp_test_header(buf, &writer);
	struct in_addr addr;

	hdr->xid = request->xid;
	memcpy(hdr->chaddr, request->chaddr, sizeof(hdr->chaddr));
	if (yiaddr)
		hdr->yiaddr = net_dummy_addr(yiaddr);
	if (siaddr)
		hdr->siaddr = net_dummy_addr(siaddr);
	if (file)
		strlcpy(hdr->file, file, sizeof(hdr->file));
	dhcp_writer_append_u8(&writer, DHCP_MESSAGE_TYPE, msg_type);
	if (server) {
		addr = net_dummy_addr(server);
		dhcp_writer_append(&writer, DHCP_SERVER_IDENTIFIER, &addr,
				   sizeof(addr));
	}
	if (yiaddr) {
		addr = net_dummy_addr("255.255.255.0");
		dhcp_writer_append(&writer, DHCP_SUBNET_MASK, &addr,
				   sizeof(addr));
		addr = net_dummy_addr("192.0.2.1");
		dhcp_writer_append(&writer, DHCP_ROUTERS, &addr, sizeof(addr));
	}
	if (extra) {
		memcpy(&writer.data[writer.len], extra, extra_len);
		writer.len += extra_len;
	}
	dhcp_writer_finish(&writer);
	return (sizeof(*hdr) + writer.len);
}

/**
 * Feed a reply to the session, as UDP would
 *
 * @v data		Reply
 * @v len		Length of reply
 * @v src		Source address
 */
static void dhcp_test_rx(const void *data, size_t len, const char *src)
{
	struct xfer_metadata meta;
	struct sockaddr_in sin;
	struct io_buffer *iob;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = net_dummy_addr(src);
	sin.sin_port = htons(BOOTPS_PORT);
	memset(&meta, 0, sizeof(meta));
	meta.src = (struct sockaddr *)&sin;
	iob = iob_alloc(len);
	if (!iob)
		return;
	memcpy(iob_put(iob, len), data, len);
	xfer_deliver(&dhcp_test_sock.xfer, iob, &meta);
}

/**
 * Fetch a setting as text
 *
 * @v name		Setting name ("net0/ip")
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret rc		Length of the text, or a negative error
 */
static int dhcp_test_fetchf(const char *name, char *buf, size_t len)
{
	struct settings *settings;
	struct setting setting;
	int rc;

	if ((rc = setting_parse_name(name, &settings, &setting)) != 0)
		return rc;
	return setting_fetchf(settings, &setting, buf, len);
}

/**
 * Run the main loop until a session ends or a time passes
 *
 * @v job		Job
 * @v ms		Longest time to wait
 */
static void dhcp_test_run(struct dhcp_test_job *job, unsigned long ms)
{
	uint64_t start = clock_ms();

	while (!job->closed && (clock_ms() - start) < ms)
		step();
}

/** The client UUID comes from SMBIOS, its first fields little-endian */
UNIT_TEST(dhcp_client_uuid)
{
	static const uint8_t uuid[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
					  0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
					  0x0c, 0x0d, 0x0e, 0x0f };
	static const uint8_t option[17] = { 0x00, 0x03, 0x02, 0x01, 0x00, 0x05,
					    0x04, 0x07, 0x06, 0x08, 0x09, 0x0a,
					    0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	const struct setting *uuid_setting = setting_find("uuid");
	struct net_device *netdev;
	struct generic_settings smbios;
	struct dhcp_test_job job;
	uint8_t value[32];

	/* A stand-in SMBIOS block, unless the host has a real one */
	if (settings_find("smbios") || !uuid_setting)
		return;
	generic_settings_init(&smbios, NULL);
	ok(settings_register(&smbios.settings, NULL, "smbios") == 0);
	ok(setting_store(&smbios.settings, uuid_setting, uuid, sizeof(uuid)) ==
	   0);
	netdev = net_dummy_create();
	ok(dhcp_test_start(&job, netdev) == 0);
	ok(dhcp_test_sent_option(DHCP_CLIENT_UUID, value, sizeof(value)) == 17);
	ok(memcmp(value, option, sizeof(option)) == 0);
	xfer_close(&job.xfer, -ECANCELED);
	net_dummy_destroy(netdev);
	settings_unregister(&smbios.settings);
	generic_settings_operations.clear(&smbios.settings);
}

/** DISCOVER says who we are; an offer with a boot file is requested at
 * once; the ACK becomes net0.dhcp and gives the device its address */
UNIT_TEST(dhcp_session_simple)
{
	struct net_device *netdev = net_dummy_create();
	struct dhcp_test_job job;
	const struct dhcphdr *sent =
		(const struct dhcphdr *)dhcp_test_sock.last;
	uint8_t buf[DHCP_TEST_LEN];
	uint8_t value[64];
	char name[32];
	char text[64];
	size_t len;

	ok(dhcp_test_start(&job, netdev) == 0);
	ok(dhcp_test_sock.peer.sin_port == htons(BOOTPS_PORT));
	ok(dhcp_test_sock.peer.sin_addr.s_addr == INADDR_BROADCAST);
	ok(dhcp_test_sock.local.sin_port == htons(BOOTPC_PORT));

	/* The DISCOVER */
	ok(dhcp_test_sock.count == 1);
	ok(dhcp_test_sent_type() == DHCPDISCOVER);
	ok(dhcp_test_sock.last_len >= DHCP_MIN_LEN);
	ok(sent->op == BOOTP_REQUEST && sent->hlen == ETH_ALEN);
	ok(sent->flags == htons(BOOTP_FLAG_BROADCAST));
	ok(memcmp(sent->chaddr, netdev->ll_addr, ETH_ALEN) == 0);
	ok(dhcp_test_sock.dest.sin_addr.s_addr == INADDR_BROADCAST);
	ok(dhcp_test_sock.dest.sin_port == htons(BOOTPS_PORT));
	ok(dhcp_test_sent_option(DHCP_VENDOR_CLASS_ID, value, sizeof(value)) ==
	   32);
	ok(strcmp((char *)value, "PXEClient:Arch:00000:UNDI:002001") == 0);
	ok(dhcp_test_sent_option(DHCP_USER_CLASS_ID, value, sizeof(value)) ==
	   4);
	ok(memcmp(value, "iPXE", 4) == 0);
	ok(dhcp_test_sent_option(DHCP_CLIENT_ARCHITECTURE, value,
				 sizeof(value)) == 2);
	ok(value[0] == 0 && value[1] == 0);
	ok(dhcp_test_sent_option(DHCP_CLIENT_NDI, value, sizeof(value)) == 3);
	ok(value[0] == 1 && value[1] == 2 && value[2] == 1);
	ok(dhcp_test_sent_option(DHCP_CLIENT_ID, value, sizeof(value)) == 7);
	ok(value[0] == 1 && memcmp(&value[1], netdev->ll_addr, ETH_ALEN) == 0);
	ok(dhcp_test_sent_option(DHCP_MAX_MESSAGE_SIZE, value, sizeof(value)) ==
	   2);
	ok(value[0] == (DHCP_MAX_LEN >> 8) &&
	   value[1] == (DHCP_MAX_LEN & 0xff));
	ok(dhcp_test_sent_option(DHCP_PARAMETER_REQUEST_LIST, value,
				 sizeof(value)) == 12);
	ok(memchr(value, DHCP_BOOTFILE_NAME, 12) != NULL);
	ok(memchr(value, DHCP_EB_ENCAP, 12) != NULL);
	ok(memchr(value, DHCP_DOMAIN_SEARCH, 12) != NULL);
	/* Feature flags of what is linked: DNS (0x17) is */
	ok(dhcp_test_sent_option(DHCP_ENCAP_TAG(DHCP_EB_ENCAP, 0x17), value,
				 sizeof(value)) == 1);
	ok(value[0] == 1);

	/* Not for us: another transaction, another client, a request */
	len = dhcp_test_reply(buf, DHCPOFFER, "192.0.2.50", "192.0.2.1",
			      "192.0.2.1", "boot.ipxe", NULL, 0);
	((struct dhcphdr *)buf)->xid ^= 1;
	dhcp_test_rx(buf, len, "192.0.2.1");
	((struct dhcphdr *)buf)->xid ^= 1;
	((struct dhcphdr *)buf)->chaddr[5] ^= 1;
	dhcp_test_rx(buf, len, "192.0.2.1");
	((struct dhcphdr *)buf)->chaddr[5] ^= 1;
	((struct dhcphdr *)buf)->op = BOOTP_REQUEST;
	dhcp_test_rx(buf, len, "192.0.2.1");
	((struct dhcphdr *)buf)->op = BOOTP_REPLY;
	ok(dhcp_test_sock.count == 1);

	/* The offer names a boot file: no wait for proxyDHCP */
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(dhcp_test_sock.count == 2);
	ok(dhcp_test_sent_type() == DHCPREQUEST);
	ok(dhcp_test_sent_option(DHCP_SERVER_IDENTIFIER, value, 4) == 4);
	ok(memcmp(value, "\xc0\x00\x02\x01", 4) == 0);
	ok(dhcp_test_sent_option(DHCP_REQUESTED_ADDRESS, value, 4) == 4);
	ok(memcmp(value, "\xc0\x00\x02\x32", 4) == 0);
	ok(!job.closed);

	/* An ACK from another server is not ours */
	len = dhcp_test_reply(buf, DHCPACK, "192.0.2.50", "192.0.2.1",
			      "192.0.2.9", "boot.ipxe",
			      "\x33\x04\x00\x00\x0e\x10", 6);
	dhcp_test_rx(buf, len, "192.0.2.9");
	ok(!job.closed);
	len = dhcp_test_reply(buf, DHCPACK, "192.0.2.50", "192.0.2.1",
			      "192.0.2.1", "boot.ipxe",
			      "\x33\x04\x00\x00\x0e\x10", 6);
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(job.closed && job.rc == 0);
	ok(dhcp_test_sock.closed);

	snprintf(name, sizeof(name), "%s/ip", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.50") == 0);
	snprintf(name, sizeof(name), "%s/gateway", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.1") == 0);
	snprintf(name, sizeof(name), "%s.dhcp/filename", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "boot.ipxe") == 0);
	snprintf(name, sizeof(name), "%s/next-server", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.1") == 0);
	snprintf(name, sizeof(name), "%s/51:int32", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "3600") == 0);
	/* The address is in use */
	ok(ipv4_has_address(netdev));
	net_dummy_destroy(netdev);
}

/** A proxyDHCP offer: the ACK is followed by a request to port 4011,
 * whose boot file and server are used since the main server gave none */
UNIT_TEST(dhcp_session_proxy)
{
	static const uint8_t pxe_class[] = { DHCP_VENDOR_CLASS_ID,
					     9,
					     'P',
					     'X',
					     'E',
					     'C',
					     'l',
					     'i',
					     'e',
					     'n',
					     't' };
	struct net_device *netdev = net_dummy_create();
	struct dhcp_test_job job;
	const struct dhcphdr *sent =
		(const struct dhcphdr *)dhcp_test_sock.last;
	uint8_t buf[DHCP_TEST_LEN];
	uint8_t value[8];
	char name[32];
	char text[64];
	size_t len;

	ok(dhcp_test_start(&job, netdev) == 0);
	/* An address offer with no boot file waits for proxyDHCP... */
	len = dhcp_test_reply(buf, DHCPOFFER, "192.0.2.60", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(dhcp_test_sock.count == 1);
	/* ...which comes: no address, option 60 "PXEClient" */
	len = dhcp_test_reply(buf, DHCPOFFER, NULL, NULL, "192.0.2.2", NULL,
			      pxe_class, sizeof(pxe_class));
	dhcp_test_rx(buf, len, "192.0.2.2");
	ok(dhcp_test_sock.count == 2);
	ok(dhcp_test_sent_type() == DHCPREQUEST);
	ok(dhcp_test_sent_option(DHCP_SERVER_IDENTIFIER, value, 4) == 4);
	ok(memcmp(value, "\xc0\x00\x02\x01", 4) == 0);

	/* The ACK: then a unicast request to the proxy's port 4011 */
	len = dhcp_test_reply(buf, DHCPACK, "192.0.2.60", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(!job.closed);
	ok(dhcp_test_sock.count == 3);
	ok(dhcp_test_sent_type() == DHCPREQUEST);
	ok(dhcp_test_sock.dest.sin_port == htons(PXE_PORT));
	ok(dhcp_test_sock.dest.sin_addr.s_addr ==
	   net_dummy_addr("192.0.2.2").s_addr);
	ok(sent->ciaddr.s_addr == net_dummy_addr("192.0.2.60").s_addr);
	ok(sent->flags == 0);
	ok(dhcp_test_sent_option(DHCP_SERVER_IDENTIFIER, value, 4) == 4);
	ok(memcmp(value, "\xc0\x00\x02\x02", 4) == 0);
	/* An offer now is ignored; the proxy's ACK ends the session */
	len = dhcp_test_reply(buf, DHCPOFFER, NULL, NULL, "192.0.2.2", NULL,
			      pxe_class, sizeof(pxe_class));
	dhcp_test_rx(buf, len, "192.0.2.2");
	ok(!job.closed);
	len = dhcp_test_reply(buf, DHCPACK, NULL, "192.0.2.2", "192.0.2.2",
			      "pxelinux.0", pxe_class, sizeof(pxe_class));
	dhcp_test_rx(buf, len, "192.0.2.2");
	ok(job.closed && job.rc == 0);

	snprintf(name, sizeof(name), "%s/filename", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "pxelinux.0") == 0);
	snprintf(name, sizeof(name), "%s.dhcp/next-server", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.2") == 0);
	snprintf(name, sizeof(name), "%s.proxydhcp/dhcp-server", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.2") == 0);
	snprintf(name, sizeof(name), "%s/ip", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.60") == 0);
	net_dummy_destroy(netdev);
}

/** Priorities pick among offers; the proxyDHCP wait is bounded; a NAK
 * goes back to DISCOVER; malformed packets are counted and dropped */
UNIT_TEST(dhcp_session_offers)
{
	static const uint8_t priority[] = { DHCP_EB_ENCAP, 3, 1, 1, 5 };
	struct net_device *netdev = net_dummy_create();
	struct dhcp_test_job job;
	uint8_t buf[DHCP_TEST_LEN];
	uint8_t value[8];
	unsigned long malformed;
	size_t len;

	ok(dhcp_test_start(&job, netdev) == 0);
	len = dhcp_test_reply(buf, DHCPOFFER, "192.0.2.70", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	len = dhcp_test_reply(buf, DHCPOFFER, "192.0.2.80", NULL, "192.0.2.3",
			      NULL, priority, sizeof(priority));
	dhcp_test_rx(buf, len, "192.0.2.3");
	/* Malformed: truncated options, a runaway length, no cookie */
	malformed = dhcp_stats.rx_malformed;
	dhcp_test_rx(buf, (sizeof(struct dhcphdr) + 2), "192.0.2.3");
	buf[sizeof(struct dhcphdr) + 1] = 250;
	dhcp_test_rx(buf, len, "192.0.2.3");
	dhcp_test_rx(buf, 100, "192.0.2.3");
	ok(dhcp_stats.rx_malformed == (malformed + 3));
	ok(dhcp_test_sock.count == 1);

	/* No proxyDHCP comes: the best offer is requested after the wait */
	while (dhcp_test_sock.count == 1 && !job.closed)
		step();
	ok(dhcp_test_sent_type() == DHCPREQUEST);
	ok(dhcp_test_sent_option(DHCP_REQUESTED_ADDRESS, value, 4) == 4);
	ok(memcmp(value, "\xc0\x00\x02\x50", 4) == 0);

	/* A NAK sends the client back to DISCOVER */
	len = dhcp_test_reply(buf, DHCPNAK, NULL, NULL, "192.0.2.3", NULL, NULL,
			      0);
	dhcp_test_rx(buf, len, "192.0.2.3");
	ok(dhcp_test_sock.count == 3);
	ok(dhcp_test_sent_type() == DHCPDISCOVER);
	ok(!job.closed);

	/* Cancelling closes the socket and reports the reason */
	xfer_close(&job.xfer, -ECANCELED);
	ok(dhcp_test_sock.closed);
	net_dummy_destroy(netdev);
}

/** With no server, DHCP gives up after "dhcp-timeout" seconds */
UNIT_TEST(dhcp_session_timeout)
{
	struct net_device *netdev = net_dummy_create();
	struct dhcp_test_job job;
	struct setting setting = dhcp_timeout_setting;
	uint8_t one[] = { 0, 0, 0, 1 };
	uint64_t start = clock_ms();

	ok(setting_store(NULL, &setting, one, sizeof(one)) == 0);
	ok(dhcp_test_start(&job, netdev) == 0);
	dhcp_test_run(&job, 5000);
	ok(job.closed);
	ok(ERROR_IS(job.rc, ETIMEDOUT));
	ok((clock_ms() - start) >= 1000 && (clock_ms() - start) < 2000);
	ok(dhcp_test_sock.closed);
	ok(setting_clear(NULL, &setting) == 0);
	net_dummy_destroy(netdev);
}

/** A proxyDHCP offer with a PXE boot menu (as dnsmasq's pxe-service
 * sends): the first network item is asked for from its boot server */
UNIT_TEST(dhcp_session_boot_menu)
{
	static const uint8_t menu[] = {
		DHCP_VENDOR_CLASS_ID, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n',
		't',
		/* 43: discovery control 3; menu: local boot, then 0x8000;
		 * servers: 0x8000 at 192.0.2.5, and a runaway entry */
		DHCP_VENDOR_ENCAP, 33, 6, 1, 3, 9, 12, 0x00, 0x00, 3, 'H', 'D',
		'D', 0x80, 0x00, 3, 'N', 'e', 't', 8, 14, 0x12, 0x34, 1, 192, 0,
		2, 9, 0x80, 0x00, 1, 192, 0, 2, 5, 255
	};
	static const uint8_t runaway[] = { DHCP_VENDOR_CLASS_ID,
					   9,
					   'P',
					   'X',
					   'E',
					   'C',
					   'l',
					   'i',
					   'e',
					   'n',
					   't',
					   DHCP_VENDOR_ENCAP,
					   12,
					   9,
					   4,
					   0x80,
					   0x01,
					   200,
					   'x',
					   8,
					   4,
					   0x80,
					   0x01,
					   60,
					   1 };
	struct net_device *netdev = net_dummy_create();
	struct dhcp_test_job job;
	uint8_t buf[DHCP_TEST_LEN];
	uint8_t value[8];
	char name[32];
	char text[64];
	size_t len;

	ok(dhcp_test_start(&job, netdev) == 0);
	len = dhcp_test_reply(buf, DHCPOFFER, NULL, NULL, "192.0.2.2", NULL,
			      menu, sizeof(menu));
	dhcp_test_rx(buf, len, "192.0.2.2");
	len = dhcp_test_reply(buf, DHCPOFFER, "192.0.2.61", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(dhcp_test_sent_type() == DHCPREQUEST);
	len = dhcp_test_reply(buf, DHCPACK, "192.0.2.61", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(dhcp_test_sock.count == 3);
	ok(dhcp_test_sock.dest.sin_port == htons(PXE_PORT));
	ok(dhcp_test_sock.dest.sin_addr.s_addr ==
	   net_dummy_addr("192.0.2.5").s_addr);
	ok(dhcp_test_sent_option(DHCP_ENCAP_TAG(DHCP_VENDOR_ENCAP, 71), value,
				 sizeof(value)) == 4);
	ok(memcmp(value, "\x80\x00\x00\x00", 4) == 0);
	/* The boot server's answer names the file */
	len = dhcp_test_reply(buf, DHCPACK, NULL, "192.0.2.5", "192.0.2.5",
			      "net.0", NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.5");
	ok(job.closed && job.rc == 0);
	snprintf(name, sizeof(name), "%s/filename", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "net.0") == 0);
	snprintf(name, sizeof(name), "%s/next-server", netdev->name);
	ok(dhcp_test_fetchf(name, text, sizeof(text)) > 0);
	ok(strcmp(text, "192.0.2.5") == 0);

	/* Menu and server entries that run past their option are not
	 * followed; the request goes to the proxyDHCP server */
	ok(dhcp_test_start(&job, netdev) == 0);
	len = dhcp_test_reply(buf, DHCPOFFER, NULL, NULL, "192.0.2.2", NULL,
			      runaway, sizeof(runaway));
	dhcp_test_rx(buf, len, "192.0.2.2");
	len = dhcp_test_reply(buf, DHCPOFFER, "192.0.2.62", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	len = dhcp_test_reply(buf, DHCPACK, "192.0.2.62", NULL, "192.0.2.1",
			      NULL, NULL, 0);
	dhcp_test_rx(buf, len, "192.0.2.1");
	ok(dhcp_test_sock.dest.sin_port == htons(PXE_PORT));
	ok(dhcp_test_sock.dest.sin_addr.s_addr ==
	   net_dummy_addr("192.0.2.2").s_addr);
	xfer_close(&job.xfer, -ECANCELED);
	ok(job.closed == 0 && dhcp_test_sock.closed);
	net_dummy_destroy(netdev);
}
