#ifndef NET_DNS_H
#define NET_DNS_H

/** @file
 *
 * DNS resolver (RFC 1035)
 *
 * Names are resolved by asking each server of ${dns} in turn, with
 * retries and a bound on the total time; unqualified names are tried
 * with each search domain first (${domain}, then option 119).  CNAME
 * chains are followed, answers must match the question, and good
 * answers are cached for their TTL.  Name compression pointers are
 * followed with bounds and loop checks: nothing a server sends can make
 * the parser read outside the message or run for long.
 *
 * The parsing functions are exported for the unit tests.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/socket.h"

/** DNS server port */
#define DNS_PORT 53

/** Longest name on the wire, length bytes included (RFC 1035 2.3.4) */
#define DNS_WIRE_NAME_MAX     255
/** Longest name as text, without a trailing dot */
#define DNS_TEXT_NAME_MAX     253
/** Longest label */
#define DNS_LABEL_MAX         63
/** Most compression pointers followed in one name */
#define DNS_MAX_POINTERS      16
/** Most CNAME records followed in one answer */
#define DNS_MAX_CNAME_CHAIN   8
/** Most times a CNAME without an address leads to a new query */
#define DNS_MAX_CNAME_QUERIES 4
/** Most answer records looked at in one message */
#define DNS_MAX_ANSWERS       32
/** Most servers used from ${dns} */
#define DNS_MAX_SERVERS       8
/** Most search domains used */
#define DNS_MAX_SEARCH        6
/** Timeout of the first query to each server (doubles each round) */
#define DNS_TIMEOUT_MS        1000
/** Rounds through the server list */
#define DNS_MAX_ROUNDS        3
/** Longest a resolution may take in all */
#define DNS_TOTAL_TIMEOUT_MS  15000
/** Entries in the answer cache */
#define DNS_CACHE_ENTRIES     8
/** Longest an answer is cached, whatever its TTL */
#define DNS_CACHE_MAX_TTL_S   3600
/** Largest DNS message over UDP (RFC 1035 4.2.1) */
#define DNS_MAX_UDP_LEN       512

/** A DNS message header */
struct dns_header {
	/** Transaction ID */
	uint16_t id;
	/** Flags */
	uint16_t flags;
	/** Number of questions */
	uint16_t qdcount;
	/** Number of answer records */
	uint16_t ancount;
	/** Number of authority records */
	uint16_t nscount;
	/** Number of additional records */
	uint16_t arcount;
};

/** Flags */
#define DNS_FLAG_RESPONSE          0x8000
#define DNS_FLAG_OPCODE_MASK       0x7800
#define DNS_FLAG_TRUNCATED         0x0200
#define DNS_FLAG_RECURSION_DESIRED 0x0100
#define DNS_FLAG_RCODE_MASK        0x000f

/** Response codes */
#define DNS_RCODE_OK             0
#define DNS_RCODE_FORMAT_ERROR   1
#define DNS_RCODE_SERVER_FAILURE 2
#define DNS_RCODE_NAME_ERROR     3
#define DNS_RCODE_REFUSED        5

/** Record types and class */
#define DNS_TYPE_A     1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA  28
#define DNS_CLASS_IN   1

/** The answer has an address */
#define DNS_ANSWER_ADDRESS   0x01
/** The answer went through (or, for a CNAME question, is) a CNAME */
#define DNS_ANSWER_CNAME     0x02
/** The server truncated the answer */
#define DNS_ANSWER_TRUNCATED 0x04

/** What a response says about our question */
struct dns_answer {
	/** Response code */
	unsigned int rcode;
	/** What was found (DNS_ANSWER_...) */
	unsigned int flags;
	/** Address (DNS_ANSWER_ADDRESS) */
	struct in_addr address;
	/** Canonical name (end of the CNAME chain), or the CNAME's target
	 * for a CNAME question */
	char name[DNS_TEXT_NAME_MAX + 1];
	/** Smallest TTL along the chain, in seconds */
	uint32_t ttl_s;
};

/** Counters of what the resolver received */
struct dns_statistics {
	/** Messages dropped because they were malformed */
	unsigned long rx_malformed;
	/** Well-formed messages that did not answer our question */
	unsigned long rx_ignored;
};

extern struct dns_statistics dns_stats;

extern int dns_name_encode(const char *name, uint8_t *buf, size_t len);
extern int dns_name_decode(const uint8_t *msg, size_t msg_len, size_t offset,
			   char *buf, size_t len, size_t *next);
extern int dns_query_build(uint8_t *buf, size_t len, uint16_t id,
			   const char *name, unsigned int type);
extern int dns_response_parse(const uint8_t *msg, size_t len, uint16_t id,
			      const char *qname, unsigned int qtype,
			      struct dns_answer *answer);
extern int dns_search_list_decode(const uint8_t *data, size_t len,
				  char (*names)[DNS_TEXT_NAME_MAX + 1],
				  unsigned int max);
extern void dns_cache_flush(void);

#endif /* NET_DNS_H */
