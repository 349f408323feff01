/** @file
 *
 * Uniform resource identifiers (RFC 3986)
 */

#include <stddef.h>
#include "net/uri.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/printf.h"

/** Longest URI accepted */
#define URI_MAX_LEN 8192

/**
 * Value of a hex digit
 *
 * @v character		Character
 * @ret value		Value, or -1
 */
static int uri_hex_value(int character)
{
	if (isdigit(character))
		return (character - '0');
	if (character >= 'a' && character <= 'f')
		return (character - 'a' + 10);
	if (character >= 'A' && character <= 'F')
		return (character - 'A' + 10);
	return -1;
}

/**
 * Decode percent-encoding
 *
 * A '%' not followed by two hex digits is kept as it is.
 *
 * @v encoded		Encoded string
 * @v buf		Buffer (NUL-terminated if len > 0)
 * @v len		Size of buffer
 * @ret decoded_len	Length of the decoded string (may exceed len - 1)
 */
size_t uri_decode(const char *encoded, char *buf, size_t len)
{
	size_t out = 0;
	int high;
	int low;
	char character;

	while (*encoded) {
		character = *(encoded++);
		if (character == '%' &&
		    (high = uri_hex_value(encoded[0])) >= 0 &&
		    (low = uri_hex_value(encoded[1])) >= 0) {
			character = ((high << 4) | low);
			encoded += 2;
		}
		if (out + 1 < len)
			buf[out] = character;
		out++;
	}
	if (len)
		buf[(out < len) ? out : (len - 1)] = '\0';
	return out;
}

/**
 * Percent-encode a string
 *
 * Unreserved characters (RFC 3986 section 2.3) and those in keep are
 * left as they are.
 *
 * @v raw		Raw string
 * @v buf		Buffer (NUL-terminated if len > 0)
 * @v len		Size of buffer
 * @v keep		Further characters to leave alone (e.g. "/")
 * @ret encoded_len	Length of the encoded string (may exceed len - 1)
 */
size_t uri_encode(const char *raw, char *buf, size_t len, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t out = 0;
	unsigned char character;
	char piece[3];
	size_t piece_len;
	size_t i;

	for (; (character = *raw); raw++) {
		if (isalnum(character) || strchr("-._~", character) ||
		    (keep && strchr(keep, character))) {
			/* (character is never NUL here: the loop stops) */
			piece[0] = character;
			piece_len = 1;
		} else {
			piece[0] = '%';
			piece[1] = hex[character >> 4];
			piece[2] = hex[character & 0xf];
			piece_len = 3;
		}
		for (i = 0; i < piece_len; i++, out++) {
			if (out + 1 < len)
				buf[out] = piece[i];
		}
	}
	if (len)
		buf[(out < len) ? out : (len - 1)] = '\0';
	return out;
}

/**
 * Decode a part of a URI in place
 *
 * @v part		Part (NUL-terminated), or NULL
 */
static void uri_decode_inplace(char *part)
{
	if (part)
		uri_decode(part, part, (strlen(part) + 1));
}

/**
 * Parse a URI
 *
 * All parts point into one heap copy of the text, which is kept with
 * the URI and freed with it.
 *
 * @v text		URI text
 * @ret uri		URI, or NULL on out-of-memory or an over-long URI
 */
struct uri *uri_parse(const char *text)
{
	struct uri *uri;
	size_t len = strnlen(text, URI_MAX_LEN + 1);
	char *copy;
	char *cursor;
	char *end;
	char *authority;
	char *at;
	char *colon;

	if (len > URI_MAX_LEN)
		return NULL;
	uri = heap_zalloc(sizeof(*uri) + len + 1);
	if (!uri)
		return NULL;
	ref_init(&uri->refcnt, NULL);
	copy = ((char *)uri + sizeof(*uri));
	memcpy(copy, text, len);
	copy[len] = '\0';
	cursor = copy;

	/* Fragment and query */
	end = strchr(cursor, '#');
	if (end) {
		*end = '\0';
		uri->fragment = (end + 1);
	}
	end = strchr(cursor, '?');
	if (end) {
		*end = '\0';
		uri->query = (end + 1);
	}

	/* Scheme: letters, digits, '+', '-', '.' before the first ':',
	 * starting with a letter, and not a Windows-style "c:".  Ferry
	 * also allows '_', for its own "fw_cfg:" scheme.
	 */
	for (end = cursor; isalnum(*end) || (*end && strchr("+-._", *end));
	     end++)
		;
	if (*end == ':' && end > cursor + 1 && isalpha(*cursor)) {
		*end = '\0';
		for (char *p = cursor; *p; p++)
			*p = tolower(*p);
		uri->scheme = cursor;
		cursor = (end + 1);
		/* Non-hierarchical ("mailto:x"): the rest is opaque */
		if (*cursor != '/') {
			uri->opaque = cursor;
			return uri;
		}
	}

	/* Authority */
	if (cursor[0] == '/' && cursor[1] == '/') {
		authority = (cursor + 2);
		end = strchr(authority, '/');
		if (end) {
			/* Keep the '/' for the path: shift the authority
			 * left by one over the second '/' */
			memmove(authority - 1, authority, (end - authority));
			end[-1] = '\0';
			authority--;
			uri->path = end;
		} else {
			memmove(authority - 1, authority, strlen(authority) + 1);
			authority--;
		}
		at = strrchr(authority, '@');
		if (at) {
			*at = '\0';
			uri->user = authority;
			colon = strchr(authority, ':');
			if (colon) {
				*colon = '\0';
				uri->password = (colon + 1);
			}
			authority = (at + 1);
		}
		if (authority[0] == '[') {
			end = strchr(authority, ']');
			if (end) {
				*end = '\0';
				uri->host = (authority + 1);
				if (end[1] == ':')
					uri->port = (end + 2);
			} else {
				uri->host = authority;
			}
		} else {
			uri->host = authority;
			colon = strrchr(authority, ':');
			if (colon) {
				*colon = '\0';
				uri->port = (colon + 1);
			}
		}
		uri_decode_inplace((char *)uri->user);
		uri_decode_inplace((char *)uri->password);
		uri_decode_inplace((char *)uri->host);
		if (uri->port && !uri->port[0])
			uri->port = NULL;
	} else if (*cursor) {
		uri->path = cursor;
	}
	return uri;
}

/**
 * The port of a URI, or a default
 *
 * @v uri		URI
 * @v default_port	Port to use if the URI has none (or a bad one)
 * @ret port		Port
 */
unsigned int uri_port(const struct uri *uri, unsigned int default_port)
{
	unsigned long port;
	char *end;

	if (!uri->port)
		return default_port;
	port = strtoul(uri->port, &end, 10);
	if (*end || port == 0 || port > 65535)
		return default_port;
	return port;
}

/**
 * Append a string to a growing heap buffer
 *
 * @v buf		Buffer (may be reallocated; NULL after failure)
 * @v len		Length so far
 * @v text		Text to append
 */
static void uri_append(char **buf, size_t *len, const char *text)
{
	size_t add = strlen(text);
	char *grown;

	if (!*buf)
		return;
	grown = heap_realloc(*buf, (*len + add + 1));
	if (!grown) {
		heap_free(*buf);
		*buf = NULL;
		return;
	}
	memcpy(grown + *len, text, add + 1);
	*len += add;
	*buf = grown;
}

/**
 * Format a URI as text (user and password are re-encoded)
 *
 * @v uri		URI
 * @ret text		Text (heap), or NULL
 */
char *uri_format(const struct uri *uri)
{
	char *buf = heap_zalloc(1);
	size_t len = 0;
	char *encoded;
	size_t encoded_len;
	const char *parts[] = { uri->user, uri->password, uri->host };
	char *enc[3] = { NULL, NULL, NULL };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (!parts[i])
			continue;
		encoded_len = uri_encode(parts[i], NULL, 0,
					 ((i == 2) ? ":" : "!$&'()*+,;="));
		encoded = heap_alloc(encoded_len + 1);
		if (!encoded)
			goto err;
		uri_encode(parts[i], encoded, encoded_len + 1,
			   ((i == 2) ? ":" : "!$&'()*+,;="));
		enc[i] = encoded;
	}
	if (uri->scheme) {
		uri_append(&buf, &len, uri->scheme);
		uri_append(&buf, &len, ":");
	}
	if (uri->opaque)
		uri_append(&buf, &len, uri->opaque);
	if (uri->host) {
		uri_append(&buf, &len, "//");
		if (enc[0]) {
			uri_append(&buf, &len, enc[0]);
			if (enc[1]) {
				uri_append(&buf, &len, ":");
				uri_append(&buf, &len, enc[1]);
			}
			uri_append(&buf, &len, "@");
		}
		if (strchr(uri->host, ':')) {
			uri_append(&buf, &len, "[");
			uri_append(&buf, &len, uri->host);
			uri_append(&buf, &len, "]");
		} else {
			uri_append(&buf, &len, enc[2]);
		}
		if (uri->port) {
			uri_append(&buf, &len, ":");
			uri_append(&buf, &len, uri->port);
		}
	}
	if (uri->path)
		uri_append(&buf, &len, uri->path);
	if (uri->query) {
		uri_append(&buf, &len, "?");
		uri_append(&buf, &len, uri->query);
	}
	if (uri->fragment) {
		uri_append(&buf, &len, "#");
		uri_append(&buf, &len, uri->fragment);
	}
	for (i = 0; i < 3; i++)
		heap_free(enc[i]);
	return buf;
err:
	for (i = 0; i < 3; i++)
		heap_free(enc[i]);
	heap_free(buf);
	return NULL;
}

/**
 * Remove dot segments from a path (RFC 3986 section 5.2.4), in place
 *
 * @v path		Path
 */
static void uri_remove_dots(char *path)
{
	char *in = path;
	char *out = path;
	char *slash;

	while (*in) {
		if (strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (strcmp(in, "/.") == 0) {
			in[1] = '\0';
		} else if (strncmp(in, "/../", 4) == 0 ||
			   strcmp(in, "/..") == 0) {
			in += 3;
			if (!*in) {
				in--;
				*in = '/';
			}
			*out = '\0';
			slash = strrchr(path, '/');
			out = (slash ? slash : path);
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0) {
			break;
		} else {
			do {
				*(out++) = *(in++);
			} while (*in && *in != '/');
		}
	}
	*out = '\0';
}

/**
 * Resolve a relative reference against a base URI (RFC 3986 section 5.2)
 *
 * @v base		Base URI
 * @v relative		Reference
 * @ret uri		Resolved URI (a new one), or NULL
 */
struct uri *uri_resolve(const struct uri *base, const struct uri *relative)
{
	struct uri target;
	struct uri *resolved;
	char *path = NULL;
	char *text;
	const char *slash;
	size_t len;

	memset(&target, 0, sizeof(target));
	if (relative->scheme) {
		target = *relative;
	} else {
		target.scheme = base->scheme;
		if (relative->host) {
			target.user = relative->user;
			target.password = relative->password;
			target.host = relative->host;
			target.port = relative->port;
			target.path = relative->path;
			target.query = relative->query;
		} else {
			target.user = base->user;
			target.password = base->password;
			target.host = base->host;
			target.port = base->port;
			target.opaque = base->opaque;
			if (!relative->path) {
				target.path = base->path;
				target.query = (relative->query ?
							relative->query :
							base->query);
			} else if (relative->path[0] == '/') {
				target.path = relative->path;
				target.query = relative->query;
			} else {
				/* Merge: the base path up to its last '/' */
				slash = (base->path ? strrchr(base->path, '/') :
						      NULL);
				len = (slash ? (size_t)(slash - base->path + 1) :
					       0);
				path = heap_alloc(len + strlen(relative->path) +
						  2);
				if (!path)
					return NULL;
				if (!len && base->host) {
					strlcpy(path, "/", 2);
				} else {
					memcpy(path, base->path, len);
					path[len] = '\0';
				}
				strlcat(path, relative->path,
					(len + strlen(relative->path) + 2));
				target.path = path;
				target.query = relative->query;
			}
		}
	}
	target.fragment = relative->fragment;
	if (target.path) {
		if (!path) {
			path = strdup(target.path);
			if (!path)
				return NULL;
		}
		uri_remove_dots(path);
		target.path = path;
	}
	text = uri_format(&target);
	heap_free(path);
	if (!text)
		return NULL;
	resolved = uri_parse(text);
	heap_free(text);
	return resolved;
}
