/** @file
 *
 * Unit tests: HTTP (header parsing, chunked bodies, Content-Range,
 * Digest and Basic answers, and whole requests against a scripted fake
 * transport: keep-alive, redirects, authentication, resume, timeouts)
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "net/http.h"
#include "net/uri.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/errors.h"
#include "core/process.h"
#include "core/printf.h"
#include "core/platform.h"
#include "crypto/digest.h"
#include "script/params.h"

/* ---- Parsers ------------------------------------------------------------ */

/**
 * Parse a header block given as a string
 *
 * @v text		Header block
 * @v response		Response
 * @v copy		Buffer the block is copied to (the response points
 *			into it)
 * @v size		Size of the buffer
 * @ret rc		Return status code
 */
static int http_test_parse(const char *text, struct http_response *response,
			   char *copy, size_t size)
{
	size_t len = strlen(text);

	if (len >= size)
		return -ENOSPC;
	memcpy(copy, text, len + 1);
	return http_parse_response(copy, len, response);
}

/** A typical response header, folded lines and bare LFs included */
UNIT_TEST(http_parse_fields)
{
	struct http_response response;
	char block[1024];

	ok(http_test_parse("HTTP/1.1 200 OK\r\n"
			   "Server: test\r\n"
			   "content-length: 1234\r\n"
			   "Accept-Ranges: none, bytes\r\n"
			   "ETag: \"abc\"\r\n"
			   "Last-Modified: Tue, 01 Jan 2030\r\n"
			   "X-Folded: one\r\n"
			   "  two\r\n"
			   "Location:   /next  \n"
			   "WWW-Authenticate: Basic realm=\"a\"\r\n"
			   "WWW-Authenticate: Digest nonce=\"n\"\r\n"
			   "no colon here\r\n"
			   "\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(response.status == 200 && response.version_minor == 1);
	ok(response.flags & HTTP_RESPONSE_LENGTH);
	ok(response.content_length == 1234);
	ok(response.flags & HTTP_RESPONSE_RANGES);
	ok(!(response.flags & HTTP_RESPONSE_CLOSE));
	ok(response.etag && strcmp(response.etag, "\"abc\"") == 0);
	ok(response.last_modified &&
	   strcmp(response.last_modified, "Tue, 01 Jan 2030") == 0);
	ok(response.location && strcmp(response.location, "/next") == 0);
	ok(response.num_challenges == 2);

	/* HTTP/1.0 closes unless it says keep-alive */
	ok(http_test_parse("HTTP/1.0 404 Not Found\r\n\r\n", &response, block,
			   sizeof(block)) == 0);
	ok(response.status == 404 && (response.flags & HTTP_RESPONSE_CLOSE));
	ok(http_test_parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(!(response.flags & HTTP_RESPONSE_CLOSE));
	ok(http_test_parse("HTTP/1.1 200 OK\r\nConnection: foo, close\r\n\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(response.flags & HTTP_RESPONSE_CLOSE);
	/* No reason phrase */
	ok(http_test_parse("HTTP/1.1 204\r\n\r\n", &response, block,
			   sizeof(block)) == 0);
	ok(response.status == 204);
}

/** Content-Length and Transfer-Encoding, good and bad */
UNIT_TEST(http_parse_framing)
{
	struct http_response response;
	char block[512];

	ok(http_test_parse("HTTP/1.1 200 OK\r\nContent-Length: 42, 42\r\n\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(response.content_length == 42);
	ok(http_test_parse("HTTP/1.1 200 OK\r\nContent-Length: 42, 43\r\n\r\n",
			   &response, block, sizeof(block)) < 0);
	ok(http_test_parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
			   "Content-Length: 2\r\n\r\n",
			   &response, block, sizeof(block)) < 0);
	ok(http_test_parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
			   &response, block, sizeof(block)) < 0);
	ok(http_test_parse("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
			   &response, block, sizeof(block)) < 0);
	ok(http_test_parse("HTTP/1.1 200 OK\r\n"
			   "Content-Length: 99999999999999999999999\r\n\r\n",
			   &response, block, sizeof(block)) < 0);
	ok(http_test_parse("HTTP/1.1 200 OK\r\n"
			   "Content-Length: 18446744073709551615\r\n\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(response.content_length == UINT64_MAX);

	/* Chunked wins over Content-Length, and the connection closes */
	ok(http_test_parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
			   "Transfer-Encoding: Chunked\r\n\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(response.flags & HTTP_RESPONSE_CHUNKED);
	ok(!(response.flags & HTTP_RESPONSE_LENGTH));
	ok(response.flags & HTTP_RESPONSE_CLOSE);
	ok(http_test_parse("HTTP/1.1 200 OK\r\n"
			   "Transfer-Encoding: identity, chunked\r\n\r\n",
			   &response, block, sizeof(block)) == 0);
	ok(response.flags & HTTP_RESPONSE_CHUNKED);
	ok(ERROR_IS(http_test_parse("HTTP/1.1 200 OK\r\n"
				    "Transfer-Encoding: gzip, chunked\r\n\r\n",
				    &response, block, sizeof(block)),
		    ENOTSUP));
}

/** Status lines that are not HTTP/1.x, and bytes that are not text */
UNIT_TEST(http_parse_bad_status)
{
	static const char *const bad[] = {
		"HTTP/2 200 OK\r\n\r\n",    "HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 999 X\r\n\r\n",
		"HTTP/1.1 099 X\r\n\r\n",   "ICY 200 OK\r\n\r\n",
		"HTTP/1.1  200 OK\r\n\r\n", "\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",  "HTTP/1.",
	};
	struct http_response response;
	char block[128];
	unsigned int i;

	for (i = 0; i < (sizeof(bad) / sizeof(bad[0])); i++) {
		ok(ERROR_IS(http_test_parse(bad[i], &response, block,
					    sizeof(block)),
			    EPROTO));
	}
	/* An embedded NUL would cut a value short: refused */
	memcpy(block, "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n", 27);
	ok(http_parse_response(block, 26, &response) < 0);
}

/** Content-Range */
UNIT_TEST(http_content_range)
{
	struct http_content_range range;

	ok(http_parse_content_range("bytes 100-199/1000", &range) == 0);
	ok(range.first == 100 && range.last == 199 && range.total == 1000 &&
	   range.total_known);
	ok(http_parse_content_range("  BYTES  0-0/1 ", &range) == 0);
	ok(range.first == 0 && range.last == 0 && range.total == 1);
	ok(http_parse_content_range("bytes 5-9/*", &range) == 0);
	ok(range.first == 5 && range.last == 9 && !range.total_known);
	ok(http_parse_content_range("bytes 9-5/100", &range) < 0);
	ok(http_parse_content_range("bytes 0-100/100", &range) < 0);
	ok(http_parse_content_range("bytes */100", &range) < 0);
	ok(http_parse_content_range("bytes 0-1", &range) < 0);
	ok(http_parse_content_range("bits 0-1/2", &range) < 0);
	ok(http_parse_content_range("bytes0-1/2", &range) < 0);
	ok(http_parse_content_range("bytes 0-1/2x", &range) < 0);
	ok(http_parse_content_range("bytes -1-1/2", &range) < 0);
	ok(http_parse_content_range("bytes 0-1/99999999999999999999999",
				    &range) < 0);
	ok(http_parse_content_range("bytes 1-18446744073709551614/"
				    "18446744073709551615",
				    &range) == 0);
}

/** A chunked body with extensions, a quoted extension, and trailers */
static const char http_test_chunked[] =
	"4;name=value\r\nWiki\r\n"
	"5\r\npedia\r\n"
	"E ; ext=\"quoted;x\"\r\n in\r\n\r\nchunks.\r\n"
	"000a\r\n0123456789\r\n"
	"1A\nabcdefghijklmnopqrstuvwxyz\n"
	"0\r\n"
	"Trailer-Field: x\r\n"
	"Another: y\r\n"
	"\r\n";
/** Its data */
static const char http_test_unchunked[] =
	"Wikipedia in\r\n\r\nchunks.0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * Decode the test body in pieces
 *
 * @v cuts		Offsets to split the input at (ascending)
 * @v num_cuts		Number of offsets
 * @ret ok		Decoded correctly, to the end and no further
 */
static int http_test_chunked_pieces(const size_t *cuts, unsigned int num_cuts)
{
	struct http_chunked chunked;
	size_t total = (sizeof(http_test_chunked) - 1);
	char in[sizeof(http_test_chunked)];
	char out[sizeof(http_test_unchunked)];
	size_t out_len = 0;
	size_t start = 0;
	size_t end;
	size_t data_len;
	size_t used;
	unsigned int i;

	http_chunked_init(&chunked);
	for (i = 0; i <= num_cuts; i++) {
		end = ((i < num_cuts) ? cuts[i] : total);
		memcpy(in, http_test_chunked + start, (end - start));
		if (http_chunked_decode(&chunked, in, (end - start), &data_len,
					&used) != 0)
			return 0;
		if (used != (end - start) ||
		    (out_len + data_len) > (sizeof(out) - 1))
			return 0;
		memcpy(out + out_len, in, data_len);
		out_len += data_len;
		if (http_chunked_done(&chunked) != (end == total))
			return 0;
		start = end;
	}
	return (out_len == (sizeof(http_test_unchunked) - 1) &&
		memcmp(out, http_test_unchunked, out_len) == 0);
}

/** Chunked decoding gives the same data however the input is split */
UNIT_TEST(http_chunked_splits)
{
	size_t total = (sizeof(http_test_chunked) - 1);
	size_t cuts[2];
	unsigned int bad = 0;
	size_t i;
	size_t j;

	ok(http_test_chunked_pieces(NULL, 0));
	for (i = 0; i <= total; i++) {
		cuts[0] = i;
		if (!http_test_chunked_pieces(cuts, 1))
			bad++;
		for (j = i; j <= total; j++) {
			cuts[1] = j;
			if (!http_test_chunked_pieces(cuts, 2))
				bad++;
		}
	}
	ok(bad == 0);
}

/**
 * Decode a whole chunked body in one go
 *
 * @v text		Body
 * @v used		Bytes that belonged to the body
 * @ret rc		Return status code
 */
static int http_test_chunked_decode(const char *text, size_t *used)
{
	struct http_chunked chunked;
	char buf[256];
	size_t len = strlen(text);
	size_t data_len;

	memcpy(buf, text, len);
	http_chunked_init(&chunked);
	return http_chunked_decode(&chunked, buf, len, &data_len, used);
}

/** Malformed chunked bodies, and what follows a complete one */
UNIT_TEST(http_chunked_errors)
{
	size_t used;

	/* 17 hex digits overflow 64 bits; 16 do not */
	ok(http_test_chunked_decode("10000000000000000\r\n", &used) < 0);
	ok(http_test_chunked_decode("ffffffffffffffff\r\nab", &used) == 0);
	ok(http_test_chunked_decode("\r\n", &used) < 0);
	ok(http_test_chunked_decode("x\r\n", &used) < 0);
	ok(http_test_chunked_decode("-1\r\n", &used) < 0);
	ok(http_test_chunked_decode("3\r\nabcX\r\n", &used) < 0);
	ok(http_test_chunked_decode("3\r\nabc\rX", &used) < 0);
	ok(http_test_chunked_decode("0\r\n\rX", &used) < 0);
	/* The body ends at the empty line; the rest is not read */
	ok(http_test_chunked_decode("1\r\na\r\n0\r\n\r\nHTTP/1.1", &used) == 0);
	ok(used == 11);
}

/** Overlong chunk-size lines and trailers are refused */
UNIT_TEST(http_chunked_bounds)
{
	struct http_chunked chunked;
	char *buf = heap_alloc(HTTP_MAX_TRAILER_LEN + 64);
	size_t data_len;
	size_t used;

	ok(buf != NULL);
	if (!buf)
		return;
	memset(buf, ' ', HTTP_MAX_TRAILER_LEN + 64);
	buf[0] = '1';
	buf[1] = ';';
	http_chunked_init(&chunked);
	ok(http_chunked_decode(&chunked, buf, (HTTP_MAX_CHUNK_LINE_LEN + 8),
			       &data_len, &used) < 0);
	memcpy(buf, "0\r\nX", 4);
	http_chunked_init(&chunked);
	ok(http_chunked_decode(&chunked, buf, (HTTP_MAX_TRAILER_LEN + 64),
			       &data_len, &used) < 0);
	heap_free(buf);
}

/* ---- Authentication ----------------------------------------------------- */

/** The challenges of the RFC 7616 section 3.9.1 example */
#define HTTP_TEST_RFC7616_SHA256                                           \
	"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", " \
	"algorithm=SHA-256, "                                              \
	"nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "         \
	"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
#define HTTP_TEST_RFC7616_MD5                                              \
	"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", " \
	"algorithm=MD5, "                                                  \
	"nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "         \
	"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
/** Its client nonce */
#define HTTP_TEST_RFC7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

/** RFC 7616 section 3.9.1: the responses for SHA-256 and MD5, and the
 * stronger challenge chosen when both are offered */
UNIT_TEST(http_auth_rfc7616)
{
	struct http_auth auth;
	char response[2 * DIGEST_MAX_LEN + 1];
	char header[1024];

	http_auth_init(&auth);
	ok(http_auth_challenge(&auth, HTTP_TEST_RFC7616_MD5) == 0);
	ok(http_auth_challenge(&auth, HTTP_TEST_RFC7616_SHA256) == 0);
	ok(http_auth_challenge(&auth, HTTP_TEST_RFC7616_MD5) == 0);
	ok(auth.scheme == HTTP_AUTH_DIGEST);
	ok(auth.digest == &sha256_algorithm);
	ok(auth.qop_auth && !auth.session);
	auth.nonce_count = 1;
	strlcpy(auth.cnonce, HTTP_TEST_RFC7616_CNONCE, sizeof(auth.cnonce));
	ok(http_auth_digest_response(&auth, "GET", "/dir/index.html", "Mufasa",
				     "Circle of Life", response) == 0);
	ok(strcmp(response, "753927fa0e85d155564e2e272a28d180"
			    "2ca10daf4496794697cf8db5856cb6c1") == 0);
	http_auth_clear(&auth);

	http_auth_init(&auth);
	ok(http_auth_challenge(&auth, HTTP_TEST_RFC7616_MD5) == 0);
	ok(auth.scheme == HTTP_AUTH_DIGEST && auth.digest == &md5_algorithm);
	ok(auth.realm && strcmp(auth.realm, "http-auth@example.org") == 0);
	auth.nonce_count = 1;
	strlcpy(auth.cnonce, HTTP_TEST_RFC7616_CNONCE, sizeof(auth.cnonce));
	ok(http_auth_digest_response(&auth, "GET", "/dir/index.html", "Mufasa",
				     "Circle of Life", response) == 0);
	ok(strcmp(response, "8ca523f5e9506fed4657c9700eebdbec") == 0);
	ok(http_auth_format(&auth, "GET", "/dir/index.html", "Mufasa",
			    "Circle of Life", header,
			    sizeof(header)) < sizeof(header));
	ok(strcmp(header,
		  "Authorization: Digest username=\"Mufasa\", "
		  "realm=\"http-auth@example.org\", "
		  "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
		  "uri=\"/dir/index.html\", algorithm=MD5, "
		  "response=\"8ca523f5e9506fed4657c9700eebdbec\", "
		  "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", "
		  "qop=auth, nc=00000001, "
		  "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/"
		  "H5QzzpXusqGemxURZJ\"\r\n") == 0);
	http_auth_clear(&auth);
}

/** RFC 2617 section 3.5 (qop=auth) and the same without qop (RFC 2069
 * style, which RFC 2617 still allows) */
UNIT_TEST(http_auth_rfc2617)
{
	struct http_auth auth;
	char response[2 * DIGEST_MAX_LEN + 1];

	http_auth_init(&auth);
	ok(http_auth_challenge(
		   &auth, "Digest\trealm=\"testrealm@host.com\","
			  "qop=\"auth,auth-int\","
			  "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
			  "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"") == 0);
	ok(auth.scheme == HTTP_AUTH_DIGEST && auth.qop_auth);
	auth.nonce_count = 1;
	strlcpy(auth.cnonce, "0a4f113b", sizeof(auth.cnonce));
	ok(http_auth_digest_response(&auth, "GET", "/dir/index.html", "Mufasa",
				     "Circle Of Life", response) == 0);
	ok(strcmp(response, "6629fae49393a05397450978507c4ef1") == 0);
	http_auth_clear(&auth);

	http_auth_init(&auth);
	ok(http_auth_challenge(
		   &auth, "Digest realm=\"testrealm@host.com\", "
			  "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"") == 0);
	ok(auth.scheme == HTTP_AUTH_DIGEST && !auth.qop_auth);
	ok(http_auth_digest_response(&auth, "GET", "/dir/index.html", "Mufasa",
				     "Circle Of Life", response) == 0);
	ok(strcmp(response, "670fd8c2df070c60b045671b8b24ff02") == 0);
	http_auth_clear(&auth);
}

/** Basic (the RFC 7617 example), and choosing among challenges */
UNIT_TEST(http_auth_challenges)
{
	struct http_auth auth;
	char header[256];
	size_t len;

	http_auth_init(&auth);
	ok(http_auth_challenge(&auth, "Basic realm=\"WallyWorld\"") == 0);
	ok(auth.scheme == HTTP_AUTH_BASIC);
	http_auth_prepare(&auth);
	len = http_auth_format(&auth, "GET", "/", "Aladdin", "open sesame",
			       header, sizeof(header));
	ok(len == strlen(header));
	ok(strcmp(header, "Authorization: Basic "
			  "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n") == 0);
	/* Lengths 0, 1 and 2 modulo 3 pad differently */
	http_auth_format(&auth, "GET", "/", "a", "", header, sizeof(header));
	ok(strcmp(header, "Authorization: Basic YTo=\r\n") == 0);
	http_auth_format(&auth, "GET", "/", "ab", "", header, sizeof(header));
	ok(strcmp(header, "Authorization: Basic YWI6\r\n") == 0);
	http_auth_format(&auth, "GET", "/", "ab", "c", header, sizeof(header));
	ok(strcmp(header, "Authorization: Basic YWI6Yw==\r\n") == 0);
	/* A small buffer is cut but the length is still right */
	ok(http_auth_format(&auth, "GET", "/", "Aladdin", "open sesame", header,
			    10) == len);
	ok(strlen(header) == 9);

	/* Several challenges in one value; Digest beats Basic */
	ok(http_auth_challenge(&auth, "Negotiate abc+/=, NTLM, "
				      "Basic realm=\"x\", Digest "
				      "realm=\"a\\\"b\", nonce=xyz, "
				      "algorithm=MD5-sess, qop=auth") == 0);
	ok(auth.scheme == HTTP_AUTH_DIGEST && auth.session);
	ok(auth.realm && strcmp(auth.realm, "a\"b") == 0);
	ok(auth.nonce && strcmp(auth.nonce, "xyz") == 0);
	http_auth_prepare(&auth);
	ok(auth.nonce_count == 1 &&
	   strlen(auth.cnonce) == HTTP_AUTH_CNONCE_LEN);
	http_auth_format(&auth, "GET", "/x", "u\"ser", "p", header,
			 sizeof(header));
	ok(strstr(header, "username=\"u\\\"ser\", realm=\"a\\\"b\"") != NULL);
	ok(strstr(header, "algorithm=MD5-sess") != NULL);
	http_auth_clear(&auth);

	/* Challenges Ferry cannot answer are not chosen */
	ok(http_auth_challenge(&auth, "Digest nonce=\"n\", qop=\"auth-int\"") ==
	   0);
	ok(http_auth_challenge(&auth,
			       "Digest nonce=\"n\", algorithm=SHA-512") == 0);
	ok(http_auth_challenge(&auth, "Digest realm=\"no nonce\"") == 0);
	ok(http_auth_challenge(&auth, "Bearer realm=\"x\", Digest nonce=\"n") ==
	   0);
	ok(http_auth_challenge(&auth, "Digest nonce=\"n\\\"") == 0);
	ok(http_auth_challenge(&auth, "") == 0);
	ok(http_auth_challenge(&auth, ",,, ,") == 0);
	ok(auth.scheme == HTTP_AUTH_NONE);
	http_auth_clear(&auth);
}

/** A nonce longer than Ferry keeps makes the challenge unusable */
UNIT_TEST(http_auth_long_values)
{
	struct http_auth auth;
	char *value = heap_alloc(HTTP_AUTH_MAX_VALUE_LEN + 64);
	size_t len;

	ok(value != NULL);
	if (!value)
		return;
	len = strlcpy(value, "Digest nonce=\"", (HTTP_AUTH_MAX_VALUE_LEN + 64));
	memset(value + len, 'n', (HTTP_AUTH_MAX_VALUE_LEN + 1));
	strlcpy(value + len + HTTP_AUTH_MAX_VALUE_LEN + 1, "\"", 2);
	http_auth_init(&auth);
	ok(http_auth_challenge(&auth, value) == 0);
	ok(auth.scheme == HTTP_AUTH_NONE);
	/* One character less is fine */
	strlcpy(value + len + HTTP_AUTH_MAX_VALUE_LEN, "\"", 2);
	ok(http_auth_challenge(&auth, value) == 0);
	ok(auth.scheme == HTTP_AUTH_DIGEST && auth.nonce &&
	   strlen(auth.nonce) == HTTP_AUTH_MAX_VALUE_LEN);
	http_auth_clear(&auth);
	heap_free(value);
}

/** Request targets: escapes kept, unsafe characters encoded */
UNIT_TEST(http_target)
{
	struct uri *uri;
	char buf[128];

	uri = uri_parse("http://h/a%20b/c d\"e?q=1 2&r=/?x#frag");
	ok(uri != NULL);
	if (!uri)
		return;
	ok(http_format_target(uri, buf, sizeof(buf)) == strlen(buf));
	ok(strcmp(buf, "/a%20b/c%20d%22e?q=1%202&r=/?x") == 0);
	ok(http_format_target(uri, buf, 4) > 4);
	ok(strcmp(buf, "/a%") == 0);
	uri_put(uri);
	uri = uri_parse("http://h");
	ok(uri && http_format_target(uri, buf, sizeof(buf)) == 1);
	ok(strcmp(buf, "/") == 0);
	uri_put(uri);
}

/* ---- Whole requests, against a fake transport ----------------------------- */

/** Connections the fake transport can have made in one test */
#define HTTP_TEST_MAX_CONNS 16

/** A fake connection: records what the client sends */
struct http_test_conn {
	/** Reference counter */
	struct refcnt refcnt;
	/** Endpoint plugged into the client */
	struct xfer xfer;
	/** What the client sent (NUL-terminated) */
	char sent[4096];
	/** Its length */
	size_t sent_len;
	/** The client closed the connection */
	int closed;
	/** Port connected to */
	unsigned int port;
};

/** Connections made */
static struct http_test_conn *http_test_conns[HTTP_TEST_MAX_CONNS];
/** Number of connections made */
static unsigned int http_test_num_conns;
/** Error the next connection attempts fail with (0: they work) */
static int http_test_connect_rc;
/** The fake connections take no data (a connection not yet up) */
static int http_test_window_shut;

/**
 * Record what the client sends
 *
 * @v xfer		Fake connection's endpoint
 * @v iob		Data (freed)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int http_test_conn_deliver(struct xfer *xfer, struct io_buffer *iob,
				  struct xfer_metadata *meta)
{
	struct http_test_conn *conn =
		container_of(xfer, struct http_test_conn, xfer);
	size_t len = iob_len(iob);

	if (len > (sizeof(conn->sent) - 1 - conn->sent_len))
		len = (sizeof(conn->sent) - 1 - conn->sent_len);
	memcpy(conn->sent + conn->sent_len, iob->data, len);
	conn->sent_len += len;
	conn->sent[conn->sent_len] = '\0';
	iob_free(iob);
	return 0;
}

/**
 * The client closed a fake connection
 *
 * @v xfer		Fake connection's endpoint
 * @v rc		Reason
 */
static void http_test_conn_close(struct xfer *xfer, int rc)
{
	struct http_test_conn *conn =
		container_of(xfer, struct http_test_conn, xfer);

	conn->closed = 1;
}

/**
 * How much a fake connection can take
 *
 * @v xfer		Fake connection's endpoint
 * @ret len		Bytes
 */
static size_t http_test_conn_window(struct xfer *xfer)
{
	return (http_test_window_shut ? 0 : 65536);
}

/** Fake connection operations */
static const struct xfer_operations http_test_conn_operations = {
	.deliver = http_test_conn_deliver,
	.window = http_test_conn_window,
	.close = http_test_conn_close,
};

/**
 * Open a fake connection
 *
 * @v socket		Endpoint to plug it into
 * @v uri		URI
 * @v port		Port
 * @ret rc		Return status code
 */
static int http_test_connect(struct xfer *socket, struct uri *uri,
			     unsigned int port)
{
	struct http_test_conn *conn;

	if (http_test_connect_rc)
		return http_test_connect_rc;
	if (http_test_num_conns >= HTTP_TEST_MAX_CONNS)
		return -ENFILE;
	conn = heap_zalloc(sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	/* The reference from ref_init() is the test's */
	ref_init(&conn->refcnt, NULL);
	xfer_init(&conn->xfer, &http_test_conn_operations, &conn->refcnt);
	conn->port = port;
	xfer_plug(&conn->xfer, socket);
	http_test_conns[http_test_num_conns++] = conn;
	return 0;
}

/** The fake scheme: httptest://host/path, served by the test */
struct http_scheme http_test_scheme __http_scheme = {
	.name = "httptest",
	.port = 80,
	.connect = http_test_connect,
};

/** The test's reader: the file, as the downloader would see it */
struct http_test_reader {
	/** Endpoint plugged into the request */
	struct xfer xfer;
	/** Data, placed at the offsets given */
	uint8_t data[8192];
	/** End of the furthest data */
	size_t len;
	/** Size announced, if any */
	uint64_t size;
	/** A size was announced */
	int size_seen;
	/** A delivery lacked an offset, or overflowed the buffer */
	int bad_delivery;
	/** The request closed */
	int closed;
	/** With this status */
	int rc;
};

/** The reader */
static struct http_test_reader http_test_reader;

/**
 * Take data from the request
 *
 * @v xfer		Reader's endpoint
 * @v iob		Data (freed)
 * @v meta		Metadata
 * @ret rc		Return status code
 */
static int http_test_reader_deliver(struct xfer *xfer, struct io_buffer *iob,
				    struct xfer_metadata *meta)
{
	struct http_test_reader *reader =
		container_of(xfer, struct http_test_reader, xfer);
	size_t len = iob_len(iob);

	if (!meta || !(meta->flags & XFER_META_OFFSET) ||
	    meta->offset > sizeof(reader->data) ||
	    len > (sizeof(reader->data) - meta->offset)) {
		reader->bad_delivery = 1;
	} else {
		memcpy(reader->data + meta->offset, iob->data, len);
		if ((meta->offset + len) > reader->len)
			reader->len = (meta->offset + len);
	}
	if (meta && (meta->flags & XFER_META_SIZE)) {
		reader->size = meta->size;
		reader->size_seen = 1;
	}
	iob_free(iob);
	return 0;
}

/**
 * The request closed
 *
 * @v xfer		Reader's endpoint
 * @v rc		Status
 */
static void http_test_reader_close(struct xfer *xfer, int rc)
{
	struct http_test_reader *reader =
		container_of(xfer, struct http_test_reader, xfer);

	reader->closed = 1;
	reader->rc = rc;
}

/** Reader operations */
static const struct xfer_operations http_test_reader_operations = {
	.deliver = http_test_reader_deliver,
	.close = http_test_reader_close,
};

/**
 * Forget every fake connection and idle connection
 */
static void http_test_reset(void)
{
	unsigned int i;

	http_connection_flush();
	for (i = 0; i < http_test_num_conns; i++) {
		xfer_close(&http_test_conns[i]->xfer, 0);
		ref_put(&http_test_conns[i]->refcnt);
		http_test_conns[i] = NULL;
	}
	http_test_num_conns = 0;
	http_test_connect_rc = 0;
	http_test_window_shut = 0;
}

/**
 * Run the main loop a few times
 */
static void http_test_steps(void)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		step();
}

/**
 * Start a request with the test's reader and let it send
 *
 * @v text		URI
 * @ret rc		Return status code of http_open()
 */
static int http_test_open(const char *text)
{
	struct uri *uri;
	int rc;

	memset(&http_test_reader, 0, sizeof(http_test_reader));
	xfer_init(&http_test_reader.xfer, &http_test_reader_operations, NULL);
	uri = uri_parse(text);
	if (!uri)
		return -ENOMEM;
	rc = http_open(&http_test_reader.xfer, uri);
	uri_put(uri);
	http_test_steps();
	return rc;
}

/**
 * Send bytes from the fake server
 *
 * @v index		Connection
 * @v data		Bytes
 * @v len		Length
 */
static void http_test_send(unsigned int index, const void *data, size_t len)
{
	struct http_test_conn *conn;

	if (index < http_test_num_conns) {
		/* What was sent so far has been answered */
		conn = http_test_conns[index];
		conn->sent_len = 0;
		conn->sent[0] = '\0';
		xfer_deliver_raw(&conn->xfer, data, len);
	}
	http_test_steps();
}

/**
 * The latest connection
 *
 * @ret index		Its index
 */
static unsigned int http_test_latest(void)
{
	return (http_test_num_conns ? (http_test_num_conns - 1) : 0);
}

/**
 * Send text from the fake server
 *
 * @v index		Connection
 * @v text		Text
 */
static void http_test_reply(unsigned int index, const char *text)
{
	http_test_send(index, text, strlen(text));
}

/**
 * Close a connection from the fake server's side
 *
 * @v index		Connection
 * @v rc		Reason (0 for a FIN, an error for a reset)
 */
static void http_test_hangup(unsigned int index, int rc)
{
	if (index < http_test_num_conns)
		xfer_close(&http_test_conns[index]->xfer, rc);
	http_test_steps();
}

/**
 * Check and forget what the client sent on a connection
 *
 * @v index		Connection
 * @v first		Text the request must start with
 * @v inside		Text it must contain, or NULL
 * @ret ok		It does
 */
static int http_test_request(unsigned int index, const char *first,
			     const char *inside)
{
	struct http_test_conn *conn;
	int found;

	if (index >= http_test_num_conns)
		return 0;
	conn = http_test_conns[index];
	found = (strncmp(conn->sent, first, strlen(first)) == 0 &&
		 (!inside || strstr(conn->sent, inside)) &&
		 conn->sent_len >= 4 &&
		 (strstr(conn->sent, "\r\n\r\n") != NULL));
	conn->sent_len = 0;
	conn->sent[0] = '\0';
	return found;
}

/** A GET with Content-Length; the connection goes back to the pool and
 * the next request to the same server reuses it */
UNIT_TEST(http_request_keepalive)
{
	ok(http_test_open("httptest://192.0.2.1:8080/dir/file?x=1") == 0);
	ok(http_test_num_conns == 1 && http_test_conns[0]->port == 8080);
	ok(http_test_request(0,
			     "GET /dir/file?x=1 HTTP/1.1\r\n"
			     "Host: 192.0.2.1:8080\r\n"
			     "User-Agent: Ferry/",
			     NULL));
	http_test_reply(0,
			"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
	ok(!http_test_reader.closed);
	http_test_reply(0, "56789");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_reader.len == 10 &&
	   memcmp(http_test_reader.data, "0123456789", 10) == 0);
	ok(http_test_reader.size_seen && http_test_reader.size == 10);
	ok(!http_test_reader.bad_delivery);
	ok(http_connection_idle_count() == 1 && !http_test_conns[0]->closed);

	/* Same server: the idle connection; a chunked reply this time */
	ok(http_test_open("httptest://192.0.2.1:8080/other") == 0);
	ok(http_test_num_conns == 1 && http_connection_idle_count() == 0);
	ok(http_test_request(0, "GET /other HTTP/1.1\r\n", NULL));
	http_test_reply(0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			   "\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_reader.len == 11 &&
	   memcmp(http_test_reader.data, "hello world", 11) == 0);
	ok(!http_test_reader.size_seen);
	ok(http_connection_idle_count() == 1);

	/* Another port is another server; "Connection: close" is obeyed */
	ok(http_test_open("httptest://192.0.2.1/x") == 0);
	ok(http_test_num_conns == 2);
	ok(http_test_request(1, "GET /x HTTP/1.1\r\nHost: 192.0.2.1\r\n",
			     NULL));
	http_test_reply(1, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
			   "Content-Length: 1\r\n\r\nZ");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_conns[1]->closed);
	ok(http_connection_idle_count() == 1);
	http_test_reset();
}

/** Bodies that end with the connection, and bytes after a body */
UNIT_TEST(http_request_framing)
{
	ok(http_test_open("httptest://192.0.2.1/close") == 0);
	http_test_reply(0, "HTTP/1.0 200 OK\r\n\r\nabc");
	ok(!http_test_reader.closed);
	http_test_hangup(0, 0);
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_reader.len == 3);

	/* Bytes after the body: the connection is not reused */
	ok(http_test_open("httptest://192.0.2.1/extra") == 0);
	http_test_reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
			   "abcHTTP/1.1 200 OK\r\n");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_reader.len == 3 && http_test_conns[1]->closed);
	ok(http_connection_idle_count() == 0);

	/* Interim responses are skipped; an empty body is complete */
	ok(http_test_open("httptest://192.0.2.1/empty") == 0);
	http_test_reply(2,
			"HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\n"
			"Content-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_reader.len == 0 && http_connection_idle_count() == 1);
	http_test_reset();
}

/** A pooled connection the server closed is retried once on a fresh
 * connection; a fresh one that fails is an error */
UNIT_TEST(http_request_dead_pooled)
{
	ok(http_test_open("httptest://192.0.2.1/a") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
	ok(http_test_reader.rc == 0 && http_connection_idle_count() == 1);

	ok(http_test_open("httptest://192.0.2.1/b") == 0);
	ok(http_test_request(0, "GET /b ", NULL));
	http_test_hangup(0, 0);
	ok(!http_test_reader.closed && http_test_num_conns == 2);
	ok(http_test_request(1, "GET /b ", NULL));
	http_test_hangup(1, -ECONNRESET);
	ok(http_test_reader.closed &&
	   ERROR_IS(http_test_reader.rc, ECONNRESET));
	ok(http_test_num_conns == 2);

	/* Without any error code: the server closed without answering */
	ok(http_test_open("httptest://192.0.2.1/c") == 0);
	http_test_hangup(2, 0);
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));
	http_test_reset();
}

/** Redirects: relative and absolute, limited, and to other schemes */
UNIT_TEST(http_request_redirects)
{
	unsigned int i;

	ok(http_test_open("httptest://192.0.2.1/a/b") == 0);
	ok(http_test_request(0, "GET /a/b ", NULL));
	http_test_reply(0, "HTTP/1.1 302 Found\r\nLocation: ../c/d?q\r\n"
			   "Content-Length: 5\r\n\r\nmoved");
	/* The body was read, so the same connection carries the next */
	ok(http_test_num_conns == 1);
	ok(http_test_request(0, "GET /c/d?q HTTP/1.1\r\nHost: 192.0.2.1\r\n",
			     NULL));
	http_test_reply(
		0, "HTTP/1.1 301 Moved\r\n"
		   "Location: httptest://192.0.2.2:81/e\r\n"
		   "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
	ok(http_test_num_conns == 2);
	ok(http_test_request(1, "GET /e HTTP/1.1\r\nHost: 192.0.2.2:81\r\n",
			     NULL));
	http_test_reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_reader.len == 2 &&
	   memcmp(http_test_reader.data, "ok", 2) == 0);

	/* A loop ends after ten redirects */
	ok(http_test_open("httptest://192.0.2.2:81/loop") == 0);
	for (i = 0; i < 12 && !http_test_reader.closed; i++) {
		http_test_reply(1, "HTTP/1.1 307 Again\r\nLocation: /loop\r\n"
				   "Content-Length: 0\r\n\r\n");
	}
	ok(i == 11);
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, ELOOP));

	/* A redirect needs a Location */
	ok(http_test_open("httptest://192.0.2.2:81/nowhere") == 0);
	http_test_reply(http_test_latest(),
			"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));

	/* A scheme HTTP does not speak goes to its own opener */
	ok(http_test_open("httptest://192.0.2.2:81/other-scheme") == 0);
	http_test_reply(http_test_latest(),
			"HTTP/1.1 302 Found\r\nLocation: nosuch://x/y\r\n"
			"Content-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, ENOTSUP));
	http_test_reset();
}

/** Form parameters are POSTed; 307 keeps the POST, 303 makes a GET */
UNIT_TEST(http_request_post)
{
	struct params *params = params_create("httptest");

	ok(params != NULL);
	if (!params)
		return;
	ok(params_add(params, "user name", "a&b", PARAM_FORM) == 0);
	ok(params_add(params, "X-Token", "t1", PARAM_HEADER) == 0);
	ok(params_add(params, "n", "1", PARAM_FORM) == 0);

	ok(http_test_open("httptest://192.0.2.1/login##params=httptest") == 0);
	ok(http_test_request(
		0, "POST /login HTTP/1.1\r\n",
		"X-Token: t1\r\nContent-Type: "
		"application/x-www-form-urlencoded\r\n"
		"Content-Length: 21\r\n\r\nuser%20name=a%26b&n=1"));
	http_test_reply(0, "HTTP/1.1 307 Again\r\nLocation: /again\r\n"
			   "Content-Length: 0\r\n\r\n");
	ok(http_test_request(0, "POST /again HTTP/1.1\r\n",
			     "\r\n\r\nuser%20name=a%26b&n=1"));
	http_test_reply(0, "HTTP/1.1 303 See Other\r\nLocation: /done\r\n"
			   "Content-Length: 0\r\n\r\n");
	ok(strstr(http_test_conns[0]->sent, "Content-Length") == NULL);
	ok(http_test_request(0, "GET /done HTTP/1.1\r\n", "X-Token: t1\r\n"));
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && http_test_reader.rc == 0);

	/* A list that does not exist, and a header that would inject */
	ok(ERROR_IS(http_test_open("httptest://192.0.2.1/x##params=none"),
		    ENOENT));
	ok(params_add(params, "X-Bad", "a\r\nInjected: 1", PARAM_HEADER) == 0);
	ok(ERROR_IS(http_test_open("httptest://192.0.2.1/x##params=httptest"),
		    EINVAL));
	params_remove(params);
	http_test_reset();
}

/** Basic and Digest after a 401, at most once per URI */
UNIT_TEST(http_request_auth)
{
	ok(http_test_open("httptest://user:pass@192.0.2.1/secret") == 0);
	ok(strstr(http_test_conns[0]->sent, "Authorization") == NULL);
	ok(http_test_request(0, "GET /secret ", NULL));
	http_test_reply(0, "HTTP/1.1 401 Unauthorized\r\n"
			   "WWW-Authenticate: Basic realm=\"x\"\r\n"
			   "Content-Length: 6\r\n\r\ndenied");
	ok(http_test_request(0, "GET /secret ",
			     "Authorization: Basic dXNlcjpwYXNz\r\n"));
	http_test_reply(0, "HTTP/1.1 401 Unauthorized\r\n"
			   "WWW-Authenticate: Basic realm=\"x\"\r\n"
			   "Content-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EACCES));
	ok(http_test_num_conns == 1);

	/* No credentials: nothing to answer with */
	ok(http_test_open("httptest://192.0.2.1/secret") == 0);
	http_test_reply(http_test_latest(),
			"HTTP/1.1 401 Unauthorized\r\n"
			"WWW-Authenticate: Basic realm=\"x\"\r\n"
			"Content-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EACCES));

	/* Digest, then success */
	ok(http_test_open("httptest://user:pass@192.0.2.1/d?q") == 0);
	http_test_reply(http_test_latest(),
			"HTTP/1.1 401 Unauthorized\r\n"
			"WWW-Authenticate: Basic realm=\"x\"\r\n"
			"WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\", "
			"qop=\"auth\", opaque=\"o\"\r\n"
			"Content-Length: 0\r\n\r\n");
	ok(http_test_request(http_test_latest(), "GET /d?q ",
			     "Authorization: Digest username=\"user\", "
			     "realm=\"r\", nonce=\"n1\", uri=\"/d?q\", "
			     "response=\""));
	http_test_reply(http_test_latest(),
			"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
	ok(http_test_reader.closed && http_test_reader.rc == 0);

	/* Only schemes Ferry does not speak */
	ok(http_test_open("httptest://user:pass@192.0.2.1/n") == 0);
	http_test_reply(http_test_latest(), "HTTP/1.1 401 Unauthorized\r\n"
					    "WWW-Authenticate: Negotiate\r\n"
					    "Content-Length: 0\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, ENOTSUP));
	http_test_reset();
}

/**
 * Fill a buffer with a recognisable pattern
 *
 * @v buf		Buffer
 * @v offset		Offset of the buffer in the file
 * @v len		Length
 */
static void http_test_pattern(uint8_t *buf, size_t offset, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(((offset + i) * 7) ^ ((offset + i) >> 8));
}

/**
 * Check that the reader holds the pattern
 *
 * @v len		Expected length
 * @ret ok		It does
 */
static int http_test_pattern_ok(size_t len)
{
	uint8_t expected[1000];

	if (len > sizeof(expected) || http_test_reader.len != len)
		return 0;
	http_test_pattern(expected, 0, len);
	return (memcmp(http_test_reader.data, expected, len) == 0);
}

/**
 * Send part of the pattern file from the fake server
 *
 * @v index		Connection
 * @v offset		Where to start
 * @v len		Bytes
 */
static void http_test_send_pattern(unsigned int index, size_t offset,
				   size_t len)
{
	uint8_t buf[1000];

	http_test_pattern(buf, offset, len);
	http_test_send(index, buf, len);
}

/** A broken download resumes with a Range request */
UNIT_TEST(http_request_resume)
{
	ok(http_test_open("httptest://192.0.2.1/big") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
			   "Accept-Ranges: bytes\r\nETag: \"v1\"\r\n\r\n");
	http_test_send_pattern(0, 0, 400);
	http_test_hangup(0, -ECONNRESET);
	ok(!http_test_reader.closed && http_test_num_conns == 2);
	ok(http_test_request(1, "GET /big HTTP/1.1\r\n",
			     "Range: bytes=400-\r\nIf-Range: \"v1\"\r\n"));
	http_test_reply(1, "HTTP/1.1 206 Partial Content\r\n"
			   "Content-Range: bytes 400-999/1000\r\n"
			   "Content-Length: 600\r\n\r\n");
	http_test_send_pattern(1, 400, 100);
	/* Closed early, cleanly: resumed again */
	http_test_hangup(1, 0);
	ok(!http_test_reader.closed && http_test_num_conns == 3);
	ok(http_test_request(2, "GET /big ", "Range: bytes=500-\r\n"));
	http_test_reply(2, "HTTP/1.1 206 Partial Content\r\n"
			   "Content-Range: bytes 500-999/1000\r\n"
			   "Content-Length: 500\r\n\r\n");
	http_test_send_pattern(2, 500, 500);
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	ok(http_test_pattern_ok(1000));
	ok(http_test_reader.size_seen && http_test_reader.size == 1000);
	ok(!http_test_reader.bad_delivery);
	http_test_reset();
}

/** Resumes the server does not honour, and breaks that cannot resume */
UNIT_TEST(http_request_resume_refused)
{
	unsigned int i;

	/* A 200 instead of a 206 */
	ok(http_test_open("httptest://192.0.2.1/big") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
			   "Accept-Ranges: bytes\r\n\r\n");
	http_test_send_pattern(0, 0, 300);
	http_test_hangup(0, -ECONNRESET);
	ok(http_test_request(1, "GET /big ", "Range: bytes=300-\r\n"));
	ok(strstr(http_test_conns[1]->sent, "If-Range") == NULL);
	http_test_reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EIO));

	/* A 206 for the wrong range */
	ok(http_test_open("httptest://192.0.2.1/big") == 0);
	http_test_reply(2, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
			   "Accept-Ranges: bytes\r\n\r\n");
	http_test_send_pattern(2, 0, 300);
	http_test_hangup(2, -ECONNRESET);
	http_test_reply(3, "HTTP/1.1 206 Partial Content\r\n"
			   "Content-Range: bytes 0-999/1000\r\n"
			   "Content-Length: 1000\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));

	/* No Accept-Ranges: the reset is the error */
	ok(http_test_open("httptest://192.0.2.1/big") == 0);
	http_test_reply(4, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
	http_test_send_pattern(4, 0, 300);
	http_test_hangup(4, -ECONNRESET);
	ok(http_test_reader.closed &&
	   ERROR_IS(http_test_reader.rc, ECONNRESET));
	ok(http_test_num_conns == 5);

	/* Closed early: truncated */
	ok(http_test_open("httptest://192.0.2.1/big") == 0);
	http_test_reply(5, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
	http_test_send_pattern(5, 0, 300);
	http_test_hangup(5, 0);
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EIO));

	/* Five resumes at most */
	http_test_reset();
	ok(http_test_open("httptest://192.0.2.1/big") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
			   "Accept-Ranges: bytes\r\n\r\n");
	http_test_send_pattern(0, 0, 100);
	for (i = 0; i < 8 && !http_test_reader.closed; i++) {
		http_test_hangup(i, -ECONNRESET);
		http_test_reply((i + 1), "HTTP/1.1 206 Partial Content\r\n"
					 "Content-Range: bytes 100-999/1000\r\n"
					 "Content-Length: 900\r\n\r\n");
	}
	ok(i == 6);
	ok(http_test_reader.closed &&
	   ERROR_IS(http_test_reader.rc, ECONNRESET));
	http_test_reset();
}

/** Status codes map to distinct errors */
UNIT_TEST(http_request_status_errors)
{
	static const struct {
		const char *status;
		unsigned int class;
	} cases[] = {
		{ "404 Not Found", ERRCLASS_ENOENT },
		{ "410 Gone", ERRCLASS_ENOENT },
		{ "403 Forbidden", ERRCLASS_EACCES },
		{ "416 Range Not Satisfiable", ERRCLASS_ERANGE },
		{ "418 Teapot", ERRCLASS_EIO },
		{ "500 Oops", ERRCLASS_EIO },
		{ "503 Busy", ERRCLASS_EIO },
		{ "599 Odd", ERRCLASS_EIO },
		{ "206 Partial", ERRCLASS_EPROTO },
		{ "304 Not Modified", ERRCLASS_EPROTO },
		{ "101 Switching", ERRCLASS_EPROTO },
	};
	int codes[sizeof(cases) / sizeof(cases[0])];
	char reply[128];
	unsigned int i;
	unsigned int j;

	for (i = 0; i < (sizeof(cases) / sizeof(cases[0])); i++) {
		ok(http_test_open("httptest://192.0.2.1/status") == 0);
		snprintf(reply, sizeof(reply),
			 "HTTP/1.1 %s\r\nContent-Length: 0\r\n\r\n",
			 cases[i].status);
		http_test_reply(0, reply);
		ok(http_test_reader.closed &&
		   ERROR_CLASS(http_test_reader.rc) == cases[i].class);
		codes[i] = http_test_reader.rc;
		http_test_reset();
	}
	/* Each status has its own code (but the 5xx beyond those named,
	 * and the unexpected ones, share theirs) */
	for (i = 0; i < 7; i++) {
		for (j = 0; j < i; j++)
			ok(codes[i] != codes[j]);
	}
}

/** Hostile responses end the request cleanly */
UNIT_TEST(http_request_hostile)
{
	char *big = heap_alloc(HTTP_MAX_HEADER_LEN + 64);
	unsigned int i;

	ok(big != NULL);
	if (!big)
		return;
	/* A header block that never ends */
	ok(http_test_open("httptest://192.0.2.1/h") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\n");
	memset(big, 'x', (HTTP_MAX_HEADER_LEN + 64));
	for (i = 0; i < (HTTP_MAX_HEADER_LEN + 64); i += 64)
		memcpy(big + i, "X-A: b\r\n", 8);
	http_test_send(0, big, (HTTP_MAX_HEADER_LEN + 64));
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EMSGSIZE));
	ok(http_test_conns[0]->closed);
	heap_free(big);

	/* Not HTTP at all */
	ok(http_test_open("httptest://192.0.2.1/h") == 0);
	http_test_reply(1, "SSH-2.0-OpenSSH\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));

	/* A chunk size that overflows */
	ok(http_test_open("httptest://192.0.2.1/h") == 0);
	http_test_reply(2, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			   "\r\nfffffffffffffffff\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));

	/* A resumed chunked body longer than the file */
	ok(http_test_open("httptest://192.0.2.1/h") == 0);
	http_test_reply(3, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
			   "Accept-Ranges: bytes\r\n\r\n12345");
	http_test_hangup(3, -ECONNRESET);
	http_test_reply(4, "HTTP/1.1 206 Partial Content\r\n"
			   "Content-Range: bytes 5-9/10\r\n"
			   "Transfer-Encoding: chunked\r\n\r\n"
			   "6\r\n678901\r\n0\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));

	/* Bad URIs are refused before anything is sent */
	ok(ERROR_IS(http_test_open("httptest://a%0d%0ab/"), EINVAL));
	ok(ERROR_IS(http_test_open("httptest://u%0a:p@h/"), EINVAL));
	ok(ERROR_IS(http_test_open("httptest:///path"), EINVAL));
	http_test_connect_rc = -ECONNREFUSED;
	ok(ERROR_IS(http_test_open("httptest://192.0.2.1/"), ECONNREFUSED));
	http_test_reset();
}

/** A silent server ends the request; the reader can cancel */
UNIT_TEST(http_request_timeout_cancel)
{
	unsigned long saved = http_idle_timeout_ms;
	uint64_t start;

	http_idle_timeout_ms = 30;
	ok(http_test_open("httptest://192.0.2.1/stall") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12");
	start = clock_ms();
	while (!http_test_reader.closed && (clock_ms() - start) < 2000)
		step();
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, ETIMEDOUT));
	ok(http_test_conns[0]->closed);
	http_idle_timeout_ms = saved;

	/* The reader gives up: the connection closes, not pooled */
	ok(http_test_open("httptest://192.0.2.1/cancel") == 0);
	http_test_reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12");
	xfer_close(&http_test_reader.xfer, -ECANCELED);
	http_test_steps();
	ok(http_test_conns[1]->closed);
	ok(http_connection_idle_count() == 0);
	http_test_reset();
}

/** A server that talks before the request: on a pooled connection that
 * is a server giving up on it (retried), on a fresh one an error */
UNIT_TEST(http_request_early_data)
{
	ok(http_test_open("httptest://192.0.2.1/a") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
	ok(http_connection_idle_count() == 1);

	http_test_window_shut = 1;
	ok(http_test_open("httptest://192.0.2.1/b") == 0);
	ok(http_test_conns[0]->sent_len == 0);
	http_test_reply(0, "HTTP/1.1 408 Request Timeout\r\n\r\n");
	ok(http_test_conns[0]->closed && http_test_num_conns == 2);
	ok(!http_test_reader.closed);
	http_test_window_shut = 0;
	http_test_steps();
	ok(http_test_request(1, "GET /b ", NULL));
	http_test_reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
	ok(http_test_reader.closed && http_test_reader.rc == 0);
	http_test_reset();

	http_test_window_shut = 1;
	ok(http_test_open("httptest://192.0.2.1/c") == 0);
	http_test_reply(0, "HTTP/1.1 408 Request Timeout\r\n\r\n");
	ok(http_test_reader.closed && ERROR_IS(http_test_reader.rc, EPROTO));
	http_test_reset();
}

/** The pool keeps four connections at most, for a limited time */
UNIT_TEST(http_pool_limits)
{
	static const char *const uris[] = {
		"httptest://192.0.2.1/", "httptest://192.0.2.2/",
		"httptest://192.0.2.3/", "httptest://192.0.2.4/",
		"httptest://192.0.2.5/",
	};
	unsigned long saved = http_pool_timeout_ms;
	uint64_t start;
	unsigned int i;

	for (i = 0; i < (sizeof(uris) / sizeof(uris[0])); i++) {
		ok(http_test_open(uris[i]) == 0);
		http_test_reply(i, "HTTP/1.1 200 OK\r\nContent-Length: 0"
				   "\r\n\r\n");
		ok(http_test_reader.closed && http_test_reader.rc == 0);
	}
	/* The oldest gave way */
	ok(http_connection_idle_count() == 4);
	ok(http_test_conns[0]->closed && !http_test_conns[1]->closed);

	/* An idle server that closes leaves the pool */
	http_test_hangup(1, 0);
	ok(http_connection_idle_count() == 3);
	/* So does anything the server sends while idle */
	http_test_reply(2, "HTTP/1.1 408 Request Timeout\r\n\r\n");
	ok(http_connection_idle_count() == 2 && http_test_conns[2]->closed);
	http_test_reset();

	/* Idle connections expire */
	http_pool_timeout_ms = 20;
	ok(http_test_open("httptest://192.0.2.1/") == 0);
	http_test_reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	ok(http_connection_idle_count() == 1);
	start = clock_ms();
	while (http_connection_idle_count() && (clock_ms() - start) < 2000)
		step();
	ok(http_connection_idle_count() == 0 && http_test_conns[0]->closed);
	http_pool_timeout_ms = saved;
	http_test_reset();
}
