/** @file
 *
 * DEFLATE decompression (RFC 1951)
 *
 * A stream is a series of blocks: stored (copied as they are), or
 * compressed with fixed or with dynamic (transmitted) Huffman codes into
 * literals and back-references of up to 258 bytes from up to 32 KiB back.
 *
 * Codes are decoded through a table indexed by the next
 * INFLATE_FAST_BITS bits of input, which resolves every code that short
 * in one look-up; longer codes (and anything near the end of the input)
 * fall back to walking the canonical code one bit at a time.  The output
 * buffer doubles as the history window, so a back-reference is checked
 * against what has been written so far, never against the window size.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"
#include "core/inflate.h"
#include "core/string.h"

/** Longest Huffman code */
#define INFLATE_MAX_BITS        15
/** Literal/length symbols (286 used; 2 more in the fixed code) */
#define INFLATE_LITLEN_SYMBOLS  288
/** Distance symbols (30 used; 2 more in the fixed code) */
#define INFLATE_DIST_SYMBOLS    32
/** Code-length code symbols */
#define INFLATE_CODELEN_SYMBOLS 19
/** Largest table of symbols any code has */
#define INFLATE_MAX_SYMBOLS     INFLATE_LITLEN_SYMBOLS
/** Bits resolved by one table look-up */
#define INFLATE_FAST_BITS       9
/** End-of-block symbol */
#define INFLATE_END_OF_BLOCK    256
/** First length symbol */
#define INFLATE_FIRST_LENGTH    257
/** Length symbols that mean something (257..285) */
#define INFLATE_LENGTH_CODES    29
/** Distance symbols that mean something (0..29) */
#define INFLATE_DIST_CODES      30

/** Block types (BTYPE) */
#define INFLATE_BLOCK_STORED  0
#define INFLATE_BLOCK_FIXED   1
#define INFLATE_BLOCK_DYNAMIC 2

#define EBADMSG_TRUNCATED ERROR_CODE(ERRCLASS_EBADMSG, 1)
ERROR_MESSAGE(EBADMSG_TRUNCATED, "Compressed data ends early");
#define EBADMSG_BLOCK_TYPE ERROR_CODE(ERRCLASS_EBADMSG, 2)
ERROR_MESSAGE(EBADMSG_BLOCK_TYPE, "Compressed data has an invalid block type");
#define EBADMSG_STORED ERROR_CODE(ERRCLASS_EBADMSG, 3)
ERROR_MESSAGE(EBADMSG_STORED, "Compressed data has a damaged stored block");
#define EBADMSG_CODES ERROR_CODE(ERRCLASS_EBADMSG, 4)
ERROR_MESSAGE(EBADMSG_CODES, "Compressed data has invalid Huffman codes");
#define EBADMSG_SYMBOL ERROR_CODE(ERRCLASS_EBADMSG, 5)
ERROR_MESSAGE(EBADMSG_SYMBOL, "Compressed data has an invalid code");
#define EBADMSG_DISTANCE ERROR_CODE(ERRCLASS_EBADMSG, 6)
ERROR_MESSAGE(EBADMSG_DISTANCE, "Compressed data refers back too far");
#define EFBIG_OUTPUT ERROR_CODE(ERRCLASS_EFBIG, 1)
ERROR_MESSAGE(EFBIG_OUTPUT, "Compressed data expands beyond its stated size");

/** A Huffman code, in canonical form */
struct inflate_huffman {
	/** Number of codes of each length (index 0 unused) */
	uint16_t count[INFLATE_MAX_BITS + 1];
	/** Symbols, ordered by code (by length, then by symbol value) */
	uint16_t symbol[INFLATE_MAX_SYMBOLS];
	/**
	 * Codes of at most INFLATE_FAST_BITS bits, indexed by the next
	 * input bits: (symbol << 4) | length, or 0 for "look further"
	 */
	uint16_t fast[1 << INFLATE_FAST_BITS];
};

/** A stream being decoded */
struct inflate_state {
	/** Compressed data */
	const uint8_t *in;
	/** Length of compressed data */
	size_t in_len;
	/** Next byte of compressed data to take into the bit buffer */
	size_t in_pos;
	/** Bits taken from the input and not yet used, first in bit 0 */
	uint32_t bits;
	/** Number of valid bits in bits */
	unsigned int bit_count;
	/** Output buffer */
	uint8_t *out;
	/** Size of the output buffer */
	size_t out_max;
	/** Bytes written */
	size_t out_pos;
	/** Literal/length code of the current block */
	struct inflate_huffman litlen;
	/** Distance code of the current block */
	struct inflate_huffman dist;
};

/** Base lengths of length symbols 257..285 */
static const uint16_t inflate_length_base[INFLATE_LENGTH_CODES] = {
	3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23,  27,
	31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};

/** Extra bits of length symbols 257..285 */
static const uint8_t inflate_length_extra[INFLATE_LENGTH_CODES] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
	2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};

/** Base distances of distance symbols 0..29 */
static const uint16_t inflate_dist_base[INFLATE_DIST_CODES] = {
	1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
	33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
	1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};

/** Extra bits of distance symbols 0..29 */
static const uint8_t inflate_dist_extra[INFLATE_DIST_CODES] = {
	0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
	6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

/** Order in which code-length code lengths are sent */
static const uint8_t inflate_codelen_order[INFLATE_CODELEN_SYMBOLS] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

/**
 * Top up the bit buffer from the input
 *
 * Takes whole bytes while they fit and input remains; near the end of
 * the input the buffer simply holds fewer bits.
 *
 * @v state		Decoder
 */
static inline void inflate_refill(struct inflate_state *state)
{
	while (state->bit_count <= 24 && state->in_pos < state->in_len) {
		state->bits |= ((uint32_t)state->in[state->in_pos++]
				<< state->bit_count);
		state->bit_count += 8;
	}
}

/**
 * Take bits from the input
 *
 * @v state		Decoder
 * @v count		Number of bits (0 to 16)
 * @v value		Their value, first bit in bit 0
 * @ret rc		Return status code
 */
static int inflate_bits(struct inflate_state *state, unsigned int count,
			unsigned int *value)
{
	if (state->bit_count < count) {
		inflate_refill(state);
		if (state->bit_count < count)
			return -EBADMSG_TRUNCATED;
	}
	*value = (state->bits & ((1UL << count) - 1));
	state->bits >>= count;
	state->bit_count -= count;
	return 0;
}

/**
 * Reverse the order of the low bits of a number
 *
 * @v value		Number
 * @v count		Number of bits
 * @ret reversed	The low count bits of value, in reverse order
 */
static unsigned int inflate_reverse(unsigned int value, unsigned int count)
{
	unsigned int reversed = 0;

	while (count--) {
		reversed = ((reversed << 1) | (value & 1));
		value >>= 1;
	}
	return reversed;
}

/**
 * Build a Huffman code from the code length of each symbol
 *
 * A length of 0 means the symbol is not used.  Sets of lengths that
 * would give more codes than there are bit patterns are refused;
 * incomplete sets are allowed (RFC 1951 allows one unused distance code,
 * and an unassigned pattern fails at decode time).
 *
 * @v huffman		Code to fill in
 * @v lengths		Code length of each symbol
 * @v symbols		Number of symbols (at most INFLATE_MAX_SYMBOLS)
 * @ret rc		Return status code
 */
static int inflate_build(struct inflate_huffman *huffman,
			 const uint8_t *lengths, unsigned int symbols)
{
	uint16_t offsets[INFLATE_MAX_BITS + 2];
	unsigned int length;
	unsigned int symbol;
	unsigned int index;
	unsigned int code;
	unsigned int fill;
	unsigned int entry;
	unsigned int i;
	int left;

	memset(huffman->count, 0, sizeof(huffman->count));
	for (symbol = 0; symbol < symbols; symbol++) {
		if (lengths[symbol] > INFLATE_MAX_BITS)
			return -EBADMSG_CODES;
		huffman->count[lengths[symbol]]++;
	}
	huffman->count[0] = 0;

	/* Every length may use at most the patterns the shorter ones
	 * left over
	 */
	left = 1;
	for (length = 1; length <= INFLATE_MAX_BITS; length++) {
		left <<= 1;
		left -= huffman->count[length];
		if (left < 0)
			return -EBADMSG_CODES;
	}

	/* Symbols in code order */
	offsets[1] = 0;
	for (length = 1; length <= INFLATE_MAX_BITS; length++)
		offsets[length + 1] =
			(offsets[length] + huffman->count[length]);
	for (symbol = 0; symbol < symbols; symbol++) {
		if (lengths[symbol])
			huffman->symbol[offsets[lengths[symbol]]++] = symbol;
	}

	/* Short codes: every index whose low bits are the code (sent
	 * first bit first, so reversed) resolves to it
	 */
	memset(huffman->fast, 0, sizeof(huffman->fast));
	code = 0;
	index = 0;
	for (length = 1; length <= INFLATE_FAST_BITS; length++) {
		for (i = 0; i < huffman->count[length]; i++) {
			entry = ((huffman->symbol[index++] << 4) | length);
			for (fill = inflate_reverse(code, length);
			     fill < (1U << INFLATE_FAST_BITS);
			     fill += (1U << length)) {
				huffman->fast[fill] = entry;
			}
			code++;
		}
		code <<= 1;
	}
	return 0;
}

/**
 * Decode one symbol a bit at a time
 *
 * Walks the canonical code: among the codes of each length, the first
 * code and the number of codes say whether the bits read so far are a
 * complete code.
 *
 * @v state		Decoder
 * @v huffman		Code
 * @v symbol		Symbol decoded
 * @ret rc		Return status code
 */
static int inflate_decode_slow(struct inflate_state *state,
			       const struct inflate_huffman *huffman,
			       unsigned int *symbol)
{
	unsigned int length;
	unsigned int code = 0;
	unsigned int first = 0;
	unsigned int index = 0;
	unsigned int count;
	unsigned int bit;
	int rc;

	for (length = 1; length <= INFLATE_MAX_BITS; length++) {
		if ((rc = inflate_bits(state, 1, &bit)) != 0)
			return rc;
		code |= bit;
		count = huffman->count[length];
		if (code < (first + count)) {
			*symbol = huffman->symbol[index + (code - first)];
			return 0;
		}
		index += count;
		first = ((first + count) << 1);
		code <<= 1;
	}
	return -EBADMSG_SYMBOL;
}

/**
 * Decode one symbol
 *
 * @v state		Decoder
 * @v huffman		Code
 * @v symbol		Symbol decoded
 * @ret rc		Return status code
 */
static inline int inflate_decode(struct inflate_state *state,
				 const struct inflate_huffman *huffman,
				 unsigned int *symbol)
{
	unsigned int entry;
	unsigned int length;

	inflate_refill(state);
	entry = huffman->fast[state->bits & ((1U << INFLATE_FAST_BITS) - 1)];
	length = (entry & 0x0f);
	if (entry && length <= state->bit_count) {
		state->bits >>= length;
		state->bit_count -= length;
		*symbol = (entry >> 4);
		return 0;
	}
	return inflate_decode_slow(state, huffman, symbol);
}

/**
 * Copy a stored block
 *
 * @v state		Decoder
 * @ret rc		Return status code
 */
static int inflate_stored(struct inflate_state *state)
{
	unsigned int len;
	unsigned int nlen;
	unsigned int byte;
	int rc;

	/* The rest of the current byte is padding */
	state->bits >>= (state->bit_count & 7);
	state->bit_count &= ~7U;
	if ((rc = inflate_bits(state, 16, &len)) != 0)
		return rc;
	if ((rc = inflate_bits(state, 16, &nlen)) != 0)
		return rc;
	if (len != (~nlen & 0xffff))
		return -EBADMSG_STORED;
	if (len > (state->out_max - state->out_pos))
		return -EFBIG_OUTPUT;

	/* Whole bytes still in the bit buffer come first */
	while (len && state->bit_count) {
		inflate_bits(state, 8, &byte);
		state->out[state->out_pos++] = byte;
		len--;
	}
	if (len > (state->in_len - state->in_pos))
		return -EBADMSG_TRUNCATED;
	memcpy(&state->out[state->out_pos], &state->in[state->in_pos], len);
	state->out_pos += len;
	state->in_pos += len;
	return 0;
}

/**
 * Decode the literals and back-references of a compressed block
 *
 * @v state		Decoder, with the block's codes built
 * @ret rc		Return status code
 */
static int inflate_codes(struct inflate_state *state)
{
	unsigned int symbol;
	unsigned int extra;
	size_t length;
	size_t distance;
	uint8_t *out;
	int rc;

	for (;;) {
		if ((rc = inflate_decode(state, &state->litlen, &symbol)) != 0)
			return rc;
		if (symbol < INFLATE_END_OF_BLOCK) {
			if (state->out_pos >= state->out_max)
				return -EFBIG_OUTPUT;
			state->out[state->out_pos++] = symbol;
			continue;
		}
		if (symbol == INFLATE_END_OF_BLOCK)
			return 0;

		/* A back-reference: length, then distance */
		symbol -= INFLATE_FIRST_LENGTH;
		if (symbol >= INFLATE_LENGTH_CODES)
			return -EBADMSG_SYMBOL;
		rc = inflate_bits(state, inflate_length_extra[symbol], &extra);
		if (rc != 0)
			return rc;
		length = (inflate_length_base[symbol] + extra);
		if ((rc = inflate_decode(state, &state->dist, &symbol)) != 0)
			return rc;
		if (symbol >= INFLATE_DIST_CODES)
			return -EBADMSG_SYMBOL;
		rc = inflate_bits(state, inflate_dist_extra[symbol], &extra);
		if (rc != 0)
			return rc;
		distance = (inflate_dist_base[symbol] + extra);
		if (distance > state->out_pos)
			return -EBADMSG_DISTANCE;
		if (length > (state->out_max - state->out_pos))
			return -EFBIG_OUTPUT;

		/* Byte by byte: the source may overlap what is written */
		out = &state->out[state->out_pos];
		state->out_pos += length;
		while (length--) {
			*out = *(out - distance);
			out++;
		}
	}
}

/**
 * Set up the fixed codes (RFC 1951 section 3.2.6)
 *
 * @v state		Decoder
 * @ret rc		Return status code
 */
static int inflate_fixed(struct inflate_state *state)
{
	uint8_t lengths[INFLATE_LITLEN_SYMBOLS];
	unsigned int symbol;
	int rc;

	for (symbol = 0; symbol < INFLATE_LITLEN_SYMBOLS; symbol++) {
		lengths[symbol] = ((symbol < 144)   ? 8
				   : (symbol < 256) ? 9
				   : (symbol < 280) ? 7
						    : 8);
	}
	if ((rc = inflate_build(&state->litlen, lengths,
				INFLATE_LITLEN_SYMBOLS)) != 0)
		return rc;
	memset(lengths, 5, INFLATE_DIST_SYMBOLS);
	return inflate_build(&state->dist, lengths, INFLATE_DIST_SYMBOLS);
}

/**
 * Read the codes of a dynamic block (RFC 1951 section 3.2.7)
 *
 * @v state		Decoder
 * @ret rc		Return status code
 */
static int inflate_dynamic(struct inflate_state *state)
{
	uint8_t lengths[INFLATE_LITLEN_SYMBOLS + INFLATE_DIST_SYMBOLS];
	unsigned int litlen_count;
	unsigned int dist_count;
	unsigned int codelen_count;
	unsigned int symbol;
	unsigned int repeat;
	unsigned int value;
	unsigned int index;
	uint8_t fill;
	int rc;

	if ((rc = inflate_bits(state, 5, &litlen_count)) != 0 ||
	    (rc = inflate_bits(state, 5, &dist_count)) != 0 ||
	    (rc = inflate_bits(state, 4, &codelen_count)) != 0)
		return rc;
	litlen_count += INFLATE_FIRST_LENGTH;
	dist_count += 1;
	codelen_count += 4;
	if (litlen_count > (INFLATE_FIRST_LENGTH + INFLATE_LENGTH_CODES) ||
	    dist_count > INFLATE_DIST_CODES)
		return -EBADMSG_CODES;

	/* The code that the code lengths are sent in (the dist table is
	 * free until the real distance code is built)
	 */
	memset(lengths, 0, INFLATE_CODELEN_SYMBOLS);
	for (index = 0; index < codelen_count; index++) {
		if ((rc = inflate_bits(state, 3, &value)) != 0)
			return rc;
		lengths[inflate_codelen_order[index]] = value;
	}
	if ((rc = inflate_build(&state->dist, lengths,
				INFLATE_CODELEN_SYMBOLS)) != 0)
		return rc;

	/* The code lengths of both codes, as one run-length coded list */
	index = 0;
	while (index < (litlen_count + dist_count)) {
		if ((rc = inflate_decode(state, &state->dist, &symbol)) != 0)
			return rc;
		if (symbol < 16) {
			lengths[index++] = symbol;
			continue;
		}
		if (symbol == 16) {
			/* Repeat the previous length 3 to 6 times */
			if (index == 0)
				return -EBADMSG_CODES;
			fill = lengths[index - 1];
			if ((rc = inflate_bits(state, 2, &repeat)) != 0)
				return rc;
			repeat += 3;
		} else if (symbol == 17) {
			/* 3 to 10 zeros */
			fill = 0;
			if ((rc = inflate_bits(state, 3, &repeat)) != 0)
				return rc;
			repeat += 3;
		} else {
			/* 11 to 138 zeros */
			fill = 0;
			if ((rc = inflate_bits(state, 7, &repeat)) != 0)
				return rc;
			repeat += 11;
		}
		if (repeat > (litlen_count + dist_count - index))
			return -EBADMSG_CODES;
		while (repeat--)
			lengths[index++] = fill;
	}

	/* A block without an end is no block */
	if (!lengths[INFLATE_END_OF_BLOCK])
		return -EBADMSG_CODES;
	if ((rc = inflate_build(&state->litlen, lengths, litlen_count)) != 0)
		return rc;
	return inflate_build(&state->dist, &lengths[litlen_count], dist_count);
}

/**
 * Decompress a DEFLATE stream held in memory
 *
 * Stops after the block marked final.  The stream must fit in out_max
 * bytes; one that would expand further fails with an EFBIG error rather
 * than being cut short.
 *
 * @v in		Compressed data
 * @v in_len		Length of compressed data
 * @v in_used		Bytes of compressed data the stream took, rounded
 *			up to a whole byte (may be NULL)
 * @v out		Output buffer
 * @v out_max		Size of the output buffer
 * @v out_len		Bytes written to the output buffer
 * @ret rc		Return status code
 */
int inflate_buffer(const void *in, size_t in_len, size_t *in_used, void *out,
		   size_t out_max, size_t *out_len)
{
	struct inflate_state *state;
	struct inflate_state storage;
	unsigned int final;
	unsigned int type;
	int rc;

	state = &storage;
	memset(state, 0, sizeof(*state));
	state->in = in;
	state->in_len = in_len;
	state->out = out;
	state->out_max = out_max;
	*out_len = 0;

	do {
		if ((rc = inflate_bits(state, 1, &final)) != 0 ||
		    (rc = inflate_bits(state, 2, &type)) != 0)
			return rc;
		switch (type) {
		case INFLATE_BLOCK_STORED:
			rc = inflate_stored(state);
			break;
		case INFLATE_BLOCK_FIXED:
			if ((rc = inflate_fixed(state)) == 0)
				rc = inflate_codes(state);
			break;
		case INFLATE_BLOCK_DYNAMIC:
			if ((rc = inflate_dynamic(state)) == 0)
				rc = inflate_codes(state);
			break;
		default:
			rc = -EBADMSG_BLOCK_TYPE;
			break;
		}
		if (rc != 0)
			return rc;
	} while (!final);

	/* Whole bytes left in the bit buffer were not part of the stream */
	if (in_used)
		*in_used = (state->in_pos - (state->bit_count / 8));
	*out_len = state->out_pos;
	return 0;
}
