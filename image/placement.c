/** @file
 *
 * Putting the pieces of a kernel where it wants them
 *
 * The moves happen in up to three steps, each of which only ever writes
 * over bytes that are free or that belong to the piece being moved:
 *
 *  1. If the pieces' current order in memory (by source address) is not
 *     their final order (by destination), they are first packed against
 *     the top of the area, highest source first.  Each piece then moves
 *     up (or stays): the pieces above it in memory, already packed, take
 *     at most the space between its end and the top, so its new place
 *     starts no lower than its old one and ends below everything packed
 *     so far.  Pieces whose source is outside the area (heap buffers) are
 *     copied in below the packed ones.
 *
 *  2. The packed pieces, now one contiguous run, are put into final order
 *     by rotating runs of neighbours in place (insertion sort, each step
 *     one rotation done with three reversals): no free memory is needed.
 *
 *  3. Every piece moves to its destination.  With sources and
 *     destinations in the same order, the pieces moving down go first,
 *     lowest first, then the pieces moving up, highest first.  A piece
 *     moving down writes below its own source, so never over a source
 *     above it; and a source below it that has not moved yet belongs to
 *     a piece moving up, whose destination (and so its source) lies below
 *     this piece's destination.  The same argument, mirrored, covers the
 *     pieces moving up.
 *
 * Pieces whose destination is in the low region (free base memory, which
 * holds no image data) are simply copied before anything else.  Last,
 * the part of each destination beyond its data is zeroed.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/string.h"
#include "image/placement.h"

#define ENOSPC_PIECES ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_PIECES, "Image has too many pieces to load");
#define ERANGE_DEST ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_DEST, "Image would load outside usable memory");
#define EINVAL_OVERLAP ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_OVERLAP, "Parts of the image would overlap in memory");
#define EINVAL_SOURCE ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_SOURCE, "Parts of the image overlap in the file");
#define ENOSPC_FREE ERROR_CODE(ERRCLASS_ENOSPC, 2)
ERROR_MESSAGE(ENOSPC_FREE, "Not enough free memory to load the image");

/**
 * Set up an empty placement
 *
 * @v placement		Placement
 * @v area_start	Start of the main region
 * @v area_end		End of the main region
 * @v low_start		Start of the low region
 * @v low_end		End of the low region (== low_start for none)
 */
void placement_init(struct placement *placement, uint64_t area_start,
		    uint64_t area_end, uint64_t low_start, uint64_t low_end)
{
	memset(placement, 0, sizeof(*placement));
	placement->area.start = area_start;
	placement->area.end = area_end;
	placement->low.start = low_start;
	placement->low.end = low_end;
}

/**
 * Add a piece
 *
 * @v placement		Placement
 * @v data		Data, or NULL
 * @v len		Length of data
 * @v dest		Physical destination
 * @v size		Bytes it occupies there (at least len)
 * @ret rc		Return status code
 */
int placement_add(struct placement *placement, const void *data, size_t len,
		  uint64_t dest, uint64_t size)
{
	struct placement_piece *piece;

	if (placement->count >= PLACEMENT_MAX_PIECES)
		return -ENOSPC_PIECES;
	if (!data)
		len = 0;
	if (size < len)
		size = len;
	piece = &placement->pieces[placement->count++];
	piece->data = data;
	piece->len = len;
	piece->dest = dest;
	piece->size = size;
	return 0;
}

/**
 * Test whether a range lies within a region
 *
 * @v region		Region
 * @v start		Start of range
 * @v len		Length of range
 * @ret inside		Range is inside (an empty range at the region's
 *			edge counts)
 */
static int placement_inside(const struct placement_region *region,
			    uint64_t start, uint64_t len)
{
	return (start >= region->start && start <= region->end &&
		len <= (region->end - start));
}

/**
 * Test whether two ranges overlap
 *
 * @v a			Start of first range
 * @v a_len		Length of first range
 * @v b			Start of second range
 * @v b_len		Length of second range
 * @ret overlap		Ranges share at least one byte
 */
static int placement_overlap(uint64_t a, uint64_t a_len, uint64_t b,
			     uint64_t b_len)
{
	return (a_len && b_len && a < (b + b_len) && b < (a + a_len));
}

/**
 * Physical address of a piece's data
 *
 * @v piece		Piece
 * @ret src		Physical address
 */
static uint64_t placement_source(const struct placement_piece *piece)
{
	return virt_to_phys(piece->data);
}

/**
 * Check that a placement can be carried out
 *
 * Every destination must lie in the area or in the low region, no two
 * destinations may overlap, every destination must be addressable,
 * sources must not overlap one another, and a source in the area must
 * not run past its end.
 *
 * @v placement		Placement
 * @ret rc		Return status code
 */
int placement_check(const struct placement *placement)
{
	const struct placement_piece *piece;
	const struct placement_piece *other;
	uint64_t src;
	unsigned int i;
	unsigned int j;

	for (i = 0; i < placement->count; i++) {
		piece = &placement->pieces[i];
		if ((piece->dest + piece->size) < piece->dest ||
		    (piece->size &&
		     (piece->dest + piece->size - 1) > UINTPTR_MAX))
			return -ERANGE_DEST;
		if (!placement_inside(&placement->area, piece->dest,
				      piece->size) &&
		    !placement_inside(&placement->low, piece->dest,
				      piece->size))
			return -ERANGE_DEST;
		src = placement_source(piece);
		if (piece->len &&
		    placement_overlap(
			    src, piece->len, placement->area.start,
			    (placement->area.end - placement->area.start)) &&
		    (src + piece->len) > placement->area.end)
			return -ERANGE_DEST;
		if (piece->len &&
		    placement_overlap(
			    src, piece->len, placement->low.start,
			    (placement->low.end - placement->low.start)))
			return -EINVAL_SOURCE;
		for (j = 0; j < i; j++) {
			other = &placement->pieces[j];
			if (placement_overlap(piece->dest, piece->size,
					      other->dest, other->size))
				return -EINVAL_OVERLAP;
			if (placement_overlap(src, piece->len,
					      placement_source(other),
					      other->len))
				return -EINVAL_SOURCE;
		}
	}
	return 0;
}

/**
 * Find the highest free place for a new piece
 *
 * @v placement		Placement
 * @v len		Bytes needed
 * @v align		Alignment of the start (a power of two)
 * @v lowest		Lowest acceptable start
 * @v highest		Highest acceptable end
 * @v dest		Start found
 * @ret rc		Return status code
 */
int placement_find_free(const struct placement *placement, uint64_t len,
			uint64_t align, uint64_t lowest, uint64_t highest,
			uint64_t *dest)
{
	const struct placement_piece *piece;
	uint64_t top;
	uint64_t start;
	unsigned int i;
	int moved;

	top = min(highest, placement->area.end);
	lowest = max(lowest, placement->area.start);
	do {
		if (top < len || (top - len) < lowest)
			return -ENOSPC_FREE;
		start = ((top - len) & ~(align - 1));
		if (start < lowest)
			return -ENOSPC_FREE;
		/* Below any piece in the way, and look again */
		moved = 0;
		for (i = 0; i < placement->count; i++) {
			piece = &placement->pieces[i];
			if (placement_overlap(start, len, piece->dest,
					      piece->size)) {
				top = piece->dest;
				moved = 1;
			}
		}
	} while (moved);
	*dest = start;
	return 0;
}

/**
 * Reverse a range of bytes in place
 *
 * @v start		Start
 * @v len		Length
 */
static void placement_reverse(uint8_t *start, size_t len)
{
	uint8_t *end = (start + len);
	uint8_t byte;

	while (len >= 2 && start < --end) {
		byte = *start;
		*(start++) = *end;
		*end = byte;
	}
}

/**
 * Swap two neighbouring runs of bytes in place: [A][B] becomes [B][A]
 *
 * @v start		Start of A
 * @v a_len		Length of A
 * @v b_len		Length of B (which follows A)
 */
static void placement_rotate(uint8_t *start, size_t a_len, size_t b_len)
{
	placement_reverse(start, a_len);
	placement_reverse((start + a_len), b_len);
	placement_reverse(start, (a_len + b_len));
}

/**
 * Sort piece numbers by an address
 *
 * @v placement		Placement
 * @v order		Piece numbers to sort
 * @v count		Number of them
 * @v by_dest		Sort by destination, else by current source
 */
static void placement_sort(const struct placement *placement,
			   unsigned int *order, unsigned int count, int by_dest)
{
	const struct placement_piece *pieces = placement->pieces;
	unsigned int swap;
	unsigned int i;
	unsigned int j;
	uint64_t a;
	uint64_t b;

	for (i = 1; i < count; i++) {
		for (j = i; j > 0; j--) {
			a = (by_dest ? pieces[order[j - 1]].dest
				     : placement_source(&pieces[order[j - 1]]));
			b = (by_dest ? pieces[order[j]].dest
				     : placement_source(&pieces[order[j]]));
			if (a <= b)
				break;
			swap = order[j];
			order[j] = order[j - 1];
			order[j - 1] = swap;
		}
	}
}

/**
 * Pack the moving pieces against the top of the area (step 1)
 *
 * @v placement		Placement
 * @v order		Moving pieces, sorted by source
 * @v count		Number of them
 */
static void placement_pack(struct placement *placement, unsigned int *order,
			   unsigned int count)
{
	struct placement_piece *piece;
	uintptr_t top = placement->area.end;
	uint64_t src;
	unsigned int i;
	int inside;
	int pass;

	/* Pieces in the area first, highest first; then the others */
	for (pass = 0; pass < 2; pass++) {
		for (i = count; i-- > 0;) {
			piece = &placement->pieces[order[i]];
			src = placement_source(piece);
			inside = placement_overlap(
				src, piece->len, placement->area.start,
				(placement->area.end - placement->area.start));
			if (inside != (pass == 0))
				continue;
			top -= piece->len;
			memmove(phys_to_virt(top), piece->data, piece->len);
			piece->data = phys_to_virt(top);
		}
	}
}

/**
 * Put packed pieces into destination order by rotations (step 2)
 *
 * @v placement		Placement
 * @v order		Moving pieces, sorted by (packed, contiguous) source;
 *			sorted by destination on return
 * @v count		Number of them
 */
static void placement_reorder(struct placement *placement, unsigned int *order,
			      unsigned int count)
{
	struct placement_piece *pieces = placement->pieces;
	struct placement_piece *moving;
	uint8_t *start;
	size_t skipped;
	unsigned int current;
	unsigned int i;
	unsigned int j;
	unsigned int k;

	for (i = 1; i < count; i++) {
		moving = &pieces[order[i]];
		for (j = i; j > 0 && pieces[order[j - 1]].dest > moving->dest;
		     j--)
			;
		if (j == i)
			continue;

		/* Rotate [pieces j..i-1][piece i] into [piece i][j..i-1] */
		start = (uint8_t *)pieces[order[j]].data;
		skipped = ((uint8_t *)moving->data - start);
		placement_rotate(start, skipped, moving->len);
		for (k = j; k < i; k++)
			pieces[order[k]].data =
				((uint8_t *)pieces[order[k]].data +
				 moving->len);
		moving->data = start;
		current = order[i];
		for (k = i; k > j; k--)
			order[k] = order[k - 1];
		order[j] = current;
	}
}

/**
 * Move every piece to its destination, sources being in destination
 * order (step 3)
 *
 * @v placement		Placement
 * @v order		Moving pieces, sorted by destination
 * @v count		Number of them
 */
static void placement_spread(struct placement *placement, unsigned int *order,
			     unsigned int count)
{
	struct placement_piece *piece;
	unsigned int i;

	for (i = 0; i < count; i++) {
		piece = &placement->pieces[order[i]];
		if (piece->dest <= placement_source(piece)) {
			memmove(phys_to_virt(piece->dest), piece->data,
				piece->len);
			piece->data = phys_to_virt(piece->dest);
		}
	}
	for (i = count; i-- > 0;) {
		piece = &placement->pieces[order[i]];
		if (piece->dest > placement_source(piece)) {
			memmove(phys_to_virt(piece->dest), piece->data,
				piece->len);
			piece->data = phys_to_virt(piece->dest);
		}
	}
}

/**
 * Carry out a placement
 *
 * The placement must have passed placement_check().  Overwrites any
 * memory in its regions, including other images: there is no way back
 * to the command line afterwards.
 *
 * @v placement		Placement
 */
void placement_apply(struct placement *placement)
{
	unsigned int order[PLACEMENT_MAX_PIECES];
	struct placement_piece *piece;
	unsigned int count = 0;
	unsigned int i;
	int in_order;

	/* Low pieces: nothing there is anyone's source */
	for (i = 0; i < placement->count; i++) {
		piece = &placement->pieces[i];
		if (!piece->len || !placement_inside(&placement->low,
						     piece->dest, piece->size))
			continue;
		memcpy(phys_to_virt(piece->dest), piece->data, piece->len);
	}

	/* The pieces that move within the area */
	for (i = 0; i < placement->count; i++) {
		piece = &placement->pieces[i];
		if (piece->len && !placement_inside(&placement->low,
						    piece->dest, piece->size))
			order[count++] = i;
	}
	placement_sort(placement, order, count, 0);
	in_order = 1;
	for (i = 1; i < count; i++) {
		if (placement->pieces[order[i - 1]].dest >
		    placement->pieces[order[i]].dest)
			in_order = 0;
	}
	if (!in_order) {
		placement_pack(placement, order, count);
		placement_sort(placement, order, count, 0);
		placement_reorder(placement, order, count);
	}
	placement_spread(placement, order, count);

	/* Zero what lies beyond each piece's data */
	for (i = 0; i < placement->count; i++) {
		piece = &placement->pieces[i];
		memset(phys_to_virt(piece->dest + piece->len), 0,
		       (piece->size - piece->len));
	}
}
