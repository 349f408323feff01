/** @file
 *
 * Unit tests: URIs
 */

#include "tests/unit/unittest.h"
#include "net/uri.h"
#include "core/string.h"
#include "core/malloc.h"

/**
 * Compare a possibly-NULL string
 *
 * @v value		Value
 * @v expected		Expected value, or NULL
 * @ret equal		Equal (both NULL counts)
 */
static int uri_test_eq(const char *value, const char *expected)
{
	if (!value || !expected)
		return (value == expected);
	return (strcmp(value, expected) == 0);
}

/** Every part of a full URI */
UNIT_TEST(uri_parse_full)
{
	struct uri *uri;

	uri = uri_parse("HTTP://us%65r:p%40ss@Example.com:8080/a/b%20c?q=1#frag");
	ok(uri != NULL);
	if (!uri)
		return;
	ok(uri_test_eq(uri->scheme, "http"));
	ok(uri_test_eq(uri->user, "user"));
	ok(uri_test_eq(uri->password, "p@ss"));
	ok(uri_test_eq(uri->host, "Example.com"));
	ok(uri_test_eq(uri->port, "8080"));
	ok(uri_port(uri, 80) == 8080);
	ok(uri_test_eq(uri->path, "/a/b%20c"));
	ok(uri_test_eq(uri->query, "q=1"));
	ok(uri_test_eq(uri->fragment, "frag"));
	uri_put(uri);
}

/** Odd and partial URIs */
UNIT_TEST(uri_parse_partial)
{
	struct uri *uri;

	uri = uri_parse("tftp://10.0.2.2/boot.ipxe");
	ok(uri && uri_test_eq(uri->host, "10.0.2.2") && !uri->port &&
	   uri_test_eq(uri->path, "/boot.ipxe") && uri_port(uri, 69) == 69);
	uri_put(uri);
	uri = uri_parse("http://[2001:db8::1]:81/x");
	ok(uri && uri_test_eq(uri->host, "2001:db8::1") &&
	   uri_test_eq(uri->port, "81"));
	uri_put(uri);
	uri = uri_parse("http://host");
	ok(uri && uri_test_eq(uri->host, "host") && !uri->path);
	uri_put(uri);
	uri = uri_parse("http://host:/p");
	ok(uri && !uri->port && uri_port(uri, 80) == 80);
	uri_put(uri);
	uri = uri_parse("http://host:99999/p");
	ok(uri && uri_port(uri, 80) == 80);
	uri_put(uri);
	uri = uri_parse("vmlinuz");
	ok(uri && !uri->scheme && uri_test_eq(uri->path, "vmlinuz"));
	uri_put(uri);
	uri = uri_parse("mailto:someone");
	ok(uri && uri_test_eq(uri->opaque, "someone") && !uri->host);
	uri_put(uri);
	uri = uri_parse("");
	ok(uri && !uri->scheme && !uri->path);
	uri_put(uri);
}

/**
 * Check a relative resolution
 *
 * @v base_text		Base
 * @v relative_text	Reference
 * @v expected		Expected result
 * @ret ok		Result matches
 */
static int uri_test_resolve(const char *base_text, const char *relative_text,
			    const char *expected)
{
	struct uri *base = uri_parse(base_text);
	struct uri *relative = uri_parse(relative_text);
	struct uri *resolved = NULL;
	char *text = NULL;
	int matches;

	if (base && relative)
		resolved = uri_resolve(base, relative);
	if (resolved)
		text = uri_format(resolved);
	matches = (text && strcmp(text, expected) == 0);
	heap_free(text);
	uri_put(resolved);
	uri_put(relative);
	uri_put(base);
	return matches;
}

/** Relative references (RFC 3986 section 5.4 examples) */
UNIT_TEST(uri_resolve_relative)
{
	const char *base = "http://a/b/c/d;p?q";

	ok(uri_test_resolve(base, "g", "http://a/b/c/g"));
	ok(uri_test_resolve(base, "./g", "http://a/b/c/g"));
	ok(uri_test_resolve(base, "g/", "http://a/b/c/g/"));
	ok(uri_test_resolve(base, "/g", "http://a/g"));
	ok(uri_test_resolve(base, "//g", "http://g"));
	ok(uri_test_resolve(base, "?y", "http://a/b/c/d;p?y"));
	ok(uri_test_resolve(base, "g?y", "http://a/b/c/g?y"));
	ok(uri_test_resolve(base, "#s", "http://a/b/c/d;p?q#s"));
	ok(uri_test_resolve(base, "..", "http://a/b/"));
	ok(uri_test_resolve(base, "../g", "http://a/b/g"));
	ok(uri_test_resolve(base, "../..", "http://a/"));
	ok(uri_test_resolve(base, "../../../g", "http://a/g"));
	ok(uri_test_resolve(base, "/./g", "http://a/g"));
	ok(uri_test_resolve(base, "g.", "http://a/b/c/g."));
	ok(uri_test_resolve(base, "tftp://x/y", "tftp://x/y"));
	ok(uri_test_resolve("http://a", "boot.ipxe", "http://a/boot.ipxe"));
}

/** Percent-encoding both ways */
UNIT_TEST(uri_encoding)
{
	char buf[32];

	ok(uri_decode("a%20b%2", buf, sizeof(buf)) == 5 &&
	   strcmp(buf, "a b%2") == 0);
	ok(uri_decode("%zz", buf, sizeof(buf)) == 3 &&
	   strcmp(buf, "%zz") == 0);
	ok(uri_encode("a b/c", buf, sizeof(buf), "/") == 7 &&
	   strcmp(buf, "a%20b/c") == 0);
	ok(uri_encode("abcdef", buf, 4, NULL) == 6 && strcmp(buf, "abc") == 0);
}
