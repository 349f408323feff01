#ifndef NET_TCP_H
#define NET_TCP_H

/** @file
 *
 * The Transmission Control Protocol (RFC 9293)
 *
 * Each connection is a reference-counted object with one data-transfer
 * endpoint toward its user.  The user opens it with xfer_open_socket()
 * (SOCK_STREAM, AF_INET), waits for xfer_window() to become non-zero,
 * delivers the bytes it wants to send and receives what the peer sends
 * through its deliver method, in order, as it arrives.
 *
 * What is declared here beyond that (the header layout, option parsing,
 * sequence arithmetic, the round-trip estimator, the reassembly queue
 * and the SACK scoreboard) is shared with the unit tests, which check
 * each piece on its own without a network device.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "net/tcpip.h"

struct xfer;
struct sockaddr;
struct io_buffer;

/** A TCP header (the receive path reads it from unaligned memory) */
struct tcp_header {
	/** Source port */
	uint16_t src;
	/** Destination port */
	uint16_t dest;
	/** Sequence number */
	uint32_t seq;
	/** Acknowledgement number */
	uint32_t ack;
	/** Data offset, in 32-bit words, in the top four bits */
	uint8_t hlen;
	/** Flags (TCP_...) */
	uint8_t flags;
	/** Window */
	uint16_t win;
	/** Checksum */
	uint16_t csum;
	/** Urgent pointer */
	uint16_t urg;
} __attribute__((packed));

/** Header flags */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

/** Length of a header without options */
#define TCP_HEADER_LEN     20
/** Longest header: the data offset is four bits of 32-bit words */
#define TCP_HEADER_MAX_LEN 60

/** Option kinds */
#define TCP_OPTION_END            0
#define TCP_OPTION_NOP            1
#define TCP_OPTION_MSS            2
#define TCP_OPTION_WS             3
#define TCP_OPTION_SACK_PERMITTED 4
#define TCP_OPTION_SACK           5
#define TCP_OPTION_TS             8

/** Largest window scale shift (RFC 7323 section 2.3) */
#define TCP_WS_MAX_SHIFT           14
/** Most SACK blocks an option can carry (40 option bytes) */
#define TCP_SACK_OPTION_MAX_BLOCKS 4

/** A range of sequence space, [start, end) */
struct tcp_sack_block {
	/** First sequence number */
	uint32_t start;
	/** Sequence number just past the range */
	uint32_t end;
};

/** Options parsed from a segment (TCP_OPTS_... say which were present) */
struct tcp_options {
	/** Which options were present */
	unsigned int present;
	/** Maximum segment size */
	uint16_t mss;
	/** Window scale shift (already limited to TCP_WS_MAX_SHIFT) */
	uint8_t ws_shift;
	/** Number of SACK blocks */
	unsigned int sack_count;
	/** SACK blocks (host byte order) */
	struct tcp_sack_block sack[TCP_SACK_OPTION_MAX_BLOCKS];
	/** Timestamp value */
	uint32_t ts_val;
	/** Timestamp echo reply */
	uint32_t ts_ecr;
};

#define TCP_OPTS_MSS            0x01
#define TCP_OPTS_WS             0x02
#define TCP_OPTS_SACK_PERMITTED 0x04
#define TCP_OPTS_SACK           0x08
#define TCP_OPTS_TS             0x10

extern int tcp_options_parse(const void *data, size_t len,
			     struct tcp_options *opts);

/**
 * Test whether one sequence number comes before another (modulo 2^32)
 *
 * @v seq		Sequence number
 * @v other		Sequence number
 * @ret before		seq is before other
 */
static inline int tcp_seq_before(uint32_t seq, uint32_t other)
{
	return ((int32_t)(seq - other) < 0);
}

/**
 * Test whether one sequence number comes after another (modulo 2^32)
 *
 * @v seq		Sequence number
 * @v other		Sequence number
 * @ret after		seq is after other
 */
static inline int tcp_seq_after(uint32_t seq, uint32_t other)
{
	return ((int32_t)(seq - other) > 0);
}

/**
 * Test whether a sequence number lies within [start, end)
 *
 * @v seq		Sequence number
 * @v start		Start of the range
 * @v end		End of the range (exclusive)
 * @ret within		seq is within the range
 */
static inline int tcp_seq_within(uint32_t seq, uint32_t start, uint32_t end)
{
	return ((seq - start) < (end - start));
}

/**
 * The later of two sequence numbers
 *
 * @v seq		Sequence number
 * @v other		Sequence number
 * @ret later		The one that comes after the other
 */
static inline uint32_t tcp_seq_max(uint32_t seq, uint32_t other)
{
	return (tcp_seq_after(seq, other) ? seq : other);
}

/** The round-trip time estimator of RFC 6298 */
struct tcp_rtt {
	/** Smoothed round-trip time, in microseconds */
	uint32_t srtt_us;
	/** Round-trip time variation, in microseconds */
	uint32_t rttvar_us;
	/** Retransmission timeout before backoff */
	uint32_t rto_ms;
	/** Number of samples taken (0: srtt_us and rttvar_us are unset) */
	unsigned int samples;
	/** Timeouts since the last acknowledgement (each doubles the RTO) */
	unsigned int backoff;
};

/** Initial retransmission timeout (RFC 6298 section 2.1) */
#define TCP_RTO_INITIAL_MS        1000
/** Retransmission timeout when a SYN was lost and nothing was measured
 * (RFC 6298 section 5.7) */
#define TCP_RTO_AFTER_SYN_LOSS_MS 3000
/** Smallest retransmission timeout: above a peer's delayed ACK */
#define TCP_RTO_MIN_MS            200
/** Largest retransmission timeout */
#define TCP_RTO_MAX_MS            60000

extern void tcp_rtt_init(struct tcp_rtt *rtt);
extern void tcp_rtt_sample(struct tcp_rtt *rtt, uint32_t sample_ms);
extern uint32_t tcp_rtt_timeout(const struct tcp_rtt *rtt);

/** Most separate ranges of out-of-order data kept */
#define TCP_RXQ_MAX_RANGES 32

/** A contiguous range of out-of-order data in the reassembly queue */
struct tcp_rxq_range {
	/** First sequence number */
	uint32_t start;
	/** Sequence number just past the range */
	uint32_t end;
	/** First buffer of the range */
	struct io_buffer *first;
	/** Last buffer of the range */
	struct io_buffer *last;
	/** When the range last grew (a counter), for the SACK order */
	unsigned long stamp;
};

/**
 * The reassembly queue: data that arrived ahead of a gap
 *
 * Buffers are kept in sequence order, with no byte held twice; the
 * ranges (sorted, never touching) say which sequence space they cover,
 * so inserting, delivering and evicting cost a bounded number of steps
 * however much data is queued.  Memory is bounded by mem_max, counted
 * in whole buffers, and by TCP_RXQ_MAX_RANGES.
 */
struct tcp_rx_queue {
	/** Buffers, in sequence order */
	struct list_head buffers;
	/** Ranges, in sequence order */
	struct tcp_rxq_range ranges[TCP_RXQ_MAX_RANGES];
	/** Number of ranges */
	unsigned int count;
	/** Memory held by the queued buffers */
	size_t mem;
	/** Most memory the queued buffers may hold */
	size_t mem_max;
	/** Counter for the ranges' stamps */
	unsigned long stamp;
};

extern void tcp_rxq_init(struct tcp_rx_queue *rxq, size_t mem_max);
extern int tcp_rxq_insert(struct tcp_rx_queue *rxq, struct io_buffer *iob,
			  uint32_t seq, struct tcp_sack_block *dup);
extern struct io_buffer *tcp_rxq_pop(struct tcp_rx_queue *rxq,
				     uint32_t rcv_nxt);
extern unsigned int tcp_rxq_sack(struct tcp_rx_queue *rxq,
				 struct tcp_sack_block *blocks,
				 unsigned int max);
extern void tcp_rxq_flush(struct tcp_rx_queue *rxq);
extern size_t tcp_iob_mem(struct io_buffer *iob);

/** Most ranges the send side remembers the peer has selectively ACKed */
#define TCP_SCOREBOARD_MAX_BLOCKS 8

/** What the peer reported (with SACK) having received beyond snd_una */
struct tcp_scoreboard {
	/** Blocks, sorted, never touching */
	struct tcp_sack_block blocks[TCP_SCOREBOARD_MAX_BLOCKS];
	/** Number of blocks */
	unsigned int count;
};

extern void tcp_scoreboard_add(struct tcp_scoreboard *board,
			       const struct tcp_sack_block *block,
			       uint32_t snd_una, uint32_t snd_max);
extern void tcp_scoreboard_ack(struct tcp_scoreboard *board, uint32_t snd_una);
extern uint32_t tcp_scoreboard_skip(const struct tcp_scoreboard *board,
				    uint32_t seq, uint32_t *limit);

/** Counters over every connection, for diagnostics (tcpget prints them) */
struct tcp_statistics {
	/** Segments received (checksum good) */
	unsigned long rx_segments;
	/** Segments dropped as malformed (length, checksum, options) */
	unsigned long rx_malformed;
	/** Segments that arrived out of order and were queued */
	unsigned long rx_out_of_order;
	/** Out-of-order segments dropped (queue limits) or evicted */
	unsigned long rx_queue_drops;
	/** Segments with data we already had */
	unsigned long rx_duplicates;
	/** Segments sent */
	unsigned long tx_segments;
	/** Segments sent again after a timeout */
	unsigned long tx_timeout_retransmits;
	/** Segments sent again on duplicate ACKs or partial ACKs */
	unsigned long tx_fast_retransmits;
	/** Resets sent */
	unsigned long tx_resets;
};

extern struct tcp_statistics tcp_stats;
extern struct tcpip_protocol tcp_protocol;

extern int tcp_open(struct xfer *xfer, struct sockaddr *peer,
		    struct sockaddr *local);

#endif /* NET_TCP_H */
