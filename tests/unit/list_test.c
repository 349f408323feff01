/** @file
 *
 * Unit tests: lists and reference counts
 */

#include "tests/unit/unittest.h"
#include "core/list.h"
#include "core/refcnt.h"
#include "core/malloc.h"

/** A list member for testing */
struct list_test_item {
	struct list_head list;
	int value;
};

/** Adding, walking, removing */
UNIT_TEST(list_basic)
{
	struct list_test_item items[4];
	struct list_test_item *item;
	struct list_test_item *tmp;
	LIST_HEAD(head);
	int sum = 0;
	int order[4];
	int count = 0;
	int i;

	ok(list_empty(&head));
	ok(list_first_entry(&head, struct list_test_item, list) == NULL);
	for (i = 0; i < 4; i++) {
		items[i].value = i;
		list_add_tail(&items[i].list, &head);
	}
	list_for_each_entry(item, &head, list)
		order[count++] = item->value;
	ok(count == 4 && order[0] == 0 && order[3] == 3);
	ok(list_first_entry(&head, struct list_test_item, list) == &items[0]);
	ok(list_last_entry(&head, struct list_test_item, list) == &items[3]);
	list_for_each_entry_safe(item, tmp, &head, list) {
		if (item->value % 2)
			list_del(&item->list);
	}
	list_for_each_entry(item, &head, list)
		sum += item->value;
	ok(sum == 2);
	ok(list_empty(&items[1].list));
	list_del(&items[1].list);
	list_add(&items[3].list, &head);
	ok(list_first_entry(&head, struct list_test_item, list) == &items[3]);
	count = 0;
	list_for_each_entry_reverse(item, &head, list)
		order[count++] = item->value;
	ok(count == 3 && order[0] == 2 && order[2] == 3);
}

/** Objects freed when the last reference goes */
static int list_test_freed;

/**
 * Free method for the reference-count test
 *
 * @v refcnt		Reference counter
 */
static void list_test_free(struct refcnt *refcnt)
{
	list_test_freed++;
}

/** Reference counting */
UNIT_TEST(refcnt_basic)
{
	struct refcnt ref;
	struct refcnt *heap_ref;

	list_test_freed = 0;
	ref_init(&ref, list_test_free);
	ok(ref_get(&ref) == &ref);
	ref_put(&ref);
	ok(list_test_freed == 0);
	ref_put(&ref);
	ok(list_test_freed == 1);
	ref_get(NULL);
	ref_put(NULL);
	heap_ref = heap_alloc(sizeof(*heap_ref));
	ok(heap_ref != NULL);
	ref_init(heap_ref, NULL);
	ref_put(heap_ref);
}
