/** @file
 *
 * libFuzzer target: what the network hands Ferry
 *
 * The first byte of each input chooses what the rest is fed to:
 *
 *   0  an Ethernet frame, received on a device that has an address, a
 *      UDP socket and a TCP connection (so ARP, IPv4 with reassembly,
 *      ICMP, UDP and TCP all see it)
 *   1  an IPv4 packet, received in a frame addressed to the device
 *      (so the fuzzer need not find a valid Ethernet header first)
 *   2  an HTTP response header block
 *   3  an HTTP chunked body, fed in pieces whose sizes the input picks
 *   4  an HTTP WWW-Authenticate challenge
 *
 * Every input is copied to a buffer of exactly its size, so that the
 * sanitizers see any read past the end.
 *
 *     make bin/host/net-input-fuzz && bin/host/net-input-fuzz -runs=100000
 */

#include <stddef.h>
#include <stdint.h>
#include "arch/host/host.h"
#include "core/shell.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/iobuf.h"
#include "core/xfer.h"
#include "core/process.h"
#include "core/endian.h"
#include "core/compiler.h"
#include "net/netdevice.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/socket.h"
#include "net/http.h"

/** Longest input used */
#define NET_INPUT_FUZZ_MAX_LEN 4096

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** The fuzzed device */
static struct net_device *net_input_netdev;
/** Far ends of the sockets kept open (they take whatever comes) */
static struct xfer net_input_udp, net_input_tcp;
/** What the far ends do: nothing (data delivered to them is freed) */
static const struct xfer_operations net_input_sink_operations;
/** Our and the peer's addresses */
static const uint8_t net_input_peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };

/**
 * Open the fuzzed device: nothing to do
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int net_input_open(struct net_device *netdev)
{
	netdev_link_up(netdev);
	return 0;
}

/**
 * Close the fuzzed device: nothing to do
 *
 * @v netdev		Network device
 */
static void net_input_close(struct net_device *netdev)
{
}

/**
 * Send a frame: it is gone at once
 *
 * @v netdev		Network device
 * @v iob		Frame
 * @ret rc		Return status code
 */
static int net_input_transmit(struct net_device *netdev,
			      struct io_buffer *iob)
{
	netdev_tx_complete(netdev, iob);
	return 0;
}

/**
 * Poll the fuzzed device: frames arrive only from the fuzzer
 *
 * @v netdev		Network device
 */
static void net_input_poll(struct net_device *netdev)
{
}

/** The fuzzed device's operations */
static const struct net_device_operations net_input_operations = {
	.open = net_input_open,
	.close = net_input_close,
	.transmit = net_input_transmit,
	.poll = net_input_poll,
};

/**
 * Set up Ferry, the device and the sockets, once
 */
static void net_input_fuzz_init(void)
{
	static int initialised;
	struct in_addr address, netmask, gateway;
	struct sockaddr_in peer;

	if (initialised)
		return;
	initialised = 1;
	host_memory_init();
	ferry_init();
	host_console.disabled = 1;

	net_input_netdev = netdev_alloc(0);
	net_input_netdev->op = &net_input_operations;
	memcpy(net_input_netdev->hw_addr, "\x02\x00\x00\x00\x00\x02",
	       ETH_ALEN);
	netdev_register(net_input_netdev);
	netdev_open(net_input_netdev);
	inet_aton("192.0.2.10", &address);
	inet_aton("255.255.255.0", &netmask);
	inet_aton("192.0.2.1", &gateway);
	ipv4_route_add(net_input_netdev, address, netmask, gateway);

	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_addr = gateway;
	peer.sin_port = htons(69);
	xfer_init(&net_input_udp, &net_input_sink_operations, NULL);
	xfer_open_socket(&net_input_udp, SOCK_DGRAM, (struct sockaddr *)&peer,
			 NULL);
	peer.sin_port = htons(80);
	xfer_init(&net_input_tcp, &net_input_sink_operations, NULL);
	xfer_open_socket(&net_input_tcp, SOCK_STREAM, (struct sockaddr *)&peer,
			 NULL);
}

/**
 * Receive a frame on the fuzzed device and process it
 *
 * @v header		Ethernet header to put first, or NULL
 * @v data		Frame (or packet, after the header)
 * @v len		Length
 */
static void net_input_fuzz_frame(const struct ethhdr *header,
				 const uint8_t *data, size_t len)
{
	size_t header_len = (header ? sizeof(*header) : 0);
	struct io_buffer *iob;

	iob = iob_alloc(header_len + len);
	if (!iob)
		return;
	if (header)
		memcpy(iob_put(iob, header_len), header, header_len);
	memcpy(iob_put(iob, len), data, len);
	netdev_rx(net_input_netdev, iob);
	netdev_poll(net_input_netdev);
	step();
}

/**
 * Feed a chunked body to the decoder in pieces
 *
 * @v data		First byte: piece size; then the body
 * @v len		Length
 */
static void net_input_fuzz_chunked(const uint8_t *data, size_t len)
{
	struct http_chunked chunked;
	uint8_t *copy;
	size_t piece;
	size_t offset = 0;
	size_t data_len;
	size_t used;

	if (len < 1)
		return;
	piece = (data[0] ? data[0] : 1);
	copy = heap_alloc(len);
	if (!copy)
		return;
	memcpy(copy, data + 1, len - 1);
	http_chunked_init(&chunked);
	while (offset < (len - 1)) {
		size_t this = min(piece, (len - 1 - offset));

		if (http_chunked_decode(&chunked, copy + offset, this, &data_len,
					&used) != 0)
			break;
		if (!used)
			break;
		offset += used;
	}
	heap_free(copy);
}

/**
 * Fuzz one input
 *
 * @v data		Input
 * @v size		Length
 * @ret rc		0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ethhdr header;
	struct http_response response;
	struct http_auth auth;
	char *text;

	net_input_fuzz_init();
	if (size < 1 || size > NET_INPUT_FUZZ_MAX_LEN)
		return 0;
	switch (data[0] % 5) {
	case 0:
		net_input_fuzz_frame(NULL, data + 1, size - 1);
		break;
	case 1:
		memcpy(header.h_dest, net_input_netdev->ll_addr, ETH_ALEN);
		memcpy(header.h_source, net_input_peer_mac, ETH_ALEN);
		header.h_protocol = htons(ETH_P_IP);
		net_input_fuzz_frame(&header, data + 1, size - 1);
		break;
	case 2:
	case 4:
		text = heap_alloc(size);
		if (!text)
			break;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		if (data[0] % 5 == 2) {
			memset(&response, 0, sizeof(response));
			http_parse_response(text, size - 1, &response);
		} else {
			http_auth_init(&auth);
			http_auth_challenge(&auth, text);
			http_auth_clear(&auth);
		}
		heap_free(text);
		break;
	case 3:
		net_input_fuzz_chunked(data + 1, size - 1);
		break;
	}
	return 0;
}
