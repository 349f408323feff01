/** @file
 *
 * DNS resolver (RFC 1035)
 *
 * A request walks a list of candidate names (an unqualified name with
 * each search domain, then as given) and, for each, the list of servers
 * in ${dns}: DNS_MAX_ROUNDS rounds, the timeout doubling each round,
 * the whole bounded by DNS_TOTAL_TIMEOUT_MS.  A server that fails
 * (SERVFAIL, REFUSED, a truncated answer without an address, or a host
 * that answers with ICMP "port unreachable") is skipped at once; "no such name" moves to the next candidate.  Each
 * query goes out from a new socket with a new transaction ID, and an
 * answer is only taken from the server asked, with our ID, echoing our
 * question.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/dns.h"
#include "net/dhcp_options.h"
#include "net/ipv4.h"
#include "net/resolv.h"
#include "net/socket.h"
#include "core/compiler.h"
#include "core/ctype.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/feature.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/random.h"
#include "core/settings.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/xfer.h"

FEATURE("DNS");

/** Message shorter than a header */
#define EBADMSG_SHORT ERROR_CODE(ERRCLASS_EBADMSG, 1)
ERROR_MESSAGE(EBADMSG_SHORT, "DNS message too short");
/** Something runs past the end of the message */
#define EBADMSG_TRUNCATED ERROR_CODE(ERRCLASS_EBADMSG, 2)
ERROR_MESSAGE(EBADMSG_TRUNCATED, "DNS message truncated");
/** Bad label */
#define EBADMSG_LABEL ERROR_CODE(ERRCLASS_EBADMSG, 3)
ERROR_MESSAGE(EBADMSG_LABEL, "Bad DNS label");
/** Name too long */
#define EBADMSG_NAME_LONG ERROR_CODE(ERRCLASS_EBADMSG, 4)
ERROR_MESSAGE(EBADMSG_NAME_LONG, "DNS name too long");
/** Compression pointer that does not point backwards */
#define EBADMSG_POINTER ERROR_CODE(ERRCLASS_EBADMSG, 5)
ERROR_MESSAGE(EBADMSG_POINTER, "Bad DNS compression pointer");
/** Too many compression pointers */
#define ELOOP_POINTERS ERROR_CODE(ERRCLASS_ELOOP, 1)
ERROR_MESSAGE(ELOOP_POINTERS, "DNS compression pointer loop");
/** CNAME chain too long */
#define ELOOP_CNAME ERROR_CODE(ERRCLASS_ELOOP, 2)
ERROR_MESSAGE(ELOOP_CNAME, "DNS CNAME chain too long");
/** Not an answer to our question */
#define ENOMSG_MISMATCH ERROR_CODE(ERRCLASS_ENOMSG, 1)
ERROR_MESSAGE(ENOMSG_MISMATCH, "DNS answer does not match question");
/** Output buffer too small */
#define ENOSPC_NAME ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_NAME, "DNS name does not fit");
/** Name that cannot be asked for */
#define EINVAL_NAME ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_NAME, "Invalid host name");
/** No servers */
#define ENXIO_NO_SERVER ERROR_CODE(ERRCLASS_ENXIO, 1)
ERROR_MESSAGE(ENXIO_NO_SERVER, "No DNS servers configured");
/** The name does not exist */
#define ENOENT_NAME ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_NAME, "Host name not found");
/** The name exists without a record of the type asked for */
#define ENOENT_NO_DATA ERROR_CODE(ERRCLASS_ENOENT, 2)
ERROR_MESSAGE(ENOENT_NO_DATA, "No DNS record of that type");
/** No server answered */
#define ETIMEDOUT_DNS ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_DNS, "No answer from DNS servers");
/** The server failed (SERVFAIL, or an answer truncated to nothing) */
#define EIO_SERVERS ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_SERVERS, "DNS server failure");
/** The server refused to answer */
#define ECONNREFUSED_DNS ERROR_CODE(ERRCLASS_ECONNREFUSED, 1)
ERROR_MESSAGE(ECONNREFUSED_DNS, "DNS server refused the query");
/** Record type not handled */
#define ENOTSUP_TYPE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_TYPE, "DNS record type not supported");

/** DNS servers (option 6) */
const struct setting dns_setting __setting(SETTING_IP4) = {
	.name = "dns",
	.description = "DNS server",
	.type = &setting_type_ipv4,
	.tag = DHCP_DNS_SERVERS,
};

/** Search domain (option 15) */
const struct setting domain_setting __setting(SETTING_IP4) = {
	.name = "domain",
	.description = "DNS domain",
	.type = &setting_type_string,
	.tag = DHCP_DOMAIN_NAME,
};

/** Counters of what the resolver received */
struct dns_statistics dns_stats;

/**
 * Make a transaction ID
 *
 * @ret id		Transaction ID
 */
static uint16_t dns_make_id(void)
{
	uint32_t value = random_u32();

	return (uint16_t)(value ^ (value >> 16));
}

/**
 * Encode a name in wire format
 *
 * @v name		Name as text (a trailing dot is allowed)
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret wire_len	Length written, or a negative error
 */
int dns_name_encode(const char *name, uint8_t *buf, size_t len)
{
	size_t name_len = strlen(name);
	size_t label_len;
	size_t out = 0;
	size_t pos = 0;
	size_t end;
	size_t i;

	if (name_len && name[name_len - 1] == '.')
		name_len--;
	if (!name_len || name_len > DNS_TEXT_NAME_MAX)
		return -EINVAL_NAME;
	while (pos <= name_len) {
		end = pos;
		while (end < name_len && name[end] != '.')
			end++;
		label_len = (end - pos);
		if (!label_len || label_len > DNS_LABEL_MAX)
			return -EINVAL_NAME;
		for (i = pos; i < end; i++) {
			if ((uint8_t)name[i] <= ' ' || (uint8_t)name[i] >= 0x7f)
				return -EINVAL_NAME;
		}
		if ((out + 1 + label_len + 1) > len)
			return -ENOSPC_NAME;
		buf[out++] = label_len;
		memcpy(&buf[out], &name[pos], label_len);
		out += label_len;
		pos = (end + 1);
	}
	buf[out++] = 0;
	return out;
}

/**
 * Decode a name, following compression pointers
 *
 * Every pointer must point before itself, at most DNS_MAX_POINTERS are
 * followed, and the name may not exceed DNS_WIRE_NAME_MAX bytes: so
 * decoding ends, within the message, whatever the message says.
 *
 * @v msg		Message
 * @v msg_len		Length of message
 * @v offset		Where the name starts
 * @v buf		Buffer for the name as text (NUL-terminated)
 * @v len		Size of buffer (at least 1)
 * @v next		Offset after the name as it appears at offset, or NULL
 * @ret text_len	Length of the text ("" for the root), or a negative
 *			error
 */
int dns_name_decode(const uint8_t *msg, size_t msg_len, size_t offset,
		    char *buf, size_t len, size_t *next)
{
	unsigned int pointers = 0;
	size_t wire_len = 1;
	size_t pos = offset;
	size_t out = 0;
	size_t pointer;
	size_t label_len;
	size_t i;
	int jumped = 0;

	if (!len)
		return -ENOSPC_NAME;
	for (;;) {
		if (pos >= msg_len)
			return -EBADMSG_TRUNCATED;
		label_len = msg[pos];
		if (label_len == 0) {
			if (!jumped && next)
				*next = (pos + 1);
			break;
		}
		if ((label_len & 0xc0) == 0xc0) {
			if ((msg_len - pos) < 2)
				return -EBADMSG_TRUNCATED;
			pointer = (((label_len & 0x3f) << 8) | msg[pos + 1]);
			if (pointer >= pos)
				return -EBADMSG_POINTER;
			if (++pointers > DNS_MAX_POINTERS)
				return -ELOOP_POINTERS;
			if (!jumped && next)
				*next = (pos + 2);
			jumped = 1;
			pos = pointer;
			continue;
		}
		if (label_len & 0xc0)
			return -EBADMSG_LABEL;
		if ((msg_len - pos - 1) < label_len)
			return -EBADMSG_TRUNCATED;
		wire_len += (1 + label_len);
		if (wire_len > DNS_WIRE_NAME_MAX)
			return -EBADMSG_NAME_LONG;
		if ((out + (out ? 1 : 0) + label_len) >= len)
			return -ENOSPC_NAME;
		if (out)
			buf[out++] = '.';
		for (i = 0; i < label_len; i++) {
			/* Dots or NULs inside a label would change the name */
			if (msg[pos + 1 + i] == '.' || msg[pos + 1 + i] == '\0')
				return -EBADMSG_LABEL;
			buf[out++] = msg[pos + 1 + i];
		}
		pos += (1 + label_len);
	}
	buf[out] = '\0';
	return out;
}

/**
 * Build a query
 *
 * @v buf		Buffer
 * @v len		Size of buffer
 * @v id		Transaction ID
 * @v name		Name asked for
 * @v type		Record type
 * @ret msg_len		Length of the query, or a negative error
 */
int dns_query_build(uint8_t *buf, size_t len, uint16_t id, const char *name,
		    unsigned int type)
{
	struct dns_header hdr;
	uint16_t tail[2];
	int name_len;

	if (len < sizeof(hdr) + sizeof(tail))
		return -ENOSPC_NAME;
	memset(&hdr, 0, sizeof(hdr));
	hdr.id = htons(id);
	hdr.flags = htons(DNS_FLAG_RECURSION_DESIRED);
	hdr.qdcount = htons(1);
	memcpy(buf, &hdr, sizeof(hdr));
	name_len = dns_name_encode(name, (buf + sizeof(hdr)),
				   (len - sizeof(hdr) - sizeof(tail)));
	if (name_len < 0)
		return name_len;
	tail[0] = htons(type);
	tail[1] = htons(DNS_CLASS_IN);
	memcpy((buf + sizeof(hdr) + name_len), tail, sizeof(tail));
	return (sizeof(hdr) + name_len + sizeof(tail));
}

/** A resource record found in an answer section */
struct dns_record {
	/** Offset of the owner name */
	size_t owner;
	/** Type */
	uint16_t type;
	/** Class */
	uint16_t class;
	/** Time to live */
	uint32_t ttl_s;
	/** Offset of the data */
	size_t rdata;
	/** Length of the data */
	uint16_t rdlen;
};

/**
 * Read a big-endian 16-bit value (the caller checked the bounds)
 *
 * @v data		Data
 * @ret value		Value
 */
static uint16_t dns_get16(const uint8_t *data)
{
	return ((data[0] << 8) | data[1]);
}

/**
 * Read a TTL (the caller checked the bounds)
 *
 * @v data		Data
 * @ret ttl_s		TTL (RFC 2181 8: one with the top bit set is 0)
 */
static uint32_t dns_get_ttl(const uint8_t *data)
{
	uint32_t ttl = (((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) |
			((uint32_t)data[2] << 8) | data[3]);

	return ((ttl & 0x80000000U) ? 0 : ttl);
}

/**
 * Parse a response to a question
 *
 * @v msg		Message
 * @v len		Length of message
 * @v id		Transaction ID of the query
 * @v qname		Name asked for
 * @v qtype		Type asked for
 * @v answer		What the response says (valid when 0 is returned)
 * @ret rc		0 for a response to our question (look at rcode and
 *			flags), -ENOMSG if it answers something else,
 *			-EBADMSG or -ELOOP if it is malformed
 */
int dns_response_parse(const uint8_t *msg, size_t len, uint16_t id,
		       const char *qname, unsigned int qtype,
		       struct dns_answer *answer)
{
	struct dns_record records[DNS_MAX_ANSWERS];
	char current[DNS_TEXT_NAME_MAX + 1];
	char name[DNS_TEXT_NAME_MAX + 1];
	char target[DNS_TEXT_NAME_MAX + 1];
	struct dns_header hdr;
	struct dns_record *record;
	unsigned int num_records = 0;
	unsigned int ancount;
	unsigned int hops;
	unsigned int i;
	uint32_t ttl_s = 0xffffffffU;
	uint32_t cname_ttl_s = 0;
	uint16_t flags;
	size_t pos;
	size_t end;
	int found_cname;
	int rc;

	memset(answer, 0, sizeof(*answer));
	if (len < sizeof(hdr))
		return -EBADMSG_SHORT;
	memcpy(&hdr, msg, sizeof(hdr));
	flags = ntohs(hdr.flags);
	if (!(flags & DNS_FLAG_RESPONSE) || ntohs(hdr.id) != id ||
	    (flags & DNS_FLAG_OPCODE_MASK) || ntohs(hdr.qdcount) != 1)
		return -ENOMSG_MISMATCH;
	answer->rcode = (flags & DNS_FLAG_RCODE_MASK);
	if (flags & DNS_FLAG_TRUNCATED)
		answer->flags |= DNS_ANSWER_TRUNCATED;

	/* The question must be ours */
	pos = sizeof(hdr);
	if ((rc = dns_name_decode(msg, len, pos, name, sizeof(name), &pos)) < 0)
		return rc;
	if ((len - pos) < 4)
		return -EBADMSG_TRUNCATED;
	if (dns_get16(&msg[pos]) != qtype ||
	    dns_get16(&msg[pos + 2]) != DNS_CLASS_IN ||
	    strcasecmp(name, qname) != 0)
		return -ENOMSG_MISMATCH;
	pos += 4;
	if (answer->rcode != DNS_RCODE_OK)
		return 0;

	/* Find the answer records, checking every bound */
	ancount = ntohs(hdr.ancount);
	for (i = 0; i < ancount && num_records < DNS_MAX_ANSWERS; i++) {
		record = &records[num_records++];
		record->owner = pos;
		rc = dns_name_decode(msg, len, pos, name, sizeof(name), &pos);
		if (rc < 0)
			return rc;
		if ((len - pos) < 10)
			return -EBADMSG_TRUNCATED;
		record->type = dns_get16(&msg[pos]);
		record->class = dns_get16(&msg[pos + 2]);
		record->ttl_s = dns_get_ttl(&msg[pos + 4]);
		record->rdlen = dns_get16(&msg[pos + 8]);
		pos += 10;
		if ((len - pos) < record->rdlen)
			return -EBADMSG_TRUNCATED;
		record->rdata = pos;
		pos += record->rdlen;
	}

	/* Follow the chain from the name asked for */
	strlcpy(current, qname, sizeof(current));
	for (hops = 0;; hops++) {
		found_cname = 0;
		for (i = 0; i < num_records; i++) {
			record = &records[i];
			if (record->class != DNS_CLASS_IN)
				continue;
			if (record->type != DNS_TYPE_CNAME &&
			    !(qtype == DNS_TYPE_A &&
			      record->type == DNS_TYPE_A))
				continue;
			dns_name_decode(msg, len, record->owner, name,
					sizeof(name), NULL);
			if (strcasecmp(name, current) != 0)
				continue;
			if (record->type == DNS_TYPE_A) {
				if (record->rdlen != sizeof(answer->address))
					return -EBADMSG_TRUNCATED;
				memcpy(&answer->address, &msg[record->rdata],
				       sizeof(answer->address));
				answer->flags |= DNS_ANSWER_ADDRESS;
				ttl_s = min(ttl_s, record->ttl_s);
				goto done;
			}
			if (found_cname)
				continue;
			rc = dns_name_decode(msg, len, record->rdata, target,
					     sizeof(target), &end);
			if (rc < 0)
				return rc;
			if (end > (record->rdata + record->rdlen) || !rc)
				return -EBADMSG_LABEL;
			found_cname = 1;
			cname_ttl_s = record->ttl_s;
		}
		if (!found_cname)
			break;
		answer->flags |= DNS_ANSWER_CNAME;
		ttl_s = min(ttl_s, cname_ttl_s);
		if (qtype == DNS_TYPE_CNAME) {
			strlcpy(current, target, sizeof(current));
			break;
		}
		if (hops >= DNS_MAX_CNAME_CHAIN)
			return -ELOOP_CNAME;
		strlcpy(current, target, sizeof(current));
	}

done:
	strlcpy(answer->name, current, sizeof(answer->name));
	answer->ttl_s = ((ttl_s == 0xffffffffU) ? 0 : ttl_s);
	return 0;
}

/**
 * Decode a domain search list (option 119, RFC 3397)
 *
 * The list is a run of wire-format names whose compression pointers
 * point into the option itself.
 *
 * @v data		Option data
 * @v len		Length of data
 * @v names		Array to fill
 * @v max		Size of array
 * @ret count		Names decoded (decoding stops at a malformed one)
 */
int dns_search_list_decode(const uint8_t *data, size_t len,
			   char (*names)[DNS_TEXT_NAME_MAX + 1],
			   unsigned int max)
{
	unsigned int count = 0;
	size_t pos = 0;
	int rc;

	while (pos < len && count < max) {
		rc = dns_name_decode(data, len, pos, names[count],
				     sizeof(names[count]), &pos);
		if (rc < 0)
			break;
		if (rc > 0)
			count++;
	}
	return count;
}

/** A cached answer */
struct dns_cache_entry {
	/** Name asked for ("" if the entry is free) */
	char name[DNS_TEXT_NAME_MAX + 1];
	/** Type asked for */
	unsigned int type;
	/** Answer */
	struct resolv_result result;
	/** Time the entry expires */
	uint64_t expires_ms;
};

/** The answer cache */
static struct dns_cache_entry dns_cache[DNS_CACHE_ENTRIES];

/**
 * Forget every cached answer
 */
void dns_cache_flush(void)
{
	memset(dns_cache, 0, sizeof(dns_cache));
}

/**
 * Look an answer up in the cache
 *
 * @v name		Name asked for
 * @v type		Type asked for
 * @ret entry		Entry, or NULL
 */
static struct dns_cache_entry *dns_cache_find(const char *name,
					      unsigned int type)
{
	struct dns_cache_entry *entry;
	uint64_t now = clock_ms();
	unsigned int i;

	for (i = 0; i < DNS_CACHE_ENTRIES; i++) {
		entry = &dns_cache[i];
		if (entry->name[0] && entry->type == type &&
		    entry->expires_ms > now &&
		    strcasecmp(entry->name, name) == 0)
			return entry;
	}
	return NULL;
}

/**
 * Remember an answer
 *
 * The entry replaced is a free or expired one, else the one that would
 * expire first.
 *
 * @v name		Name asked for
 * @v type		Type asked for
 * @v result		Answer
 */
static void dns_cache_add(const char *name, unsigned int type,
			  const struct resolv_result *result)
{
	struct dns_cache_entry *entry = NULL;
	struct dns_cache_entry *oldest = NULL;
	struct dns_cache_entry *candidate;
	uint64_t now = clock_ms();
	uint32_t ttl_s = min(result->ttl_s, (uint32_t)DNS_CACHE_MAX_TTL_S);
	unsigned int i;

	if (!ttl_s)
		return;
	entry = dns_cache_find(name, type);
	for (i = 0; !entry && i < DNS_CACHE_ENTRIES; i++) {
		candidate = &dns_cache[i];
		if (!candidate->name[0] || candidate->expires_ms <= now)
			entry = candidate;
	}
	for (i = 0; !entry && i < DNS_CACHE_ENTRIES; i++) {
		candidate = &dns_cache[i];
		if (!oldest || candidate->expires_ms < oldest->expires_ms)
			oldest = candidate;
	}
	if (!entry)
		entry = oldest;
	strlcpy(entry->name, name, sizeof(entry->name));
	entry->type = type;
	entry->result = *result;
	entry->expires_ms = (now + ttl_s * 1000ULL);
}

/** What a request does when its timer fires */
enum dns_action {
	/** The query timed out: ask the next server */
	DNS_NEXT_SERVER,
	/** The name does not exist: try the next candidate name */
	DNS_NEXT_CANDIDATE,
	/** A CNAME without an address: ask for its target */
	DNS_FOLLOW_CNAME,
	/** The answer is ready: hand it over */
	DNS_COMPLETE,
};

/** A resolution in progress */
struct dns_request {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint to the asker */
	struct resolv_intf resolv;
	/** UDP socket to the server being asked */
	struct xfer socket;
	/** Retransmission timer, also used to move on outside callbacks */
	struct timer timer;
	/** What to do when the timer fires */
	enum dns_action action;
	/** Type asked for */
	unsigned int type;
	/** Name as asked for (the cache key) */
	char name[DNS_TEXT_NAME_MAX + 1];
	/** Name being asked now */
	char qname[DNS_TEXT_NAME_MAX + 1];
	/** Servers */
	struct in_addr servers[DNS_MAX_SERVERS];
	/** Number of servers */
	unsigned int num_servers;
	/** Search domains */
	char search[DNS_MAX_SEARCH][DNS_TEXT_NAME_MAX + 1];
	/** Number of search domains (0 for a qualified name) */
	unsigned int num_search;
	/** Candidate being tried: a search domain, or num_search for the
	 * name as given */
	unsigned int candidate;
	/** Server being asked */
	unsigned int server;
	/** Round through the servers */
	unsigned int round;
	/** Servers that failed outright in this round */
	unsigned int failures;
	/** Why the last server failed outright */
	int last_error;
	/** Queries started for CNAME targets */
	unsigned int cname_queries;
	/** Transaction ID of the query in flight */
	uint16_t id;
	/** Time the resolution started */
	uint64_t start_ms;
	/** The answer (DNS_COMPLETE) */
	struct resolv_result result;
	/** The outcome (DNS_COMPLETE) */
	int rc;
	/** The answer came from the cache */
	int from_cache;
	/** The request has ended */
	int finished;
};

/**
 * End a request
 *
 * @v dns		Request
 * @v result		Answer, or NULL
 * @v rc		Return status code
 */
static void dns_finish(struct dns_request *dns,
		       const struct resolv_result *result, int rc)
{
	if (dns->finished)
		return;
	dns->finished = 1;
	ref_get(&dns->refcnt);
	timer_stop(&dns->timer);
	xfer_close(&dns->socket, rc);
	if (rc == 0 && result && !dns->from_cache)
		dns_cache_add(dns->name, dns->type, result);
	resolv_done(&dns->resolv, result, rc);
	ref_put(&dns->refcnt);
}

/**
 * Send a query to the current server for the current name
 *
 * @v dns		Request
 */
static void dns_send(struct dns_request *dns)
{
	struct sockaddr_in server;
	struct io_buffer *iob;
	uint64_t elapsed = (clock_ms() - dns->start_ms);
	unsigned long timeout_ms;
	int len;
	int rc;

	timeout_ms = (DNS_TIMEOUT_MS << dns->round);
	if (elapsed >= DNS_TOTAL_TIMEOUT_MS) {
		dns_finish(dns, NULL, -ETIMEDOUT_DNS);
		return;
	}
	if (timeout_ms > (DNS_TOTAL_TIMEOUT_MS - elapsed))
		timeout_ms = (DNS_TOTAL_TIMEOUT_MS - elapsed);
	dns->action = DNS_NEXT_SERVER;
	timer_start(&dns->timer, timeout_ms);

	/* A new socket (and port) and ID for every query */
	xfer_close(&dns->socket, 0);
	memset(&server, 0, sizeof(server));
	server.sin_family = AF_INET;
	server.sin_port = htons(DNS_PORT);
	server.sin_addr = dns->servers[dns->server];
	if ((rc = xfer_open_socket(&dns->socket, SOCK_DGRAM,
				   (struct sockaddr *)&server, NULL)) != 0) {
		/* Unreachable: the timer moves on to the next server now */
		dns->failures++;
		dns->last_error = rc;
		timer_start(&dns->timer, 0);
		return;
	}
	dns->id = dns_make_id();
	iob = xfer_alloc_iob(&dns->socket, DNS_MAX_UDP_LEN);
	if (!iob)
		return;
	len = dns_query_build(iob->data, DNS_MAX_UDP_LEN, dns->id, dns->qname,
			      dns->type);
	if (len < 0) {
		/* A search domain made a bad name: try the next candidate
		 * (from the timer: nothing ends before resolv_start()
		 * returns) */
		iob_free(iob);
		dns->rc = len;
		dns->action = DNS_NEXT_CANDIDATE;
		timer_start(&dns->timer, 0);
		return;
	}
	iob_put(iob, len);
	xfer_deliver(&dns->socket, iob, NULL);
}

/**
 * Start asking for a name from the first server
 *
 * @v dns		Request
 * @v name		Name to ask for
 */
static void dns_query(struct dns_request *dns, const char *name)
{
	strlcpy(dns->qname, name, sizeof(dns->qname));
	dns->server = 0;
	dns->round = 0;
	dns->failures = 0;
	dns_send(dns);
}

/**
 * Start asking for the current candidate name
 *
 * @v dns		Request
 */
static void dns_query_candidate(struct dns_request *dns)
{
	char name[DNS_TEXT_NAME_MAX + 1];
	int len;

	if (dns->candidate < dns->num_search) {
		len = snprintf(name, sizeof(name), "%s.%s", dns->name,
			       dns->search[dns->candidate]);
		if (len >= (int)sizeof(name)) {
			/* Too long with this domain: try the next */
			dns->candidate++;
			dns_query_candidate(dns);
			return;
		}
	} else {
		strlcpy(name, dns->name, sizeof(name));
	}
	dns_query(dns, name);
}

/**
 * Move on to the next server (or the next round)
 *
 * @v dns		Request
 */
static void dns_next_server(struct dns_request *dns)
{
	if (++dns->server < dns->num_servers) {
		dns_send(dns);
		return;
	}
	dns->server = 0;
	if (dns->failures >= dns->num_servers) {
		/* Every server failed outright: more rounds will not help */
		dns_finish(dns, NULL, dns->last_error);
		return;
	}
	dns->failures = 0;
	if (++dns->round >= DNS_MAX_ROUNDS) {
		dns_finish(dns, NULL, -ETIMEDOUT_DNS);
		return;
	}
	dns_send(dns);
}

/**
 * The timer fired: do what is due
 *
 * @v timer		Timer
 */
static void dns_timer_expired(struct timer *timer)
{
	struct dns_request *dns =
		container_of(timer, struct dns_request, timer);

	ref_get(&dns->refcnt);
	switch (dns->action) {
	case DNS_NEXT_SERVER:
		dns_next_server(dns);
		break;
	case DNS_NEXT_CANDIDATE:
		if (++dns->candidate > dns->num_search) {
			dns_finish(dns, NULL, dns->rc);
			break;
		}
		dns_query_candidate(dns);
		break;
	case DNS_FOLLOW_CNAME:
		dns_query(dns, dns->result.name);
		break;
	case DNS_COMPLETE:
		dns_finish(dns, (dns->rc ? NULL : &dns->result), dns->rc);
		break;
	}
	ref_put(&dns->refcnt);
}

/**
 * Act on a response to our question
 *
 * Anything that moves to another query is left to the timer, so that
 * the socket delivering this response is not closed under it.
 *
 * @v dns		Request
 * @v answer		What the response says
 */
static void dns_answered(struct dns_request *dns,
			 const struct dns_answer *answer)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&dns->result.sa;

	if (answer->rcode == DNS_RCODE_NAME_ERROR) {
		dns->action = DNS_NEXT_CANDIDATE;
		dns->rc = -ENOENT_NAME;
		if (dns->cname_queries)
			dns->candidate = dns->num_search;
	} else if (answer->rcode != DNS_RCODE_OK) {
		dns->failures++;
		dns->last_error = ((answer->rcode == DNS_RCODE_REFUSED)
					   ? -ECONNREFUSED_DNS
					   : -EIO_SERVERS);
		dns->action = DNS_NEXT_SERVER;
	} else if ((answer->flags & DNS_ANSWER_ADDRESS) ||
		   (dns->type == DNS_TYPE_CNAME &&
		    (answer->flags & DNS_ANSWER_CNAME))) {
		memset(&dns->result, 0, sizeof(dns->result));
		if (answer->flags & DNS_ANSWER_ADDRESS) {
			sin->sin_family = AF_INET;
			sin->sin_addr = answer->address;
		}
		strlcpy(dns->result.name, answer->name,
			sizeof(dns->result.name));
		dns->result.ttl_s = answer->ttl_s;
		dns->result.alias = (dns->cname_queries ||
				     (answer->flags & DNS_ANSWER_CNAME));
		dns->rc = 0;
		dns->action = DNS_COMPLETE;
	} else if (answer->flags & DNS_ANSWER_TRUNCATED) {
		/* Nothing usable fitted: another server may do better */
		dns->failures++;
		dns->last_error = -EIO_SERVERS;
		dns->action = DNS_NEXT_SERVER;
	} else if (answer->flags & DNS_ANSWER_CNAME) {
		if (++dns->cname_queries > DNS_MAX_CNAME_QUERIES) {
			dns->rc = -ELOOP_CNAME;
			dns->action = DNS_COMPLETE;
		} else {
			strlcpy(dns->result.name, answer->name,
				sizeof(dns->result.name));
			dns->action = DNS_FOLLOW_CNAME;
		}
	} else {
		/* The name exists, without the record asked for */
		dns->action = DNS_NEXT_CANDIDATE;
		dns->rc = -ENOENT_NO_DATA;
		if (dns->cname_queries)
			dns->candidate = dns->num_search;
	}
	timer_start(&dns->timer, 0);
}

/**
 * Receive a datagram
 *
 * @v xfer		Socket endpoint
 * @v iob		Datagram (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		Return status code
 */
static int dns_socket_deliver(struct xfer *xfer, struct io_buffer *iob,
			      struct xfer_metadata *meta)
{
	struct dns_request *dns =
		container_of(xfer, struct dns_request, socket);
	const struct sockaddr_in *src = NULL;
	struct dns_answer answer;
	int rc;

	if (meta && meta->src && meta->src->sa_family == AF_INET)
		src = (const struct sockaddr_in *)meta->src;
	if (dns->finished || dns->action != DNS_NEXT_SERVER ||
	    (src && (src->sin_addr.s_addr != dns->servers[dns->server].s_addr ||
		     src->sin_port != htons(DNS_PORT)))) {
		dns_stats.rx_ignored++;
		goto done;
	}
	rc = dns_response_parse(iob->data, iob_len(iob), dns->id, dns->qname,
				dns->type, &answer);
	if (ERROR_IS(rc, ENOMSG)) {
		dns_stats.rx_ignored++;
		goto done;
	}
	if (rc != 0) {
		dns_stats.rx_malformed++;
		goto done;
	}
	dns_answered(dns, &answer);
done:
	iob_free(iob);
	return 0;
}

/**
 * The socket closed under us
 *
 * @v xfer		Socket endpoint
 * @v rc		Reason
 */
static void dns_socket_close(struct xfer *xfer, int rc)
{
	struct dns_request *dns =
		container_of(xfer, struct dns_request, socket);

	/* Closed with a reason (the server's host says nothing listens
	 * on the DNS port): that server failed, the next is asked now.
	 * Otherwise the timer moves on to the next server.
	 */
	if (rc == 0 || dns->finished || dns->action != DNS_NEXT_SERVER)
		return;
	dns->failures++;
	dns->last_error = rc;
	timer_start(&dns->timer, 0);
}

/** What the socket can do to a request */
static const struct xfer_operations dns_socket_operations = {
	.deliver = dns_socket_deliver,
	.close = dns_socket_close,
};

/**
 * The asker gave up
 *
 * @v resolv		Endpoint to the asker
 * @v result		Unused
 * @v rc		Reason
 */
static void dns_resolv_done(struct resolv_intf *resolv,
			    const struct resolv_result *result, int rc)
{
	struct dns_request *dns =
		container_of(resolv, struct dns_request, resolv);

	dns_finish(dns, NULL, rc);
}

/** What the asker can do to a request */
static const struct resolv_operations dns_resolv_operations = {
	.done = dns_resolv_done,
};

/**
 * Free a request
 *
 * @v refcnt		Reference counter
 */
static void dns_free(struct refcnt *refcnt)
{
	struct dns_request *dns =
		container_of(refcnt, struct dns_request, refcnt);

	timer_stop(&dns->timer);
	heap_free(dns);
}

/**
 * Read the servers from ${dns}
 *
 * @v dns		Request
 */
static void dns_read_servers(struct dns_request *dns)
{
	struct setting setting = dns_setting;
	uint8_t raw[DNS_MAX_SERVERS * sizeof(struct in_addr)];
	unsigned int i;
	int len;

	len = setting_fetch(NULL, &setting, NULL, raw, sizeof(raw));
	if (len <= 0)
		return;
	if (len > (int)sizeof(raw))
		len = sizeof(raw);
	for (i = 0; i < (len / sizeof(struct in_addr)); i++) {
		memcpy(&dns->servers[dns->num_servers], &raw[i * 4], 4);
		if (dns->servers[dns->num_servers].s_addr)
			dns->num_servers++;
	}
}

/**
 * Add a search domain, unless it is there already
 *
 * @v dns		Request
 * @v domain		Domain
 */
static void dns_add_search(struct dns_request *dns, const char *domain)
{
	unsigned int i;

	if (!domain[0] || dns->num_search >= DNS_MAX_SEARCH)
		return;
	for (i = 0; i < dns->num_search; i++) {
		if (strcasecmp(dns->search[i], domain) == 0)
			return;
	}
	strlcpy(dns->search[dns->num_search++], domain, sizeof(dns->search[0]));
}

/**
 * Read the search domains: ${domain}, then option 119
 *
 * @v dns		Request
 */
static void dns_read_search(struct dns_request *dns)
{
	struct setting setting = domain_setting;
	char(*list)[DNS_TEXT_NAME_MAX + 1];
	char domain[DNS_TEXT_NAME_MAX + 2];
	uint8_t *raw;
	unsigned int count;
	unsigned int i;
	int len;

	if (setting_fetch_string(NULL, &setting, domain, sizeof(domain)) > 0 &&
	    strlen(domain) <= DNS_TEXT_NAME_MAX)
		dns_add_search(dns, domain);

	memset(&setting, 0, sizeof(setting));
	setting.tag = DHCP_DOMAIN_SEARCH;
	setting.type = &setting_type_hex;
	len = setting_fetch_copy(NULL, &setting, (void **)&raw);
	if (len <= 0)
		return;
	list = heap_alloc(DNS_MAX_SEARCH * sizeof(list[0]));
	if (list) {
		count = dns_search_list_decode(raw, len, list, DNS_MAX_SEARCH);
		for (i = 0; i < count; i++)
			dns_add_search(dns, list[i]);
		heap_free(list);
	}
	heap_free(raw);
}

/**
 * Start resolving a name with DNS
 *
 * @v parent		Endpoint to plug the resolution into
 * @v name		Name
 * @v type		RESOLV_TYPE_A or RESOLV_TYPE_CNAME
 * @ret rc		Return status code
 */
static int dns_resolv(struct resolv_intf *parent, const char *name,
		      unsigned int type)
{
	struct dns_cache_entry *cached;
	struct dns_request *dns;
	uint8_t wire[DNS_WIRE_NAME_MAX];
	size_t len = strlen(name);
	int qualified;
	int rc;

	if (type != DNS_TYPE_A && type != DNS_TYPE_CNAME)
		return -ENOTSUP_TYPE;
	if ((rc = dns_name_encode(name, wire, sizeof(wire))) < 0)
		return rc;
	dns = heap_zalloc(sizeof(*dns));
	if (!dns)
		return -ENOMEM;
	ref_init(&dns->refcnt, dns_free);
	resolv_init(&dns->resolv, &dns_resolv_operations, &dns->refcnt);
	xfer_init(&dns->socket, &dns_socket_operations, &dns->refcnt);
	timer_init(&dns->timer, dns_timer_expired);
	dns->type = type;
	dns->start_ms = clock_ms();
	/* A trailing dot says the name is complete */
	qualified = (strchr(name, '.') != NULL);
	if (name[len - 1] == '.')
		len--;
	memcpy(dns->name, name, len);
	dns->name[len] = '\0';

	cached = dns_cache_find(dns->name, type);
	if (cached) {
		/* Answered from the cache, but never before we return */
		dns->result = cached->result;
		dns->result.ttl_s = ((cached->expires_ms - clock_ms()) / 1000);
		dns->from_cache = 1;
		dns->action = DNS_COMPLETE;
		timer_start(&dns->timer, 0);
		resolv_plug(&dns->resolv, parent);
		ref_put(&dns->refcnt);
		return 0;
	}
	dns_read_servers(dns);
	if (!dns->num_servers) {
		rc = -ENXIO_NO_SERVER;
		goto err;
	}
	if (!qualified)
		dns_read_search(dns);
	resolv_plug(&dns->resolv, parent);
	dns_query_candidate(dns);
	ref_put(&dns->refcnt);
	return 0;

err:
	ref_put(&dns->refcnt);
	return rc;
}

/** The DNS resolver */
struct resolver dns_resolver __resolver(02) = {
	.name = "DNS",
	.resolv = dns_resolv,
};
