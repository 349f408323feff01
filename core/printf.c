/** @file
 *
 * Formatted output
 */

#include <stdint.h>
#include "core/printf.h"
#include "core/string.h"
#include "core/console.h"
#include "core/malloc.h"

/** Flags of one conversion */
#define FLAG_LEFT 0x01	/**< "-": left-justify */
#define FLAG_PLUS 0x02	/**< "+": sign always */
#define FLAG_SPACE 0x04 /**< " ": space for a plus sign */
#define FLAG_ALT 0x08	/**< "#": alternate form */
#define FLAG_ZERO 0x10	/**< "0": pad with zeros */
#define FLAG_UPPER 0x20 /**< upper-case hex digits */

/** One conversion being formatted */
struct printf_spec {
	/** Flags (FLAG_...) */
	unsigned int flags;
	/** Minimum field width */
	int width;
	/** Precision, or -1 if none */
	int precision;
};

/** Output state of vcprintf() */
struct printf_out {
	/** Byte emitter */
	void (*emit)(void *ctx, int byte);
	/** Emitter context */
	void *ctx;
	/** Bytes emitted */
	int len;
};

/**
 * Emit one byte
 *
 * @v out		Output state
 * @v byte		Byte
 */
static void printf_emit(struct printf_out *out, int byte)
{
	out->emit(out->ctx, byte);
	out->len++;
}

/**
 * Emit a byte repeatedly
 *
 * @v out		Output state
 * @v byte		Byte
 * @v count		Repeat count (may be zero or negative)
 */
static void printf_pad(struct printf_out *out, int byte, int count)
{
	while (count-- > 0)
		printf_emit(out, byte);
}

/**
 * Emit a string within a field
 *
 * @v out		Output state
 * @v spec		Conversion
 * @v str		String (need not be NUL-terminated within precision)
 */
static void printf_string(struct printf_out *out,
			  const struct printf_spec *spec, const char *str)
{
	size_t len;

	if (!str)
		str = "(null)";
	len = strnlen(str, ((spec->precision >= 0) ? (size_t)spec->precision :
						     ~(size_t)0));
	if (!(spec->flags & FLAG_LEFT))
		printf_pad(out, ' ', spec->width - (int)len);
	for (size_t i = 0; i < len; i++)
		printf_emit(out, str[i]);
	if (spec->flags & FLAG_LEFT)
		printf_pad(out, ' ', spec->width - (int)len);
}

/**
 * Emit an integer within a field
 *
 * @v out		Output state
 * @v spec		Conversion
 * @v value		Magnitude
 * @v negative		Value is negative
 * @v base		Base (8, 10 or 16)
 */
static void printf_number(struct printf_out *out,
			  const struct printf_spec *spec,
			  unsigned long long value, int negative,
			  unsigned int base)
{
	const char *digits = ((spec->flags & FLAG_UPPER) ? "0123456789ABCDEF" :
							   "0123456789abcdef");
	char buf[24];
	const char *prefix = "";
	char sign[2] = { 0, 0 };
	int ndigits = 0;
	int zeros;
	int total;

	/* Digits, last first */
	while (value) {
		buf[ndigits++] = digits[value % base];
		value /= base;
	}
	if (ndigits == 0 && spec->precision != 0)
		buf[ndigits++] = '0';

	/* Sign and prefix */
	if (negative)
		sign[0] = '-';
	else if (spec->flags & FLAG_PLUS)
		sign[0] = '+';
	else if (spec->flags & FLAG_SPACE)
		sign[0] = ' ';
	if ((spec->flags & FLAG_ALT) && base == 16 && ndigits &&
	    !(ndigits == 1 && buf[0] == '0'))
		prefix = ((spec->flags & FLAG_UPPER) ? "0X" : "0x");
	if ((spec->flags & FLAG_ALT) && base == 8 &&
	    (ndigits == 0 || buf[ndigits - 1] != '0'))
		prefix = "0";

	/* Leading zeros from the precision, or from the "0" flag */
	zeros = ((spec->precision > ndigits) ? (spec->precision - ndigits) : 0);
	total = (ndigits + zeros + (int)strlen(sign) + (int)strlen(prefix));
	if ((spec->flags & FLAG_ZERO) && !(spec->flags & FLAG_LEFT) &&
	    spec->precision < 0 && spec->width > total) {
		zeros += (spec->width - total);
		total = spec->width;
	}

	if (!(spec->flags & FLAG_LEFT))
		printf_pad(out, ' ', spec->width - total);
	for (const char *p = sign; *p; p++)
		printf_emit(out, *p);
	for (const char *p = prefix; *p; p++)
		printf_emit(out, *p);
	printf_pad(out, '0', zeros);
	while (ndigits)
		printf_emit(out, buf[--ndigits]);
	if (spec->flags & FLAG_LEFT)
		printf_pad(out, ' ', spec->width - total);
}

/**
 * Emit formatted output through a function
 *
 * @v emit		Called for each byte
 * @v ctx		Context passed to emit
 * @v fmt		Format
 * @v args		Arguments
 * @ret len		Number of bytes emitted
 */
int vcprintf(void (*emit)(void *ctx, int byte), void *ctx, const char *fmt,
	     va_list args)
{
	struct printf_out out = { .emit = emit, .ctx = ctx, .len = 0 };
	struct printf_spec spec;
	unsigned long long uvalue;
	long long svalue;
	unsigned int base;
	char character[2];
	int length;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			printf_emit(&out, *fmt);
			continue;
		}
		fmt++;

		/* Flags */
		spec.flags = 0;
		for (;; fmt++) {
			if (*fmt == '-')
				spec.flags |= FLAG_LEFT;
			else if (*fmt == '+')
				spec.flags |= FLAG_PLUS;
			else if (*fmt == ' ')
				spec.flags |= FLAG_SPACE;
			else if (*fmt == '#')
				spec.flags |= FLAG_ALT;
			else if (*fmt == '0')
				spec.flags |= FLAG_ZERO;
			else
				break;
		}

		/* Width */
		spec.width = 0;
		if (*fmt == '*') {
			spec.width = va_arg(args, int);
			if (spec.width < 0) {
				spec.flags |= FLAG_LEFT;
				spec.width = -spec.width;
			}
			fmt++;
		} else {
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				spec.width = (spec.width * 10) + (*fmt - '0');
		}

		/* Precision */
		spec.precision = -1;
		if (*fmt == '.') {
			fmt++;
			spec.precision = 0;
			if (*fmt == '*') {
				spec.precision = va_arg(args, int);
				if (spec.precision < 0)
					spec.precision = -1;
				fmt++;
			} else {
				for (; *fmt >= '0' && *fmt <= '9'; fmt++)
					spec.precision = (spec.precision * 10) +
							 (*fmt - '0');
			}
		}

		/* Length: 0 int, 1 long, 2 long long, -1 short, -2 char,
		 * 3 size_t/ptrdiff_t/intmax_t
		 */
		length = 0;
		for (;; fmt++) {
			if (*fmt == 'l')
				length = ((length == 1) ? 2 : 1);
			else if (*fmt == 'h')
				length = ((length == -1) ? -2 : -1);
			else if (*fmt == 'z' || *fmt == 't')
				length = 3;
			else if (*fmt == 'j')
				length = 2;
			else
				break;
		}

		/* Conversion */
		base = 10;
		switch (*fmt) {
		case '\0':
			fmt--;
			continue;
		case '%':
			printf_emit(&out, '%');
			continue;
		case 'c':
			character[0] = (char)va_arg(args, int);
			character[1] = '\0';
			spec.precision = 1;
			printf_string(&out, &spec, character);
			continue;
		case 's':
			printf_string(&out, &spec, va_arg(args, const char *));
			continue;
		case 'p':
			spec.flags |= FLAG_ALT;
			printf_number(&out, &spec,
				      (uintptr_t)va_arg(args, void *), 0, 16);
			continue;
		case 'd':
		case 'i':
			if (length == 2)
				svalue = va_arg(args, long long);
			else if (length == 1)
				svalue = va_arg(args, long);
			else if (length == 3)
				svalue = va_arg(args, intptr_t);
			else
				svalue = va_arg(args, int);
			if (length == -1)
				svalue = (short)svalue;
			else if (length == -2)
				svalue = (signed char)svalue;
			uvalue = ((svalue < 0) ? -(unsigned long long)svalue :
						 (unsigned long long)svalue);
			printf_number(&out, &spec, uvalue, (svalue < 0), 10);
			continue;
		case 'X':
			spec.flags |= FLAG_UPPER;
			/* fall through */
		case 'x':
			base = 16;
			goto unsigned_number;
		case 'o':
			base = 8;
			/* fall through */
		case 'u':
		unsigned_number:
			if (length == 2)
				uvalue = va_arg(args, unsigned long long);
			else if (length == 1)
				uvalue = va_arg(args, unsigned long);
			else if (length == 3)
				uvalue = va_arg(args, size_t);
			else
				uvalue = va_arg(args, unsigned int);
			if (length == -1)
				uvalue = (unsigned short)uvalue;
			else if (length == -2)
				uvalue = (unsigned char)uvalue;
			printf_number(&out, &spec, uvalue, 0, base);
			continue;
		default:
			/* Unknown conversion: show it as it stands */
			printf_emit(&out, '%');
			printf_emit(&out, *fmt);
			continue;
		}
	}
	return out.len;
}

/** Buffer being filled by vsnprintf() */
struct printf_buffer {
	/** Buffer */
	char *buf;
	/** Size of buffer */
	size_t size;
	/** Bytes produced so far (may exceed size) */
	size_t used;
};

/**
 * Store one byte into a bounded buffer
 *
 * @v ctx		Buffer (struct printf_buffer)
 * @v byte		Byte
 */
static void printf_buffer_emit(void *ctx, int byte)
{
	struct printf_buffer *buffer = ctx;

	if (buffer->used + 1 < buffer->size)
		buffer->buf[buffer->used] = byte;
	buffer->used++;
}

/**
 * Format into a bounded buffer
 *
 * @v buf		Buffer
 * @v size		Size of buffer (the result is always NUL-terminated
 *			if size is not zero)
 * @v fmt		Format
 * @v args		Arguments
 * @ret len		Length the whole output would have
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct printf_buffer buffer = { .buf = buf, .size = size, .used = 0 };
	int len;

	len = vcprintf(printf_buffer_emit, &buffer, fmt, args);
	if (size)
		buf[(buffer.used < size) ? buffer.used : (size - 1)] = '\0';
	return len;
}

/**
 * Format into a bounded buffer
 *
 * @v buf		Buffer
 * @v size		Size of buffer
 * @v fmt		Format
 * @v ...		Arguments
 * @ret len		Length the whole output would have
 */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return len;
}

/**
 * Format into a new heap string
 *
 * @v strp		Where to store the string (NULL on failure)
 * @v fmt		Format
 * @v args		Arguments
 * @ret len		Length, or negative error if out of memory
 */
int vasprintf(char **strp, const char *fmt, va_list args)
{
	va_list copy;
	int len;

	va_copy(copy, args);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	*strp = heap_alloc(len + 1);
	if (!*strp)
		return -1;
	vsnprintf(*strp, len + 1, fmt, args);
	return len;
}

/**
 * Format into a new heap string
 *
 * @v strp		Where to store the string (NULL on failure)
 * @v fmt		Format
 * @v ...		Arguments
 * @ret len		Length, or negative if out of memory
 */
int asprintf(char **strp, const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vasprintf(strp, fmt, args);
	va_end(args);
	return len;
}

/**
 * Send one byte to the consoles
 *
 * @v ctx		Unused
 * @v byte		Byte
 */
static void printf_console_emit(void *ctx, int byte)
{
	putchar(byte);
}

/**
 * Print formatted output on the consoles
 *
 * @v fmt		Format
 * @v args		Arguments
 * @ret len		Length printed
 */
int vprintf(const char *fmt, va_list args)
{
	return vcprintf(printf_console_emit, NULL, fmt, args);
}

/**
 * Print formatted output on the consoles
 *
 * @v fmt		Format
 * @v ...		Arguments
 * @ret len		Length printed
 */
int printf(const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vprintf(fmt, args);
	va_end(args);
	return len;
}
