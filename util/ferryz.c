/*
 * ferryz: pack an image for Ferry's prefixes
 *
 *     ferryz [--cm] INPUT OUTPUT
 *
 * Writes INPUT packed in the "FZ" format (see arch/x86/prefix/unpack.c),
 * or with --cm in the "FZ-CM" format (context mixing: smaller and much
 * slower to unpack, for option ROMs; arch/x86/prefix/unpack_cm.c), then
 * unpacks the result with the prefixes' own decoder and fails unless it
 * gives INPUT back, so that a packing bug stops the build rather than a
 * machine.  Prints "<in> -> <out> bytes" on standard error.
 *
 * The encoder mirrors the decoder's model bit for bit.  Its parse is
 * greedy with one step of lookahead, choosing between a literal, a match
 * at the repeated distance and the longest new match by their cost in
 * bits under the model's current probabilities.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86/prefix/unpack.h"
/* The context mixing model is shared with the decoder, whose functions
 * are static (the prefixes' copy must have no relocations) */
#include "arch/x86/prefix/unpack_cm.c"

/** Hash table size (3-byte prefixes) */
#define HASH_BITS 16
/** Candidates examined per position */
#define CHAIN_LIMIT 512
/** Window searched for 2-byte matches */
#define SHORT_WINDOW 256
/** Price of one bit, in 1/16ths */
#define PRICE_SHIFT 4

/** Range encoder */
struct encoder {
	uint8_t *out;
	size_t len;
	size_t size;
	uint64_t low;
	uint32_t range;
	uint8_t cache;
	uint64_t cache_size;
	uint16_t probs[FZ_PROBS];
};

/** Price of a bit by probability, in 1/16 bits */
static unsigned int price_table[1 << 11];

static void fail(const char *message)
{
	fprintf(stderr, "ferryz: %s\n", message);
	exit(1);
}

static void put_byte(struct encoder *enc, uint8_t byte)
{
	if (enc->len == enc->size) {
		enc->size = (enc->size ? (enc->size * 2) : 65536);
		enc->out = realloc(enc->out, enc->size);
		if (!enc->out)
			fail("out of memory");
	}
	enc->out[enc->len++] = byte;
}

static void shift_low(struct encoder *enc)
{
	uint8_t temp;

	if ((uint32_t)enc->low < 0xff000000U || (enc->low >> 32)) {
		temp = enc->cache;
		do {
			put_byte(enc, (uint8_t)(temp + (enc->low >> 32)));
			temp = 0xff;
		} while (--enc->cache_size);
		enc->cache = (uint8_t)(enc->low >> 24);
	}
	enc->cache_size++;
	enc->low = ((enc->low & 0x00ffffffU) << 8);
}

static void encode_bit(struct encoder *enc, uint16_t *prob, unsigned int bit)
{
	uint32_t bound = ((enc->range >> 11) * (*prob));

	if (!bit) {
		enc->range = bound;
		*prob += (((1 << 11) - *prob) >> 5);
	} else {
		enc->low += bound;
		enc->range -= bound;
		*prob -= (*prob >> 5);
	}
	while (enc->range < (1U << 24)) {
		enc->range <<= 8;
		shift_low(enc);
	}
}

static void encode_direct(struct encoder *enc, uint32_t value,
			  unsigned int count)
{
	while (count--) {
		enc->range >>= 1;
		if ((value >> count) & 1)
			enc->low += enc->range;
		while (enc->range < (1U << 24)) {
			enc->range <<= 8;
			shift_low(enc);
		}
	}
}

static void encode_tree(struct encoder *enc, uint16_t *probs,
			unsigned int bits, unsigned int value)
{
	unsigned int node = 1;
	unsigned int bit;

	while (bits--) {
		bit = ((value >> bits) & 1);
		encode_bit(enc, &probs[node], bit);
		node = ((node << 1) | bit);
	}
}

static void encode_tree_reverse(struct encoder *enc, uint16_t *probs,
				unsigned int bits, unsigned int value)
{
	unsigned int node = 1;
	unsigned int bit;

	while (bits--) {
		bit = (value & 1);
		value >>= 1;
		encode_bit(enc, &probs[node], bit);
		node = ((node << 1) | bit);
	}
}

static void encode_length(struct encoder *enc, uint16_t *probs,
			  unsigned int len)
{
	if (len < FZ_LEN_LOW_COUNT) {
		encode_bit(enc, &probs[FZ_LEN_CHOICE], 0);
		encode_tree(enc, &probs[FZ_LEN_LOW], FZ_LEN_LOW_BITS, len);
	} else if (len < (2 * FZ_LEN_LOW_COUNT)) {
		encode_bit(enc, &probs[FZ_LEN_CHOICE], 1);
		encode_bit(enc, &probs[FZ_LEN_CHOICE2], 0);
		encode_tree(enc, &probs[FZ_LEN_MID], FZ_LEN_LOW_BITS,
			    (len - FZ_LEN_LOW_COUNT));
	} else {
		encode_bit(enc, &probs[FZ_LEN_CHOICE], 1);
		encode_bit(enc, &probs[FZ_LEN_CHOICE2], 1);
		encode_tree(enc, &probs[FZ_LEN_HIGH], FZ_LEN_HIGH_BITS,
			    (len - (2 * FZ_LEN_LOW_COUNT)));
	}
}

static unsigned int distance_slot(uint32_t dist)
{
	unsigned int top;

	if (dist < 4)
		return dist;
	top = (31 - __builtin_clz(dist));
	return ((top << 1) | ((dist >> (top - 1)) & 1));
}

/* ---- prices ------------------------------------------------------------ */

static unsigned int price_bit(uint16_t prob, unsigned int bit)
{
	return price_table[bit ? ((1 << 11) - prob) : prob];
}

static unsigned int price_tree(const uint16_t *probs, unsigned int bits,
			       unsigned int value)
{
	unsigned int node = 1;
	unsigned int price = 0;
	unsigned int bit;

	while (bits--) {
		bit = ((value >> bits) & 1);
		price += price_bit(probs[node], bit);
		node = ((node << 1) | bit);
	}
	return price;
}

static unsigned int price_length(const uint16_t *probs, unsigned int len)
{
	if (len < FZ_LEN_LOW_COUNT)
		return (price_bit(probs[FZ_LEN_CHOICE], 0) +
			price_tree(&probs[FZ_LEN_LOW], FZ_LEN_LOW_BITS, len));
	if (len < (2 * FZ_LEN_LOW_COUNT))
		return (price_bit(probs[FZ_LEN_CHOICE], 1) +
			price_bit(probs[FZ_LEN_CHOICE2], 0) +
			price_tree(&probs[FZ_LEN_MID], FZ_LEN_LOW_BITS,
				   (len - FZ_LEN_LOW_COUNT)));
	return (price_bit(probs[FZ_LEN_CHOICE], 1) +
		price_bit(probs[FZ_LEN_CHOICE2], 1) +
		price_tree(&probs[FZ_LEN_HIGH], FZ_LEN_HIGH_BITS,
			   (len - (2 * FZ_LEN_LOW_COUNT))));
}

static unsigned int price_literal(const struct encoder *enc,
				  const uint8_t *data, size_t pos,
				  unsigned int state)
{
	unsigned int prev = (pos ? data[pos - 1] : 0);

	return (price_bit(enc->probs[FZ_IS_MATCH + state], 0) +
		price_tree(&enc->probs[FZ_LITERAL + ((prev >> 5) << 8)], 8,
			   data[pos]));
}

static unsigned int price_match(const struct encoder *enc, unsigned int state,
				unsigned int len, uint32_t dist)
{
	unsigned int slot = distance_slot(dist);
	unsigned int price;
	unsigned int extra;

	price = (price_bit(enc->probs[FZ_IS_MATCH + state], 1) +
		 price_bit(enc->probs[FZ_IS_REP + state], 0) +
		 price_length(&enc->probs[FZ_MATCH_LEN],
			      (len - FZ_MATCH_MIN)));
	price += price_tree(&enc->probs[FZ_SLOT +
					((((len - FZ_MATCH_MIN) < 3) ?
						  (len - FZ_MATCH_MIN) :
						  3)
					 << FZ_SLOT_BITS)],
			    FZ_SLOT_BITS, slot);
	if (slot >= 4) {
		extra = ((slot >> 1) - 1);
		price += (extra << PRICE_SHIFT);
	}
	return price;
}

static unsigned int price_rep(const struct encoder *enc, unsigned int state,
			      unsigned int len)
{
	return (price_bit(enc->probs[FZ_IS_MATCH + state], 1) +
		price_bit(enc->probs[FZ_IS_REP + state], 1) +
		price_length(&enc->probs[FZ_REP_LEN], (len - FZ_MATCH_MIN)));
}

/* ---- packets ----------------------------------------------------------- */

static void put_literal(struct encoder *enc, const uint8_t *data, size_t pos,
			unsigned int *state)
{
	unsigned int prev = (pos ? data[pos - 1] : 0);

	encode_bit(enc, &enc->probs[FZ_IS_MATCH + *state], 0);
	encode_tree(enc, &enc->probs[FZ_LITERAL + ((prev >> 5) << 8)], 8,
		    data[pos]);
	*state = 0;
}

static void put_match(struct encoder *enc, unsigned int *state,
		      unsigned int len, uint32_t dist)
{
	unsigned int slot = distance_slot(dist);
	unsigned int short_len = (len - FZ_MATCH_MIN);
	unsigned int extra;
	uint32_t rest;

	encode_bit(enc, &enc->probs[FZ_IS_MATCH + *state], 1);
	encode_bit(enc, &enc->probs[FZ_IS_REP + *state], 0);
	encode_length(enc, &enc->probs[FZ_MATCH_LEN], short_len);
	encode_tree(enc,
		    &enc->probs[FZ_SLOT + (((short_len < 3) ? short_len : 3)
					   << FZ_SLOT_BITS)],
		    FZ_SLOT_BITS, slot);
	if (slot >= 4) {
		extra = ((slot >> 1) - 1);
		rest = (dist - ((2 | (slot & 1)) << extra));
		if (slot < FZ_SLOT_DIRECT) {
			encode_tree_reverse(
				enc, &enc->probs[FZ_SPECIAL + ((slot - 4) << 5)],
				extra, rest);
		} else {
			encode_direct(enc, (rest >> 4), (extra - 4));
			encode_tree_reverse(enc, &enc->probs[FZ_ALIGN], 4,
					    (rest & 15));
		}
	}
	*state = 1;
}

static void put_rep(struct encoder *enc, unsigned int *state,
		    unsigned int len)
{
	encode_bit(enc, &enc->probs[FZ_IS_MATCH + *state], 1);
	encode_bit(enc, &enc->probs[FZ_IS_REP + *state], 1);
	encode_length(enc, &enc->probs[FZ_REP_LEN], (len - FZ_MATCH_MIN));
	*state = 2;
}

/* ---- match finding ----------------------------------------------------- */

struct finder {
	const uint8_t *data;
	size_t len;
	int32_t *head;
	int32_t *chain;
	size_t inserted;
};

static unsigned int hash3(const uint8_t *p)
{
	return (((p[0] << 16) | (p[1] << 8) | p[2]) * 2654435761U) >>
	       (32 - HASH_BITS);
}

static void finder_insert_to(struct finder *finder, size_t pos)
{
	unsigned int hash;

	while (finder->inserted < pos) {
		if ((finder->inserted + 3) <= finder->len) {
			hash = hash3(&finder->data[finder->inserted]);
			finder->chain[finder->inserted] = finder->head[hash];
			finder->head[hash] = (int32_t)finder->inserted;
		}
		finder->inserted++;
	}
}

static unsigned int match_length(const struct finder *finder, size_t pos,
				 size_t from)
{
	size_t max = (finder->len - pos);
	unsigned int len = 0;

	if (max > FZ_MATCH_MAX)
		max = FZ_MATCH_MAX;
	while (len < max && finder->data[from + len] == finder->data[pos + len])
		len++;
	return len;
}

/** Best new match at a position: longest, nearest among the longest */
static unsigned int find_match(struct finder *finder, size_t pos,
			       uint32_t *dist)
{
	unsigned int best = 0;
	unsigned int len;
	unsigned int count = 0;
	int32_t cand;
	size_t from;

	finder_insert_to(finder, pos);
	if ((pos + 2) > finder->len)
		return 0;
	for (from = pos; from > 0 && (pos - from) < SHORT_WINDOW;) {
		from--;
		len = match_length(finder, pos, from);
		if (len >= 2 && len > best) {
			best = len;
			*dist = (pos - from - 1);
		}
	}
	if ((pos + 3) <= finder->len) {
		cand = finder->head[hash3(&finder->data[pos])];
		while (cand >= 0 && count++ < CHAIN_LIMIT) {
			len = match_length(finder, pos, cand);
			if (len > best) {
				best = len;
				*dist = (pos - cand - 1);
				if (len == FZ_MATCH_MAX)
					break;
			}
			cand = finder->chain[cand];
		}
	}
	return best;
}

/** A choice at a position, and what it gains over literals */
struct choice {
	unsigned int len;
	uint32_t dist;
	int rep;
	long gain;
};

static void choose(struct encoder *enc, struct finder *finder, size_t pos,
		   unsigned int state, uint32_t rep, struct choice *choice)
{
	const uint8_t *data = finder->data;
	unsigned int literals;
	unsigned int len;
	unsigned int rep_len = 0;
	uint32_t dist = 0;
	long gain;

	choice->len = 1;
	choice->rep = 0;
	choice->gain = 0;
	if (pos >= rep)
		rep_len = match_length(finder, pos, (pos - rep));
	len = find_match(finder, pos, &dist);

	/* A literal costs about this much per byte */
	literals = price_literal(enc, data, pos, state);
	if (rep_len >= FZ_MATCH_MIN) {
		gain = ((long)rep_len * literals) -
		       price_rep(enc, state, rep_len);
		if (gain > choice->gain) {
			choice->len = rep_len;
			choice->rep = 1;
			choice->gain = gain;
		}
	}
	if (len >= FZ_MATCH_MIN) {
		gain = ((long)len * literals) -
		       price_match(enc, state, len, dist);
		if (gain > choice->gain) {
			choice->len = len;
			choice->dist = dist;
			choice->rep = 0;
			choice->gain = gain;
		}
	}
}

static void pack(const uint8_t *data, size_t len, struct encoder *enc)
{
	struct finder finder;
	struct choice now;
	struct choice next;
	unsigned int state = 0;
	uint32_t rep = 1;
	size_t pos = 0;
	size_t i;

	finder.data = data;
	finder.len = len;
	finder.head = malloc(sizeof(int32_t) << HASH_BITS);
	finder.chain = malloc(sizeof(int32_t) * (len + 1));
	if (!finder.head || !finder.chain)
		fail("out of memory");
	memset(finder.head, 0xff, (sizeof(int32_t) << HASH_BITS));
	finder.inserted = 0;

	for (i = 0; i < FZ_PROBS; i++)
		enc->probs[i] = (1 << 10);
	enc->low = 0;
	enc->range = 0xffffffffU;
	enc->cache = 0;
	enc->cache_size = 1;

	while (pos < len) {
		choose(enc, &finder, pos, state, rep, &now);
		if (now.len > 1 && (pos + 1) < len) {
			/* One step of lookahead: a literal now and a better
			 * match next
			 */
			choose(enc, &finder, (pos + 1), 0, rep, &next);
			if (next.len > now.len && next.gain > now.gain)
				now.len = 1;
		}
		if (now.len == 1) {
			put_literal(enc, data, pos, &state);
			pos++;
		} else if (now.rep) {
			put_rep(enc, &state, now.len);
			pos += now.len;
		} else {
			put_match(enc, &state, now.len, now.dist);
			rep = (now.dist + 1);
			pos += now.len;
		}
	}
	for (i = 0; i < 5; i++)
		shift_low(enc);
	free(finder.head);
	free(finder.chain);
}

/** Make CALL targets absolute (unpack() undoes it) */
static void filter_calls(uint8_t *data, size_t len)
{
	uint32_t value;
	size_t i;

	for (i = 0; (i + 5) <= len; i++) {
		if (data[i] != 0xe8)
			continue;
		value = (data[i + 1] | (data[i + 2] << 8) |
			 (data[i + 3] << 16) | ((uint32_t)data[i + 4] << 24));
		value += (uint32_t)(i + 5);
		data[i + 1] = value;
		data[i + 2] = (value >> 8);
		data[i + 3] = (value >> 16);
		data[i + 4] = (value >> 24);
		i += 4;
	}
}

/**
 * Pack with the context mixing model (the format unpack_cm() reads)
 *
 * A binary arithmetic coder over [low, high]: a bit of probability p
 * (of a 1) keeps the lower p/4096 of the interval; bytes on which low
 * and high agree are written out.
 *
 * @v data		Data, CALL-filtered
 * @v len		Length
 * @v enc		Where the output goes (only out and len are used)
 */
static void pack_cm(const uint8_t *data, size_t len, struct encoder *enc)
{
	struct cm_model *model;
	uint8_t *copy;
	uint32_t low = 0;
	uint32_t high = 0xffffffffU;
	uint32_t mid;
	unsigned int bit;
	unsigned int p;
	size_t i;
	int shift;

	model = malloc(sizeof(*model));
	copy = malloc(len + 1);
	if (!model || !copy)
		fail("out of memory");
	cm_init(model, copy);
	for (i = 0; i < len; i++) {
		for (shift = 7; shift >= 0; shift--) {
			bit = ((data[i] >> shift) & 1);
			p = cm_predict(model);
			mid = (low + (uint32_t)(((uint64_t)(high - low) * p) >>
						12));
			if (bit)
				high = mid;
			else
				low = (mid + 1);
			cm_update(model, bit);
			while (((low ^ high) & 0xff000000U) == 0) {
				put_byte(enc, (high >> 24));
				low <<= 8;
				high = ((high << 8) | 0xff);
			}
		}
	}
	/* Any code in [low, high] will do: low's top byte, then ones */
	put_byte(enc, (low >> 24));
	put_byte(enc, 0xff);
	put_byte(enc, 0xff);
	put_byte(enc, 0xff);
	free(copy);
	free(model);
}

int main(int argc, char **argv)
{
	static struct encoder enc;
	uint8_t *data;
	uint8_t *filtered;
	uint8_t *check;
	void *work;
	size_t len = 0;
	size_t size = 65536;
	size_t got;
	FILE *file;
	unsigned int i;
	int cm = 0;

	if (argc == 4 && strcmp(argv[1], "--cm") == 0) {
		cm = 1;
		argc--;
		argv++;
	}
	if (argc != 3)
		fail("usage: ferryz [--cm] INPUT OUTPUT");
	for (i = 1; i < (1 << 11); i++)
		price_table[i] = (unsigned int)(-log2(i / 2048.0) *
						(1 << PRICE_SHIFT) + 0.5);
	price_table[0] = price_table[1];

	file = fopen(argv[1], "rb");
	if (!file)
		fail("cannot open input");
	data = malloc(size);
	while (data && (got = fread(data + len, 1, size - len, file)) > 0) {
		len += got;
		if (len == size)
			data = realloc(data, (size *= 2));
	}
	if (!data)
		fail("out of memory");
	fclose(file);
	if (len >= (1U << 31))
		fail("input too large");

	filtered = malloc(len + 1);
	check = malloc(len + 1);
	work = malloc(cm ? CM_WORK_SIZE : FZ_WORK_SIZE);
	if (!filtered || !check || !work)
		fail("out of memory");
	memcpy(filtered, data, len);
	if (cm) {
		if (sizeof(struct cm_model) > CM_WORK_SIZE)
			fail("workspace too small for the model");
		cm_filter_calls(filtered, len, 1);
		pack_cm(filtered, len, &enc);
		if (unpack_cm(check, len, enc.out, enc.len, work) != 0 ||
		    memcmp(check, data, len) != 0)
			fail("packed data does not unpack to the input");
	} else {
		filter_calls(filtered, len);
		pack(filtered, len, &enc);
		if (sizeof(uint16_t) * FZ_PROBS > FZ_WORK_SIZE)
			fail("workspace too small for the model");
		if (unpack(check, len, enc.out, enc.len, work) != 0 ||
		    memcmp(check, data, len) != 0)
			fail("packed data does not unpack to the input");
	}

	file = fopen(argv[2], "wb");
	if (!file || fwrite(enc.out, 1, enc.len, file) != enc.len ||
	    fclose(file) != 0)
		fail("cannot write output");
	fprintf(stderr, "ferryz: %s: %zu -> %zu bytes\n", argv[1], len,
		enc.len);
	return 0;
}
