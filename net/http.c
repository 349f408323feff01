/** @file
 *
 * HTTP/1.1 client (RFC 9110, RFC 9112; ranges RFC 9110 section 14)
 *
 * A request runs through these states, on one connection after
 * another:
 *
 *     CONNECT --> SEND --> HEADER --> BODY --> (finished)
 *        ^                               |
 *        +-- redirect, 401, resume ------+
 *
 * CONNECT takes a connection from the pool or opens one; SEND waits
 * for the transport's window and sends the request; HEADER collects
 * the response's header block (bounded) and decides what the response
 * means; BODY passes the body to the reader, or reads and drops the
 * small body of a redirect or a 401 so that the connection can be
 * reused for what comes next.
 *
 * The body is passed on without copying: a Content-Length body is the
 * transport's own buffers, trimmed; a chunked body is compacted in
 * place, which moves bytes only in the rare buffers that hold a chunk
 * boundary.  Every buffer goes to the reader with its offset in the
 * file (XFER_META_OFFSET) and the file's total size when known
 * (XFER_META_SIZE).
 *
 * When the connection breaks in the middle of the body (reset, closed
 * early, or silent for http_idle_timeout_ms), and the server said it
 * accepts byte ranges, the request reconnects and asks for the rest
 * ("Range: bytes=N-", with If-Range on the validator it was given),
 * and accepts only a 206 that continues exactly where the data
 * stopped.  Otherwise the error that broke the connection ends the
 * request.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include "net/http.h"
#include "net/uri.h"
#include "net/socket.h"
#include "net/resolv.h"
#include "core/xfer.h"
#include "core/iobuf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/ctype.h"
#include "core/errors.h"
#include "core/timer.h"
#include "core/process.h"
#include "core/printf.h"
#include "core/feature.h"
#include "script/params.h"

FEATURE("HTTP");

/** The HTTP port */
#define HTTP_PORT               80
/** Time without any data from the server before a request gives up */
#define HTTP_IDLE_TIMEOUT_MS    30000
/** Redirects followed at most */
#define HTTP_MAX_REDIRECTS      10
/** Times a broken download is resumed at most */
#define HTTP_MAX_RESUMES        5
/** Largest body of a redirect or a 401 read (and dropped) to keep the
 * connection; a larger one closes it */
#define HTTP_DISCARD_MAX_LEN    (64 * 1024)
/** First size of the header buffer */
#define HTTP_HEADER_INITIAL_LEN 1024
/** The User-Agent field */
#define HTTP_USER_AGENT         "Ferry/" VERSION
/** Characters left as they are in a request path (besides unreserved
 * ones): RFC 3986 pchar and '/', and '%' of existing escapes */
#define HTTP_PATH_KEEP          "/:@!$&'()*+,;=%"
/** Characters left as they are in a query */
#define HTTP_QUERY_KEEP         "/?:@!$&'()*+,;=%"
/** Characters a host name must not hold (besides controls and space) */
#define HTTP_HOST_FORBIDDEN     "\"<>\\^`{|}/?#@[]"

#define EINVAL_HTTP_URI ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_HTTP_URI, "HTTP URI needs a server");
#define EINVAL_HTTP_HOST ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_HTTP_HOST, "Invalid server name in HTTP URI");
#define EINVAL_HTTP_USER ERROR_CODE(ERRCLASS_EINVAL, 3)
ERROR_MESSAGE(EINVAL_HTTP_USER, "Invalid user name in HTTP URI");
#define EINVAL_HTTP_PARAM ERROR_CODE(ERRCLASS_EINVAL, 4)
ERROR_MESSAGE(EINVAL_HTTP_PARAM, "Invalid HTTP header parameter");
#define ENOTSUP_HTTP_AUTH ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_HTTP_AUTH,
	      "HTTP 401: no authentication scheme Ferry supports");
#define ENOTSUP_HTTP_CODING ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_HTTP_CODING, "Unsupported HTTP transfer coding");
#define ENOENT_HTTP_PARAMS ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_HTTP_PARAMS, "No such parameter list");
#define ENOENT_HTTP_404 ERROR_CODE(ERRCLASS_ENOENT, 2)
ERROR_MESSAGE(ENOENT_HTTP_404, "HTTP 404 Not Found");
#define ENOENT_HTTP_410 ERROR_CODE(ERRCLASS_ENOENT, 3)
ERROR_MESSAGE(ENOENT_HTTP_410, "HTTP 410 Gone");
#define EACCES_HTTP_403 ERROR_CODE(ERRCLASS_EACCES, 1)
ERROR_MESSAGE(EACCES_HTTP_403, "HTTP 403 Forbidden");
#define EACCES_HTTP_AUTH_NEEDED ERROR_CODE(ERRCLASS_EACCES, 2)
ERROR_MESSAGE(EACCES_HTTP_AUTH_NEEDED,
	      "HTTP 401: the server wants a user name and password");
#define EACCES_HTTP_AUTH_FAILED ERROR_CODE(ERRCLASS_EACCES, 3)
ERROR_MESSAGE(EACCES_HTTP_AUTH_FAILED, "HTTP 401: authentication failed");
#define EIO_HTTP_4XX ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_HTTP_4XX, "HTTP server refused the request (4xx)");
#define EIO_HTTP_5XX ERROR_CODE(ERRCLASS_EIO, 2)
ERROR_MESSAGE(EIO_HTTP_5XX, "HTTP server error (5xx)");
#define EIO_HTTP_500 ERROR_CODE(ERRCLASS_EIO, 3)
ERROR_MESSAGE(EIO_HTTP_500, "HTTP 500 Internal Server Error");
#define EIO_HTTP_502 ERROR_CODE(ERRCLASS_EIO, 4)
ERROR_MESSAGE(EIO_HTTP_502, "HTTP 502 Bad Gateway");
#define EIO_HTTP_503 ERROR_CODE(ERRCLASS_EIO, 5)
ERROR_MESSAGE(EIO_HTTP_503, "HTTP 503 Service Unavailable");
#define EIO_HTTP_504 ERROR_CODE(ERRCLASS_EIO, 6)
ERROR_MESSAGE(EIO_HTTP_504, "HTTP 504 Gateway Timeout");
#define EIO_HTTP_TRUNCATED ERROR_CODE(ERRCLASS_EIO, 7)
ERROR_MESSAGE(EIO_HTTP_TRUNCATED,
	      "HTTP connection closed before the end of the body");
#define EIO_HTTP_RESUME ERROR_CODE(ERRCLASS_EIO, 8)
ERROR_MESSAGE(EIO_HTTP_RESUME, "HTTP server did not resume the download");
#define ERANGE_HTTP_416 ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_HTTP_416, "HTTP 416 Range Not Satisfiable");
#define ELOOP_HTTP_REDIRECTS ERROR_CODE(ERRCLASS_ELOOP, 1)
ERROR_MESSAGE(ELOOP_HTTP_REDIRECTS, "Too many HTTP redirects");
#define EPROTO_HTTP_STATUS ERROR_CODE(ERRCLASS_EPROTO, 1)
ERROR_MESSAGE(EPROTO_HTTP_STATUS, "Unexpected HTTP response status");
#define EPROTO_HTTP_STATUS_LINE ERROR_CODE(ERRCLASS_EPROTO, 2)
ERROR_MESSAGE(EPROTO_HTTP_STATUS_LINE, "Malformed HTTP status line");
#define EPROTO_HTTP_HEADER ERROR_CODE(ERRCLASS_EPROTO, 3)
ERROR_MESSAGE(EPROTO_HTTP_HEADER, "Malformed HTTP response header");
#define EPROTO_HTTP_LENGTH ERROR_CODE(ERRCLASS_EPROTO, 4)
ERROR_MESSAGE(EPROTO_HTTP_LENGTH, "Invalid Content-Length in HTTP response");
#define EPROTO_HTTP_CHUNK ERROR_CODE(ERRCLASS_EPROTO, 5)
ERROR_MESSAGE(EPROTO_HTTP_CHUNK, "Malformed chunked HTTP body");
#define EPROTO_HTTP_RANGE ERROR_CODE(ERRCLASS_EPROTO, 6)
ERROR_MESSAGE(EPROTO_HTTP_RANGE, "HTTP server sent the wrong byte range");
#define EPROTO_HTTP_EXCESS ERROR_CODE(ERRCLASS_EPROTO, 7)
ERROR_MESSAGE(EPROTO_HTTP_EXCESS, "HTTP server sent more than announced");
#define EPROTO_HTTP_LOCATION ERROR_CODE(ERRCLASS_EPROTO, 8)
ERROR_MESSAGE(EPROTO_HTTP_LOCATION, "HTTP redirect without a valid Location");
#define EPROTO_HTTP_NO_RESPONSE ERROR_CODE(ERRCLASS_EPROTO, 9)
ERROR_MESSAGE(EPROTO_HTTP_NO_RESPONSE,
	      "HTTP server closed the connection without a response");
#define EPROTO_HTTP_PARTIAL ERROR_CODE(ERRCLASS_EPROTO, 10)
ERROR_MESSAGE(EPROTO_HTTP_PARTIAL,
	      "HTTP server closed the connection inside the header");
#define EPROTO_HTTP_EARLY ERROR_CODE(ERRCLASS_EPROTO, 11)
ERROR_MESSAGE(EPROTO_HTTP_EARLY, "HTTP server sent data before the request");
#define EMSGSIZE_HTTP_HEADER ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_HTTP_HEADER, "HTTP response header too long");
#define ETIMEDOUT_HTTP_IDLE ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_HTTP_IDLE, "HTTP server stopped sending (timed out)");
#define ETIMEDOUT_HTTP_CONNECT ERROR_CODE(ERRCLASS_ETIMEDOUT, 2)
ERROR_MESSAGE(ETIMEDOUT_HTTP_CONNECT,
	      "Could not connect to the HTTP server (timed out)");

/** Time without any data before a request gives up
 * (HTTP_IDLE_TIMEOUT_MS; tests shorten it) */
unsigned long http_idle_timeout_ms = HTTP_IDLE_TIMEOUT_MS;

/** Where a request is */
enum http_state {
	/** Needs a connection */
	HTTP_STATE_CONNECT = 0,
	/** Waiting for the transport to take the request */
	HTTP_STATE_SEND,
	/** Reading the response's header block */
	HTTP_STATE_HEADER,
	/** Reading the body */
	HTTP_STATE_BODY,
	/** Between responses (or finished) */
	HTTP_STATE_IDLE,
};

/** How the end of a body is found (RFC 9112 section 6.3) */
enum http_framing {
	/** No body */
	HTTP_FRAMING_NONE = 0,
	/** Content-Length bytes */
	HTTP_FRAMING_LENGTH,
	/** Chunked */
	HTTP_FRAMING_CHUNKED,
	/** Until the server closes the connection */
	HTTP_FRAMING_CLOSE,
};

/** What happens when a body has been read */
enum http_next {
	/** The download is complete */
	HTTP_NEXT_FINISH = 0,
	/** Follow the redirect */
	HTTP_NEXT_REDIRECT,
	/** Send the request again, answering the challenge */
	HTTP_NEXT_AUTH,
};

/** An HTTP request (one download, through redirects and resumes) */
struct http_request {
	/** Reference counter (must be first) */
	struct refcnt refcnt;
	/** Endpoint toward the reader */
	struct xfer xfer;
	/** Endpoint toward the transport */
	struct xfer socket;
	/** Connects and sends when there is work to do */
	struct process process;
	/** Idle timeout */
	struct timer timer;
	/** Current URI (the one the connection is for) */
	struct uri *uri;
	/** Its scheme */
	const struct http_scheme *scheme;
	/** Form and header parameters, or NULL */
	struct params *params;
	/** The request is a POST of the form parameters */
	int post;
	/** State */
	enum http_state state;
	/** The next connection must be new, not from the pool */
	int fresh;
	/** The current connection came from the pool */
	int reused;
	/** Bytes received on the current connection */
	uint64_t rx_len;

	/** Header block being collected (heap) */
	char *header;
	/** Bytes in it */
	size_t header_len;
	/** Its allocated size */
	size_t header_size;
	/** Length of the current header line (less CR) */
	size_t line_len;
	/** The response being read */
	struct http_response response;
	/** How its body ends */
	enum http_framing framing;
	/** Content-Length bytes still to come */
	uint64_t remaining;
	/** Chunked decoder */
	struct http_chunked chunked;
	/** The connection can carry another request after this body */
	int keep_alive;
	/** The body goes to the reader (else it is dropped) */
	int to_reader;
	/** Bytes of body dropped */
	size_t discarded;
	/** What follows the body */
	enum http_next next;
	/** Redirect target, or NULL */
	struct uri *redirect;

	/** Bytes of the file delivered to the reader */
	uint64_t position;
	/** Size of the file */
	uint64_t total;
	/** The size is known */
	int total_known;
	/** The server accepts byte ranges: a break can be resumed */
	int resumable;
	/** ETag or Last-Modified for If-Range (heap), or NULL */
	char *validator;
	/** Redirects followed */
	unsigned int redirects;
	/** Resumes made */
	unsigned int resumes;
	/** Challenge answered */
	struct http_auth auth;
	/** A 401 was answered for the current URI */
	int auth_answered;
	/** Finished */
	int finished;
};

/**
 * Append formatted text to a bounded buffer (snprintf() in steps)
 *
 * @v buf		Buffer (NUL-terminated if len > 0), or NULL
 * @v len		Size of buffer
 * @v used		Length of the text so far (may exceed len)
 * @v fmt		Format
 * @v ...		Arguments
 * @ret used		New length of the text (may exceed len)
 */
size_t http_append(char *buf, size_t len, size_t used, const char *fmt, ...)
{
	va_list args;
	int added;

	va_start(args, fmt);
	added = vsnprintf(((used < len) ? (buf + used) : NULL),
			  ((used < len) ? (len - used) : 0), fmt, args);
	va_end(args);
	return (used + ((added > 0) ? added : 0));
}

/**
 * Find an HTTP scheme
 *
 * @v name		Scheme name, or NULL
 * @ret scheme		Scheme, or NULL
 */
const struct http_scheme *http_find_scheme(const char *name)
{
	struct http_scheme *scheme;

	if (!name)
		return NULL;
	for_each_table_entry (scheme, HTTP_SCHEMES) {
		if (strcasecmp(scheme->name, name) == 0)
			return scheme;
	}
	return NULL;
}

/* ---- Parsers ------------------------------------------------------------ */

/**
 * Value of a hex digit
 *
 * @v character		Character
 * @ret value		Value, or -1
 */
static int http_hex_value(int character)
{
	if (isdigit(character))
		return (character - '0');
	character = tolower(character);
	if (character >= 'a' && character <= 'f')
		return (character - 'a' + 10);
	return -1;
}

/**
 * Parse a decimal number of at least one digit
 *
 * @v text		Text; moved past the digits
 * @v value		Value
 * @ret rc		Return status code (-ERANGE on overflow)
 */
static int http_parse_decimal(const char **text, uint64_t *value)
{
	const char *cursor = *text;
	uint64_t number = 0;
	unsigned int digit;

	if (!isdigit(*cursor))
		return -EINVAL;
	for (; isdigit(*cursor); cursor++) {
		digit = (*cursor - '0');
		if (number > ((UINT64_MAX - digit) / 10))
			return -ERANGE;
		number = (number * 10 + digit);
	}
	*text = cursor;
	*value = number;
	return 0;
}

/**
 * Skip optional whitespace (spaces and tabs)
 *
 * @v text		Text
 * @ret text		First other character
 */
static const char *http_skip_ows(const char *text)
{
	while (*text == ' ' || *text == '\t')
		text++;
	return text;
}

/**
 * Test whether a comma-separated list of tokens holds a token
 *
 * @v list		List
 * @v token		Token
 * @ret found		The list holds it (case-insensitively)
 */
static int http_list_has(const char *list, const char *token)
{
	size_t token_len = strlen(token);
	const char *end;

	while (*list) {
		list = http_skip_ows(list);
		for (end = list; *end && *end != ',' && *end != ' ' &&
				 *end != '\t' && *end != ';';
		     end++)
			;
		if ((size_t)(end - list) == token_len &&
		    strncasecmp(list, token, token_len) == 0)
			return 1;
		list = end;
		while (*list && *list != ',')
			list++;
		if (*list)
			list++;
	}
	return 0;
}

/**
 * Parse a Content-Length value
 *
 * A list of equal values ("42, 42") is accepted, as RFC 9112 section
 * 6.3 allows; anything else that is not one decimal number is not.
 *
 * @v value		Value
 * @v length		Length
 * @ret rc		Return status code
 */
static int http_parse_content_length(const char *value, uint64_t *length)
{
	uint64_t number = 0;
	int seen = 0;

	for (;;) {
		value = http_skip_ows(value);
		if (http_parse_decimal(&value, &number) != 0)
			return -EPROTO_HTTP_LENGTH;
		if (seen && number != *length)
			return -EPROTO_HTTP_LENGTH;
		*length = number;
		seen = 1;
		value = http_skip_ows(value);
		if (!*value)
			return 0;
		if (*value++ != ',')
			return -EPROTO_HTTP_LENGTH;
	}
}

/**
 * Parse a Content-Range value ("bytes 100-199/1000", or with "*" for
 * an unknown total)
 *
 * @v value		Value
 * @v range		Range
 * @ret rc		Return status code
 */
int http_parse_content_range(const char *value,
			     struct http_content_range *range)
{
	memset(range, 0, sizeof(*range));
	value = http_skip_ows(value);
	if (strncasecmp(value, "bytes", 5) != 0 ||
	    (value[5] != ' ' && value[5] != '\t'))
		return -EPROTO_HTTP_RANGE;
	value = http_skip_ows(value + 5);
	if (http_parse_decimal(&value, &range->first) != 0 || *value++ != '-' ||
	    http_parse_decimal(&value, &range->last) != 0 || *value++ != '/')
		return -EPROTO_HTTP_RANGE;
	if (*value == '*') {
		value++;
	} else {
		if (http_parse_decimal(&value, &range->total) != 0)
			return -EPROTO_HTTP_RANGE;
		range->total_known = 1;
	}
	if (*http_skip_ows(value))
		return -EPROTO_HTTP_RANGE;
	if (range->first > range->last ||
	    (range->total_known && range->last >= range->total))
		return -EPROTO_HTTP_RANGE;
	return 0;
}

/**
 * Parse a Transfer-Encoding value into a response
 *
 * The body is chunked if "chunked" is the last coding; "identity" is
 * ignored; any other coding cannot be decoded here.
 *
 * @v value		Value
 * @v response		Response
 * @ret rc		Return status code
 */
static int http_parse_transfer_encoding(const char *value,
					struct http_response *response)
{
	const char *end;
	size_t len;

	while (*(value = http_skip_ows(value))) {
		for (end = value; *end && *end != ',' && *end != ';' &&
				  *end != ' ' && *end != '\t';
		     end++)
			;
		len = (end - value);
		if (len == 7 && strncasecmp(value, "chunked", 7) == 0) {
			response->flags |= HTTP_RESPONSE_CHUNKED;
		} else if (len == 8 && strncasecmp(value, "identity", 8) == 0) {
			/* Nothing to undo */
		} else if (len) {
			return -ENOTSUP_HTTP_CODING;
		}
		while (*end && *end != ',')
			end++;
		value = (*end ? (end + 1) : end);
	}
	return 0;
}

/**
 * Take one header field
 *
 * @v response		Response
 * @v name		Field name
 * @v value		Field value (trimmed)
 * @ret rc		Return status code
 */
static int http_parse_field(struct http_response *response, const char *name,
			    const char *value)
{
	uint64_t length = 0;
	int rc;

	if (strcasecmp(name, "Content-Length") == 0) {
		rc = http_parse_content_length(value, &length);
		if (rc != 0)
			return rc;
		if ((response->flags & HTTP_RESPONSE_LENGTH) &&
		    length != response->content_length)
			return -EPROTO_HTTP_LENGTH;
		response->content_length = length;
		response->flags |= HTTP_RESPONSE_LENGTH;
	} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
		/* Only the last coding counts: a new field starts over */
		response->flags &= ~HTTP_RESPONSE_CHUNKED;
		return http_parse_transfer_encoding(value, response);
	} else if (strcasecmp(name, "Connection") == 0) {
		if (http_list_has(value, "close"))
			response->flags |= HTTP_RESPONSE_CLOSE;
		if (http_list_has(value, "keep-alive"))
			response->flags |= HTTP_RESPONSE_KEEP_ALIVE;
	} else if (strcasecmp(name, "Location") == 0) {
		if (!response->location)
			response->location = value;
	} else if (strcasecmp(name, "WWW-Authenticate") == 0) {
		if (response->num_challenges < HTTP_MAX_CHALLENGES)
			response->challenges[response->num_challenges++] =
				value;
	} else if (strcasecmp(name, "Accept-Ranges") == 0) {
		if (http_list_has(value, "bytes"))
			response->flags |= HTTP_RESPONSE_RANGES;
	} else if (strcasecmp(name, "Content-Range") == 0) {
		if (http_parse_content_range(value, &response->range) == 0)
			response->flags |= HTTP_RESPONSE_RANGE;
	} else if (strcasecmp(name, "ETag") == 0) {
		response->etag = value;
	} else if (strcasecmp(name, "Last-Modified") == 0) {
		response->last_modified = value;
	}
	return 0;
}

/**
 * Parse a status line ("HTTP/1.1 200 OK")
 *
 * @v line		Line (without its line end)
 * @v response		Response
 * @ret rc		Return status code
 */
static int http_parse_status_line(const char *line,
				  struct http_response *response)
{
	if (strncmp(line, "HTTP/1.", 7) != 0 || !isdigit(line[7]) ||
	    line[8] != ' ')
		return -EPROTO_HTTP_STATUS_LINE;
	response->version_minor = (line[7] - '0');
	line += 9;
	if (!isdigit(line[0]) || !isdigit(line[1]) || !isdigit(line[2]) ||
	    (line[3] && line[3] != ' '))
		return -EPROTO_HTTP_STATUS_LINE;
	response->status = ((line[0] - '0') * 100 + (line[1] - '0') * 10 +
			    (line[2] - '0'));
	if (response->status < 100 || response->status > 599)
		return -EPROTO_HTTP_STATUS_LINE;
	return 0;
}

/**
 * Parse a response's header block
 *
 * The block is the status line and the field lines up to and including
 * the empty line (lines may end in CRLF or a bare LF).  It is cut in
 * place into NUL-terminated pieces that the response points into.
 * Folded lines (obs-fold) are joined with spaces, as RFC 9112 section
 * 5.2 asks; lines without a colon are ignored.
 *
 * @v block		Header block, with a NUL at block[len]
 * @v len		Length
 * @v response		Response
 * @ret rc		Return status code
 */
int http_parse_response(char *block, size_t len, struct http_response *response)
{
	char *end = (block + len);
	char *line;
	char *eol;
	char *colon;
	char *name_end;
	char *value;
	char *value_end;
	size_t i;
	int rc;

	memset(response, 0, sizeof(*response));
	if (memchr(block, '\0', len))
		return -EPROTO_HTTP_HEADER;
	/* Join folded lines: a line end followed by a space or tab */
	for (i = 1; (i + 1) < len; i++) {
		if (block[i] == '\n' &&
		    (block[i + 1] == ' ' || block[i + 1] == '\t')) {
			block[i] = ' ';
			if (block[i - 1] == '\r')
				block[i - 1] = ' ';
		}
	}

	for (line = block; line < end; line = (eol + 1)) {
		eol = memchr(line, '\n', (end - line));
		if (!eol)
			eol = end;
		*eol = '\0';
		if (eol > line && eol[-1] == '\r')
			eol[-1] = '\0';
		if (line == block) {
			rc = http_parse_status_line(line, response);
			if (rc != 0)
				return rc;
			continue;
		}
		if (!*line)
			break;
		colon = strchr(line, ':');
		if (!colon || colon == line)
			continue;
		/* Whitespace before the colon is not allowed; drop it */
		for (name_end = colon;
		     name_end > line &&
		     (name_end[-1] == ' ' || name_end[-1] == '\t');
		     name_end--)
			;
		*name_end = '\0';
		value = (char *)http_skip_ows(colon + 1);
		value_end = (value + strlen(value));
		while (value_end > value &&
		       (value_end[-1] == ' ' || value_end[-1] == '\t'))
			*(--value_end) = '\0';
		rc = http_parse_field(response, line, value);
		if (rc != 0)
			return rc;
	}

	/* Transfer-Encoding overrides Content-Length, and a message with
	 * both may be an attack: use chunked, then close (RFC 9112 6.3)
	 */
	if ((response->flags & HTTP_RESPONSE_CHUNKED) &&
	    (response->flags & HTTP_RESPONSE_LENGTH)) {
		response->flags &= ~HTTP_RESPONSE_LENGTH;
		response->flags |= HTTP_RESPONSE_CLOSE;
	}
	/* HTTP/1.0 closes unless asked to keep the connection */
	if (response->version_minor == 0 &&
	    !(response->flags & HTTP_RESPONSE_KEEP_ALIVE))
		response->flags |= HTTP_RESPONSE_CLOSE;
	return 0;
}

/**
 * Start decoding a chunked body
 *
 * @v chunked		Decoder
 */
void http_chunked_init(struct http_chunked *chunked)
{
	memset(chunked, 0, sizeof(*chunked));
	chunked->state = HTTP_CHUNK_SIZE;
}

/**
 * Decode some of a chunked body, in place
 *
 * The data of the chunks is moved to the start of the buffer (it does
 * not move at all while the buffer holds no chunk framing before it),
 * so the caller can pass the same buffer on, trimmed to data_len.
 * Chunk extensions and trailer fields are skipped, within bounds.
 * Input after the end of the body is left alone: used says where it
 * starts.
 *
 * @v chunked		Decoder
 * @v data		Received bytes (overwritten with the data)
 * @v len		Number of bytes
 * @v data_len		Bytes of chunk data now at the start of data
 * @v used		Bytes of input that belonged to the body
 * @ret rc		Return status code
 */
int http_chunked_decode(struct http_chunked *chunked, void *data, size_t len,
			size_t *data_len, size_t *used)
{
	uint8_t *in = data;
	uint8_t *out = data;
	uint8_t *end = (in + len);
	uint64_t run;
	uint8_t character;
	int digit;

	*data_len = *used = 0;
	while (in < end && chunked->state != HTTP_CHUNK_DONE) {
		if (chunked->state == HTTP_CHUNK_DATA) {
			run = (end - in);
			if (run > chunked->remaining)
				run = chunked->remaining;
			if (out != in)
				memmove(out, in, run);
			out += run;
			in += run;
			chunked->remaining -= run;
			if (!chunked->remaining)
				chunked->state = HTTP_CHUNK_DATA_END;
			continue;
		}
		character = *(in++);
		switch (chunked->state) {
		case HTTP_CHUNK_SIZE:
			if (++chunked->line_len > HTTP_MAX_CHUNK_LINE_LEN)
				return -EPROTO_HTTP_CHUNK;
			digit = http_hex_value(character);
			if (digit >= 0) {
				if (chunked->remaining > (UINT64_MAX >> 4))
					return -EPROTO_HTTP_CHUNK;
				chunked->remaining =
					((chunked->remaining << 4) | digit);
				chunked->digits++;
				break;
			}
			if (!chunked->digits)
				return -EPROTO_HTTP_CHUNK;
			if (character == '\n')
				goto size_done;
			if (character != ';' && character != ' ' &&
			    character != '\t' && character != '\r')
				return -EPROTO_HTTP_CHUNK;
			chunked->state = HTTP_CHUNK_EXTENSION;
			break;
		case HTTP_CHUNK_EXTENSION:
			if (character == '\n')
				goto size_done;
			if (++chunked->line_len > HTTP_MAX_CHUNK_LINE_LEN)
				return -EPROTO_HTTP_CHUNK;
			break;
		case HTTP_CHUNK_DATA_END:
			if (character == '\r') {
				chunked->state = HTTP_CHUNK_DATA_LF;
				break;
			}
			/* A bare LF ends the data too */
			/* fall through */
		case HTTP_CHUNK_DATA_LF:
			if (character != '\n')
				return -EPROTO_HTTP_CHUNK;
			chunked->state = HTTP_CHUNK_SIZE;
			chunked->remaining = 0;
			chunked->digits = 0;
			chunked->line_len = 0;
			break;
		case HTTP_CHUNK_TRAILER_START:
		case HTTP_CHUNK_TRAILER:
		case HTTP_CHUNK_TRAILER_LF:
			if (++chunked->trailer_len > HTTP_MAX_TRAILER_LEN)
				return -EPROTO_HTTP_CHUNK;
			if (chunked->state == HTTP_CHUNK_TRAILER_LF) {
				if (character != '\n')
					return -EPROTO_HTTP_CHUNK;
				chunked->state = HTTP_CHUNK_DONE;
			} else if (character == '\n') {
				chunked->state =
					((chunked->state ==
					  HTTP_CHUNK_TRAILER_START)
						 ? HTTP_CHUNK_DONE
						 : HTTP_CHUNK_TRAILER_START);
			} else if (character == '\r' &&
				   chunked->state == HTTP_CHUNK_TRAILER_START) {
				chunked->state = HTTP_CHUNK_TRAILER_LF;
			} else {
				chunked->state = HTTP_CHUNK_TRAILER;
			}
			break;
		default:
			return -EPROTO_HTTP_CHUNK;
		}
		continue;
	size_done:
		/* The chunk-size line is complete */
		chunked->line_len = 0;
		chunked->state =
			(chunked->remaining ? HTTP_CHUNK_DATA
					    : HTTP_CHUNK_TRAILER_START);
	}
	*data_len = (out - (uint8_t *)data);
	*used = (in - (uint8_t *)data);
	return 0;
}

/**
 * Format the request target (path and query) of a URI
 *
 * Characters that may not appear in a request target are
 * percent-encoded; existing escapes are kept.
 *
 * @v uri		URI
 * @v buf		Buffer (NUL-terminated if len > 0), or NULL
 * @v len		Size of buffer
 * @ret used		Length of the target (may exceed len - 1)
 */
size_t http_format_target(const struct uri *uri, char *buf, size_t len)
{
	const char *path = ((uri->path && uri->path[0]) ? uri->path : "/");
	size_t used;

	used = uri_encode(path, buf, len, HTTP_PATH_KEEP);
	if (uri->query) {
		used = http_append(buf, len, used, "?");
		used += uri_encode(
			uri->query, ((used < len) ? (buf + used) : NULL),
			((used < len) ? (len - used) : 0), HTTP_QUERY_KEEP);
	}
	return used;
}

/* ---- Requests --------------------------------------------------------- */

static void http_finish(struct http_request *http, int rc);
static void http_lost(struct http_request *http, int rc);

/**
 * Find HTTP authentication, if this build has it (net/http_auth.c)
 *
 * @ret authenticator	Authenticator, or NULL
 */
static struct http_authenticator *http_authenticator(void)
{
	if (!table_num_entries(HTTP_AUTHENTICATORS))
		return NULL;
	return table_start(HTTP_AUTHENTICATORS);
}

/**
 * Forget a request's kept challenge
 *
 * @v http		Request
 */
static void http_auth_forget(struct http_request *http)
{
	struct http_authenticator *authenticator = http_authenticator();

	if (authenticator)
		authenticator->clear(&http->auth);
}

/**
 * Free a request
 *
 * @v refcnt		Reference counter
 */
static void http_free(struct refcnt *refcnt)
{
	struct http_request *http =
		container_of(refcnt, struct http_request, refcnt);

	uri_put(http->uri);
	uri_put(http->redirect);
	if (http->params)
		params_put(http->params);
	http_auth_forget(http);
	heap_free(http->header);
	heap_free(http->validator);
	heap_free(http);
}

/**
 * Test whether text is free of control characters
 *
 * @v text		Text
 * @v allow_tab		A horizontal tab is allowed
 * @ret ok		Text has no control characters
 */
static int http_text_ok(const char *text, int allow_tab)
{
	for (; *text; text++) {
		if (((unsigned char)*text < 0x20 &&
		     !(allow_tab && *text == '\t')) ||
		    *text == 0x7f)
			return 0;
	}
	return 1;
}

/**
 * Test whether text is a token (RFC 9110 section 5.6.2), e.g. a field
 * name
 *
 * @v text		Text
 * @ret ok		Text is a non-empty token
 */
static int http_token_ok(const char *text)
{
	if (!*text)
		return 0;
	for (; *text; text++) {
		if (!isalnum(*text) && !strchr("!#$%&'*+-.^_`|~", *text))
			return 0;
	}
	return 1;
}

/**
 * Check the parts of a URI that go into the request as they are
 *
 * The host and user name are decoded from the URI, so "%0d%0a" in them
 * would otherwise become a line end in the request.
 *
 * @v uri		URI
 * @ret rc		Return status code
 */
static int http_check_uri(const struct uri *uri)
{
	const char *host = uri->host;

	if (!host || !host[0])
		return -EINVAL_HTTP_URI;
	for (; *host; host++) {
		if ((unsigned char)*host <= ' ' || *host == 0x7f ||
		    strchr(HTTP_HOST_FORBIDDEN, *host))
			return -EINVAL_HTTP_HOST;
	}
	if (uri->user && !http_text_ok(uri->user, 0))
		return -EINVAL_HTTP_USER;
	return 0;
}

/**
 * Find the parameter list a URI names ("...##params=name")
 *
 * The URI's fragment is "#params" for the default list or
 * "#params=name" for a named one.
 *
 * @v uri		URI
 * @v params		List (a reference for the caller), or NULL if the
 *			URI names none
 * @ret rc		Return status code
 */
static int http_find_params(const struct uri *uri, struct params **params)
{
	const char *fragment = uri->fragment;
	const char *name = NULL;
	struct params *found;
	struct param *param;

	*params = NULL;
	if (!fragment || strncmp(fragment, "#params", 7) != 0)
		return 0;
	if (fragment[7] == '=')
		name = (fragment + 8);
	else if (fragment[7])
		return 0;
	found = params_find(name);
	if (!found)
		return -ENOENT_HTTP_PARAMS;
	list_for_each_entry (param, &found->entries, list) {
		if (!http_text_ok(param->value, 1))
			return -EINVAL_HTTP_PARAM;
		if ((param->flags & PARAM_HEADER) && !http_token_ok(param->key))
			return -EINVAL_HTTP_PARAM;
	}
	*params = params_get(found);
	return 0;
}

/**
 * Format the form body ("key=value&key=value", each part encoded)
 *
 * @v http		Request
 * @v buf		Buffer (NUL-terminated if len > 0), or NULL
 * @v len		Size of buffer
 * @v used		Length so far
 * @ret used		New length (may exceed len)
 */
static size_t http_format_form(struct http_request *http, char *buf, size_t len,
			       size_t used)
{
	struct param *param;
	int first = 1;

	list_for_each_entry (param, &http->params->entries, list) {
		if (!(param->flags & PARAM_FORM))
			continue;
		if (!first)
			used = http_append(buf, len, used, "&");
		first = 0;
		used += uri_encode(param->key,
				   ((used < len) ? (buf + used) : NULL),
				   ((used < len) ? (len - used) : 0), NULL);
		used = http_append(buf, len, used, "=");
		used += uri_encode(param->value,
				   ((used < len) ? (buf + used) : NULL),
				   ((used < len) ? (len - used) : 0), NULL);
	}
	return used;
}

/**
 * Format the request
 *
 * @v http		Request
 * @v target		Request target
 * @v buf		Buffer (NUL-terminated if len > 0), or NULL
 * @v len		Size of buffer
 * @ret used		Length of the request (may exceed len - 1)
 */
static size_t http_format_request(struct http_request *http, const char *target,
				  char *buf, size_t len)
{
	struct uri *uri = http->uri;
	const char *method = (http->post ? "POST" : "GET");
	struct http_authenticator *authenticator;
	struct param *param;
	size_t used = 0;

	used = http_append(buf, len, used, "%s %s HTTP/1.1\r\n", method,
			   target);
	used = http_append(buf, len, used,
			   (strchr(uri->host, ':') ? "Host: [%s]" : "Host: %s"),
			   uri->host);
	if (uri_port(uri, http->scheme->port) != http->scheme->port)
		used = http_append(buf, len, used, ":%u",
				   uri_port(uri, http->scheme->port));
	used = http_append(buf, len, used, "\r\nUser-Agent: %s\r\n",
			   HTTP_USER_AGENT);
	if (http->position) {
		used = http_append(buf, len, used, "Range: bytes=%llu-\r\n",
				   (unsigned long long)http->position);
		if (http->validator)
			used = http_append(buf, len, used, "If-Range: %s\r\n",
					   http->validator);
	}
	if (http->auth.scheme != HTTP_AUTH_NONE && uri->user &&
	    (authenticator = http_authenticator())) {
		used += authenticator->format(&http->auth, method, target,
					 uri->user,
					 (uri->password ? uri->password : ""),
					 ((used < len) ? (buf + used) : NULL),
					 ((used < len) ? (len - used) : 0));
	}
	if (http->params) {
		list_for_each_entry (param, &http->params->entries, list) {
			if (param->flags & PARAM_HEADER)
				used = http_append(buf, len, used, "%s: %s\r\n",
						   param->key, param->value);
		}
	}
	if (http->post) {
		used = http_append(buf, len, used,
				   "Content-Type: "
				   "application/x-www-form-urlencoded\r\n"
				   "Content-Length: %zu\r\n",
				   http_format_form(http, NULL, 0, 0));
	}
	used = http_append(buf, len, used, "\r\n");
	if (http->post)
		used = http_format_form(http, buf, len, used);
	return used;
}

/**
 * Send the request
 *
 * @v http		Request
 * @ret rc		Return status code
 */
static int http_send_request(struct http_request *http)
{
	struct io_buffer *iob;
	char *target;
	size_t target_len;
	size_t len;
	int rc;

	target_len = http_format_target(http->uri, NULL, 0);
	target = heap_alloc(target_len + 1);
	if (!target)
		return -ENOMEM;
	http_format_target(http->uri, target, (target_len + 1));
	if (http->auth.scheme != HTTP_AUTH_NONE && http_authenticator())
		http_authenticator()->prepare(&http->auth);
	len = http_format_request(http, target, NULL, 0);
	iob = xfer_alloc_iob(&http->socket, (len + 1));
	if (!iob) {
		rc = -ENOMEM;
		goto out;
	}
	http_format_request(http, target, iob_put(iob, len), (len + 1));

	/* Ready for the response before the request goes out */
	http->state = HTTP_STATE_HEADER;
	http->header_len = 0;
	http->line_len = 0;
	process_del(&http->process);
	rc = xfer_deliver(&http->socket, iob, NULL);
out:
	heap_free(target);
	return rc;
}

/**
 * (Re)start the idle timer
 *
 * @v http		Request
 */
static void http_touch(struct http_request *http)
{
	timer_start(&http->timer, http_idle_timeout_ms);
}

/**
 * Get a connection for the current URI
 *
 * @v http		Request
 * @ret rc		Return status code
 */
static int http_connect(struct http_request *http)
{
	int rc;

	http->rx_len = 0;
	rc = http_connection_open(&http->socket, http->scheme, http->uri,
				  http->fresh, &http->reused);
	http->fresh = 0;
	if (rc != 0)
		return rc;
	http->state = HTTP_STATE_SEND;
	process_add(&http->process);
	http_touch(http);
	return 0;
}

/**
 * Send the request if the transport can take it now
 *
 * @v http		Request
 */
static void http_try_send(struct http_request *http)
{
	int rc;

	if (http->state != HTTP_STATE_SEND || !xfer_window(&http->socket))
		return;
	rc = http_send_request(http);
	if (rc != 0)
		http_lost(http, rc);
}

/**
 * Do what is pending: connect, or send
 *
 * @v process		Process
 */
static void http_step(struct process *process)
{
	struct http_request *http =
		container_of(process, struct http_request, process);
	int rc;

	ref_get(&http->refcnt);
	if (http->state == HTTP_STATE_CONNECT) {
		rc = http_connect(http);
		if (rc != 0)
			http_finish(http, rc);
	}
	if (http->state == HTTP_STATE_SEND)
		http_try_send(http);
	else
		process_del(&http->process);
	ref_put(&http->refcnt);
}

/**
 * Schedule a new connection and request
 *
 * @v http		Request
 */
static void http_reconnect(struct http_request *http)
{
	http->state = HTTP_STATE_CONNECT;
	process_add(&http->process);
}

/**
 * Finish the request
 *
 * @v http		Request
 * @v rc		Status
 */
static void http_finish(struct http_request *http, int rc)
{
	if (http->finished)
		return;
	http->finished = 1;
	http->state = HTTP_STATE_IDLE;
	timer_stop(&http->timer);
	process_del(&http->process);
	xfer_close(&http->socket, rc);
	xfer_close(&http->xfer, rc);
}

/**
 * The error for a status that ends the request
 *
 * @v status		Status code
 * @ret rc		Error
 */
static int http_status_error(unsigned int status)
{
	switch (status) {
	case 403:
		return -EACCES_HTTP_403;
	case 404:
		return -ENOENT_HTTP_404;
	case 410:
		return -ENOENT_HTTP_410;
	case 416:
		return -ERANGE_HTTP_416;
	case 500:
		return -EIO_HTTP_500;
	case 502:
		return -EIO_HTTP_502;
	case 503:
		return -EIO_HTTP_503;
	case 504:
		return -EIO_HTTP_504;
	}
	if (status >= 500)
		return -EIO_HTTP_5XX;
	if (status >= 400)
		return -EIO_HTTP_4XX;
	return -EPROTO_HTTP_STATUS;
}

/**
 * Keep the validator of a full response, for If-Range
 *
 * A strong ETag is preferred; a weak one cannot be used with If-Range
 * (RFC 9110 section 13.1.5), so Last-Modified is the fallback.
 *
 * @v http		Request
 * @v response		Response
 * @ret rc		Return status code
 */
static int http_keep_validator(struct http_request *http,
			       const struct http_response *response)
{
	const char *validator = NULL;

	heap_free(http->validator);
	http->validator = NULL;
	if (response->etag && strncmp(response->etag, "W/", 2) != 0)
		validator = response->etag;
	else if (response->last_modified)
		validator = response->last_modified;
	if (!validator || strlen(validator) > HTTP_MAX_VALIDATOR_LEN ||
	    !http_text_ok(validator, 1))
		return 0;
	http->validator = strdup(validator);
	return (http->validator ? 0 : -ENOMEM);
}

/**
 * Take a successful (2xx) response: its body is the file
 *
 * @v http		Request
 * @ret rc		Return status code
 */
static int http_rx_success(struct http_request *http)
{
	struct http_response *response = &http->response;
	struct http_content_range *range = &response->range;

	if (http->position) {
		/* A resume: only the rest of the same file will do */
		if (response->status != 206)
			return -EIO_HTTP_RESUME;
		if (!(response->flags & HTTP_RESPONSE_RANGE) ||
		    range->first != http->position || !range->total_known ||
		    range->total != http->total ||
		    range->last != (http->total - 1))
			return -EPROTO_HTTP_RANGE;
		if (http->framing == HTTP_FRAMING_LENGTH &&
		    response->content_length !=
			    (range->last - range->first + 1))
			return -EPROTO_HTTP_LENGTH;
	} else {
		/* Ranges were not asked for */
		if (response->status == 206)
			return -EPROTO_HTTP_STATUS;
		http->total_known = (http->framing == HTTP_FRAMING_LENGTH);
		http->total =
			(http->total_known ? response->content_length : 0);
		http->resumable = ((response->flags & HTTP_RESPONSE_RANGES) &&
				   http->total_known && !http->post);
		if (http_keep_validator(http, response) != 0)
			return -ENOMEM;
	}
	http->to_reader = 1;
	http->next = HTTP_NEXT_FINISH;
	return 0;
}

/**
 * Take a redirect (301, 302, 303, 307, 308)
 *
 * @v http		Request
 * @ret rc		Return status code
 */
static int http_rx_redirect(struct http_request *http)
{
	struct http_response *response = &http->response;
	struct uri *location;

	if (!response->location || !response->location[0])
		return -EPROTO_HTTP_LOCATION;
	if (++http->redirects > HTTP_MAX_REDIRECTS)
		return -ELOOP_HTTP_REDIRECTS;
	location = uri_parse(response->location);
	if (!location)
		return -EPROTO_HTTP_LOCATION;
	uri_put(http->redirect);
	http->redirect = uri_resolve(http->uri, location);
	uri_put(location);
	if (!http->redirect)
		return -ENOMEM;
	/* 303 asks for a GET; after a POST, 301 and 302 become GETs too,
	 * as every browser does (RFC 9110 section 15.4); 307 and 308 keep
	 * the method and body
	 */
	if (response->status == 303 ||
	    (http->post &&
	     (response->status == 301 || response->status == 302)))
		http->post = 0;
	http->next = HTTP_NEXT_REDIRECT;
	return 0;
}

/**
 * Take a 401: answer the challenge once, if there are credentials
 *
 * @v http		Request
 * @ret rc		Return status code
 */
static int http_rx_unauthorized(struct http_request *http)
{
	struct http_authenticator *authenticator = http_authenticator();
	struct http_response *response = &http->response;
	unsigned int i;
	int rc;

	if (!http->uri->user)
		return -EACCES_HTTP_AUTH_NEEDED;
	if (http->auth_answered)
		return -EACCES_HTTP_AUTH_FAILED;
	http_auth_forget(http);
	if (!authenticator)
		return -ENOTSUP_HTTP_AUTH;
	for (i = 0; i < response->num_challenges; i++) {
		rc = authenticator->challenge(&http->auth,
					      response->challenges[i]);
		if (rc != 0)
			return rc;
	}
	if (http->auth.scheme == HTTP_AUTH_NONE)
		return -ENOTSUP_HTTP_AUTH;
	http->auth_answered = 1;
	http->next = HTTP_NEXT_AUTH;
	return 0;
}

/**
 * Follow a redirect
 *
 * A target the HTTP engine speaks (http, https) is fetched by this
 * request, on a pooled connection if there is one.  Any other scheme
 * is handed to its own opener, plugged straight into the reader.
 *
 * @v http		Request
 * @ret rc		Return status code
 */
static int http_follow_redirect(struct http_request *http)
{
	struct uri *target = http->redirect;
	const struct http_scheme *scheme;
	struct xfer *reader;
	int rc;

	http->redirect = NULL;
	scheme = http_find_scheme(target->scheme);
	if (!scheme) {
		reader = http->xfer.peer;
		if (!reader) {
			uri_put(target);
			return 0;
		}
		ref_get(reader->refcnt);
		rc = xfer_open_uri(reader, target);
		uri_put(target);
		if (rc == 0)
			http_finish(http, 0);
		ref_put(reader->refcnt);
		return rc;
	}
	rc = http_check_uri(target);
	if (rc != 0) {
		uri_put(target);
		return rc;
	}
	uri_put(http->uri);
	http->uri = target;
	http->scheme = scheme;
	/* Credentials belong to the URI they came with */
	http_auth_forget(http);
	http->auth_answered = 0;
	http_reconnect(http);
	return 0;
}

/**
 * The body (or the lack of one) has been read: move on
 *
 * @v http		Request
 */
static void http_body_done(struct http_request *http)
{
	int rc;

	http->state = HTTP_STATE_IDLE;
	if (http->keep_alive)
		http_connection_release(&http->socket, http->scheme, http->uri);
	else
		xfer_close(&http->socket, 0);
	switch (http->next) {
	case HTTP_NEXT_REDIRECT:
		rc = http_follow_redirect(http);
		if (rc != 0)
			http_finish(http, rc);
		break;
	case HTTP_NEXT_AUTH:
		http_reconnect(http);
		break;
	default:
		http_finish(http, 0);
		break;
	}
}

/**
 * A header block is complete: decide what the response means
 *
 * @v http		Request
 * @v leftover		Bytes received after the block so far
 * @ret rc		Return status code
 */
static int http_rx_response(struct http_request *http, size_t leftover)
{
	struct http_response *response = &http->response;
	unsigned int status;
	int rc;

	rc = http_parse_response(http->header, http->header_len, response);
	http->header_len = 0;
	if (rc != 0)
		return rc;
	status = response->status;

	/* Interim responses (100 Continue, 103 Early Hints): the real
	 * one follows
	 */
	if (status < 200) {
		if (status == 101)
			return -EPROTO_HTTP_STATUS;
		return 0;
	}

	/* How the body ends */
	if (status == 204 || status == 304) {
		http->framing = HTTP_FRAMING_NONE;
	} else if (response->flags & HTTP_RESPONSE_CHUNKED) {
		http->framing = HTTP_FRAMING_CHUNKED;
		http_chunked_init(&http->chunked);
	} else if (response->flags & HTTP_RESPONSE_LENGTH) {
		http->framing = HTTP_FRAMING_LENGTH;
		http->remaining = response->content_length;
		if (!http->remaining)
			http->framing = HTTP_FRAMING_NONE;
	} else {
		http->framing = HTTP_FRAMING_CLOSE;
	}
	http->keep_alive = (!(response->flags & HTTP_RESPONSE_CLOSE) &&
			    http->framing != HTTP_FRAMING_CLOSE);
	http->to_reader = 0;
	http->discarded = 0;

	/* What the status means */
	if (status < 300) {
		rc = http_rx_success(http);
	} else if (status == 301 || status == 302 || status == 303 ||
		   status == 307 || status == 308) {
		rc = http_rx_redirect(http);
	} else if (status == 401) {
		rc = http_rx_unauthorized(http);
	} else {
		rc = http_status_error(status);
	}
	if (rc != 0)
		return rc;

	http->state = HTTP_STATE_BODY;
	if (http->framing == HTTP_FRAMING_NONE) {
		/* Anything after a body-less response is not HTTP */
		if (leftover)
			http->keep_alive = 0;
		http_body_done(http);
	} else if (!http->to_reader &&
		   (http->framing == HTTP_FRAMING_CLOSE ||
		    (http->framing == HTTP_FRAMING_LENGTH &&
		     http->remaining > HTTP_DISCARD_MAX_LEN))) {
		/* Not worth reading to keep the connection */
		http->keep_alive = 0;
		http_body_done(http);
	}
	return 0;
}

/**
 * Collect header bytes
 *
 * Bytes up to the end of the header block are copied out of the
 * buffer and pulled off it; what is left is the start of the body.
 *
 * @v http		Request
 * @v iob		Received data
 * @ret rc		Return status code
 */
static int http_rx_header(struct http_request *http, struct io_buffer *iob)
{
	const char *data = iob->data;
	size_t len = iob_len(iob);
	size_t skip = 0;
	size_t take;
	size_t size;
	char *grown;
	int complete = 0;

	/* Line ends before a status line are ignored */
	if (!http->header_len) {
		while (skip < len && (data[skip] == '\r' || data[skip] == '\n'))
			skip++;
		if (skip == len) {
			iob_pull(iob, len);
			return 0;
		}
	}
	for (take = skip; take < len && !complete; take++) {
		if (data[take] == '\n') {
			complete = (http->line_len == 0);
			http->line_len = 0;
		} else if (data[take] != '\r') {
			http->line_len++;
		}
	}
	take -= skip;
	if ((http->header_len + take) > HTTP_MAX_HEADER_LEN)
		return -EMSGSIZE_HTTP_HEADER;
	if ((http->header_len + take + 1) > http->header_size) {
		size = (http->header_size ? http->header_size
					  : HTTP_HEADER_INITIAL_LEN);
		while (size < (http->header_len + take + 1))
			size *= 2;
		grown = heap_realloc(http->header, size);
		if (!grown)
			return -ENOMEM;
		http->header = grown;
		http->header_size = size;
	}
	memcpy(http->header + http->header_len, data + skip, take);
	http->header_len += take;
	http->header[http->header_len] = '\0';
	iob_pull(iob, (skip + take));
	if (!complete)
		return 0;
	http->line_len = 0;
	return http_rx_response(http, iob_len(iob));
}

/**
 * Take body bytes
 *
 * @v http		Request
 * @v iob		Body bytes (owned by this call from now on)
 * @ret rc		Return status code
 */
static int http_rx_body(struct http_request *http, struct io_buffer *iob)
{
	struct xfer_metadata meta;
	size_t len = iob_len(iob);
	size_t data_len;
	size_t used;
	int done = 0;
	int rc;

	switch (http->framing) {
	case HTTP_FRAMING_LENGTH:
		if (len >= http->remaining) {
			/* Anything after the body is not ours to read */
			if (len > http->remaining)
				http->keep_alive = 0;
			iob_truncate(iob, http->remaining);
			done = 1;
		}
		http->remaining -= iob_len(iob);
		break;
	case HTTP_FRAMING_CHUNKED:
		rc = http_chunked_decode(&http->chunked, iob->data, len,
					 &data_len, &used);
		if (rc != 0) {
			iob_free(iob);
			return rc;
		}
		if (used < len)
			http->keep_alive = 0;
		iob_truncate(iob, data_len);
		done = http_chunked_done(&http->chunked);
		break;
	default:
		break;
	}

	if (http->to_reader) {
		len = iob_len(iob);
		if (http->total_known && (http->position + len) > http->total) {
			iob_free(iob);
			return -EPROTO_HTTP_EXCESS;
		}
		if (len) {
			memset(&meta, 0, sizeof(meta));
			meta.flags = XFER_META_OFFSET;
			meta.offset = http->position;
			if (http->total_known) {
				meta.flags |= XFER_META_SIZE;
				meta.size = http->total;
			}
			http->position += len;
			rc = xfer_deliver(&http->xfer, iob, &meta);
			if (rc != 0)
				return rc;
			/* The reader may have closed the request */
			if (http->finished)
				return 0;
		} else {
			iob_free(iob);
		}
	} else {
		http->discarded += iob_len(iob);
		iob_free(iob);
		if (http->discarded > HTTP_DISCARD_MAX_LEN) {
			http->keep_alive = 0;
			done = 1;
		}
	}
	if (done)
		http_body_done(http);
	return 0;
}

/**
 * Resume a broken download, or fail with what broke it
 *
 * @v http		Request
 * @v rc		What broke the connection
 */
static void http_resume(struct http_request *http, int rc)
{
	if (!http->resumable || http->resumes >= HTTP_MAX_RESUMES ||
	    http->position >= http->total) {
		http_finish(http, rc);
		return;
	}
	http->resumes++;
	http_reconnect(http);
}

/**
 * The connection ended (closed, reset, or silent too long)
 *
 * @v http		Request
 * @v rc		Reason (0 for a normal close by the server)
 */
static void http_lost(struct http_request *http, int rc)
{
	if (http->finished)
		return;
	xfer_close(&http->socket, rc);
	switch (http->state) {
	case HTTP_STATE_SEND:
	case HTTP_STATE_HEADER:
		/* A pooled connection the server had given up on */
		if (http->reused && !http->rx_len) {
			http->fresh = 1;
			http_reconnect(http);
			return;
		}
		if (!rc) {
			rc = (http->rx_len ? -EPROTO_HTTP_PARTIAL
					   : -EPROTO_HTTP_NO_RESPONSE);
		}
		break;
	case HTTP_STATE_BODY:
		if (rc == 0 && http->framing == HTTP_FRAMING_CLOSE &&
		    (!http->to_reader || !http->total_known ||
		     http->position == http->total)) {
			/* The close is the end of the body */
			http->keep_alive = 0;
			http_body_done(http);
			return;
		}
		if (!http->to_reader) {
			/* Only a redirect's or a 401's body was lost */
			http->keep_alive = 0;
			http_body_done(http);
			return;
		}
		if (!rc)
			rc = -EIO_HTTP_TRUNCATED;
		break;
	default:
		break;
	}
	/* A request that was resuming may resume again */
	if (http->state != HTTP_STATE_IDLE &&
	    http->state != HTTP_STATE_CONNECT &&
	    (http->state == HTTP_STATE_BODY || http->position)) {
		http_resume(http, rc);
		return;
	}
	http_finish(http, rc);
}

/**
 * Receive data from the transport
 *
 * @v xfer		Socket endpoint
 * @v iob		Data (owned by this call from now on)
 * @v meta		Metadata, or NULL
 * @ret rc		Return status code
 */
static int http_socket_deliver(struct xfer *xfer, struct io_buffer *iob,
			       struct xfer_metadata *meta)
{
	struct http_request *http =
		container_of(xfer, struct http_request, socket);
	int rc = 0;

	if (http->finished) {
		iob_free(iob);
		return 0;
	}
	/* The server speaks only when spoken to (on a pooled connection
	 * this is a server giving up on it: tried again on a fresh one)
	 */
	if (http->state == HTTP_STATE_SEND) {
		iob_free(iob);
		http_lost(http, -EPROTO_HTTP_EARLY);
		return 0;
	}
	http->rx_len += iob_len(iob);
	http_touch(http);
	while (http->state == HTTP_STATE_HEADER && iob_len(iob)) {
		rc = http_rx_header(http, iob);
		if (rc != 0)
			goto err;
	}
	if (http->state == HTTP_STATE_BODY && iob_len(iob)) {
		rc = http_rx_body(http, iob);
		if (rc != 0)
			http_finish(http, rc);
		return rc;
	}
	/* Nothing left, or bytes after a complete response: then the
	 * connection was closed already (keep_alive was cleared when they
	 * were seen)
	 */
	iob_free(iob);
	return 0;

err:
	iob_free(iob);
	http_finish(http, rc);
	return rc;
}

/**
 * The transport can take data now (the connection is up)
 *
 * @v xfer		Socket endpoint
 */
static void http_socket_window_changed(struct xfer *xfer)
{
	struct http_request *http =
		container_of(xfer, struct http_request, socket);

	http_try_send(http);
}

/**
 * How much the request can take from the transport: what the reader
 * can take
 *
 * @v xfer		Socket endpoint
 * @ret len		Bytes
 */
static size_t http_socket_window(struct xfer *xfer)
{
	struct http_request *http =
		container_of(xfer, struct http_request, socket);

	return xfer_window(&http->xfer);
}

/**
 * The transport closed
 *
 * @v xfer		Socket endpoint
 * @v rc		Reason
 */
static void http_socket_close(struct xfer *xfer, int rc)
{
	struct http_request *http =
		container_of(xfer, struct http_request, socket);

	http_lost(http, rc);
}

/**
 * The server has been silent too long
 *
 * @v timer		Idle timer
 */
static void http_expired(struct timer *timer)
{
	struct http_request *http =
		container_of(timer, struct http_request, timer);

	ref_get(&http->refcnt);
	http_lost(http,
		  ((http->state == HTTP_STATE_SEND) ? -ETIMEDOUT_HTTP_CONNECT
						    : -ETIMEDOUT_HTTP_IDLE));
	ref_put(&http->refcnt);
}

/**
 * The reader closed the transfer (it finished or gave up)
 *
 * @v xfer		Reader endpoint
 * @v rc		Reason
 */
static void http_xfer_close(struct xfer *xfer, int rc)
{
	struct http_request *http =
		container_of(xfer, struct http_request, xfer);

	http_finish(http, rc);
}

/** Reader endpoint operations */
static const struct xfer_operations http_xfer_operations = {
	.close = http_xfer_close,
};

/** Socket endpoint operations */
static const struct xfer_operations http_socket_operations = {
	.deliver = http_socket_deliver,
	.window = http_socket_window,
	.window_changed = http_socket_window_changed,
	.close = http_socket_close,
};

/**
 * Open an HTTP request for a URI of any HTTP scheme
 *
 * @v parent		Endpoint to plug the download into
 * @v uri		URI
 * @ret rc		Return status code
 */
int http_open(struct xfer *parent, struct uri *uri)
{
	const struct http_scheme *scheme = http_find_scheme(uri->scheme);
	struct http_request *http;
	struct param *param;
	int rc;

	if (!scheme)
		return -EINVAL_HTTP_URI;
	rc = http_check_uri(uri);
	if (rc != 0)
		return rc;
	http = heap_zalloc(sizeof(*http));
	if (!http)
		return -ENOMEM;
	ref_init(&http->refcnt, http_free);
	xfer_init(&http->xfer, &http_xfer_operations, &http->refcnt);
	xfer_init(&http->socket, &http_socket_operations, &http->refcnt);
	process_init(&http->process, "http", http_step);
	timer_init(&http->timer, http_expired);
	memset(&http->auth, 0, sizeof(http->auth));
	http->uri = uri_get(uri);
	http->scheme = scheme;
	rc = http_find_params(uri, &http->params);
	if (rc != 0)
		goto err;
	if (http->params) {
		list_for_each_entry (param, &http->params->entries, list) {
			if (param->flags & PARAM_FORM)
				http->post = 1;
		}
	}

	rc = http_connect(http);
	if (rc != 0)
		goto err;
	xfer_plug(&http->xfer, parent);
	ref_put(&http->refcnt);
	return 0;

err:
	http_finish(http, rc);
	ref_put(&http->refcnt);
	return rc;
}

/**
 * Open a TCP connection to a URI's server (a name or a dotted quad)
 *
 * @v socket		Endpoint to plug the socket into
 * @v uri		URI (its host)
 * @v port		Port
 * @ret rc		Return status code
 */
int http_connect_tcp(struct xfer *socket, struct uri *uri, unsigned int port)
{
	return xfer_open_named_socket(socket, SOCK_STREAM, uri->host, port,
				      NULL);
}

/** The http scheme */
struct http_scheme http_scheme __http_scheme = {
	.name = "http",
	.port = HTTP_PORT,
	.connect = http_connect_tcp,
};

/** The http:// URI opener */
struct uri_opener http_uri_opener __uri_opener = {
	.scheme = "http",
	.open = http_open,
};
