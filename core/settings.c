/** @file
 *
 * Settings: the tree of blocks, generic in-memory blocks, names, and
 * storing and fetching values
 *
 * The lookup order is iPXE's: a fetch that names no block starts at the
 * root and searches depth first, trying each block before its children
 * and the children in order of precedence (higher "priority" first, then
 * lower "order", then the order they were registered in).  The first
 * block that has the value wins, so a value set by hand in "net0" hides
 * the same value in "net0.dhcp".
 *
 * Every store or clear in a block that hangs off the root runs all the
 * settings applicators, so that (for example) the routing table follows
 * net0/ip at once.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/settings.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "core/printf.h"
#include "core/ctype.h"
#include "core/builtin_settings.h"

/** A settings block name that is too long */
#define ENAMETOOLONG_BLOCK ERROR_CODE(ERRCLASS_ENAMETOOLONG, 1)
ERROR_MESSAGE(ENAMETOOLONG_BLOCK, "Settings block name too long");
/** No settings block of that name */
#define ENODEV_BLOCK ERROR_CODE(ERRCLASS_ENODEV, 1)
ERROR_MESSAGE(ENODEV_BLOCK, "No such settings block");
/** Unknown type after ':' */
#define ENOTSUP_TYPE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_TYPE, "No such setting type");
/** The block does not take this setting */
#define ENOTTY_APPLIES ERROR_CODE(ERRCLASS_ENOTTY, 1)
ERROR_MESSAGE(ENOTTY_APPLIES, "Setting does not apply to this block");
/** The block is read-only */
#define ENOTSUP_READONLY ERROR_CODE(ERRCLASS_ENOTSUP, 2)
ERROR_MESSAGE(ENOTSUP_READONLY, "Settings block is read-only");
/** The type cannot parse text */
#define ENOTSUP_PARSE ERROR_CODE(ERRCLASS_ENOTSUP, 3)
ERROR_MESSAGE(ENOTSUP_PARSE, "Setting type cannot be set from text");
/** Too many distinct setting names */
#define ENOSPC_NAMES ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_NAMES, "Too many distinct setting names");
/** An empty or over-long setting name */
#define EINVAL_NAME ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_NAME, "Invalid setting name");
/** A value of the wrong size for its use */
#define ERANGE_VALUE ERROR_CODE(ERRCLASS_ERANGE, 1)
ERROR_MESSAGE(ERANGE_VALUE, "Setting value has the wrong length");
/** No such setting */
#define ENOENT_SETTING ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_SETTING, "No such setting");

/** Longest setting name (without block or type) */
#define SETTING_NAME_MAX        64
/** Most bytes kept for interned setting names */
#define SETTING_NAMES_MAX_BYTES 65536
/** Most levels of nested blocks a name may give ("a.b.c") */
#define SETTINGS_MAX_DEPTH      8
/** Largest value a fetch allocates for */
#define SETTING_VALUE_MAX       (1024 * 1024)

/** A value held by a generic block */
struct generic_setting {
	/** Link in the block's values */
	struct list_head list;
	/** The setting, as stored (its name points into this allocation) */
	struct setting setting;
	/** Length of the value */
	size_t len;
	/* Followed by the name (NUL-terminated), then the value */
};

/** An interned setting name */
struct setting_name {
	/** Link in the list of names */
	struct list_head list;
	/* Followed by the name (NUL-terminated) */
};

/** The "priority" setting: reorders a block among its siblings */
static const struct setting priority_setting __setting(SETTING_MISC) = {
	.name = "priority",
	.description = "Settings priority",
	.type = &setting_type_int8,
	.tag = DHCP_ENCAP_TAG(175, 1),
};

/** The "username" setting (also filled in by "login") */
static const struct setting username_setting __setting(SETTING_MISC) = {
	.name = "username",
	.description = "User name",
	.type = &setting_type_string,
	.tag = DHCP_ENCAP_TAG(175, 0xbe),
};

/** The "password" setting (also filled in by "login") */
static const struct setting password_setting __setting(SETTING_MISC) = {
	.name = "password",
	.description = "Password",
	.type = &setting_type_string,
	.tag = DHCP_ENCAP_TAG(175, 0xbf),
};

/** Values held by the root block */
static LIST_HEAD(settings_root_values);

/** Interned setting names */
static LIST_HEAD(setting_names);
/** Bytes used by interned names */
static size_t setting_names_bytes;

/** The root block: values set with "set name value" */
struct settings settings_root = {
	.name = "",
	.op = &generic_settings_operations,
	.siblings = LIST_HEAD_INIT(settings_root.siblings),
	.children = LIST_HEAD_INIT(settings_root.children),
};

/**
 * The list of values of a generic block
 *
 * @v settings		Block (the root or a generic block)
 * @ret values		List of values
 */
static struct list_head *generic_settings_values(struct settings *settings)
{
	struct generic_settings *generic;

	if (settings == &settings_root)
		return &settings_root_values;
	generic = container_of(settings, struct generic_settings, settings);
	return &generic->values;
}

/**
 * Compare two settings
 *
 * Settings with the same tag in the same scope are the same setting;
 * otherwise they are the same if they have the same non-empty name.
 *
 * @v a			Setting
 * @v b			Setting
 * @ret same		Settings are the same
 */
static int setting_same(const struct setting *a, const struct setting *b)
{
	if (a->tag && a->tag == b->tag && a->scope == b->scope)
		return 1;
	if (a->name && b->name && a->name[0])
		return (strcmp(a->name, b->name) == 0);
	return 0;
}

/**
 * Find a value in a generic block
 *
 * @v settings		Block
 * @v setting		Setting
 * @ret generic		Value, or NULL
 */
static struct generic_setting *
generic_settings_find(struct settings *settings, const struct setting *setting)
{
	struct generic_setting *generic;

	list_for_each_entry (generic, generic_settings_values(settings), list) {
		if (setting_same(&generic->setting, setting))
			return generic;
	}
	return NULL;
}

/**
 * Store a value in a generic block
 *
 * @v settings		Block
 * @v setting		Setting
 * @v data		Value, or NULL to delete
 * @v len		Length
 * @ret rc		Return status code
 */
static int generic_settings_store(struct settings *settings,
				  const struct setting *setting,
				  const void *data, size_t len)
{
	struct generic_setting *old;
	struct generic_setting *new = NULL;
	const char *name = (setting->name ? setting->name : "");
	size_t name_len = (strlen(name) + 1);
	char *copy;

	old = generic_settings_find(settings, setting);
	if (data && len) {
		new = heap_zalloc(sizeof(*new) + name_len + len);
		if (!new)
			return -ENOMEM;
		new->setting = *setting;
		copy = (char *)(new + 1);
		memcpy(copy, name, name_len);
		new->setting.name = copy;
		memcpy(copy + name_len, data, len);
		new->len = len;
	}
	if (old) {
		list_del(&old->list);
		heap_free(old);
	}
	if (new)
		list_add_tail(&new->list, generic_settings_values(settings));
	return 0;
}

/**
 * Fetch a value from a generic block
 *
 * @v settings		Block
 * @v setting		Setting (its type is filled in if unset)
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of the value, or -ENOENT
 */
static int generic_settings_fetch(struct settings *settings,
				  struct setting *setting, void *data,
				  size_t len)
{
	struct generic_setting *generic;
	const char *value;

	generic = generic_settings_find(settings, setting);
	if (!generic)
		return -ENOENT;
	value = ((const char *)(generic + 1) + strlen(generic->setting.name) +
		 1);
	if (data) {
		if (len > generic->len)
			len = generic->len;
		memcpy(data, value, len);
	}
	if (!setting->type)
		setting->type = generic->setting.type;
	return generic->len;
}

/**
 * Remove every value from a generic block
 *
 * @v settings		Block
 */
static void generic_settings_clear(struct settings *settings)
{
	struct generic_setting *generic;
	struct generic_setting *tmp;

	list_for_each_entry_safe (generic, tmp,
				  generic_settings_values(settings), list) {
		list_del(&generic->list);
		heap_free(generic);
	}
}

/** Operations of a generic block */
const struct settings_operations generic_settings_operations = {
	.store = generic_settings_store,
	.fetch = generic_settings_fetch,
	.clear = generic_settings_clear,
};

/**
 * Initialise a block
 *
 * @v settings		Block
 * @v op		Operations
 * @v refcnt		Reference counter of the owner, or NULL
 * @v scope		Kind of block, or NULL
 */
void settings_init(struct settings *settings,
		   const struct settings_operations *op, struct refcnt *refcnt,
		   const struct settings_scope *scope)
{
	memset(settings, 0, sizeof(*settings));
	INIT_LIST_HEAD(&settings->siblings);
	INIT_LIST_HEAD(&settings->children);
	settings->op = op;
	settings->refcnt = refcnt;
	settings->scope = scope;
}

/**
 * Initialise a generic block
 *
 * @v generic		Generic block
 * @v refcnt		Reference counter of the owner, or NULL
 */
void generic_settings_init(struct generic_settings *generic,
			   struct refcnt *refcnt)
{
	settings_init(&generic->settings, &generic_settings_operations, refcnt,
		      NULL);
	INIT_LIST_HEAD(&generic->values);
}

/**
 * Run every settings applicator
 *
 * @ret rc		Return status code of the first that failed
 */
static int settings_apply(void)
{
	struct settings_applicator *applicator;
	int rc;

	for_each_table_entry (applicator, SETTINGS_APPLICATORS) {
		if ((rc = applicator->apply()) != 0)
			return rc;
	}
	return 0;
}

/**
 * Test whether a block hangs off the root
 *
 * @v settings		Block
 * @ret registered	Block is in the tree
 */
static int settings_is_registered(struct settings *settings)
{
	unsigned int depth;

	for (depth = 0; settings && depth < 64; depth++) {
		if (settings == &settings_root)
			return 1;
		settings = settings->parent;
	}
	return 0;
}

/**
 * Test whether a setting applies to a block
 *
 * @v settings		Block
 * @v setting		Setting
 * @ret applies		Setting applies
 */
static int setting_applies(struct settings *settings,
			   const struct setting *setting)
{
	return (settings->op->applies ? settings->op->applies(settings, setting)
				      : 1);
}

/**
 * Find the form of a setting that applies to a block
 *
 * "${net0/12}" names option 12 in no particular scope; if the block
 * wants another scope, a predefined setting with the same name or tag
 * that does apply is used instead (as iPXE does).
 *
 * @v settings		Block
 * @v setting		Setting
 * @ret applicable	Setting that applies, or NULL
 */
static const struct setting *setting_applicable(struct settings *settings,
						const struct setting *setting)
{
	const struct setting *predefined;

	if (setting_applies(settings, setting))
		return setting;
	for_each_table_entry (predefined, SETTINGS) {
		if (setting_same(setting, predefined) &&
		    setting_applies(settings, predefined))
			return predefined;
	}
	return NULL;
}

/**
 * Read a block's "priority" setting (in the block itself only)
 *
 * @v settings		Block
 * @ret priority	Priority, or 0
 */
static long settings_priority(struct settings *settings)
{
	struct setting setting = priority_setting;
	int8_t value;

	if (!settings->op->fetch || !setting_applies(settings, &setting))
		return 0;
	if (settings->op->fetch(settings, &setting, &value, sizeof(value)) !=
	    (int)sizeof(value))
		return 0;
	return value;
}

/**
 * Test whether one block comes before another among siblings
 *
 * @v a			Block
 * @v b			Block
 * @ret before		a comes before b
 */
static int settings_before(struct settings *a, struct settings *b)
{
	long priority_a = settings_priority(a);
	long priority_b = settings_priority(b);

	if (priority_a != priority_b)
		return (priority_a > priority_b);
	return (a->order < b->order);
}

/**
 * Put a block in its place among its siblings
 *
 * @v settings		Block (registered)
 */
static void settings_reorder(struct settings *settings)
{
	struct settings *parent = settings->parent;
	struct settings *sibling;

	if (!parent)
		return;
	list_del(&settings->siblings);
	list_for_each_entry (sibling, &parent->children, siblings) {
		if (settings_before(settings, sibling))
			break;
	}
	list_add_tail(&settings->siblings, &sibling->siblings);
}

/**
 * Find a child block by name
 *
 * @v parent		Parent block
 * @v name		Name (empty: the parent itself)
 * @ret settings	Block, or NULL
 */
static struct settings *settings_find_child(struct settings *parent,
					    const char *name)
{
	struct settings *settings;

	if (!name[0])
		return parent;
	list_for_each_entry (settings, &parent->children, siblings) {
		if (strcmp(settings->name, name) == 0)
			return settings;
	}
	return NULL;
}

/**
 * Add a block to the tree
 *
 * A block already registered under the same name in the same parent is
 * removed first, as iPXE does.
 *
 * @v settings		Block
 * @v parent		Parent block, or NULL for the root
 * @v name		Name
 * @ret rc		Return status code
 */
int settings_register(struct settings *settings, struct settings *parent,
		      const char *name)
{
	struct settings *old;

	if (!parent)
		parent = &settings_root;
	if (strlen(name) >= sizeof(settings->name) || !name[0] ||
	    strchr(name, '.') || strchr(name, '/') || strchr(name, ':'))
		return -ENAMETOOLONG_BLOCK;
	strlcpy(settings->name, name, sizeof(settings->name));
	old = settings_find_child(parent, settings->name);
	if (old)
		settings_unregister(old);
	ref_get(settings->refcnt);
	ref_get(parent->refcnt);
	settings->parent = parent;
	list_add_tail(&settings->siblings, &parent->children);
	settings_reorder(settings);
	if (settings_is_registered(settings))
		settings_apply();
	return 0;
}

/**
 * Remove a block (and its children) from the tree
 *
 * @v settings		Block
 */
void settings_unregister(struct settings *settings)
{
	struct settings *child;
	struct settings *parent = settings->parent;
	int registered;

	if (!parent)
		return;
	while ((child = list_first_entry(&settings->children, struct settings,
					 siblings)) != NULL)
		settings_unregister(child);
	registered = settings_is_registered(settings);
	list_del(&settings->siblings);
	settings->parent = NULL;
	ref_put(parent->refcnt);
	ref_put(settings->refcnt);
	if (registered)
		settings_apply();
}

/**
 * Find a block by its full name
 *
 * "net0.dhcp" is the child "dhcp" of the block "net0"; "" is the root.
 * "netX" at the start means the network device opened last (see
 * core/builtin_settings.c).
 *
 * @v name		Full name
 * @ret settings	Block, or NULL
 */
struct settings *settings_find(const char *name)
{
	struct settings *settings = &settings_root;
	char component[sizeof(settings->name)];
	const char *end;
	size_t len;
	unsigned int depth = 0;

	if (!name[0])
		return settings;
	for (;;) {
		end = strchr(name, '.');
		len = (end ? (size_t)(end - name) : strlen(name));
		if (len >= sizeof(component) || ++depth > SETTINGS_MAX_DEPTH)
			return NULL;
		memcpy(component, name, len);
		component[len] = '\0';
		if (settings == &settings_root && depth == 1 &&
		    strcmp(component, "netX") == 0)
			settings = settings_netx();
		else
			settings = settings_find_child(settings, component);
		if (!settings || !end)
			return settings;
		name = (end + 1);
	}
}

/**
 * Write a block's full name ("net0.dhcp"; "" for the root)
 *
 * @v settings		Block
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret buf		Buffer
 */
char *settings_full_name(struct settings *settings, char *buf, size_t len)
{
	struct settings *chain[SETTINGS_MAX_DEPTH + 2];
	unsigned int count = 0;
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (; settings && settings != &settings_root &&
	       count < (sizeof(chain) / sizeof(chain[0]));
	     settings = settings->parent)
		chain[count++] = settings;
	while (count--) {
		used += snprintf((buf + used),
				 ((used < len) ? (len - used) : 0), "%s%s",
				 (used ? "." : ""), chain[count]->name);
		if (used >= len)
			break;
	}
	return buf;
}

/**
 * Store a value
 *
 * @v settings		Block, or NULL for the root
 * @v setting		Setting
 * @v data		Value, or NULL to delete
 * @v len		Length
 * @ret rc		Return status code
 */
int setting_store(struct settings *settings, const struct setting *setting,
		  const void *data, size_t len)
{
	int rc;

	if (!settings)
		settings = &settings_root;
	if (!setting_applies(settings, setting))
		return -ENOTTY_APPLIES;
	if (!settings->op->store)
		return -ENOTSUP_READONLY;
	if ((rc = settings->op->store(settings, setting, data, len)) != 0)
		return rc;
	if (setting_same(setting, &priority_setting))
		settings_reorder(settings);
	if (settings_is_registered(settings))
		return settings_apply();
	return 0;
}

/**
 * Fetch a value, searching a block and its children
 *
 * @v settings		Block to start at
 * @v setting		Setting (type filled in from the stored value)
 * @v origin		Block the value came from, or NULL
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @v depth		Depth of recursion
 * @ret raw_len		Length of the value, or a negative error
 */
static int setting_fetch_tree(struct settings *settings,
			      struct setting *setting, struct settings **origin,
			      void *data, size_t len, unsigned int depth)
{
	const struct setting *applicable;
	struct settings *child;
	struct setting tmp;
	int ret;

	if (depth > (SETTINGS_MAX_DEPTH + 4))
		return -ENOENT_SETTING;
	if (settings->op->fetch &&
	    (applicable = setting_applicable(settings, setting)) != NULL) {
		tmp = *applicable;
		if (setting->type || applicable == setting)
			tmp.type = setting->type;
		if ((ret = settings->op->fetch(settings, &tmp, data, len)) >=
		    0) {
			if (!tmp.type)
				tmp.type = (applicable->type
						    ? applicable->type
						    : &setting_type_string);
			setting->type = tmp.type;
			if (origin)
				*origin = settings;
			return ret;
		}
	}
	list_for_each_entry (child, &settings->children, siblings) {
		ret = setting_fetch_tree(child, setting, origin, data, len,
					 (depth + 1));
		if (ret >= 0)
			return ret;
	}
	return -ENOENT_SETTING;
}

/**
 * Fetch a value
 *
 * @v settings		Block to search, or NULL for the whole tree
 * @v setting		Setting (a NULL type is filled in: the stored
 *			value's type, else string)
 * @v origin		Block the value came from, or NULL
 * @v data		Buffer, or NULL to learn the length
 * @v len		Size of buffer
 * @ret raw_len		Length of the value (may exceed len), or a
 *			negative error
 */
int setting_fetch(struct settings *settings, struct setting *setting,
		  struct settings **origin, void *data, size_t len)
{
	if (origin)
		*origin = NULL;
	if (data && len)
		memset(data, 0, len);
	if (!settings)
		settings = &settings_root;
	return setting_fetch_tree(settings, setting, origin, data, len, 0);
}

/**
 * Fetch a copy of a value
 *
 * @v settings		Block, or NULL
 * @v setting		Setting
 * @v data		Copy (heap; caller frees), NULL on error
 * @ret raw_len		Length, or a negative error
 */
int setting_fetch_copy(struct settings *settings, struct setting *setting,
		       void **data)
{
	struct settings *origin;
	int len;
	int check;

	*data = NULL;
	len = setting_fetch(settings, setting, &origin, NULL, 0);
	if (len < 0)
		return len;
	if (len > SETTING_VALUE_MAX)
		return -ERANGE_VALUE;
	*data = heap_alloc(len + 1);
	if (!*data)
		return -ENOMEM;
	check = setting_fetch(origin, setting, NULL, *data, len);
	if (check != len) {
		heap_free(*data);
		*data = NULL;
		return ((check < 0) ? check : -ERANGE_VALUE);
	}
	return len;
}

/**
 * Fetch a value as a NUL-terminated string
 *
 * @v settings		Block, or NULL
 * @v setting		Setting
 * @v buf		Buffer (always NUL-terminated if len > 0)
 * @v len		Size of buffer
 * @ret raw_len		Length of the value, or a negative error
 */
int setting_fetch_string(struct settings *settings, struct setting *setting,
			 char *buf, size_t len)
{
	int ret;

	ret = setting_fetch(settings, setting, NULL, buf, (len ? len - 1 : 0));
	if (len)
		buf[((ret >= 0 && (size_t)ret < len) ? (size_t)ret
						     : (len - 1))] = '\0';
	if (ret < 0 && len)
		buf[0] = '\0';
	return ret;
}

/**
 * Fetch an IPv4 address (the first, if there are several)
 *
 * @v settings		Block, or NULL
 * @v setting		Setting
 * @v inp		Address to fill in
 * @ret raw_len		Length, or a negative error
 */
int setting_fetch_ipv4(struct settings *settings, struct setting *setting,
		       struct in_addr *inp)
{
	uint8_t raw[4];
	int len;

	len = setting_fetch(settings, setting, NULL, raw, sizeof(raw));
	if (len < 0)
		return len;
	if (len < (int)sizeof(raw) || (len % sizeof(raw)) != 0)
		return -ERANGE_VALUE;
	memcpy(inp, raw, sizeof(raw));
	return len;
}

/**
 * Fetch a value as an unsigned number (big-endian raw bytes)
 *
 * @v settings		Block, or NULL
 * @v setting		Setting
 * @v value		Number to fill in
 * @ret raw_len		Length, or a negative error
 */
int setting_fetch_uint(struct settings *settings, struct setting *setting,
		       unsigned long *value)
{
	uint8_t raw[sizeof(*value)];
	int len;
	int i;

	*value = 0;
	len = setting_fetch(settings, setting, NULL, raw, sizeof(raw));
	if (len < 0)
		return len;
	if (len > (int)sizeof(raw))
		return -ERANGE_VALUE;
	for (i = 0; i < len; i++)
		*value = ((*value << 8) | raw[i]);
	return len;
}

/**
 * Read a tuning number: a setting that may be unset, with a default and
 * a ceiling
 *
 * @v setting		Setting (looked up from the root)
 * @v fallback		Value when unset, unreadable or zero
 * @v max		Largest value returned
 * @ret value		Value
 */
unsigned long setting_uint_bounded(const struct setting *setting,
				   unsigned long fallback, unsigned long max)
{
	struct setting copy = *setting;
	unsigned long value;

	if (setting_fetch_uint(NULL, &copy, &value) < 0 || !value)
		value = fallback;
	return ((value > max) ? max : value);
}

/**
 * Delete one value
 *
 * @v settings		Block, or NULL for the root
 * @v setting		Setting
 * @ret rc		Return status code
 */
int setting_clear(struct settings *settings, const struct setting *setting)
{
	return setting_store(settings, setting, NULL, 0);
}

/**
 * Find a setting type by name
 *
 * @v name		Name
 * @ret type		Type, or NULL
 */
static const struct setting_type *setting_type_find(const char *name)
{
	const struct setting_type *type;

	for_each_table_entry (type, SETTING_TYPES) {
		if (strcmp(type->name, name) == 0)
			return type;
	}
	return NULL;
}

/**
 * Find a named setting
 *
 * @v name		Name
 * @ret setting		Setting, or NULL
 */
const struct setting *setting_find(const char *name)
{
	const struct setting *setting;

	for_each_table_entry (setting, SETTINGS) {
		if (setting->name && strcmp(setting->name, name) == 0)
			return setting;
	}
	return NULL;
}

/**
 * Find a named setting by tag
 *
 * @v tag		Tag
 * @v scope		Scope
 * @ret setting		Setting, or NULL
 */
const struct setting *setting_find_tag(uint32_t tag,
				       const struct settings_scope *scope)
{
	const struct setting *setting;

	for_each_table_entry (setting, SETTINGS) {
		if (setting->tag == tag && setting->scope == scope)
			return setting;
	}
	return NULL;
}

/**
 * Parse a setting name made of numbers ("12", "175.19", "1.8.16")
 *
 * @v name		Name
 * @ret tag		Tag, or 0 if the name is not numeric
 */
static uint32_t setting_parse_tag(const char *name)
{
	unsigned long number;
	uint32_t tag = 0;
	unsigned int parts = 0;
	char *end;

	for (;;) {
		if (!isdigit(*name))
			return 0;
		number = strtoul(name, &end, 0);
		if (number > 0xff && parts)
			return 0;
		if (number > 0xffffff || ++parts > 4)
			return 0;
		tag = ((tag << 8) | number);
		if (!*end)
			return tag;
		if (*end != '.')
			return 0;
		name = (end + 1);
	}
}

/**
 * Keep a copy of a setting name for as long as Ferry runs
 *
 * Names parsed from text need storage that outlives the text; they are
 * kept once each, within a fixed budget.
 *
 * @v name		Name
 * @v len		Length
 * @ret interned	Interned copy, or NULL
 */
static const char *setting_intern(const char *name, size_t len)
{
	struct setting_name *entry;
	char *text;

	list_for_each_entry (entry, &setting_names, list) {
		text = (char *)(entry + 1);
		if (strncmp(text, name, len) == 0 && text[len] == '\0')
			return text;
	}
	if (setting_names_bytes + len + 1 + sizeof(*entry) >
	    SETTING_NAMES_MAX_BYTES)
		return NULL;
	entry = heap_alloc(sizeof(*entry) + len + 1);
	if (!entry)
		return NULL;
	text = (char *)(entry + 1);
	memcpy(text, name, len);
	text[len] = '\0';
	list_add(&entry->list, &setting_names);
	setting_names_bytes += (sizeof(*entry) + len + 1);
	return text;
}

/**
 * Parse a setting name: "[block/]name[:type]"
 *
 * The block must exist (commands that create blocks, such as "set",
 * make them first).  A name that matches a named setting (by name, or
 * by tag for numeric names) takes that setting's definition; a numeric
 * name ("12", "175.19") is a tag; any other name is a new setting known
 * by its name, with no type until one is given or stored.
 *
 * @v name		Name
 * @v settings		Block named, or the root (filled in)
 * @v setting		Setting (filled in; its name is kept for as long
 *			as Ferry runs)
 * @ret rc		Return status code
 */
int setting_parse_name(const char *name, struct settings **settings,
		       struct setting *setting)
{
	char block[(sizeof(settings_root.name) + 1) * SETTINGS_MAX_DEPTH];
	const struct setting *predefined;
	const char *slash;
	const char *colon;
	const char *base;
	size_t base_len;

	memset(setting, 0, sizeof(*setting));
	*settings = &settings_root;

	/* Block */
	slash = strchr(name, '/');
	if (slash) {
		if ((size_t)(slash - name) >= sizeof(block))
			return -ENAMETOOLONG_BLOCK;
		memcpy(block, name, (slash - name));
		block[slash - name] = '\0';
		*settings = settings_find(block);
		if (!*settings)
			return -ENODEV_BLOCK;
		base = (slash + 1);
	} else {
		base = name;
	}

	/* Type */
	colon = strchr(base, ':');
	base_len = (colon ? (size_t)(colon - base) : strlen(base));
	if (!base_len || base_len > SETTING_NAME_MAX ||
	    memchr(base, '/', base_len))
		return -EINVAL_NAME;

	/* Setting */
	setting->name = setting_intern(base, base_len);
	if (!setting->name)
		return -ENOSPC_NAMES;
	setting->tag = setting_parse_tag(setting->name);
	setting->scope = (setting->tag ? (*settings)->scope : NULL);
	for_each_table_entry (predefined, SETTINGS) {
		if (setting_same(predefined, setting)) {
			*setting = *predefined;
			break;
		}
	}
	if (colon) {
		setting->type = setting_type_find(colon + 1);
		if (!setting->type)
			return -ENOTSUP_TYPE;
	}
	return 0;
}

/**
 * Write a setting's full name, as "show" prints it ("net0.dhcp/ip:ipv4")
 *
 * @v settings		Block the value is in, or NULL for the root
 * @v setting		Setting
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret name_len	Length of the name (may exceed len - 1)
 */
int setting_format_name(struct settings *settings,
			const struct setting *setting, char *buf, size_t len)
{
	char block[(sizeof(settings_root.name) + 1) * (SETTINGS_MAX_DEPTH + 2)];
	const struct setting_type *type =
		(setting->type ? setting->type : &setting_type_string);

	settings_full_name(settings, block, sizeof(block));
	return snprintf(buf, len, "%s%s%s:%s", block, (block[0] ? "/" : ""),
			(setting->name ? setting->name : ""), type->name);
}

/**
 * Fetch a value and show it as text
 *
 * @v settings		Block, or NULL for the whole tree
 * @v setting		Setting (its type is filled in if NULL)
 * @v buf		Buffer (NUL-terminated if len > 0)
 * @v len		Size of buffer
 * @ret text_len	Length of the text (may exceed len - 1), or a
 *			negative error
 */
int setting_fetchf(struct settings *settings, struct setting *setting,
		   char *buf, size_t len)
{
	void *raw;
	int raw_len;
	int ret;

	if (len)
		buf[0] = '\0';
	raw_len = setting_fetch_copy(settings, setting, &raw);
	if (raw_len < 0)
		return raw_len;
	if (!setting->type)
		setting->type = &setting_type_string;
	ret = setting->type->format(setting->type, raw, raw_len, buf, len);
	heap_free(raw);
	if (ret < 0 && len)
		buf[0] = '\0';
	return ret;
}

/**
 * Parse text and store it
 *
 * An empty text deletes the value, as in iPXE.
 *
 * @v settings		Block, or NULL for the root
 * @v setting		Setting (string if it has no type)
 * @v text		Text, or NULL to delete
 * @ret rc		Return status code
 */
int setting_storef(struct settings *settings, const struct setting *setting,
		   const char *text)
{
	struct setting tmp = *setting;
	void *raw;
	int raw_len;
	int check;
	int rc;

	if (!text || !text[0])
		return setting_clear(settings, setting);
	if (!tmp.type)
		tmp.type = &setting_type_string;
	if (!tmp.type->parse)
		return -ENOTSUP_PARSE;
	raw_len = tmp.type->parse(tmp.type, text, NULL, 0);
	if (raw_len < 0)
		return raw_len;
	raw = heap_alloc(raw_len ? raw_len : 1);
	if (!raw)
		return -ENOMEM;
	check = tmp.type->parse(tmp.type, text, raw, raw_len);
	if (check != raw_len) {
		rc = ((check < 0) ? check : -ERANGE_VALUE);
		goto done;
	}
	rc = setting_store(settings, &tmp, raw, raw_len);
done:
	heap_free(raw);
	return rc;
}
