/** @file
 *
 * QEMU's firmware configuration interface (fw_cfg), I/O port access
 *
 * Only touched when the CPU says it runs under a hypervisor: ports 510h
 * and 511h mean nothing on real hardware.
 */

#include <stdint.h>
#include "core/compiler.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/string.h"
#include "arch/x86/fw_cfg.h"

/** Selector port (16-bit write) */
#define FW_CFG_PORT_SELECTOR 0x510
/** Data port (byte reads) */
#define FW_CFG_PORT_DATA     0x511

/** Item: signature ("QEMU") */
#define FW_CFG_SIGNATURE 0x0000
/** Item: file directory */
#define FW_CFG_FILE_DIR  0x0019

/** Longest file name, with its NUL */
#define FW_CFG_NAME_LEN 56

/** Most directory entries looked at */
#define FW_CFG_MAX_FILES 4096

/** CPUID leaf 1, ECX: running under a hypervisor */
#define CPUID_1_ECX_HYPERVISOR 0x80000000UL

/**
 * Test whether the CPU reports a hypervisor
 *
 * @ret hypervisor	Running under a hypervisor
 */
static int fw_cfg_hypervisor(void)
{
	uint32_t eax = 1;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;

	__asm__ __volatile__("cpuid"
			     : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	return !!(ecx & CPUID_1_ECX_HYPERVISOR);
}

/**
 * Read bytes from the selected item
 *
 * @v data		Buffer, or NULL to skip
 * @v len		Length
 */
static void fw_cfg_read(void *data, size_t len)
{
	uint8_t *bytes = data;
	uint8_t byte;

	while (len--) {
		byte = inb(FW_CFG_PORT_DATA);
		if (bytes)
			*(bytes++) = byte;
	}
}

/**
 * Read a 32-bit big-endian number from the selected item
 *
 * @ret value		Value
 */
static uint32_t fw_cfg_read_be32(void)
{
	uint8_t bytes[4];

	fw_cfg_read(bytes, sizeof(bytes));
	return (((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) |
		((uint32_t)bytes[2] << 8) | bytes[3]);
}

/**
 * Check that fw_cfg is there
 *
 * @ret rc		Return status code
 */
static int fw_cfg_present(void)
{
	char signature[4];

	if (!fw_cfg_hypervisor())
		return -ENODEV;
	outw(FW_CFG_SIGNATURE, FW_CFG_PORT_SELECTOR);
	fw_cfg_read(signature, sizeof(signature));
	if (memcmp(signature, "QEMU", sizeof(signature)) != 0)
		return -ENODEV;
	return 0;
}

/**
 * Read a numbered (legacy) fw_cfg item
 *
 * @v key		Item number
 * @v data		Buffer
 * @v len		Bytes to read
 * @ret rc		Return status code (-ENODEV: no fw_cfg)
 */
int fw_cfg_read_item(uint16_t key, void *data, size_t len)
{
	int rc;

	if ((rc = fw_cfg_present()) != 0)
		return rc;
	outw(key, FW_CFG_PORT_SELECTOR);
	fw_cfg_read(data, len);
	return 0;
}

/**
 * Read a named file from fw_cfg
 *
 * @v name		File name (e.g. "etc/sercon-port")
 * @v data		Buffer (may be NULL if len is 0)
 * @v len		Length of buffer (the file is cut to it)
 * @v size		Size of the file
 * @ret rc		Return status code (-ENODEV: no fw_cfg; -ENOENT: no
 *			such file)
 */
int fw_cfg_read_file(const char *name, void *data, size_t len, size_t *size)
{
	char entry_name[FW_CFG_NAME_LEN];
	uint32_t count;
	uint32_t entry_size;
	uint16_t selector;
	uint8_t selector_be[2];
	uint32_t i;

	int rc;

	if ((rc = fw_cfg_present()) != 0)
		return rc;
	outw(FW_CFG_FILE_DIR, FW_CFG_PORT_SELECTOR);
	count = fw_cfg_read_be32();
	if (count > FW_CFG_MAX_FILES)
		count = FW_CFG_MAX_FILES;
	for (i = 0; i < count; i++) {
		entry_size = fw_cfg_read_be32();
		fw_cfg_read(selector_be, sizeof(selector_be));
		fw_cfg_read(NULL, 2);
		fw_cfg_read(entry_name, sizeof(entry_name));
		entry_name[sizeof(entry_name) - 1] = '\0';
		if (strcmp(entry_name, name) != 0)
			continue;
		selector = ((selector_be[0] << 8) | selector_be[1]);
		outw(selector, FW_CFG_PORT_SELECTOR);
		fw_cfg_read(data, min((size_t)entry_size, len));
		*size = entry_size;
		return 0;
	}
	return -ENOENT;
}
