#ifndef CORE_REFCNT_H
#define CORE_REFCNT_H

/** @file
 *
 * Reference counting
 *
 * An object embeds a struct refcnt; ref_get() takes a reference,
 * ref_put() drops one and frees the object when the last goes.  Both
 * accept NULL, so optional references need no checks.
 */

/** A reference counter */
struct refcnt {
	/** Number of references held, minus one */
	int count;
	/**
	 * Free the containing object
	 *
	 * @v refcnt		Reference counter
	 *
	 * If NULL, the object is freed with heap_free().
	 */
	void (*free)(struct refcnt *refcnt);
};

/**
 * Initialise a reference counter (one reference, held by the caller)
 *
 * @v refcnt		Reference counter
 * @v free		Free method, or NULL for heap_free()
 */
static inline void ref_init(struct refcnt *refcnt,
			    void (*free)(struct refcnt *refcnt))
{
	refcnt->count = 0;
	refcnt->free = free;
}

extern struct refcnt *ref_get(struct refcnt *refcnt);
extern void ref_put(struct refcnt *refcnt);

#endif /* CORE_REFCNT_H */
