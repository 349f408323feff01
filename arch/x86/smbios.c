/** @file
 *
 * Finding the SMBIOS tables on a BIOS machine
 *
 * The entry point structure lies on a 16-byte boundary between F0000h and
 * FFFFFh: "_SM3_" (SMBIOS 3.x, 64-bit table address) or "_SM_" (2.x).
 * core/smbios.c checks what is handed over (checksums, lengths); this
 * only finds it and says how far it may be read.
 */

#include <stddef.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/platform.h"
#include "core/string.h"

/** Area searched for the entry point */
#define SMBIOS_SEARCH_START 0xf0000
#define SMBIOS_SEARCH_END   0x100000

/** SMBIOS 2.x entry point: length byte, table length and address */
#define SMBIOS2_ENTRY_LENGTH  0x05
#define SMBIOS2_TABLE_LENGTH  0x16
#define SMBIOS2_TABLE_ADDRESS 0x18
#define SMBIOS2_ENTRY_MIN     0x1f

/** SMBIOS 3.x entry point: length byte, table size and address */
#define SMBIOS3_ENTRY_LENGTH  0x06
#define SMBIOS3_TABLE_MAX     0x0c
#define SMBIOS3_TABLE_ADDRESS 0x10
#define SMBIOS3_ENTRY_MIN     0x18

#define ENOENT_SMBIOS ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_SMBIOS, "No SMBIOS entry point");

/**
 * Look for an entry point signature
 *
 * @v signature		Signature
 * @v len		Signature length
 * @v min_len		Least entry point length that holds the fields used
 * @ret entry		Entry point, or NULL
 */
static const uint8_t *smbios_scan(const char *signature, size_t len,
				  size_t min_len)
{
	const uint8_t *entry;
	uint32_t address;

	for (address = SMBIOS_SEARCH_START;
	     (address + min_len) <= SMBIOS_SEARCH_END; address += 16) {
		entry = phys_to_virt(address);
		if (memcmp(entry, signature, len) == 0)
			return entry;
	}
	return NULL;
}

/**
 * Find the SMBIOS tables
 *
 * @v entry		Entry point structure to fill in
 * @v entry_len		Bytes readable at the entry point
 * @v table		Structure table to fill in
 * @v table_len		Bytes readable in the structure table
 * @ret rc		Return status code
 */
int platform_smbios_find(const void **entry, size_t *entry_len,
			 const void **table, size_t *table_len)
{
	const uint8_t *found;
	uint64_t address;
	uint32_t address32;
	uint32_t length;
	uint16_t length16;

	found = smbios_scan("_SM3_", 5, SMBIOS3_ENTRY_MIN);
	if (found) {
		memcpy(&address, (found + SMBIOS3_TABLE_ADDRESS),
		       sizeof(address));
		memcpy(&length, (found + SMBIOS3_TABLE_MAX), sizeof(length));
		if (address && address < 0xffffffffULL &&
		    length <= (0xffffffffULL - address)) {
			*entry = found;
			*entry_len = min((size_t)found[SMBIOS3_ENTRY_LENGTH],
					 (size_t)(SMBIOS_SEARCH_END -
						  virt_to_phys(found)));
			*table = phys_to_virt(address);
			*table_len = length;
			return 0;
		}
	}

	found = smbios_scan("_SM_", 4, SMBIOS2_ENTRY_MIN);
	if (found) {
		memcpy(&address32, (found + SMBIOS2_TABLE_ADDRESS),
		       sizeof(address32));
		memcpy(&length16, (found + SMBIOS2_TABLE_LENGTH),
		       sizeof(length16));
		if (address32 && length16 <= (0xffffffffUL - address32)) {
			*entry = found;
			*entry_len = min((size_t)found[SMBIOS2_ENTRY_LENGTH],
					 (size_t)(SMBIOS_SEARCH_END -
						  virt_to_phys(found)));
			*table = phys_to_virt(address32);
			*table_len = length16;
			return 0;
		}
	}
	return -ENOENT_SMBIOS;
}
