#ifndef ARCH_X86_PREFIX_UNPACK_H
#define ARCH_X86_PREFIX_UNPACK_H

/** @file
 *
 * The packed image format shared by util/ferryz.c and the prefixes
 *
 * See arch/x86/prefix/unpack.c for the format.  The probability model
 * is one array of 16-bit counters laid out as below.
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

#endif /* ARCH_X86_PREFIX_UNPACK_H */
