/** @file
 *
 * Unit tests: DNS names (encoding, decoding, compression loops), answers
 * (validation, truncation, CNAME chains) and the resolver (servers in
 * turn, search domains, CNAME queries, the cache) over a dummy device
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/net_dummy.h"
#include "net/arp.h"
#include "net/dhcp_options.h"
#include "net/dns.h"
#include "net/ethernet.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/resolv.h"
#include "net/udp.h"
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

/** A DNS message being built */
struct dns_test_msg {
	/** Data */
	uint8_t data[600];
	/** Length so far */
	size_t len;
};

/**
 * Append bytes
 *
 * @v msg		Message
 * @v bytes		Bytes
 * @v len		Number of bytes
 */
static void dns_test_bytes(struct dns_test_msg *msg, const void *bytes,
			   size_t len)
{
	if (msg->len + len > sizeof(msg->data))
		return;
	memcpy(&msg->data[msg->len], bytes, len);
	msg->len += len;
}

/**
 * Append a 16-bit value
 *
 * @v msg		Message
 * @v value		Value
 */
static void dns_test_u16(struct dns_test_msg *msg, unsigned int value)
{
	uint8_t bytes[2] = { (uint8_t)(value >> 8), (uint8_t)value };

	dns_test_bytes(msg, bytes, sizeof(bytes));
}

/**
 * Append a name, uncompressed
 *
 * @v msg		Message
 * @v name		Name
 */
static void dns_test_name(struct dns_test_msg *msg, const char *name)
{
	int len = dns_name_encode(name, &msg->data[msg->len],
				  (sizeof(msg->data) - msg->len));

	if (len > 0)
		msg->len += len;
}

/**
 * Append a compression pointer
 *
 * @v msg		Message
 * @v offset		Where it points
 */
static void dns_test_pointer(struct dns_test_msg *msg, unsigned int offset)
{
	dns_test_u16(msg, (0xc000 | offset));
}

/**
 * Start a response: header and question
 *
 * @v msg		Message
 * @v id		Transaction ID
 * @v rcode		Response code
 * @v ancount		Number of answers
 * @v qname		Question name
 * @v qtype		Question type
 */
static void dns_test_start(struct dns_test_msg *msg, unsigned int id,
			   unsigned int rcode, unsigned int ancount,
			   const char *qname, unsigned int qtype)
{
	msg->len = 0;
	dns_test_u16(msg, id);
	dns_test_u16(msg, (DNS_FLAG_RESPONSE | DNS_FLAG_RECURSION_DESIRED |
			   0x0080 | rcode));
	dns_test_u16(msg, 1);
	dns_test_u16(msg, ancount);
	dns_test_u16(msg, 0);
	dns_test_u16(msg, 0);
	dns_test_name(msg, qname);
	dns_test_u16(msg, qtype);
	dns_test_u16(msg, DNS_CLASS_IN);
}

/**
 * Append a record's fixed part (after its owner name) and data
 *
 * @v msg		Message
 * @v type		Type
 * @v ttl_s		TTL
 * @v rdata		Data, or NULL (the caller appends it)
 * @v rdlen		Length of data
 */
static void dns_test_rr(struct dns_test_msg *msg, unsigned int type,
			uint32_t ttl_s, const void *rdata, size_t rdlen)
{
	dns_test_u16(msg, type);
	dns_test_u16(msg, DNS_CLASS_IN);
	dns_test_u16(msg, (ttl_s >> 16));
	dns_test_u16(msg, ttl_s);
	dns_test_u16(msg, rdlen);
	if (rdata)
		dns_test_bytes(msg, rdata, rdlen);
}

/**
 * Append a CNAME record
 *
 * @v msg		Message
 * @v owner		Owner name
 * @v target		Target name
 * @v ttl_s		TTL
 */
static void dns_test_cname(struct dns_test_msg *msg, const char *owner,
			   const char *target, uint32_t ttl_s)
{
	uint8_t wire[DNS_WIRE_NAME_MAX];
	int len = dns_name_encode(target, wire, sizeof(wire));

	dns_test_name(msg, owner);
	dns_test_rr(msg, DNS_TYPE_CNAME, ttl_s, wire, len);
}

/**
 * Append an A record
 *
 * @v msg		Message
 * @v owner		Owner name
 * @v address		Address
 * @v ttl_s		TTL
 */
static void dns_test_a(struct dns_test_msg *msg, const char *owner,
		       const char *address, uint32_t ttl_s)
{
	struct in_addr addr = net_dummy_addr(address);

	dns_test_name(msg, owner);
	dns_test_rr(msg, DNS_TYPE_A, ttl_s, &addr, sizeof(addr));
}

/**
 * Parse a message from a heap copy of exactly its size
 *
 * @v msg		Message
 * @v len		Length to parse
 * @v id		Expected ID
 * @v qname		Question
 * @v qtype		Question type
 * @v answer		Answer
 * @ret rc		Return status code
 */
static int dns_test_parse(const struct dns_test_msg *msg, size_t len,
			  unsigned int id, const char *qname,
			  unsigned int qtype, struct dns_answer *answer)
{
	uint8_t *copy = heap_alloc(len ? len : 1);
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, msg->data, len);
	rc = dns_response_parse(copy, len, id, qname, qtype, answer);
	heap_free(copy);
	return rc;
}

/** Names are encoded with their bounds checked */
UNIT_TEST(dns_name_encoding)
{
	char long_label[70];
	char long_name[300];
	uint8_t buf[300];
	unsigned int i;

	ok(dns_name_encode("boot.example.test", buf, sizeof(buf)) == 19);
	ok(memcmp(buf,
		  "\x04"
		  "boot"
		  "\x07"
		  "example"
		  "\x04"
		  "test",
		  19) == 0);
	ok(dns_name_encode("boot.example.test.", buf, sizeof(buf)) == 19);
	ok(dns_name_encode("a", buf, sizeof(buf)) == 3);
	ok(dns_name_encode("", buf, sizeof(buf)) < 0);
	ok(dns_name_encode(".", buf, sizeof(buf)) < 0);
	ok(dns_name_encode("a..b", buf, sizeof(buf)) < 0);
	ok(dns_name_encode(".a", buf, sizeof(buf)) < 0);
	ok(dns_name_encode("a b", buf, sizeof(buf)) < 0);
	ok(dns_name_encode("boot.example.test", buf, 18) < 0);
	memset(long_label, 'x', sizeof(long_label));
	long_label[63] = '\0';
	ok(dns_name_encode(long_label, buf, sizeof(buf)) == 65);
	long_label[63] = 'x';
	long_label[64] = '\0';
	ok(dns_name_encode(long_label, buf, sizeof(buf)) < 0);
	for (i = 0; i < sizeof(long_name) - 1; i++)
		long_name[i] = ((i % 2) ? '.' : 'a');
	long_name[253] = '\0';
	ok(dns_name_encode(long_name, buf, sizeof(buf)) == 255);
	long_name[253] = '.';
	long_name[255] = '\0';
	ok(dns_name_encode(long_name, buf, sizeof(buf)) < 0);
}

/** Compression pointers are followed only backwards, a bounded number
 * of times, and never outside the message */
UNIT_TEST(dns_name_decoding)
{
	struct dns_test_msg msg;
	char text[DNS_TEXT_NAME_MAX + 1];
	size_t next = 0;
	unsigned int i;

	msg.len = 0;
	dns_test_name(&msg, "example.test");
	dns_test_bytes(&msg,
		       "\x04"
		       "boot",
		       5);
	dns_test_pointer(&msg, 0);
	ok(dns_name_decode(msg.data, msg.len, 0, text, sizeof(text), &next) ==
	   12);
	ok(strcmp(text, "example.test") == 0 && next == 14);
	ok(dns_name_decode(msg.data, msg.len, 14, text, sizeof(text), &next) ==
	   17);
	ok(strcmp(text, "boot.example.test") == 0 && next == 21);
	/* The root name */
	ok(dns_name_decode((const uint8_t *)"", 1, 0, text, sizeof(text),
			   &next) == 0);
	ok(text[0] == '\0' && next == 1);
	/* A buffer too small */
	ok(dns_name_decode(msg.data, msg.len, 14, text, 17, NULL) < 0);
	ok(dns_name_decode(msg.data, msg.len, 14, text, 18, NULL) == 17);
	/* Truncated: a label, a pointer, a name without its end */
	ok(dns_name_decode(msg.data, 10, 0, text, sizeof(text), NULL) < 0);
	ok(dns_name_decode(msg.data, 20, 14, text, sizeof(text), NULL) < 0);
	ok(dns_name_decode(msg.data, 13, 0, text, sizeof(text), NULL) < 0);

	/* A pointer to itself, and one forwards */
	msg.len = 0;
	dns_test_pointer(&msg, 0);
	ok(dns_name_decode(msg.data, msg.len, 0, text, sizeof(text), NULL) < 0);
	msg.len = 0;
	dns_test_pointer(&msg, 2);
	dns_test_bytes(&msg,
		       "\x01"
		       "a"
		       "\x00",
		       3);
	ok(dns_name_decode(msg.data, msg.len, 0, text, sizeof(text), NULL) < 0);
	/* A loop through a label: "a" then back to it, forever */
	msg.len = 0;
	dns_test_bytes(&msg,
		       "\x01"
		       "a",
		       2);
	dns_test_pointer(&msg, 0);
	ok(ERROR_IS(
		dns_name_decode(msg.data, msg.len, 0, text, sizeof(text), NULL),
		ELOOP));
	/* A chain of pointers longer than allowed */
	msg.len = 0;
	dns_test_bytes(&msg, "\x00", 1);
	for (i = 0; i < 20; i++)
		dns_test_pointer(&msg, (i ? (1 + 2 * (i - 1)) : 0));
	ok(dns_name_decode(msg.data, msg.len, 1 + 2 * 15, text, sizeof(text),
			   NULL) == 0);
	ok(ERROR_IS(dns_name_decode(msg.data, msg.len, 1 + 2 * 19, text,
				    sizeof(text), NULL),
		    ELOOP));
	/* Labels with a dot or a NUL, and the reserved label types */
	ok(dns_name_decode((const uint8_t *)"\x03"
					    "a.b"
					    "\x00",
			   5, 0, text, sizeof(text), NULL) < 0);
	ok(dns_name_decode((const uint8_t *)"\x03"
					    "a\0b"
					    "\x00",
			   5, 0, text, sizeof(text), NULL) < 0);
	ok(dns_name_decode((const uint8_t *)"\x41"
					    "a\x00",
			   3, 0, text, sizeof(text), NULL) < 0);
	ok(dns_name_decode((const uint8_t *)"\x81"
					    "a\x00",
			   3, 0, text, sizeof(text), NULL) < 0);
	/* Longer than 255 bytes on the wire, through pointers */
	msg.len = 0;
	for (i = 0; i < 5; i++) {
		dns_test_bytes(&msg, "\x3f", 1);
		memset(&msg.data[msg.len], 'x', 63);
		msg.len += 63;
	}
	dns_test_bytes(&msg, "\x00", 1);
	ok(dns_name_decode(msg.data, msg.len, 0, text, sizeof(text), NULL) < 0);
	ok(dns_name_decode(msg.data, msg.len, 64, text, sizeof(text), NULL) <
	   0);
	ok(dns_name_decode(msg.data, msg.len, 128, text, sizeof(text), NULL) ==
	   (3 * 63 + 2));
}

/** An answer must answer our question; records are bounds-checked */
UNIT_TEST(dns_response_checks)
{
	struct dns_test_msg msg;
	struct dns_answer answer;
	size_t len;

	dns_test_start(&msg, 0x1234, DNS_RCODE_OK, 1, "boot.example.test",
		       DNS_TYPE_A);
	dns_test_pointer(&msg, 12);
	dns_test_rr(&msg, DNS_TYPE_A, 300, "\xc0\x00\x02\x01", 4);
	len = msg.len;
	ok(dns_test_parse(&msg, len, 0x1234, "boot.example.test", DNS_TYPE_A,
			  &answer) == 0);
	ok(answer.rcode == DNS_RCODE_OK);
	ok(answer.flags == DNS_ANSWER_ADDRESS);
	ok(answer.address.s_addr == net_dummy_addr("192.0.2.1").s_addr);
	ok(answer.ttl_s == 300);
	ok(strcmp(answer.name, "boot.example.test") == 0);
	/* Names compare without case */
	ok(dns_test_parse(&msg, len, 0x1234, "BOOT.Example.test", DNS_TYPE_A,
			  &answer) == 0);
	ok(answer.flags == DNS_ANSWER_ADDRESS);

	/* Another ID, another name, another type: not ours */
	ok(ERROR_IS(dns_test_parse(&msg, len, 0x1235, "boot.example.test",
				   DNS_TYPE_A, &answer),
		    ENOMSG));
	ok(ERROR_IS(dns_test_parse(&msg, len, 0x1234, "boot.example.tes",
				   DNS_TYPE_A, &answer),
		    ENOMSG));
	ok(ERROR_IS(dns_test_parse(&msg, len, 0x1234, "boot.example.test",
				   DNS_TYPE_CNAME, &answer),
		    ENOMSG));
	/* A query, not a response */
	msg.data[2] &= ~0x80;
	ok(ERROR_IS(dns_test_parse(&msg, len, 0x1234, "boot.example.test",
				   DNS_TYPE_A, &answer),
		    ENOMSG));
	msg.data[2] |= 0x80;
	/* No question */
	msg.data[5] = 0;
	ok(ERROR_IS(dns_test_parse(&msg, len, 0x1234, "boot.example.test",
				   DNS_TYPE_A, &answer),
		    ENOMSG));
	msg.data[5] = 1;
	/* Every truncation is malformed, never read beyond */
	for (len = 0; len < msg.len; len++) {
		ok(dns_test_parse(&msg, len, 0x1234, "boot.example.test",
				  DNS_TYPE_A, &answer) < 0);
	}
	/* An address of the wrong length */
	msg.data[msg.len - 5] = 5;
	dns_test_bytes(&msg, "\x00", 1);
	ok(dns_test_parse(&msg, msg.len, 0x1234, "boot.example.test",
			  DNS_TYPE_A, &answer) < 0);
	/* More answers claimed than present */
	msg.data[msg.len - 6] = 4;
	msg.len--;
	msg.data[7] = 2;
	ok(dns_test_parse(&msg, msg.len, 0x1234, "boot.example.test",
			  DNS_TYPE_A, &answer) < 0);

	/* No such name */
	dns_test_start(&msg, 7, DNS_RCODE_NAME_ERROR, 0, "nope.example.test",
		       DNS_TYPE_A);
	ok(dns_test_parse(&msg, msg.len, 7, "nope.example.test", DNS_TYPE_A,
			  &answer) == 0);
	ok(answer.rcode == DNS_RCODE_NAME_ERROR && !answer.flags);
}

/** CNAME chains are followed in any order, and bounded */
UNIT_TEST(dns_response_cname)
{
	struct dns_test_msg msg;
	struct dns_answer answer;
	char name[16];
	char target[16];
	unsigned int i;

	/* www -> web -> boot, records backwards, an unrelated one first */
	dns_test_start(&msg, 1, DNS_RCODE_OK, 4, "www.example.test",
		       DNS_TYPE_A);
	dns_test_a(&msg, "other.example.test", "192.0.2.99", 10);
	dns_test_a(&msg, "boot.example.test", "192.0.2.1", 600);
	dns_test_cname(&msg, "web.example.test", "boot.example.test", 60);
	dns_test_cname(&msg, "www.example.test", "web.example.test", 120);
	ok(dns_test_parse(&msg, msg.len, 1, "www.example.test", DNS_TYPE_A,
			  &answer) == 0);
	ok(answer.flags == (DNS_ANSWER_ADDRESS | DNS_ANSWER_CNAME));
	ok(answer.address.s_addr == net_dummy_addr("192.0.2.1").s_addr);
	ok(strcmp(answer.name, "boot.example.test") == 0);
	ok(answer.ttl_s == 60);
	/* The CNAME question gets the first link */
	dns_test_start(&msg, 2, DNS_RCODE_OK, 1, "www.example.test",
		       DNS_TYPE_CNAME);
	dns_test_cname(&msg, "www.example.test", "web.example.test", 120);
	ok(dns_test_parse(&msg, msg.len, 2, "www.example.test", DNS_TYPE_CNAME,
			  &answer) == 0);
	ok(answer.flags == DNS_ANSWER_CNAME);
	ok(strcmp(answer.name, "web.example.test") == 0);
	/* A chain that ends without an address */
	dns_test_start(&msg, 3, DNS_RCODE_OK, 1, "www.example.test",
		       DNS_TYPE_A);
	dns_test_cname(&msg, "www.example.test", "far.example.org", 120);
	ok(dns_test_parse(&msg, msg.len, 3, "www.example.test", DNS_TYPE_A,
			  &answer) == 0);
	ok(answer.flags == DNS_ANSWER_CNAME);
	ok(strcmp(answer.name, "far.example.org") == 0);
	/* A loop */
	dns_test_start(&msg, 4, DNS_RCODE_OK, 2, "a.test", DNS_TYPE_A);
	dns_test_cname(&msg, "a.test", "b.test", 1);
	dns_test_cname(&msg, "b.test", "a.test", 1);
	ok(ERROR_IS(
		dns_test_parse(&msg, msg.len, 4, "a.test", DNS_TYPE_A, &answer),
		ELOOP));
	/* A chain longer than allowed */
	dns_test_start(&msg, 5, DNS_RCODE_OK, 12, "n0.test", DNS_TYPE_A);
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "n%u.test", i);
		snprintf(target, sizeof(target), "n%u.test", i + 1);
		dns_test_cname(&msg, name, target, 1);
	}
	ok(ERROR_IS(dns_test_parse(&msg, msg.len, 5, "n0.test", DNS_TYPE_A,
				   &answer),
		    ELOOP));
	/* A CNAME whose target runs past its record */
	dns_test_start(&msg, 6, DNS_RCODE_OK, 1, "x.test", DNS_TYPE_A);
	dns_test_name(&msg, "x.test");
	dns_test_rr(&msg, DNS_TYPE_CNAME, 1,
		    "\x01"
		    "y"
		    "\x04"
		    "test",
		    7);
	dns_test_bytes(&msg, "\x00", 1);
	ok(dns_test_parse(&msg, msg.len, 6, "x.test", DNS_TYPE_A, &answer) < 0);
}

/** Random answers never crash the parser */
UNIT_TEST(dns_response_random)
{
	struct dns_test_msg msg;
	struct dns_answer answer;
	uint32_t seed = 99;
	size_t start;
	size_t len;
	unsigned int i;
	unsigned int j;

	dns_test_start(&msg, 9, DNS_RCODE_OK, 3, "r.test", DNS_TYPE_A);
	start = msg.len;
	for (i = 0; i < 3000; i++) {
		len = (start + (i % 200));
		for (j = start; j < len; j++) {
			seed = (seed * 1103515245 + 12345);
			msg.data[j] = (seed >> 16);
			/* Plenty of pointers, labels and small lengths */
			if ((seed & 0x70000) == 0)
				msg.data[j] = (0xc0 | ((seed >> 8) & 1));
			else if ((seed & 0x70000) == 0x10000)
				msg.data[j] = 12;
			else if ((seed & 0x70000) == 0x20000)
				msg.data[j] = 0;
		}
		msg.data[7] = (i % 40);
		dns_test_parse(&msg, len, 9, "r.test", DNS_TYPE_A, &answer);
	}
	ok(1);
}

/** Option 119: names with pointers into the option */
UNIT_TEST(dns_search_list)
{
	static const uint8_t list[] = { 7,    'e', 'x',  'a', 'm', 'p',
					'l',  'e', 4,    't', 'e', 's',
					't',  0,   3,    'l', 'a', 'b',
					0xc0, 0,   0xc0, 0x14 };
	char names[4][DNS_TEXT_NAME_MAX + 1];

	ok(dns_search_list_decode(list, sizeof(list), names, 4) == 2);
	ok(strcmp(names[0], "example.test") == 0);
	ok(strcmp(names[1], "lab.example.test") == 0);
	ok(dns_search_list_decode(list, 14, names, 1) == 1);
	ok(dns_search_list_decode(list, 5, names, 4) == 0);
}

/** Our address and the two servers' in the resolver tests */
#define DNS_TEST_OURS    "192.0.2.10"
#define DNS_TEST_SERVER1 "192.0.2.1"
#define DNS_TEST_SERVER2 "192.0.2.2"

/** The asker in the resolver tests */
struct dns_test_client {
	/** Endpoint */
	struct resolv_intf resolv;
	/** The resolution ended */
	int done;
	/** Its outcome */
	int rc;
	/** Its answer */
	struct resolv_result result;
};

/**
 * Note the end of a resolution
 *
 * @v resolv		Endpoint
 * @v result		Answer, or NULL
 * @v rc		Outcome
 */
static void dns_test_client_done(struct resolv_intf *resolv,
				 const struct resolv_result *result, int rc)
{
	struct dns_test_client *client =
		container_of(resolv, struct dns_test_client, resolv);

	client->done = 1;
	client->rc = rc;
	if (result)
		client->result = *result;
}

/** What a resolver can do to the test's asker */
static const struct resolv_operations dns_test_client_operations = {
	.done = dns_test_client_done,
};

/**
 * Start resolving a name
 *
 * @v client		Asker
 * @v name		Name
 * @v type		Type
 * @ret rc		Return status code
 */
static int dns_test_resolve(struct dns_test_client *client, const char *name,
			    unsigned int type)
{
	memset(client, 0, sizeof(*client));
	resolv_init(&client->resolv, &dns_test_client_operations, NULL);
	return resolv_start(&client->resolv, name, type);
}

/** A query the resolver sent */
struct dns_test_query {
	/** Server it went to */
	struct in_addr server;
	/** Source port */
	uint16_t port;
	/** Transaction ID */
	uint16_t id;
	/** Name asked for */
	char name[DNS_TEXT_NAME_MAX + 1];
	/** Type asked for */
	unsigned int type;
};

/**
 * Run the main loop until the resolver sends a query
 *
 * @v netdev		Dummy device
 * @v query		Query to fill in
 * @ret rc		Return status code
 */
static int dns_test_next_query(struct net_device *netdev,
			       struct dns_test_query *query)
{
	uint64_t start = clock_ms();
	struct io_buffer *iob;
	const uint8_t *frame;
	size_t len;
	size_t pos;
	int rc = -ENOENT;

	while (!net_dummy_tx_count(netdev) && (clock_ms() - start) < 3000)
		step();
	while ((iob = net_dummy_tx_pop(netdev)) != NULL) {
		frame = iob->data;
		len = iob_len(iob);
		/* Ethernet, IPv4 (no options), UDP to port 53 */
		if (len < (14 + 20 + 8 + 12) || frame[12] != 0x08 ||
		    frame[13] != 0x00 || frame[23] != IP_UDP ||
		    frame[36] != 0 || frame[37] != DNS_PORT) {
			iob_free(iob);
			continue;
		}
		memcpy(&query->server, &frame[30], 4);
		query->port = ((frame[34] << 8) | frame[35]);
		query->id = ((frame[42] << 8) | frame[43]);
		pos = (42 + 12);
		rc = dns_name_decode(&frame[42], (len - 42), 12, query->name,
				     sizeof(query->name), &pos);
		query->type = ((frame[42 + pos] << 8) | frame[43 + pos]);
		iob_free(iob);
		return ((rc < 0) ? rc : 0);
	}
	return rc;
}

/**
 * Send a response to a query from a server
 *
 * @v netdev		Dummy device
 * @v query		Query answered
 * @v from		Server address sending the response
 * @v msg		Response
 */
static void dns_test_respond(struct net_device *netdev,
			     const struct dns_test_query *query,
			     const char *from, const struct dns_test_msg *msg)
{
	uint8_t packet[20 + 8 + sizeof(msg->data)];
	struct udp_header udp;

	net_dummy_ip_header(packet, (8 + msg->len), IP_UDP, from, DNS_TEST_OURS,
			    1, 0);
	udp.src = htons(DNS_PORT);
	udp.dest = htons(query->port);
	udp.len = htons(8 + msg->len);
	udp.chksum = 0;
	memcpy(&packet[20], &udp, sizeof(udp));
	memcpy(&packet[28], msg->data, msg->len);
	net_dummy_rx_eth(netdev, ETH_P_IP, packet, (28 + msg->len));
}

/**
 * Answer a query with ICMP "port unreachable" from its server's host
 *
 * @v netdev		Dummy device
 * @v query		Query that could not be delivered
 * @v from		Server address
 */
static void dns_test_port_unreachable(struct net_device *netdev,
				      const struct dns_test_query *query,
				      const char *from)
{
	uint8_t quote[20 + 8];
	struct udp_header udp;

	net_dummy_ip_header(quote, (8 + 20), IP_UDP, DNS_TEST_OURS, from, 2,
			    0);
	udp.src = htons(query->port);
	udp.dest = htons(DNS_PORT);
	udp.len = htons(8 + 20);
	udp.chksum = 0;
	memcpy(&quote[20], &udp, sizeof(udp));
	net_dummy_rx_unreachable(netdev, ICMP_PORT_UNREACHABLE, from,
				 DNS_TEST_OURS, quote, sizeof(quote));
}

/**
 * Let the stack learn a peer's hardware address
 *
 * @v netdev		Dummy device
 * @v peer		Peer's address
 */
static void dns_test_learn(struct net_device *netdev, const char *peer)
{
	struct arp_ether_ipv4 arp;

	memset(&arp, 0, sizeof(arp));
	arp.hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp.hdr.ar_pro = htons(ETH_P_IP);
	arp.hdr.ar_hln = ETH_ALEN;
	arp.hdr.ar_pln = 4;
	arp.hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(arp.sha, net_dummy_peer_mac, ETH_ALEN);
	arp.spa = net_dummy_addr(peer);
	arp.tpa = net_dummy_addr(DNS_TEST_OURS);
	net_dummy_rx_eth(netdev, ETH_P_ARP, &arp, sizeof(arp));
	net_dummy_tx_flush(netdev);
}

/**
 * Run the main loop until a resolution ends
 *
 * @v client		Asker
 */
static void dns_test_wait(struct dns_test_client *client)
{
	uint64_t start = clock_ms();

	while (!client->done && (clock_ms() - start) < 3000)
		step();
}

/** The resolver moves past failing servers and missing names, follows
 * a CNAME with a new query, and answers again from its cache */
UNIT_TEST(dns_resolver)
{
	struct net_device *netdev = net_dummy_create();
	struct dns_test_client client;
	struct dns_test_query query;
	struct dns_test_msg msg;
	struct in_addr servers[2];
	struct setting dns = { .name = "dns",
			       .type = &setting_type_ipv4,
			       .tag = DHCP_DNS_SERVERS };
	struct setting domain = { .name = "domain",
				  .type = &setting_type_string,
				  .tag = DHCP_DOMAIN_NAME };
	struct sockaddr_in *sin = (struct sockaddr_in *)&client.result.sa;
	struct settings *block;
	struct in_addr ours;
	unsigned long ignored;
	uint64_t start;

	dns_cache_flush();
	/* The address comes from settings, as the routes are rebuilt from
	 * them whenever a setting changes */
	ours = net_dummy_addr(DNS_TEST_OURS);
	block = settings_find(netdev->name);
	ok(block != NULL);
	ok(setting_store(block, &ip_setting, &ours, sizeof(ours)) == 0);
	ok(ipv4_has_address(netdev));
	dns_test_learn(netdev, DNS_TEST_SERVER1);
	dns_test_learn(netdev, DNS_TEST_SERVER2);

	/* No servers: an immediate failure */
	ok(ERROR_IS(dns_test_resolve(&client, "boot", RESOLV_TYPE_A), ENXIO));
	/* A dotted quad needs no server, but still answers later */
	ok(dns_test_resolve(&client, "192.0.2.33", RESOLV_TYPE_A) == 0);
	ok(!client.done);
	dns_test_wait(&client);
	ok(client.done && client.rc == 0);
	ok(sin->sin_addr.s_addr == net_dummy_addr("192.0.2.33").s_addr);

	servers[0] = net_dummy_addr(DNS_TEST_SERVER1);
	servers[1] = net_dummy_addr(DNS_TEST_SERVER2);
	ok(setting_store(NULL, &dns, servers, sizeof(servers)) == 0);
	ok(setting_store(NULL, &domain, "example.test", 12) == 0);

	ok(dns_test_resolve(&client, "boot", RESOLV_TYPE_A) == 0);
	/* The first server fails: the second is asked at once */
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(query.server.s_addr == servers[0].s_addr);
	ok(strcmp(query.name, "boot.example.test") == 0);
	ok(query.type == DNS_TYPE_A);
	dns_test_start(&msg, query.id, DNS_RCODE_SERVER_FAILURE, 0, query.name,
		       query.type);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(query.server.s_addr == servers[1].s_addr);
	ok(strcmp(query.name, "boot.example.test") == 0);
	/* Answers with another ID, or from elsewhere, are ignored */
	ignored = dns_stats.rx_ignored;
	dns_test_start(&msg, (query.id ^ 1), DNS_RCODE_NAME_ERROR, 0,
		       query.name, query.type);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER2, &msg);
	dns_test_start(&msg, query.id, DNS_RCODE_NAME_ERROR, 0, query.name,
		       query.type);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	ok(dns_stats.rx_ignored == ignored + 2);
	ok(!client.done);
	/* No such name with the search domain: the name as given next */
	dns_test_respond(netdev, &query, DNS_TEST_SERVER2, &msg);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(query.server.s_addr == servers[0].s_addr);
	ok(strcmp(query.name, "boot") == 0);
	/* A CNAME without an address: its target is asked for */
	dns_test_start(&msg, query.id, DNS_RCODE_OK, 1, query.name, query.type);
	dns_test_cname(&msg, "boot", "host.example.test", 100);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(strcmp(query.name, "host.example.test") == 0);
	dns_test_start(&msg, query.id, DNS_RCODE_OK, 1, query.name, query.type);
	dns_test_a(&msg, "host.example.test", "192.0.2.77", 60);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	dns_test_wait(&client);
	ok(client.done && client.rc == 0);
	ok(sin->sin_family == AF_INET);
	ok(sin->sin_addr.s_addr == net_dummy_addr("192.0.2.77").s_addr);
	ok(strcmp(client.result.name, "host.example.test") == 0);
	ok(client.result.alias);

	/* Again: from the cache, without a query */
	ok(dns_test_resolve(&client, "boot", RESOLV_TYPE_A) == 0);
	dns_test_wait(&client);
	ok(client.done && client.rc == 0);
	ok(sin->sin_addr.s_addr == net_dummy_addr("192.0.2.77").s_addr);
	ok(net_dummy_tx_count(netdev) == 0);

	/* A name nobody knows fails with "not found" */
	ok(dns_test_resolve(&client, "nope.example.test", RESOLV_TYPE_A) == 0);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(strcmp(query.name, "nope.example.test") == 0);
	dns_test_start(&msg, query.id, DNS_RCODE_NAME_ERROR, 0, query.name,
		       query.type);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	dns_test_wait(&client);
	ok(client.done && ERROR_IS(client.rc, ENOENT));

	/* A server whose host has nothing on port 53 (ICMP "port
	 * unreachable"): the next server is asked at once, well before
	 * the first round's timeout
	 */
	ok(dns_test_resolve(&client, "far.example.test", RESOLV_TYPE_A) == 0);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(query.server.s_addr == servers[0].s_addr);
	start = clock_ms();
	dns_test_port_unreachable(netdev, &query, DNS_TEST_SERVER1);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(query.server.s_addr == servers[1].s_addr);
	ok((clock_ms() - start) < (DNS_TIMEOUT_MS / 2));
	/* Both: the resolution fails with that reason, not a timeout */
	start = clock_ms();
	dns_test_port_unreachable(netdev, &query, DNS_TEST_SERVER2);
	dns_test_wait(&client);
	ok(client.done && ERROR_IS(client.rc, ECONNREFUSED));
	ok((clock_ms() - start) < (DNS_TIMEOUT_MS / 2));

	/* Giving up stops the resolution */
	ok(dns_test_resolve(&client, "late.example.test", RESOLV_TYPE_A) == 0);
	ok(dns_test_next_query(netdev, &query) == 0);
	resolv_close(&client.resolv, -ECANCELED);
	dns_test_start(&msg, query.id, DNS_RCODE_OK, 1, query.name, query.type);
	dns_test_a(&msg, "late.example.test", "192.0.2.78", 60);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	ok(!client.done);

	ok(setting_clear(NULL, &dns) == 0);
	ok(setting_clear(NULL, &domain) == 0);
	dns_cache_flush();
	net_dummy_destroy(netdev);
}

/** The opener of a named socket in the tests */
struct dns_test_opener {
	/** Endpoint */
	struct xfer xfer;
	/** The socket closed */
	int closed;
	/** Why */
	int rc;
	/** Window changes seen */
	unsigned int window_changes;
};

/**
 * Note a close
 *
 * @v xfer		Endpoint
 * @v rc		Reason
 */
static void dns_test_opener_close(struct xfer *xfer, int rc)
{
	struct dns_test_opener *opener =
		container_of(xfer, struct dns_test_opener, xfer);

	opener->closed = 1;
	opener->rc = rc;
}

/**
 * Note a window change
 *
 * @v xfer		Endpoint
 */
static void dns_test_opener_window_changed(struct xfer *xfer)
{
	struct dns_test_opener *opener =
		container_of(xfer, struct dns_test_opener, xfer);

	opener->window_changes++;
}

/** What a socket can do to the test's opener */
static const struct xfer_operations dns_test_opener_operations = {
	.close = dns_test_opener_close,
	.window_changed = dns_test_opener_window_changed,
};

/**
 * Pop the next frame sent and check it is a UDP datagram to a port
 *
 * @v netdev		Dummy device
 * @v dest		Destination address expected
 * @v port		Destination port expected
 * @v data		Payload expected
 * @ret ok		Frame matches
 */
static int dns_test_sent_udp(struct net_device *netdev, const char *dest,
			     unsigned int port, const char *data)
{
	struct in_addr addr = net_dummy_addr(dest);
	struct io_buffer *iob = net_dummy_tx_pop(netdev);
	const uint8_t *frame;
	size_t len = strlen(data);
	int matches;

	if (!iob)
		return 0;
	frame = iob->data;
	matches = (iob_len(iob) >= (42 + len) && frame[23] == IP_UDP &&
		   memcmp(&frame[30], &addr, 4) == 0 &&
		   (unsigned int)((frame[36] << 8) | frame[37]) == port &&
		   memcmp(&frame[42], data, len) == 0);
	iob_free(iob);
	return matches;
}

/** A socket opened by name: data sent before the name is resolved
 * follows once the socket opens; a name that does not resolve closes
 * the opener with the reason */
UNIT_TEST(dns_named_socket)
{
	struct net_device *netdev = net_dummy_create();
	struct dns_test_opener opener;
	struct dns_test_query query;
	struct dns_test_msg msg;
	struct in_addr ours = net_dummy_addr(DNS_TEST_OURS);
	struct in_addr server = net_dummy_addr(DNS_TEST_SERVER1);
	struct setting dns = { .name = "dns",
			       .type = &setting_type_ipv4,
			       .tag = DHCP_DNS_SERVERS };
	struct settings *block = settings_find(netdev->name);
	uint64_t start;

	dns_cache_flush();
	ok(block != NULL);
	ok(setting_store(block, &ip_setting, &ours, sizeof(ours)) == 0);
	ok(setting_store(NULL, &dns, &server, sizeof(server)) == 0);
	dns_test_learn(netdev, DNS_TEST_SERVER1);
	dns_test_learn(netdev, "192.0.2.77");

	/* A dotted quad opens at once */
	memset(&opener, 0, sizeof(opener));
	xfer_init(&opener.xfer, &dns_test_opener_operations, NULL);
	ok(xfer_open_named_socket(&opener.xfer, SOCK_DGRAM, "192.0.2.77", 69,
				  NULL) == 0);
	ok(xfer_deliver_raw(&opener.xfer, "now", 3) == 0);
	ok(dns_test_sent_udp(netdev, "192.0.2.77", 69, "now"));
	xfer_close(&opener.xfer, 0);

	/* A name: the window stays shut and datagrams wait */
	memset(&opener, 0, sizeof(opener));
	xfer_init(&opener.xfer, &dns_test_opener_operations, NULL);
	ok(xfer_open_named_socket(&opener.xfer, SOCK_DGRAM, "tftp.example.test",
				  69, NULL) == 0);
	ok(xfer_window(&opener.xfer) == 0);
	ok(xfer_deliver_raw(&opener.xfer, "early", 5) == 0);
	ok(dns_test_next_query(netdev, &query) == 0);
	ok(strcmp(query.name, "tftp.example.test") == 0);
	dns_test_start(&msg, query.id, DNS_RCODE_OK, 1, query.name, query.type);
	dns_test_a(&msg, "tftp.example.test", "192.0.2.77", 60);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	start = clock_ms();
	while (!net_dummy_tx_count(netdev) && (clock_ms() - start) < 1000)
		step();
	ok(dns_test_sent_udp(netdev, "192.0.2.77", 69, "early"));
	ok(opener.window_changes == 1);
	ok(xfer_window(&opener.xfer) > 0);
	ok(xfer_deliver_raw(&opener.xfer, "later", 5) == 0);
	ok(dns_test_sent_udp(netdev, "192.0.2.77", 69, "later"));
	ok(!opener.closed);
	xfer_close(&opener.xfer, 0);

	/* A name that does not exist */
	memset(&opener, 0, sizeof(opener));
	xfer_init(&opener.xfer, &dns_test_opener_operations, NULL);
	ok(xfer_open_named_socket(&opener.xfer, SOCK_STREAM, "no.example.test",
				  80, NULL) == 0);
	ok(dns_test_next_query(netdev, &query) == 0);
	dns_test_start(&msg, query.id, DNS_RCODE_NAME_ERROR, 0, query.name,
		       query.type);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	start = clock_ms();
	while (!opener.closed && (clock_ms() - start) < 1000)
		step();
	ok(opener.closed && ERROR_IS(opener.rc, ENOENT));

	/* Closing before the answer stops the resolution */
	memset(&opener, 0, sizeof(opener));
	xfer_init(&opener.xfer, &dns_test_opener_operations, NULL);
	ok(xfer_open_named_socket(&opener.xfer, SOCK_DGRAM, "gone.example.test",
				  69, NULL) == 0);
	ok(xfer_deliver_raw(&opener.xfer, "lost", 4) == 0);
	ok(dns_test_next_query(netdev, &query) == 0);
	xfer_close(&opener.xfer, -ECANCELED);
	dns_test_start(&msg, query.id, DNS_RCODE_OK, 1, query.name, query.type);
	dns_test_a(&msg, "gone.example.test", "192.0.2.77", 60);
	dns_test_respond(netdev, &query, DNS_TEST_SERVER1, &msg);
	for (start = clock_ms(); (clock_ms() - start) < 50;)
		step();
	ok(net_dummy_tx_count(netdev) == 0);

	ok(setting_clear(NULL, &dns) == 0);
	dns_cache_flush();
	net_dummy_destroy(netdev);
}
