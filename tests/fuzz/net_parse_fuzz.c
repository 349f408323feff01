/** @file
 *
 * libFuzzer target: the DHCP and DNS parsers
 *
 * The first byte of each input chooses what the rest is fed to:
 *
 *   0  a DHCP packet: parsed, then every option, encapsulated option
 *      (in 43 and 175) and BOOTP field looked up
 *   1  a DNS response, taken as the answer to the question it carries
 *      (A and CNAME) and to "a.example.test", with the names at every
 *      offset decoded as well
 *   2  a domain search list (option 119)
 *
 * Every input is copied to a buffer of exactly its size, so that the
 * sanitizers see any read past the end.  Nothing may crash, leak past
 * its bounds or hang.
 *
 *     make bin/host/net-parse-fuzz && bin/host/net-parse-fuzz -runs=100000
 */

#include <stddef.h>
#include <stdint.h>
#include "arch/host/host.h"
#include "core/shell.h"
#include "core/malloc.h"
#include "core/string.h"
#include "net/dhcp_options.h"
#include "net/dns.h"

/** Longest input used */
#define NET_PARSE_FUZZ_MAX_LEN 4096

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * Set up Ferry once
 */
static void net_parse_fuzz_init(void)
{
	static int initialised;

	if (initialised)
		return;
	initialised = 1;
	host_memory_init();
	ferry_init();
	host_console.disabled = 1;
}

/**
 * Feed a DHCP packet to the parser and to the lookups
 *
 * @v data		Packet
 * @v len		Length
 */
static void net_parse_fuzz_dhcp(const uint8_t *data, size_t len)
{
	struct dhcp_packet packet;
	uint8_t buf[64];
	uint32_t tag;

	if (dhcp_packet_parse(&packet, data, len) != 0)
		return;
	for (tag = 1; tag < DHCP_END; tag++)
		dhcp_packet_fetch(&packet, tag, buf, sizeof(buf));
	for (tag = 1; tag < DHCP_END; tag++) {
		dhcp_packet_fetch(&packet, DHCP_ENCAP_TAG(DHCP_EB_ENCAP, tag),
				  buf, sizeof(buf));
		dhcp_packet_fetch(&packet,
				  DHCP_ENCAP_TAG(DHCP_VENDOR_ENCAP, tag), buf,
				  sizeof(buf));
	}
	dhcp_packet_fetch(&packet, DHCP_TAG_YIADDR, buf, sizeof(buf));
	dhcp_packet_fetch(&packet, DHCP_TAG_SIADDR, buf, sizeof(buf));
	dhcp_packet_fetch(&packet, DHCP_TAG_FILE, buf, sizeof(buf));
	dhcp_packet_fetch(&packet, DHCP_TAG_SNAME, buf, sizeof(buf));
	dhcp_packet_has_boot_file(&packet);
}

/**
 * Feed a DNS response to the parser, and its names to the decoder
 *
 * @v data		Message
 * @v len		Length
 */
static void net_parse_fuzz_dns(const uint8_t *data, size_t len)
{
	char qname[DNS_TEXT_NAME_MAX + 1];
	char name[DNS_TEXT_NAME_MAX + 1];
	struct dns_answer answer;
	uint16_t id = (len >= 2) ? ((data[0] << 8) | data[1]) : 0;
	size_t next;
	size_t offset;

	/* Ask the question the message carries, so that the answers are
	 * reached; and a fixed one */
	if (len > sizeof(struct dns_header) &&
	    dns_name_decode(data, len, sizeof(struct dns_header), qname,
			    sizeof(qname), &next) >= 0) {
		dns_response_parse(data, len, id, qname, DNS_TYPE_A, &answer);
		dns_response_parse(data, len, id, qname, DNS_TYPE_CNAME,
				   &answer);
	}
	dns_response_parse(data, len, id, "a.example.test", DNS_TYPE_A,
			   &answer);
	for (offset = 0; offset < len; offset++)
		dns_name_decode(data, len, offset, name, sizeof(name), &next);
}

/**
 * Run one input
 *
 * @v data		Input
 * @v size		Length
 * @ret zero		Always 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char(*names)[DNS_TEXT_NAME_MAX + 1];
	uint8_t *copy;
	size_t len;

	net_parse_fuzz_init();
	if (!size)
		return 0;
	len = (size - 1);
	if (len > NET_PARSE_FUZZ_MAX_LEN)
		len = NET_PARSE_FUZZ_MAX_LEN;
	copy = heap_alloc(len ? len : 1);
	if (!copy)
		return 0;
	memcpy(copy, (data + 1), len);
	switch (data[0] % 3) {
	case 0:
		net_parse_fuzz_dhcp(copy, len);
		break;
	case 1:
		net_parse_fuzz_dns(copy, len);
		break;
	default:
		names = heap_alloc(DNS_MAX_SEARCH * sizeof(names[0]));
		if (names) {
			dns_search_list_decode(copy, len, names,
					       DNS_MAX_SEARCH);
			heap_free(names);
		}
		break;
	}
	heap_free(copy);
	return 0;
}
