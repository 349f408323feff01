/** @file
 *
 * libFuzzer target: the TLS code's own parsers
 *
 * The first byte of each input chooses what the rest is fed to:
 *
 *   0  a certificate (DER), searched for IPv4 and IPv6 addresses in its
 *      subjectAltName (net/tls_x509.c's DER reader)
 *   1  a host name, parsed as an IP address or recognised as a name
 *
 * Every input is copied to a buffer of exactly its size, so that the
 * sanitizers see any read past the end.  Nothing may crash, leak past
 * its bounds or hang.
 *
 *     make bin/host/tls-san-fuzz && bin/host/tls-san-fuzz -runs=100000
 */

#include <stddef.h>
#include <stdint.h>
#include "arch/host/host.h"
#include "core/shell.h"
#include "core/malloc.h"
#include "core/string.h"
#include "net/tls.h"

/** Longest input used */
#define TLS_SAN_FUZZ_MAX_LEN 8192

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * Set up Ferry once
 */
static void tls_san_fuzz_init(void)
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
 * Run one input
 *
 * @v data		Input
 * @v size		Length
 * @ret rc		0 (libFuzzer's convention)
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t address[16];
	size_t address_len;
	uint8_t *copy;
	size_t len;

	tls_san_fuzz_init();
	if (!size)
		return 0;
	len = (size - 1);
	if (len > TLS_SAN_FUZZ_MAX_LEN)
		len = TLS_SAN_FUZZ_MAX_LEN;
	copy = heap_alloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, (data + 1), len);
	if (data[0] & 1) {
		copy[len] = '\0';
		tls_parse_address((const char *)copy, address, &address_len);
	} else {
		tls_x509_match_address(copy, len, v4, sizeof(v4));
		tls_x509_match_address(copy, len, v6, sizeof(v6));
	}
	heap_free(copy);
	return 0;
}
