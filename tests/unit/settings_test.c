/** @file
 *
 * Unit tests: settings tree, types, SMBIOS parsing, script nesting
 */

#include <stddef.h>
#include <stdint.h>
#include "tests/unit/unittest.h"
#include "tests/unit/test_console.h"
#include "core/settings.h"
#include "core/smbios.h"
#include "core/string.h"
#include "core/command.h"
#include "core/errors.h"
#include "script/script.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "net/netdevice.h"

/**
 * Show a setting by name, as ${name} would
 *
 * @v name		Setting name
 * @v buf		Buffer
 * @v len		Size of buffer
 * @ret text_len	Length, or a negative error
 */
static int settings_test_fetchf(const char *name, char *buf, size_t len)
{
	struct settings *settings;
	struct setting setting;
	int rc;

	if ((rc = setting_parse_name(name, &settings, &setting)) != 0)
		return rc;
	return setting_fetchf(settings, &setting, buf, len);
}

/** Children are searched depth first, by priority, then by order */
UNIT_TEST(settings_precedence)
{
	struct generic_settings first;
	struct generic_settings second;
	struct generic_settings grandchild;
	char buf[32];

	generic_settings_init(&first, NULL);
	generic_settings_init(&second, NULL);
	generic_settings_init(&grandchild, NULL);
	first.settings.order = 1;
	second.settings.order = 2;
	ok(settings_register(&second.settings, NULL, "utsecond") == 0);
	ok(settings_register(&first.settings, NULL, "utfirst") == 0);
	ok(settings_register(&grandchild.settings, &first.settings, "deep") ==
	   0);
	ok(script_exec_line("set utsecond/utval two") == 0);
	ok(script_exec_line("set utfirst.deep/utval deep") == 0);
	ok(settings_test_fetchf("utval", buf, sizeof(buf)) == 4);
	ok(strcmp(buf, "deep") == 0);
	/* A value in the block itself beats its children */
	ok(script_exec_line("set utfirst/utval one") == 0);
	ok(settings_test_fetchf("utval", buf, sizeof(buf)) == 3);
	ok(strcmp(buf, "one") == 0);
	/* Priority reorders blocks */
	ok(script_exec_line("set utsecond/priority 10") == 0);
	ok(settings_test_fetchf("utval", buf, sizeof(buf)) == 3);
	ok(strcmp(buf, "two") == 0);
	ok(settings_find("utfirst.deep") == &grandchild.settings);
	ok(strcmp(settings_full_name(&grandchild.settings, buf, sizeof(buf)),
		  "utfirst.deep") == 0);
	/* Unregistering removes children too */
	settings_unregister(&first.settings);
	ok(settings_find("utfirst.deep") == NULL);
	ok(grandchild.settings.parent == NULL);
	settings_unregister(&second.settings);
	generic_settings_operations.clear(&first.settings);
	generic_settings_operations.clear(&second.settings);
	generic_settings_operations.clear(&grandchild.settings);
	ok(settings_test_fetchf("utval", buf, sizeof(buf)) < 0);
}

/** Names: blocks, numbers, types, bad names */
UNIT_TEST(settings_names)
{
	struct settings *settings;
	struct setting setting;
	char buf[64];

	ok(setting_parse_name("175.19", &settings, &setting) == 0);
	ok(setting.tag == DHCP_ENCAP_TAG(175, 19));
	ok(settings == &settings_root);
	ok(setting_parse_name("12:hex", &settings, &setting) == 0);
	ok(setting.tag == 12 && setting.type == &setting_type_hex);
	ok(setting_parse_name("x:nosuchtype", &settings, &setting) != 0);
	ok(setting_parse_name("nosuchblock/x", &settings, &setting) != 0);
	ok(setting_parse_name("", &settings, &setting) != 0);
	ok(setting_parse_name("builtin/platform", &settings, &setting) == 0);
	setting_format_name(settings, &setting, buf, sizeof(buf));
	ok(strcmp(buf, "builtin/platform:string") == 0);
	ok(setting_find("priority") != NULL);
	ok(setting_find("nosuchsetting") == NULL);
}

/** Each type's text, both ways */
UNIT_TEST(settings_types)
{
	static const struct {
		const struct setting_type *type;
		const char *in;
		const char *out;
	} cases[] = {
		{ &setting_type_uint8, "12", "0xc" },
		{ &setting_type_uint16, "0", "0x0" },
		{ &setting_type_int8, "-1", "-1" },
		{ &setting_type_int8, "0xff", "-1" },
		{ &setting_type_int16, "65536", "0" },
		{ &setting_type_int32, "-2147483648", "-2147483648" },
		{ &setting_type_ipv4, "192.0.2.1", "192.0.2.1" },
		{ &setting_type_ipv6, "2001:DB8:0:0:1:0:0:1",
		  "2001:db8::1:0:0:1" },
		{ &setting_type_ipv6, "0:0:1::", "0:0:1::" },
		{ &setting_type_hex, "0A:0b", "0a:0b" },
		{ &setting_type_hexhyp, "01-02", "01-02" },
		{ &setting_type_hexraw, "0102ff", "0102ff" },
		{ &setting_type_base64, "Zm9vYg==", "Zm9vYg==" },
		{ &setting_type_uuid, "00112233-4455-6677-8899-aabbccddeeff",
		  "00112233-4455-6677-8899-aabbccddeeff" },
		{ &setting_type_string, "text", "text" },
	};
	static const struct {
		const struct setting_type *type;
		const char *in;
	} bad[] = {
		{ &setting_type_ipv4, "1.2.3.256" },
		{ &setting_type_ipv4, "1..2.3" },
		{ &setting_type_ipv6, "1:2:3:4:5:6:7:8:9" },
		{ &setting_type_ipv6, ":1" },
		{ &setting_type_hex, "1" },
		{ &setting_type_hex, "01::02" },
		{ &setting_type_int8, "1x" },
		{ &setting_type_base64, "a===" },
		{ &setting_type_uuid, "0011" },
	};
	uint8_t raw[32];
	char text[64];
	unsigned int i;
	int len;

	for (i = 0; i < (sizeof(cases) / sizeof(cases[0])); i++) {
		len = cases[i].type->parse(cases[i].type, cases[i].in, raw,
					   sizeof(raw));
		ok(len >= 0 && len <= (int)sizeof(raw));
		if (len < 0)
			continue;
		ok(cases[i].type->format(cases[i].type, raw, len, text,
					 sizeof(text)) ==
		   (int)strlen(cases[i].out));
		ok(strcmp(text, cases[i].out) == 0);
		/* Short buffers are terminated and the length still told */
		ok(cases[i].type->format(cases[i].type, raw, len, text, 2) ==
		   (int)strlen(cases[i].out));
		ok(strlen(text) <= 1);
	}
	for (i = 0; i < (sizeof(bad) / sizeof(bad[0])); i++)
		ok(bad[i].type->parse(bad[i].type, bad[i].in, raw,
				      sizeof(raw)) < 0);
	/* Sizes too small for the type are refused when shown */
	ok(setting_type_ipv4.format(&setting_type_ipv4, raw, 3, text,
				    sizeof(text)) < 0);
	ok(setting_type_uuid.format(&setting_type_uuid, raw, 15, text,
				    sizeof(text)) < 0);
}

/** A small SMBIOS 2.x table */
static const uint8_t settings_test_table[] = {
	/* Type 1, 8 bytes formatted, strings "Maker", "Box" */
	1,
	8,
	0x00,
	0x01,
	1,
	2,
	0,
	0,
	'M',
	'a',
	'k',
	'e',
	'r',
	0,
	'B',
	'o',
	'x',
	0,
	0,
	/* Type 127 */
	127,
	4,
	0x00,
	0x7f,
	0,
	0,
};

/**
 * Make a 2.x entry point for a table
 *
 * @v entry		Entry point (31 bytes) to fill in
 * @v table_len		Length the entry point states
 */
static void settings_test_entry(uint8_t *entry, size_t table_len)
{
	uint8_t sum = 0;
	unsigned int i;

	memset(entry, 0, 0x1f);
	memcpy(entry, "_SM_", 4);
	entry[5] = 0x1f;
	entry[6] = 2;
	entry[7] = 8;
	memcpy(entry + 0x10, "_DMI_", 5);
	entry[0x16] = table_len;
	entry[0x17] = (table_len >> 8);
	for (i = 0x10; i < 0x1f; i++)
		sum += entry[i];
	entry[0x15] = -sum;
	for (sum = 0, i = 0; i < 0x1f; i++)
		sum += entry[i];
	entry[4] = -sum;
}

/** SMBIOS: checked entry points, bounded reads */
UNIT_TEST(smbios_parse)
{
	uint8_t entry[0x1f];
	struct smbios smbios;
	char buf[16];
	size_t len;

	settings_test_entry(entry, sizeof(settings_test_table));
	ok(smbios_parse_entry(entry, sizeof(entry), settings_test_table,
			      sizeof(settings_test_table), &smbios) == 0);
	ok(smbios.version == 0x0208);
	memset(buf, 0, sizeof(buf));
	ok(smbios_fetch_field(&smbios, SMBIOS_TAG(1, 5, 0), 0, buf,
			      sizeof(buf)) == 3);
	ok(strcmp(buf, "Box") == 0);
	ok(smbios_fetch_field(&smbios, SMBIOS_TAG(1, 4, 0), 0, buf,
			      sizeof(buf)) == 5);
	ok(smbios_fetch_field(&smbios, SMBIOS_TAG(1, 6, 0), 0, buf,
			      sizeof(buf)) < 0);
	ok(smbios_fetch_field(&smbios, SMBIOS_TAG(1, 4, 16), 0, buf,
			      sizeof(buf)) < 0);
	ok(smbios_fetch_field(&smbios, SMBIOS_TAG(2, 4, 0), 0, buf,
			      sizeof(buf)) < 0);
	/* Every truncation of the table is safe */
	for (len = 0; len < sizeof(settings_test_table); len++) {
		if (smbios_parse_entry(entry, sizeof(entry),
				       settings_test_table, len, &smbios) != 0)
			continue;
		smbios_fetch_field(&smbios, SMBIOS_TAG(1, 5, 0), 0, buf,
				   sizeof(buf));
		smbios_fetch_field(&smbios, SMBIOS_TAG(127, 0, 4), 0, buf,
				   sizeof(buf));
	}
	/* Bad checksums and short entry points are refused */
	entry[4]++;
	ok(smbios_parse_entry(entry, sizeof(entry), settings_test_table,
			      sizeof(settings_test_table), &smbios) != 0);
	entry[4]--;
	ok(smbios_parse_entry(entry, 0x10, settings_test_table,
			      sizeof(settings_test_table), &smbios) != 0);
	entry[5] = 0x40;
	ok(smbios_parse_entry(entry, sizeof(entry), settings_test_table,
			      sizeof(settings_test_table), &smbios) != 0);
}

/** The script the nesting test runs */
static const char settings_test_nested[] = "#!ipxe\nutnest\n";

/** Levels entered by the nesting test */
static unsigned int settings_test_levels;

/**
 * A command that runs the nesting test's script again
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int settings_test_nest_exec(int argc, char **argv)
{
	settings_test_levels++;
	return script_exec_buffer(settings_test_nested,
				  (sizeof(settings_test_nested) - 1));
}

/** A command that runs its own script */
struct command settings_test_nest_command __command = {
	.name = "utnest",
	.usage = "utnest",
	.exec = settings_test_nest_exec,
};

/** A script that runs itself stops at a bounded depth with an error */
UNIT_TEST(script_nesting)
{
	int rc;

	test_console_reset();
	settings_test_levels = 0;
	rc = script_exec_buffer(settings_test_nested,
				(sizeof(settings_test_nested) - 1));
	ok(ERROR_IS(rc, ELOOP));
	ok(settings_test_levels == SCRIPT_MAX_DEPTH);
	ok(strstr(test_console_output(), "nested too deeply") != NULL);
	/* The interpreter is usable afterwards */
	ok(script_exec_line("echo ok") == 0);
	test_console_reset();
}

/** Splitting and expansion */
UNIT_TEST(script_expansion)
{
	struct script_words words;
	char *out;

	ok(script_split("a 'b c' && d || e ; # f", &words) == 0);
	ok(words.count == 7);
	ok(words.kinds[2] == SCRIPT_WORD_AND &&
	   words.kinds[4] == SCRIPT_WORD_OR &&
	   words.kinds[6] == SCRIPT_WORD_THEN);
	script_words_free(&words);
	ok(script_split("'open", &words) != 0);
	ok(script_exec_line("set utexp value") == 0);
	ok(script_expand("x${utexp}y", &out) == 0);
	ok(strcmp(out, "xvaluey") == 0);
	heap_free(out);
	ok(script_expand("'${utexp}'", &out) == 0);
	ok(strcmp(out, "${utexp}") == 0);
	heap_free(out);
	ok(script_expand("${utexp", NULL) != 0);
	ok(script_expand("${${${", NULL) != 0);
	ok(script_expand("$x}", &out) == 0);
	ok(strcmp(out, "$x}") == 0);
	heap_free(out);
	ok(script_exec_line("clear utexp") == 0);
	ok(script_exit_status(0) == 0 && script_exit_status(3) == 3 &&
	   script_exit_status(1000) == 255 && script_exit_status(-EINVAL) == 1);
}

/**
 * Open the do-nothing device (a device for its settings block only)
 *
 * @v netdev		Network device
 * @ret rc		Return status code
 */
static int settings_test_netdev_open(struct net_device *netdev)
{
	return 0;
}

/**
 * Close the do-nothing device
 *
 * @v netdev		Network device
 */
static void settings_test_netdev_close(struct net_device *netdev)
{
}

/**
 * Refuse to send
 *
 * @v netdev		Network device
 * @v iob		Frame
 * @ret rc		-ENOTSUP
 */
static int settings_test_netdev_transmit(struct net_device *netdev,
					 struct io_buffer *iob)
{
	return -ENOTSUP;
}

/**
 * Poll: nothing happens
 *
 * @v netdev		Network device
 */
static void settings_test_netdev_poll(struct net_device *netdev)
{
}

/** Operations of the do-nothing device */
static const struct net_device_operations settings_test_netdev_operations = {
	.open = settings_test_netdev_open,
	.close = settings_test_netdev_close,
	.transmit = settings_test_netdev_transmit,
	.poll = settings_test_netdev_poll,
};

/** A device's block answers ${netN/mac}, busid, chip; netX follows open */
UNIT_TEST(settings_netdev)
{
	static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00,
					       0x12, 0x34, 0x56 };
	static const uint8_t busid[5] = { 1, 0x80, 0x86, 0x10, 0x0e };
	struct net_device *netdev;
	char name[32];
	char buf[64];

	netdev = netdev_alloc(0);
	ok(netdev != NULL);
	if (!netdev)
		return;
	netdev->op = &settings_test_netdev_operations;
	memcpy(netdev->hw_addr, mac, sizeof(mac));
	memcpy(netdev->ll_addr, mac, sizeof(mac));
	memcpy(netdev->busid, busid, sizeof(busid));
	strlcpy(netdev->chip, "e1000 82540EM", sizeof(netdev->chip));
	netdev->mtu = ETH_DATA_LEN;
	ok(netdev_register(netdev) == 0);
	snprintf(name, sizeof(name), "%s/mac", netdev->name);
	ok(settings_test_fetchf(name, buf, sizeof(buf)) > 0);
	ok(strcmp(buf, "52:54:00:12:34:56") == 0);
	snprintf(name, sizeof(name), "%s/mac:hexhyp", netdev->name);
	ok(settings_test_fetchf(name, buf, sizeof(buf)) > 0);
	ok(strcmp(buf, "52-54-00-12-34-56") == 0);
	snprintf(name, sizeof(name), "%s/busid", netdev->name);
	ok(settings_test_fetchf(name, buf, sizeof(buf)) > 0);
	ok(strcmp(buf, "01:80:86:10:0e") == 0);
	snprintf(name, sizeof(name), "%s/chip", netdev->name);
	ok(settings_test_fetchf(name, buf, sizeof(buf)) > 0);
	ok(strcmp(buf, "e1000 82540EM") == 0);
	snprintf(name, sizeof(name), "%s/mtu", netdev->name);
	ok(settings_test_fetchf(name, buf, sizeof(buf)) > 0);
	ok(strcmp(buf, "1500") == 0);
	ok(settings_test_fetchf("mac", buf, sizeof(buf)) > 0);
	/* Values set by hand live in the device's block */
	snprintf(name, sizeof(name), "set %s/utkey here", netdev->name);
	ok(script_exec_line(name) == 0);
	ok(settings_test_fetchf("utkey", buf, sizeof(buf)) == 4);
	/* netX is the device opened last */
	ok(netdev_open(netdev) == 0);
	ok(settings_test_fetchf("netX/chip", buf, sizeof(buf)) > 0);
	ok(strcmp(buf, "e1000 82540EM") == 0);
	netdev_close(netdev);
	netdev_unregister(netdev);
	ok(settings_find(netdev->name) == NULL);
	ok(settings_test_fetchf("utkey", buf, sizeof(buf)) < 0);
	ref_put(&netdev->refcnt);
}
