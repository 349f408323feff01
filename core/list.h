#ifndef CORE_LIST_H
#define CORE_LIST_H

/** @file
 *
 * Doubly-linked lists
 *
 * A list head is embedded in each member; an empty list's head points at
 * itself.
 */

#include <stddef.h>

/** A list head, or a member's link */
struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

/** Initialise a list head statically */
#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}

/** Declare and initialise a list head */
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

/** The structure that contains a member */
#define container_of(ptr, type, member)                            \
	({                                                         \
		const typeof(((type *)0)->member) *__mptr = (ptr); \
		(type *)((void *)__mptr - offsetof(type, member)); \
	})

/**
 * Initialise a list head
 *
 * @v list		List head
 */
static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

/**
 * Insert a new entry between two known entries
 *
 * @v new		New entry
 * @v prev		Entry before
 * @v next		Entry after
 */
static inline void list_insert(struct list_head *new, struct list_head *prev,
			       struct list_head *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

/**
 * Add an entry at the head of a list
 *
 * @v new		New entry
 * @v head		List head
 */
static inline void list_add(struct list_head *new, struct list_head *head)
{
	list_insert(new, head, head->next);
}

/**
 * Add an entry at the tail of a list
 *
 * @v new		New entry
 * @v head		List head
 */
static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	list_insert(new, head->prev, head);
}

/**
 * Remove an entry from its list
 *
 * The entry is left pointing at itself, so list_empty() on it is true
 * and a second list_del() is harmless.
 *
 * @v entry		Entry
 */
static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	INIT_LIST_HEAD(entry);
}

/**
 * Test whether a list is empty
 *
 * @v head		List head
 * @ret empty		List is empty
 */
static inline int list_empty(const struct list_head *head)
{
	return (head->next == head);
}

/** The structure containing a list entry */
#define list_entry(ptr, type, member) container_of(ptr, type, member)

/** The first entry of a list, or NULL if empty */
#define list_first_entry(head, type, member) \
	(list_empty(head) ? (type *)NULL     \
			  : list_entry((head)->next, type, member))

/** The last entry of a list, or NULL if empty */
#define list_last_entry(head, type, member) \
	(list_empty(head) ? (type *)NULL    \
			  : list_entry((head)->prev, type, member))

/** Iterate over the entries of a list */
#define list_for_each_entry(pos, head, member)                     \
	for (pos = list_entry((head)->next, typeof(*pos), member); \
	     &pos->member != (head);                               \
	     pos = list_entry(pos->member.next, typeof(*pos), member))

/** Iterate over the entries of a list, last first */
#define list_for_each_entry_reverse(pos, head, member)             \
	for (pos = list_entry((head)->prev, typeof(*pos), member); \
	     &pos->member != (head);                               \
	     pos = list_entry(pos->member.prev, typeof(*pos), member))

/** Iterate over the entries of a list, allowing the current one to go */
#define list_for_each_entry_safe(pos, tmp, head, member)              \
	for (pos = list_entry((head)->next, typeof(*pos), member),    \
	    tmp = list_entry(pos->member.next, typeof(*pos), member); \
	     &pos->member != (head); pos = tmp,                       \
	    tmp = list_entry(tmp->member.next, typeof(*tmp), member))

#endif /* CORE_LIST_H */
