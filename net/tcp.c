/** @file
 *
 * The Transmission Control Protocol
 *
 * Connections are opened actively only (a bootloader listens for
 * nothing) and speak RFC 9293 with the extensions that matter for bulk
 * downloads: window scaling and timestamps (RFC 7323), selective
 * acknowledgements (RFC 2018, with the duplicate reports of RFC 2883),
 * the retransmission timer of RFC 6298 and NewReno congestion control
 * (RFC 5681, RFC 6582, with limited transmit and early retransmit:
 * RFC 3042, RFC 5827).
 *
 * Receiving.  Data that arrives in order goes straight to the user with
 * xfer_deliver(), in the buffer it arrived in.  Data that arrives ahead
 * of a gap waits in the reassembly queue (struct tcp_rx_queue), whose
 * ranges also give the SACK blocks; the queue's memory is bounded, and
 * the advertised window (TCP_RX_WINDOW_BYTES, at most what the user
 * says it can take) never shrinks.  ACKs are delayed by up to
 * TCP_DELAYED_ACK_MS but sent at least for every second data segment,
 * and at once for anything out of order or duplicated.
 *
 * Sending.  The user's buffers wait in the send queue until they are
 * acknowledged; segments are copied out of it, so a retransmission is
 * simply a copy made again.  The user sees as its window what the peer
 * and the send buffer (TCP_TX_BUFFER_MAX_BYTES) allow.  The peer's SACK
 * blocks (struct tcp_scoreboard) keep retransmissions to the holes and
 * show losses sooner than duplicate ACKs alone.
 *
 * Timers, per connection: the retransmission timer (also the SYN, FIN
 * and zero-window probe timer), the delayed-ACK timer, and the state
 * timer (keepalive while established, then FIN-WAIT-2 and TIME-WAIT).
 * Every way a connection can hang is bounded: connecting gives up after
 * TCP_CONNECT_TIMEOUT_MS, unacknowledged data or a window that stays
 * closed after TCP_STALL_TIMEOUT_MS, a silent peer after the keepalive
 * probes, and a closing connection after TCP_FIN_WAIT_2_TIMEOUT_MS or
 * TCP_TIME_WAIT_MS.
 *
 * Everything received is untrusted: every read of a header or an option
 * is checked against the segment's length first.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/tcp.h"
#include "net/tcpip.h"
#include "net/socket.h"
#include "core/iobuf.h"
#include "core/xfer.h"
#include "core/refcnt.h"
#include "core/timer.h"
#include "core/process.h"
#include "core/list.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/platform.h"
#include "core/random.h"
#include "core/compiler.h"

/** Receive window offered (RFC 7323 scaling makes room for it) */
#define TCP_RX_WINDOW_BYTES           (2U * 1024 * 1024)
/** Most memory the reassembly queue of one connection may hold */
#define TCP_RXQ_MAX_MEM_BYTES         (TCP_RX_WINDOW_BYTES + TCP_RX_WINDOW_BYTES / 2)
/** Most data waiting to be sent or acknowledged, as the user sees it */
#define TCP_TX_BUFFER_MAX_BYTES       (256U * 1024)
/** Largest window a header can carry unscaled */
#define TCP_MAX_UNSCALED_WINDOW_BYTES 65535U
/** Maximum segment size assumed when the peer sends none (RFC 9293) */
#define TCP_MSS_DEFAULT               536U
/** Smallest maximum segment size accepted from a peer */
#define TCP_MSS_MIN                   64U
/** Largest maximum segment size (the option is 16 bits) */
#define TCP_MSS_MAX                   65535U
/** Longest an ACK is delayed */
#define TCP_DELAYED_ACK_MS            40
/** Data segments received before the ACK is sent when their burst ends
 *  rather than by the delayed-ACK timer */
#define TCP_ACK_EVERY_SEGMENTS        2
/** Data segments received before an ACK is sent within a burst, to keep
 *  the sender's clock going when a burst is long (64 segments, 92 KiB,
 *  about 5% of the 2 MiB window; each ACK costs the NIC a frame, and
 *  under emulation the sender's own work for it) */
#define TCP_ACK_BATCH_MAX_SEGMENTS    64
/** Longest a connection attempt goes on */
#define TCP_CONNECT_TIMEOUT_MS        15000
/** Longest sent data may stay unacknowledged, or the peer's window closed */
#define TCP_STALL_TIMEOUT_MS          60000
/** Silence from the peer before a keepalive probe */
#define TCP_KEEPALIVE_IDLE_MS         15000
/** Time between keepalive checks and probes */
#define TCP_KEEPALIVE_INTERVAL_MS     5000
/** Keepalive probes unanswered before the peer is declared gone */
#define TCP_KEEPALIVE_PROBES          8
/** Longest wait for the peer's FIN once ours is acknowledged */
#define TCP_FIN_WAIT_2_TIMEOUT_MS     10000
/** TIME-WAIT: long enough to acknowledge a retransmitted FIN */
#define TCP_TIME_WAIT_MS              2000
/** Most challenge ACKs (RFC 5961) sent per second */
#define TCP_CHALLENGE_ACKS_PER_SECOND 10
/** Duplicate ACKs that trigger a fast retransmit (RFC 5681) */
#define TCP_DUPACK_THRESHOLD          3
/** Largest congestion window */
#define TCP_CWND_MAX_BYTES            0x40000000U
/** First ephemeral port */
#define TCP_EPHEMERAL_PORT_MIN        49152U
/** Number of ephemeral ports */
#define TCP_EPHEMERAL_PORT_COUNT      16384U
/** Length of the timestamps option with its two NOPs */
#define TCP_TS_OPTION_LEN             12
/** Longest option area */
#define TCP_OPTIONS_MAX_LEN           (TCP_HEADER_MAX_LEN - TCP_HEADER_LEN)

/** A segment shorter than a header */
#define EINVAL_SHORT ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_SHORT, "TCP segment shorter than its header");
/** A header length outside the segment */
#define EINVAL_HLEN ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_HLEN, "TCP header length invalid");
/** A segment whose checksum is wrong */
#define EINVAL_CSUM ERROR_CODE(ERRCLASS_EINVAL, 3)
ERROR_MESSAGE(EINVAL_CSUM, "TCP checksum incorrect");
/** An option whose length is impossible */
#define EINVAL_OPTION ERROR_CODE(ERRCLASS_EINVAL, 4)
ERROR_MESSAGE(EINVAL_OPTION, "TCP option malformed");
/** A peer without a port */
#define EINVAL_PORT ERROR_CODE(ERRCLASS_EINVAL, 5)
ERROR_MESSAGE(EINVAL_PORT, "TCP port missing");
/** A segment for no connection */
#define ENOTCONN_UNKNOWN ERROR_CODE(ERRCLASS_ENOTCONN, 1)
ERROR_MESSAGE(ENOTCONN_UNKNOWN, "No TCP connection for segment");
/** Data from the user after the connection closed for sending */
#define ENOTCONN_CLOSED ERROR_CODE(ERRCLASS_ENOTCONN, 2)
ERROR_MESSAGE(ENOTCONN_CLOSED, "TCP connection closed for sending");
/** No answer to a SYN */
#define ETIMEDOUT_CONNECT ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_CONNECT,
	      "Connection timed out: no answer from TCP peer");
/** Data never acknowledged */
#define ETIMEDOUT_STALL ERROR_CODE(ERRCLASS_ETIMEDOUT, 2)
ERROR_MESSAGE(ETIMEDOUT_STALL,
	      "Connection timed out: TCP peer stopped acknowledging");
/** The peer's window stayed closed */
#define ETIMEDOUT_WINDOW ERROR_CODE(ERRCLASS_ETIMEDOUT, 3)
ERROR_MESSAGE(ETIMEDOUT_WINDOW,
	      "Connection timed out: TCP peer's window stayed closed");
/** The peer answers no keepalive probe */
#define ETIMEDOUT_KEEPALIVE ERROR_CODE(ERRCLASS_ETIMEDOUT, 4)
ERROR_MESSAGE(ETIMEDOUT_KEEPALIVE,
	      "Connection timed out: TCP peer stopped responding");
/** RST in answer to our SYN */
#define ECONNREFUSED_RST ERROR_CODE(ERRCLASS_ECONNREFUSED, 1)
ERROR_MESSAGE(ECONNREFUSED_RST, "Connection refused");
/** RST on an established connection */
#define ECONNRESET_RST ERROR_CODE(ERRCLASS_ECONNRESET, 1)
ERROR_MESSAGE(ECONNRESET_RST, "Connection reset by peer");
/** Every ephemeral port in use */
#define EADDRINUSE_PORTS ERROR_CODE(ERRCLASS_EADDRINUSE, 1)
ERROR_MESSAGE(EADDRINUSE_PORTS, "No free TCP port");
/** The same connection exists already */
#define EADDRINUSE_TUPLE ERROR_CODE(ERRCLASS_EADDRINUSE, 2)
ERROR_MESSAGE(EADDRINUSE_TUPLE, "TCP connection exists already");
/** No route to the peer */
#define ENETUNREACH_ROUTE ERROR_CODE(ERRCLASS_ENETUNREACH, 1)
ERROR_MESSAGE(ENETUNREACH_ROUTE, "No route to TCP peer");
/** Out-of-order data that did not fit the reassembly queue */
#define ENOBUFS_RXQ ERROR_CODE(ERRCLASS_ENOBUFS, 1)
ERROR_MESSAGE(ENOBUFS_RXQ, "TCP reassembly queue full");

/** Connection states (RFC 9293 section 3.3.2) */
enum tcp_state {
	TCP_STATE_CLOSED = 0,
	TCP_STATE_SYN_SENT,
	TCP_STATE_SYN_RECEIVED,
	TCP_STATE_ESTABLISHED,
	TCP_STATE_FIN_WAIT_1,
	TCP_STATE_FIN_WAIT_2,
	TCP_STATE_CLOSE_WAIT,
	TCP_STATE_CLOSING,
	TCP_STATE_LAST_ACK,
	TCP_STATE_TIME_WAIT,
};

/** Connection flags */
enum tcp_connection_flags {
	/** Timestamps are in use (both sides offered them) */
	TCP_CONN_TS = 0x0001,
	/** The peer accepts SACK blocks, and sends them */
	TCP_CONN_SACK = 0x0002,
	/** Window scaling is in use */
	TCP_CONN_WS = 0x0004,
	/** A FIN follows the queued data */
	TCP_CONN_FIN_QUEUED = 0x0008,
	/** The user closed the connection (not because of the peer's FIN) */
	TCP_CONN_USER_CLOSED = 0x0010,
	/** The peer's FIN arrived ahead of a gap (at rcv_fin_seq) */
	TCP_CONN_FIN_AHEAD = 0x0020,
	/** In fast recovery (RFC 6582) */
	TCP_CONN_RECOVERY = 0x0040,
	/** Timing a segment for the RTT (when there are no timestamps) */
	TCP_CONN_RTT_TIMING = 0x0080,
	/** The SYN was sent more than once */
	TCP_CONN_SYN_RETRANSMITTED = 0x0100,
	/** An ACK is due now */
	TCP_CONN_ACK_NOW = 0x0200,
	/** A duplicate to report (RFC 2883) in the next ACK */
	TCP_CONN_DSACK = 0x0400,
};

/** A TCP connection */
struct tcp_connection {
	/** Reference counter (first: freed with heap_free()) */
	struct refcnt refcnt;
	/** Link in the list of connections (which holds a reference) */
	struct list_head list;
	/** Endpoint toward the user */
	struct xfer xfer;
	/** Remote address and port */
	struct sockaddr_tcpip peer;
	/** Local port (host byte order) */
	uint16_t local_port;
	/** State */
	enum tcp_state state;
	/** Flags (TCP_CONN_...) */
	unsigned int flags;

	/** Initial send sequence number */
	uint32_t iss;
	/** Oldest unacknowledged sequence number */
	uint32_t snd_una;
	/** Next sequence number to send (below snd_max when resending) */
	uint32_t snd_nxt;
	/** Highest sequence number sent, plus one */
	uint32_t snd_max;
	/** Peer's window, in bytes */
	uint32_t snd_wnd;
	/** Largest window the peer offered */
	uint32_t max_snd_wnd;
	/** Sequence number of the segment that last updated snd_wnd */
	uint32_t snd_wl1;
	/** Acknowledgement number of the segment that last updated snd_wnd */
	uint32_t snd_wl2;
	/** Peer's window scale shift */
	uint8_t snd_wscale;
	/** Our window scale shift */
	uint8_t rcv_wscale;
	/** Largest segment (data and options) the peer and route allow */
	size_t snd_mss;
	/** Maximum segment size we advertised */
	size_t rcv_mss;

	/** Congestion window */
	uint32_t cwnd;
	/** Slow-start threshold */
	uint32_t ssthresh;
	/** snd_max when fast recovery began (RFC 6582 "recover") */
	uint32_t recover;
	/** Next sequence number to consider for a SACK-driven retransmit */
	uint32_t rtx_next;
	/** Bytes acknowledged toward the next congestion-avoidance step */
	uint32_t bytes_acked;
	/** Consecutive duplicate ACKs */
	unsigned int dupacks;

	/** Data waiting to be sent or acknowledged (the user's buffers) */
	struct list_head tx_queue;
	/** Bytes in tx_queue */
	size_t tx_queued;
	/** Sequence number of the first byte in tx_queue */
	uint32_t tx_seq;
	/** A buffer in tx_queue where the last copy ended, or NULL */
	struct io_buffer *tx_cursor;
	/** Sequence number of tx_cursor's first byte */
	uint32_t tx_cursor_seq;
	/** What the peer selectively acknowledged */
	struct tcp_scoreboard scoreboard;

	/** Round-trip time estimator */
	struct tcp_rtt rtt;
	/** Segment end being timed (without timestamps) */
	uint32_t rtt_seq;
	/** When the timed segment was sent */
	uint64_t rtt_start_ms;
	/** Offset of our timestamp clock from clock_ms() */
	uint32_t ts_offset;
	/** Latest timestamp to echo (RFC 7323 TS.Recent) */
	uint32_t ts_recent;

	/** Peer's initial sequence number */
	uint32_t irs;
	/** Next sequence number expected */
	uint32_t rcv_nxt;
	/** Right edge of the window advertised (never moves left) */
	uint32_t rcv_adv;
	/** Acknowledgement number last sent */
	uint32_t last_ack_sent;
	/** Sequence number of the peer's FIN, if TCP_CONN_FIN_AHEAD */
	uint32_t rcv_fin_seq;
	/** Data segments received since the last ACK sent */
	unsigned int ack_pending;
	/** Data segments received in the current main-loop step */
	unsigned int ack_pending_step;
	/** Data received ahead of a gap */
	struct tcp_rx_queue rxq;
	/** Duplicate data to report, if TCP_CONN_DSACK */
	struct tcp_sack_block dsack;

	/** Retransmission, SYN, FIN and zero-window probe timer */
	struct timer rtx_timer;
	/** Delayed-ACK timer */
	struct timer ack_timer;
	/** Keepalive, FIN-WAIT-2 and TIME-WAIT timer */
	struct timer state_timer;
	/** When the connection attempt began */
	uint64_t start_ms;
	/** When sending last made progress */
	uint64_t progress_ms;
	/** When a segment last arrived */
	uint64_t last_rx_ms;
	/** Keepalive probes sent without an answer */
	unsigned int keepalive_probes;
	/** Start of the current second of challenge ACKs */
	uint64_t challenge_ms;
	/** Challenge ACKs sent in that second */
	unsigned int challenge_count;
};

/** A received segment, header parsed */
struct tcp_segment {
	/** Sequence number */
	uint32_t seq;
	/** Acknowledgement number */
	uint32_t ack;
	/** Window field (unscaled) */
	uint16_t win;
	/** Flags */
	unsigned int flags;
	/** Length of the data */
	size_t len;
	/** Options */
	struct tcp_options opts;
};

/** Every connection */
static LIST_HEAD(tcp_connections);

/** Counters */
struct tcp_statistics tcp_stats;

static int tcp_transmit(struct tcp_connection *tcp, uint32_t seq, size_t len,
			unsigned int flags);
static void tcp_xmit(struct tcp_connection *tcp);

/******************************************************************************
 *
 * Parsing and arithmetic
 *
 ******************************************************************************
 */

/**
 * Read a 16-bit big-endian value
 *
 * @v bytes		Bytes
 * @ret value		Value
 */
static inline uint16_t tcp_get16(const uint8_t *bytes)
{
	return ((bytes[0] << 8) | bytes[1]);
}

/**
 * Read a 32-bit big-endian value
 *
 * @v bytes		Bytes
 * @ret value		Value
 */
static inline uint32_t tcp_get32(const uint8_t *bytes)
{
	return (((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) |
		((uint32_t)bytes[2] << 8) | bytes[3]);
}

/**
 * Write a 32-bit big-endian value
 *
 * @v bytes		Bytes
 * @v value		Value
 */
static inline void tcp_put32(uint8_t *bytes, uint32_t value)
{
	bytes[0] = (value >> 24);
	bytes[1] = (value >> 16);
	bytes[2] = (value >> 8);
	bytes[3] = value;
}

/**
 * Parse the options of a segment
 *
 * Options whose kind is known but whose length is wrong are ignored, as
 * are unknown options; an option whose length byte is missing, below
 * two or past the end of the option area makes the whole area invalid.
 *
 * @v data		Option area
 * @v len		Length of the option area
 * @v opts		Parsed options to fill in
 * @ret rc		Return status code
 */
int tcp_options_parse(const void *data, size_t len, struct tcp_options *opts)
{
	const uint8_t *bytes = data;
	const uint8_t *opt;
	size_t offset = 0;
	size_t opt_len;
	unsigned int count;
	unsigned int i;

	memset(opts, 0, sizeof(*opts));
	while (offset < len) {
		opt = (bytes + offset);
		if (opt[0] == TCP_OPTION_END)
			break;
		if (opt[0] == TCP_OPTION_NOP) {
			offset++;
			continue;
		}
		if ((len - offset) < 2)
			return -EINVAL_OPTION;
		opt_len = opt[1];
		if (opt_len < 2 || opt_len > (len - offset))
			return -EINVAL_OPTION;
		switch (opt[0]) {
		case TCP_OPTION_MSS:
			if (opt_len != 4)
				break;
			opts->present |= TCP_OPTS_MSS;
			opts->mss = tcp_get16(opt + 2);
			break;
		case TCP_OPTION_WS:
			if (opt_len != 3)
				break;
			opts->present |= TCP_OPTS_WS;
			opts->ws_shift = min(opt[2], (uint8_t)TCP_WS_MAX_SHIFT);
			break;
		case TCP_OPTION_SACK_PERMITTED:
			if (opt_len != 2)
				break;
			opts->present |= TCP_OPTS_SACK_PERMITTED;
			break;
		case TCP_OPTION_SACK:
			if (opt_len < 10 || ((opt_len - 2) % 8) != 0)
				break;
			count = min((unsigned int)((opt_len - 2) / 8),
				    (unsigned int)TCP_SACK_OPTION_MAX_BLOCKS);
			for (i = 0; i < count; i++) {
				opts->sack[i].start =
					tcp_get32(opt + 2 + 8 * i);
				opts->sack[i].end = tcp_get32(opt + 6 + 8 * i);
			}
			opts->sack_count = count;
			opts->present |= TCP_OPTS_SACK;
			break;
		case TCP_OPTION_TS:
			if (opt_len != 10)
				break;
			opts->present |= TCP_OPTS_TS;
			opts->ts_val = tcp_get32(opt + 2);
			opts->ts_ecr = tcp_get32(opt + 6);
			break;
		default:
			break;
		}
		offset += opt_len;
	}
	return 0;
}

/**
 * Initialise a round-trip time estimator (RFC 6298 section 2.1)
 *
 * @v rtt		Estimator
 */
void tcp_rtt_init(struct tcp_rtt *rtt)
{
	memset(rtt, 0, sizeof(*rtt));
	rtt->rto_ms = TCP_RTO_INITIAL_MS;
}

/**
 * Feed a round-trip time measurement to the estimator (RFC 6298 2.2-2.3)
 *
 * A sample also ends any backoff, as it shows the path works again.
 *
 * @v rtt		Estimator
 * @v sample_ms		Round-trip time measured
 */
void tcp_rtt_sample(struct tcp_rtt *rtt, uint32_t sample_ms)
{
	uint32_t sample_us;
	uint32_t error_us;
	uint32_t variation_us;
	uint64_t rto_us;

	sample_ms = min(sample_ms, (uint32_t)TCP_RTO_MAX_MS);
	sample_us = (sample_ms * 1000);
	if (!rtt->samples) {
		rtt->srtt_us = sample_us;
		rtt->rttvar_us = (sample_us / 2);
	} else {
		error_us = ((rtt->srtt_us > sample_us)
				    ? (rtt->srtt_us - sample_us)
				    : (sample_us - rtt->srtt_us));
		/* RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then
		 * SRTT <- 7/8 SRTT + 1/8 R'
		 */
		rtt->rttvar_us = (rtt->rttvar_us - (rtt->rttvar_us / 4) +
				  (error_us / 4));
		rtt->srtt_us =
			(rtt->srtt_us - (rtt->srtt_us / 8) + (sample_us / 8));
	}
	if (rtt->samples < ~0U)
		rtt->samples++;
	/* RTO <- SRTT + max(G, 4 * RTTVAR), G being one millisecond */
	variation_us = max((uint32_t)1000, (4 * rtt->rttvar_us));
	rto_us = ((uint64_t)rtt->srtt_us + variation_us + 999);
	rtt->rto_ms = (uint32_t)min(rto_us / 1000, (uint64_t)TCP_RTO_MAX_MS);
	rtt->rto_ms = max(rtt->rto_ms, (uint32_t)TCP_RTO_MIN_MS);
	rtt->backoff = 0;
}

/**
 * The retransmission timeout, backoff included (RFC 6298 section 5.5)
 *
 * @v rtt		Estimator
 * @ret timeout_ms	Timeout
 */
uint32_t tcp_rtt_timeout(const struct tcp_rtt *rtt)
{
	uint64_t timeout_ms = rtt->rto_ms;

	if (rtt->backoff >= 16)
		return TCP_RTO_MAX_MS;
	timeout_ms <<= rtt->backoff;
	return (uint32_t)min(timeout_ms, (uint64_t)TCP_RTO_MAX_MS);
}

/******************************************************************************
 *
 * Reassembly queue
 *
 ******************************************************************************
 */

/**
 * Memory a buffer holds, as counted against the queue's limit
 *
 * @v iob		I/O buffer
 * @ret mem		Bytes
 */
size_t tcp_iob_mem(struct io_buffer *iob)
{
	return ((size_t)(iob->end - iob->head) + sizeof(*iob));
}

/**
 * Initialise a reassembly queue
 *
 * @v rxq		Reassembly queue
 * @v mem_max		Most memory its buffers may hold
 */
void tcp_rxq_init(struct tcp_rx_queue *rxq, size_t mem_max)
{
	memset(rxq, 0, sizeof(*rxq));
	INIT_LIST_HEAD(&rxq->buffers);
	rxq->mem_max = mem_max;
}

/**
 * Remove a buffer from the queue
 *
 * @v rxq		Reassembly queue
 * @v iob		Buffer (still owned by the caller afterwards)
 */
static void tcp_rxq_unlink(struct tcp_rx_queue *rxq, struct io_buffer *iob)
{
	list_del(&iob->list);
	rxq->mem -= tcp_iob_mem(iob);
}

/**
 * Remove a range from the table (not its buffers)
 *
 * @v rxq		Reassembly queue
 * @v index		Index of the range
 */
static void tcp_rxq_remove_range(struct tcp_rx_queue *rxq, unsigned int index)
{
	memmove(&rxq->ranges[index], &rxq->ranges[index + 1],
		((rxq->count - index - 1) * sizeof(rxq->ranges[0])));
	rxq->count--;
}

/**
 * Free a range and its buffers
 *
 * @v rxq		Reassembly queue
 * @v index		Index of the range
 */
static void tcp_rxq_free_range(struct tcp_rx_queue *rxq, unsigned int index)
{
	struct tcp_rxq_range *range = &rxq->ranges[index];
	struct io_buffer *iob = range->first;
	struct io_buffer *next;
	int last;

	do {
		last = (iob == range->last);
		next = list_entry(iob->list.next, struct io_buffer, list);
		tcp_rxq_unlink(rxq, iob);
		iob_free(iob);
		iob = next;
	} while (!last);
	tcp_rxq_remove_range(rxq, index);
}

/**
 * Drop buffers from the end of the queue until it fits its memory limit
 *
 * The data furthest ahead is the least useful: the gap before it has
 * to be filled first.
 *
 * @v rxq		Reassembly queue
 * @v keep		Buffer the caller cares about
 * @ret kept		keep is still queued
 */
static int tcp_rxq_evict(struct tcp_rx_queue *rxq, struct io_buffer *keep)
{
	struct tcp_rxq_range *range;
	struct io_buffer *iob;
	int kept = 1;

	while (rxq->mem > rxq->mem_max && rxq->count) {
		range = &rxq->ranges[rxq->count - 1];
		iob = range->last;
		range->end -= iob_len(iob);
		if (iob == range->first) {
			rxq->count--;
		} else {
			range->last = list_entry(iob->list.prev,
						 struct io_buffer, list);
		}
		if (iob == keep)
			kept = 0;
		tcp_rxq_unlink(rxq, iob);
		iob_free(iob);
		tcp_stats.rx_queue_drops++;
	}
	return kept;
}

/**
 * Add out-of-order data to the reassembly queue
 *
 * Bytes the queue holds already are cut from the new buffer; ranges the
 * new buffer covers completely are replaced by it.  Data that would need
 * a range beyond TCP_RXQ_MAX_RANGES is dropped, and buffers furthest
 * ahead are dropped while the queue holds more than its memory limit.
 *
 * @v rxq		Reassembly queue
 * @v iob		Data (owned by this call from now on)
 * @v seq		Sequence number of its first byte
 * @v dup		First range the queue held already (start == end if
 *			none), to fill in, or NULL
 * @ret rc		Return status code (-ENOBUFS: not kept)
 */
int tcp_rxq_insert(struct tcp_rx_queue *rxq, struct io_buffer *iob,
		   uint32_t seq, struct tcp_sack_block *dup)
{
	struct tcp_sack_block dup_block;
	struct tcp_rxq_range *range;
	struct list_head *before;
	uint32_t end;
	unsigned int index;
	unsigned int next;
	unsigned int count;

	if (!dup)
		dup = &dup_block;
	dup->start = dup->end = seq;
	if (!iob_len(iob)) {
		iob_free(iob);
		return 0;
	}
	end = (seq + iob_len(iob));

	/* Find the first range ending at or after seq.  Data mostly
	 * extends the last range, so search from the end.
	 */
	index = rxq->count;
	while (index > 0 && !tcp_seq_before(rxq->ranges[index - 1].end, seq))
		index--;

	/* Cut what range index holds already from the front */
	if (index < rxq->count &&
	    !tcp_seq_after(rxq->ranges[index].start, seq)) {
		range = &rxq->ranges[index];
		if (!tcp_seq_after(end, range->end)) {
			dup->end = end;
			tcp_stats.rx_duplicates++;
			iob_free(iob);
			return 0;
		}
		dup->end = range->end;
		iob_pull(iob, (range->end - seq));
		seq = range->end;
		next = (index + 1);
	} else {
		range = NULL;
		next = index;
	}

	/* Ranges the new data covers completely: count them, then check
	 * that what is left fits the table before changing anything.
	 */
	count = 0;
	while ((next + count) < rxq->count &&
	       !tcp_seq_before(end, rxq->ranges[next + count].end))
		count++;
	if (!range && (rxq->count - count) >= TCP_RXQ_MAX_RANGES &&
	    ((next + count) == rxq->count ||
	     tcp_seq_before(end, rxq->ranges[next + count].start))) {
		tcp_stats.rx_queue_drops++;
		iob_free(iob);
		return -ENOBUFS_RXQ;
	}
	while (count--)
		tcp_rxq_free_range(rxq, next);

	/* Cut what the following range holds from the end */
	if (next < rxq->count && tcp_seq_after(end, rxq->ranges[next].start)) {
		if (dup->start == dup->end) {
			dup->start = rxq->ranges[next].start;
			dup->end = end;
		}
		iob_unput(iob, (end - rxq->ranges[next].start));
		end = rxq->ranges[next].start;
	}

	/* Link the buffer in and grow or make its range */
	if (range) {
		list_insert(&iob->list, &range->last->list,
			    range->last->list.next);
		range->last = iob;
		range->end = end;
	} else {
		before = ((next < rxq->count) ? &rxq->ranges[next].first->list
					      : &rxq->buffers);
		list_insert(&iob->list, before->prev, before);
		if (next < rxq->count && end == rxq->ranges[next].start) {
			range = &rxq->ranges[next];
			range->start = seq;
			range->first = iob;
		} else {
			memmove(&rxq->ranges[next + 1], &rxq->ranges[next],
				((rxq->count - next) * sizeof(rxq->ranges[0])));
			rxq->count++;
			range = &rxq->ranges[next];
			range->start = seq;
			range->end = end;
			range->first = range->last = iob;
		}
		index = next;
	}
	/* Join the following range if the gap closed */
	if ((index + 1) < rxq->count &&
	    range->end == rxq->ranges[index + 1].start) {
		range->end = rxq->ranges[index + 1].end;
		range->last = rxq->ranges[index + 1].last;
		tcp_rxq_remove_range(rxq, (index + 1));
	}
	range->stamp = ++rxq->stamp;
	rxq->mem += tcp_iob_mem(iob);

	if (!tcp_rxq_evict(rxq, iob))
		return -ENOBUFS_RXQ;
	return 0;
}

/**
 * Take the next buffer that has become in order
 *
 * @v rxq		Reassembly queue
 * @v rcv_nxt		Next sequence number expected
 * @ret iob		Buffer starting at rcv_nxt (owned by the caller), or
 *			NULL if the queue has none
 */
struct io_buffer *tcp_rxq_pop(struct tcp_rx_queue *rxq, uint32_t rcv_nxt)
{
	struct tcp_rxq_range *range;
	struct io_buffer *iob;
	uint32_t start;
	uint32_t end;

	while (rxq->count && !tcp_seq_after(rxq->ranges[0].start, rcv_nxt)) {
		range = &rxq->ranges[0];
		iob = range->first;
		start = range->start;
		end = (start + iob_len(iob));
		if (iob == range->last) {
			tcp_rxq_remove_range(rxq, 0);
		} else {
			range->first = list_entry(iob->list.next,
						  struct io_buffer, list);
			range->start = end;
		}
		tcp_rxq_unlink(rxq, iob);
		if (!tcp_seq_after(end, rcv_nxt)) {
			iob_free(iob);
			continue;
		}
		iob_pull(iob, (rcv_nxt - start));
		return iob;
	}
	return NULL;
}

/**
 * Choose the SACK blocks to send (RFC 2018 section 4)
 *
 * The first block is the range that grew last (it holds the segment
 * that made this ACK due), then the others from the most recently grown.
 *
 * @v rxq		Reassembly queue
 * @v blocks		Blocks to fill in
 * @v max		Most blocks wanted
 * @ret count		Number of blocks filled in
 */
unsigned int tcp_rxq_sack(struct tcp_rx_queue *rxq,
			  struct tcp_sack_block *blocks, unsigned int max)
{
	unsigned long below = ~0UL;
	unsigned int count = 0;
	unsigned int best;
	unsigned int i;

	while (count < max) {
		best = rxq->count;
		for (i = 0; i < rxq->count; i++) {
			if (rxq->ranges[i].stamp < below &&
			    (best == rxq->count ||
			     rxq->ranges[i].stamp > rxq->ranges[best].stamp))
				best = i;
		}
		if (best == rxq->count)
			break;
		blocks[count].start = rxq->ranges[best].start;
		blocks[count].end = rxq->ranges[best].end;
		below = rxq->ranges[best].stamp;
		count++;
	}
	return count;
}

/**
 * Empty a reassembly queue
 *
 * @v rxq		Reassembly queue
 */
void tcp_rxq_flush(struct tcp_rx_queue *rxq)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	list_for_each_entry_safe (iob, tmp, &rxq->buffers, list) {
		tcp_rxq_unlink(rxq, iob);
		iob_free(iob);
	}
	rxq->count = 0;
}

/******************************************************************************
 *
 * SACK scoreboard (what the peer told us it holds)
 *
 ******************************************************************************
 */

/**
 * Record a SACK block from the peer
 *
 * Blocks that are inverted, that lie entirely at or below snd_una, or
 * that reach beyond what was sent are ignored: they are either
 * duplicate reports (RFC 2883) or forged.
 *
 * @v board		Scoreboard
 * @v block		Block received
 * @v snd_una		Oldest unacknowledged sequence number
 * @v snd_max		Highest sequence number sent, plus one
 */
void tcp_scoreboard_add(struct tcp_scoreboard *board,
			const struct tcp_sack_block *block, uint32_t snd_una,
			uint32_t snd_max)
{
	uint32_t start = block->start;
	uint32_t end = block->end;
	unsigned int index;

	if (!tcp_seq_after(end, start) || !tcp_seq_after(end, snd_una) ||
	    tcp_seq_after(end, snd_max))
		return;
	if (tcp_seq_before(start, snd_una))
		start = snd_una;

	/* Skip the blocks entirely before this one, absorb the ones it
	 * overlaps or touches.
	 */
	index = 0;
	while (index < board->count &&
	       tcp_seq_before(board->blocks[index].end, start))
		index++;
	while (index < board->count &&
	       !tcp_seq_after(board->blocks[index].start, end)) {
		if (tcp_seq_before(board->blocks[index].start, start))
			start = board->blocks[index].start;
		if (tcp_seq_after(board->blocks[index].end, end))
			end = board->blocks[index].end;
		memmove(&board->blocks[index], &board->blocks[index + 1],
			((board->count - index - 1) *
			 sizeof(board->blocks[0])));
		board->count--;
	}

	/* The blocks nearest snd_una matter most: when full, forget the
	 * highest.
	 */
	if (board->count == TCP_SCOREBOARD_MAX_BLOCKS) {
		if (index == TCP_SCOREBOARD_MAX_BLOCKS)
			return;
		board->count--;
	}
	memmove(&board->blocks[index + 1], &board->blocks[index],
		((board->count - index) * sizeof(board->blocks[0])));
	board->blocks[index].start = start;
	board->blocks[index].end = end;
	board->count++;
}

/**
 * Forget what the cumulative acknowledgement now covers
 *
 * @v board		Scoreboard
 * @v snd_una		Oldest unacknowledged sequence number
 */
void tcp_scoreboard_ack(struct tcp_scoreboard *board, uint32_t snd_una)
{
	unsigned int drop = 0;

	while (drop < board->count &&
	       !tcp_seq_after(board->blocks[drop].end, snd_una))
		drop++;
	if (drop) {
		memmove(&board->blocks[0], &board->blocks[drop],
			((board->count - drop) * sizeof(board->blocks[0])));
		board->count -= drop;
	}
	if (board->count && tcp_seq_before(board->blocks[0].start, snd_una))
		board->blocks[0].start = snd_una;
}

/**
 * Find the next sequence number the peer has not reported holding
 *
 * @v board		Scoreboard
 * @v seq		Sequence number to start from
 * @v limit		Start of the next block after the result (or the
 *			result plus 2^31 - 1 if there is none) to fill in
 * @ret seq		seq, or the end of the block it falls in
 */
uint32_t tcp_scoreboard_skip(const struct tcp_scoreboard *board, uint32_t seq,
			     uint32_t *limit)
{
	unsigned int i;

	for (i = 0; i < board->count; i++) {
		if (tcp_seq_before(seq, board->blocks[i].start)) {
			*limit = board->blocks[i].start;
			return seq;
		}
		if (tcp_seq_before(seq, board->blocks[i].end))
			seq = board->blocks[i].end;
	}
	*limit = (seq + 0x7fffffffU);
	return seq;
}

/******************************************************************************
 *
 * Connections
 *
 ******************************************************************************
 */

/**
 * Compare the addresses (not ports) of two socket addresses
 *
 * @v first		Address
 * @v second		Address
 * @ret equal		Same family and address
 */
static int tcp_address_equal(const struct sockaddr_tcpip *first,
			     const struct sockaddr_tcpip *second)
{
	const struct sockaddr_in *sin1 = (const void *)first;
	const struct sockaddr_in *sin2 = (const void *)second;
	const struct sockaddr_in6 *sin6_1 = (const void *)first;
	const struct sockaddr_in6 *sin6_2 = (const void *)second;

	if (first->st_family != second->st_family)
		return 0;
	switch (first->st_family) {
	case AF_INET:
		return (sin1->sin_addr.s_addr == sin2->sin_addr.s_addr);
	case AF_INET6:
		return (memcmp(&sin6_1->sin6_addr, &sin6_2->sin6_addr,
			       sizeof(sin6_1->sin6_addr)) == 0);
	default:
		return (memcmp(first->st_data, second->st_data,
			       sizeof(first->st_data)) == 0);
	}
}

/**
 * Find the connection a segment belongs to
 *
 * @v st_src		Segment's source address
 * @v src_port		Segment's source port (network byte order)
 * @v dest_port		Segment's destination port (network byte order)
 * @ret tcp		Connection, or NULL
 */
static struct tcp_connection *tcp_find(const struct sockaddr_tcpip *st_src,
				       uint16_t src_port, uint16_t dest_port)
{
	struct tcp_connection *tcp;

	list_for_each_entry (tcp, &tcp_connections, list) {
		if (tcp->local_port == ntohs(dest_port) &&
		    tcp->peer.st_port == src_port &&
		    tcp_address_equal(&tcp->peer, st_src))
			return tcp;
	}
	return NULL;
}

/**
 * Test whether a local port is used by any connection
 *
 * @v port		Port (host byte order)
 * @ret used		Port is in use
 */
static int tcp_port_used(uint16_t port)
{
	struct tcp_connection *tcp;

	list_for_each_entry (tcp, &tcp_connections, list) {
		if (tcp->local_port == port)
			return 1;
	}
	return 0;
}

/**
 * Choose an unused ephemeral port (RFC 6056: a random start)
 *
 * @v port		Port to fill in (host byte order)
 * @ret rc		Return status code
 */
static int tcp_port_choose(uint16_t *port)
{
	uint32_t offset = (random_u32() % TCP_EPHEMERAL_PORT_COUNT);
	uint32_t i;

	for (i = 0; i < TCP_EPHEMERAL_PORT_COUNT; i++) {
		*port = (TCP_EPHEMERAL_PORT_MIN +
			 ((offset + i) % TCP_EPHEMERAL_PORT_COUNT));
		if (!tcp_port_used(*port))
			return 0;
	}
	return -EADDRINUSE_PORTS;
}

/**
 * Our timestamp clock (RFC 7323: milliseconds, offset per connection)
 *
 * @v tcp		Connection
 * @ret ts		Timestamp
 */
static uint32_t tcp_ts_now(struct tcp_connection *tcp)
{
	return ((uint32_t)clock_ms() + tcp->ts_offset);
}

/**
 * Test whether a state has exchanged SYNs both ways
 *
 * @v state		State
 * @ret synchronized	State is synchronized
 */
static int tcp_state_synchronized(enum tcp_state state)
{
	return (state >= TCP_STATE_ESTABLISHED);
}

/**
 * Largest amount of data one segment carries (RFC 6691: the peer's MSS
 * bounds data and options together)
 *
 * @v tcp		Connection
 * @ret len		Bytes of data
 */
static size_t tcp_data_mss(struct tcp_connection *tcp)
{
	size_t options = ((tcp->flags & TCP_CONN_TS) ? TCP_TS_OPTION_LEN : 0);

	return (tcp->snd_mss - options);
}

/**
 * Sequence number just past the queued data
 *
 * @v tcp		Connection
 * @ret seq		Sequence number (that of the FIN, if one is queued)
 */
static uint32_t tcp_data_end(struct tcp_connection *tcp)
{
	return (tcp->tx_seq + tcp->tx_queued);
}

/**
 * Sequence number just past everything there is to send
 *
 * @v tcp		Connection
 * @ret seq		Sequence number
 */
static uint32_t tcp_send_end(struct tcp_connection *tcp)
{
	return (tcp_data_end(tcp) +
		((tcp->flags & TCP_CONN_FIN_QUEUED) ? 1 : 0));
}

/**
 * Stop every timer and free every buffer of a connection, and forget it
 *
 * The user hears rc (if it is still there).  The caller must hold a
 * reference if it goes on touching the connection.
 *
 * @v tcp		Connection
 * @v rc		Reason the user hears
 */
static void tcp_destroy(struct tcp_connection *tcp, int rc)
{
	struct io_buffer *iob;
	struct io_buffer *tmp;

	if (tcp->state == TCP_STATE_CLOSED)
		return;
	tcp->state = TCP_STATE_CLOSED;
	timer_stop(&tcp->rtx_timer);
	timer_stop(&tcp->ack_timer);
	timer_stop(&tcp->state_timer);
	xfer_close(&tcp->xfer, rc);
	list_for_each_entry_safe (iob, tmp, &tcp->tx_queue, list) {
		list_del(&iob->list);
		iob_free(iob);
	}
	tcp->tx_queued = 0;
	tcp->tx_cursor = NULL;
	tcp_rxq_flush(&tcp->rxq);
	list_del(&tcp->list);
	ref_put(&tcp->refcnt);
}

/**
 * Abort a connection: send a reset if it was synchronized, and close
 *
 * @v tcp		Connection
 * @v rc		Reason the user hears
 */
static void tcp_abort(struct tcp_connection *tcp, int rc)
{
	if (tcp_state_synchronized(tcp->state) &&
	    tcp->state != TCP_STATE_TIME_WAIT) {
		tcp_transmit(tcp, tcp->snd_max, 0, (TCP_RST | TCP_ACK));
		tcp_stats.tx_resets++;
	}
	tcp_destroy(tcp, rc);
}

/**
 * Tell the user the peer has finished sending, and follow with our FIN
 *
 * The data-transfer interface has no half-close: once the user has
 * heard the close it cannot send, so our FIN goes after whatever it
 * queued before.
 *
 * @v tcp		Connection
 */
static void tcp_close_user(struct tcp_connection *tcp)
{
	xfer_close(&tcp->xfer, 0);
	if (tcp->state == TCP_STATE_CLOSE_WAIT) {
		tcp->state = TCP_STATE_LAST_ACK;
		tcp->flags |= TCP_CONN_FIN_QUEUED;
	}
}

/**
 * Enter TIME-WAIT
 *
 * @v tcp		Connection
 */
static void tcp_time_wait(struct tcp_connection *tcp)
{
	tcp->state = TCP_STATE_TIME_WAIT;
	timer_stop(&tcp->rtx_timer);
	tcp_rxq_flush(&tcp->rxq);
	timer_start(&tcp->state_timer, TCP_TIME_WAIT_MS);
}

/******************************************************************************
 *
 * Transmitting
 *
 ******************************************************************************
 */

/**
 * (Re)start the retransmission timer
 *
 * The timer never runs past the connection's deadline (the end of
 * TCP_CONNECT_TIMEOUT_MS while connecting, TCP_STALL_TIMEOUT_MS after
 * the last progress), so a backed-off timeout cannot stretch the time
 * before the connection gives up.
 *
 * @v tcp		Connection
 */
static void tcp_rtx_restart(struct tcp_connection *tcp)
{
	uint64_t now = clock_ms();
	uint64_t deadline;
	uint32_t timeout_ms = tcp_rtt_timeout(&tcp->rtt);

	if (tcp_state_synchronized(tcp->state)) {
		deadline = (tcp->progress_ms + TCP_STALL_TIMEOUT_MS);
	} else {
		deadline = (tcp->start_ms + TCP_CONNECT_TIMEOUT_MS);
	}
	if (deadline <= now) {
		timeout_ms = 0;
	} else if ((deadline - now) < timeout_ms) {
		timeout_ms = (deadline - now);
	}
	timer_start(&tcp->rtx_timer, timeout_ms);
}

/**
 * Copy queued data into a segment
 *
 * The copy starts from where the last one ended when it can, so sending
 * a large queue costs no walk from its head for every segment.
 *
 * @v tcp		Connection
 * @v seq		Sequence number of the first byte (within the queue)
 * @v data		Where to copy to
 * @v len		Length (within the queue)
 */
static void tcp_tx_copy(struct tcp_connection *tcp, uint32_t seq, uint8_t *data,
			size_t len)
{
	struct io_buffer *iob;
	uint32_t pos;
	size_t offset;
	size_t frag_len;

	if (tcp->tx_cursor && !tcp_seq_before(seq, tcp->tx_cursor_seq)) {
		iob = tcp->tx_cursor;
		pos = tcp->tx_cursor_seq;
	} else {
		iob = list_first_entry(&tcp->tx_queue, struct io_buffer, list);
		pos = tcp->tx_seq;
	}
	while (len) {
		offset = (seq - pos);
		if (offset >= iob_len(iob)) {
			pos += iob_len(iob);
			iob = list_entry(iob->list.next, struct io_buffer,
					 list);
			continue;
		}
		frag_len = min((iob_len(iob) - offset), len);
		memcpy(data, (iob->data + offset), frag_len);
		data += frag_len;
		seq += frag_len;
		len -= frag_len;
	}
	tcp->tx_cursor = iob;
	tcp->tx_cursor_seq = pos;
}

/**
 * Release acknowledged data from the send queue
 *
 * @v tcp		Connection
 * @v len		Bytes acknowledged (at most tx_queued)
 */
static void tcp_tx_release(struct tcp_connection *tcp, size_t len)
{
	struct io_buffer *iob;
	size_t frag_len;

	while (len) {
		iob = list_first_entry(&tcp->tx_queue, struct io_buffer, list);
		frag_len = min(iob_len(iob), len);
		iob_pull(iob, frag_len);
		tcp->tx_seq += frag_len;
		tcp->tx_queued -= frag_len;
		len -= frag_len;
		if (tcp->tx_cursor == iob)
			tcp->tx_cursor_seq += frag_len;
		if (!iob_len(iob)) {
			if (tcp->tx_cursor == iob)
				tcp->tx_cursor = NULL;
			list_del(&iob->list);
			iob_free(iob);
		}
	}
}

/**
 * The receive window to advertise, and the window field that says it
 *
 * The window is what the user can take, up to TCP_RX_WINDOW_BYTES; its
 * right edge never moves left (RFC 9293 section 3.8.6.2.2).
 *
 * @v tcp		Connection
 * @v syn		Segment is a SYN (window field unscaled)
 * @ret win		Window field
 */
static uint16_t tcp_rcv_window(struct tcp_connection *tcp, int syn)
{
	/* A SYN offers what TCP itself can hold: the user (HTTP, say)
	 * offers nothing until the connection is up
	 */
	size_t window =
		(syn ? (size_t)TCP_RX_WINDOW_BYTES :
		       min(xfer_window(&tcp->xfer), (size_t)TCP_RX_WINDOW_BYTES));
	unsigned int shift = (syn ? 0 : tcp->rcv_wscale);
	uint32_t field;
	uint32_t edge;

	if (!tcp_state_synchronized(tcp->state) && !syn)
		return 0;
	if (!(tcp->flags & TCP_CONN_WS) || syn)
		window = min(window, (size_t)TCP_MAX_UNSCALED_WINDOW_BYTES);
	if (tcp_seq_before((tcp->rcv_nxt + window), tcp->rcv_adv))
		window = (tcp->rcv_adv - tcp->rcv_nxt);
	field = ((window + (1U << shift) - 1) >> shift);
	field = min(field, (uint32_t)TCP_MAX_UNSCALED_WINDOW_BYTES);
	edge = (tcp->rcv_nxt + (field << shift));
	if (syn && tcp->state == TCP_STATE_SYN_SENT)
		return field;
	tcp->rcv_adv = tcp_seq_max(tcp->rcv_adv, edge);
	return field;
}

/**
 * Write the options of a segment
 *
 * @v tcp		Connection
 * @v opt		Option area (TCP_OPTIONS_MAX_LEN bytes)
 * @v flags		Segment flags
 * @v room		Bytes the options may take
 * @ret len		Length of the options (a multiple of four)
 */
static size_t tcp_write_options(struct tcp_connection *tcp, uint8_t *opt,
				unsigned int flags, size_t room)
{
	struct tcp_sack_block blocks[TCP_SACK_OPTION_MAX_BLOCKS];
	int offer = (tcp->state == TCP_STATE_SYN_SENT);
	unsigned int count;
	unsigned int i;
	size_t len = 0;

	if (flags & TCP_SYN) {
		opt[len++] = TCP_OPTION_MSS;
		opt[len++] = 4;
		opt[len++] = (tcp->rcv_mss >> 8);
		opt[len++] = tcp->rcv_mss;
		if (offer || (tcp->flags & TCP_CONN_SACK)) {
			opt[len++] = TCP_OPTION_SACK_PERMITTED;
			opt[len++] = 2;
		}
		if (offer || (tcp->flags & TCP_CONN_TS)) {
			opt[len++] = TCP_OPTION_TS;
			opt[len++] = 10;
			tcp_put32(&opt[len], tcp_ts_now(tcp));
			tcp_put32(&opt[len + 4], (offer ? 0 : tcp->ts_recent));
			len += 8;
		}
		if (offer || (tcp->flags & TCP_CONN_WS)) {
			opt[len++] = TCP_OPTION_NOP;
			opt[len++] = TCP_OPTION_WS;
			opt[len++] = 3;
			opt[len++] = tcp->rcv_wscale;
		}
		/* The header is a whole number of 32-bit words */
		while (len % 4)
			opt[len++] = TCP_OPTION_NOP;
		return len;
	}
	if (tcp->flags & TCP_CONN_TS) {
		opt[len++] = TCP_OPTION_NOP;
		opt[len++] = TCP_OPTION_NOP;
		opt[len++] = TCP_OPTION_TS;
		opt[len++] = 10;
		tcp_put32(&opt[len], tcp_ts_now(tcp));
		tcp_put32(&opt[len + 4], tcp->ts_recent);
		len += 8;
	}
	if ((tcp->flags & TCP_CONN_SACK) &&
	    (tcp->rxq.count || (tcp->flags & TCP_CONN_DSACK)) &&
	    !(flags & TCP_RST) && room >= (len + 12)) {
		count = min(((room - len - 4) / 8),
			    (size_t)TCP_SACK_OPTION_MAX_BLOCKS);
		if (tcp->flags & TCP_CONN_DSACK) {
			/* The duplicate goes first (RFC 2883 section 4) */
			blocks[0] = tcp->dsack;
			count = (1 + tcp_rxq_sack(&tcp->rxq, &blocks[1],
						  (count - 1)));
		} else {
			count = tcp_rxq_sack(&tcp->rxq, blocks, count);
		}
		opt[len++] = TCP_OPTION_NOP;
		opt[len++] = TCP_OPTION_NOP;
		opt[len++] = TCP_OPTION_SACK;
		opt[len++] = (2 + 8 * count);
		for (i = 0; i < count; i++) {
			tcp_put32(&opt[len], blocks[i].start);
			tcp_put32(&opt[len + 4], blocks[i].end);
			len += 8;
		}
	}
	return len;
}

/**
 * Build and send one segment of a connection
 *
 * @v tcp		Connection
 * @v seq		Sequence number
 * @v len		Length of data, copied from the send queue at seq
 * @v flags		Flags
 * @ret rc		Return status code
 */
static int tcp_transmit(struct tcp_connection *tcp, uint32_t seq, size_t len,
			unsigned int flags)
{
	uint8_t opt[TCP_OPTIONS_MAX_LEN];
	struct tcp_header *tcphdr;
	struct io_buffer *iob;
	size_t opt_len;
	size_t room;
	uint16_t win;

	/* Only what the send queue holds can be sent (a guard: callers
	 * ask for nothing else)
	 */
	if (len && (tcp_seq_before(seq, tcp->tx_seq) ||
		    tcp_seq_after((seq + len), tcp_data_end(tcp))))
		len = 0;
	iob = iob_alloc_tx(TCP_HEADER_MAX_LEN + len);
	if (!iob)
		return -ENOMEM;
	iob_reserve(iob, TCP_HEADER_MAX_LEN);
	if (len)
		tcp_tx_copy(tcp, seq, iob_put(iob, len), len);

	room = ((tcp->snd_mss > len) ? (tcp->snd_mss - len) : 0);
	opt_len = tcp_write_options(tcp, opt, flags,
				    min(room, (size_t)TCP_OPTIONS_MAX_LEN));
	win = tcp_rcv_window(tcp, (flags & TCP_SYN));
	memcpy(iob_push(iob, opt_len), opt, opt_len);
	tcphdr = iob_push(iob, TCP_HEADER_LEN);
	tcphdr->src = htons(tcp->local_port);
	tcphdr->dest = tcp->peer.st_port;
	tcphdr->seq = htonl(seq);
	tcphdr->ack = htonl((flags & TCP_ACK) ? tcp->rcv_nxt : 0);
	tcphdr->hlen = (((TCP_HEADER_LEN + opt_len) / 4) << 4);
	tcphdr->flags = flags;
	tcphdr->win = htons(win);
	tcphdr->csum = 0;
	tcphdr->urg = 0;
	tcphdr->csum = tcpip_chksum(tcphdr, iob_len(iob));

	if (flags & TCP_ACK) {
		tcp->last_ack_sent = tcp->rcv_nxt;
		tcp->ack_pending = 0;
		tcp->flags &= ~(TCP_CONN_ACK_NOW | TCP_CONN_DSACK);
		timer_stop(&tcp->ack_timer);
	}
	tcp_stats.tx_segments++;
	/* The header was pushed onto an aligned buffer at a multiple of
	 * four bytes, so the checksum field is aligned.
	 */
	return tcpip_tx(iob, &tcp_protocol, NULL, &tcp->peer, NULL,
			(uint16_t *)((uint8_t *)tcphdr +
				     offsetof(struct tcp_header, csum)));
}

/**
 * Send a pure ACK
 *
 * @v tcp		Connection
 */
static void tcp_send_ack(struct tcp_connection *tcp)
{
	tcp_transmit(tcp, tcp->snd_nxt, 0, TCP_ACK);
}

/**
 * Send a challenge ACK (RFC 5961 section 3.2), at a limited rate
 *
 * @v tcp		Connection
 */
static void tcp_send_challenge_ack(struct tcp_connection *tcp)
{
	uint64_t now = clock_ms();

	if ((now - tcp->challenge_ms) >= 1000) {
		tcp->challenge_ms = now;
		tcp->challenge_count = 0;
	}
	if (tcp->challenge_count >= TCP_CHALLENGE_ACKS_PER_SECOND)
		return;
	tcp->challenge_count++;
	tcp_send_ack(tcp);
}

/**
 * Send our SYN (or SYN-ACK, in a simultaneous open)
 *
 * @v tcp		Connection
 */
static void tcp_send_syn(struct tcp_connection *tcp)
{
	unsigned int flags = TCP_SYN;

	if (tcp->state == TCP_STATE_SYN_RECEIVED)
		flags |= TCP_ACK;
	tcp_transmit(tcp, tcp->iss, 0, flags);
}

/**
 * Send one segment starting at a sequence number
 *
 * The segment stops short of the next block the peer holds, and carries
 * the FIN if it reaches the end of the data and a FIN is queued.
 *
 * @v tcp		Connection
 * @v seq		Sequence number (not in a SACKed block)
 * @v limit		Sequence number to stop at
 * @ret end		Sequence number just past the segment
 */
static uint32_t tcp_send_segment(struct tcp_connection *tcp, uint32_t seq,
				 uint32_t limit)
{
	uint32_t data_end = tcp_data_end(tcp);
	unsigned int flags = TCP_ACK;
	size_t len = 0;

	if (tcp_seq_before(seq, data_end)) {
		len = min((size_t)(data_end - seq), tcp_data_mss(tcp));
		if (tcp_seq_before(limit, (seq + len)))
			len = (limit - seq);
	}
	if ((tcp->flags & TCP_CONN_FIN_QUEUED) && (seq + len) == data_end &&
	    tcp_seq_before(seq + len, limit + 1))
		flags |= TCP_FIN;
	if (len && (seq + len) == data_end)
		flags |= TCP_PSH;
	tcp_transmit(tcp, seq, len, flags);
	return (seq + len + ((flags & TCP_FIN) ? 1 : 0));
}

/**
 * Retransmit the first hole at or after a sequence number
 *
 * @v tcp		Connection
 * @v seq		Where to start looking
 * @ret end		Sequence number just past what was sent
 */
static uint32_t tcp_retransmit(struct tcp_connection *tcp, uint32_t seq)
{
	uint32_t limit;

	seq = tcp_scoreboard_skip(&tcp->scoreboard, seq, &limit);
	if (tcp_seq_after(limit, tcp->snd_max))
		limit = tcp->snd_max;
	if (!tcp_seq_before(seq, limit))
		return seq;
	tcp->flags &= ~TCP_CONN_RTT_TIMING;
	tcp_stats.tx_fast_retransmits++;
	return tcp_send_segment(tcp, seq, limit);
}

/**
 * Send what the windows allow: new data, data again after a timeout,
 * the FIN
 *
 * @v tcp		Connection
 */
static void tcp_xmit(struct tcp_connection *tcp)
{
	uint32_t send_end;
	uint32_t window;
	uint32_t window_end;
	uint32_t limit;
	uint32_t seq;
	uint32_t end;
	size_t usable;
	size_t len;

	if (!tcp_state_synchronized(tcp->state) ||
	    tcp->state == TCP_STATE_TIME_WAIT)
		return;
	while (1) {
		send_end = tcp_send_end(tcp);
		seq = tcp->snd_nxt;
		limit = (seq + 0x7fffffffU);
		if (tcp_seq_before(seq, tcp->snd_max))
			seq = tcp_scoreboard_skip(&tcp->scoreboard, seq,
						  &limit);
		tcp->snd_nxt = seq;
		if (!tcp_seq_before(seq, send_end))
			break;
		/* Limited transmit (RFC 3042): each of the first two
		 * duplicate ACKs lets one new segment go, which can bring
		 * the third
		 */
		window = tcp->cwnd;
		if (!(tcp->flags & TCP_CONN_RECOVERY))
			window += (min(tcp->dupacks, 2U) * tcp_data_mss(tcp));
		window_end = (tcp->snd_una + min(tcp->snd_wnd, window));
		usable = (tcp_seq_after(window_end, seq) ? (window_end - seq)
							 : 0);
		len = 0;
		if (tcp_seq_before(seq, tcp_data_end(tcp))) {
			len = min((size_t)(tcp_data_end(tcp) - seq),
				  tcp_data_mss(tcp));
			len = min(len, (size_t)(limit - seq));
		}
		if (len > usable) {
			/* Sender silly-window avoidance: wait for room for
			 * a full segment while anything is in flight.
			 */
			if (!usable || (usable < tcp_data_mss(tcp) &&
					tcp->snd_una != tcp->snd_max))
				break;
			limit = (seq + usable);
		}
		/* Sending after a quiet spell: the stall clock starts now */
		if (tcp->snd_una == tcp->snd_max)
			tcp->progress_ms = clock_ms();
		if (!tcp_seq_before(tcp->snd_nxt, tcp->snd_max) &&
		    !(tcp->flags & (TCP_CONN_TS | TCP_CONN_RTT_TIMING))) {
			tcp->flags |= TCP_CONN_RTT_TIMING;
			tcp->rtt_seq = (seq + 1);
			tcp->rtt_start_ms = clock_ms();
		}
		end = tcp_send_segment(tcp, seq, limit);
		if (tcp_seq_before(seq, tcp->snd_max) &&
		    !tcp_seq_after(end, tcp->snd_max))
			tcp_stats.tx_timeout_retransmits++;
		tcp->snd_nxt = end;
		tcp->snd_max = tcp_seq_max(tcp->snd_max, end);
		if (!timer_running(&tcp->rtx_timer))
			tcp_rtx_restart(tcp);
	}

	/* Window closed with data waiting: probe it (RFC 9293 3.8.6.1) */
	if (!tcp->snd_wnd && tcp->tx_queued &&
	    !timer_running(&tcp->rtx_timer)) {
		if (tcp->snd_una == tcp->snd_max)
			tcp->progress_ms = clock_ms();
		tcp_rtx_restart(tcp);
	}
}

/**
 * Send an ACK now if one is due (after tcp_xmit() had its chance to
 * carry it)
 *
 * In-order data is acknowledged once its burst has ended
 * (tcp_ack_batch_step()), not every second segment: each ACK is a frame
 * the NIC must send, and one ACK for a burst of segments tells the
 * sender the same.  Anything unusual (out of order, a window update, a
 * FIN) is acknowledged at once.
 *
 * @v tcp		Connection
 */
static void tcp_ack_if_due(struct tcp_connection *tcp)
{
	if (tcp->state == TCP_STATE_CLOSED)
		return;
	if ((tcp->flags & TCP_CONN_ACK_NOW) ||
	    tcp->ack_pending >= TCP_ACK_BATCH_MAX_SEGMENTS) {
		tcp_send_ack(tcp);
	} else if (tcp->ack_pending && !timer_running(&tcp->ack_timer)) {
		timer_start(&tcp->ack_timer, TCP_DELAYED_ACK_MS);
	}
}

/**
 * Acknowledge data once its burst has ended (the main loop's step after
 * the network devices were polled)
 *
 * While every poll brings more segments of a connection, the sender is
 * still sending and its window is open: an ACK now would tell it little
 * and cost a transmitted frame.  The first step whose poll brings none
 * ends the burst, and the ACK covers all of it (a burst longer than
 * TCP_ACK_BATCH_MAX_SEGMENTS is acknowledged from tcp_ack_if_due() on
 * the way).  These are stretch ACKs, as iPXE and Linux with GRO send.
 *
 * @v process		Process
 */
static void tcp_ack_batch_step(struct process *process)
{
	struct tcp_connection *tcp;

	list_for_each_entry (tcp, &tcp_connections, list) {
		if (tcp->ack_pending_step) {
			tcp->ack_pending_step = 0;
			continue;
		}
		if (tcp->ack_pending >= TCP_ACK_EVERY_SEGMENTS &&
		    tcp_state_synchronized(tcp->state))
			tcp_send_ack(tcp);
	}
}

/** The process acknowledging each receive batch */
struct process tcp_ack_batch_process __process_after_poll = {
	.name = "tcp-ack",
	.step = tcp_ack_batch_step,
};

/**
 * Send a reset in answer to a segment that belongs to no connection
 * (RFC 9293 section 3.10.7.1)
 *
 * @v tcphdr		Header of the segment
 * @v seg		Segment
 * @v st_src		Segment's source address (the reset's destination)
 * @v st_dest		Segment's destination address (the reset's source)
 * @v netdev		Device the segment came in on
 * @ret rc		Return status code
 */
static int tcp_send_reset(const struct tcp_header *tcphdr,
			  const struct tcp_segment *seg,
			  struct sockaddr_tcpip *st_src,
			  struct sockaddr_tcpip *st_dest,
			  struct net_device *netdev)
{
	struct sockaddr_tcpip peer;
	struct sockaddr_tcpip local;
	struct tcp_header *rsthdr;
	struct io_buffer *iob;
	uint32_t ack;

	if (seg->flags & TCP_RST)
		return 0;
	iob = iob_alloc_tx(TCP_HEADER_LEN);
	if (!iob)
		return -ENOMEM;
	rsthdr = iob_put(iob, TCP_HEADER_LEN);
	memset(rsthdr, 0, TCP_HEADER_LEN);
	rsthdr->src = tcphdr->dest;
	rsthdr->dest = tcphdr->src;
	rsthdr->hlen = ((TCP_HEADER_LEN / 4) << 4);
	if (seg->flags & TCP_ACK) {
		rsthdr->seq = htonl(seg->ack);
		rsthdr->flags = TCP_RST;
	} else {
		ack = (seg->seq + seg->len + ((seg->flags & TCP_SYN) ? 1 : 0) +
		       ((seg->flags & TCP_FIN) ? 1 : 0));
		rsthdr->ack = htonl(ack);
		rsthdr->flags = (TCP_RST | TCP_ACK);
	}
	rsthdr->csum = tcpip_chksum(rsthdr, TCP_HEADER_LEN);
	memcpy(&peer, st_src, sizeof(peer));
	peer.st_port = tcphdr->src;
	memcpy(&local, st_dest, sizeof(local));
	local.st_port = tcphdr->dest;
	tcp_stats.tx_resets++;
	tcp_stats.tx_segments++;
	return tcpip_tx(iob, &tcp_protocol, &local, &peer, netdev,
			(uint16_t *)((uint8_t *)rsthdr +
				     offsetof(struct tcp_header, csum)));
}

/**
 * How much more data the user may deliver now
 *
 * @v tcp		Connection
 * @ret len		Bytes
 */
static size_t tcp_send_window(struct tcp_connection *tcp)
{
	size_t space;

	if (tcp->state != TCP_STATE_ESTABLISHED &&
	    tcp->state != TCP_STATE_CLOSE_WAIT)
		return 0;
	space = min((size_t)tcp->snd_wnd, (size_t)TCP_TX_BUFFER_MAX_BYTES);
	return ((space > tcp->tx_queued) ? (space - tcp->tx_queued) : 0);
}

/******************************************************************************
 *
 * Timers
 *
 ******************************************************************************
 */

/**
 * The retransmission timer expired: resend the SYN, probe a closed
 * window, or resend after a loss
 *
 * @v timer		Retransmission timer
 */
static void tcp_rtx_expired(struct timer *timer)
{
	struct tcp_connection *tcp =
		container_of(timer, struct tcp_connection, rtx_timer);
	uint64_t now = clock_ms();
	uint32_t flight;

	ref_get(&tcp->refcnt);
	switch (tcp->state) {
	case TCP_STATE_SYN_SENT:
	case TCP_STATE_SYN_RECEIVED:
		if ((now - tcp->start_ms) >= TCP_CONNECT_TIMEOUT_MS) {
			tcp_abort(tcp, -ETIMEDOUT_CONNECT);
			break;
		}
		tcp->rtt.backoff++;
		tcp->flags |= TCP_CONN_SYN_RETRANSMITTED;
		tcp->flags &= ~TCP_CONN_RTT_TIMING;
		tcp_stats.tx_timeout_retransmits++;
		tcp_send_syn(tcp);
		tcp_rtx_restart(tcp);
		break;
	case TCP_STATE_CLOSED:
	case TCP_STATE_TIME_WAIT:
		break;
	default:
		flight = (tcp->snd_max - tcp->snd_una);
		if (!flight && !(tcp->tx_queued && !tcp->snd_wnd))
			break;
		if ((now - tcp->progress_ms) >= TCP_STALL_TIMEOUT_MS) {
			tcp_abort(tcp, (tcp->snd_wnd ? -ETIMEDOUT_STALL
						     : -ETIMEDOUT_WINDOW));
			break;
		}
		if (tcp->rtt.backoff < 16)
			tcp->rtt.backoff++;
		if (!tcp->snd_wnd && tcp->tx_queued && flight <= 1) {
			/* Zero-window probe: one byte, into the window */
			tcp_transmit(tcp, tcp->snd_una, 1, TCP_ACK);
			tcp->snd_nxt =
				tcp_seq_max(tcp->snd_nxt, (tcp->snd_una + 1));
			tcp->snd_max = tcp_seq_max(tcp->snd_max, tcp->snd_nxt);
			tcp_rtx_restart(tcp);
			break;
		}
		/* A loss (RFC 5681 section 3.1, RFC 6298 section 5) */
		if (tcp->rtt.backoff == 1) {
			tcp->ssthresh =
				max((flight / 2), (uint32_t)(2 * tcp->snd_mss));
		} else {
			/* A second timeout in a row: the peer may have
			 * dropped what it selectively acknowledged.
			 */
			tcp->scoreboard.count = 0;
		}
		tcp->cwnd = tcp_data_mss(tcp);
		tcp->bytes_acked = 0;
		tcp->dupacks = 0;
		tcp->recover = tcp->snd_max;
		tcp->flags &= ~(TCP_CONN_RECOVERY | TCP_CONN_RTT_TIMING);
		tcp->snd_nxt = tcp->snd_una;
		tcp_xmit(tcp);
		tcp_rtx_restart(tcp);
		break;
	}
	ref_put(&tcp->refcnt);
}

/**
 * The delayed-ACK timer expired
 *
 * @v timer		Delayed-ACK timer
 */
static void tcp_ack_expired(struct timer *timer)
{
	struct tcp_connection *tcp =
		container_of(timer, struct tcp_connection, ack_timer);

	if (tcp->ack_pending && tcp_state_synchronized(tcp->state))
		tcp_send_ack(tcp);
}

/**
 * The state timer expired: keepalive, or the end of FIN-WAIT-2 or
 * TIME-WAIT
 *
 * @v timer		State timer
 */
static void tcp_state_expired(struct timer *timer)
{
	struct tcp_connection *tcp =
		container_of(timer, struct tcp_connection, state_timer);
	uint64_t now = clock_ms();

	ref_get(&tcp->refcnt);
	switch (tcp->state) {
	case TCP_STATE_FIN_WAIT_2:
	case TCP_STATE_TIME_WAIT:
		tcp_destroy(tcp, 0);
		break;
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_CLOSE_WAIT:
		if ((now - tcp->last_rx_ms) >= TCP_KEEPALIVE_IDLE_MS &&
		    tcp->snd_una == tcp->snd_max) {
			if (tcp->keepalive_probes >= TCP_KEEPALIVE_PROBES) {
				tcp_abort(tcp, -ETIMEDOUT_KEEPALIVE);
				break;
			}
			/* An old sequence number: the peer must ACK it */
			tcp->keepalive_probes++;
			tcp_transmit(tcp, (tcp->snd_una - 1), 0, TCP_ACK);
		}
		timer_start(&tcp->state_timer, TCP_KEEPALIVE_INTERVAL_MS);
		break;
	default:
		break;
	}
	ref_put(&tcp->refcnt);
}

/******************************************************************************
 *
 * Receiving
 *
 ******************************************************************************
 */

/**
 * Take on what the peer's SYN offered
 *
 * @v tcp		Connection
 * @v seg		SYN segment
 */
static void tcp_rx_syn_options(struct tcp_connection *tcp,
			       const struct tcp_segment *seg)
{
	const struct tcp_options *opts = &seg->opts;
	size_t peer_mss = TCP_MSS_DEFAULT;

	if (opts->present & TCP_OPTS_MSS)
		peer_mss = max((size_t)opts->mss, (size_t)TCP_MSS_MIN);
	tcp->snd_mss = min(peer_mss, tcp->rcv_mss);
	if (opts->present & TCP_OPTS_WS) {
		tcp->flags |= TCP_CONN_WS;
		tcp->snd_wscale = opts->ws_shift;
	} else {
		tcp->rcv_wscale = 0;
	}
	if (opts->present & TCP_OPTS_SACK_PERMITTED)
		tcp->flags |= TCP_CONN_SACK;
	if (opts->present & TCP_OPTS_TS) {
		tcp->flags |= TCP_CONN_TS;
		tcp->ts_recent = opts->ts_val;
	}
	tcp->irs = seg->seq;
	tcp->rcv_nxt = (seg->seq + 1);
	tcp->rcv_adv = tcp->rcv_nxt;
	tcp->last_ack_sent = tcp->rcv_nxt;
}

/**
 * Enter ESTABLISHED once our SYN is acknowledged
 *
 * @v tcp		Connection
 * @v seg		Segment acknowledging the SYN
 * @v window		Peer's window (a SYN's is never scaled)
 */
static void tcp_rx_established(struct tcp_connection *tcp,
			       const struct tcp_segment *seg, uint32_t window)
{
	uint32_t mss = tcp_data_mss(tcp);

	tcp->state = TCP_STATE_ESTABLISHED;
	tcp->snd_una = seg->ack;
	tcp->snd_nxt = tcp->snd_max = tcp_seq_max(tcp->snd_nxt, seg->ack);
	tcp->snd_wnd = window;
	tcp->max_snd_wnd = tcp->snd_wnd;
	tcp->snd_wl1 = seg->seq;
	tcp->snd_wl2 = seg->ack;
	tcp->recover = tcp->iss;

	/* Round trip of the SYN (RFC 6298 section 3, Karn's rule) */
	if ((tcp->flags & TCP_CONN_TS) && (seg->opts.present & TCP_OPTS_TS) &&
	    seg->opts.ts_ecr) {
		tcp_rtt_sample(&tcp->rtt, (tcp_ts_now(tcp) - seg->opts.ts_ecr));
	} else if (!(tcp->flags & TCP_CONN_SYN_RETRANSMITTED)) {
		tcp_rtt_sample(&tcp->rtt, (clock_ms() - tcp->start_ms));
	} else {
		tcp_rtt_init(&tcp->rtt);
		tcp->rtt.rto_ms = TCP_RTO_AFTER_SYN_LOSS_MS;
	}
	timer_stop(&tcp->rtx_timer);

	/* Initial window (RFC 5681 section 3.1), one segment if the SYN
	 * had to be sent again
	 */
	if (tcp->flags & TCP_CONN_SYN_RETRANSMITTED) {
		tcp->cwnd = mss;
	} else if (mss > 2190) {
		tcp->cwnd = (2 * mss);
	} else if (mss > 1095) {
		tcp->cwnd = (3 * mss);
	} else {
		tcp->cwnd = (4 * mss);
	}
	tcp->ssthresh = TCP_CWND_MAX_BYTES;
	tcp->progress_ms = clock_ms();
	timer_start(&tcp->state_timer, TCP_KEEPALIVE_INTERVAL_MS);
	tcp->flags |= TCP_CONN_ACK_NOW;
}

/**
 * Process a segment in SYN-SENT (RFC 9293 section 3.10.7.3)
 *
 * @v tcp		Connection
 * @v seg		Segment
 * @ret rc		Return status code
 */
static int tcp_rx_syn_sent(struct tcp_connection *tcp,
			   const struct tcp_segment *seg)
{
	if ((seg->flags & TCP_ACK) &&
	    !tcp_seq_within(seg->ack, (tcp->iss + 1), (tcp->snd_max + 1)))
		return -ENOTCONN_UNKNOWN;
	if (seg->flags & TCP_RST) {
		if (seg->flags & TCP_ACK)
			tcp_destroy(tcp, -ECONNREFUSED_RST);
		return 0;
	}
	if (!(seg->flags & TCP_SYN))
		return 0;

	tcp_rx_syn_options(tcp, seg);
	if (seg->flags & TCP_ACK) {
		tcp_rx_established(tcp, seg, seg->win);
		/* The user's first data, if it sends at once, carries the
		 * ACK of the SYN
		 */
		xfer_window_changed(&tcp->xfer);
		if (tcp->state == TCP_STATE_CLOSED)
			return 0;
		tcp_xmit(tcp);
		tcp_ack_if_due(tcp);
	} else {
		/* Simultaneous open */
		tcp->state = TCP_STATE_SYN_RECEIVED;
		tcp_send_syn(tcp);
	}
	return 0;
}

/**
 * Test whether a segment lies (partly) within the receive window
 * (RFC 9293 section 3.10.7.4, first check)
 *
 * @v tcp		Connection
 * @v seg		Segment
 * @ret acceptable	Segment is acceptable
 */
static int tcp_rx_acceptable(struct tcp_connection *tcp,
			     const struct tcp_segment *seg)
{
	uint32_t window = (tcp_seq_after(tcp->rcv_adv, tcp->rcv_nxt)
				   ? (tcp->rcv_adv - tcp->rcv_nxt)
				   : 0);
	uint32_t seg_len = (seg->len + ((seg->flags & TCP_SYN) ? 1 : 0) +
			    ((seg->flags & TCP_FIN) ? 1 : 0));
	uint32_t end = (tcp->rcv_nxt + window);

	if (seg->seq == tcp->rcv_nxt)
		return 1;
	if (!window)
		return 0;
	if (tcp_seq_within(seg->seq, tcp->rcv_nxt, end))
		return 1;
	if (seg_len &&
	    tcp_seq_within((seg->seq + seg_len - 1), tcp->rcv_nxt, end))
		return 1;
	return 0;
}

/**
 * Duplicate ACKs that mean a loss
 *
 * Three (RFC 5681), or fewer when too few segments are in flight to
 * bring three and there is nothing new to send that would (early
 * retransmit, RFC 5827), so that a small window does not wait for the
 * retransmission timer.
 *
 * @v tcp		Connection
 * @ret threshold	Duplicate ACKs
 */
static unsigned int tcp_dupack_threshold(struct tcp_connection *tcp)
{
	uint32_t mss = tcp_data_mss(tcp);
	uint32_t segments = ((tcp->snd_max - tcp->snd_una + mss - 1) / mss);

	if (segments >= 2 && segments <= TCP_DUPACK_THRESHOLD &&
	    tcp_send_end(tcp) == tcp->snd_max)
		return (segments - 1);
	return TCP_DUPACK_THRESHOLD;
}

/**
 * Test whether the duplicate ACKs so far show the first unacknowledged
 * segment lost
 *
 * Enough duplicates show it, or (RFC 6675 section 4) the peer reporting
 * more than that many segments' worth of data beyond it, as one ACK
 * can report several segments.
 *
 * @v tcp		Connection
 * @ret lost		Segment at snd_una is lost
 */
static int tcp_rx_loss_detected(struct tcp_connection *tcp)
{
	unsigned int threshold = tcp_dupack_threshold(tcp);
	uint32_t sacked = 0;
	unsigned int i;

	if (tcp->dupacks >= threshold)
		return 1;
	for (i = 0; i < tcp->scoreboard.count; i++) {
		sacked += (tcp->scoreboard.blocks[i].end -
			   tcp->scoreboard.blocks[i].start);
	}
	return (sacked > ((threshold - 1) * tcp_data_mss(tcp)));
}

/**
 * Process the acknowledgement of a segment in a synchronized state
 *
 * @v tcp		Connection
 * @v seg		Segment
 * @ret rc		Return status code (non-zero: drop the segment)
 */
static int tcp_rx_ack(struct tcp_connection *tcp, const struct tcp_segment *seg)
{
	uint32_t window = ((uint32_t)seg->win << tcp->snd_wscale);
	uint32_t ack = seg->ack;
	uint32_t acked;
	uint32_t data_acked;
	uint32_t mss = tcp_data_mss(tcp);
	uint32_t sample;
	uint32_t flight;
	unsigned int i;
	int dupack;

	if (tcp_seq_after(ack, tcp->snd_max)) {
		/* Acknowledges what was never sent */
		tcp_send_ack(tcp);
		return -EINVAL;
	}
	if (tcp_seq_before(ack, (tcp->snd_una - tcp->max_snd_wnd))) {
		/* Too old to be genuine (RFC 5961 section 5.2) */
		tcp_send_challenge_ack(tcp);
		return -EINVAL;
	}

	dupack = (ack == tcp->snd_una && !seg->len &&
		  !(seg->flags & (TCP_SYN | TCP_FIN)) &&
		  window == tcp->snd_wnd && tcp->snd_wnd &&
		  tcp->snd_una != tcp->snd_max);
	if ((tcp->flags & TCP_CONN_SACK) &&
	    !tcp_seq_before(ack, tcp->snd_una)) {
		for (i = 0; i < seg->opts.sack_count; i++) {
			tcp_scoreboard_add(&tcp->scoreboard, &seg->opts.sack[i],
					   ack, tcp->snd_max);
		}
	}

	if (tcp_seq_after(ack, tcp->snd_una)) {
		acked = (ack - tcp->snd_una);

		/* Round trip (RFC 7323 section 4, or Karn's rule) */
		if ((tcp->flags & TCP_CONN_TS) &&
		    (seg->opts.present & TCP_OPTS_TS) && seg->opts.ts_ecr) {
			sample = (tcp_ts_now(tcp) - seg->opts.ts_ecr);
			if (sample <= TCP_RTO_MAX_MS)
				tcp_rtt_sample(&tcp->rtt, sample);
		} else if ((tcp->flags & TCP_CONN_RTT_TIMING) &&
			   !tcp_seq_before(ack, tcp->rtt_seq)) {
			tcp_rtt_sample(&tcp->rtt,
				       (clock_ms() - tcp->rtt_start_ms));
			tcp->flags &= ~TCP_CONN_RTT_TIMING;
		}
		tcp->rtt.backoff = 0;

		/* Release the data (the FIN, if covered, is not data) */
		data_acked = 0;
		if (tcp_seq_after(ack, tcp->tx_seq)) {
			data_acked = (min((ack - tcp->tx_seq),
					  (uint32_t)tcp->tx_queued));
		}
		tcp_tx_release(tcp, data_acked);
		tcp->snd_una = ack;
		/* Keep recover within reach of the sequence arithmetic */
		if (!(tcp->flags & TCP_CONN_RECOVERY) &&
		    tcp_seq_after(ack, (tcp->recover + 0x40000000U)))
			tcp->recover = (ack - 1);
		if (tcp_seq_before(tcp->snd_nxt, ack))
			tcp->snd_nxt = ack;
		if (tcp_seq_before(tcp->rtx_next, ack))
			tcp->rtx_next = ack;
		tcp_scoreboard_ack(&tcp->scoreboard, ack);
		tcp->progress_ms = clock_ms();

		/* Congestion control */
		flight = (tcp->snd_max - tcp->snd_una);
		if (tcp->flags & TCP_CONN_RECOVERY) {
			if (!tcp_seq_before(ack, tcp->recover)) {
				/* Full acknowledgement (RFC 6582 3.2 step 3) */
				tcp->cwnd = min(tcp->ssthresh, (flight + mss));
				tcp->flags &= ~TCP_CONN_RECOVERY;
			} else {
				/* Partial acknowledgement: the next hole */
				if (!tcp_seq_after(tcp->rtx_next, ack))
					tcp->rtx_next =
						tcp_retransmit(tcp, ack);
				tcp->cwnd = ((tcp->cwnd > acked)
						     ? (tcp->cwnd - acked)
						     : 0);
				if (acked >= mss)
					tcp->cwnd += mss;
				tcp->cwnd = max(tcp->cwnd, mss);
			}
		} else if (tcp->cwnd < tcp->ssthresh) {
			tcp->cwnd += min(acked, mss);
		} else {
			tcp->bytes_acked += acked;
			if (tcp->bytes_acked >= tcp->cwnd) {
				tcp->bytes_acked -= tcp->cwnd;
				tcp->cwnd += mss;
			}
		}
		tcp->cwnd = min(tcp->cwnd, TCP_CWND_MAX_BYTES);
		tcp->dupacks = 0;

		if (tcp->snd_una == tcp->snd_max) {
			timer_stop(&tcp->rtx_timer);
		} else {
			tcp_rtx_restart(tcp);
		}
	} else if (dupack) {
		tcp->dupacks++;
		if (tcp->flags & TCP_CONN_RECOVERY) {
			/* A segment left the network: fill the next hole
			 * the peer reports, or let new data go.
			 */
			if (tcp->scoreboard.count &&
			    tcp_seq_before(
				    tcp->rtx_next,
				    tcp->scoreboard
					    .blocks[tcp->scoreboard.count - 1]
					    .start)) {
				tcp->rtx_next = tcp_retransmit(
					tcp, tcp_seq_max(tcp->rtx_next,
							 tcp->snd_una));
			} else {
				tcp->cwnd += mss;
			}
		} else if (tcp_rx_loss_detected(tcp) &&
			   (tcp_seq_after(tcp->snd_una, tcp->recover) ||
			    tcp->scoreboard.count)) {
			/* Fast retransmit (RFC 6582 section 3.2 step 2).
			 * Duplicates at or below "recover" may only echo
			 * what a timeout resent, unless the peer reports
			 * holding data beyond snd_una (RFC 6582 4.2).
			 */
			flight = (tcp->snd_max - tcp->snd_una);
			tcp->ssthresh = max((flight / 2), (2 * mss));
			tcp->recover = tcp->snd_max;
			tcp->flags |= TCP_CONN_RECOVERY;
			tcp->rtx_next = tcp_retransmit(tcp, tcp->snd_una);
			tcp->cwnd = (tcp->ssthresh + tcp->dupacks * mss);
			tcp_rtx_restart(tcp);
		}
	}

	/* Window update (RFC 9293 section 3.10.7.4, fifth check) */
	if (tcp_seq_before(tcp->snd_wl1, seg->seq) ||
	    (tcp->snd_wl1 == seg->seq && !tcp_seq_before(ack, tcp->snd_wl2))) {
		if (!tcp->snd_wnd && window) {
			tcp->progress_ms = clock_ms();
			tcp->rtt.backoff = 0;
			if (tcp->snd_una == tcp->snd_max)
				timer_stop(&tcp->rtx_timer);
		}
		tcp->snd_wnd = window;
		tcp->max_snd_wnd = max(tcp->max_snd_wnd, window);
		tcp->snd_wl1 = seg->seq;
		tcp->snd_wl2 = ack;
	}
	return 0;
}

/**
 * Deliver data that has arrived in order, and what it releases from the
 * reassembly queue
 *
 * @v tcp		Connection
 * @v iob		Data starting at rcv_nxt (owned by this call)
 */
static void tcp_rx_deliver(struct tcp_connection *tcp, struct io_buffer *iob)
{
	int filled = 0;

	do {
		tcp->rcv_nxt += iob_len(iob);
		xfer_deliver(&tcp->xfer, iob, NULL);
		if (tcp->state == TCP_STATE_CLOSED)
			return;
		iob = tcp_rxq_pop(&tcp->rxq, tcp->rcv_nxt);
		if (iob)
			filled = 1;
	} while (iob);
	/* A gap filled: say so at once (RFC 5681 section 4.2) */
	if (filled || tcp->rxq.count)
		tcp->flags |= TCP_CONN_ACK_NOW;
}

/**
 * Note data that arrived twice, to report it with a D-SACK block
 * (RFC 2883), which lets the peer tell needless retransmissions
 *
 * @v tcp		Connection
 * @v start		First sequence number received again
 * @v end		Sequence number just past it
 */
static void tcp_rx_duplicate(struct tcp_connection *tcp, uint32_t start,
			     uint32_t end)
{
	if (tcp->flags & TCP_CONN_DSACK)
		return;
	tcp->dsack.start = start;
	tcp->dsack.end = end;
	tcp->flags |= (TCP_CONN_DSACK | TCP_CONN_ACK_NOW);
}

/**
 * Process the peer's FIN, now in order
 *
 * @v tcp		Connection
 */
static void tcp_rx_fin(struct tcp_connection *tcp)
{
	tcp->rcv_nxt++;
	tcp->flags &= ~TCP_CONN_FIN_AHEAD;
	tcp->flags |= TCP_CONN_ACK_NOW;
	switch (tcp->state) {
	case TCP_STATE_ESTABLISHED:
		tcp->state = TCP_STATE_CLOSE_WAIT;
		tcp_close_user(tcp);
		break;
	case TCP_STATE_FIN_WAIT_1:
		tcp->state = TCP_STATE_CLOSING;
		break;
	case TCP_STATE_FIN_WAIT_2:
		timer_stop(&tcp->state_timer);
		tcp_time_wait(tcp);
		break;
	default:
		break;
	}
}

/**
 * Process a segment in a synchronized state (RFC 9293 section
 * 3.10.7.4)
 *
 * @v tcp		Connection
 * @v seg		Segment
 * @v iob		Data (owned by this call)
 */
static void tcp_rx_synchronized(struct tcp_connection *tcp,
				struct tcp_segment *seg, struct io_buffer *iob)
{
	struct tcp_sack_block dup;
	uint32_t window_end;
	uint32_t fin_seq;
	uint32_t trim;

	/* PAWS (RFC 7323 section 5.3) */
	if ((tcp->flags & TCP_CONN_TS) && (seg->opts.present & TCP_OPTS_TS) &&
	    !(seg->flags & TCP_RST) &&
	    tcp_seq_before(seg->opts.ts_val, tcp->ts_recent)) {
		tcp_send_ack(tcp);
		goto drop;
	}

	/* Sequence number: old data means our ACK was lost or the peer
	 * resent needlessly; either way it must hear where we are
	 */
	if (!tcp_rx_acceptable(tcp, seg)) {
		if (seg->flags & TCP_RST)
			goto drop;
		if (seg->len && tcp_seq_before(seg->seq, tcp->rcv_nxt) &&
		    !tcp_seq_after((seg->seq + seg->len), tcp->rcv_nxt)) {
			tcp_stats.rx_duplicates++;
			tcp_rx_duplicate(tcp, seg->seq, (seg->seq + seg->len));
		}
		tcp_send_ack(tcp);
		goto drop;
	}

	/* Reset: exactly at rcv_nxt, else challenge (RFC 5961 3.2) */
	if (seg->flags & TCP_RST) {
		if (seg->seq != tcp->rcv_nxt) {
			tcp_send_challenge_ack(tcp);
		} else if (tcp->state == TCP_STATE_SYN_RECEIVED) {
			tcp_destroy(tcp, -ECONNREFUSED_RST);
		} else {
			tcp_destroy(tcp, -ECONNRESET_RST);
		}
		goto drop;
	}

	/* SYN: challenge (RFC 5961 section 4.2) */
	if (seg->flags & TCP_SYN) {
		tcp_send_challenge_ack(tcp);
		goto drop;
	}

	if (!(seg->flags & TCP_ACK))
		goto drop;
	if (tcp->state == TCP_STATE_SYN_RECEIVED) {
		if (!tcp_seq_within(seg->ack, (tcp->iss + 1),
				    (tcp->snd_max + 1))) {
			tcp_transmit(tcp, seg->ack, 0, TCP_RST);
			tcp_stats.tx_resets++;
			goto drop;
		}
		/* (The user hears of its window once this segment is
		 * processed)
		 */
		tcp_rx_established(tcp, seg,
				   ((uint32_t)seg->win << tcp->snd_wscale));
	}
	if (tcp_rx_ack(tcp, seg) != 0)
		goto drop;

	/* Our FIN acknowledged? */
	if ((tcp->flags & TCP_CONN_FIN_QUEUED) &&
	    tcp->snd_una == (tcp_data_end(tcp) + 1)) {
		switch (tcp->state) {
		case TCP_STATE_FIN_WAIT_1:
			tcp->state = TCP_STATE_FIN_WAIT_2;
			timer_start(&tcp->state_timer,
				    TCP_FIN_WAIT_2_TIMEOUT_MS);
			break;
		case TCP_STATE_CLOSING:
			tcp_time_wait(tcp);
			break;
		case TCP_STATE_LAST_ACK:
			tcp_destroy(tcp, 0);
			goto drop;
		default:
			break;
		}
	}

	/* Timestamp to echo (RFC 7323 section 4.3) */
	if ((tcp->flags & TCP_CONN_TS) && (seg->opts.present & TCP_OPTS_TS) &&
	    !tcp_seq_after(seg->seq, tcp->last_ack_sent) &&
	    !tcp_seq_before(seg->opts.ts_val, tcp->ts_recent))
		tcp->ts_recent = seg->opts.ts_val;

	/* TIME-WAIT: a retransmitted FIN is acknowledged again */
	if (tcp->state == TCP_STATE_TIME_WAIT) {
		if (seg->flags & TCP_FIN) {
			tcp_send_ack(tcp);
			timer_start(&tcp->state_timer, TCP_TIME_WAIT_MS);
		}
		goto drop;
	}

	/* Cut the segment to the window: what we have, what is beyond */
	fin_seq = (seg->seq + seg->len);
	if (tcp_seq_before(seg->seq, tcp->rcv_nxt)) {
		trim = min((uint32_t)seg->len, (tcp->rcv_nxt - seg->seq));
		if (trim) {
			tcp_stats.rx_duplicates++;
			tcp_rx_duplicate(tcp, seg->seq, (seg->seq + trim));
		}
		iob_pull(iob, trim);
		seg->seq += trim;
		seg->len -= trim;
		tcp->flags |= TCP_CONN_ACK_NOW;
	}
	window_end = tcp->rcv_adv;
	if ((tcp->flags & TCP_CONN_FIN_AHEAD) &&
	    tcp_seq_before(tcp->rcv_fin_seq, window_end))
		window_end = tcp->rcv_fin_seq;
	if (tcp_seq_after((seg->seq + seg->len), window_end)) {
		trim = ((seg->seq + seg->len) - window_end);
		trim = min(trim, (uint32_t)seg->len);
		iob_unput(iob, trim);
		seg->len -= trim;
		seg->flags &= ~TCP_FIN;
		tcp->flags |= TCP_CONN_ACK_NOW;
	}

	/* Data */
	if (seg->len) {
		switch (tcp->state) {
		case TCP_STATE_ESTABLISHED:
		case TCP_STATE_FIN_WAIT_1:
		case TCP_STATE_FIN_WAIT_2:
			break;
		default:
			/* Data after the peer's FIN: nonsense */
			goto drop;
		}
		if (tcp->flags & TCP_CONN_USER_CLOSED) {
			/* Nobody will read it: stop the peer sending */
			tcp_abort(tcp, 0);
			goto drop;
		}
		if (seg->seq == tcp->rcv_nxt) {
			tcp->ack_pending++;
			tcp->ack_pending_step++;
			tcp_rx_deliver(tcp, iob);
		} else {
			tcp_stats.rx_out_of_order++;
			tcp_rxq_insert(&tcp->rxq, iob, seg->seq, &dup);
			if (dup.start != dup.end)
				tcp_rx_duplicate(tcp, dup.start, dup.end);
			tcp->flags |= TCP_CONN_ACK_NOW;
		}
		iob = NULL;
		if (tcp->state == TCP_STATE_CLOSED)
			goto drop;
	}

	/* FIN, now or once the gap before it fills */
	if (seg->flags & TCP_FIN) {
		tcp->flags |= (TCP_CONN_FIN_AHEAD | TCP_CONN_ACK_NOW);
		tcp->rcv_fin_seq = fin_seq;
	}
	if ((tcp->flags & TCP_CONN_FIN_AHEAD) &&
	    tcp->rcv_fin_seq == tcp->rcv_nxt)
		tcp_rx_fin(tcp);

drop:
	iob_free(iob);
}

/**
 * Receive a TCP segment
 *
 * @v iob		Segment, network header removed (owned by this call)
 * @v netdev		Device it came in on
 * @v st_src		Source address
 * @v st_dest		Destination address
 * @v pshdr_csum	Pseudo-header checksum
 * @ret rc		Return status code
 */
static int tcp_rx(struct io_buffer *iob, struct net_device *netdev,
		  struct sockaddr_tcpip *st_src, struct sockaddr_tcpip *st_dest,
		  uint16_t pshdr_csum)
{
	struct tcp_header *tcphdr = iob->data;
	struct tcp_connection *tcp;
	struct tcp_segment seg;
	size_t hlen;
	size_t window_before;
	int rc;

	/* Header, bounded by the segment */
	if (iob_len(iob) < TCP_HEADER_LEN) {
		rc = -EINVAL_SHORT;
		goto malformed;
	}
	hlen = ((tcphdr->hlen >> 4) * 4);
	if (hlen < TCP_HEADER_LEN || hlen > iob_len(iob)) {
		rc = -EINVAL_HLEN;
		goto malformed;
	}
	if (tcpip_continue_chksum(pshdr_csum, iob->data, iob_len(iob)) != 0) {
		rc = -EINVAL_CSUM;
		goto malformed;
	}
	rc = tcp_options_parse((iob->data + TCP_HEADER_LEN),
			       (hlen - TCP_HEADER_LEN), &seg.opts);
	if (rc != 0)
		goto malformed;
	seg.seq = ntohl(tcphdr->seq);
	seg.ack = ntohl(tcphdr->ack);
	seg.win = ntohs(tcphdr->win);
	seg.flags = tcphdr->flags;
	seg.len = (iob_len(iob) - hlen);
	tcp_stats.rx_segments++;

	tcp = tcp_find(st_src, tcphdr->src, tcphdr->dest);
	if (!tcp) {
		tcp_send_reset(tcphdr, &seg, st_src, st_dest, netdev);
		iob_free(iob);
		return -ENOTCONN_UNKNOWN;
	}
	iob_pull(iob, hlen);

	ref_get(&tcp->refcnt);
	tcp->last_rx_ms = clock_ms();
	tcp->keepalive_probes = 0;
	window_before = tcp_send_window(tcp);
	if (tcp->state == TCP_STATE_SYN_SENT) {
		rc = tcp_rx_syn_sent(tcp, &seg);
		if (rc == -ENOTCONN_UNKNOWN) {
			/* An ACK for some other SYN: reset it (the header
			 * is still there, in the headroom)
			 */
			tcp_send_reset(tcphdr, &seg, st_src, st_dest, netdev);
			rc = 0;
		}
		iob_free(iob);
	} else {
		tcp_rx_synchronized(tcp, &seg, iob);
		if (tcp->state != TCP_STATE_CLOSED) {
			tcp_xmit(tcp);
			tcp_ack_if_due(tcp);
		}
		/* Room for the user to send more */
		if (tcp->state != TCP_STATE_CLOSED &&
		    tcp_send_window(tcp) > window_before)
			xfer_window_changed(&tcp->xfer);
		rc = 0;
	}
	ref_put(&tcp->refcnt);
	return rc;

malformed:
	tcp_stats.rx_malformed++;
	iob_free(iob);
	return rc;
}

/******************************************************************************
 *
 * The user's endpoint
 *
 ******************************************************************************
 */

/**
 * Take data from the user to send
 *
 * The data is queued even beyond the window the user was told (the
 * window is advice, not a limit), and even before the connection is
 * established: it goes once the handshake completes.
 *
 * @v xfer		Connection's endpoint
 * @v iob		Data (owned by this call)
 * @v meta		Metadata (unused)
 * @ret rc		Return status code
 */
static int tcp_xfer_deliver(struct xfer *xfer, struct io_buffer *iob,
			    struct xfer_metadata *meta)
{
	struct tcp_connection *tcp =
		container_of(xfer, struct tcp_connection, xfer);

	switch (tcp->state) {
	case TCP_STATE_SYN_SENT:
	case TCP_STATE_SYN_RECEIVED:
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_CLOSE_WAIT:
		break;
	default:
		iob_free(iob);
		return -ENOTCONN_CLOSED;
	}
	if (!iob_len(iob)) {
		iob_free(iob);
		return 0;
	}
	tcp->tx_queued += iob_len(iob);
	list_add_tail(&iob->list, &tcp->tx_queue);
	tcp_xmit(tcp);
	return 0;
}

/**
 * How much the user may send now
 *
 * @v xfer		Connection's endpoint
 * @ret len		Bytes
 */
static size_t tcp_xfer_window(struct xfer *xfer)
{
	struct tcp_connection *tcp =
		container_of(xfer, struct tcp_connection, xfer);

	return tcp_send_window(tcp);
}

/**
 * The user can take more: advertise the larger window if it matters
 *
 * @v xfer		Connection's endpoint
 */
static void tcp_xfer_window_changed(struct xfer *xfer)
{
	struct tcp_connection *tcp =
		container_of(xfer, struct tcp_connection, xfer);
	size_t window;
	uint32_t advertised;

	if (!tcp_state_synchronized(tcp->state) ||
	    tcp->state == TCP_STATE_TIME_WAIT)
		return;
	window = min(xfer_window(&tcp->xfer), (size_t)TCP_RX_WINDOW_BYTES);
	advertised = (tcp->rcv_adv - tcp->rcv_nxt);
	/* Receiver silly-window avoidance (RFC 9293 3.8.6.2.2) */
	if (window >= (advertised + min((size_t)(2 * tcp->rcv_mss),
					(size_t)TCP_RX_WINDOW_BYTES / 2)))
		tcp_send_ack(tcp);
}

/**
 * The user closed the connection
 *
 * A normal close sends a FIN after the queued data; a close with an
 * error aborts the connection with a reset.
 *
 * @v xfer		Connection's endpoint (already unplugged)
 * @v rc		Reason
 */
static void tcp_xfer_close(struct xfer *xfer, int rc)
{
	struct tcp_connection *tcp =
		container_of(xfer, struct tcp_connection, xfer);

	ref_get(&tcp->refcnt);
	tcp->flags |= TCP_CONN_USER_CLOSED;
	switch (tcp->state) {
	case TCP_STATE_SYN_SENT:
	case TCP_STATE_SYN_RECEIVED:
		tcp_abort(tcp, rc);
		break;
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_CLOSE_WAIT:
		if (rc != 0) {
			tcp_abort(tcp, rc);
			break;
		}
		tcp->state = ((tcp->state == TCP_STATE_ESTABLISHED)
				      ? TCP_STATE_FIN_WAIT_1
				      : TCP_STATE_LAST_ACK);
		tcp->flags |= TCP_CONN_FIN_QUEUED;
		tcp_xmit(tcp);
		break;
	default:
		break;
	}
	ref_put(&tcp->refcnt);
}

/** What a connection does when its user talks to it */
static const struct xfer_operations tcp_xfer_operations = {
	.deliver = tcp_xfer_deliver,
	.window = tcp_xfer_window,
	.window_changed = tcp_xfer_window_changed,
	.close = tcp_xfer_close,
};

/**
 * The smallest window scale shift that lets the header say our window
 *
 * @ret shift		Shift
 */
static unsigned int tcp_window_shift(void)
{
	unsigned int shift = 0;

	while ((TCP_RX_WINDOW_BYTES >> shift) > TCP_MAX_UNSCALED_WINDOW_BYTES)
		shift++;
	return shift;
}

/**
 * Open a connection (active open)
 *
 * @v xfer		User's endpoint to plug the connection into
 * @v peer		Remote address and port
 * @v local		Local address (only its port is used), or NULL
 * @ret rc		Return status code
 */
int tcp_open(struct xfer *xfer, struct sockaddr *peer, struct sockaddr *local)
{
	struct sockaddr_tcpip *st_peer = (struct sockaddr_tcpip *)peer;
	struct sockaddr_tcpip *st_local = (struct sockaddr_tcpip *)local;
	struct tcp_connection *tcp;
	uint16_t port = 0;
	size_t mtu;
	int rc;

	if (!st_peer->st_port)
		return -EINVAL_PORT;
	if (!tcpip_route(st_peer))
		return -ENETUNREACH_ROUTE;
	if (st_local && st_local->st_port) {
		port = ntohs(st_local->st_port);
		if (tcp_find(st_peer, st_peer->st_port, st_local->st_port))
			return -EADDRINUSE_TUPLE;
	} else {
		rc = tcp_port_choose(&port);
		if (rc != 0)
			return rc;
	}

	tcp = heap_zalloc(sizeof(*tcp));
	if (!tcp)
		return -ENOMEM;
	ref_init(&tcp->refcnt, NULL);
	xfer_init(&tcp->xfer, &tcp_xfer_operations, &tcp->refcnt);
	timer_init(&tcp->rtx_timer, tcp_rtx_expired);
	timer_init(&tcp->ack_timer, tcp_ack_expired);
	timer_init(&tcp->state_timer, tcp_state_expired);
	INIT_LIST_HEAD(&tcp->tx_queue);
	tcp_rxq_init(&tcp->rxq, TCP_RXQ_MAX_MEM_BYTES);
	memcpy(&tcp->peer, st_peer, sizeof(tcp->peer));
	tcp->local_port = port;

	/* The route's MTU gives the segment size we can take */
	mtu = tcpip_mtu(st_peer);
	if (mtu > (TCP_HEADER_LEN + TCP_MSS_MIN)) {
		tcp->rcv_mss = min((mtu - TCP_HEADER_LEN), (size_t)TCP_MSS_MAX);
	} else {
		tcp->rcv_mss = TCP_MSS_DEFAULT;
	}
	tcp->snd_mss = tcp->rcv_mss;
	tcp->rcv_wscale = tcp_window_shift();
	tcp->ts_offset = random_u32();
	tcp_rtt_init(&tcp->rtt);

	tcp->iss = random_u32();
	tcp->snd_una = tcp->snd_nxt = tcp->iss;
	tcp->tx_seq = (tcp->iss + 1);
	tcp->recover = tcp->rtx_next = tcp->iss;
	tcp->cwnd = tcp->snd_mss;
	tcp->ssthresh = TCP_CWND_MAX_BYTES;
	tcp->start_ms = tcp->progress_ms = tcp->last_rx_ms = clock_ms();
	tcp->state = TCP_STATE_SYN_SENT;

	/* The list of connections holds the reference made above */
	list_add(&tcp->list, &tcp_connections);
	xfer_plug(&tcp->xfer, xfer);

	tcp_send_syn(tcp);
	tcp->snd_nxt = tcp->snd_max = (tcp->iss + 1);
	tcp_rtx_restart(tcp);
	return 0;
}

/** TCP as a transport */
struct tcpip_protocol tcp_protocol __tcpip_protocol = {
	.name = "TCP",
	.tcpip_proto = IP_TCP,
	.rx = tcp_rx,
};

/** TCP sockets over IPv4 */
struct socket_opener tcp_ipv4_socket_opener __socket_opener = {
	.semantics = SOCK_STREAM,
	.family = AF_INET,
	.open = tcp_open,
};

/** TCP sockets over IPv6 */
struct socket_opener tcp_ipv6_socket_opener __socket_opener = {
	.semantics = SOCK_STREAM,
	.family = AF_INET6,
	.open = tcp_open,
};
