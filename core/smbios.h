#ifndef CORE_SMBIOS_H
#define CORE_SMBIOS_H

/** @file
 *
 * SMBIOS: the firmware's description of the machine, as settings
 *
 * The read-only block "smbios" answers ${uuid}, ${manufacturer},
 * ${product}, ${serial}, ${asset} and ${board-serial}, and any field by
 * number: ${smbios/TYPE.OFFSET.LENGTH} gives LENGTH raw bytes at OFFSET
 * of the first structure of TYPE, and a LENGTH of 0 gives the string
 * that the byte at OFFSET refers to.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/settings.h"

/** Tag of a raw SMBIOS field */
#define SMBIOS_TAG(type, offset, length) \
	(((type) << 16) | ((offset) << 8) | (length))

/** Largest structure table accepted */
#define SMBIOS_TABLE_MAX (1024 * 1024)

/** A parsed, checked set of SMBIOS tables */
struct smbios {
	/** Structure table */
	const uint8_t *table;
	/** Length of the structure table */
	size_t len;
	/** Version: major in bits 15..8, minor in bits 7..0 */
	unsigned int version;
};

/** Scope of SMBIOS settings */
extern const struct settings_scope smbios_settings_scope;

extern int smbios_parse_entry(const void *entry, size_t entry_len,
			      const void *table, size_t table_len,
			      struct smbios *smbios);
extern int smbios_fetch_field(const struct smbios *smbios, uint32_t tag,
			      int is_uuid, void *data, size_t len);
extern int smbios_install(const struct smbios *smbios);

#endif /* CORE_SMBIOS_H */
