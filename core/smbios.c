/** @file
 *
 * SMBIOS settings
 *
 * The platform finds the entry point and the structure table
 * (platform_smbios_find()); this file checks them and answers settings
 * from them.  Everything read from the tables is bounded: the entry
 * point by its own length field (and the bytes the platform says are
 * readable), each structure by the table's length, each string set by
 * the table's end.
 *
 * A structure is a 4-byte header (type, length of the formatted area,
 * handle), the formatted area, then its strings, each NUL-terminated,
 * the set ending with an empty string (so a structure with no strings
 * ends with two NULs).
 */

#include <stddef.h>
#include <stdint.h>
#include "core/smbios.h"
#include "core/platform.h"
#include "core/init.h"
#include "core/errors.h"
#include "core/string.h"

/** A bad entry point */
#define EINVAL_ENTRY ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_ENTRY, "Invalid SMBIOS entry point");
/** A bad structure table */
#define EINVAL_TABLE ERROR_CODE(ERRCLASS_EINVAL, 2)
ERROR_MESSAGE(EINVAL_TABLE, "Invalid SMBIOS structure table");
/** No SMBIOS on this platform */
#define ENOTSUP_SMBIOS ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_SMBIOS, "No SMBIOS tables");

/** Length of a 2.x entry point's fixed part */
#define SMBIOS2_ENTRY_MIN     0x1f
/** Length of a 3.x entry point */
#define SMBIOS3_ENTRY_MIN     0x18
/** End-of-table structure type */
#define SMBIOS_TYPE_END       127
/** System information structure */
#define SMBIOS_TYPE_SYSTEM    1
/** Baseboard information structure */
#define SMBIOS_TYPE_BASEBOARD 2
/** Enclosure information structure */
#define SMBIOS_TYPE_ENCLOSURE 3

/** Scope of SMBIOS settings */
const struct settings_scope smbios_settings_scope = {
	.name = "smbios",
};

/** ${uuid}: system UUID */
static const struct setting smbios_uuid_setting __setting(SETTING_SMBIOS) = {
	.name = "uuid",
	.description = "UUID",
	.type = &setting_type_uuid,
	.scope = &smbios_settings_scope,
	.tag = SMBIOS_TAG(SMBIOS_TYPE_SYSTEM, 0x08, 16),
};

/** ${manufacturer}: system manufacturer */
static const struct setting
	smbios_manufacturer_setting __setting(SETTING_SMBIOS) = {
		.name = "manufacturer",
		.description = "Manufacturer",
		.type = &setting_type_string,
		.scope = &smbios_settings_scope,
		.tag = SMBIOS_TAG(SMBIOS_TYPE_SYSTEM, 0x04, 0),
	};

/** ${product}: product name */
static const struct setting smbios_product_setting __setting(SETTING_SMBIOS) = {
	.name = "product",
	.description = "Product name",
	.type = &setting_type_string,
	.scope = &smbios_settings_scope,
	.tag = SMBIOS_TAG(SMBIOS_TYPE_SYSTEM, 0x05, 0),
};

/** ${serial}: system serial number */
static const struct setting smbios_serial_setting __setting(SETTING_SMBIOS) = {
	.name = "serial",
	.description = "Serial number",
	.type = &setting_type_string,
	.scope = &smbios_settings_scope,
	.tag = SMBIOS_TAG(SMBIOS_TYPE_SYSTEM, 0x07, 0),
};

/** ${asset}: enclosure asset tag */
static const struct setting smbios_asset_setting __setting(SETTING_SMBIOS) = {
	.name = "asset",
	.description = "Asset tag",
	.type = &setting_type_string,
	.scope = &smbios_settings_scope,
	.tag = SMBIOS_TAG(SMBIOS_TYPE_ENCLOSURE, 0x08, 0),
};

/** ${board-serial}: baseboard serial number */
static const struct setting
	smbios_board_serial_setting __setting(SETTING_SMBIOS) = {
		.name = "board-serial",
		.description = "Base board serial",
		.type = &setting_type_string,
		.scope = &smbios_settings_scope,
		.tag = SMBIOS_TAG(SMBIOS_TYPE_BASEBOARD, 0x07, 0),
	};

/**
 * Default: the platform has no SMBIOS
 *
 * @v entry		Entry point (unused)
 * @v entry_len		Length (unused)
 * @v table		Table (unused)
 * @v table_len		Length (unused)
 * @ret rc		-ENOTSUP
 */
__attribute__((weak)) int platform_smbios_find(const void **entry,
					       size_t *entry_len,
					       const void **table,
					       size_t *table_len)
{
	return -ENOTSUP_SMBIOS;
}

/**
 * Sum bytes (a valid SMBIOS checksum sums to zero)
 *
 * @v data		Bytes
 * @v len		Length
 * @ret sum		Sum modulo 256
 */
static uint8_t smbios_checksum(const uint8_t *data, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *(data++);
	return sum;
}

/**
 * Read a little-endian 16-bit field
 *
 * @v data		Bytes
 * @ret value		Value
 */
static unsigned int smbios_le16(const uint8_t *data)
{
	return (data[0] | (data[1] << 8));
}

/**
 * Read a little-endian 32-bit field
 *
 * @v data		Bytes
 * @ret value		Value
 */
static uint32_t smbios_le32(const uint8_t *data)
{
	return ((uint32_t)smbios_le16(data) |
		((uint32_t)smbios_le16(data + 2) << 16));
}

/**
 * Check an entry point and the table it describes
 *
 * @v entry		Entry point
 * @v entry_len		Bytes readable at the entry point
 * @v table		Structure table
 * @v table_len		Bytes readable in the table
 * @v smbios		Result to fill in
 * @ret rc		Return status code
 */
int smbios_parse_entry(const void *entry, size_t entry_len, const void *table,
		       size_t table_len, struct smbios *smbios)
{
	const uint8_t *eps = entry;
	size_t eps_len;
	size_t stated_len;

	memset(smbios, 0, sizeof(*smbios));
	if (!entry || !table)
		return -EINVAL_ENTRY;
	if (entry_len >= SMBIOS3_ENTRY_MIN && memcmp(eps, "_SM3_", 5) == 0) {
		eps_len = eps[6];
		if (eps_len < SMBIOS3_ENTRY_MIN || eps_len > entry_len ||
		    smbios_checksum(eps, eps_len) != 0)
			return -EINVAL_ENTRY;
		smbios->version = ((eps[7] << 8) | eps[8]);
		/* 3.x gives a maximum size: the table may be shorter */
		stated_len = smbios_le32(eps + 0x0c);
	} else if (entry_len >= SMBIOS2_ENTRY_MIN &&
		   memcmp(eps, "_SM_", 4) == 0) {
		eps_len = eps[5];
		if (eps_len < SMBIOS2_ENTRY_MIN || eps_len > entry_len ||
		    smbios_checksum(eps, eps_len) != 0 ||
		    memcmp(eps + 0x10, "_DMI_", 5) != 0 ||
		    smbios_checksum(eps + 0x10, 0x0f) != 0)
			return -EINVAL_ENTRY;
		smbios->version = ((eps[6] << 8) | eps[7]);
		stated_len = smbios_le16(eps + 0x16);
	} else {
		return -EINVAL_ENTRY;
	}
	if (stated_len > table_len)
		stated_len = table_len;
	if (stated_len > SMBIOS_TABLE_MAX)
		stated_len = SMBIOS_TABLE_MAX;
	if (stated_len < 4)
		return -EINVAL_TABLE;
	smbios->table = table;
	smbios->len = stated_len;
	return 0;
}

/**
 * Find the end of a structure's string set
 *
 * @v smbios		Tables
 * @v offset		Offset of the string set
 * @ret next		Offset of the next structure, or 0 if the set
 *			runs past the table
 */
static size_t smbios_strings_end(const struct smbios *smbios, size_t offset)
{
	/* Two NULs in a row end the set; a set with strings ends with the
	 * last string's NUL followed by one more.
	 */
	while ((offset + 1) < smbios->len) {
		if (smbios->table[offset] == 0 &&
		    smbios->table[offset + 1] == 0)
			return (offset + 2);
		offset++;
	}
	return 0;
}

/**
 * Find the first structure of a type
 *
 * @v smbios		Tables
 * @v type		Type
 * @v offset		Offset of the structure (filled in)
 * @ret rc		Return status code
 */
static int smbios_find_structure(const struct smbios *smbios, unsigned int type,
				 size_t *offset)
{
	size_t pos = 0;
	size_t formatted;

	while ((pos + 4) <= smbios->len) {
		formatted = smbios->table[pos + 1];
		if (formatted < 4 || (pos + formatted) > smbios->len)
			return -EINVAL_TABLE;
		if (smbios->table[pos] == type) {
			*offset = pos;
			return 0;
		}
		if (smbios->table[pos] == SMBIOS_TYPE_END)
			break;
		pos = smbios_strings_end(smbios, (pos + formatted));
		if (!pos)
			return -EINVAL_TABLE;
	}
	return -ENOENT;
}

/**
 * Find a string of a structure
 *
 * @v smbios		Tables
 * @v offset		Offset of the structure
 * @v index		String number (1-based)
 * @v string		String (filled in)
 * @v string_len	Its length (filled in)
 * @ret rc		Return status code
 */
static int smbios_find_string(const struct smbios *smbios, size_t offset,
			      unsigned int index, const uint8_t **string,
			      size_t *string_len)
{
	size_t pos = (offset + smbios->table[offset + 1]);
	size_t start;

	if (!index)
		return -ENOENT;
	for (;;) {
		start = pos;
		while (pos < smbios->len && smbios->table[pos])
			pos++;
		if (pos >= smbios->len)
			return -EINVAL_TABLE;
		if (pos == start)
			return -ENOENT;
		if (--index == 0) {
			*string = (smbios->table + start);
			*string_len = (pos - start);
			return 0;
		}
		pos++;
	}
}

/**
 * Fetch a field: raw bytes, or the string a byte refers to
 *
 * UUIDs are stored with their first three fields little-endian from
 * SMBIOS 2.6 on; they are turned into the usual big-endian order then,
 * as dmidecode and iPXE do.
 *
 * @v smbios		Tables
 * @v tag		SMBIOS_TAG(type, offset, length)
 * @v is_uuid		Field is a UUID
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length of the field, or a negative error
 */
int smbios_fetch_field(const struct smbios *smbios, uint32_t tag, int is_uuid,
		       void *data, size_t len)
{
	unsigned int type = ((tag >> 16) & 0xff);
	unsigned int field = ((tag >> 8) & 0xff);
	unsigned int field_len = (tag & 0xff);
	const uint8_t *value;
	uint8_t uuid[16];
	size_t value_len;
	size_t offset;
	int rc;

	if (!smbios->table || (tag >> 24))
		return -ENOENT;
	if ((rc = smbios_find_structure(smbios, type, &offset)) != 0)
		return rc;
	if ((field + (field_len ? field_len : 1)) > smbios->table[offset + 1])
		return -ENOENT;
	if (field_len) {
		value = (smbios->table + offset + field);
		value_len = field_len;
		if (is_uuid && field_len == sizeof(uuid) &&
		    smbios->version >= 0x0206) {
			memcpy(uuid, value, sizeof(uuid));
			uuid[0] = value[3];
			uuid[1] = value[2];
			uuid[2] = value[1];
			uuid[3] = value[0];
			uuid[4] = value[5];
			uuid[5] = value[4];
			uuid[6] = value[7];
			uuid[7] = value[6];
			value = uuid;
		}
	} else {
		rc = smbios_find_string(smbios, offset,
					smbios->table[offset + field], &value,
					&value_len);
		if (rc != 0)
			return rc;
	}
	if (data)
		memcpy(data, value, ((value_len < len) ? value_len : len));
	return value_len;
}

/** The tables in use */
static struct smbios smbios_tables;

/** The "smbios" block */
static struct settings smbios_settings;

/**
 * Whether a setting is an SMBIOS field
 *
 * @v settings		Block
 * @v setting		Setting
 * @ret applies		Setting applies
 */
static int smbios_settings_applies(struct settings *settings,
				   const struct setting *setting)
{
	return (setting->scope == &smbios_settings_scope);
}

/**
 * Fetch an SMBIOS field
 *
 * @v settings		Block
 * @v setting		Setting
 * @v data		Buffer, or NULL
 * @v len		Size of buffer
 * @ret raw_len		Length, or a negative error
 */
static int smbios_settings_fetch(struct settings *settings,
				 struct setting *setting, void *data,
				 size_t len)
{
	int ret;

	ret = smbios_fetch_field(&smbios_tables, setting->tag,
				 (setting->type == &setting_type_uuid), data,
				 len);
	return ((ret < 0) ? -ENOENT : ret);
}

/** Operations of the "smbios" block (read-only) */
static const struct settings_operations smbios_settings_operations = {
	.applies = smbios_settings_applies,
	.fetch = smbios_settings_fetch,
};

/**
 * Use a set of tables for the "smbios" block, registering it if needed
 *
 * @v smbios		Checked tables (kept by reference)
 * @ret rc		Return status code
 */
int smbios_install(const struct smbios *smbios)
{
	smbios_tables = *smbios;
	if (smbios_settings.parent)
		return 0;
	settings_init(&smbios_settings, &smbios_settings_operations, NULL,
		      &smbios_settings_scope);
	smbios_settings.order = 90;
	return settings_register(&smbios_settings, NULL, "smbios");
}

/**
 * Find the platform's tables and offer them as settings
 */
static void smbios_init(void)
{
	const void *entry;
	const void *table;
	size_t entry_len;
	size_t table_len;
	struct smbios smbios;

	if (platform_smbios_find(&entry, &entry_len, &table, &table_len) != 0)
		return;
	if (smbios_parse_entry(entry, entry_len, table, table_len, &smbios) !=
	    0)
		return;
	smbios_install(&smbios);
}

/** Read SMBIOS once devices are known */
struct init_fn smbios_init_fn __init_fn(INIT_NORMAL) = {
	.name = "smbios",
	.init = smbios_init,
};
