/** @file
 *
 * Unit tests: IPv4 addresses, header validation on malformed input, and
 * fragment reassembly (in order, out of order, overlapping, too big,
 * timed out, too many at once)
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/net_dummy.h"
#include "net/ipv4.h"
#include "net/ethernet.h"
#include "core/endian.h"
#include "core/platform.h"
#include "core/process.h"
#include "core/settings.h"
#include "core/string.h"
#include "core/iobuf.h"
#include "net/arp.h"

/** Our address in these tests */
#define OURS "192.0.2.10"
/** The peer's */
#define PEER "192.0.2.1"

/**
 * Create a device with our address
 *
 * @ret netdev		Network device
 */
static struct net_device *ipv4_test_netdev(void)
{
	struct net_device *netdev = net_dummy_create();

	ipv4_route_add(netdev, net_dummy_addr(OURS),
		       net_dummy_addr("255.255.255.0"),
		       net_dummy_addr("192.0.2.254"));
	return netdev;
}

/**
 * Feed one fragment of a test datagram
 *
 * @v netdev		Network device
 * @v ident		Identification
 * @v offset		Offset in bytes (a multiple of 8)
 * @v more		More fragments follow
 * @v data		Fragment data
 * @v len		Length
 */
static void ipv4_test_fragment(struct net_device *netdev, uint16_t ident,
			       size_t offset, int more, const void *data,
			       size_t len)
{
	static uint8_t packet[1600];

	net_dummy_ip_header(packet, len, NET_DUMMY_PROTO, PEER, OURS, ident,
			    ((offset / 8) | (more ? IP_MASK_MOREFRAGS : 0)));
	memcpy(packet + sizeof(struct iphdr), data, len);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, sizeof(struct iphdr) + len);
}

/** inet_aton() takes dotted quads only; inet_ntoa() prints them */
UNIT_TEST(ipv4_aton_ntoa)
{
	static const char *const bad[] = {
		"",         "1",          "1.2.3",    "1.2.3.4.5",  "256.1.1.1",
		"1.2.3.-4", "1..2.3",     "1.2.3.4 ", " 1.2.3.4",   "0x1.2.3.4",
		"1.2.3.4.", "1234.1.1.1", "a.b.c.d",  "1.2.3.0004",
	};
	struct in_addr in;
	unsigned int i;

	ok(inet_aton("192.0.2.1", &in) && in.s_addr == htonl(0xc0000201));
	ok(strcmp(inet_ntoa(in), "192.0.2.1") == 0);
	ok(inet_aton("255.255.255.255", &in) && in.s_addr == INADDR_BROADCAST);
	ok(strcmp(inet_ntoa(in), "255.255.255.255") == 0);
	ok(inet_aton("0.0.0.0", &in) && in.s_addr == 0);
	ok(inet_aton("010.001.0.9", &in) && in.s_addr == htonl(0x0a010009));
	for (i = 0; i < (sizeof(bad) / sizeof(bad[0])); i++) {
		in.s_addr = 0x12345678;
		ok(!inet_aton(bad[i], &in));
		ok(in.s_addr == 0x12345678);
	}
}

/** sock_ntoa() prints IPv4 and IPv6 addresses without ports */
UNIT_TEST(ipv4_sock_ntoa)
{
	static const struct {
		uint8_t addr[16];
		const char *text;
	} in6[] = {
		{ { 0 }, "::" },
		{ { [15] = 1 }, "::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		{ { 0xfe, 0x80, [13] = 1, [15] = 2 }, "fe80::1:2" },
		{ { [1] = 1, [7] = 2, [15] = 3 }, "1:0:0:2::3" },
		{ { [1] = 1, [5] = 2, [15] = 3 }, "1:0:2::3" },
		{ { [1] = 1, [3] = 2, [5] = 3, [7] = 4, [9] = 5, [11] = 6,
		    [13] = 7, [15] = 8 },
		  "1:2:3:4:5:6:7:8" },
		{ { [1] = 1, [15] = 0 }, "1::" },
	};
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	unsigned int i;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(80);
	sin.sin_addr = net_dummy_addr("198.51.100.7");
	ok(strcmp(sock_ntoa((struct sockaddr *)&sin), "198.51.100.7") == 0);
	for (i = 0; i < (sizeof(in6) / sizeof(in6[0])); i++) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, in6[i].addr, 16);
		ok(strcmp(sock_ntoa((struct sockaddr *)&sin6), in6[i].text) ==
		   0);
	}
}

/** Routes: subnet first, else gateway; closed devices are skipped */
UNIT_TEST(ipv4_routing)
{
	struct net_device *netdev = ipv4_test_netdev();
	struct ipv4_route *route;
	struct in_addr next_hop;

	route = ipv4_route_find(net_dummy_addr("192.0.2.77"), &next_hop);
	ok(route && route->netdev == netdev);
	ok(next_hop.s_addr == net_dummy_addr("192.0.2.77").s_addr);
	route = ipv4_route_find(net_dummy_addr("198.51.100.1"), &next_hop);
	ok(route && next_hop.s_addr == net_dummy_addr("192.0.2.254").s_addr);
	ok(ipv4_has_address(netdev));
	ok(ipv4_is_local(netdev, net_dummy_addr(OURS)));
	ok(!ipv4_is_local(netdev, net_dummy_addr(PEER)));
	netdev_close(netdev);
	ok(ipv4_route_find(net_dummy_addr("192.0.2.77"), &next_hop) == NULL);
	netdev_open(netdev);
	ipv4_route_del_netdev(netdev);
	ok(!ipv4_has_address(netdev));
	ok(ipv4_route_find(net_dummy_addr("192.0.2.77"), &next_hop) == NULL);
	net_dummy_destroy(netdev);
}

/** Routes follow the device's ip, netmask and gateway settings */
UNIT_TEST(ipv4_settings)
{
	struct net_device *netdev = net_dummy_create();
	struct settings *settings = settings_find(netdev->name);
	struct ipv4_route *route;
	struct in_addr next_hop;
	struct io_buffer *iob;
	struct arp_ether_ipv4 *arp;

	ok(settings != NULL);
	if (!settings) {
		net_dummy_destroy(netdev);
		return;
	}
	ok(!ipv4_has_address(netdev));
	/* An address alone: classful netmask, no gateway, announced */
	ok(setting_storef(settings, &ip_setting, OURS) == 0);
	ok(ipv4_is_local(netdev, net_dummy_addr(OURS)));
	route = ipv4_route_find(net_dummy_addr("192.0.2.200"), &next_hop);
	ok(route && route->netmask.s_addr ==
			    net_dummy_addr("255.255.255.0").s_addr);
	ok(route && route->gateway.s_addr == 0);
	iob = net_dummy_tx_pop(netdev);
	ok(iob != NULL && iob_len(iob) >= (ETH_HLEN + sizeof(*arp)));
	if (iob && iob_len(iob) >= (ETH_HLEN + sizeof(*arp))) {
		arp = (iob->data + ETH_HLEN);
		ok(arp->spa.s_addr == net_dummy_addr(OURS).s_addr);
		ok(arp->tpa.s_addr == net_dummy_addr(OURS).s_addr);
	}
	iob_free(iob);
	/* Netmask and gateway */
	ok(setting_storef(settings, &netmask_setting, "255.255.0.0") == 0);
	ok(setting_storef(settings, &gateway_setting, "192.0.3.1") == 0);
	route = ipv4_route_find(net_dummy_addr("198.51.100.1"), &next_hop);
	ok(route && route->netdev == netdev);
	ok(next_hop.s_addr == net_dummy_addr("192.0.3.1").s_addr);
	route = ipv4_route_find(net_dummy_addr("192.0.200.1"), &next_hop);
	ok(next_hop.s_addr == net_dummy_addr("192.0.200.1").s_addr);
	/* No address, no route */
	ok(setting_clear(settings, &ip_setting) == 0);
	ok(!ipv4_has_address(netdev));
	setting_clear(settings, &netmask_setting);
	setting_clear(settings, &gateway_setting);
	net_dummy_destroy(netdev);
}

/** A valid packet is delivered; every kind of malformed one is not */
UNIT_TEST(ipv4_rx_validation)
{
	struct net_device *netdev = ipv4_test_netdev();
	uint8_t packet[64];
	uint8_t frame[ETH_HLEN + 64];
	struct iphdr *iphdr = (struct iphdr *)packet;
	unsigned int errors;
	size_t len;

	/* Valid, with 4 bytes of payload and Ethernet padding after */
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, OURS, 1, 0);
	memcpy(packet + 20, "abcd", 4);
	memset(packet + 24, 0xee, 20);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 44);
	ok(net_dummy_delivered.count == 1);
	ok(net_dummy_delivered.len == 4);
	ok(memcmp(net_dummy_delivered.data, "abcd", 4) == 0);
	ok(net_dummy_delivered.src.sin_addr.s_addr ==
	   net_dummy_addr(PEER).s_addr);
	ok(net_dummy_delivered.dest.sin_addr.s_addr ==
	   net_dummy_addr(OURS).s_addr);

	/* Every truncation of a valid packet, and of its frame */
	errors = netdev->rx_stats.errors;
	for (len = 0; len < 24; len++)
		net_dummy_rx_eth(netdev, ETH_P_IP, packet, len);
	memset(frame, 0, ETH_HLEN);
	memcpy(frame + ETH_HLEN, packet, 24);
	memcpy(frame, netdev->ll_addr, ETH_ALEN);
	frame[12] = 0x08;
	frame[13] = 0x00;
	for (len = 0; len < (ETH_HLEN + 24); len++)
		net_dummy_rx(netdev, frame, len);
	ok(net_dummy_delivered.count == 1);
	ok(netdev->rx_stats.errors > errors);

	/* Wrong version */
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, OURS, 1, 0);
	iphdr->verhdrlen = 0x65;
	iphdr->chksum = 0;
	iphdr->chksum = tcpip_chksum(iphdr, 20);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	/* Header length below 20, and beyond the total length */
	iphdr->verhdrlen = 0x44;
	iphdr->chksum = 0;
	iphdr->chksum = tcpip_chksum(iphdr, 20);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	iphdr->verhdrlen = 0x4f;
	iphdr->chksum = 0;
	iphdr->chksum = tcpip_chksum(iphdr, 60);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	/* Total length beyond the frame, and below the header */
	net_dummy_ip_header(packet, 40, NET_DUMMY_PROTO, PEER, OURS, 1, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	iphdr->len = htons(19);
	iphdr->chksum = 0;
	iphdr->chksum = tcpip_chksum(iphdr, 20);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	/* Bad checksum */
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, OURS, 1, 0);
	iphdr->chksum ^= 0x0100;
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	/* Broadcast source; someone else's destination */
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, "255.255.255.255", OURS,
			    1, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, "192.0.2.11", 1,
			    0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	ok(net_dummy_delivered.count == 1);

	/* Broadcasts are ours */
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, "255.255.255.255",
			    1, 0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, "192.0.2.255", 1,
			    0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	ok(net_dummy_delivered.count == 3);

	/* Options are skipped */
	net_dummy_ip_header(packet, 8, NET_DUMMY_PROTO, PEER, OURS, 1, 0);
	iphdr->verhdrlen = 0x46;
	memset(packet + 20, 0x01, 4); /* four NOP options */
	memcpy(packet + 24, "wxyz", 4);
	iphdr->chksum = 0;
	iphdr->chksum = tcpip_chksum(iphdr, 24);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 28);
	ok(net_dummy_delivered.count == 4);
	ok(net_dummy_delivered.len == 4);
	ok(memcmp(net_dummy_delivered.data, "wxyz", 4) == 0);

	/* A device without an address takes any unicast (DHCP) */
	ipv4_route_del_netdev(netdev);
	net_dummy_ip_header(packet, 4, NET_DUMMY_PROTO, PEER, "192.0.2.99", 1,
			    0);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, 24);
	ok(net_dummy_delivered.count == 5);
	net_dummy_destroy(netdev);
}

/** Fragments in order and out of order make the datagram once */
UNIT_TEST(ipv4_reassembly_order)
{
	struct net_device *netdev = ipv4_test_netdev();
	uint8_t data[100];
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i;
	ipv4_test_fragment(netdev, 100, 0, 1, data, 40);
	ipv4_test_fragment(netdev, 100, 40, 1, data + 40, 40);
	ok(net_dummy_delivered.count == 0);
	ipv4_test_fragment(netdev, 100, 80, 0, data + 80, 20);
	ok(net_dummy_delivered.count == 1);
	ok(net_dummy_delivered.len == 100);
	ok(memcmp(net_dummy_delivered.data, data, 100) == 0);

	/* Last first, then first, then middle */
	ipv4_test_fragment(netdev, 101, 80, 0, data + 80, 20);
	ipv4_test_fragment(netdev, 101, 0, 1, data, 40);
	ok(net_dummy_delivered.count == 1);
	ipv4_test_fragment(netdev, 101, 40, 1, data + 40, 40);
	ok(net_dummy_delivered.count == 2);
	ok(net_dummy_delivered.len == 100);
	ok(memcmp(net_dummy_delivered.data, data, 100) == 0);

	/* The same ident again starts afresh: nothing is left over */
	ipv4_test_fragment(netdev, 101, 40, 1, data + 40, 40);
	ok(net_dummy_delivered.count == 2);
	ipv4_test_fragment(netdev, 101, 0, 1, data, 40);
	ipv4_test_fragment(netdev, 101, 80, 0, data + 80, 20);
	ok(net_dummy_delivered.count == 3);

	/* An empty last fragment just fixes the length */
	ipv4_test_fragment(netdev, 102, 0, 1, data, 48);
	ipv4_test_fragment(netdev, 102, 48, 0, data, 0);
	ok(net_dummy_delivered.count == 4);
	ok(net_dummy_delivered.len == 48);
	net_dummy_destroy(netdev);
}

/** Duplicates and overlaps: the bytes that came first stay */
UNIT_TEST(ipv4_reassembly_overlap)
{
	struct net_device *netdev = ipv4_test_netdev();
	uint8_t a[64];
	uint8_t b[64];
	uint8_t expected[40];

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	/* [0,16) a, then [8,32) b, then [0,8) b again, then [32,40) last */
	ipv4_test_fragment(netdev, 200, 0, 1, a, 16);
	ipv4_test_fragment(netdev, 200, 8, 1, b, 24);
	ipv4_test_fragment(netdev, 200, 0, 1, b, 8);
	ipv4_test_fragment(netdev, 200, 8, 1, b, 24);
	ok(net_dummy_delivered.count == 0);
	ipv4_test_fragment(netdev, 200, 32, 0, a, 8);
	ok(net_dummy_delivered.count == 1);
	memset(expected, 'a', 16);
	memset(expected + 16, 'b', 16);
	memset(expected + 32, 'a', 8);
	ok(net_dummy_delivered.len == 40);
	ok(memcmp(net_dummy_delivered.data, expected, 40) == 0);

	/* A fragment covering the whole gap and more, around held data */
	ipv4_test_fragment(netdev, 201, 16, 1, a, 8);
	ipv4_test_fragment(netdev, 201, 8, 0, b, 32);
	ipv4_test_fragment(netdev, 201, 0, 1, b, 8);
	ok(net_dummy_delivered.count == 2);
	memset(expected, 'b', 40);
	memset(expected + 16, 'a', 8);
	ok(memcmp(net_dummy_delivered.data, expected, 40) == 0);

	/* Two last fragments that disagree end the reassembly */
	ipv4_test_fragment(netdev, 202, 32, 0, a, 8);
	ipv4_test_fragment(netdev, 202, 24, 0, a, 8);
	ipv4_test_fragment(netdev, 202, 0, 1, a, 32);
	ok(net_dummy_delivered.count == 2);
	/* Data beyond the end that a last fragment fixed */
	ipv4_test_fragment(netdev, 203, 8, 0, a, 8);
	ipv4_test_fragment(netdev, 203, 8, 1, a, 16);
	ipv4_test_fragment(netdev, 203, 0, 1, a, 8);
	ok(net_dummy_delivered.count == 2);
	ipv4_test_fragment(netdev, 204, 0, 1, a, 32);
	ipv4_test_fragment(netdev, 204, 8, 0, a, 8);
	ipv4_test_fragment(netdev, 204, 16, 0, a, 16);
	ok(net_dummy_delivered.count == 2);
	/* A middle fragment whose length is not whole units */
	ipv4_test_fragment(netdev, 205, 0, 1, a, 12);
	ipv4_test_fragment(netdev, 205, 0, 1, a, 0);
	ipv4_test_fragment(netdev, 205, 8, 0, a, 8);
	ok(net_dummy_delivered.count == 2);
	net_dummy_destroy(netdev);
}

/** Fragments reaching past 65535 bytes end the reassembly */
UNIT_TEST(ipv4_reassembly_too_big)
{
	struct net_device *netdev = ipv4_test_netdev();
	uint8_t data[1480];
	size_t offset;

	memset(data, 'z', sizeof(data));
	ipv4_test_fragment(netdev, 300, 0, 1, data, 1480);
	ipv4_test_fragment(netdev, 300, (IP_MASK_OFFSET * 8), 0, data, 16);
	ipv4_test_fragment(netdev, 300, 65504, 0, data, 16);
	ok(net_dummy_delivered.count == 0);

	/* The largest datagram there can be still works */
	for (offset = 0; (offset + 1480) < IPV4_REASM_MAX_LEN; offset += 1480)
		ipv4_test_fragment(netdev, 301, offset, 1, data, 1480);
	ok(net_dummy_delivered.count == 0);
	ipv4_test_fragment(netdev, 301, offset, 0, data,
			   (IPV4_REASM_MAX_LEN - offset));
	ok(net_dummy_delivered.count == 1);
	ok(net_dummy_delivered.len == IPV4_REASM_MAX_LEN);
	net_dummy_destroy(netdev);
}

/** A reassembly that takes too long is dropped */
UNIT_TEST(ipv4_reassembly_timeout)
{
	struct net_device *netdev = ipv4_test_netdev();
	unsigned long saved = ipv4_reasm_timeout_ms;
	uint8_t data[16];
	uint64_t start;

	memset(data, 't', sizeof(data));
	ipv4_reasm_timeout_ms = 20;
	ipv4_test_fragment(netdev, 400, 0, 1, data, 8);
	start = clock_ms();
	while ((clock_ms() - start) < 100)
		step();
	ipv4_test_fragment(netdev, 400, 8, 0, data, 8);
	ok(net_dummy_delivered.count == 0);
	/* Without the wait it would have worked */
	ipv4_test_fragment(netdev, 401, 0, 1, data, 8);
	ipv4_test_fragment(netdev, 401, 8, 0, data, 8);
	ok(net_dummy_delivered.count == 1);
	ipv4_reasm_timeout_ms = saved;
	net_dummy_destroy(netdev);
}

/** At most IPV4_REASM_MAX at once: the oldest gives way */
UNIT_TEST(ipv4_reassembly_limit)
{
	struct net_device *netdev = ipv4_test_netdev();
	uint8_t data[16];
	unsigned int i;

	memset(data, 'l', sizeof(data));
	for (i = 0; i <= IPV4_REASM_MAX; i++)
		ipv4_test_fragment(netdev, 500 + i, 0, 1, data, 8);
	/* The first was dropped: its end alone is not enough */
	ipv4_test_fragment(netdev, 500, 8, 0, data, 8);
	ok(net_dummy_delivered.count == 0);
	/* The newest survived */
	ipv4_test_fragment(netdev, 500 + IPV4_REASM_MAX, 8, 0, data, 8);
	ok(net_dummy_delivered.count == 1);
	/* Going away with reassemblies pending leaks nothing */
	net_dummy_destroy(netdev);
}

/** Randomly damaged IPv4, ICMP, UDP and ARP frames never hurt */
UNIT_TEST(ipv4_damaged_frames)
{
	struct net_device *netdev = ipv4_test_netdev();
	uint8_t packet[256];
	uint8_t damaged[256];
	uint32_t seed = 0x5eed;
	unsigned int round;
	unsigned int flips;
	size_t len;
	size_t i;

	for (round = 0; round < 20000; round++) {
		seed = (seed * 1103515245 + 12345);
		memset(packet, 0, sizeof(packet));
		switch (round % 4) {
		case 0:
			/* A fragment, to exercise reassembly */
			net_dummy_ip_header(packet, 64, NET_DUMMY_PROTO, PEER,
					    OURS, (seed >> 24),
					    ((seed >> 8) & 0x3fff));
			break;
		case 1:
			net_dummy_ip_header(packet, 64, IP_ICMP, PEER, OURS, 1,
					    0);
			packet[20] = 8;
			break;
		case 2:
			net_dummy_ip_header(packet, 64, IP_UDP, PEER, OURS, 1,
					    0);
			packet[23] = 68;
			packet[25] = 64;
			break;
		default:
			/* An ARP request for our address */
			packet[1] = 1;
			packet[2] = 0x08;
			packet[4] = ETH_ALEN;
			packet[5] = 4;
			packet[7] = 1;
			memcpy(&packet[8], net_dummy_peer_mac, ETH_ALEN);
			memcpy(&packet[14], "\xc0\x00\x02\x01", 4);
			memcpy(&packet[24], "\xc0\x00\x02\x0a", 4);
			break;
		}
		memcpy(damaged, packet, sizeof(damaged));
		flips = ((seed >> 4) & 7);
		for (i = 0; i < flips; i++) {
			seed = (seed * 1103515245 + 12345);
			damaged[(seed >> 16) % 84] ^= (1 << ((seed >> 8) & 7));
		}
		seed = (seed * 1103515245 + 12345);
		len = ((seed >> 16) % 100);
		net_dummy_rx_eth(netdev,
				 (((round % 4) == 3) ? ETH_P_ARP : ETH_P_IP),
				 damaged, len);
		net_dummy_tx_flush(netdev);
	}
	ok(1);
	net_dummy_destroy(netdev);
}
