/** @file
 *
 * Unit tests: ARP parsing of short and odd packets, answering requests,
 * resolution with queued packets, retries, and updates
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/net_dummy.h"
#include "net/arp.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "core/endian.h"
#include "core/iobuf.h"
#include "core/platform.h"
#include "core/process.h"
#include "core/string.h"

/** Our address in these tests */
#define OURS "192.0.2.10"
/** The peer's */
#define PEER "192.0.2.1"

/**
 * Create a device with our address, and nothing sent yet
 *
 * @ret netdev		Network device
 */
static struct net_device *arp_test_netdev(void)
{
	struct net_device *netdev = net_dummy_create();

	ipv4_route_add(netdev, net_dummy_addr(OURS),
		       net_dummy_addr("255.255.255.0"),
		       net_dummy_addr("0.0.0.0"));
	net_dummy_tx_flush(netdev);
	return netdev;
}

/**
 * Build an ARP packet for IPv4 over Ethernet
 *
 * @v arp		Packet to fill in
 * @v op		Operation
 * @v sha		Sender hardware address
 * @v spa		Sender protocol address
 * @v tpa		Target protocol address
 */
static void arp_test_packet(struct arp_ether_ipv4 *arp, unsigned int op,
			    const uint8_t *sha, const char *spa,
			    const char *tpa)
{
	memset(arp, 0, sizeof(*arp));
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons(op);
	memcpy(arp->sha, sha, ETH_ALEN);
	arp->spa = net_dummy_addr(spa);
	arp->tpa = net_dummy_addr(tpa);
}

/**
 * Send a test IPv4 packet through the stack
 *
 * @v dest		Destination
 * @ret rc		Return status code
 */
static int arp_test_send(const char *dest)
{
	struct sockaddr_in sin;
	struct io_buffer *iob;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = net_dummy_addr(dest);
	iob = iob_alloc_tx(4);
	memcpy(iob_put(iob, 4), "data", 4);
	return tcpip_tx(iob, &net_dummy_protocol, NULL,
			(struct sockaddr_tcpip *)&sin, NULL, NULL);
}

/**
 * Take a sent frame and check its Ethernet type and destination
 *
 * @v netdev		Network device
 * @v net_proto		Expected Ethernet type (host byte order)
 * @v ll_dest		Expected destination
 * @ret iob		Frame, header removed, or NULL if none or wrong
 */
static struct io_buffer *arp_test_sent(struct net_device *netdev,
				       uint16_t net_proto,
				       const uint8_t *ll_dest)
{
	struct io_buffer *iob = net_dummy_tx_pop(netdev);
	struct ethhdr *ethhdr;

	if (!iob)
		return NULL;
	ethhdr = iob->data;
	if (iob_len(iob) < ETH_HLEN || ethhdr->h_protocol != htons(net_proto) ||
	    memcmp(ethhdr->h_dest, ll_dest, ETH_ALEN) != 0 ||
	    memcmp(ethhdr->h_source, netdev->ll_addr, ETH_ALEN) != 0) {
		iob_free(iob);
		return NULL;
	}
	iob_pull(iob, ETH_HLEN);
	return iob;
}

/** Short, truncated and foreign packets are dropped without a reply */
UNIT_TEST(arp_malformed)
{
	struct net_device *netdev = arp_test_netdev();
	struct arp_ether_ipv4 arp;
	uint8_t ll_addr[ETH_ALEN];
	size_t len;

	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, PEER, OURS);
	for (len = 0; len < sizeof(arp); len++)
		net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, len);
	ok(net_dummy_tx_count(netdev) == 0);
	arp.hdr.ar_hrd = htons(6);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, PEER, OURS);
	arp.hdr.ar_pro = htons(ETH_P_IPV6);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, PEER, OURS);
	arp.hdr.ar_hln = 8;
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, PEER, OURS);
	arp.hdr.ar_pln = 16;
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	arp_test_packet(&arp, 3, net_dummy_peer_mac, PEER, OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	/* A group address or our own as the sender */
	arp_test_packet(&arp, ARPOP_REQUEST, eth_broadcast, PEER, OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	arp_test_packet(&arp, ARPOP_REQUEST, netdev->ll_addr, PEER, OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	ok(net_dummy_tx_count(netdev) == 0);
	ok(arp_lookup(netdev, net_dummy_addr(PEER), ll_addr) != 0);
	net_dummy_destroy(netdev);
}

/** A request for our address is answered, and teaches us the sender */
UNIT_TEST(arp_reply)
{
	struct net_device *netdev = arp_test_netdev();
	struct arp_ether_ipv4 arp;
	struct arp_ether_ipv4 *reply;
	struct io_buffer *iob;
	uint8_t ll_addr[ETH_ALEN];
	uint8_t padded[46];

	/* Someone else's address: no reply, nothing learnt */
	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, PEER,
			"192.0.2.11");
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	ok(net_dummy_tx_count(netdev) == 0);
	ok(arp_lookup(netdev, net_dummy_addr(PEER), ll_addr) != 0);

	/* Ours, with trailing padding as on the wire */
	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, PEER, OURS);
	memset(padded, 0xaa, sizeof(padded));
	memcpy(padded, &arp, sizeof(arp));
	net_dummy_rx_eth(netdev, ETH_P_ARP, padded, sizeof(padded));
	iob = arp_test_sent(netdev, ETH_P_ARP, net_dummy_peer_mac);
	ok(iob != NULL);
	if (iob) {
		reply = iob->data;
		ok(iob_len(iob) >= sizeof(*reply));
		ok(reply->hdr.ar_op == htons(ARPOP_REPLY));
		ok(memcmp(reply->sha, netdev->ll_addr, ETH_ALEN) == 0);
		ok(reply->spa.s_addr == net_dummy_addr(OURS).s_addr);
		ok(memcmp(reply->tha, net_dummy_peer_mac, ETH_ALEN) == 0);
		ok(reply->tpa.s_addr == net_dummy_addr(PEER).s_addr);
		iob_free(iob);
	}
	ok(arp_lookup(netdev, net_dummy_addr(PEER), ll_addr) == 0);
	ok(memcmp(ll_addr, net_dummy_peer_mac, ETH_ALEN) == 0);

	/* A probe (sender 0.0.0.0) is answered but teaches nothing */
	arp_test_packet(&arp, ARPOP_REQUEST, net_dummy_peer_mac, "0.0.0.0",
			OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	ok(net_dummy_tx_count(netdev) == 1);
	ok(arp_lookup(netdev, net_dummy_addr("0.0.0.0"), ll_addr) != 0);
	net_dummy_destroy(netdev);
}

/** Packets wait for resolution and go out when the reply comes */
UNIT_TEST(arp_resolve)
{
	struct net_device *netdev = arp_test_netdev();
	static const uint8_t new_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct arp_ether_ipv4 arp;
	struct arp_ether_ipv4 *request;
	struct io_buffer *iob;
	uint8_t ll_addr[ETH_ALEN];
	unsigned int i;

	ok(arp_test_send(PEER) == 0);
	ok(arp_test_send(PEER) == 0);
	iob = arp_test_sent(netdev, ETH_P_ARP, eth_broadcast);
	ok(iob != NULL);
	if (iob) {
		request = iob->data;
		ok(request->hdr.ar_op == htons(ARPOP_REQUEST));
		ok(request->spa.s_addr == net_dummy_addr(OURS).s_addr);
		ok(request->tpa.s_addr == net_dummy_addr(PEER).s_addr);
		iob_free(iob);
	}
	ok(net_dummy_tx_count(netdev) == 0);

	/* A reply for an address we did not ask about changes nothing */
	arp_test_packet(&arp, ARPOP_REPLY, net_dummy_peer_mac, "192.0.2.3",
			"192.0.2.11");
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	ok(net_dummy_tx_count(netdev) == 0);

	/* The reply releases both packets */
	arp_test_packet(&arp, ARPOP_REPLY, net_dummy_peer_mac, PEER, OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	for (i = 0; i < 2; i++) {
		iob = arp_test_sent(netdev, ETH_P_IP, net_dummy_peer_mac);
		ok(iob != NULL);
		iob_free(iob);
	}
	ok(net_dummy_tx_count(netdev) == 0);
	/* Resolved: the next goes at once */
	ok(arp_test_send(PEER) == 0);
	iob = arp_test_sent(netdev, ETH_P_IP, net_dummy_peer_mac);
	ok(iob != NULL);
	iob_free(iob);

	/* A gratuitous ARP moves the address */
	arp_test_packet(&arp, ARPOP_REQUEST, new_mac, PEER, PEER);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	ok(net_dummy_tx_count(netdev) == 0);
	ok(arp_lookup(netdev, net_dummy_addr(PEER), ll_addr) == 0);
	ok(memcmp(ll_addr, new_mac, ETH_ALEN) == 0);

	/* Closing the device forgets everything */
	netdev_close(netdev);
	ok(arp_lookup(netdev, net_dummy_addr(PEER), ll_addr) != 0);
	net_dummy_destroy(netdev);
}

/** Unanswered: ARP_RETRIES requests, then the packets are dropped */
UNIT_TEST(arp_retries)
{
	struct net_device *netdev = arp_test_netdev();
	unsigned long saved = arp_retry_ms;
	unsigned long errors = netdev->tx_stats.errors;
	struct io_buffer *iob;
	unsigned int requests = 0;
	unsigned int i;
	uint64_t start;

	arp_retry_ms = 10;
	/* More than the queue holds: the extra ones fail at once */
	for (i = 0; i < ARP_QUEUE_MAX; i++)
		ok(arp_test_send("192.0.2.2") == 0);
	ok(arp_test_send("192.0.2.2") != 0);
	ok(netdev->tx_stats.errors == errors + 1);
	start = clock_ms();
	while ((clock_ms() - start) < 200)
		step();
	while ((iob = net_dummy_tx_pop(netdev)) != NULL) {
		struct ethhdr *ethhdr = iob->data;

		if (ethhdr->h_protocol == htons(ETH_P_ARP))
			requests++;
		else
			requests += 100;
		iob_free(iob);
	}
	ok(requests == ARP_RETRIES);
	ok(netdev->tx_stats.errors == errors + 1 + ARP_QUEUE_MAX);
	/* A new attempt starts over */
	ok(arp_test_send("192.0.2.2") == 0);
	ok(net_dummy_tx_count(netdev) == 1);
	arp_retry_ms = saved;
	net_dummy_destroy(netdev);
}
