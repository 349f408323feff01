/** @file
 *
 * Decompressor for option ROM bodies packed by util/ferryz.c --cm
 *
 * The format ("FZ-CM") is context mixing, as in the PAQ family of
 * compressors: the body is coded one bit at a time with a binary
 * arithmetic coder, and the probability of each bit is a mix of the
 * predictions of several models.  It packs x86 code about a tenth
 * smaller than LZ77 with a range coder (unpack.c) does, which is what
 * lets an option ROM with DHCP, DNS, TFTP, HTTP, scripts and menus fit
 * in 64 KiB; the price is speed (every bit goes through every model) and
 * a workspace of CM_WORK_SIZE bytes, so the PXE images, which have no
 * size limit that tight, keep unpack.c.
 *
 * The models, each giving a probability as a 16-bit adaptive counter
 * whose rate slows as it sees more bits (1/(n + 1.5)) and is fast again
 * after a bit it was sure would not come:
 *   - order 0 (the bits of the current byte so far);
 *   - hashed contexts: the previous 1, 2, 3, 4 and 6 bytes, sparse
 *     contexts that skip bytes (instruction operands), and the previous
 *     byte with the position modulo 4 (tables of 32-bit words);
 *   - a match model: the longest earlier occurrence of the last six
 *     bytes predicts the byte that followed it, with a confidence learnt
 *     per match length.
 * A hashed counter is verified with 10 bits of its context's hash and
 * started afresh when another context owns it.  Three neural mixers
 * (their weights selected by the match length, the previous byte and the
 * byte before it, each with the bits so far) combine the predictions in
 * the logistic domain, and an adaptive probability map on the previous byte refines
 * the result.
 *
 * Before packing, the targets of CALL instructions (E8 rel32) are made
 * absolute, which repeats them across the image; unpack_cm() undoes that
 * after decoding.  (Every E8 byte is taken as a CALL: a test of the
 * offset's top byte, as in xz's filter, would depend on bytes a later
 * CALL changes, and the two directions would disagree.)
 *
 * Encoder and decoder share cm_predict() and cm_update() (util/ferryz.c
 * includes this file: the functions are static so that the prefixes'
 * copy has no relocations), so they cannot drift apart; ferryz also checks every
 * image it packs by unpacking it.  In the prefixes this is 32-bit
 * position-independent code: no data of its own, no jump tables, no
 * library calls (the build checks it has no relocations).
 */

#include "arch/x86/prefix/unpack.h"

static void cm_byte(struct cm_model *model);

/** Counter value of probability one half, with no bits seen */
#define CM_COUNTER_START 0x80000000U

/** Mixer weight to start with (16.16 fixed point) */
#define CM_WEIGHT_START (1 << 14)

/**
 * Stretch a probability: ln(p / (1 - p))
 *
 * @v model		Model
 * @v p			Probability (12 bits)
 * @ret st		Stretched (-2047..2047, 8 fractional bits)
 */
static inline int cm_stretch(struct cm_model *model, unsigned int p)
{
	return model->stretch[p];
}

/**
 * Squash a stretched probability: 4096 / (1 + e^-x)
 *
 * @v model		Model
 * @v x			Stretched probability
 * @ret p		Probability (12 bits)
 */
static inline unsigned int cm_squash(struct cm_model *model, int x)
{
	if (x > 2047)
		x = 2047;
	if (x < -2047)
		x = -2047;
	return model->squash[x + 2048];
}

/**
 * Mix a hash
 *
 * @v a			Value
 * @v b			Value
 * @ret hash		Hash of both
 */
static inline unsigned int cm_hash(unsigned int a, unsigned int b)
{
	unsigned int hash = ((a * 0x9e3779b1U) ^ (b * 0x85ebca6bU));

	return (hash ^ (hash >> 15));
}

/**
 * Set up a model
 *
 * The tables are computed here (the prefixes' code may carry no data):
 * e^(-x/256) step by step in 24-bit fixed point gives squash(), and
 * stretch() is its inverse.
 *
 * @v model		Model (CM_WORK_SIZE bytes)
 * @v buf		Where the bytes coded go (the match model reads it)
 */
static void cm_init(struct cm_model *model, unsigned char *buf)
{
	unsigned int exp = (1 << 24);
	unsigned int i;
	unsigned int j;
	unsigned int last;
	unsigned int value;
	int x;

	for (i = 0; i < CM_SLOTS; i++)
		model->slots[i] = CM_COUNTER_START;
	for (i = 0; i < CM_MATCH_SLOTS; i++)
		model->match_table[i] = 0;
	for (i = 0; i < (CM_MIXER1_SETS * CM_INPUTS); i++)
		model->weights1[i] = CM_WEIGHT_START;
	for (i = 0; i < (CM_MIXER2_SETS * CM_INPUTS); i++) {
		model->weights2[i] = CM_WEIGHT_START;
		model->weights3[i] = CM_WEIGHT_START;
	}
	for (i = 0; i < CM_MATCH_COUNTERS; i++)
		model->match_counters[i] = CM_COUNTER_START;
	for (x = 0; x < 2048; x++) {
		value = ((1U << 28) / (((1U << 24) + exp) >> 8));
		if (value > 4095)
			value = 4095;
		model->squash[2048 + x] = value;
		model->squash[2048 - x] = (4096 - value);
		exp = (unsigned int)(((unsigned long long)exp * 16711808U) >>
				     24);
	}
	model->squash[0] = 1;
	last = 0;
	for (x = -2047; x <= 2047; x++) {
		value = model->squash[x + 2048];
		for (j = last; j <= value; j++)
			model->stretch[j] = x;
		last = (value + 1);
	}
	for (j = last; j < 4096; j++)
		model->stretch[j] = 2047;
	for (i = 0; i < CM_APM_CONTEXTS; i++) {
		for (j = 0; j < 33; j++) {
			model->apm[(i * 33) + j] =
				(cm_squash(model, ((int)j - 16) * 128) * 16);
		}
	}
	model->buf = buf;
	model->pos = 0;
	model->partial = 1;
	model->bits = 0;
	model->last4 = 0;
	model->last8 = 0;
	model->match_ptr = 0;
	model->match_len = 0;
	cm_byte(model);
}

/**
 * Prepare the contexts for the next byte
 *
 * @v model		Model
 */
static void cm_byte(struct cm_model *model)
{
	unsigned int last4 = model->last4;
	unsigned int last8 = model->last8;
	unsigned int pos = model->pos;
	const unsigned char *buf = model->buf;
	unsigned int hash;
	unsigned int len;

	model->hash[0] = 0;
	model->hash[1] = cm_hash((last4 & 0xff), 1);
	model->hash[2] = cm_hash((last4 & 0xffff), 2);
	model->hash[3] = cm_hash((last4 & 0xffffff), 3);
	model->hash[4] = cm_hash(last4, 4);
	model->hash[5] = cm_hash((last4 ^ cm_hash((last8 & 0xffff), 5)), 6);
	model->hash[6] = cm_hash((last4 & 0xff00ff00), 7);
	model->hash[7] = cm_hash((last4 & 0xffff0000), 8);
	model->hash[8] = cm_hash(((last4 & 0xff) | ((pos & 3) << 8)), 9);
	model->hash[9] = cm_hash((last4 & 0xff00ff), 10);
	model->hash[10] = cm_hash((last4 & 0xffff00), 11);
	model->hash[11] = cm_hash((last4 & 0xff0000ff), 12);

	/* The match model: follow the current match, or find a new one */
	if (model->match_len && buf[model->match_ptr] == buf[pos - 1]) {
		model->match_len++;
		model->match_ptr++;
	} else {
		model->match_len = 0;
	}
	if (pos >= 6) {
		hash = (cm_hash(last4, (last8 & 0xffff)) >>
			(32 - CM_MATCH_BITS));
		if (!model->match_len && model->match_table[hash]) {
			model->match_ptr = model->match_table[hash];
			len = 0;
			while (len < 32 && len < model->match_ptr &&
			       buf[model->match_ptr - 1 - len] ==
				       buf[pos - 1 - len])
				len++;
			model->match_len = len;
		}
		model->match_table[hash] = pos;
	}
	if (model->match_len > 63)
		model->match_len = 63;
}

/**
 * Run one mixer: the dot product of the inputs and a weight set
 *
 * @v model		Model
 * @v weights		Weight set
 * @v mixed		Its prediction (12 bits), to train it with
 * @ret dot		Its stretched prediction, clamped
 */
static int cm_mix(struct cm_model *model, const int *weights,
		  unsigned int *mixed)
{
	unsigned int i;
	int dot = 0;

	for (i = 0; i < CM_INPUTS; i++)
		dot += (model->input[i] * weights[i]);
	dot >>= 16;
	if (dot > 2047)
		dot = 2047;
	if (dot < -2047)
		dot = -2047;
	*mixed = cm_squash(model, dot);
	return dot;
}

/**
 * Train one mixer
 *
 * The mixers learn fast at first, when their weights know nothing, and
 * more slowly once they have settled (CM_LEARNING_RATE ... _LATE).
 *
 * @v model		Model
 * @v weights		Weight set
 * @v mixed		Its prediction
 * @v bit		The bit
 */
static void cm_train(struct cm_model *model, int *weights, unsigned int mixed,
		     unsigned int bit)
{
	int rate = ((model->pos < CM_LEARNING_EARLY_BYTES)
			    ? CM_LEARNING_RATE_EARLY
			    : ((model->pos < CM_LEARNING_LATE_BYTES)
				       ? CM_LEARNING_RATE
				       : CM_LEARNING_RATE_LATE));
	int error = ((((int)(bit << 12) - (int)mixed) * rate) >> 2);
	unsigned int i;

	for (i = 0; i < CM_INPUTS; i++)
		weights[i] += ((model->input[i] * error) >> 10);
}

/**
 * Predict the next bit
 *
 * @v model		Model
 * @ret p		Probability that the bit is 1 (12 bits, 1..4095)
 */
static unsigned int cm_predict(struct cm_model *model)
{
	unsigned int partial = model->partial;
	unsigned int *slot;
	unsigned int hash;
	unsigned int check;
	unsigned int expected;
	unsigned int len;
	unsigned int bucket = 0;
	unsigned int i;
	int dot1;
	int dot2;
	int mixed;
	int high;
	int frac;
	unsigned int apm;
	unsigned int p;

	for (i = 0; i < CM_CONTEXTS; i++) {
		hash = ((model->hash[i] + (partial * 0x2f0b3a49U)) *
			0x9e3779b1U);
		if (i == 0) {
			slot = &model->slots[partial];
		} else {
			slot = &model->slots[hash >> (32 - CM_SLOT_BITS)];
			check = ((hash & 0x3ff) << 6);
			if ((*slot & 0xffc0) != check)
				*slot = (CM_COUNTER_START | check);
		}
		model->slot[i] = slot;
		model->input[i] = cm_stretch(model, (*slot >> 20));
	}

	/* The match model, while the byte so far agrees with it */
	model->match_counter = 0;
	model->input[CM_CONTEXTS] = 0;
	if (model->match_len) {
		expected = (model->buf[model->match_ptr] | 0x100);
		if ((expected >> (8 - model->bits)) == partial) {
			len = ((model->match_len > 15) ? 15 : model->match_len);
			model->match_counter =
				(1 + (len * 2) +
				 ((expected >> (7 - model->bits)) & 1));
			model->input[CM_CONTEXTS] = cm_stretch(
				model,
				(model->match_counters[model->match_counter] >>
				 20));
			bucket = ((len < 4) ? 1 : ((len < 16) ? 2 : 3));
		}
	}

	/* Three mixers, averaged in the logistic domain (the second and
	 * third first) */
	model->set1 = ((bucket << 8) | partial);
	model->set2 = (((model->last4 & 0xff) << 8) | partial);
	model->set3 = (((model->last4 & 0xff00)) | partial);
	dot1 = cm_mix(model, &model->weights1[model->set1 * CM_INPUTS],
		      &model->mixed1);
	dot2 = cm_mix(model, &model->weights2[model->set2 * CM_INPUTS],
		      &model->mixed2);
	dot2 += cm_mix(model, &model->weights3[model->set3 * CM_INPUTS],
		       &model->mixed3);
	mixed = ((dot1 + (dot2 >> 1)) >> 1);

	/* The adaptive probability map, interpolated between buckets */
	high = ((mixed + 2048) >> 7);
	frac = ((mixed + 2048) & 127);
	apm = ((((model->last4 & 0xff) << 8) | partial) * 33) + high;
	model->apm_index = (apm + ((frac >= 64) ? 1 : 0));
	p = (((model->apm[apm] * (128 - frac)) +
	      (model->apm[apm + 1] * frac)) >>
	     11);
	p = ((cm_squash(model, mixed) + (3 * p)) >> 2);
	if (p < 1)
		p = 1;
	if (p > 4095)
		p = 4095;
	return p;
}

/**
 * Move a counter towards a bit
 *
 * @v counter		Counter: probability (16 bits), hash check (10
 *			bits), bits seen (6 bits)
 * @v bit		Bit
 */
static void cm_count(unsigned int *counter, unsigned int bit)
{
	unsigned int value = *counter;
	int seen = (value & 63);
	int p = (value >> 16);
	int target = (bit ? 65535 : 0);

	/* A bit the counter was sure would not come: the context has
	 * changed its mind, so learn quickly again */
	if (seen > CM_COUNT_SURPRISED && ((target - p) > CM_COUNT_SURPRISE ||
					  (p - target) > CM_COUNT_SURPRISE))
		seen = CM_COUNT_SURPRISED;
	p += (((target - p) * 2) / ((2 * seen) + 3));
	if (seen < CM_COUNT_LIMIT)
		seen++;
	*counter = (((unsigned int)p << 16) | (value & 0xffc0) | seen);
}

/**
 * Learn from a coded bit, and move on
 *
 * @v model		Model (after cm_predict())
 * @v bit		The bit
 */
static void cm_update(struct cm_model *model, unsigned int bit)
{
	unsigned short *apm = &model->apm[model->apm_index];
	unsigned int i;

	cm_train(model, &model->weights1[model->set1 * CM_INPUTS],
		 model->mixed1, bit);
	cm_train(model, &model->weights2[model->set2 * CM_INPUTS],
		 model->mixed2, bit);
	cm_train(model, &model->weights3[model->set3 * CM_INPUTS],
		 model->mixed3, bit);
	*apm += ((int)(((bit << 16) + (bit << 5) - bit - bit) - *apm) >> 6);
	for (i = 0; i < CM_CONTEXTS; i++)
		cm_count(model->slot[i], bit);
	if (model->match_counter)
		cm_count(&model->match_counters[model->match_counter], bit);

	model->partial = ((model->partial << 1) | bit);
	if (++model->bits == 8) {
		model->last8 = ((model->last8 << 8) | (model->last4 >> 24));
		model->last4 = ((model->last4 << 8) | (model->partial & 0xff));
		model->buf[model->pos++] = model->partial;
		model->partial = 1;
		model->bits = 0;
		cm_byte(model);
	}
}

/**
 * Undo (or do) the CALL filter
 *
 * @v data		Data
 * @v len		Length
 * @v sign		+1 to pack, -1 to unpack
 */
static void cm_filter_calls(unsigned char *data, unsigned int len, int sign)
{
	unsigned int value;
	unsigned int i;

	for (i = 0; (i + 5) <= len; i++) {
		if (data[i] != 0xe8)
			continue;
		value = (data[i + 1] | (data[i + 2] << 8) |
			 (data[i + 3] << 16) |
			 ((unsigned int)data[i + 4] << 24));
		value += (sign * (int)(i + 5));
		data[i + 1] = value;
		data[i + 2] = (value >> 8);
		data[i + 3] = (value >> 16);
		data[i + 4] = (value >> 24);
		i += 4;
	}
}

/**
 * Unpack an image packed by ferryz --cm
 *
 * The stream is the arithmetic coder's 32-bit code, most significant
 * byte first; the coder's interval is [low, high] and a bit of
 * probability p (of a 1) takes the lower p/4096 of it.
 *
 * @v dest		Output buffer (exactly the unpacked size)
 * @v dest_len		Unpacked size
 * @v src		Packed data
 * @v src_len		Packed size
 * @v work		Workspace (CM_WORK_SIZE bytes)
 * @ret rc		0 on success, -1 if the data is damaged
 */
int unpack_cm(unsigned char *dest, unsigned int dest_len,
	      const unsigned char *src, unsigned int src_len, void *work)
{
	struct cm_model *model = work;
	unsigned int low = 0;
	unsigned int high = 0xffffffffU;
	unsigned int code = 0;
	unsigned int in = 0;
	unsigned int mid;
	unsigned int bit;
	unsigned int p;
	unsigned int i;

	cm_init(model, dest);
	for (i = 0; i < 4; i++)
		code = ((code << 8) | ((in < src_len) ? src[in++] : 0));
	while (model->pos < dest_len) {
		p = cm_predict(model);
		mid = (low +
		       (unsigned int)(((unsigned long long)(high - low) * p) >>
				      12));
		bit = (code <= mid);
		if (bit)
			high = mid;
		else
			low = (mid + 1);
		cm_update(model, bit);
		while (((low ^ high) & 0xff000000U) == 0) {
			/* More than four bytes past the end: damaged */
			if (in > (src_len + 4))
				return -1;
			low <<= 8;
			high = ((high << 8) | 0xff);
			code = ((code << 8) | ((in < src_len) ? src[in] : 0));
			in++;
		}
	}
	cm_filter_calls(dest, dest_len, -1);
	return 0;
}
