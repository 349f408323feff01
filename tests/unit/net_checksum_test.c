/** @file
 *
 * Unit tests: the Internet checksum against known vectors and a plain
 * byte-by-byte reference, at every alignment and odd lengths
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "net/tcpip.h"
#include "core/endian.h"
#include "core/string.h"

/**
 * The checksum as RFC 1071 describes it: big-endian 16-bit words, the
 * odd byte padded with zero, end-around carry, complement
 *
 * @v data		Data
 * @v len		Length
 * @ret csum		Checksum (host byte order)
 */
static uint16_t checksum_reference(const uint8_t *data, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; (i + 1) < len; i += 2)
		sum += ((data[i] << 8) | data[i + 1]);
	if (len & 1)
		sum += (data[len - 1] << 8);
	while (sum >> 16)
		sum = ((sum & 0xffff) + (sum >> 16));
	return (uint16_t)~sum;
}

/** RFC 1071's worked example and an IPv4 header with a known checksum */
UNIT_TEST(checksum_vectors)
{
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03,
					   0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t header[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
			     0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
			     0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t csum;

	/* The sum is 0xddf2, so the checksum is 0x220d */
	csum = tcpip_chksum(rfc1071, sizeof(rfc1071));
	ok(ntohs(csum) == 0x220d);
	csum = tcpip_chksum(header, sizeof(header));
	ok(ntohs(csum) == 0xb861);
	/* Stored as it is, it makes the header sum to zero */
	memcpy(&header[10], &csum, sizeof(csum));
	ok(header[10] == 0xb8 && header[11] == 0x61);
	ok(tcpip_chksum(header, sizeof(header)) == 0);
	/* Nothing, and zeros */
	ok(tcpip_chksum(header, 0) == TCPIP_EMPTY_CSUM);
	memset(header, 0, sizeof(header));
	ok(tcpip_chksum(header, sizeof(header)) == 0xffff);
	/* All ones sum to "negative zero": checksum 0 */
	memset(header, 0xff, sizeof(header));
	ok(tcpip_chksum(header, sizeof(header)) == 0);
}

/** Every length up to 300 at every alignment matches the reference */
UNIT_TEST(checksum_alignment)
{
	static uint8_t buf[320];
	uint32_t seed = 12345;
	unsigned int failures = 0;
	size_t offset;
	size_t len;
	size_t i;

	for (i = 0; i < sizeof(buf); i++) {
		seed = (seed * 1103515245 + 12345);
		buf[i] = (seed >> 16);
	}
	for (offset = 0; offset < 8; offset++) {
		for (len = 0; len <= 300; len++) {
			if (ntohs(tcpip_chksum(buf + offset, len)) !=
			    checksum_reference(buf + offset, len))
				failures++;
		}
	}
	ok(failures == 0);
	/* Large all-ones data: many carries */
	memset(buf, 0xff, sizeof(buf));
	ok(tcpip_chksum(buf + 1, 299) ==
	   htons(checksum_reference(buf + 1, 299)));
}

/** Continuing over pieces (even lengths but the last) gives the same */
UNIT_TEST(checksum_continue)
{
	static uint8_t buf[257];
	unsigned int failures = 0;
	uint16_t whole;
	uint16_t csum;
	size_t split;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (i * 7 + 3);
	whole = tcpip_chksum(buf, sizeof(buf));
	ok(ntohs(whole) == checksum_reference(buf, sizeof(buf)));
	for (split = 0; split <= sizeof(buf); split += 2) {
		csum = tcpip_chksum(buf, split);
		csum = tcpip_continue_chksum(csum, buf + split,
					     sizeof(buf) - split);
		if (csum != whole)
			failures++;
	}
	ok(failures == 0);
	/* Summing data with its own checksum appended gives zero */
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 100; i++)
		buf[i] = (i ^ 0x5a);
	csum = tcpip_chksum(buf, 100);
	memcpy(&buf[100], &csum, sizeof(csum));
	ok(tcpip_chksum(buf, 102) == 0);
}
