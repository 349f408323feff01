/** @file
 *
 * Decompressor for images packed by util/ferryz.c
 *
 * The format ("FZ") is LZ77 with an adaptive binary range coder, in the
 * manner of LZMA but smaller: one repeated distance, no matched
 * literals.  Before packing, the relative targets of CALL instructions
 * (E8 rel32) are made absolute, which repeats them across the image;
 * unpack() undoes that after decoding.
 *
 * The stream, after a 5-byte range coder start, is a sequence of
 * packets, each starting with an "is match" bit (context: what the last
 * packet was):
 *
 *     0            a literal: 8 bits, tree-coded, context the previous
 *                  byte's top 3 bits
 *     1 0 len dist a match: length (2..273), then distance (slot, then
 *                  its extra bits), which becomes the repeated distance
 *     1 1 len      a match at the repeated distance
 *
 * This file is compiled twice: into the prefixes (32-bit, position
 * independent: no data of its own, no jump tables; the build checks that
 * it has no absolute relocations) and into util/ferryz.c, which checks
 * every image it packs by unpacking it.  It uses no library, as there is
 * none in either place.
 */

#include "arch/x86/prefix/unpack.h"

/** Probability bits */
#define FZ_PROB_BITS 11
/** Probability of one */
#define FZ_PROB_ONE (1 << FZ_PROB_BITS)
/** Adaptation speed */
#define FZ_MOVE_BITS 5
/** Range below which the coder takes a byte */
#define FZ_TOP (1U << 24)

/** Range decoder */
struct fz_decoder {
	/** Next input byte */
	const unsigned char *in;
	/** End of input */
	const unsigned char *in_end;
	/** Range */
	unsigned int range;
	/** Code */
	unsigned int code;
	/** Input ran out */
	int overrun;
};

/**
 * Take the next input byte
 *
 * @v dec		Decoder
 * @ret byte		Byte (0 past the end, which is then noted)
 */
static inline unsigned int fz_byte(struct fz_decoder *dec)
{
	if (dec->in >= dec->in_end) {
		dec->overrun = 1;
		return 0;
	}
	return *(dec->in++);
}

/**
 * Decode one bit with an adaptive probability
 *
 * @v dec		Decoder
 * @v prob		Probability of a zero (updated)
 * @ret bit		Bit
 */
static unsigned int fz_bit(struct fz_decoder *dec, unsigned short *prob)
{
	unsigned int bound = ((dec->range >> FZ_PROB_BITS) * (*prob));
	unsigned int bit;

	if (dec->code < bound) {
		dec->range = bound;
		*prob += ((FZ_PROB_ONE - *prob) >> FZ_MOVE_BITS);
		bit = 0;
	} else {
		dec->code -= bound;
		dec->range -= bound;
		*prob -= (*prob >> FZ_MOVE_BITS);
		bit = 1;
	}
	if (dec->range < FZ_TOP) {
		dec->range <<= 8;
		dec->code = ((dec->code << 8) | fz_byte(dec));
	}
	return bit;
}

/**
 * Decode bits with a fixed probability of one half
 *
 * @v dec		Decoder
 * @v count		Number of bits
 * @ret value		Value, most significant bit first
 */
static unsigned int fz_direct(struct fz_decoder *dec, unsigned int count)
{
	unsigned int value = 0;

	while (count--) {
		dec->range >>= 1;
		value <<= 1;
		if (dec->code >= dec->range) {
			dec->code -= dec->range;
			value |= 1;
		}
		if (dec->range < FZ_TOP) {
			dec->range <<= 8;
			dec->code = ((dec->code << 8) | fz_byte(dec));
		}
	}
	return value;
}

/**
 * Decode a value with a bit tree, most significant bit first
 *
 * @v dec		Decoder
 * @v probs		Tree (1 << bits entries)
 * @v bits		Number of bits
 * @ret value		Value
 */
static unsigned int fz_tree(struct fz_decoder *dec, unsigned short *probs,
			    unsigned int bits)
{
	unsigned int node = 1;

	while (node < (1U << bits))
		node = ((node << 1) | fz_bit(dec, &probs[node]));
	return (node - (1U << bits));
}

/**
 * Decode a value with a bit tree, least significant bit first
 *
 * @v dec		Decoder
 * @v probs		Tree (1 << bits entries)
 * @v bits		Number of bits
 * @ret value		Value
 */
static unsigned int fz_tree_reverse(struct fz_decoder *dec,
				    unsigned short *probs, unsigned int bits)
{
	unsigned int node = 1;
	unsigned int value = 0;
	unsigned int i;
	unsigned int bit;

	for (i = 0; i < bits; i++) {
		bit = fz_bit(dec, &probs[node]);
		node = ((node << 1) | bit);
		value |= (bit << i);
	}
	return value;
}

/**
 * Decode a match length
 *
 * @v dec		Decoder
 * @v probs		Length model (FZ_LEN_PROBS entries)
 * @ret len		Length, less FZ_MATCH_MIN
 */
static unsigned int fz_length(struct fz_decoder *dec, unsigned short *probs)
{
	if (!fz_bit(dec, &probs[FZ_LEN_CHOICE]))
		return fz_tree(dec, &probs[FZ_LEN_LOW], FZ_LEN_LOW_BITS);
	if (!fz_bit(dec, &probs[FZ_LEN_CHOICE2]))
		return (FZ_LEN_LOW_COUNT +
			fz_tree(dec, &probs[FZ_LEN_MID], FZ_LEN_LOW_BITS));
	return ((2 * FZ_LEN_LOW_COUNT) +
		fz_tree(dec, &probs[FZ_LEN_HIGH], FZ_LEN_HIGH_BITS));
}

/**
 * Unpack an image
 *
 * @v dest		Output buffer (exactly the unpacked size)
 * @v dest_len		Unpacked size
 * @v src		Packed data
 * @v src_len		Packed size
 * @v work		Workspace (FZ_WORK_SIZE bytes)
 * @ret rc		0 on success, -1 if the data is damaged
 */
int unpack(unsigned char *dest, unsigned int dest_len,
	   const unsigned char *src, unsigned int src_len, void *work)
{
	unsigned short *probs = work;
	struct fz_decoder dec;
	unsigned int out = 0;
	unsigned int state = 0;
	unsigned int rep = 1;
	unsigned int len;
	unsigned int slot;
	unsigned int extra;
	unsigned int dist;
	unsigned int prev;
	unsigned int value;
	unsigned int i;

	for (i = 0; i < FZ_PROBS; i++)
		probs[i] = (FZ_PROB_ONE / 2);
	dec.in = src;
	dec.in_end = (src + src_len);
	dec.range = 0xffffffffU;
	dec.code = 0;
	dec.overrun = 0;
	for (i = 0; i < 5; i++)
		dec.code = ((dec.code << 8) | fz_byte(&dec));

	while (out < dest_len) {
		if (dec.overrun)
			return -1;
		if (!fz_bit(&dec, &probs[FZ_IS_MATCH + state])) {
			prev = (out ? dest[out - 1] : 0);
			dest[out++] = fz_tree(&dec,
					      &probs[FZ_LITERAL +
						     ((prev >> 5) << 8)],
					      8);
			state = 0;
			continue;
		}
		if (fz_bit(&dec, &probs[FZ_IS_REP + state])) {
			len = fz_length(&dec, &probs[FZ_REP_LEN]);
			state = 2;
		} else {
			len = fz_length(&dec, &probs[FZ_MATCH_LEN]);
			slot = fz_tree(&dec,
				       &probs[FZ_SLOT +
					      (((len < 3) ? len : 3)
					       << FZ_SLOT_BITS)],
				       FZ_SLOT_BITS);
			if (slot < 4) {
				dist = slot;
			} else {
				extra = ((slot >> 1) - 1);
				dist = ((2 | (slot & 1)) << extra);
				if (slot < FZ_SLOT_DIRECT) {
					dist += fz_tree_reverse(
						&dec,
						&probs[FZ_SPECIAL +
						       ((slot - 4) << 5)],
						extra);
				} else {
					dist += (fz_direct(&dec, extra - 4)
						 << 4);
					dist += fz_tree_reverse(
						&dec, &probs[FZ_ALIGN], 4);
				}
			}
			rep = (dist + 1);
			state = 1;
		}
		len += FZ_MATCH_MIN;
		if (rep > out || len > (dest_len - out))
			return -1;
		for (i = 0; i < len; i++, out++)
			dest[out] = dest[out - rep];
	}
	if (dec.overrun)
		return -1;

	/* Undo the CALL filter */
	for (i = 0; (i + 5) <= dest_len; i++) {
		if (dest[i] != 0xe8)
			continue;
		value = (dest[i + 1] | (dest[i + 2] << 8) |
			 (dest[i + 3] << 16) | ((unsigned int)dest[i + 4] << 24));
		value -= (i + 5);
		dest[i + 1] = value;
		dest[i + 2] = (value >> 8);
		dest[i + 3] = (value >> 16);
		dest[i + 4] = (value >> 24);
		i += 4;
	}
	return 0;
}
