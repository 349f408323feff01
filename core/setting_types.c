/** @file
 *
 * Setting types: how raw values are parsed from text and shown as text
 *
 * The formats are iPXE's, so that scripts comparing ${...} against
 * literal strings keep working:
 *
 *     string    the bytes as they are
 *     ipv4      dotted quad of the first four bytes ("192.0.2.1")
 *     ipv6      RFC 5952 text ("2001:db8::1")
 *     int8/16/32   signed decimal of all the bytes, big-endian ("-3")
 *     uint8/16/32  "0x" and lower-case hex of all the bytes ("0x0",
 *               "0xc"); text is parsed as C numbers (decimal, 0x hex, 0
 *               octal) and cut to the type's width
 *     hex       lower-case hex bytes joined by ':' ("52:54:00:12:34:56")
 *     hexhyp    the same joined by '-'
 *     hexraw    the same with nothing between bytes
 *     uuid      8-4-4-4-12 lower-case hex of exactly 16 bytes
 *     base64    RFC 4648 with padding
 *     busdevfn  a PCI address "bb:dd.f" from a 16-bit value
 *
 * Every parser is bounded by its text (NUL-terminated) and every
 * formatter by the raw length it is given.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/settings.h"
#include "core/errors.h"
#include "core/string.h"
#include "core/printf.h"
#include "core/ctype.h"

/** Text that does not parse as the type */
#define EINVAL_TEXT ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_TEXT, "Invalid value for setting type");
/** A raw value the type cannot show */
#define ERANGE_RAW ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_RAW, "Value does not fit setting type");

/** Hex digits */
static const char setting_hex_digits[] = "0123456789abcdef";

/**
 * Copy bytes into a bounded buffer
 *
 * @v src		Bytes
 * @v src_len		Number of bytes
 * @v dest		Buffer, or NULL
 * @v len		Size of buffer
 * @ret src_len		Number of bytes
 */
static int setting_copy_raw(const void *src, size_t src_len, void *dest,
			    size_t len)
{
	if (dest && len)
		memcpy(dest, src, ((src_len < len) ? src_len : len));
	return src_len;
}

/**
 * Parse a string
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value
 */
static int setting_parse_string(const struct setting_type *type,
				const char *text, void *raw, size_t len)
{
	return setting_copy_raw(text, strlen(text), raw, len);
}

/**
 * Show a string
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text
 */
static int setting_format_string(const struct setting_type *type,
				 const void *raw, size_t raw_len, char *buf,
				 size_t len)
{
	size_t copy = raw_len;

	if (len) {
		if (copy > (len - 1))
			copy = (len - 1);
		memcpy(buf, raw, copy);
		buf[copy] = '\0';
	}
	return raw_len;
}

/** String */
const struct setting_type setting_type_string __setting_type = {
	.name = "string",
	.parse = setting_parse_string,
	.format = setting_format_string,
};

/** URI string: kept by iPXE as another name for "string" */
static const struct setting_type setting_type_uristring __setting_type = {
	.name = "uristring",
	.parse = setting_parse_string,
	.format = setting_format_string,
};

/**
 * Parse an IPv4 address: four decimal numbers 0-255 joined by '.'
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_ipv4(const struct setting_type *type, const char *text,
			      void *raw, size_t len)
{
	uint8_t address[4];
	unsigned int value;
	unsigned int digits;
	unsigned int i;

	for (i = 0; i < sizeof(address); i++) {
		value = 0;
		for (digits = 0; isdigit(*text); digits++, text++) {
			value = ((value * 10) + (*text - '0'));
			if (digits >= 3 || value > 255)
				return -EINVAL_TEXT;
		}
		if (!digits)
			return -EINVAL_TEXT;
		address[i] = value;
		if (i < (sizeof(address) - 1) && *(text++) != '.')
			return -EINVAL_TEXT;
	}
	if (*text)
		return -EINVAL_TEXT;
	return setting_copy_raw(address, sizeof(address), raw, len);
}

/**
 * Show an IPv4 address
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text, or a negative error
 */
static int setting_format_ipv4(const struct setting_type *type, const void *raw,
			       size_t raw_len, char *buf, size_t len)
{
	const uint8_t *bytes = raw;

	if (raw_len < 4)
		return -ERANGE_RAW;
	return snprintf(buf, len, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2],
			bytes[3]);
}

/** IPv4 address */
const struct setting_type setting_type_ipv4 __setting_type = {
	.name = "ipv4",
	.parse = setting_parse_ipv4,
	.format = setting_format_ipv4,
};

/**
 * Parse an IPv6 address (RFC 4291 text, with at most one "::")
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_ipv6(const struct setting_type *type, const char *text,
			      void *raw, size_t len)
{
	uint16_t groups[8];
	unsigned int count = 0;
	int gap = -1;
	unsigned int value;
	unsigned int digits;
	uint8_t address[16];
	unsigned int i;
	unsigned int j;

	if (text[0] == ':') {
		if (text[1] != ':')
			return -EINVAL_TEXT;
		gap = 0;
		text += 2;
	}
	while (*text) {
		if (count >= 8)
			return -EINVAL_TEXT;
		value = 0;
		for (digits = 0; isxdigit(*text); digits++, text++) {
			if (digits >= 4)
				return -EINVAL_TEXT;
			value = ((value << 4) |
				 (isdigit(*text)
					  ? (*text - '0')
					  : ((*text | 0x20) - 'a' + 10)));
		}
		if (!digits)
			return -EINVAL_TEXT;
		groups[count++] = value;
		if (!*text)
			break;
		if (*(text++) != ':')
			return -EINVAL_TEXT;
		if (*text == ':') {
			if (gap >= 0)
				return -EINVAL_TEXT;
			gap = count;
			text++;
		} else if (!*text) {
			return -EINVAL_TEXT;
		}
	}
	if ((gap < 0 && count != 8) || (gap >= 0 && count > 7))
		return -EINVAL_TEXT;
	memset(address, 0, sizeof(address));
	for (i = 0, j = 0; i < count; i++, j++) {
		if (gap >= 0 && (int)i == gap)
			j += (8 - count);
		address[2 * j] = (groups[i] >> 8);
		address[2 * j + 1] = groups[i];
	}
	return setting_copy_raw(address, sizeof(address), raw, len);
}

/**
 * Show an IPv6 address (RFC 5952: the first longest run of two or more
 * zero groups becomes "::")
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text, or a negative error
 */
static int setting_format_ipv6(const struct setting_type *type, const void *raw,
			       size_t raw_len, char *buf, size_t len)
{
	const uint8_t *bytes = raw;
	char text[48];
	unsigned int groups[8];
	int best_start = -1;
	int best_len = 1;
	int run_start = 0;
	int run_len = 0;
	size_t used = 0;
	int i;

	if (raw_len < 16)
		return -ERANGE_RAW;
	for (i = 0; i < 8; i++) {
		groups[i] = ((bytes[2 * i] << 8) | bytes[2 * i + 1]);
		if (groups[i] == 0) {
			if (run_len++ == 0)
				run_start = i;
			if (run_len > best_len) {
				best_start = run_start;
				best_len = run_len;
			}
		} else {
			run_len = 0;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best_start) {
			used += snprintf(text + used, sizeof(text) - used,
					 "::");
			i += (best_len - 1);
			continue;
		}
		used += snprintf(text + used, sizeof(text) - used, "%s%x",
				 ((used && text[used - 1] != ':') ? ":" : ""),
				 groups[i]);
	}
	return snprintf(buf, len, "%s", text);
}

/** IPv6 address */
const struct setting_type setting_type_ipv6 __setting_type = {
	.name = "ipv6",
	.parse = setting_parse_ipv6,
	.format = setting_format_ipv6,
};

/**
 * Width of an integer type in bytes
 *
 * @v type		Type
 * @ret width		Width (1, 2 or 4)
 */
static unsigned int setting_int_width(const struct setting_type *type)
{
	if (type == &setting_type_int8 || type == &setting_type_uint8)
		return 1;
	if (type == &setting_type_int16 || type == &setting_type_uint16)
		return 2;
	return 4;
}

/**
 * Parse an integer (C syntax: decimal, 0x hex, 0 octal, optional sign),
 * cut to the type's width
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_int(const struct setting_type *type, const char *text,
			     void *raw, size_t len)
{
	unsigned int width = setting_int_width(type);
	unsigned long long value;
	uint8_t bytes[4];
	char *end;
	unsigned int i;

	value = strtoull(text, &end, 0);
	if (*end)
		return -EINVAL_TEXT;
	for (i = 0; i < width; i++)
		bytes[i] = (value >> (8 * (width - 1 - i)));
	return setting_copy_raw(bytes, width, raw, len);
}

/**
 * Read a big-endian number of any length up to 8 bytes (longer values
 * are allowed if their extra leading bytes only extend the sign)
 *
 * @v raw		Raw value
 * @v raw_len		Length
 * @v is_signed		Extend the sign of the first byte
 * @v value		Number to fill in
 * @ret rc		Return status code
 */
static int setting_numerate(const void *raw, size_t raw_len, int is_signed,
			    unsigned long long *value)
{
	const uint8_t *bytes = raw;
	uint8_t pad;
	size_t i;

	*value = ((is_signed && raw_len && (bytes[0] & 0x80)) ? ~0ULL : 0);
	pad = *value;
	for (i = 0; i < raw_len; i++) {
		if ((i + sizeof(*value)) < raw_len && bytes[i] != pad)
			return -ERANGE_RAW;
		*value = ((*value << 8) | bytes[i]);
	}
	return 0;
}

/**
 * Show a signed integer in decimal
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text, or a negative error
 */
static int setting_format_int(const struct setting_type *type, const void *raw,
			      size_t raw_len, char *buf, size_t len)
{
	unsigned long long value;
	int rc;

	if ((rc = setting_numerate(raw, raw_len, 1, &value)) != 0)
		return rc;
	return snprintf(buf, len, "%lld", (long long)value);
}

/**
 * Show an unsigned integer as "0x" and hex
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text, or a negative error
 */
static int setting_format_uint(const struct setting_type *type, const void *raw,
			       size_t raw_len, char *buf, size_t len)
{
	unsigned long long value;
	int rc;

	if ((rc = setting_numerate(raw, raw_len, 0, &value)) != 0)
		return rc;
	return snprintf(buf, len, "0x%llx", value);
}

/** Signed 8-bit integer */
const struct setting_type setting_type_int8 __setting_type = {
	.name = "int8",
	.parse = setting_parse_int,
	.format = setting_format_int,
};

/** Signed 16-bit integer */
const struct setting_type setting_type_int16 __setting_type = {
	.name = "int16",
	.parse = setting_parse_int,
	.format = setting_format_int,
};

/** Signed 32-bit integer */
const struct setting_type setting_type_int32 __setting_type = {
	.name = "int32",
	.parse = setting_parse_int,
	.format = setting_format_int,
};

/** Unsigned 8-bit integer */
const struct setting_type setting_type_uint8 __setting_type = {
	.name = "uint8",
	.parse = setting_parse_int,
	.format = setting_format_uint,
};

/** Unsigned 16-bit integer */
const struct setting_type setting_type_uint16 __setting_type = {
	.name = "uint16",
	.parse = setting_parse_int,
	.format = setting_format_uint,
};

/** Unsigned 32-bit integer */
const struct setting_type setting_type_uint32 __setting_type = {
	.name = "uint32",
	.parse = setting_parse_int,
	.format = setting_format_uint,
};

/**
 * Value of a hex digit
 *
 * @v character		Character
 * @ret value		0-15, or 16 if not a hex digit
 */
static unsigned int setting_hex_value(int character)
{
	if (isdigit(character))
		return (character - '0');
	if (isxdigit(character))
		return ((character | 0x20) - 'a' + 10);
	return 16;
}

/**
 * Separator of a hex type
 *
 * @v type		Type
 * @ret separator	Separator character, or 0
 */
static char setting_hex_separator(const struct setting_type *type)
{
	if (type == &setting_type_hex)
		return ':';
	if (type == &setting_type_hexhyp)
		return '-';
	return 0;
}

/**
 * Parse hex bytes: two digits each, joined by the type's separator
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_hex(const struct setting_type *type, const char *text,
			     void *raw, size_t len)
{
	char separator = setting_hex_separator(type);
	uint8_t *bytes = raw;
	unsigned int high;
	unsigned int low;
	size_t count = 0;

	while (*text) {
		if (count && separator && *(text++) != separator)
			return -EINVAL_TEXT;
		high = setting_hex_value(*text);
		if (high >= 16)
			return -EINVAL_TEXT;
		low = setting_hex_value(*(++text));
		if (low >= 16)
			return -EINVAL_TEXT;
		text++;
		if (bytes && count < len)
			bytes[count] = ((high << 4) | low);
		count++;
	}
	return count;
}

/**
 * Show hex bytes joined by the type's separator
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text
 */
static int setting_format_hex(const struct setting_type *type, const void *raw,
			      size_t raw_len, char *buf, size_t len)
{
	char separator = setting_hex_separator(type);
	const uint8_t *bytes = raw;
	size_t used = 0;
	size_t i;

	for (i = 0; i < raw_len; i++) {
		if (i && separator) {
			if (used + 1 < len)
				buf[used] = separator;
			used++;
		}
		if (used + 1 < len)
			buf[used] = setting_hex_digits[bytes[i] >> 4];
		used++;
		if (used + 1 < len)
			buf[used] = setting_hex_digits[bytes[i] & 0x0f];
		used++;
	}
	if (len)
		buf[(used < len) ? used : (len - 1)] = '\0';
	return used;
}

/** Hex bytes joined by ':' */
const struct setting_type setting_type_hex __setting_type = {
	.name = "hex",
	.parse = setting_parse_hex,
	.format = setting_format_hex,
};

/** Hex bytes joined by '-' */
const struct setting_type setting_type_hexhyp __setting_type = {
	.name = "hexhyp",
	.parse = setting_parse_hex,
	.format = setting_format_hex,
};

/** Hex bytes with no separator */
const struct setting_type setting_type_hexraw __setting_type = {
	.name = "hexraw",
	.parse = setting_parse_hex,
	.format = setting_format_hex,
};

/**
 * Parse a UUID: 32 hex digits, with or without hyphens at the usual
 * places (8-4-4-4-12)
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_uuid(const struct setting_type *type, const char *text,
			      void *raw, size_t len)
{
	static const uint8_t hyphen_after[] = { 4, 6, 8, 10 };
	uint8_t uuid[16];
	unsigned int high;
	unsigned int low;
	unsigned int hyphens = 0;
	unsigned int i;
	int with_hyphens = (strlen(text) == 36);

	for (i = 0; i < sizeof(uuid); i++) {
		if (with_hyphens && hyphens < sizeof(hyphen_after) &&
		    i == hyphen_after[hyphens]) {
			if (*(text++) != '-')
				return -EINVAL_TEXT;
			hyphens++;
		}
		high = setting_hex_value(text[0]);
		if (high >= 16)
			return -EINVAL_TEXT;
		low = setting_hex_value(text[1]);
		if (low >= 16)
			return -EINVAL_TEXT;
		uuid[i] = ((high << 4) | low);
		text += 2;
	}
	if (*text)
		return -EINVAL_TEXT;
	return setting_copy_raw(uuid, sizeof(uuid), raw, len);
}

/**
 * Show a UUID
 *
 * @v type		Type
 * @v raw		Raw value (exactly 16 bytes)
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text, or a negative error
 */
static int setting_format_uuid(const struct setting_type *type, const void *raw,
			       size_t raw_len, char *buf, size_t len)
{
	const uint8_t *u = raw;

	if (raw_len != 16)
		return -ERANGE_RAW;
	return snprintf(buf, len,
			"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			"%02x%02x%02x%02x%02x%02x",
			u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
			u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/** UUID */
const struct setting_type setting_type_uuid __setting_type = {
	.name = "uuid",
	.parse = setting_parse_uuid,
	.format = setting_format_uuid,
};

/** Base64 alphabet */
static const char setting_base64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Parse Base64 (white space is ignored; '=' ends the data)
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_base64(const struct setting_type *type,
				const char *text, void *raw, size_t len)
{
	uint8_t *bytes = raw;
	unsigned long bits = 0;
	unsigned int bit_count = 0;
	size_t count = 0;
	const char *found;
	unsigned int pads = 0;

	for (; *text; text++) {
		if (isspace(*text))
			continue;
		if (*text == '=') {
			pads++;
			continue;
		}
		if (pads)
			return -EINVAL_TEXT;
		found = strchr(setting_base64_alphabet, *text);
		if (!found)
			return -EINVAL_TEXT;
		bits = (((bits << 6) | (found - setting_base64_alphabet)) &
			0xffffff);
		bit_count += 6;
		if (bit_count >= 8) {
			bit_count -= 8;
			if (bytes && count < len)
				bytes[count] = (bits >> bit_count);
			count++;
		}
	}
	if (pads > 2 || bit_count >= 6)
		return -EINVAL_TEXT;
	return count;
}

/**
 * Show Base64 (with padding)
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text
 */
static int setting_format_base64(const struct setting_type *type,
				 const void *raw, size_t raw_len, char *buf,
				 size_t len)
{
	const uint8_t *bytes = raw;
	size_t used = 0;
	unsigned long group;
	unsigned int chars;
	unsigned int i;
	size_t pos;
	char out;

	for (pos = 0; pos < raw_len; pos += 3) {
		group = (bytes[pos] << 16);
		if (pos + 1 < raw_len)
			group |= (bytes[pos + 1] << 8);
		if (pos + 2 < raw_len)
			group |= bytes[pos + 2];
		chars = ((raw_len - pos) >= 3 ? 4 : (raw_len - pos + 1));
		for (i = 0; i < 4; i++) {
			out = ((i < chars) ? setting_base64_alphabet
						     [(group >> (18 - 6 * i)) &
						      0x3f]
					   : '=');
			if (used + 1 < len)
				buf[used] = out;
			used++;
		}
	}
	if (len)
		buf[(used < len) ? used : (len - 1)] = '\0';
	return used;
}

/** Base64 */
const struct setting_type setting_type_base64 __setting_type = {
	.name = "base64",
	.parse = setting_parse_base64,
	.format = setting_format_base64,
};

/**
 * Parse a PCI address "bb:dd.f" into a 16-bit value (Ferry's addition:
 * iPXE only shows this type)
 *
 * @v type		Type
 * @v text		Text
 * @v raw		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of raw value, or a negative error
 */
static int setting_parse_busdevfn(const struct setting_type *type,
				  const char *text, void *raw, size_t len)
{
	unsigned long bus;
	unsigned long slot;
	unsigned long fn;
	uint8_t bytes[2];
	char *end;

	if (!isxdigit(text[0]))
		return -EINVAL_TEXT;
	bus = strtoul(text, &end, 16);
	if (*end != ':' || bus > 0xff || !isxdigit(end[1]))
		return -EINVAL_TEXT;
	slot = strtoul(end + 1, &end, 16);
	if (*end != '.' || slot > 0x1f || !isxdigit(end[1]))
		return -EINVAL_TEXT;
	fn = strtoul(end + 1, &end, 16);
	if (*end || fn > 7)
		return -EINVAL_TEXT;
	bytes[0] = bus;
	bytes[1] = ((slot << 3) | fn);
	return setting_copy_raw(bytes, sizeof(bytes), raw, len);
}

/**
 * Show a PCI address as "bb:dd.f"
 *
 * @v type		Type
 * @v raw		Raw value
 * @v raw_len		Length of raw value
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length of text, or a negative error
 */
static int setting_format_busdevfn(const struct setting_type *type,
				   const void *raw, size_t raw_len, char *buf,
				   size_t len)
{
	unsigned long long value;
	int rc;

	if ((rc = setting_numerate(raw, raw_len, 0, &value)) != 0)
		return rc;
	return snprintf(buf, len, "%02llx:%02llx.%llx", ((value >> 8) & 0xff),
			((value >> 3) & 0x1f), (value & 0x7));
}

/** PCI bus:dev.fn */
const struct setting_type setting_type_busdevfn __setting_type = {
	.name = "busdevfn",
	.parse = setting_parse_busdevfn,
	.format = setting_format_busdevfn,
};
