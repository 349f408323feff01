/** @file
 *
 * Menus
 *
 *     menu [--name <name>] [--delete] [<title>...]
 *     item [--menu <name>] [--key <key>] [--default] [<label> [<text>...]]
 *     item [--menu <name>] [--key <key>] --gap [<text>...]
 *     choose [--menu <name>] [--default <label>] [--timeout <ms>]
 *            [--retimeout <ms>] [--keep] <setting>
 *
 * "menu" starts a menu (replacing any of the same name), "item" adds a
 * line to it (an item without a label, or with --gap, is a separator
 * that cannot be chosen) and "choose" shows it and stores the label of
 * the item chosen in the setting.  The menu is then deleted, unless
 * --keep is given.
 *
 * The menu fills the screen in a frame, title on top; the selected item
 * is highlighted and marked with '>' (for terminals without colour).  Up and Down (or
 * Tab) move the selection, wrapping round; Page Up and Page Down move a
 * screen at a time; Home and End go to the first and last item; Enter
 * chooses; an item's key chooses it at once; Escape or Ctrl-C cancels
 * (choose fails with -ECANCELED).  With --timeout the selected item
 * shows the seconds left, "(5)", and is chosen when they run out; any
 * key stops the countdown (or, with --retimeout, restarts it).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/printf.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/list.h"
#include "core/keys.h"
#include "core/settings.h"
#include "script/script.h"
#include "script/ui.h"

/** Row of the title */
#define MENU_TITLE_ROW 1U
/** First row of items */
#define MENU_ROW       3U
/** Column of items */
#define MENU_COLUMN    1U
/** Number of item rows */
#define MENU_ROWS      (UI_ROWS - 2U - MENU_ROW)
/** Width of an item row */
#define MENU_COLUMNS   (UI_COLUMNS - 2U)
/** Spaces before and after an item's text */
#define MENU_PAD       2U
/** Milliseconds in a second of countdown */
#define MENU_TICK_MS   1000UL

/** Usage of "menu" */
#define MENU_USAGE "menu [--name <name>] [--delete] [<title>]"
/** Usage of "item" */
#define ITEM_USAGE                                                         \
	"item [--menu <name>] [--key <key>] [--default] [--gap] [<label> " \
	"[<text>]]"
/** Usage of "choose" */
#define CHOOSE_USAGE                                                   \
	"choose [--menu <name>] [--default <label>] [--timeout <ms>] " \
	"[--retimeout <ms>] [--keep] <setting>"

/** No menu of that name */
#define ENOENT_MENU ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_MENU, "No such menu");
/** A menu with nothing to choose */
#define ENOENT_ITEMS ERROR_CODE(ERRCLASS_ENOENT, 2)
ERROR_MESSAGE(ENOENT_ITEMS, "Menu has no items to choose");
/** Escape or Ctrl-C */
#define ECANCELED_MENU ERROR_CODE(ERRCLASS_ECANCELED, 1)
ERROR_MESSAGE(ECANCELED_MENU, "Menu cancelled");

/** A menu item */
struct menu_item {
	/** Link in the menu's items */
	struct list_head list;
	/** Label (what "choose" stores), or NULL for a separator */
	char *label;
	/** Text shown */
	char *text;
	/** Shortcut key (iPXE's numbering), or 0 */
	int shortcut;
	/** Item is the default selection */
	int is_default;
};

/** A menu */
struct menu {
	/** Link in the list of menus */
	struct list_head list;
	/** Name, or NULL for the default menu */
	char *name;
	/** Title */
	char *title;
	/** Items, in order */
	struct list_head items;
};

/** A menu on the screen */
struct menu_ui {
	/** Items */
	struct menu_item **items;
	/** Number of items */
	unsigned int count;
	/** Selected item */
	unsigned int current;
	/** First item on the screen */
	unsigned int first;
	/** Milliseconds left before the selection is chosen (0: none) */
	unsigned long timeout_ms;
};

/** All menus */
static LIST_HEAD(menus);

/**
 * Compare menu names (NULL is the default menu)
 *
 * @v a			Name, or NULL
 * @v b			Name, or NULL
 * @ret same		Names are the same
 */
static int menu_name_same(const char *a, const char *b)
{
	if (!a || !b)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/**
 * Find a menu
 *
 * @v name		Name, or NULL for the default menu
 * @ret menu		Menu, or NULL
 */
static struct menu *menu_find(const char *name)
{
	struct menu *menu;

	list_for_each_entry (menu, &menus, list) {
		if (menu_name_same(menu->name, name))
			return menu;
	}
	return NULL;
}

/**
 * Delete a menu and its items
 *
 * @v menu		Menu
 */
static void menu_destroy(struct menu *menu)
{
	struct menu_item *item;
	struct menu_item *tmp;

	list_for_each_entry_safe (item, tmp, &menu->items, list) {
		list_del(&item->list);
		heap_free(item->label);
		heap_free(item->text);
		heap_free(item);
	}
	list_del(&menu->list);
	heap_free(menu->name);
	heap_free(menu->title);
	heap_free(menu);
}

/**
 * Find a menu given to a command, or say that it does not exist
 *
 * @v name		Name, or NULL
 * @v menu		Menu to fill in
 * @ret rc		Return status code
 */
static int menu_parse(const char *name, struct menu **menu)
{
	*menu = menu_find(name);
	if (!*menu) {
		error_print(-ENOENT_MENU, (name ? name : "default menu"));
		return -ENOENT_MENU;
	}
	return 0;
}

/**
 * Run "menu"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int menu_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "delete", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	struct menu *menu;
	int delete = 0;
	int option;

	while ((option = getopt_long(argc, argv, "n:d", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'n':
			name = optarg;
			break;
		case 'd':
			delete = 1;
			break;
		default:
			return script_usage(MENU_USAGE);
		}
	}
	menu = menu_find(name);
	if (menu)
		menu_destroy(menu);
	if (delete)
		return 0;
	menu = heap_zalloc(sizeof(*menu));
	if (!menu)
		return -ENOMEM;
	INIT_LIST_HEAD(&menu->items);
	menu->title = script_concat((argc - optind), &argv[optind]);
	menu->name = (name ? strdup(name) : NULL);
	list_add_tail(&menu->list, &menus);
	if (!menu->title || (name && !menu->name)) {
		menu_destroy(menu);
		return -ENOMEM;
	}
	return 0;
}

/** The "menu" command */
struct command menu_command __command = {
	.name = "menu",
	.usage = MENU_USAGE,
	.exec = menu_exec,
};

/**
 * Run "item"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int item_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "menu", required_argument, NULL, 'm' },
		{ "key", required_argument, NULL, 'k' },
		{ "default", no_argument, NULL, 'd' },
		{ "gap", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	struct menu_item *item;
	struct menu *menu;
	int is_default = 0;
	int is_gap = 0;
	int shortcut = 0;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "m:k:dg", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'm':
			name = optarg;
			break;
		case 'k':
			if (script_parse_key(optarg, &shortcut) != 0)
				return script_usage(ITEM_USAGE);
			break;
		case 'd':
			is_default = 1;
			break;
		case 'g':
			is_gap = 1;
			break;
		default:
			return script_usage(ITEM_USAGE);
		}
	}
	if ((rc = menu_parse(name, &menu)) != 0)
		return rc;
	item = heap_zalloc(sizeof(*item));
	if (!item)
		return -ENOMEM;
	if (!is_gap && optind < argc) {
		item->label = strdup(argv[optind++]);
		if (!item->label)
			goto err;
	}
	item->text = script_concat((argc - optind), &argv[optind]);
	if (!item->text)
		goto err;
	item->shortcut = shortcut;
	item->is_default = is_default;
	list_add_tail(&item->list, &menu->items);
	return 0;
err:
	heap_free(item->label);
	heap_free(item);
	return -ENOMEM;
}

/** The "item" command */
struct command item_command __command = {
	.name = "item",
	.usage = ITEM_USAGE,
	.exec = item_exec,
};

/**
 * Draw one item row
 *
 * @v ui		Menu on the screen
 * @v index		Item number (a row past the last item is blanked)
 */
static void menu_draw_item(struct menu_ui *ui, unsigned int index)
{
	char row[MENU_COLUMNS + 1];
	char countdown[16];
	struct menu_item *item;
	size_t len;
	int selected;

	if (index < ui->first || index >= (ui->first + MENU_ROWS))
		return;
	memset(row, ' ', MENU_COLUMNS);
	row[MENU_COLUMNS] = '\0';
	if (index >= ui->count) {
		ui_pair_use(UI_PAIR_NORMAL, 0);
		ui_print_field((MENU_ROW + index - ui->first), MENU_COLUMN,
			       MENU_COLUMNS, row);
		return;
	}
	item = ui->items[index];
	selected = (index == ui->current);
	len = strlen(item->text);
	if (len > (MENU_COLUMNS - (2 * MENU_PAD)))
		len = (MENU_COLUMNS - (2 * MENU_PAD));
	memcpy(row + MENU_PAD, item->text, len);
	/* A marker shows the selection where colours do not */
	if (selected)
		row[0] = '>';
	if (selected && ui->timeout_ms) {
		len = snprintf(
			countdown, sizeof(countdown), "(%lu)",
			((ui->timeout_ms + MENU_TICK_MS - 1) / MENU_TICK_MS));
		memcpy(row + MENU_COLUMNS - MENU_PAD - len, countdown, len);
	}
	if (selected)
		ui_pair_use(UI_PAIR_SELECT, 1);
	else if (!item->label)
		ui_pair_use(UI_PAIR_SEPARATOR, 0);
	else
		ui_pair_use(UI_PAIR_NORMAL, 0);
	ui_print_field((MENU_ROW + index - ui->first), MENU_COLUMN,
		       MENU_COLUMNS, row);
	ui_pair_use(UI_PAIR_NORMAL, 0);
}

/**
 * Draw every visible item, and "..." where more are off the screen
 *
 * @v ui		Menu on the screen
 */
static void menu_draw_items(struct menu_ui *ui)
{
	unsigned int i;

	ui_pair_use(UI_PAIR_SEPARATOR, 0);
	ui_print_field((MENU_ROW - 1), (MENU_COLUMN + MENU_PAD), 3,
		       (ui->first ? "..." : ""));
	ui_print_field((MENU_ROW + MENU_ROWS), (MENU_COLUMN + MENU_PAD), 3,
		       (((ui->first + MENU_ROWS) < ui->count) ? "..." : ""));
	for (i = 0; i < MENU_ROWS; i++)
		menu_draw_item(ui, (ui->first + i));
}

/**
 * Find a selectable item, looking one way
 *
 * @v ui		Menu on the screen
 * @v start		First item to look at (may be out of range)
 * @v delta		Direction (+1 or -1)
 * @v found		Item found
 * @ret ok		An item was found
 */
static int menu_seek(struct menu_ui *ui, int start, int delta,
		     unsigned int *found)
{
	int index;

	for (index = start; index >= 0 && index < (int)ui->count;
	     index += delta) {
		if (ui->items[index]->label) {
			*found = index;
			return 1;
		}
	}
	return 0;
}

/**
 * Select the nearest selectable item, preferring one direction
 *
 * @v ui		Menu on the screen
 * @v start		Item to start at (clamped to the list)
 * @v delta		Preferred direction (+1 or -1)
 */
static void menu_select_near(struct menu_ui *ui, int start, int delta)
{
	if (start < 0)
		start = 0;
	if (start >= (int)ui->count)
		start = (ui->count - 1);
	if (!menu_seek(ui, start, delta, &ui->current))
		menu_seek(ui, start, -delta, &ui->current);
}

/**
 * Move the selection by one selectable item, wrapping round
 *
 * @v ui		Menu on the screen
 * @v delta		Direction (+1 or -1)
 */
static void menu_select_step(struct menu_ui *ui, int delta)
{
	if (!menu_seek(ui, ((int)ui->current + delta), delta, &ui->current))
		menu_seek(ui, ((delta > 0) ? 0 : ((int)ui->count - 1)), delta,
			  &ui->current);
}

/**
 * Act on a navigation key
 *
 * @v ui		Menu on the screen
 * @v key		Key
 * @ret handled		Key was a navigation key
 */
static int menu_navigate(struct menu_ui *ui, int key)
{
	unsigned int last_visible = (ui->first + MENU_ROWS - 1);

	switch (key) {
	case KEY_UP:
		menu_select_step(ui, -1);
		return 1;
	case KEY_DOWN:
	case KEY_TAB:
		menu_select_step(ui, 1);
		return 1;
	case KEY_PAGE_UP:
		menu_select_near(ui,
				 ((ui->current == ui->first)
					  ? ((int)ui->current - (int)MENU_ROWS)
					  : (int)ui->first),
				 -1);
		return 1;
	case KEY_PAGE_DOWN:
		menu_select_near(ui,
				 ((ui->current == last_visible)
					  ? ((int)ui->current + (int)MENU_ROWS)
					  : (int)last_visible),
				 1);
		return 1;
	case KEY_HOME:
		menu_select_near(ui, 0, 1);
		return 1;
	case KEY_END:
		menu_select_near(ui, ((int)ui->count - 1), -1);
		return 1;
	default:
		return 0;
	}
}

/**
 * Find the item a shortcut key belongs to
 *
 * @v ui		Menu on the screen
 * @v key		Key (iPXE's numbering)
 * @v index		Item to fill in
 * @ret found		An item has this shortcut
 */
static int menu_shortcut(struct menu_ui *ui, int key, unsigned int *index)
{
	unsigned int i;

	for (i = 0; i < ui->count; i++) {
		if (ui->items[i]->shortcut && ui->items[i]->shortcut == key) {
			*index = i;
			return 1;
		}
	}
	return 0;
}

/**
 * Let the user choose
 *
 * @v ui		Menu on the screen (drawn)
 * @v retimeout_ms	Countdown after a key (0: none)
 * @ret rc		0 once an item is chosen, or -ECANCELED
 */
static int menu_loop(struct menu_ui *ui, unsigned long retimeout_ms)
{
	unsigned int previous;
	unsigned int index;
	unsigned long slice;
	int chosen = 0;
	int key;

	while (!chosen) {
		previous = ui->current;
		slice = (ui->timeout_ms % MENU_TICK_MS);
		if (!slice && ui->timeout_ms)
			slice = MENU_TICK_MS;
		ui->timeout_ms -= slice;
		key = getkey(slice ? slice : GETKEY_FOREVER);
		if (key < 0) {
			if (!ui->timeout_ms)
				chosen = 1;
		} else {
			ui->timeout_ms = retimeout_ms;
			if (key == KEY_ESC || key == CTRL_C)
				return -ECANCELED_MENU;
			if (key == KEY_ENTER) {
				chosen = 1;
			} else if (!menu_navigate(ui, key) &&
				   menu_shortcut(ui, ui_key_ipxe(key),
						 &index)) {
				if (ui->items[index]->label) {
					ui->current = index;
					chosen = 1;
				} else {
					menu_select_near(ui, index, 1);
				}
			}
			/* Redraw to show or hide the countdown */
			slice = 1;
		}
		if (ui->current < ui->first ||
		    ui->current >= (ui->first + MENU_ROWS)) {
			ui->first = (ui->current - (ui->current % MENU_ROWS));
			menu_draw_items(ui);
		} else if (ui->current != previous || slice) {
			menu_draw_item(ui, previous);
			menu_draw_item(ui, ui->current);
		}
	}
	return 0;
}

/**
 * Show a menu and let the user choose
 *
 * @v menu		Menu
 * @v timeout_ms	Countdown (0: none)
 * @v retimeout_ms	Countdown after a key (0: none)
 * @v select		Label to select first, or NULL for the menu's
 *			default
 * @v chosen		Item chosen
 * @ret rc		Return status code
 */
static int menu_show(struct menu *menu, unsigned long timeout_ms,
		     unsigned long retimeout_ms, const char *select,
		     struct menu_item **chosen)
{
	struct menu_ui ui;
	struct menu_item *item;
	int named = 0;
	int rc;

	memset(&ui, 0, sizeof(ui));
	list_for_each_entry (item, &menu->items, list)
		ui.count++;
	ui.items = heap_alloc((ui.count ? ui.count : 1) * sizeof(ui.items[0]));
	if (!ui.items)
		return -ENOMEM;
	ui.count = 0;
	list_for_each_entry (item, &menu->items, list) {
		if (item->label) {
			if (!named++)
				ui.current = ui.count;
			if (select ? (strcmp(select, item->label) == 0)
				   : item->is_default)
				ui.current = ui.count;
		}
		ui.items[ui.count++] = item;
	}
	if (!named) {
		heap_free(ui.items);
		error_print(-ENOENT_ITEMS, NULL);
		return -ENOENT_ITEMS;
	}
	ui.timeout_ms = timeout_ms;
	ui.first = (ui.current - (ui.current % MENU_ROWS));

	ui_begin();
	ui_frame();
	ui_pair_use(UI_PAIR_NORMAL, 1);
	ui_print_centred(MENU_TITLE_ROW, menu->title);
	ui_pair_use(UI_PAIR_NORMAL, 0);
	menu_draw_items(&ui);
	rc = menu_loop(&ui, retimeout_ms);
	ui_end();

	*chosen = ui.items[ui.current];
	heap_free(ui.items);
	return rc;
}

/**
 * Run "choose"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int choose_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "menu", required_argument, NULL, 'm' },
		{ "default", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retimeout", required_argument, NULL, 'r' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct settings *settings;
	struct setting setting;
	struct menu_item *item;
	struct menu *menu;
	const char *name = NULL;
	const char *select = NULL;
	unsigned long timeout_ms = 0;
	unsigned long retimeout_ms = 0;
	int keep = 0;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "m:d:t:r:k", longopts,
				     NULL)) != -1) {
		switch (option) {
		case 'm':
			name = optarg;
			break;
		case 'd':
			select = optarg;
			break;
		case 't':
			if (script_parse_integer(optarg, &timeout_ms) != 0)
				return -EINVAL;
			break;
		case 'r':
			if (script_parse_integer(optarg, &retimeout_ms) != 0)
				return -EINVAL;
			break;
		case 'k':
			keep = 1;
			break;
		default:
			return script_usage(CHOOSE_USAGE);
		}
	}
	if (optind != (argc - 1))
		return script_usage(CHOOSE_USAGE);
	if ((rc = script_parse_setting(argv[optind], 1, &settings, &setting)) !=
	    0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	if ((rc = menu_parse(name, &menu)) != 0)
		return rc;
	/* An empty default ("--default ${unset}") means none */
	if (select && !select[0])
		select = NULL;
	rc = menu_show(menu, timeout_ms, retimeout_ms, select, &item);
	if (rc == 0) {
		if (!setting.type)
			setting.type = &setting_type_string;
		if ((rc = setting_storef(settings, &setting, item->label)) != 0)
			error_print(rc, argv[optind]);
	}
	if (!keep)
		menu_destroy(menu);
	return rc;
}

/** The "choose" command */
struct command choose_command __command = {
	.name = "choose",
	.usage = CHOOSE_USAGE,
	.exec = choose_exec,
};
