/** @file
 *
 * HTTP authentication: Basic (RFC 7617) and Digest (RFC 7616, and RFC
 * 2617 without qop)
 *
 * The user name and password come from the URI
 * ("http://user:pass@host/").  Nothing is sent until the server asks:
 * a 401 response carries one or more challenges in WWW-Authenticate
 * fields, http_auth_challenge() keeps the strongest one Ferry can
 * answer (Digest with SHA-256, then Digest with MD5, then Basic), and
 * the request is sent once more with an Authorization field made by
 * http_auth_format().
 *
 * Challenges come from the network: every value is copied with a
 * bound, and a challenge that is malformed, too long or asks for
 * something Ferry cannot do (auth-int, an unknown algorithm) is simply
 * not chosen.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include "net/http.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/errors.h"
#include "core/platform.h"
#include "crypto/digest.h"

/** Characters of a token (RFC 9110 section 5.6.2) besides letters and
 * digits */
#define HTTP_AUTH_TCHARS        "!#$%&'*+-.^_`|~"
/** Characters of a token68 (RFC 9110 section 11.2) besides letters and
 * digits */
#define HTTP_AUTH_TOKEN68_CHARS "-._~+/="

/**
 * Test whether a character belongs to a token
 *
 * @v character		Character
 * @ret is_tchar	Character is a tchar
 */
static int http_auth_is_tchar(int character)
{
	return (character &&
		(isalnum(character) || strchr(HTTP_AUTH_TCHARS, character)));
}

/**
 * Skip spaces, tabs and (optionally) list commas
 *
 * @v text		Text
 * @v commas		Also skip commas
 * @ret text		First other character
 */
static const char *http_auth_skip(const char *text, int commas)
{
	while (*text == ' ' || *text == '\t' || (commas && *text == ','))
		text++;
	return text;
}

/**
 * Length of the token at the start of a text
 *
 * @v text		Text
 * @ret len		Length (0 if no token starts here)
 */
static size_t http_auth_token_len(const char *text)
{
	size_t len = 0;

	while (http_auth_is_tchar(text[len]))
		len++;
	return len;
}

/**
 * Read a parameter value (a token or a quoted string)
 *
 * @v text		Where the value starts; moved past it
 * @v buf		Buffer for the value, without quotes or escapes
 * @v len		Size of the buffer (the value is NUL-terminated)
 * @ret value_len	Length of the value, or -1 if malformed or longer
 *			than the buffer
 */
static int http_auth_read_value(const char **text, char *buf, size_t len)
{
	const char *cursor = *text;
	size_t out = 0;
	int too_long = 0;

	if (*cursor == '"') {
		cursor++;
		while (*cursor != '"') {
			if (!*cursor)
				return -1;
			if (*cursor == '\\' && cursor[1])
				cursor++;
			if (out + 1 < len)
				buf[out++] = *cursor;
			else
				too_long = 1;
			cursor++;
		}
		cursor++;
	} else {
		while (http_auth_is_tchar(*cursor)) {
			if (out + 1 < len)
				buf[out++] = *cursor;
			else
				too_long = 1;
			cursor++;
		}
	}
	buf[out] = '\0';
	*text = cursor;
	return (too_long ? -1 : (int)out);
}

/**
 * Test whether a comma-separated list holds a token
 *
 * @v list		List ("auth, auth-int")
 * @v token		Token ("auth")
 * @ret found		The list holds the token
 */
static int http_auth_list_has(const char *list, const char *token)
{
	size_t token_len = strlen(token);
	size_t len;

	while (*(list = http_auth_skip(list, 1))) {
		len = http_auth_token_len(list);
		if (!len)
			return 0;
		if (len == token_len && strncasecmp(list, token, len) == 0)
			return 1;
		list += len;
	}
	return 0;
}

/**
 * Free the values kept from a challenge and forget it
 *
 * @v auth		Authentication state
 */
void http_auth_clear(struct http_auth *auth)
{
	heap_free(auth->realm);
	heap_free(auth->nonce);
	heap_free(auth->opaque);
	http_auth_init(auth);
}

/**
 * Initialise authentication state (no challenge)
 *
 * @v auth		Authentication state
 */
void http_auth_init(struct http_auth *auth)
{
	memset(auth, 0, sizeof(*auth));
}

/**
 * How strong a challenge is (higher is preferred)
 *
 * @v auth		Challenge
 * @ret rank		Rank (0 for none)
 */
static unsigned int http_auth_rank(const struct http_auth *auth)
{
	switch (auth->scheme) {
	case HTTP_AUTH_BASIC:
		return 1;
	case HTTP_AUTH_DIGEST:
		return ((auth->digest &&
			 strcmp(auth->digest->name, "sha256") == 0) ? 3 : 2);
	default:
		return 0;
	}
}

/**
 * Keep a copy of a parameter value
 *
 * @v slot		Where the copy goes (any previous one is freed)
 * @v value		Value
 * @ret rc		Return status code
 */
static int http_auth_keep(char **slot, const char *value)
{
	heap_free(*slot);
	*slot = strdup(value);
	return (*slot ? 0 : -ENOMEM);
}

/**
 * Take one parameter of a Digest challenge
 *
 * @v auth		Challenge being read
 * @v name		Parameter name
 * @v name_len		Length of the name
 * @v value		Value (decoded)
 * @ret rc		Return status code (-EINVAL: not a challenge Ferry
 *			can answer)
 */
static int http_auth_digest_param(struct http_auth *auth, const char *name,
				  size_t name_len, const char *value)
{
	static const struct {
		const char *name;
		const char *digest;
		int session;
	} algorithms[] = {
		{ "MD5", "md5", 0 },
		{ "MD5-sess", "md5", 1 },
		{ "SHA-256", "sha256", 0 },
		{ "SHA-256-sess", "sha256", 1 },
	};
	unsigned int i;

#define HTTP_AUTH_PARAM_IS(text)           \
	(name_len == (sizeof(text) - 1) && \
	 strncasecmp(name, text, name_len) == 0)
	if (HTTP_AUTH_PARAM_IS("realm"))
		return http_auth_keep(&auth->realm, value);
	if (HTTP_AUTH_PARAM_IS("nonce"))
		return http_auth_keep(&auth->nonce, value);
	if (HTTP_AUTH_PARAM_IS("opaque"))
		return http_auth_keep(&auth->opaque, value);
	if (HTTP_AUTH_PARAM_IS("qop")) {
		/* Only "auth": "auth-int" would need the body's digest */
		if (!http_auth_list_has(value, "auth"))
			return -EINVAL;
		auth->qop_auth = 1;
		return 0;
	}
	if (HTTP_AUTH_PARAM_IS("userhash")) {
		auth->userhash = (strcasecmp(value, "true") == 0);
		return 0;
	}
	if (HTTP_AUTH_PARAM_IS("algorithm")) {
		for (i = 0; i < (sizeof(algorithms) / sizeof(algorithms[0]));
		     i++) {
			if (strcasecmp(value, algorithms[i].name) == 0) {
				/* A build may leave the algorithm out */
				auth->digest = digest_find(algorithms[i].digest);
				if (!auth->digest)
					return -EINVAL;
				auth->session = algorithms[i].session;
				auth->algorithm = algorithms[i].name;
				return 0;
			}
		}
		return -EINVAL;
	}
#undef HTTP_AUTH_PARAM_IS
	/* stale, domain, charset and unknown parameters need nothing */
	return 0;
}

/**
 * Read the challenges of a WWW-Authenticate value, keeping the best
 *
 * A value holds one or more challenges:
 *
 *     Digest realm="r", qop="auth", nonce="n", Basic realm="r"
 *
 * A challenge Ferry can answer replaces the one kept in auth if it is
 * stronger; any other challenge is skipped.  A malformed value ends
 * the reading at the point where it stops making sense.
 *
 * @v auth		Authentication state (the challenge kept so far)
 * @v value		WWW-Authenticate value
 * @ret rc		Return status code (only -ENOMEM: a value that
 *			offers nothing usable is not an error here)
 */
int http_auth_challenge(struct http_auth *auth, const char *value)
{
	struct http_auth candidate;
	const char *cursor = value;
	const char *scheme;
	const char *name;
	size_t scheme_len;
	size_t name_len;
	char *buf;
	int usable;
	int rc = 0;

	buf = heap_alloc(HTTP_AUTH_MAX_VALUE_LEN + 1);
	if (!buf)
		return -ENOMEM;
	while (*(cursor = http_auth_skip(cursor, 1))) {
		scheme = cursor;
		scheme_len = http_auth_token_len(scheme);
		if (!scheme_len)
			break;
		cursor += scheme_len;
		http_auth_init(&candidate);
		usable = 1;
		if (scheme_len == 5 && strncasecmp(scheme, "Basic", 5) == 0) {
			candidate.scheme = HTTP_AUTH_BASIC;
		} else if (scheme_len == 6 &&
			   strncasecmp(scheme, "Digest", 6) == 0) {
			candidate.scheme = HTTP_AUTH_DIGEST;
			candidate.digest = digest_find("md5");
		} else {
			usable = 0;
		}

		/* Parameters, up to the next scheme (a token with no '=') */
		cursor = http_auth_skip(cursor, 0);
		while (*(cursor = http_auth_skip(cursor, 1))) {
			name = cursor;
			name_len = http_auth_token_len(name);
			if (!name_len) {
				/* token68 ("Negotiate abc+/="): skip it */
				while (*cursor &&
				       (isalnum(*cursor) ||
					strchr(HTTP_AUTH_TOKEN68_CHARS,
					       *cursor)))
					cursor++;
				if (*cursor && *cursor != ',')
					goto out;
				continue;
			}
			cursor = http_auth_skip(name + name_len, 0);
			if (*cursor != '=') {
				if (*cursor && *cursor != ',') {
					/* The next challenge's scheme */
					cursor = name;
					break;
				}
				/* A bare token68 made of token characters */
				continue;
			}
			cursor = http_auth_skip(cursor + 1, 0);
			if (http_auth_read_value(
				    &cursor, buf,
				    (HTTP_AUTH_MAX_VALUE_LEN + 1)) < 0) {
				/* Too long or unterminated */
				usable = 0;
				if (!*cursor)
					break;
				continue;
			}
			if (usable && candidate.scheme == HTTP_AUTH_DIGEST) {
				rc = http_auth_digest_param(&candidate, name,
							    name_len, buf);
				if (rc == -ENOMEM) {
					http_auth_clear(&candidate);
					goto out;
				}
				if (rc != 0)
					usable = 0;
				rc = 0;
			}
		}
		/* Digest needs a nonce, and its algorithm built in */
		if (candidate.scheme == HTTP_AUTH_DIGEST &&
		    (!candidate.nonce || !candidate.digest))
			usable = 0;
		if (usable &&
		    http_auth_rank(&candidate) > http_auth_rank(auth)) {
			http_auth_clear(auth);
			*auth = candidate;
		} else {
			http_auth_clear(&candidate);
		}
	}
out:
	heap_free(buf);
	return rc;
}

/**
 * Hash some strings joined with ':' and write the digest in hex
 *
 * @v digest		Algorithm
 * @v hex		Buffer (2 * DIGEST_MAX_LEN + 1)
 * @v ...		Strings, ending with NULL
 */
static void http_auth_hash(struct digest_algorithm *digest, char *hex, ...)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t ctx[DIGEST_MAX_CTX / sizeof(uint64_t)];
	uint8_t out[DIGEST_MAX_LEN];
	const char *part;
	va_list args;
	size_t i;
	int first = 1;

	digest->init(ctx);
	va_start(args, hex);
	while ((part = va_arg(args, const char *))) {
		if (!first)
			digest->update(ctx, ":", 1);
		digest->update(ctx, part, strlen(part));
		first = 0;
	}
	va_end(args);
	digest->final(ctx, out);
	for (i = 0; i < digest->digest_len; i++) {
		hex[2 * i] = digits[out[i] >> 4];
		hex[2 * i + 1] = digits[out[i] & 0xf];
	}
	hex[2 * i] = '\0';
}

/**
 * Get ready to answer the challenge once more: a fresh client nonce
 * and the next nonce count
 *
 * The client nonce only has to differ between answers and be hard to
 * guess for an eavesdropper; the time, a counter and the server's
 * nonce hashed together are enough for that.
 *
 * @v auth		Authentication state
 */
void http_auth_prepare(struct http_auth *auth)
{
	static unsigned int counter;
	char hex[2 * DIGEST_MAX_LEN + 1];
	char seed[64];

	auth->nonce_count++;
	if (!auth->digest)
		return;
	http_append(seed, sizeof(seed), 0, "%llx-%x-%lx",
		    (unsigned long long)clock_ms(), ++counter,
		    (unsigned long)(uintptr_t)auth);
	http_auth_hash(auth->digest, hex, seed,
		       (auth->nonce ? auth->nonce : ""), NULL);
	memcpy(auth->cnonce, hex, HTTP_AUTH_CNONCE_LEN);
	auth->cnonce[HTTP_AUTH_CNONCE_LEN] = '\0';
}

/**
 * Compute the response of a Digest answer
 *
 * @v auth		Digest challenge (with the nonce count and client
 *			nonce set by http_auth_prepare())
 * @v method		Request method ("GET")
 * @v target		Request target, exactly as sent ("/dir/index.html")
 * @v user		User name
 * @v password		Password
 * @v response		Response in hex (2 * DIGEST_MAX_LEN + 1 bytes)
 * @ret rc		Return status code
 */
int http_auth_digest_response(const struct http_auth *auth, const char *method,
			      const char *target, const char *user,
			      const char *password, char *response)
{
	struct digest_algorithm *digest = auth->digest;
	char ha1[2 * DIGEST_MAX_LEN + 1];
	char ha2[2 * DIGEST_MAX_LEN + 1];
	char nc[9];
	const char *realm = (auth->realm ? auth->realm : "");

	if (auth->scheme != HTTP_AUTH_DIGEST || !digest || !auth->nonce)
		return -EINVAL;
	http_auth_hash(digest, ha1, user, realm, password, NULL);
	if (auth->session)
		http_auth_hash(digest, ha1, ha1, auth->nonce, auth->cnonce,
			       NULL);
	http_auth_hash(digest, ha2, method, target, NULL);
	if (auth->qop_auth) {
		http_append(nc, sizeof(nc), 0, "%08x", auth->nonce_count);
		http_auth_hash(digest, response, ha1, auth->nonce, nc,
			       auth->cnonce, "auth", ha2, NULL);
	} else {
		http_auth_hash(digest, response, ha1, auth->nonce, ha2, NULL);
	}
	return 0;
}

/**
 * Append a quoted string, escaping '"' and '\'
 *
 * @v buf		Buffer
 * @v len		Size of buffer
 * @v used		Length so far
 * @v text		Text
 * @ret used		New length (may exceed len)
 */
static size_t http_auth_append_quoted(char *buf, size_t len, size_t used,
				      const char *text)
{
	used = http_append(buf, len, used, "\"");
	for (; *text; text++) {
		if (*text == '"' || *text == '\\')
			used = http_append(buf, len, used, "\\");
		used = http_append(buf, len, used, "%c", *text);
	}
	return http_append(buf, len, used, "\"");
}

/**
 * Append "user:password" in base64 (RFC 4648, with padding)
 *
 * @v buf		Buffer
 * @v len		Size of buffer
 * @v used		Length so far
 * @v user		User name
 * @v password		Password
 * @ret used		New length (may exceed len)
 */
static size_t http_auth_append_basic(char *buf, size_t len, size_t used,
				     const char *user, const char *password)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t user_len = strlen(user);
	size_t total = (user_len + 1 + strlen(password));
	size_t i;
	size_t j;
	size_t group;
	uint32_t bits;
	uint8_t byte;

	for (i = 0; i < total; i += 3) {
		group = (((total - i) < 3) ? (total - i) : 3);
		bits = 0;
		for (j = 0; j < 3; j++) {
			byte = 0;
			if (j < group) {
				size_t at = (i + j);

				byte = ((at < user_len) ? user[at]
					: (at == user_len)
						? ':'
						: password[at - user_len - 1]);
			}
			bits = ((bits << 8) | byte);
		}
		for (j = 0; j < 4; j++) {
			used = http_append(
				buf, len, used, "%c",
				((j <= group)
					 ? alphabet[(bits >> (18 - 6 * j)) &
						    0x3f]
					 : '='));
		}
	}
	return used;
}

/**
 * Format the Authorization field answering the kept challenge
 *
 * @v auth		Authentication state (http_auth_prepare() called)
 * @v method		Request method
 * @v target		Request target, exactly as sent
 * @v user		User name (no control characters)
 * @v password		Password
 * @v buf		Buffer for "Authorization: ...\r\n" (NUL-terminated
 *			if len > 0)
 * @v len		Size of buffer
 * @ret used		Length of the field line (may exceed len - 1), or
 *			0 if there is no challenge to answer
 */
size_t http_auth_format(const struct http_auth *auth, const char *method,
			const char *target, const char *user,
			const char *password, char *buf, size_t len)
{
	char response[2 * DIGEST_MAX_LEN + 1];
	char username[2 * DIGEST_MAX_LEN + 1];
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	switch (auth->scheme) {
	case HTTP_AUTH_BASIC:
		used = http_append(buf, len, used, "Authorization: Basic ");
		used = http_auth_append_basic(buf, len, used, user, password);
		break;
	case HTTP_AUTH_DIGEST:
		if (http_auth_digest_response(auth, method, target, user,
					      password, response) != 0)
			return 0;
		used = http_append(buf, len, used,
				   "Authorization: Digest username=");
		if (auth->userhash) {
			http_auth_hash(auth->digest, username, user,
				       (auth->realm ? auth->realm : ""), NULL);
			used = http_auth_append_quoted(buf, len, used,
						       username);
		} else {
			used = http_auth_append_quoted(buf, len, used, user);
		}
		used = http_append(buf, len, used, ", realm=");
		used = http_auth_append_quoted(
			buf, len, used, (auth->realm ? auth->realm : ""));
		used = http_append(buf, len, used, ", nonce=");
		used = http_auth_append_quoted(buf, len, used, auth->nonce);
		used = http_append(buf, len, used, ", uri=");
		used = http_auth_append_quoted(buf, len, used, target);
		if (auth->algorithm) {
			used = http_append(buf, len, used, ", algorithm=%s",
					   auth->algorithm);
		}
		used = http_append(buf, len, used, ", response=\"%s\"",
				   response);
		if (auth->opaque) {
			used = http_append(buf, len, used, ", opaque=");
			used = http_auth_append_quoted(buf, len, used,
						       auth->opaque);
		}
		if (auth->qop_auth) {
			used = http_append(buf, len, used,
					   ", qop=auth, nc=%08x, cnonce=\"%s\"",
					   auth->nonce_count, auth->cnonce);
		}
		if (auth->userhash)
			used = http_append(buf, len, used, ", userhash=true");
		break;
	default:
		return 0;
	}
	return http_append(buf, len, used, "\r\n");
}

/** HTTP authentication: Basic and Digest */
struct http_authenticator http_auth_authenticator __http_authenticator = {
	.clear = http_auth_clear,
	.challenge = http_auth_challenge,
	.prepare = http_auth_prepare,
	.format = http_auth_format,
};
