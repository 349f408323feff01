#ifndef ARCH_X86_PREFIX_UNPACK_H
#define ARCH_X86_PREFIX_UNPACK_H

/** @file
 *
 * The packed image format shared by util/ferryz.c and the prefixes
 *
 * See arch/x86/prefix/unpack.c for the LZ format ("FZ") and
 * unpack_cm.c for the context mixing one ("FZ-CM").  The LZ probability
 * model is one array of 16-bit counters laid out as below.
 */

/** Shortest match */
#define FZ_MATCH_MIN 2
/** Bits of the short and middle length trees */
#define FZ_LEN_LOW_BITS 3
/** Lengths each of those trees covers */
#define FZ_LEN_LOW_COUNT (1 << FZ_LEN_LOW_BITS)
/** Bits of the long length tree */
#define FZ_LEN_HIGH_BITS 8
/** Longest match */
#define FZ_MATCH_MAX \
	(FZ_MATCH_MIN + (2 * FZ_LEN_LOW_COUNT) + (1 << FZ_LEN_HIGH_BITS) - 1)

/* A length model */
#define FZ_LEN_CHOICE 0
#define FZ_LEN_CHOICE2 1
#define FZ_LEN_LOW 2
#define FZ_LEN_MID (FZ_LEN_LOW + FZ_LEN_LOW_COUNT)
#define FZ_LEN_HIGH (FZ_LEN_MID + FZ_LEN_LOW_COUNT)
#define FZ_LEN_PROBS (FZ_LEN_HIGH + (1 << FZ_LEN_HIGH_BITS))

/** Bits of a distance slot */
#define FZ_SLOT_BITS 6
/** First slot whose extra bits are partly direct */
#define FZ_SLOT_DIRECT 14
/** Slots (distance up to 2^31) */
#define FZ_SLOTS (1 << FZ_SLOT_BITS)

/* The whole model */
#define FZ_STATES 3
#define FZ_IS_MATCH 0
#define FZ_IS_REP (FZ_IS_MATCH + FZ_STATES)
#define FZ_MATCH_LEN (FZ_IS_REP + FZ_STATES)
#define FZ_REP_LEN (FZ_MATCH_LEN + FZ_LEN_PROBS)
#define FZ_SLOT (FZ_REP_LEN + FZ_LEN_PROBS)
#define FZ_SPECIAL (FZ_SLOT + (4 * FZ_SLOTS))
#define FZ_ALIGN (FZ_SPECIAL + ((FZ_SLOT_DIRECT - 4) << 5))
#define FZ_LITERAL (FZ_ALIGN + 16)
#define FZ_PROBS (FZ_LITERAL + (8 * 256))

/** Workspace unpack() needs, in bytes */
#define FZ_WORK_SIZE 8192

extern int unpack(unsigned char *dest, unsigned int dest_len,
		  const unsigned char *src, unsigned int src_len, void *work);

/* ---- FZ-CM: context mixing, for option ROMs (unpack_cm.c) ---- */

/** Bits of the hashed counter table's index */
#define CM_SLOT_BITS 22
/** Counters (the first 256 are order 0's) */
#define CM_SLOTS (1 << CM_SLOT_BITS)
/** Bits of the match model's hash table index */
#define CM_MATCH_BITS 18
/** Match model hash table entries */
#define CM_MATCH_SLOTS (1 << CM_MATCH_BITS)
/** Match model counters (by length up to 15 and expected bit) */
#define CM_MATCH_COUNTERS 64
/** Contexts with a counter each (order 0 first) */
#define CM_CONTEXTS 12
/** Mixer inputs: the contexts and the match model */
#define CM_INPUTS (CM_CONTEXTS + 1)
/** First mixer's weight sets (match length bucket, bits so far) */
#define CM_MIXER1_SETS 1024
/** Second and third mixers' weight sets (the byte before, bits so far) */
#define CM_MIXER2_SETS 65536
/** Adaptive probability map contexts (previous byte, bits so far) */
#define CM_APM_CONTEXTS 65536
/** Most bits a counter counts (its slowest rate is 1/(limit + 1.5)) */
#define CM_COUNT_LIMIT 60
/** A bit more than this far (of 65536) from a counter's prediction... */
#define CM_COUNT_SURPRISE 32768
/** ...takes its count back to this, so that it adapts fast again */
#define CM_COUNT_SURPRISED 2
/** Mixer learning rate (in quarters) for the first bytes */
#define CM_LEARNING_RATE_EARLY 10
/** Bytes coded at the early rate */
#define CM_LEARNING_EARLY_BYTES 16384
/** Mixer learning rate (in quarters) after them */
#define CM_LEARNING_RATE 6
/** Bytes coded before the late rate */
#define CM_LEARNING_LATE_BYTES 49152
/** Mixer learning rate (in quarters) from then on */
#define CM_LEARNING_RATE_LATE 4
/** Workspace unpack_cm() needs, in bytes (28 MiB) */
#define CM_WORK_SIZE (28 << 20)

/** The context mixing model (the whole workspace) */
struct cm_model {
	/** Hashed counters: probability, hash check, bits seen */
	unsigned int slots[CM_SLOTS];
	/** Match model: where each hashed 6-byte context was last seen */
	unsigned int match_table[CM_MATCH_SLOTS];
	/** Match model counters */
	unsigned int match_counters[CM_MATCH_COUNTERS];
	/** First mixer's weights (16.16) */
	int weights1[CM_MIXER1_SETS * CM_INPUTS];
	/** Second mixer's weights (16.16): by the previous byte */
	int weights2[CM_MIXER2_SETS * CM_INPUTS];
	/** Third mixer's weights (16.16): by the byte before that */
	int weights3[CM_MIXER2_SETS * CM_INPUTS];
	/** Adaptive probability map: 33 buckets per context (16 bits) */
	unsigned short apm[CM_APM_CONTEXTS * 33];
	/** squash(), by stretched probability + 2048 */
	short squash[4096];
	/** stretch(), by 12-bit probability */
	short stretch[4096];
	/** The bytes so far */
	unsigned char *buf;
	/** Bytes so far */
	unsigned int pos;
	/** Bits of the current byte so far, after a leading 1 */
	unsigned int partial;
	/** Number of those bits */
	unsigned int bits;
	/** The last four bytes (the latest lowest) */
	unsigned int last4;
	/** The four before them */
	unsigned int last8;
	/** Match model: the byte predicted next */
	unsigned int match_ptr;
	/** Match model: length of the match (0: none) */
	unsigned int match_len;
	/** Context hashes for this byte */
	unsigned int hash[CM_CONTEXTS];
	/** Counters used for this bit */
	unsigned int *slot[CM_CONTEXTS];
	/** Mixer inputs for this bit */
	int input[CM_INPUTS];
	/** Match model counter used for this bit (0: none) */
	unsigned int match_counter;
	/** Weight sets used for this bit */
	unsigned int set1;
	unsigned int set2;
	unsigned int set3;
	/** Each mixer's prediction for this bit */
	unsigned int mixed1;
	unsigned int mixed2;
	unsigned int mixed3;
	/** Probability map entry to train */
	unsigned int apm_index;
};

extern int unpack_cm(unsigned char *dest, unsigned int dest_len,
		     const unsigned char *src, unsigned int src_len,
		     void *work);

#endif /* ARCH_X86_PREFIX_UNPACK_H */
