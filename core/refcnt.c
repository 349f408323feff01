/** @file
 *
 * Reference counting
 */

#include "core/refcnt.h"
#include "core/malloc.h"
#include "core/printf.h"

/**
 * Take a reference
 *
 * @v refcnt		Reference counter, or NULL
 * @ret refcnt		Reference counter
 */
struct refcnt *ref_get(struct refcnt *refcnt)
{
	if (refcnt)
		refcnt->count++;
	return refcnt;
}

/**
 * Drop a reference, freeing the object when the last one goes
 *
 * An object freed with the default method must have its refcnt as its
 * first member.
 *
 * @v refcnt		Reference counter, or NULL
 */
void ref_put(struct refcnt *refcnt)
{
	if (!refcnt)
		return;
	refcnt->count--;
	if (refcnt->count >= 0)
		return;
	if (refcnt->count < -1) {
		printf("BUG: reference count of %p dropped below zero\n",
		       refcnt);
		return;
	}
	if (refcnt->free)
		refcnt->free(refcnt);
	else
		heap_free(refcnt);
}
