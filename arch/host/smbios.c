/** @file
 *
 * Host platform: SMBIOS from Linux's sysfs
 *
 * Linux exports the firmware's entry point and structure table as
 * /sys/firmware/dmi/tables/smbios_entry_point and .../DMI (readable by
 * root).  The environment variable FERRY_SMBIOS_DIR points elsewhere
 * instead, so that tests can supply tables of their own.
 */

#include <stdio.h>
#include <stdlib.h>
#include "arch/host/host.h"
#include "core/platform.h"

/** Where Linux exports the tables */
#define HOST_SMBIOS_DIR "/sys/firmware/dmi/tables"

/** Ferry's "Operation not supported" error class (core/errors.h cannot
 * be included next to libc's errno.h)
 */
#define HOST_SMBIOS_ENOTSUP (-(95 << 24))

/** Largest file read (the tables are small) */
#define HOST_SMBIOS_FILE_MAX (1024 * 1024)

/**
 * Read a whole file
 *
 * @v dir		Directory
 * @v name		File name
 * @v data		Contents (malloc()ed) to fill in
 * @v len		Length to fill in
 * @ret rc		0, or -1
 */
static int host_smbios_read(const char *dir, const char *name, void **data,
			    size_t *len)
{
	char path[4096];
	FILE *file;
	size_t got;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	file = fopen(path, "rb");
	if (!file)
		return -1;
	*data = malloc(HOST_SMBIOS_FILE_MAX);
	if (!*data) {
		fclose(file);
		return -1;
	}
	got = fread(*data, 1, HOST_SMBIOS_FILE_MAX, file);
	fclose(file);
	*len = got;
	return 0;
}

/**
 * Find the SMBIOS tables
 *
 * @v entry		Entry point to fill in
 * @v entry_len		Its length
 * @v table		Structure table to fill in
 * @v table_len		Its length
 * @ret rc		Return status code
 */
int platform_smbios_find(const void **entry, size_t *entry_len,
			 const void **table, size_t *table_len)
{
	static void *entry_data;
	static void *table_data;
	static size_t entry_size;
	static size_t table_size;
	const char *dir = getenv("FERRY_SMBIOS_DIR");

	if (!dir)
		dir = HOST_SMBIOS_DIR;
	if (!entry_data && host_smbios_read(dir, "smbios_entry_point",
					    &entry_data, &entry_size) != 0)
		return HOST_SMBIOS_ENOTSUP;
	if (!table_data &&
	    host_smbios_read(dir, "DMI", &table_data, &table_size) != 0)
		return HOST_SMBIOS_ENOTSUP;
	*entry = entry_data;
	*entry_len = entry_size;
	*table = table_data;
	*table_len = table_size;
	return 0;
}
