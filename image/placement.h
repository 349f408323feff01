#ifndef IMAGE_PLACEMENT_H
#define IMAGE_PLACEMENT_H

/** @file
 *
 * Putting the pieces of a kernel where it wants them
 *
 * A kernel's pieces (a bzImage's protected-mode part and its initrds,
 * an ELF file's segments, multiboot modules, boot information) come from
 * images in the image area and from the heap, and have to end up at
 * fixed physical addresses, often inside the image area itself: sources
 * and destinations overlap.  A placement lists the pieces; once
 * placement_check() accepts it, placement_apply() moves everything into
 * place in an order that never overwrites data not yet moved.  Nothing
 * outside the placement's regions is ever written, which is what keeps
 * Ferry's own code, heap and real-mode trampoline intact until the jump.
 */

#include <stddef.h>
#include <stdint.h>

/** Most pieces in one placement */
#define PLACEMENT_MAX_PIECES 64

/** A piece to place */
struct placement_piece {
	/** Data to copy, or NULL (then len is 0) */
	const void *data;
	/** Bytes of data */
	size_t len;
	/** Physical address the data goes to */
	uint64_t dest;
	/** Bytes the piece occupies there (at least len; the rest is
	 * zeroed)
	 */
	uint64_t size;
};

/** A range of physical addresses, end exclusive */
struct placement_region {
	/** Start */
	uint64_t start;
	/** End */
	uint64_t end;
};

/** Pieces and where they may go */
struct placement {
	/**
	 * The main region (RAM above 1 MiB, up to Ferry): destinations
	 * here may overlap sources, and it is the working space for
	 * reordering them
	 */
	struct placement_region area;
	/**
	 * A region that holds no source (free base memory), written
	 * first; empty if start == end
	 */
	struct placement_region low;
	/** Pieces */
	struct placement_piece pieces[PLACEMENT_MAX_PIECES];
	/** Number of pieces */
	unsigned int count;
};

extern void placement_init(struct placement *placement, uint64_t area_start,
			   uint64_t area_end, uint64_t low_start,
			   uint64_t low_end);
extern int placement_add(struct placement *placement, const void *data,
			 size_t len, uint64_t dest, uint64_t size);
extern int placement_check(const struct placement *placement);
extern void placement_apply(struct placement *placement);
extern int placement_find_free(const struct placement *placement, uint64_t len,
			       uint64_t align, uint64_t lowest,
			       uint64_t highest, uint64_t *dest);

#endif /* IMAGE_PLACEMENT_H */
