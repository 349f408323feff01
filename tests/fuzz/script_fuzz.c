/** @file
 *
 * libFuzzer target: the script parser and expander
 *
 * Each input is taken as one command line (NUL bytes become spaces): it
 * is split into words, every word is checked and expanded, and each
 * word is also parsed as a setting name and stored into and fetched
 * back from a scratch setting of every type.  A few settings are set
 * first so that expansions find values.  Nothing may crash, leak past
 * its bounds or hang.
 *
 *     make bin/host/script-fuzz && bin/host/script-fuzz -runs=100000
 */

#include <stddef.h>
#include <stdint.h>
#include "arch/host/host.h"
#include "core/shell.h"
#include "core/settings.h"
#include "core/malloc.h"
#include "core/string.h"
#include "script/script.h"

/** Longest input used */
#define SCRIPT_FUZZ_MAX_LEN 8192

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * Set up Ferry once: heap, init functions, a few settings
 */
static void script_fuzz_init(void)
{
	static int initialised;

	if (initialised)
		return;
	initialised = 1;
	host_memory_init();
	ferry_init();
	host_console.disabled = 1;
	script_exec_line("set x hello");
	script_exec_line("set n:int32 -7");
	script_exec_line("set a.b/ip:ipv4 192.0.2.1");
	script_exec_line("set name x");
}

/**
 * Store text as every type, and show it back
 *
 * @v text		Text
 */
static void script_fuzz_types(const char *text)
{
	const struct setting_type *type;
	struct setting setting;
	char buf[256];

	for_each_table_entry (type, SETTING_TYPES) {
		memset(&setting, 0, sizeof(setting));
		setting.name = "fuzz";
		setting.type = type;
		if (setting_storef(NULL, &setting, text) == 0)
			setting_fetchf(NULL, &setting, buf, sizeof(buf));
	}
	setting_clear(NULL, &setting);
}

/**
 * Run one input
 *
 * @v data		Input
 * @v size		Length
 * @ret zero		Always 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script_words words;
	struct settings *settings;
	struct setting setting;
	char *line;
	char *expanded;
	unsigned int i;
	size_t j;

	script_fuzz_init();
	if (size > SCRIPT_FUZZ_MAX_LEN)
		size = SCRIPT_FUZZ_MAX_LEN;
	line = heap_alloc(size + 1);
	if (!line)
		return 0;
	for (j = 0; j < size; j++)
		line[j] = (data[j] ? (char)data[j] : ' ');
	line[size] = '\0';
	if (script_split(line, &words) == 0) {
		for (i = 0; i < words.count; i++) {
			if (script_expand(words.words[i], NULL) == 0 &&
			    script_expand(words.words[i], &expanded) == 0)
				heap_free(expanded);
			if (setting_parse_name(words.words[i], &settings,
					       &setting) == 0)
				setting_fetchf(settings, &setting, NULL, 0);
		}
		script_words_free(&words);
	}
	script_fuzz_types(line);
	heap_free(line);
	return 0;
}
