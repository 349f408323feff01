#ifndef CORE_SETTINGS_H
#define CORE_SETTINGS_H

/** @file
 *
 * Settings
 *
 * Settings live in a tree of blocks: the root (global values set with
 * "set"), one block per network device ("net0", holding its built-in
 * values such as mac and busid), the DHCP options received on it
 * ("net0.dhcp"), SMBIOS ("smbios"), and so on.  A value is raw bytes;
 * the setting's type says how to parse and show it.
 *
 * Names as users write them: "ip" (searched through the whole tree),
 * "net0/ip" (one block and its children), "net0.dhcp/ip", "12" or
 * "net0/12" (a raw DHCP option number), "175.19" (an encapsulated
 * option), each optionally followed by ":type" ("mac:hexhyp").
 *
 * A fetch without a block searches the tree depth first, children in
 * order of precedence, the way iPXE does; the first block that has the
 * value wins.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "core/refcnt.h"
#include "core/tables.h"

struct settings;
struct setting;
struct in_addr;

/** A setting's type: how raw bytes are parsed from and shown as text */
struct setting_type {
	/** Name, as written after ':' ("ipv4") */
	const char *name;
	/**
	 * Parse text into raw bytes
	 *
	 * @v type		Type
	 * @v text		Text
	 * @v raw		Buffer
	 * @v len		Size of buffer
	 * @ret raw_len		Length of the raw value (may exceed len, in
	 *			which case the caller retries with more
	 *			room), or a negative error
	 */
	int (*parse)(const struct setting_type *type, const char *text,
		     void *raw, size_t len);
	/**
	 * Show raw bytes as text
	 *
	 * @v type		Type
	 * @v raw		Raw value
	 * @v raw_len		Length of raw value
	 * @v buf		Buffer (NUL-terminated on return if len > 0)
	 * @v len		Size of buffer
	 * @ret text_len	Length of the text (may exceed len - 1), or a
	 *			negative error
	 */
	int (*format)(const struct setting_type *type, const void *raw,
		      size_t raw_len, char *buf, size_t len);
};

/** Table of setting types */
#define SETTING_TYPES __table(struct setting_type, setting_types)
/** Declare a setting type */
#define __setting_type __table_entry(SETTING_TYPES, 01)

extern const struct setting_type setting_type_string;
extern const struct setting_type setting_type_ipv4;
extern const struct setting_type setting_type_ipv6;
extern const struct setting_type setting_type_int8;
extern const struct setting_type setting_type_int16;
extern const struct setting_type setting_type_int32;
extern const struct setting_type setting_type_uint8;
extern const struct setting_type setting_type_uint16;
extern const struct setting_type setting_type_uint32;
extern const struct setting_type setting_type_hex;
extern const struct setting_type setting_type_hexhyp;
extern const struct setting_type setting_type_hexraw;
extern const struct setting_type setting_type_uuid;
extern const struct setting_type setting_type_base64;

/** A setting's definition */
struct setting {
	/** Name ("ip"), or NULL for a setting known only by its tag */
	const char *name;
	/** One-line description, for "show" and documentation */
	const char *description;
	/** Type */
	const struct setting_type *type;
	/**
	 * Tag: a DHCP option number (1-254), an encapsulated option
	 * (DHCP_ENCAP_TAG), a special tag (SETTING_TAG_...), or 0
	 */
	uint32_t tag;
	/** Kind of block the setting belongs in, or NULL for any */
	const struct settings_scope *scope;
};

/** Tag of option "encapsulated" inside option "encapsulator" */
#define DHCP_ENCAP_TAG(encapsulator, encapsulated) \
	(((encapsulator) << 8) | (encapsulated))

/** Tags above this are not DHCP options (BOOTP fields, built-ins) */
#define SETTING_TAG_SPECIAL 0x10000

/** Table of named settings */
#define SETTINGS __table(struct setting, settings)
/** Declare a named setting (order: where "show" lists it) */
#define __setting(order) __table_entry(SETTINGS, order)
/** Orders of named settings */
#define SETTING_NETDEV 01
#define SETTING_IP4 02
#define SETTING_BOOT 03
#define SETTING_HOST 04
#define SETTING_SMBIOS 05
#define SETTING_MISC 06

/** A kind of settings block (for settings that only make sense there) */
struct settings_scope {
	/** Name */
	const char *name;
};

/** What a settings block does */
struct settings_operations {
	/**
	 * Whether the block can hold a setting (NULL: any)
	 *
	 * @v settings		Block
	 * @v setting		Setting
	 * @ret applies		Setting applies
	 */
	int (*applies)(struct settings *settings,
		       const struct setting *setting);
	/**
	 * Store a value (NULL method: read-only block)
	 *
	 * @v settings		Block
	 * @v setting		Setting
	 * @v data		Raw value, or NULL to delete
	 * @v len		Length
	 * @ret rc		Return status code
	 */
	int (*store)(struct settings *settings, const struct setting *setting,
		     const void *data, size_t len);
	/**
	 * Fetch a value
	 *
	 * @v settings		Block
	 * @v setting		Setting (its type may be filled in from the
	 *			stored value's type)
	 * @v data		Buffer, or NULL to learn the length
	 * @v len		Size of buffer
	 * @ret raw_len		Length of the value (may exceed len), or
	 *			-ENOENT if the block has no value
	 */
	int (*fetch)(struct settings *settings, struct setting *setting,
		     void *data, size_t len);
	/**
	 * Remove every value
	 *
	 * @v settings		Block
	 */
	void (*clear)(struct settings *settings);
};

/** A block of settings */
struct settings {
	/** Reference counter of the owning object, or NULL */
	struct refcnt *refcnt;
	/** Name ("net0", "dhcp", "smbios"); the full name joins the
	 * names of ancestors below the root with '.' */
	char name[24];
	/** Operations */
	const struct settings_operations *op;
	/** Parent block, or NULL for the root and unregistered blocks */
	struct settings *parent;
	/** Link in the parent's children */
	struct list_head siblings;
	/** Children, in order of precedence */
	struct list_head children;
	/** Precedence among siblings (lower first) */
	int order;
	/** Kind of block, or NULL */
	const struct settings_scope *scope;
};

/** A block that keeps values in memory (used by "set" and DHCP) */
struct generic_settings {
	/** The block */
	struct settings settings;
	/** Stored values */
	struct list_head values;
};

/** Something that acts on settings when they change (e.g. IPv4 routes) */
struct settings_applicator {
	/** Name */
	const char *name;
	/**
	 * Apply the current settings
	 *
	 * @ret rc		Return status code
	 */
	int (*apply)(void);
};

/** Table of settings applicators, run after every store or clear */
#define SETTINGS_APPLICATORS \
	__table(struct settings_applicator, settings_applicators)
/** Declare a settings applicator */
#define __settings_applicator __table_entry(SETTINGS_APPLICATORS, 01)

/** The root block */
extern struct settings settings_root;

extern const struct settings_operations generic_settings_operations;
extern void settings_init(struct settings *settings,
			  const struct settings_operations *op,
			  struct refcnt *refcnt,
			  const struct settings_scope *scope);
extern void generic_settings_init(struct generic_settings *generic,
				  struct refcnt *refcnt);
extern int settings_register(struct settings *settings,
			     struct settings *parent, const char *name);
extern void settings_unregister(struct settings *settings);
extern struct settings *settings_find(const char *name);
extern char *settings_full_name(struct settings *settings, char *buf,
				size_t len);

extern int setting_store(struct settings *settings,
			 const struct setting *setting, const void *data,
			 size_t len);
extern int setting_fetch(struct settings *settings, struct setting *setting,
			 struct settings **origin, void *data, size_t len);
extern int setting_fetch_copy(struct settings *settings,
			      struct setting *setting, void **data);
extern int setting_fetch_string(struct settings *settings,
				struct setting *setting, char *buf,
				size_t len);
extern int setting_fetch_ipv4(struct settings *settings,
			      struct setting *setting, struct in_addr *inp);
extern int setting_fetch_uint(struct settings *settings,
			      struct setting *setting, unsigned long *value);
extern unsigned long setting_uint_bounded(const struct setting *setting,
					  unsigned long fallback,
					  unsigned long max);
extern int setting_clear(struct settings *settings,
			 const struct setting *setting);
extern int setting_parse_name(const char *name, struct settings **settings,
			      struct setting *setting);
extern int setting_format_name(struct settings *settings,
			       const struct setting *setting, char *buf,
			       size_t len);
extern int setting_fetchf(struct settings *settings, struct setting *setting,
			  char *buf, size_t len);
extern int setting_storef(struct settings *settings,
			  const struct setting *setting, const char *text);
extern const struct setting *setting_find(const char *name);
extern const struct setting *setting_find_tag(uint32_t tag,
					      const struct settings_scope *scope);

#endif /* CORE_SETTINGS_H */
