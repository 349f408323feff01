/** @file
 *
 * libFuzzer target: a TFTP server that says whatever the fuzzer wants
 *
 * Each input is one download: a tftp:// URI is opened on a fake network
 * device (as net-input-fuzz sets one up), the read request goes out, and
 * the input is then a list of records, each one thing the "server" at
 * 192.0.2.1 does.  The first byte of a record picks it:
 *
 *   0  a raw TFTP packet: a length byte, then that many bytes
 *   1  DATA: a signed byte moving the block number from the next one
 *      expected (0 sends it and moves on), and a byte choosing the size
 *      (the block size, 512, 1468, short, one too many, or any)
 *   2  OACK with raw option bytes (NULs where the input has them)
 *   3  OACK built from option names (blksize, windowsize, tsize,
 *      timeout, unknown ones, odd case) and values (small or huge
 *      numbers, empty, or raw bytes)
 *   4  ERROR: a 16-bit code and a message with no NUL at its end
 *   5  a DATA block from the wrong port or the wrong address
 *   6  time passes (a byte times 50 ms), so timers fire
 *   7  the reader gives up (as Ctrl-C would); the rest is ignored
 *   8  the last packet again (a duplicate)
 *
 * Packets are whole Ethernet frames carrying IPv4 and UDP, received
 * through netdev_rx() and processed as a NIC's would be.  Frames Ferry
 * sends are looked at: ARP requests are answered, so that time passing
 * cannot strand a packet; and every ACK must name the last block
 * delivered in order.
 *
 * When the records run out, time is moved on until the download ends:
 * a TFTP transfer that never finishes is a bug, as is one that leaves
 * heap memory behind, delivers data out of order or after it closed,
 * or closes twice.  Any of these aborts, which libFuzzer reports.
 *
 *     make bin/host/tftp-fuzz && bin/host/tftp-fuzz -runs=100000
 */

#include <stddef.h>
#include <stdint.h>
#include "arch/host/host.h"
#include "core/shell.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/printf.h"
#include "core/iobuf.h"
#include "core/xfer.h"
#include "core/process.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/compiler.h"
#include "net/netdevice.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/arp.h"
#include "net/udp.h"
#include "net/tcpip.h"
#include "net/socket.h"
#include "net/uri.h"

/** Longest input used */
#define TFTP_FUZZ_MAX_LEN 8192
/** Longest TFTP packet sent (a 1468-byte block with room to spare) */
#define TFTP_FUZZ_MAX_PACKET 2048
/** The server's well-known port */
#define TFTP_FUZZ_PORT 69
/** The port the server answers from (its transfer ID) */
#define TFTP_FUZZ_SERVER_TID 40000
/** Time moved on per step once the records run out */
#define TFTP_FUZZ_IDLE_STEP_MS 10000
/** Steps allowed before a silent server must have been given up on:
 * Ferry's retries take well under two minutes */
#define TFTP_FUZZ_IDLE_STEPS 15
/** Times the network is drained after each record (ARP answers, then
 * what was waiting for them) */
#define TFTP_FUZZ_DRAIN_STEPS 4

/* TFTP opcodes, as on the wire */
#define TFTP_FUZZ_RRQ 1
#define TFTP_FUZZ_DATA 3
#define TFTP_FUZZ_ACK 4
#define TFTP_FUZZ_ERROR 5
#define TFTP_FUZZ_OACK 6

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** The reader's end of the download */
struct tftp_fuzz_sink {
	/** Endpoint plugged into the TFTP request */
	struct xfer xfer;
	/** Data blocks delivered (deliveries with an offset) */
	unsigned long blocks;
	/** Bytes delivered, which is where the next block must go */
	uint64_t position;
	/** Length of the last block */
	size_t last_len;
	/** Times closed */
	unsigned int closed;
	/** Status it closed with */
	int rc;
};

/** What the fuzzed input is read from */
struct tftp_fuzz_input {
	/** Next byte */
	const uint8_t *data;
	/** Bytes left */
	size_t len;
};

/** The fuzzed device */
static struct net_device *tftp_fuzz_netdev;
/** The reader */
static struct tftp_fuzz_sink tftp_fuzz_sink;
/** Our address, and the server's */
static struct in_addr tftp_fuzz_our_ip, tftp_fuzz_server_ip;
/** The server's hardware address */
static const uint8_t tftp_fuzz_server_mac[ETH_ALEN] = {
	0x02, 0, 0, 0, 0, 1
};
/** Ferry's UDP port for the download (learnt from its read request),
 * in network byte order; 0 until known */
static uint16_t tftp_fuzz_client_port;
/** Read requests and ACKs Ferry sent during this input */
static unsigned int tftp_fuzz_rrqs, tftp_fuzz_acks;
/** The last packet sent to Ferry, for duplicates */
static uint8_t tftp_fuzz_last[TFTP_FUZZ_MAX_PACKET];
/** Its length (0: none yet) */
static size_t tftp_fuzz_last_len;
/** Frames waiting to be received (ARP answers made while transmitting) */
static LIST_HEAD(tftp_fuzz_pending);

/**
 * Stop with a report: an invariant broke
 *
 * @v what		What broke
 */
static void __attribute__((noreturn)) tftp_fuzz_fail(const char *what)
{
	host_console.disabled = 0;
	printf("tftp-fuzz: %s\n", what);
	host_console_flush();
	__builtin_trap();
}

/**
 * The reader receives data
 *
 * @v xfer		Reader's endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		0
 */
static int tftp_fuzz_sink_deliver(struct xfer *xfer, struct io_buffer *iob,
				  struct xfer_metadata *meta)
{
	struct tftp_fuzz_sink *sink =
		container_of(xfer, struct tftp_fuzz_sink, xfer);
	size_t len = iob_len(iob);

	iob_free(iob);
	if (sink->closed)
		tftp_fuzz_fail("data delivered after the close");
	if (!meta || !(meta->flags & XFER_META_OFFSET)) {
		/* Only the size (tsize) comes without an offset */
		if (len || !meta || !(meta->flags & XFER_META_SIZE))
			tftp_fuzz_fail("data delivered without an offset");
		return 0;
	}
	if (meta->offset != sink->position)
		tftp_fuzz_fail("block delivered out of order");
	if (sink->blocks && sink->last_len < len)
		tftp_fuzz_fail("block longer than the one before");
	sink->blocks++;
	sink->position += len;
	sink->last_len = len;
	return 0;
}

/**
 * The download ended
 *
 * @v xfer		Reader's endpoint
 * @v rc		Status
 */
static void tftp_fuzz_sink_close(struct xfer *xfer, int rc)
{
	struct tftp_fuzz_sink *sink =
		container_of(xfer, struct tftp_fuzz_sink, xfer);

	if (sink->closed++)
		tftp_fuzz_fail("closed twice");
	sink->rc = rc;
}

/** The reader's operations */
static const struct xfer_operations tftp_fuzz_sink_operations = {
	.deliver = tftp_fuzz_sink_deliver,
	.close = tftp_fuzz_sink_close,
};

/**
 * Answer an ARP request for any address but ours with the server's
 * hardware address
 *
 * @v frame		Frame sent (an ARP request)
 * @v len		Its length
 */
static void tftp_fuzz_answer_arp(const uint8_t *frame, size_t len)
{
	const struct arp_ether_ipv4 *request;
	struct arp_ether_ipv4 *reply;
	struct ethhdr *ethhdr;
	struct io_buffer *iob;

	if (len < (sizeof(*ethhdr) + sizeof(*request)))
		return;
	request = (const void *)(frame + sizeof(*ethhdr));
	if (request->hdr.ar_op != htons(ARPOP_REQUEST) ||
	    request->tpa.s_addr == tftp_fuzz_our_ip.s_addr)
		return;
	iob = iob_alloc(sizeof(*ethhdr) + sizeof(*reply));
	if (!iob)
		return;
	ethhdr = iob_put(iob, sizeof(*ethhdr));
	memcpy(ethhdr->h_dest, tftp_fuzz_netdev->ll_addr, ETH_ALEN);
	memcpy(ethhdr->h_source, tftp_fuzz_server_mac, ETH_ALEN);
	ethhdr->h_protocol = htons(ETH_P_ARP);
	reply = iob_put(iob, sizeof(*reply));
	reply->hdr = request->hdr;
	reply->hdr.ar_op = htons(ARPOP_REPLY);
	memcpy(reply->sha, tftp_fuzz_server_mac, ETH_ALEN);
	reply->spa = request->tpa;
	memcpy(reply->tha, request->sha, ETH_ALEN);
	reply->tpa = request->spa;
	list_add_tail(&iob->list, &tftp_fuzz_pending);
}

/**
 * Look at a UDP datagram Ferry sent to the server
 *
 * Learns the download's port from the read request, and checks that an
 * ACK names the last block the reader has (RFC 1350: an ACK
 * acknowledges everything up to it, and Ferry only ever acknowledges
 * blocks in order).
 *
 * @v udphdr		UDP header
 * @v len		Length of header and payload
 */
static void tftp_fuzz_sent_udp(const struct udp_header *udphdr, size_t len)
{
	const uint8_t *payload = (const uint8_t *)(udphdr + 1);
	unsigned int opcode;
	unsigned int block;

	if (len < (sizeof(*udphdr) + 4))
		return;
	opcode = ((payload[0] << 8) | payload[1]);
	block = ((payload[2] << 8) | payload[3]);
	switch (opcode) {
	case TFTP_FUZZ_RRQ:
		if (udphdr->dest != htons(TFTP_FUZZ_PORT))
			tftp_fuzz_fail("read request not sent to port 69");
		tftp_fuzz_client_port = udphdr->src;
		tftp_fuzz_rrqs++;
		break;
	case TFTP_FUZZ_ACK:
		if (block != (tftp_fuzz_sink.blocks & 0xffff))
			tftp_fuzz_fail("ACK does not name the last block");
		tftp_fuzz_acks++;
		break;
	}
}

/**
 * Open the fuzzed device: the link is up at once
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int tftp_fuzz_open(struct net_device *netdev)
{
	netdev_link_up(netdev);
	return 0;
}

/**
 * Close the fuzzed device: nothing to do
 *
 * @v netdev		Network device
 */
static void tftp_fuzz_close(struct net_device *netdev)
{
}

/**
 * Send a frame: look at it, then it is gone
 *
 * @v netdev		Network device
 * @v iob		Frame
 * @ret rc		Return status code
 */
static int tftp_fuzz_transmit(struct net_device *netdev,
			      struct io_buffer *iob)
{
	const uint8_t *frame = iob->data;
	size_t len = iob_len(iob);
	const struct ethhdr *ethhdr = iob->data;
	const struct iphdr *iphdr;
	size_t hdrlen;

	if (len >= sizeof(*ethhdr) && ethhdr->h_protocol == htons(ETH_P_ARP))
		tftp_fuzz_answer_arp(frame, len);
	if (len >= (sizeof(*ethhdr) + sizeof(*iphdr)) &&
	    ethhdr->h_protocol == htons(ETH_P_IP)) {
		iphdr = (const void *)(frame + sizeof(*ethhdr));
		hdrlen = ((iphdr->verhdrlen & 0x0f) * 4);
		if (iphdr->protocol == IP_UDP &&
		    iphdr->dest.s_addr == tftp_fuzz_server_ip.s_addr &&
		    len >= (sizeof(*ethhdr) + hdrlen +
			    sizeof(struct udp_header))) {
			tftp_fuzz_sent_udp((const void *)(frame +
							  sizeof(*ethhdr) +
							  hdrlen),
					   (len - sizeof(*ethhdr) - hdrlen));
		}
	}
	netdev_tx_complete(netdev, iob);
	return 0;
}

/**
 * Poll the fuzzed device: hand over the ARP answers made meanwhile
 *
 * @v netdev		Network device
 */
static void tftp_fuzz_poll(struct net_device *netdev)
{
	struct io_buffer *iob;

	while (!list_empty(&tftp_fuzz_pending)) {
		iob = list_first_entry(&tftp_fuzz_pending, struct io_buffer,
				       list);
		list_del(&iob->list);
		netdev_rx(netdev, iob);
	}
}

/** The fuzzed device's operations */
static const struct net_device_operations tftp_fuzz_operations = {
	.open = tftp_fuzz_open,
	.close = tftp_fuzz_close,
	.transmit = tftp_fuzz_transmit,
	.poll = tftp_fuzz_poll,
};

/**
 * Let Ferry process what is waiting: received frames, the ARP answers
 * they cause, and the packets that waited for those
 */
static void tftp_fuzz_drain(void)
{
	unsigned int i;

	for (i = 0; i < TFTP_FUZZ_DRAIN_STEPS; i++) {
		netdev_poll(tftp_fuzz_netdev);
		step();
	}
}

/**
 * Move time on and let the timers fire
 *
 * @v ms		Milliseconds
 */
static void tftp_fuzz_time_passes(unsigned long ms)
{
	host_clock_skew_ms += ms;
	tftp_fuzz_drain();
}

/**
 * Set up Ferry and the device, once
 */
static void tftp_fuzz_init(void)
{
	static int initialised;
	struct in_addr netmask;

	if (initialised)
		return;
	initialised = 1;
	host_memory_init();
	ferry_init();
	host_console.disabled = 1;

	tftp_fuzz_netdev = netdev_alloc(0);
	tftp_fuzz_netdev->op = &tftp_fuzz_operations;
	memcpy(tftp_fuzz_netdev->hw_addr, "\x02\x00\x00\x00\x00\x02",
	       ETH_ALEN);
	netdev_register(tftp_fuzz_netdev);
	netdev_open(tftp_fuzz_netdev);
	inet_aton("192.0.2.10", &tftp_fuzz_our_ip);
	inet_aton("192.0.2.1", &tftp_fuzz_server_ip);
	inet_aton("255.255.255.0", &netmask);
	ipv4_route_add(tftp_fuzz_netdev, tftp_fuzz_our_ip, netmask,
		       tftp_fuzz_server_ip);
}

/**
 * Take bytes from the input
 *
 * @v input		Input
 * @v len		Bytes wanted
 * @ret data		The bytes, or NULL if the input has fewer left
 */
static const uint8_t *tftp_fuzz_take(struct tftp_fuzz_input *input,
				     size_t len)
{
	const uint8_t *data = input->data;

	if (len > input->len)
		return NULL;
	input->data += len;
	input->len -= len;
	return data;
}

/**
 * Take one byte from the input
 *
 * @v input		Input
 * @ret byte		The byte, or 0 when the input has run out
 */
static unsigned int tftp_fuzz_byte(struct tftp_fuzz_input *input)
{
	const uint8_t *data = tftp_fuzz_take(input, 1);

	return (data ? data[0] : 0);
}

/**
 * Send a UDP datagram to Ferry's download port, as a frame on the wire
 *
 * @v src		Source address
 * @v src_port		Source port (host order)
 * @v payload		Payload
 * @v len		Length (at most TFTP_FUZZ_MAX_PACKET)
 */
static void tftp_fuzz_send_from(struct in_addr src, unsigned int src_port,
				const void *payload, size_t len)
{
	struct ethhdr *ethhdr;
	struct iphdr *iphdr;
	struct udp_header *udphdr;
	struct io_buffer *iob;

	iob = iob_alloc(sizeof(*ethhdr) + sizeof(*iphdr) + sizeof(*udphdr) +
			len);
	if (!iob)
		return;
	ethhdr = iob_put(iob, sizeof(*ethhdr));
	memcpy(ethhdr->h_dest, tftp_fuzz_netdev->ll_addr, ETH_ALEN);
	memcpy(ethhdr->h_source, tftp_fuzz_server_mac, ETH_ALEN);
	ethhdr->h_protocol = htons(ETH_P_IP);
	iphdr = iob_put(iob, sizeof(*iphdr));
	memset(iphdr, 0, sizeof(*iphdr));
	iphdr->verhdrlen = 0x45;
	iphdr->len = htons(sizeof(*iphdr) + sizeof(*udphdr) + len);
	iphdr->ttl = 64;
	iphdr->protocol = IP_UDP;
	iphdr->src = src;
	iphdr->dest = tftp_fuzz_our_ip;
	iphdr->chksum = tcpip_chksum(iphdr, sizeof(*iphdr));
	udphdr = iob_put(iob, sizeof(*udphdr));
	udphdr->src = htons(src_port);
	udphdr->dest = tftp_fuzz_client_port;
	udphdr->len = htons(sizeof(*udphdr) + len);
	udphdr->chksum = 0;	/* none: allowed over IPv4 */
	memcpy(iob_put(iob, len), payload, len);
	netdev_rx(tftp_fuzz_netdev, iob);
	tftp_fuzz_drain();
}

/**
 * Send a TFTP packet from the server's transfer ID (and keep it for a
 * duplicate)
 *
 * @v packet		Packet
 * @v len		Length (at most TFTP_FUZZ_MAX_PACKET)
 */
static void tftp_fuzz_send(const void *packet, size_t len)
{
	if (packet != tftp_fuzz_last) {
		memcpy(tftp_fuzz_last, packet, len);
		tftp_fuzz_last_len = len;
	}
	tftp_fuzz_send_from(tftp_fuzz_server_ip, TFTP_FUZZ_SERVER_TID, packet,
			    len);
}

/**
 * Build a DATA packet
 *
 * @v packet		Buffer (TFTP_FUZZ_MAX_PACKET bytes)
 * @v block		Block number
 * @v size		Bytes of data
 * @ret len		Packet length
 */
static size_t tftp_fuzz_data(uint8_t *packet, unsigned int block, size_t size)
{
	if (size > (TFTP_FUZZ_MAX_PACKET - 4))
		size = (TFTP_FUZZ_MAX_PACKET - 4);
	packet[0] = 0;
	packet[1] = TFTP_FUZZ_DATA;
	packet[2] = (block >> 8);
	packet[3] = block;
	memset(packet + 4, (block & 0xff), size);
	return (4 + size);
}

/**
 * Pick a DATA block's size from a byte of input
 *
 * @v input		Input
 * @v blksize		Block size the server believes it agreed
 * @ret size		Bytes of data
 */
static size_t tftp_fuzz_data_size(struct tftp_fuzz_input *input,
				  unsigned int blksize)
{
	unsigned int choice = tftp_fuzz_byte(input);

	switch (choice % 6) {
	case 0:
		return blksize;
	case 1:
		return 512;
	case 2:
		return 1468;
	case 3:
		return tftp_fuzz_byte(input);
	case 4:
		return (blksize + 1);
	default:
		return (((tftp_fuzz_byte(input) << 8) | tftp_fuzz_byte(input)) %
			(TFTP_FUZZ_MAX_PACKET - 3));
	}
}

/**
 * Build an OACK from option names and values the input picks
 *
 * @v input		Input
 * @v packet		Buffer (TFTP_FUZZ_MAX_PACKET bytes)
 * @v blksize		Block size the server now believes in (updated)
 * @ret len		Packet length
 */
static size_t tftp_fuzz_oack(struct tftp_fuzz_input *input, uint8_t *packet,
			     unsigned int *blksize)
{
	static const char *names[] = {
		"blksize", "windowsize", "tsize", "timeout", "BlkSize",
		"WINDOWSIZE", "multicast", "", "blksize\xff",
	};
	unsigned int count = (tftp_fuzz_byte(input) % 6);
	size_t len = 2;
	unsigned long long value;
	const char *name;
	const uint8_t *raw;
	char number[24];
	size_t raw_len;
	unsigned int i;
	unsigned int j;

	packet[0] = 0;
	packet[1] = TFTP_FUZZ_OACK;
	for (i = 0; i < count; i++) {
		name = names[tftp_fuzz_byte(input) % ARRAY_SIZE(names)];
		switch (tftp_fuzz_byte(input) % 4) {
		case 0:
			value = ((tftp_fuzz_byte(input) << 8) |
				 tftp_fuzz_byte(input));
			snprintf(number, sizeof(number), "%llu", value);
			break;
		case 1:
			value = 0;
			for (j = 0; j < 8; j++)
				value = ((value << 8) | tftp_fuzz_byte(input));
			snprintf(number, sizeof(number), "%llu", value);
			break;
		case 2:
			number[0] = '\0';
			break;
		default:
			raw_len = (tftp_fuzz_byte(input) % sizeof(number));
			raw = tftp_fuzz_take(input, raw_len);
			if (!raw)
				raw_len = 0;
			memcpy(number, raw, raw_len);
			number[raw_len] = '\0';
			break;
		}
		if ((len + strlen(name) + 1 + sizeof(number)) >
		    TFTP_FUZZ_MAX_PACKET)
			break;
		memcpy(packet + len, name, (strlen(name) + 1));
		len += (strlen(name) + 1);
		memcpy(packet + len, number, (strlen(number) + 1));
		len += (strlen(number) + 1);
		if (strcmp(name, "blksize") == 0 && number[0])
			*blksize = strtoul(number, NULL, 10);
	}
	return len;
}

/**
 * Play the server's part from the input's records
 *
 * @v input		Input
 */
static void tftp_fuzz_records(struct tftp_fuzz_input *input)
{
	static uint8_t packet[TFTP_FUZZ_MAX_PACKET];
	unsigned int next_block = 1;
	unsigned int blksize = 512;
	struct in_addr elsewhere;
	const uint8_t *raw;
	size_t len;
	int delta;

	while (input->len) {
		switch (tftp_fuzz_byte(input) % 9) {
		case 0:
			len = tftp_fuzz_byte(input);
			raw = tftp_fuzz_take(input, len);
			if (raw)
				tftp_fuzz_send(raw, len);
			break;
		case 1:
			delta = (int8_t)tftp_fuzz_byte(input);
			len = tftp_fuzz_data(packet, ((next_block + delta) &
						      0xffff),
					     tftp_fuzz_data_size(input,
								 blksize));
			if (!delta)
				next_block++;
			tftp_fuzz_send(packet, len);
			break;
		case 2:
			len = tftp_fuzz_byte(input);
			raw = tftp_fuzz_take(input, len);
			if (!raw)
				break;
			packet[0] = 0;
			packet[1] = TFTP_FUZZ_OACK;
			memcpy(packet + 2, raw, len);
			tftp_fuzz_send(packet, (2 + len));
			break;
		case 3:
			tftp_fuzz_send(packet, tftp_fuzz_oack(input, packet,
							      &blksize));
			break;
		case 4:
			packet[0] = 0;
			packet[1] = TFTP_FUZZ_ERROR;
			packet[2] = tftp_fuzz_byte(input);
			packet[3] = tftp_fuzz_byte(input);
			len = tftp_fuzz_byte(input);
			raw = tftp_fuzz_take(input, len);
			if (!raw)
				len = 0;
			memcpy(packet + 4, raw, len);
			tftp_fuzz_send(packet, (4 + len));
			break;
		case 5:
			len = tftp_fuzz_data(packet, next_block, blksize);
			if (tftp_fuzz_byte(input) & 1) {
				tftp_fuzz_send_from(tftp_fuzz_server_ip,
						    (TFTP_FUZZ_SERVER_TID + 1),
						    packet, len);
			} else {
				inet_aton("192.0.2.2", &elsewhere);
				tftp_fuzz_send_from(elsewhere,
						    TFTP_FUZZ_SERVER_TID,
						    packet, len);
			}
			break;
		case 6:
			tftp_fuzz_time_passes(tftp_fuzz_byte(input) * 50UL);
			break;
		case 7:
			xfer_close(&tftp_fuzz_sink.xfer, -ECANCELED);
			tftp_fuzz_sink.closed = 1;
			return;
		default:
			if (tftp_fuzz_last_len)
				tftp_fuzz_send(tftp_fuzz_last,
					       tftp_fuzz_last_len);
			break;
		}
	}
}

/**
 * Fuzz one input: one download
 *
 * @v data		Input
 * @v size		Length
 * @ret rc		0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_fuzz_input input = { .data = data, .len = size };
	struct uri *uri;
	size_t heap_free_before;
	unsigned int i;
	int rc;

	tftp_fuzz_init();
	if (size > TFTP_FUZZ_MAX_LEN)
		return 0;

	/* Nothing of an earlier input is left: no ARP entry, no frames */
	arp_flush(tftp_fuzz_netdev);
	tftp_fuzz_drain();
	heap_free_before = heap_pool.free;
	memset(&tftp_fuzz_sink, 0, sizeof(tftp_fuzz_sink));
	xfer_init(&tftp_fuzz_sink.xfer, &tftp_fuzz_sink_operations, NULL);
	tftp_fuzz_client_port = 0;
	tftp_fuzz_rrqs = tftp_fuzz_acks = 0;
	tftp_fuzz_last_len = 0;

	/* Open the download; the read request goes out after ARP */
	uri = uri_parse("tftp://192.0.2.1/boot/vmlinuz");
	if (!uri)
		tftp_fuzz_fail("URI not parsed");
	rc = xfer_open_uri(&tftp_fuzz_sink.xfer, uri);
	uri_put(uri);
	if (rc != 0)
		tftp_fuzz_fail("tftp:// did not open");
	tftp_fuzz_drain();
	if (!tftp_fuzz_client_port)
		tftp_fuzz_fail("no read request was sent");

	tftp_fuzz_records(&input);

	/* A server gone silent is given up on, in bounded time */
	for (i = 0; i < TFTP_FUZZ_IDLE_STEPS && !tftp_fuzz_sink.closed; i++)
		tftp_fuzz_time_passes(TFTP_FUZZ_IDLE_STEP_MS);
	if (!tftp_fuzz_sink.closed)
		tftp_fuzz_fail("the download never ended");

	/* Everything the download used is freed */
	arp_flush(tftp_fuzz_netdev);
	tftp_fuzz_drain();
	if (heap_pool.free != heap_free_before)
		tftp_fuzz_fail("heap memory left behind");
	return 0;
}
