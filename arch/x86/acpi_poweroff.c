/** @file
 *
 * Powering off through ACPI (entering S5)
 *
 * Find the RSDP (in the first KiB of the EBDA, or in E0000h-FFFFFh), the
 * RSDT or XSDT, the FADT, and from it the PM1a/PM1b control blocks and
 * the DSDT.  The DSDT's AML (or an SSDT's) names the sleep types for S5
 * in a package "\_S5_"; writing SLP_TYP with SLP_EN to the control
 * blocks turns the machine off.
 *
 * Every table is checked (signature, length, checksum) before use, and
 * the AML is read with a bound: firmware tables are trusted no more than
 * anything else.
 */

#include <stdint.h>
#include "core/errors.h"
#include "core/io.h"
#include "core/platform.h"
#include "core/string.h"
#include "arch/x86/poweroff.h"

/** BIOS data area: EBDA segment */
#define BDA_EBDA_SEGMENT  0x40e
/** Bytes of the EBDA searched */
#define EBDA_SEARCH_LEN   1024
/** BIOS area searched */
#define BIOS_SEARCH_START 0xe0000
#define BIOS_SEARCH_END   0x100000

/** Largest table believed */
#define ACPI_TABLE_MAX_LEN (16 * 1024 * 1024)

/** PM1 control: sleep type field */
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK  (0x7 << PM1_CNT_SLP_TYP_SHIFT)
/** PM1 control: sleep enable */
#define PM1_CNT_SLP_EN        0x2000
/** PM1 control: SCI enable (ACPI mode) */
#define PM1_CNT_SCI_EN        0x0001

/** Generic address structure: system I/O space */
#define ACPI_GAS_SYSTEM_IO 1

/** How long to wait for ACPI mode after asking for it */
#define ACPI_ENABLE_TIMEOUT_MS 300

/** AML opcodes used to find \_S5_ */
#define AML_NAME_OP      0x08
#define AML_ROOT_PREFIX  0x5c
#define AML_PACKAGE_OP   0x12
#define AML_ZERO_OP      0x00
#define AML_ONE_OP       0x01
#define AML_BYTE_PREFIX  0x0a
#define AML_WORD_PREFIX  0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_ONES_OP      0xff

/** Root System Description Pointer */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

/** System description table header */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/** Generic address structure */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

/** The parts of the FADT used here */
struct acpi_fadt {
	struct acpi_header header;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved1;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint8_t skipped1[140 - 72];
	uint64_t x_dsdt;
	uint8_t skipped2[172 - 148];
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
} __attribute__((packed));

#define ENOENT_RSDP ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_RSDP, "No ACPI tables");
#define ENOENT_FADT ERROR_CODE(ERRCLASS_ENOENT, 2)
ERROR_MESSAGE(ENOENT_FADT, "No ACPI FADT");
#define ENOENT_S5 ERROR_CODE(ERRCLASS_ENOENT, 3)
ERROR_MESSAGE(ENOENT_S5, "ACPI tables name no S5 sleep state");
#define ENOTSUP_PM1 ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_PM1, "No usable ACPI PM1 control block");

/**
 * Sum bytes (a valid table sums to zero)
 *
 * @v data		Data
 * @v len		Length
 * @ret sum		Sum, modulo 256
 */
static uint8_t acpi_checksum(const void *data, size_t len)
{
	const uint8_t *bytes = data;
	uint8_t sum = 0;

	while (len--)
		sum += *(bytes++);
	return sum;
}

/**
 * Look for the RSDP in a range
 *
 * @v start		Start (16-byte aligned)
 * @v end		End
 * @ret rsdp		RSDP, or NULL
 */
static const struct acpi_rsdp *acpi_rsdp_scan(uint32_t start, uint32_t end)
{
	const struct acpi_rsdp *rsdp;
	uint32_t address;

	for (address = start; (address + sizeof(*rsdp)) <= end; address += 16) {
		rsdp = phys_to_virt(address);
		if (memcmp(rsdp->signature, "RSD PTR ",
			   sizeof(rsdp->signature)) != 0)
			continue;
		if (acpi_checksum(rsdp, 20) != 0)
			continue;
		return rsdp;
	}
	return NULL;
}

/**
 * Find the RSDP
 *
 * @ret rsdp		RSDP, or NULL
 */
static const struct acpi_rsdp *acpi_rsdp_find(void)
{
	volatile uint16_t *ebda_segment = phys_to_virt(BDA_EBDA_SEGMENT);
	const struct acpi_rsdp *rsdp;
	uint32_t ebda = ((uint32_t)*ebda_segment << 4);

	if (ebda >= 0x80000 && ebda < 0xa0000) {
		rsdp = acpi_rsdp_scan(ebda, (ebda + EBDA_SEARCH_LEN));
		if (rsdp)
			return rsdp;
	}
	return acpi_rsdp_scan(BIOS_SEARCH_START, BIOS_SEARCH_END);
}

/**
 * Check a table at a physical address
 *
 * @v address		Address (64-bit, as the XSDT gives them)
 * @v signature		Expected signature, or NULL for any
 * @ret header		Table, or NULL if it is not a valid table
 */
static const struct acpi_header *acpi_table(uint64_t address,
					    const char *signature)
{
	const struct acpi_header *header;

	if (!address || address >= 0xffffffffULL - sizeof(*header))
		return NULL;
	header = phys_to_virt(address);
	if (signature && memcmp(header->signature, signature, 4) != 0)
		return NULL;
	if (header->length < sizeof(*header) ||
	    header->length > ACPI_TABLE_MAX_LEN ||
	    (address + header->length) > 0xffffffffULL)
		return NULL;
	if (acpi_checksum(header, header->length) != 0)
		return NULL;
	return header;
}

/**
 * Find a table through the RSDT or XSDT
 *
 * @v rsdp		RSDP
 * @v signature		Signature
 * @v index		Which of the tables with that signature (0: first)
 * @ret header		Table, or NULL
 */
static const struct acpi_header *acpi_find(const struct acpi_rsdp *rsdp,
					   const char *signature,
					   unsigned int index)
{
	const struct acpi_header *root = NULL;
	const struct acpi_header *table;
	const uint8_t *entries;
	unsigned int entry_len = 4;
	unsigned int count;
	unsigned int i;
	uint64_t address;

	if (rsdp->revision >= 2 && rsdp->length >= sizeof(*rsdp) &&
	    acpi_checksum(rsdp, sizeof(*rsdp)) == 0) {
		root = acpi_table(rsdp->xsdt, "XSDT");
		entry_len = 8;
	}
	if (!root) {
		root = acpi_table(rsdp->rsdt, "RSDT");
		entry_len = 4;
	}
	if (!root)
		return NULL;

	entries = ((const uint8_t *)root + sizeof(*root));
	count = ((root->length - sizeof(*root)) / entry_len);
	for (i = 0; i < count; i++) {
		if (entry_len == 8)
			memcpy(&address, &entries[i * 8], sizeof(address));
		else
			address = *((const uint32_t *)&entries[i * 4]);
		table = acpi_table(address, signature);
		if (table && index-- == 0)
			return table;
	}
	return NULL;
}

/**
 * Read an AML integer (ZeroOp, OneOp, OnesOp, Byte/Word/DWordPrefix)
 *
 * @v aml		AML
 * @v len		Bytes available
 * @v used		Bytes used
 * @ret value		Value, or -1 if not an integer
 */
static long acpi_aml_integer(const uint8_t *aml, size_t len, size_t *used)
{
	if (len < 1)
		return -1;
	switch (aml[0]) {
	case AML_ZERO_OP:
		*used = 1;
		return 0;
	case AML_ONE_OP:
		*used = 1;
		return 1;
	case AML_ONES_OP:
		*used = 1;
		return 0xff;
	case AML_BYTE_PREFIX:
		if (len < 2)
			return -1;
		*used = 2;
		return aml[1];
	case AML_WORD_PREFIX:
		if (len < 3)
			return -1;
		*used = 3;
		return (aml[1] | (aml[2] << 8));
	case AML_DWORD_PREFIX:
		if (len < 5)
			return -1;
		*used = 5;
		return (aml[1] | (aml[2] << 8) | ((long)aml[3] << 16) |
			((long)(aml[4] & 0x7f) << 24));
	default:
		return -1;
	}
}

/**
 * Find the S5 sleep types in a table's AML
 *
 * @v table		DSDT or SSDT
 * @v slp_typ_a		SLP_TYPa
 * @v slp_typ_b		SLP_TYPb
 * @ret rc		Return status code
 */
static int acpi_find_s5(const struct acpi_header *table,
			unsigned int *slp_typ_a, unsigned int *slp_typ_b)
{
	const uint8_t *aml = ((const uint8_t *)table + sizeof(*table));
	size_t len = (table->length - sizeof(*table));
	const uint8_t *package;
	size_t remaining;
	size_t pkg_len_bytes;
	size_t used;
	unsigned int elements;
	long type_a;
	long type_b;
	size_t i;

	for (i = 1; (i + 4) < len; i++) {
		if (memcmp(&aml[i], "_S5_", 4) != 0)
			continue;
		/* "Name (_S5_" or "Name (\_S5_" */
		if (!(aml[i - 1] == AML_NAME_OP ||
		      (i >= 2 && aml[i - 1] == AML_ROOT_PREFIX &&
		       aml[i - 2] == AML_NAME_OP)))
			continue;
		package = &aml[i + 4];
		remaining = (len - (i + 4));
		if (remaining < 3 || package[0] != AML_PACKAGE_OP)
			continue;
		pkg_len_bytes = (1 + (package[1] >> 6));
		if (remaining < (1 + pkg_len_bytes + 1))
			continue;
		elements = package[1 + pkg_len_bytes];
		package += (1 + pkg_len_bytes + 1);
		remaining -= (1 + pkg_len_bytes + 1);
		if (!elements)
			continue;
		type_a = acpi_aml_integer(package, remaining, &used);
		if (type_a < 0)
			continue;
		type_b = type_a;
		if (elements >= 2) {
			type_b = acpi_aml_integer((package + used),
						  (remaining - used), &used);
			if (type_b < 0)
				type_b = type_a;
		}
		*slp_typ_a = (type_a & 0x7);
		*slp_typ_b = (type_b & 0x7);
		return 0;
	}
	return -ENOENT_S5;
}

/**
 * Get a PM1 control block's port from the FADT
 *
 * @v legacy		32-bit block address
 * @v extended		Extended (generic address) block, or NULL if the
 *			FADT is too short to hold it
 * @ret port		I/O port, or 0
 */
static uint16_t acpi_pm1_port(uint32_t legacy, const struct acpi_gas *extended)
{
	if (legacy)
		return (legacy <= 0xffff) ? legacy : 0;
	if (extended && extended->space_id == ACPI_GAS_SYSTEM_IO &&
	    extended->address && extended->address <= 0xffff)
		return extended->address;
	return 0;
}

/**
 * Power off through ACPI
 *
 * @ret rc		Return status code (only on failure)
 */
static int acpi_poweroff(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_fadt *fadt;
	const struct acpi_header *dsdt;
	const struct acpi_header *ssdt;
	unsigned int slp_typ_a = 0;
	unsigned int slp_typ_b = 0;
	uint16_t pm1a;
	uint16_t pm1b;
	uint64_t dsdt_address;
	uint64_t start;
	uint16_t value;
	unsigned int index;
	int has_extended;
	int rc;

	rsdp = acpi_rsdp_find();
	if (!rsdp)
		return -ENOENT_RSDP;
	fadt = (const struct acpi_fadt *)acpi_find(rsdp, "FACP", 0);
	if (!fadt)
		return -ENOENT_FADT;
	has_extended = (fadt->header.length >= sizeof(*fadt));

	pm1a = acpi_pm1_port(fadt->pm1a_cnt_blk,
			     (has_extended ? &fadt->x_pm1a_cnt_blk : NULL));
	pm1b = acpi_pm1_port(fadt->pm1b_cnt_blk,
			     (has_extended ? &fadt->x_pm1b_cnt_blk : NULL));
	if (!pm1a)
		return -ENOTSUP_PM1;

	dsdt_address = fadt->dsdt;
	if (!dsdt_address && fadt->header.length >= 148)
		dsdt_address = fadt->x_dsdt;
	dsdt = acpi_table(dsdt_address, "DSDT");
	rc = (dsdt ? acpi_find_s5(dsdt, &slp_typ_a, &slp_typ_b) : -ENOENT_S5);
	for (index = 0; rc != 0; index++) {
		ssdt = acpi_find(rsdp, "SSDT", index);
		if (!ssdt)
			return rc;
		rc = acpi_find_s5(ssdt, &slp_typ_a, &slp_typ_b);
	}

	/* In legacy mode, ask the firmware for ACPI mode first */
	if (!(inw(pm1a) & PM1_CNT_SCI_EN) && fadt->smi_cmd &&
	    fadt->smi_cmd <= 0xffff && fadt->acpi_enable) {
		outb(fadt->acpi_enable, fadt->smi_cmd);
		start = clock_ms();
		while (!(inw(pm1a) & PM1_CNT_SCI_EN) &&
		       (clock_ms() - start) < ACPI_ENABLE_TIMEOUT_MS)
			udelay(1000);
	}

	value = inw(pm1a);
	value &= ~PM1_CNT_SLP_TYP_MASK;
	value |= (slp_typ_a << PM1_CNT_SLP_TYP_SHIFT);
	outw((value | PM1_CNT_SLP_EN), pm1a);
	if (pm1b) {
		value = inw(pm1b);
		value &= ~PM1_CNT_SLP_TYP_MASK;
		value |= (slp_typ_b << PM1_CNT_SLP_TYP_SHIFT);
		outw((value | PM1_CNT_SLP_EN), pm1b);
	}
	return 0;
}

/** ACPI first: it works on every machine made this century */
struct poweroff_method acpi_poweroff_method __poweroff_method(01) = {
	.name = "ACPI",
	.poweroff = acpi_poweroff,
};
