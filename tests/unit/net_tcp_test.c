/** @file
 *
 * Unit tests: TCP
 *
 * The pieces (option parsing, sequence arithmetic, the RTO estimator,
 * the reassembly queue, the SACK scoreboard) are tested on their own.
 * Whole connections run against a fake network protocol registered in
 * this file for an address family of its own: what TCP sends is
 * captured, and the test plays the peer by feeding segments to
 * tcp_protocol.rx.  The pseudo-header checksum is that of nothing.
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "net/tcp.h"
#include "net/tcpip.h"
#include "net/netdevice.h"
#include "net/socket.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/process.h"
#include "core/platform.h"
#include "core/string.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/compiler.h"

/** The fake network's address family */
#define TCP_TEST_AF          0x7e01
/** The fake network's header length */
#define TCP_TEST_HEADER_LEN  20
/** The fake device's MTU */
#define TCP_TEST_MTU         1500
/** MSS TCP should advertise: MTU less the network and TCP headers */
#define TCP_TEST_MSS         (TCP_TEST_MTU - TCP_TEST_HEADER_LEN - TCP_HEADER_LEN)
/** Most segments captured */
#define TCP_TEST_CAPTURE_MAX 64
/** Most data the test user collects */
#define TCP_TEST_RX_MAX      (64 * 1024)
/** The peer's port */
#define TCP_TEST_PEER_PORT   8080
/** The local port the tests ask for */
#define TCP_TEST_LOCAL_PORT  40000

/** The fake device segments are routed through */
static struct net_device tcp_test_netdev = {
	.name = "tcptest",
	.mtu = TCP_TEST_MTU,
};

/** Segments TCP sent, oldest first */
static struct io_buffer *tcp_test_captured[TCP_TEST_CAPTURE_MAX];
/** Number of segments captured */
static unsigned int tcp_test_capture_count;
/** Captured segments whose checksum was wrong */
static unsigned int tcp_test_bad_checksums;
/** Whether the route exists */
static int tcp_test_unreachable;

/**
 * Capture a segment sent through the fake network
 *
 * @v iob		Segment (owned by this call)
 * @v tcpip_protocol	Transport protocol
 * @v st_src		Source address, or NULL
 * @v st_dest		Destination address
 * @v netdev		Device, or NULL
 * @v trans_csum	Checksum field to complete, or NULL
 * @ret rc		Return status code
 */
static int tcp_test_tx(struct io_buffer *iob,
		       struct tcpip_protocol *tcpip_protocol,
		       struct sockaddr_tcpip *st_src,
		       struct sockaddr_tcpip *st_dest,
		       struct net_device *netdev, uint16_t *trans_csum)
{
	if (tcpip_chksum(iob->data, iob_len(iob)) != 0)
		tcp_test_bad_checksums++;
	if (tcp_test_capture_count >= TCP_TEST_CAPTURE_MAX) {
		iob_free(iob);
		return -ENOBUFS;
	}
	tcp_test_captured[tcp_test_capture_count++] = iob;
	return 0;
}

/**
 * Route through the fake device
 *
 * @v st_dest		Destination
 * @ret netdev		Fake device, or NULL when told to be unreachable
 */
static struct net_device *tcp_test_route(struct sockaddr_tcpip *st_dest)
{
	return (tcp_test_unreachable ? NULL : &tcp_test_netdev);
}

/** The fake network */
struct tcpip_net_protocol tcp_test_net_protocol __tcpip_net_protocol = {
	.name = "tcp-test",
	.sa_family = TCP_TEST_AF,
	.header_len = TCP_TEST_HEADER_LEN,
	.tx = tcp_test_tx,
	.route = tcp_test_route,
};

/**
 * Forget every captured segment
 */
static void tcp_test_capture_reset(void)
{
	unsigned int i;

	for (i = 0; i < tcp_test_capture_count; i++)
		iob_free(tcp_test_captured[i]);
	tcp_test_capture_count = 0;
}

/** A captured segment, parsed */
struct tcp_test_segment {
	uint32_t seq;
	uint32_t ack;
	unsigned int flags;
	uint16_t win;
	uint16_t src;
	uint16_t dest;
	const uint8_t *data;
	size_t len;
	struct tcp_options opts;
	int opts_rc;
};

/**
 * Parse a captured segment
 *
 * @v index		Index (negative: from the end)
 * @v seg		Parsed segment to fill in
 * @ret ok		Segment exists
 */
static int tcp_test_get(int index, struct tcp_test_segment *seg)
{
	struct tcp_header *tcphdr;
	struct io_buffer *iob;
	size_t hlen;

	if (index < 0)
		index += tcp_test_capture_count;
	if (index < 0 || (unsigned int)index >= tcp_test_capture_count)
		return 0;
	iob = tcp_test_captured[index];
	tcphdr = iob->data;
	hlen = ((tcphdr->hlen >> 4) * 4);
	seg->seq = ntohl(tcphdr->seq);
	seg->ack = ntohl(tcphdr->ack);
	seg->flags = tcphdr->flags;
	seg->win = ntohs(tcphdr->win);
	seg->src = ntohs(tcphdr->src);
	seg->dest = ntohs(tcphdr->dest);
	seg->data = (iob->data + hlen);
	seg->len = (iob_len(iob) - hlen);
	seg->opts_rc = tcp_options_parse((iob->data + TCP_HEADER_LEN),
					 (hlen - TCP_HEADER_LEN), &seg->opts);
	return 1;
}

/** The test's user of a connection */
struct tcp_test_user {
	struct refcnt refcnt;
	struct xfer xfer;
	uint8_t data[TCP_TEST_RX_MAX];
	size_t len;
	size_t total;
	int closed;
	int close_rc;
	unsigned int window_changes;
	/** Offer no window (as HTTP does until its connection is up) */
	int closed_window;
};

/** The one test user */
static struct tcp_test_user tcp_test_user;

/**
 * Nothing to free: the test user is static
 *
 * @v refcnt		Reference counter
 */
static void tcp_test_user_free(struct refcnt *refcnt)
{
}

/**
 * Collect data from the connection
 *
 * @v xfer		Endpoint
 * @v iob		Data
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int tcp_test_user_deliver(struct xfer *xfer, struct io_buffer *iob,
				 struct xfer_metadata *meta)
{
	struct tcp_test_user *user =
		container_of(xfer, struct tcp_test_user, xfer);
	size_t len = iob_len(iob);

	if (len > (sizeof(user->data) - user->len))
		len = (sizeof(user->data) - user->len);
	memcpy(&user->data[user->len], iob->data, len);
	user->len += len;
	user->total += iob_len(iob);
	iob_free(iob);
	return 0;
}

/**
 * Count window changes
 *
 * @v xfer		Endpoint
 */
static void tcp_test_user_window_changed(struct xfer *xfer)
{
	struct tcp_test_user *user =
		container_of(xfer, struct tcp_test_user, xfer);

	user->window_changes++;
}

/**
 * Offer a window: unlimited, or none while closed_window is set
 *
 * @v xfer		Endpoint
 * @ret len		Window
 */
static size_t tcp_test_user_window(struct xfer *xfer)
{
	struct tcp_test_user *user =
		container_of(xfer, struct tcp_test_user, xfer);

	return (user->closed_window ? 0 : ~(size_t)0);
}

/**
 * Record the close
 *
 * @v xfer		Endpoint
 * @v rc		Reason
 */
static void tcp_test_user_close(struct xfer *xfer, int rc)
{
	struct tcp_test_user *user =
		container_of(xfer, struct tcp_test_user, xfer);

	user->closed = 1;
	user->close_rc = rc;
}

/** What the test user does */
static const struct xfer_operations tcp_test_user_operations = {
	.deliver = tcp_test_user_deliver,
	.window = tcp_test_user_window,
	.window_changed = tcp_test_user_window_changed,
	.close = tcp_test_user_close,
};

/** The peer's address */
static struct sockaddr_tcpip tcp_test_peer_addr;
/** Our address */
static struct sockaddr_tcpip tcp_test_local_addr;

/** The test's view of the peer */
struct tcp_test_peer {
	/** Our (TCP's) initial sequence number, from the SYN */
	uint32_t iss;
	/** Peer's next sequence number */
	uint32_t seq;
	/** Peer's timestamp clock */
	uint32_t ts;
	/** Latest timestamp TCP sent */
	uint32_t ts_recent;
	/** Local port TCP uses */
	uint16_t port;
	/** Acknowledgement number the peer sends */
	uint32_t ack;
};

/**
 * Set up addresses and the user; start from an empty capture
 */
static void tcp_test_setup(void)
{
	tcp_test_capture_reset();
	tcp_test_bad_checksums = 0;
	tcp_test_unreachable = 0;
	memset(&tcp_test_user, 0, sizeof(tcp_test_user));
	ref_init(&tcp_test_user.refcnt, tcp_test_user_free);
	xfer_init(&tcp_test_user.xfer, &tcp_test_user_operations,
		  &tcp_test_user.refcnt);
	memset(&tcp_test_peer_addr, 0, sizeof(tcp_test_peer_addr));
	tcp_test_peer_addr.st_family = TCP_TEST_AF;
	tcp_test_peer_addr.st_port = htons(TCP_TEST_PEER_PORT);
	tcp_test_peer_addr.st_data[0] = 1;
	memset(&tcp_test_local_addr, 0, sizeof(tcp_test_local_addr));
	tcp_test_local_addr.st_family = TCP_TEST_AF;
	tcp_test_local_addr.st_data[0] = 2;
}

/**
 * Feed a segment from the peer to TCP
 *
 * @v port		Local port (destination)
 * @v flags		Flags
 * @v seq		Sequence number
 * @v ack		Acknowledgement number
 * @v win		Window field
 * @v opts		Option bytes (a multiple of four), or NULL
 * @v opts_len		Length of the options
 * @v data		Data, or NULL
 * @v len		Length of the data
 * @ret rc		What tcp_protocol.rx returned
 */
static int tcp_test_rx(uint16_t port, unsigned int flags, uint32_t seq,
		       uint32_t ack, uint16_t win, const void *opts,
		       size_t opts_len, const void *data, size_t len)
{
	struct tcp_header *tcphdr;
	struct io_buffer *iob;
	struct sockaddr_tcpip src = tcp_test_peer_addr;
	struct sockaddr_tcpip dest = tcp_test_local_addr;

	iob = iob_alloc(TCP_HEADER_LEN + opts_len + len + 64);
	if (!iob)
		return -ENOMEM;
	iob_reserve(iob, 64);
	tcphdr = iob_put(iob, TCP_HEADER_LEN);
	memset(tcphdr, 0, sizeof(*tcphdr));
	tcphdr->src = htons(TCP_TEST_PEER_PORT);
	tcphdr->dest = htons(port);
	tcphdr->seq = htonl(seq);
	tcphdr->ack = htonl(ack);
	tcphdr->hlen = (((TCP_HEADER_LEN + opts_len) / 4) << 4);
	tcphdr->flags = flags;
	tcphdr->win = htons(win);
	if (opts_len)
		memcpy(iob_put(iob, opts_len), opts, opts_len);
	if (len)
		memcpy(iob_put(iob, len), data, len);
	tcphdr->csum = tcpip_chksum(iob->data, iob_len(iob));
	src.st_port = 0;
	dest.st_port = 0;
	return tcp_protocol.rx(iob, NULL, &src, &dest, TCPIP_EMPTY_CSUM);
}

/**
 * Feed raw bytes (a possibly malformed segment) to TCP
 *
 * @v bytes		Segment
 * @v len		Length
 * @v fix_csum		Fill in a correct checksum (if the header has room)
 * @ret rc		What tcp_protocol.rx returned
 */
static int tcp_test_rx_raw(const void *bytes, size_t len, int fix_csum)
{
	struct sockaddr_tcpip src = tcp_test_peer_addr;
	struct sockaddr_tcpip dest = tcp_test_local_addr;
	struct tcp_header *tcphdr;
	struct io_buffer *iob;

	/* Exactly sized, so that any over-read is caught */
	iob = iob_alloc(len);
	if (!iob)
		return -ENOMEM;
	memcpy(iob_put(iob, len), bytes, len);
	if (fix_csum && len >= TCP_HEADER_LEN) {
		tcphdr = iob->data;
		tcphdr->csum = 0;
		tcphdr->csum = tcpip_chksum(iob->data, len);
	}
	return tcp_protocol.rx(iob, NULL, &src, &dest, TCPIP_EMPTY_CSUM);
}

/**
 * Write the timestamps option (NOP, NOP, TS)
 *
 * @v opts		Buffer (12 bytes)
 * @v val		Timestamp value
 * @v ecr		Timestamp echo reply
 * @ret len		Length written
 */
static size_t tcp_test_opt_ts(uint8_t *opts, uint32_t val, uint32_t ecr)
{
	uint32_t value = htonl(val);
	uint32_t echo = htonl(ecr);

	opts[0] = TCP_OPTION_NOP;
	opts[1] = TCP_OPTION_NOP;
	opts[2] = TCP_OPTION_TS;
	opts[3] = 10;
	memcpy(&opts[4], &value, 4);
	memcpy(&opts[8], &echo, 4);
	return 12;
}

/**
 * Write a SACK option (NOP, NOP, SACK)
 *
 * @v opts		Buffer
 * @v blocks		Blocks
 * @v count		Number of blocks
 * @ret len		Length written
 */
static size_t tcp_test_opt_sack(uint8_t *opts,
				const struct tcp_sack_block *blocks,
				unsigned int count)
{
	uint32_t value;
	unsigned int i;

	opts[0] = TCP_OPTION_NOP;
	opts[1] = TCP_OPTION_NOP;
	opts[2] = TCP_OPTION_SACK;
	opts[3] = (2 + 8 * count);
	for (i = 0; i < count; i++) {
		value = htonl(blocks[i].start);
		memcpy(&opts[4 + 8 * i], &value, 4);
		value = htonl(blocks[i].end);
		memcpy(&opts[8 + 8 * i], &value, 4);
	}
	return (4 + 8 * count);
}

/**
 * Feed a segment from the peer with a timestamp
 *
 * @v peer		Peer
 * @v flags		Flags
 * @v seq		Sequence number
 * @v win		Window field
 * @v data		Data, or NULL
 * @v len		Length
 * @ret rc		What tcp_protocol.rx returned
 */
static int tcp_test_peer_send(struct tcp_test_peer *peer, unsigned int flags,
			      uint32_t seq, uint16_t win, const void *data,
			      size_t len)
{
	uint8_t opts[12];
	size_t opts_len;
	struct tcp_test_segment seg;

	if (tcp_test_get(-1, &seg) && (seg.opts.present & TCP_OPTS_TS))
		peer->ts_recent = seg.opts.ts_val;
	opts_len = tcp_test_opt_ts(opts, ++peer->ts, peer->ts_recent);
	return tcp_test_rx(peer->port, flags, seq, peer->ack, win, opts,
			   opts_len, data, len);
}

/**
 * Open a connection and complete the handshake as the peer
 *
 * @v peer		Peer to fill in
 * @v peer_iss		Peer's initial sequence number
 * @v peer_mss		MSS the peer announces
 * @ret rc		Return status code
 */
static int tcp_test_connect(struct tcp_test_peer *peer, uint32_t peer_iss,
			    uint16_t peer_mss)
{
	struct sockaddr_tcpip local = tcp_test_local_addr;
	struct tcp_test_segment syn;
	static unsigned int count;
	uint8_t opts[20];
	uint32_t value;
	int rc;

	/* A fixed port the first time, then ephemeral ones */
	if (!count++)
		local.st_port = htons(TCP_TEST_LOCAL_PORT);
	rc = tcp_open(&tcp_test_user.xfer,
		      (struct sockaddr *)&tcp_test_peer_addr,
		      (struct sockaddr *)&local);
	if (rc != 0)
		return rc;
	if (!tcp_test_get(-1, &syn))
		return -EIO;
	peer->iss = syn.seq;
	peer->ack = (syn.seq + 1);
	peer->port = syn.src;
	peer->ts = 5000;
	peer->ts_recent = syn.opts.ts_val;
	opts[0] = TCP_OPTION_MSS;
	opts[1] = 4;
	opts[2] = (peer_mss >> 8);
	opts[3] = peer_mss;
	opts[4] = TCP_OPTION_SACK_PERMITTED;
	opts[5] = 2;
	opts[6] = TCP_OPTION_TS;
	opts[7] = 10;
	value = htonl(peer->ts);
	memcpy(&opts[8], &value, 4);
	value = htonl(peer->ts_recent);
	memcpy(&opts[12], &value, 4);
	opts[16] = TCP_OPTION_NOP;
	opts[17] = TCP_OPTION_WS;
	opts[18] = 3;
	opts[19] = 7;
	peer->seq = (peer_iss + 1);
	return tcp_test_rx(peer->port, (TCP_SYN | TCP_ACK), peer_iss,
			   (peer->iss + 1), 65535, opts, sizeof(opts), NULL, 0);
}

/**
 * Run the main loop until a number of segments were captured or a time
 * passed
 *
 * @v count		Captured segments wanted
 * @v max_ms		Longest wait
 */
static void tcp_test_wait_capture(unsigned int count, unsigned long max_ms)
{
	uint64_t start = clock_ms();

	while (tcp_test_capture_count < count && (clock_ms() - start) < max_ms)
		step();
}

/**
 * End a connection, whatever its state: learn rcv_nxt from the ACK that
 * a segment far outside the window draws, then reset exactly there
 *
 * @v peer		Peer
 */
static void tcp_test_kill(struct tcp_test_peer *peer)
{
	struct tcp_test_segment seg;

	xfer_close(&tcp_test_user.xfer, -ECANCELED);
	tcp_test_capture_reset();
	tcp_test_rx(peer->port, TCP_ACK, (peer->seq + 0x40000000U), peer->ack,
		    0, NULL, 0, NULL, 0);
	if (tcp_test_get(-1, &seg) && !(seg.flags & TCP_RST))
		tcp_test_rx(peer->port, TCP_RST, seg.ack, 0, 0, NULL, 0, NULL,
			    0);
	tcp_test_capture_reset();
}

/**
 * Abort the test connection (the user closes with an error)
 */
static void tcp_test_abort(void)
{
	xfer_close(&tcp_test_user.xfer, -ECANCELED);
	tcp_test_capture_reset();
}

/** Sequence arithmetic is modulo 2^32 */
UNIT_TEST(tcp_sequence)
{
	ok(tcp_seq_before(1, 2));
	ok(!tcp_seq_before(2, 2));
	ok(tcp_seq_before(0xfffffff0U, 0x10));
	ok(tcp_seq_after(0x10, 0xfffffff0U));
	ok(!tcp_seq_after(0xfffffff0U, 0x10));
	ok(tcp_seq_within(0xffffffffU, 0xfffffff0U, 0x10));
	ok(tcp_seq_within(0x0, 0xfffffff0U, 0x10));
	ok(!tcp_seq_within(0x10, 0xfffffff0U, 0x10));
	ok(!tcp_seq_within(0xffffffefU, 0xfffffff0U, 0x10));
	ok(!tcp_seq_within(5, 5, 5));
	ok(tcp_seq_max(0xfffffff0U, 0x10) == 0x10);
	ok(tcp_seq_max(0x10, 0xfffffff0U) == 0x10);
	ok(tcp_seq_before(0x7fffffffU, 0x80000000U));
}

/** Options parse, bounded by the option area */
UNIT_TEST(tcp_options)
{
	static const uint8_t syn[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
				       0, 1, 0,    0,    0, 2, 1, 3,  3, 7 };
	static const uint8_t sack[] = { 1, 1,  5, 18, 0, 0,  0, 10, 0, 0,
					0, 20, 0, 0,  0, 30, 0, 0,  0, 40 };
	static const uint8_t zero_len[] = { 2, 0, 0, 0 };
	static const uint8_t one_len[] = { 1, 1, 8, 1 };
	static const uint8_t overrun[] = { 1, 8, 10, 0, 0, 0, 1, 0 };
	static const uint8_t no_len[] = { 1, 1, 1, 8 };
	static const uint8_t wrong_len[] = { 2, 3, 5, 3, 4, 7, 7, 1 };
	static const uint8_t big_shift[] = { 3, 3, 200, 0 };
	static const uint8_t bad_sack[] = { 5, 6, 0, 0, 0, 1, 0, 0 };
	static const uint8_t end_then_junk[] = { 0, 2, 0, 0 };
	static const uint8_t unknown[] = { 30, 4, 9, 9, 2, 4, 1, 0 };
	struct tcp_options opts;

	ok(tcp_options_parse(syn, sizeof(syn), &opts) == 0);
	ok(opts.present == (TCP_OPTS_MSS | TCP_OPTS_WS |
			    TCP_OPTS_SACK_PERMITTED | TCP_OPTS_TS));
	ok(opts.mss == 1460 && opts.ws_shift == 7);
	ok(opts.ts_val == 1 && opts.ts_ecr == 2);

	ok(tcp_options_parse(sack, sizeof(sack), &opts) == 0);
	ok(opts.present == TCP_OPTS_SACK && opts.sack_count == 2);
	ok(opts.sack[0].start == 10 && opts.sack[0].end == 20);
	ok(opts.sack[1].start == 30 && opts.sack[1].end == 40);

	ok(tcp_options_parse(NULL, 0, &opts) == 0 && opts.present == 0);
	ok(ERROR_IS(tcp_options_parse(zero_len, sizeof(zero_len), &opts),
		    EINVAL));
	ok(ERROR_IS(tcp_options_parse(one_len, sizeof(one_len), &opts),
		    EINVAL));
	ok(ERROR_IS(tcp_options_parse(overrun, sizeof(overrun), &opts),
		    EINVAL));
	ok(ERROR_IS(tcp_options_parse(no_len, sizeof(no_len), &opts), EINVAL));
	/* Known kinds with the wrong length are skipped, not trusted */
	ok(tcp_options_parse(wrong_len, sizeof(wrong_len), &opts) == 0);
	ok(opts.present == 0);
	ok(tcp_options_parse(big_shift, sizeof(big_shift), &opts) == 0);
	ok(opts.ws_shift == TCP_WS_MAX_SHIFT);
	ok(tcp_options_parse(bad_sack, sizeof(bad_sack), &opts) == 0);
	ok(!(opts.present & TCP_OPTS_SACK) && opts.sack_count == 0);
	ok(tcp_options_parse(end_then_junk, sizeof(end_then_junk), &opts) == 0);
	ok(opts.present == 0);
	ok(tcp_options_parse(unknown, sizeof(unknown), &opts) == 0);
	ok(opts.present == TCP_OPTS_MSS && opts.mss == 0x0100);
}

/** RFC 6298: first sample, smoothing, bounds, backoff */
UNIT_TEST(tcp_rto)
{
	struct tcp_rtt rtt;
	unsigned int i;

	tcp_rtt_init(&rtt);
	ok(tcp_rtt_timeout(&rtt) == TCP_RTO_INITIAL_MS);
	/* First sample: SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2 */
	tcp_rtt_sample(&rtt, 100);
	ok(rtt.srtt_us == 100000 && rtt.rttvar_us == 50000);
	ok(rtt.rto_ms == 300);
	/* Second: RTTVAR = 3/4 50 + 1/4 |100 - 200| = 62.5;
	 * SRTT = 7/8 100 + 1/8 200 = 112.5; RTO = 112.5 + 250 = 362.5
	 */
	tcp_rtt_sample(&rtt, 200);
	ok(rtt.rttvar_us == 62500 && rtt.srtt_us == 112500);
	ok(rtt.rto_ms == 363);
	/* Tiny round trips: the minimum holds */
	for (i = 0; i < 50; i++)
		tcp_rtt_sample(&rtt, 1);
	ok(rtt.rto_ms == TCP_RTO_MIN_MS);
	/* Backoff doubles, up to the maximum; a sample ends it */
	rtt.backoff = 3;
	ok(tcp_rtt_timeout(&rtt) == 8 * TCP_RTO_MIN_MS);
	rtt.backoff = 12;
	ok(tcp_rtt_timeout(&rtt) == TCP_RTO_MAX_MS);
	rtt.backoff = 40;
	ok(tcp_rtt_timeout(&rtt) == TCP_RTO_MAX_MS);
	tcp_rtt_sample(&rtt, 1);
	ok(rtt.backoff == 0 && tcp_rtt_timeout(&rtt) == TCP_RTO_MIN_MS);
	/* Absurd samples are capped */
	tcp_rtt_init(&rtt);
	tcp_rtt_sample(&rtt, 0xffffffffU);
	ok(rtt.rto_ms == TCP_RTO_MAX_MS);
}

/**
 * Make a buffer of data for the reassembly queue
 *
 * @v seq		Sequence number of the first byte
 * @v len		Length
 * @ret iob		Buffer whose bytes are the low bits of their sequence
 *			numbers
 */
static struct io_buffer *tcp_test_rxq_iob(uint32_t seq, size_t len)
{
	struct io_buffer *iob = iob_alloc(len);
	uint8_t *data;
	size_t i;

	if (!iob)
		return NULL;
	data = iob_put(iob, len);
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(seq + i);
	return iob;
}

/**
 * Check that a buffer holds the bytes of its sequence numbers
 *
 * @v iob		Buffer
 * @v seq		Sequence number of its first byte
 * @ret ok		Bytes are right
 */
static int tcp_test_rxq_check(struct io_buffer *iob, uint32_t seq)
{
	const uint8_t *data = iob->data;
	size_t i;

	for (i = 0; i < iob_len(iob); i++) {
		if (data[i] != (uint8_t)(seq + i))
			return 0;
	}
	return 1;
}

/**
 * Pop everything in order from a queue, checking the bytes
 *
 * @v rxq		Queue
 * @v rcv_nxt		Next sequence number expected
 * @ret rcv_nxt		Sequence number after what was popped
 */
static uint32_t tcp_test_rxq_drain(struct tcp_rx_queue *rxq, uint32_t rcv_nxt)
{
	struct io_buffer *iob;

	while ((iob = tcp_rxq_pop(rxq, rcv_nxt))) {
		ok(tcp_test_rxq_check(iob, rcv_nxt));
		rcv_nxt += iob_len(iob);
		iob_free(iob);
	}
	return rcv_nxt;
}

/** Reassembly: order, overlaps, covering, merging, SACK order, across
 * the sequence wrap */
UNIT_TEST(tcp_reassembly)
{
	struct tcp_sack_block blocks[TCP_SACK_OPTION_MAX_BLOCKS];
	struct tcp_sack_block dup;
	struct tcp_rx_queue rxq;
	size_t heap_free = heap_pool.free;
	uint32_t base = 0xfffff000U;
	unsigned int count;

	tcp_rxq_init(&rxq, (1024 * 1024));
	ok(tcp_rxq_pop(&rxq, base) == NULL);

	/* Three ranges: [1000,2000) [3000,4000) [5000,6000) */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 3000, 1000),
			  base + 3000, &dup) == 0);
	ok(dup.start == dup.end);
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 1000, 1000),
			  base + 1000, NULL) == 0);
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 5000, 1000),
			  base + 5000, NULL) == 0);
	ok(rxq.count == 3);
	count = tcp_rxq_sack(&rxq, blocks, 3);
	ok(count == 3);
	ok(blocks[0].start == base + 5000 && blocks[0].end == base + 6000);
	ok(blocks[1].start == base + 1000 && blocks[1].end == base + 2000);
	ok(blocks[2].start == base + 3000 && blocks[2].end == base + 4000);
	/* Fewer blocks wanted than ranges: the most recent */
	ok(tcp_rxq_sack(&rxq, blocks, 1) == 1);
	ok(blocks[0].start == base + 5000);

	/* A duplicate changes nothing */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 3200, 500), base + 3200,
			  &dup) == 0);
	ok(dup.start == base + 3200 && dup.end == base + 3700);
	ok(rxq.count == 3 && rxq.ranges[1].end == base + 4000);

	/* Overlapping the end of a range extends it */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 3500, 1000),
			  base + 3500, &dup) == 0);
	ok(dup.start == base + 3500 && dup.end == base + 4000);
	ok(rxq.count == 3 && rxq.ranges[1].end == base + 4500);
	/* That range is now the most recent */
	ok(tcp_rxq_sack(&rxq, blocks, 1) == 1);
	ok(blocks[0].start == base + 3000 && blocks[0].end == base + 4500);

	/* Overlapping the start of a range joins it at the front */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 4800, 400), base + 4800,
			  &dup) == 0);
	ok(dup.start == base + 5000 && dup.end == base + 5200);
	ok(rxq.count == 3 && rxq.ranges[2].start == base + 4800);

	/* Filling the gap [4500,4800) merges two ranges */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 4400, 500), base + 4400,
			  NULL) == 0);
	ok(rxq.count == 2 && rxq.ranges[1].start == base + 3000 &&
	   rxq.ranges[1].end == base + 6000);

	/* Covering a range completely replaces it (and crosses the wrap) */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 6500, 500), base + 6500,
			  NULL) == 0);
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 6200, 1000),
			  base + 6200, NULL) == 0);
	ok(rxq.count == 3 && rxq.ranges[2].start == base + 6200 &&
	   rxq.ranges[2].end == base + 7200);

	/* Nothing is in order yet */
	ok(tcp_rxq_pop(&rxq, base) == NULL);
	/* Data up to 1500 arrived in order elsewhere: the queue gives the
	 * rest of the first range, trimmed
	 */
	ok(tcp_test_rxq_drain(&rxq, base + 1500) == base + 2000);
	ok(rxq.count == 2);
	/* Everything, once the gaps are filled */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 2000, 1000),
			  base + 2000, NULL) == 0);
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(base + 6000, 200), base + 6000,
			  NULL) == 0);
	ok(rxq.count == 1);
	ok(tcp_test_rxq_drain(&rxq, base + 2000) == base + 7200);
	ok(rxq.count == 0 && rxq.mem == 0 && list_empty(&rxq.buffers));
	ok(heap_pool.free == heap_free);
}

/** Reassembly: the range table and the memory limit bound the queue */
UNIT_TEST(tcp_reassembly_limits)
{
	struct tcp_rx_queue rxq;
	struct io_buffer *iob;
	size_t heap_free = heap_pool.free;
	size_t one;
	unsigned int i;

	/* The range table: a new range past the limit is dropped, data
	 * that extends an existing range is still taken
	 */
	tcp_rxq_init(&rxq, (1024 * 1024));
	for (i = 0; i < TCP_RXQ_MAX_RANGES; i++) {
		ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(100 * i + 10, 10),
				  100 * i + 10, NULL) == 0);
	}
	ok(rxq.count == TCP_RXQ_MAX_RANGES);
	ok(ERROR_IS(
		tcp_rxq_insert(&rxq, tcp_test_rxq_iob(5000, 10), 5000, NULL),
		ENOBUFS));
	ok(ERROR_IS(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(50, 10), 50, NULL),
		    ENOBUFS));
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(20, 10), 20, NULL) == 0);
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(0, 10), 0, NULL) == 0);
	ok(rxq.count == TCP_RXQ_MAX_RANGES);
	/* One buffer covering everything replaces every range */
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(0, 4000), 0, NULL) == 0);
	ok(rxq.count == 1 && rxq.ranges[0].start == 0 &&
	   rxq.ranges[0].end == 4000);
	ok(tcp_test_rxq_drain(&rxq, 0) == 4000);
	ok(rxq.mem == 0);

	/* Memory: room for four buffers; the furthest ahead go first */
	iob = tcp_test_rxq_iob(0, 1000);
	one = tcp_iob_mem(iob);
	iob_free(iob);
	tcp_rxq_init(&rxq, (4 * one));
	for (i = 1; i <= 4; i++) {
		ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(2000 * i, 1000),
				  2000 * i, NULL) == 0);
	}
	ok(rxq.mem == 4 * one);
	ok(ERROR_IS(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(10000, 1000), 10000,
				   NULL),
		    ENOBUFS));
	ok(tcp_rxq_insert(&rxq, tcp_test_rxq_iob(1000, 1000), 1000, NULL) == 0);
	ok(rxq.mem == 4 * one && rxq.count == 3);
	ok(rxq.ranges[2].start == 6000 && rxq.ranges[2].end == 7000);
	ok(tcp_test_rxq_drain(&rxq, 1000) == 3000);
	tcp_rxq_flush(&rxq);
	ok(rxq.count == 0 && rxq.mem == 0);
	ok(heap_pool.free == heap_free);
}

/** The SACK scoreboard: merging, validation, skipping */
UNIT_TEST(tcp_scoreboard)
{
	struct tcp_scoreboard board;
	struct tcp_sack_block block;
	uint32_t limit;
	unsigned int i;

	memset(&board, 0, sizeof(board));
	block.start = 3000;
	block.end = 4000;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	block.start = 6000;
	block.end = 7000;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	ok(board.count == 2);
	/* Touching merges */
	block.start = 4000;
	block.end = 5000;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	ok(board.count == 2 && board.blocks[0].end == 5000);
	/* Bridging merges three into one */
	block.start = 4500;
	block.end = 6500;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	ok(board.count == 1 && board.blocks[0].start == 3000 &&
	   board.blocks[0].end == 7000);
	/* Invalid: inverted, below snd_una, beyond snd_max */
	block.start = 8000;
	block.end = 7500;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	block.start = 500;
	block.end = 1000;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	block.start = 9000;
	block.end = 10001;
	tcp_scoreboard_add(&board, &block, 1000, 10000);
	ok(board.count == 1);

	/* Skipping */
	ok(tcp_scoreboard_skip(&board, 1000, &limit) == 1000 && limit == 3000);
	ok(tcp_scoreboard_skip(&board, 3500, &limit) == 7000 &&
	   limit == 7000 + 0x7fffffffU);

	/* The cumulative ACK eats blocks */
	tcp_scoreboard_ack(&board, 4000);
	ok(board.count == 1 && board.blocks[0].start == 4000);
	tcp_scoreboard_ack(&board, 7000);
	ok(board.count == 0);

	/* Full: the highest is forgotten */
	for (i = 0; i < TCP_SCOREBOARD_MAX_BLOCKS + 2; i++) {
		block.start = (0xfffff000U + 100 * i);
		block.end = (block.start + 50);
		tcp_scoreboard_add(&board, &block, 0xffffe000U, 0x1000);
	}
	ok(board.count == TCP_SCOREBOARD_MAX_BLOCKS);
	ok(board.blocks[0].start == 0xfffff000U);
	ok(board.blocks[TCP_SCOREBOARD_MAX_BLOCKS - 1].start ==
	   0xfffff000U + 100 * (TCP_SCOREBOARD_MAX_BLOCKS - 1));
}

/** Malformed segments are dropped without reading past them */
UNIT_TEST(tcp_malformed)
{
	uint8_t seg[TCP_HEADER_LEN + 8];
	struct tcp_header *tcphdr = (struct tcp_header *)seg;
	unsigned long malformed = tcp_stats.rx_malformed;

	tcp_test_setup();
	memset(seg, 0, sizeof(seg));
	tcphdr->src = htons(TCP_TEST_PEER_PORT);
	tcphdr->dest = htons(TCP_TEST_LOCAL_PORT);
	tcphdr->flags = TCP_ACK;

	/* Shorter than a header */
	ok(ERROR_IS(tcp_test_rx_raw(seg, 0, 0), EINVAL));
	ok(ERROR_IS(tcp_test_rx_raw(seg, TCP_HEADER_LEN - 1, 0), EINVAL));
	/* Data offset below the minimum, past the end */
	tcphdr->hlen = (4 << 4);
	ok(ERROR_IS(tcp_test_rx_raw(seg, TCP_HEADER_LEN, 1), EINVAL));
	tcphdr->hlen = (6 << 4);
	ok(ERROR_IS(tcp_test_rx_raw(seg, TCP_HEADER_LEN, 1), EINVAL));
	tcphdr->hlen = (15 << 4);
	ok(ERROR_IS(tcp_test_rx_raw(seg, sizeof(seg), 1), EINVAL));
	/* Bad checksum */
	tcphdr->hlen = (5 << 4);
	tcphdr->csum = 0x1234;
	ok(ERROR_IS(tcp_test_rx_raw(seg, TCP_HEADER_LEN, 0), EINVAL));
	/* Option length zero, and running past the header */
	tcphdr->hlen = (7 << 4);
	seg[20] = TCP_OPTION_MSS;
	seg[21] = 0;
	ok(ERROR_IS(tcp_test_rx_raw(seg, sizeof(seg), 1), EINVAL));
	memset(&seg[20], TCP_OPTION_NOP, 7);
	seg[27] = TCP_OPTION_TS;
	ok(ERROR_IS(tcp_test_rx_raw(seg, sizeof(seg), 1), EINVAL));
	ok(tcp_stats.rx_malformed == malformed + 8);
	/* Nothing answered any of them */
	ok(tcp_test_capture_count == 0);
}

/** A segment for no connection gets a reset (RFC 9293 3.10.7.1) */
UNIT_TEST(tcp_reset_unknown)
{
	static const uint8_t data[10];
	struct tcp_test_segment seg;

	tcp_test_setup();
	/* With an ACK: the reset takes its sequence number from it */
	ok(ERROR_IS(tcp_test_rx(TCP_TEST_LOCAL_PORT, TCP_ACK, 1000, 5000, 100,
				NULL, 0, data, sizeof(data)),
		    ENOTCONN));
	ok(tcp_test_get(0, &seg));
	ok(seg.flags == TCP_RST && seg.seq == 5000);
	ok(seg.src == TCP_TEST_LOCAL_PORT && seg.dest == TCP_TEST_PEER_PORT);
	/* Without: it acknowledges the segment, SYN and FIN included */
	ok(ERROR_IS(tcp_test_rx(TCP_TEST_LOCAL_PORT, (TCP_SYN | TCP_FIN), 1000,
				0, 100, NULL, 0, data, sizeof(data)),
		    ENOTCONN));
	ok(tcp_test_get(1, &seg));
	ok(seg.flags == (TCP_RST | TCP_ACK) && seg.seq == 0 &&
	   seg.ack == 1000 + sizeof(data) + 2);
	/* A reset is never answered */
	ok(ERROR_IS(tcp_test_rx(TCP_TEST_LOCAL_PORT, TCP_RST, 1000, 0, 100,
				NULL, 0, NULL, 0),
		    ENOTCONN));
	ok(tcp_test_capture_count == 2);
	ok(tcp_test_bad_checksums == 0);
	tcp_test_capture_reset();
}

/** Opening: no route, the SYN's options, refusal */
UNIT_TEST(tcp_open_syn)
{
	struct tcp_test_segment seg;
	size_t heap_free = heap_pool.free;
	int rc;

	tcp_test_setup();
	tcp_test_unreachable = 1;
	rc = tcp_open(&tcp_test_user.xfer,
		      (struct sockaddr *)&tcp_test_peer_addr, NULL);
	ok(ERROR_IS(rc, ENETUNREACH));
	tcp_test_unreachable = 0;

	/* The SYN offers TCP's own buffer even when the user offers no
	 * window yet (RFC 9293 3.4: the window is what TCP can take)
	 */
	tcp_test_user.closed_window = 1;
	ok(tcp_open(&tcp_test_user.xfer, (struct sockaddr *)&tcp_test_peer_addr,
		    NULL) == 0);
	ok(tcp_test_get(0, &seg));
	ok(seg.flags == TCP_SYN && seg.len == 0 && seg.opts_rc == 0);
	ok(seg.src >= 49152 && seg.dest == TCP_TEST_PEER_PORT);
	ok(seg.opts.present == (TCP_OPTS_MSS | TCP_OPTS_WS |
				TCP_OPTS_SACK_PERMITTED | TCP_OPTS_TS));
	ok(seg.opts.mss == TCP_TEST_MSS);
	/* 2 MiB needs a shift of 6 to fit 16 bits */
	ok(seg.opts.ws_shift == 6);
	ok(seg.opts.ts_ecr == 0);
	ok(seg.win == 65535);
	ok(xfer_window(&tcp_test_user.xfer) == 0);

	/* A reset acknowledging the SYN refuses the connection */
	ok(tcp_test_rx(seg.src, (TCP_RST | TCP_ACK), 0, seg.seq + 1, 0, NULL, 0,
		       NULL, 0) == 0);
	ok(tcp_test_user.closed &&
	   ERROR_IS(tcp_test_user.close_rc, ECONNREFUSED));
	ok(tcp_test_bad_checksums == 0);
	tcp_test_capture_reset();
	ok(heap_pool.free == heap_free);
}

/** In-order data is acknowledged once its burst ends, and within a long
 * burst every 64 segments */
UNIT_TEST(tcp_ack_batch)
{
	static uint8_t data[100];
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	uint32_t s;
	unsigned int i;

	tcp_test_setup();
	ok(tcp_test_connect(&peer, 1000, 1460) == 0);
	s = peer.seq;
	tcp_test_capture_reset();
	for (i = 0; i < 72; i++) {
		ok(tcp_test_peer_send(&peer, TCP_ACK, (s + i * sizeof(data)),
				      1000, data, sizeof(data)) == 0);
	}
	/* The 64th segment's ACK went within the batch */
	ok(tcp_test_capture_count == 1);
	ok(tcp_test_get(0, &seg) && seg.ack == s + 64 * sizeof(data));
	/* The rest are acknowledged once a step brings nothing more, in
	 * one ACK
	 */
	step();
	ok(tcp_test_capture_count == 1);
	step();
	ok(tcp_test_capture_count == 2);
	ok(tcp_test_get(1, &seg) && seg.ack == s + 72 * sizeof(data));
	/* Nothing more to acknowledge */
	step();
	ok(tcp_test_capture_count == 2);
	tcp_test_kill(&peer);
}

/** Handshake, data both ways, delayed ACKs, reassembly with SACK,
 * duplicates, the peer's FIN, LAST-ACK */
UNIT_TEST(tcp_connection)
{
	static const char request[] = "GET / HTTP/1.1\r\n\r\n";
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	uint8_t data[6000];
	size_t heap_free = heap_pool.free;
	uint32_t s;
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	tcp_test_setup();
	/* The peer's sequence numbers wrap during the test */
	ok(tcp_test_connect(&peer, 0xfffffc00U, 1460) == 0);
	s = peer.seq;
	ok(tcp_test_get(-1, &seg));
	ok(seg.flags == TCP_ACK && seg.ack == s && seg.seq == peer.iss + 1);
	ok(seg.opts.present == TCP_OPTS_TS && seg.opts.ts_ecr == 5000);
	ok(seg.win == (2 * 1024 * 1024) >> 6);
	ok(tcp_test_user.window_changes == 1);
	ok(xfer_window(&tcp_test_user.xfer) > 0);

	/* Data from the user goes at once */
	ok(xfer_deliver_raw(&tcp_test_user.xfer, request,
			    sizeof(request) - 1) == 0);
	ok(tcp_test_get(-1, &seg));
	ok(seg.flags == (TCP_ACK | TCP_PSH) && seg.seq == peer.iss + 1);
	ok(seg.len == sizeof(request) - 1 &&
	   memcmp(seg.data, request, seg.len) == 0);

	/* In order: no ACK while the burst goes on; one for both segments
	 * from the first main-loop step that brings nothing more
	 */
	tcp_test_capture_reset();
	ok(tcp_test_peer_send(&peer, TCP_ACK, s, 1000, data, 1000) == 0);
	ok(tcp_test_capture_count == 0);
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 1000, 1000, data + 1000,
			      1000) == 0);
	ok(tcp_test_capture_count == 0);
	step();
	ok(tcp_test_capture_count == 0);
	step();
	ok(tcp_test_get(-1, &seg) && tcp_test_capture_count == 1);
	ok(seg.ack == s + 2000 && !(seg.opts.present & TCP_OPTS_SACK));
	ok(tcp_test_user.len == 2000 &&
	   memcmp(tcp_test_user.data, data, 2000) == 0);
	/* ...and a lone segment's ACK comes from the timer */
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 2000, 1000, data + 2000,
			      500) == 0);
	ok(tcp_test_capture_count == 1);
	tcp_test_wait_capture(2, 1000);
	ok(tcp_test_get(1, &seg) && seg.ack == s + 2500);

	/* Out of order: immediate ACKs with SACK blocks, newest first */
	tcp_test_capture_reset();
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 3000, 1000, data + 3000,
			      500) == 0);
	ok(tcp_test_get(-1, &seg) && seg.ack == s + 2500);
	ok(seg.opts.sack_count == 1 && seg.opts.sack[0].start == s + 3000 &&
	   seg.opts.sack[0].end == s + 3500);
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 4000, 1000, data + 4000,
			      500) == 0);
	ok(tcp_test_get(-1, &seg) && seg.opts.sack_count == 2);
	ok(seg.opts.sack[0].start == s + 4000 &&
	   seg.opts.sack[1].start == s + 3000);
	ok(tcp_test_user.len == 2500);
	/* A duplicate of old data: immediate ACK reporting it first
	 * (D-SACK), nothing delivered
	 */
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 1000, 1000, data + 1000,
			      1000) == 0);
	ok(tcp_test_capture_count == 3 && tcp_test_user.len == 2500);
	ok(tcp_test_get(-1, &seg) && seg.opts.sack_count == 3);
	ok(seg.opts.sack[0].start == s + 1000 &&
	   seg.opts.sack[0].end == s + 2000);
	ok(seg.opts.sack[1].start == s + 4000 &&
	   seg.opts.sack[2].start == s + 3000);
	/* A duplicate of queued data, likewise */
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 3000, 1000, data + 3000,
			      200) == 0);
	ok(tcp_test_get(-1, &seg) && seg.opts.sack_count == 3);
	ok(seg.opts.sack[0].start == s + 3000 &&
	   seg.opts.sack[0].end == s + 3200);
	/* ...only once */
	tcp_test_rx(peer.port, TCP_ACK, s - 0x100000, peer.iss + 1, 1000, NULL,
		    0, NULL, 0);
	ok(tcp_test_get(-1, &seg) && seg.opts.sack_count == 2);
	tcp_test_capture_reset();
	/* The first gap fills: two ranges delivered, one block left */
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 2500, 1000, data + 2500,
			      500) == 0);
	ok(tcp_test_capture_count == 1);
	ok(tcp_test_get(-1, &seg) && seg.ack == s + 3500);
	ok(seg.opts.sack_count == 1 && seg.opts.sack[0].start == s + 4000);
	/* The second, overlapping both sides: only the duplicate part is
	 * reported
	 */
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 3400, 1000, data + 3400,
			      700) == 0);
	ok(tcp_test_get(-1, &seg) && seg.ack == s + 4500);
	ok(seg.opts.sack_count == 1 && seg.opts.sack[0].start == s + 3400 &&
	   seg.opts.sack[0].end == s + 3500);
	ok(tcp_test_user.len == 4500 &&
	   memcmp(tcp_test_user.data, data, 4500) == 0);

	/* A FIN after a gap waits for the gap */
	tcp_test_capture_reset();
	ok(tcp_test_peer_send(&peer, (TCP_ACK | TCP_FIN), s + 5000, 1000,
			      data + 5000, 1000) == 0);
	ok(!tcp_test_user.closed);
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 4500, 1000, data + 4500,
			      500) == 0);
	ok(tcp_test_user.closed && tcp_test_user.close_rc == 0);
	ok(tcp_test_user.len == 6000 &&
	   memcmp(tcp_test_user.data, data, 6000) == 0);
	/* Our FIN follows at once, acknowledging theirs */
	ok(tcp_test_get(-1, &seg));
	ok(seg.flags == (TCP_ACK | TCP_FIN) && seg.ack == s + 6001);
	ok(seg.seq == peer.iss + sizeof(request));
	/* Its ACK ends the connection: it is forgotten */
	peer.ack = seg.seq + 1;
	tcp_test_capture_reset();
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 6001, 1000, NULL, 0) == 0);
	ok(tcp_test_capture_count == 0);
	ok(heap_pool.free == heap_free);
	ok(ERROR_IS(tcp_test_peer_send(&peer, TCP_ACK, s + 6001, 1000, NULL, 0),
		    ENOTCONN));
	ok(tcp_test_get(-1, &seg) && seg.flags == TCP_RST);
	ok(tcp_test_bad_checksums == 0);
	tcp_test_capture_reset();
}

/** Resets and SYNs on an established connection (RFC 5961), PAWS,
 * unacceptable segments */
UNIT_TEST(tcp_reset_rules)
{
	static const uint8_t data[100];
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	uint8_t opts[12];
	size_t heap_free = heap_pool.free;
	uint32_t s;

	tcp_test_setup();
	ok(tcp_test_connect(&peer, 1000, 1460) == 0);
	s = peer.seq;

	/* A reset in the window but not at rcv_nxt: challenge ACK */
	tcp_test_capture_reset();
	ok(tcp_test_peer_send(&peer, TCP_RST, s + 100, 0, NULL, 0) == 0);
	ok(!tcp_test_user.closed);
	ok(tcp_test_get(-1, &seg) && seg.flags == TCP_ACK && seg.ack == s);
	/* Outside the window: ignored */
	ok(tcp_test_peer_send(&peer, TCP_RST, s - 100, 0, NULL, 0) == 0);
	ok(tcp_test_capture_count == 1 && !tcp_test_user.closed);
	/* A SYN: challenge ACK */
	ok(tcp_test_peer_send(&peer, TCP_SYN, s, 0, NULL, 0) == 0);
	ok(tcp_test_capture_count == 2 && !tcp_test_user.closed);
	/* Data beyond the window: ACK, nothing delivered */
	ok(tcp_test_peer_send(&peer, TCP_ACK, s + 0x10000000U, 1000, data,
			      sizeof(data)) == 0);
	ok(tcp_test_capture_count == 3 && tcp_test_user.len == 0);
	/* An ACK of something never sent: ACK, data dropped */
	ok(tcp_test_rx(peer.port, TCP_ACK, s, peer.iss + 1000, 1000, NULL, 0,
		       data, sizeof(data)) == 0);
	ok(tcp_test_capture_count == 4 && tcp_test_user.len == 0);
	/* PAWS: an old timestamp gets an ACK, its data is dropped */
	tcp_test_opt_ts(opts, peer.ts - 100, 0);
	ok(tcp_test_rx(peer.port, TCP_ACK, s, peer.iss + 1, 1000, opts,
		       sizeof(opts), data, sizeof(data)) == 0);
	ok(tcp_test_capture_count == 5 && tcp_test_user.len == 0);
	/* Without a timestamp the segment is taken */
	ok(tcp_test_rx(peer.port, TCP_ACK, s, peer.iss + 1, 1000, NULL, 0, data,
		       sizeof(data)) == 0);
	ok(tcp_test_user.len == sizeof(data));
	s += sizeof(data);

	/* A reset exactly at rcv_nxt resets */
	ok(tcp_test_peer_send(&peer, TCP_RST, s, 0, NULL, 0) == 0);
	ok(tcp_test_user.closed &&
	   ERROR_IS(tcp_test_user.close_rc, ECONNRESET));
	ok(tcp_test_bad_checksums == 0);
	tcp_test_capture_reset();
	ok(heap_pool.free == heap_free);
}

/** Sending: the initial window, slow start, fast retransmit of only the
 * hole the peer's SACK blocks show, partial and full ACKs */
UNIT_TEST(tcp_fast_retransmit)
{
	static uint8_t data[20 * 1448];
	struct tcp_sack_block blocks[3];
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	uint8_t opts[40];
	size_t opts_len;
	size_t heap_free = heap_pool.free;
	uint32_t base;
	unsigned int first;
	unsigned int count;
	unsigned int i;
	int retransmitted;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ (i >> 8));
	tcp_test_setup();
	ok(tcp_test_connect(&peer, 1000, 1460) == 0);
	base = peer.iss + 1;
	tcp_test_capture_reset();
	ok(xfer_deliver_raw(&tcp_test_user.xfer, data, sizeof(data)) == 0);
	/* Initial window: three segments of 1460 - 12 bytes */
	ok(tcp_test_capture_count == 3);
	for (i = 0; i < 3; i++) {
		ok(tcp_test_get(i, &seg) && seg.seq == base + 1448 * i &&
		   seg.len == 1448);
		ok(memcmp(seg.data, data + 1448 * i, 1448) == 0);
	}
	/* One ACK: slow start lets two more go */
	ok(tcp_test_peer_send(&peer, TCP_ACK, peer.seq, 4000, NULL, 0) == 0);
	tcp_test_rx(peer.port, TCP_ACK, peer.seq, base + 1448, 4000, NULL, 0,
		    NULL, 0);
	ok(tcp_test_capture_count == 5);
	ok(tcp_test_get(4, &seg) && seg.seq == base + 4 * 1448);

	/* Segment 1 lost; 2, 3 and 4 arrive: three duplicate ACKs with
	 * SACK blocks
	 */
	first = tcp_test_capture_count;
	for (i = 0; i < 3; i++) {
		count = tcp_test_capture_count;
		blocks[0].start = base + 2 * 1448;
		blocks[0].end = base + (3 + i) * 1448;
		opts_len = tcp_test_opt_sack(opts, blocks, 1);
		ok(tcp_test_rx(peer.port, TCP_ACK, peer.seq, base + 1448, 4000,
			       opts, opts_len, NULL, 0) == 0);
		if (i < 2) {
			/* Limited transmit: one new segment for each of
			 * the first two
			 */
			ok(tcp_test_capture_count == count + 1);
			ok(tcp_test_get(-1, &seg) &&
			   seg.seq == base + (5 + i) * 1448);
		}
	}
	/* The third retransmits segment 1 only, up to the SACKed data */
	retransmitted = 0;
	for (i = first; i < tcp_test_capture_count; i++) {
		ok(tcp_test_get(i, &seg));
		if (seg.seq == base + 1448) {
			retransmitted++;
			ok(seg.len == 1448);
			ok(memcmp(seg.data, data + 1448, 1448) == 0);
		}
	}
	ok(retransmitted == 1);
	/* A partial ACK (up to the SACKed block's end, not everything
	 * sent)
	 */
	first = tcp_test_capture_count;
	ok(tcp_test_rx(peer.port, TCP_ACK, peer.seq, base + 5 * 1448, 60000,
		       NULL, 0, NULL, 0) == 0);
	ok(tcp_test_capture_count > first);
	/* The rest, acknowledged as it comes (a bounded number of times:
	 * a test must end even when TCP misbehaves)
	 */
	for (i = 0; i < 64 && tcp_test_get(-1, &seg) && seg.len; i++) {
		ok(tcp_test_rx(peer.port, TCP_ACK, peer.seq, seg.seq + seg.len,
			       60000, NULL, 0, NULL, 0) == 0);
		if (seg.seq + seg.len == base + sizeof(data))
			break;
	}
	ok(seg.seq + seg.len == base + sizeof(data));
	ok(xfer_window(&tcp_test_user.xfer) > 0);
	ok(tcp_test_bad_checksums == 0);
	tcp_test_abort();
	ok(heap_pool.free == heap_free);
}

/** Timers: retransmission after a timeout, zero-window probes, SYN
 * retries */
UNIT_TEST(tcp_timers)
{
	static const char request[] = "hello";
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	size_t heap_free = heap_pool.free;
	uint64_t start;

	/* An unanswered segment is sent again after the RTO (the
	 * handshake measured ~0 ms: RTO is the 200 ms minimum)
	 */
	tcp_test_setup();
	ok(tcp_test_connect(&peer, 1000, 1460) == 0);
	tcp_test_capture_reset();
	start = clock_ms();
	ok(xfer_deliver_raw(&tcp_test_user.xfer, request,
			    sizeof(request) - 1) == 0);
	ok(tcp_test_capture_count == 1);
	tcp_test_wait_capture(2, 2000);
	ok(tcp_test_get(1, &seg) && seg.seq == peer.iss + 1 &&
	   seg.len == sizeof(request) - 1);
	ok((clock_ms() - start) >= TCP_RTO_MIN_MS);
	/* The peer acknowledges it, closing its window: the next data
	 * waits, then goes as a one-byte probe
	 */
	ok(tcp_test_peer_send(&peer, TCP_ACK, peer.seq, 0, NULL, 0) == 0);
	tcp_test_rx(peer.port, TCP_ACK, peer.seq, peer.iss + sizeof(request), 0,
		    NULL, 0, NULL, 0);
	ok(xfer_window(&tcp_test_user.xfer) == 0);
	tcp_test_capture_reset();
	ok(xfer_deliver_raw(&tcp_test_user.xfer, request,
			    sizeof(request) - 1) == 0);
	ok(tcp_test_capture_count == 0);
	tcp_test_wait_capture(1, 2000);
	ok(tcp_test_get(0, &seg) && seg.len == 1 &&
	   seg.seq == peer.iss + sizeof(request));
	/* The window opens: the rest goes */
	tcp_test_rx(peer.port, TCP_ACK, peer.seq, peer.iss + sizeof(request),
		    1000, NULL, 0, NULL, 0);
	ok(tcp_test_get(-1, &seg) &&
	   seg.seq + seg.len == peer.iss + 2 * sizeof(request) - 1);
	tcp_test_abort();

	/* An unanswered SYN is sent again */
	tcp_test_setup();
	ok(tcp_open(&tcp_test_user.xfer, (struct sockaddr *)&tcp_test_peer_addr,
		    NULL) == 0);
	tcp_test_wait_capture(2, 2000);
	ok(tcp_test_capture_count == 2);
	ok(tcp_test_get(1, &seg) && (seg.flags & TCP_SYN));
	tcp_test_abort();
	ok(heap_pool.free == heap_free);
}

/** Closing first: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT; data after the
 * user closed gets a reset */
UNIT_TEST(tcp_active_close)
{
	static const uint8_t data[100];
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	size_t heap_free = heap_pool.free;

	tcp_test_setup();
	ok(tcp_test_connect(&peer, 1000, 1460) == 0);
	tcp_test_capture_reset();
	xfer_close(&tcp_test_user.xfer, 0);
	ok(tcp_test_get(0, &seg) && seg.flags == (TCP_ACK | TCP_FIN) &&
	   seg.seq == peer.iss + 1);
	/* ACK of the FIN, then the peer's FIN: TIME-WAIT acknowledges it,
	 * and again when it is repeated
	 */
	peer.ack = seg.seq + 1;
	ok(tcp_test_peer_send(&peer, TCP_ACK, peer.seq, 1000, NULL, 0) == 0);
	ok(tcp_test_capture_count == 1);
	ok(tcp_test_peer_send(&peer, (TCP_ACK | TCP_FIN), peer.seq, 1000, NULL,
			      0) == 0);
	ok(tcp_test_get(-1, &seg) && seg.flags == TCP_ACK &&
	   seg.ack == peer.seq + 1);
	ok(tcp_test_peer_send(&peer, (TCP_ACK | TCP_FIN), peer.seq, 1000, NULL,
			      0) == 0);
	ok(tcp_test_capture_count == 3);
	ok(tcp_test_get(-1, &seg) && seg.ack == peer.seq + 1);
	/* A reset at rcv_nxt ends TIME-WAIT early */
	ok(tcp_test_peer_send(&peer, TCP_RST, peer.seq + 1, 0, NULL, 0) == 0);
	tcp_test_capture_reset();
	ok(heap_pool.free == heap_free);

	/* Another connection: the user closes, the peer sends data */
	tcp_test_setup();
	ok(tcp_open(&tcp_test_user.xfer, (struct sockaddr *)&tcp_test_peer_addr,
		    NULL) == 0);
	ok(tcp_test_get(0, &seg));
	peer.iss = seg.seq;
	peer.port = seg.src;
	ok(tcp_test_rx(peer.port, (TCP_SYN | TCP_ACK), 5000, peer.iss + 1, 1000,
		       NULL, 0, NULL, 0) == 0);
	xfer_close(&tcp_test_user.xfer, 0);
	tcp_test_capture_reset();
	ok(tcp_test_rx(peer.port, TCP_ACK, 5001, peer.iss + 1, 1000, NULL, 0,
		       data, sizeof(data)) == 0);
	ok(tcp_test_get(-1, &seg) && (seg.flags & TCP_RST));
	tcp_test_capture_reset();
	ok(heap_pool.free == heap_free);
}

/** A peer without options: MSS 536, no scaling, no timestamps */
UNIT_TEST(tcp_no_options)
{
	static uint8_t data[2000];
	struct tcp_test_segment seg;
	size_t heap_free = heap_pool.free;
	uint32_t iss;
	uint16_t port;

	tcp_test_setup();
	ok(tcp_open(&tcp_test_user.xfer, (struct sockaddr *)&tcp_test_peer_addr,
		    NULL) == 0);
	ok(tcp_test_get(0, &seg));
	iss = seg.seq;
	port = seg.src;
	ok(tcp_test_rx(port, (TCP_SYN | TCP_ACK), 77, iss + 1, 8000, NULL, 0,
		       NULL, 0) == 0);
	ok(tcp_test_get(-1, &seg) && seg.flags == TCP_ACK);
	ok(seg.opts.present == 0 && seg.win == 65535);
	tcp_test_capture_reset();
	ok(xfer_deliver_raw(&tcp_test_user.xfer, data, sizeof(data)) == 0);
	ok(tcp_test_get(0, &seg) && seg.len == 536 && seg.opts.present == 0);
	tcp_test_abort();
	ok(heap_pool.free == heap_free);
}

/** State of the test's pseudo-random generator */
static uint32_t tcp_test_random_state = 12345;

/**
 * A pseudo-random number (repeatable)
 *
 * @ret value		Number
 */
static uint32_t tcp_test_random(void)
{
	tcp_test_random_state ^= (tcp_test_random_state << 13);
	tcp_test_random_state ^= (tcp_test_random_state >> 17);
	tcp_test_random_state ^= (tcp_test_random_state << 5);
	return tcp_test_random_state;
}

/** Hostile segments: random flags, numbers, options and lengths, near
 * the window and far from it; nothing may crash, leak or hang
 */
UNIT_TEST(tcp_random_segments)
{
	static uint8_t data[1600];
	static const unsigned int flag_choices[] = {
		TCP_ACK,
		TCP_ACK,
		TCP_ACK | TCP_PSH,
		TCP_ACK | TCP_FIN,
		TCP_SYN,
		TCP_SYN | TCP_ACK,
		TCP_RST,
		TCP_RST | TCP_ACK,
		0,
		0xff,
	};
	struct tcp_test_peer peer;
	uint8_t opts[40];
	size_t heap_free = heap_pool.free;
	size_t opts_len;
	size_t len;
	unsigned int connections = 1;
	unsigned int i;
	unsigned int j;
	uint32_t seq;
	uint32_t ack;
	uint32_t choice;

	for (i = 0; i < sizeof(data); i++)
		data[i] = tcp_test_random();
	tcp_test_setup();
	ok(tcp_test_connect(&peer, 0xffffff00U, 1460) == 0);
	for (i = 0; i < 4000; i++) {
		choice = tcp_test_random();
		/* Sequence numbers mostly near what TCP expects */
		seq = peer.seq + (tcp_test_random() % 6000) - 3000;
		if ((choice & 0xf) == 0)
			seq = tcp_test_random();
		ack = peer.ack + (tcp_test_random() % 64) - 32;
		len = ((choice >> 4) & 1) ? (tcp_test_random() % 1461) : 0;
		/* Options: valid timestamps and SACK blocks, or junk */
		opts_len = 0;
		switch ((choice >> 5) & 3) {
		case 0:
			opts_len = tcp_test_opt_ts(opts, peer.ts++, 0);
			break;
		case 1:
			opts_len = (4 * (tcp_test_random() % 11));
			for (j = 0; j < opts_len; j++)
				opts[j] = tcp_test_random();
			break;
		case 2: {
			struct tcp_sack_block blocks[3];

			for (j = 0; j < 3; j++) {
				blocks[j].start =
					peer.iss + tcp_test_random() % 5000;
				blocks[j].end = blocks[j].start +
						tcp_test_random() % 3000 - 500;
			}
			opts_len = tcp_test_opt_sack(opts, blocks, 3);
			break;
		}
		default:
			break;
		}
		tcp_test_rx(
			peer.port,
			flag_choices[(choice >> 8) % ARRAY_SIZE(flag_choices)],
			seq, ack, tcp_test_random(), opts, opts_len, data, len);
		/* In-order data now and then, so the window moves */
		if ((choice >> 12) % 3 == 0) {
			len = (tcp_test_random() % 1448);
			tcp_test_peer_send(&peer, TCP_ACK, peer.seq, 1000, data,
					   len);
			peer.seq += len;
		}
		/* The user sends or closes now and then */
		if ((choice >> 14) % 50 == 0)
			xfer_deliver_raw(&tcp_test_user.xfer, data, 1500);
		if ((choice >> 20) % 400 == 0)
			xfer_close(&tcp_test_user.xfer, 0);
		tcp_test_capture_reset();
		if (tcp_test_user.closed ||
		    !xfer_is_plugged(&tcp_test_user.xfer)) {
			/* Make sure it is gone, then start another */
			tcp_test_kill(&peer);
			tcp_test_setup();
			ok(tcp_test_connect(&peer, tcp_test_random(),
					    536 + i % 1000) == 0);
			connections++;
		}
	}
	ok(connections > 1);
	tcp_test_kill(&peer);
	ok(tcp_test_bad_checksums == 0);
	ok(heap_pool.free == heap_free);
}

/** Simultaneous open: our SYN crosses the peer's; the SYN-ACK offers
 * only what the peer offered, padded to whole words
 */
UNIT_TEST(tcp_simultaneous_open)
{
	static const uint8_t syn_opts[] = {
		TCP_OPTION_MSS, 4, 0x03, 0xe8, TCP_OPTION_NOP,
		TCP_OPTION_WS,  3, 2
	};
	static uint8_t data[1000];
	struct tcp_test_segment seg;
	size_t heap_free = heap_pool.free;
	uint32_t iss;
	uint16_t port;

	tcp_test_setup();
	ok(tcp_open(&tcp_test_user.xfer, (struct sockaddr *)&tcp_test_peer_addr,
		    NULL) == 0);
	ok(tcp_test_get(0, &seg));
	iss = seg.seq;
	port = seg.src;
	ok(tcp_test_rx(port, TCP_SYN, 7000, 0, 100, syn_opts, sizeof(syn_opts),
		       NULL, 0) == 0);
	ok(tcp_test_get(-1, &seg) && seg.flags == (TCP_SYN | TCP_ACK));
	ok(seg.seq == iss && seg.ack == 7001 && seg.opts_rc == 0);
	ok(seg.opts.present == (TCP_OPTS_MSS | TCP_OPTS_WS));
	ok(seg.opts.ws_shift == 6);
	ok(tcp_test_user.window_changes == 0);
	/* The ACK completes it; its window is scaled (100 << 2) */
	ok(tcp_test_rx(port, TCP_ACK, 7001, iss + 1, 100, NULL, 0, NULL, 0) ==
	   0);
	ok(tcp_test_user.window_changes == 1);
	ok(xfer_window(&tcp_test_user.xfer) == 400);
	/* Data goes as the window allows */
	tcp_test_capture_reset();
	ok(xfer_deliver_raw(&tcp_test_user.xfer, data, sizeof(data)) == 0);
	ok(tcp_test_get(0, &seg) && seg.len == 400 && seg.seq == iss + 1);
	ok(tcp_test_capture_count == 1);
	tcp_test_abort();
	ok(heap_pool.free == heap_free);
}

/** Early retransmit (RFC 5827): with two segments in flight and nothing
 * more to send, one duplicate ACK is enough
 */
UNIT_TEST(tcp_early_retransmit)
{
	static uint8_t data[2 * 1448];
	struct tcp_sack_block block;
	struct tcp_test_peer peer;
	struct tcp_test_segment seg;
	uint8_t opts[12];
	size_t heap_free = heap_pool.free;
	uint32_t base;

	tcp_test_setup();
	ok(tcp_test_connect(&peer, 1000, 1460) == 0);
	base = peer.iss + 1;
	tcp_test_capture_reset();
	ok(xfer_deliver_raw(&tcp_test_user.xfer, data, sizeof(data)) == 0);
	ok(tcp_test_capture_count == 2);
	/* (A window update first: a duplicate ACK repeats the window) */
	ok(tcp_test_rx(peer.port, TCP_ACK, peer.seq, base, 4000, NULL, 0, NULL,
		       0) == 0);
	ok(tcp_test_capture_count == 2);
	block.start = base + 1448;
	block.end = base + 2 * 1448;
	ok(tcp_test_rx(peer.port, TCP_ACK, peer.seq, base, 4000, opts,
		       tcp_test_opt_sack(opts, &block, 1), NULL, 0) == 0);
	ok(tcp_test_capture_count == 3);
	ok(tcp_test_get(-1, &seg) && seg.seq == base && seg.len == 1448);
	tcp_test_abort();
	ok(heap_pool.free == heap_free);
}
