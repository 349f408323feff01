/** @file
 *
 * Start-up: banner, the chance to get a command line, then autoboot
 */

#include <stdint.h>
#include "core/shell.h"
#include "core/init.h"
#include "core/feature.h"
#include "core/keys.h"
#include "core/printf.h"
#include "core/platform.h"
#include "core/process.h"
#include "core/console.h"
#include "core/autoboot.h"
#include "core/exit.h"
#include "core/errors.h"

/** How long the banner offers the command line, by default */
#define MAIN_PROMPT_TIMEOUT_MS 2000

/** How long the banner offers the command line (a platform may change it) */
unsigned long main_prompt_timeout_ms = MAIN_PROMPT_TIMEOUT_MS;

/** Boot methods are tried after the banner (the host turns this off when
 * it has nothing to boot from) */
int main_autoboot = 1;

/** Init functions have run */
static int main_initialised;

/**
 * Run the init functions, once
 */
void ferry_init(void)
{
	if (main_initialised)
		return;
	main_initialised = 1;
	init_run_all();
}

/**
 * Print the banner: version, platform and the features built in
 */
void ferry_banner(void)
{
	struct feature *feature;

	printf("\n\033[1mFerry %s\033[0m -- network boot firmware (%s %s)\n",
	       VERSION, platform_name, platform_buildarch);
	printf("Features:");
	for_each_table_entry(feature, FEATURES)
		printf(" %s", feature->name);
	printf("\n");
}

/**
 * Offer the command line for a moment
 *
 * Other keys typed meanwhile are left for the command line, so that
 * nothing typed ahead is lost.
 *
 * @ret wanted		The user pressed Ctrl-B
 */
static int main_offer_shell(void)
{
	uint64_t start = clock_ms();

	if (!main_prompt_timeout_ms)
		return 0;
	printf("Press Ctrl-B for the Ferry command line...");
	while ((clock_ms() - start) < main_prompt_timeout_ms) {
		if (console_peek() == CTRL_B) {
			getchar();
			printf("\n");
			return 1;
		}
		step();
		platform_idle();
	}
	printf("\n");
	return 0;
}

/**
 * Ferry's main: what every platform runs once it is set up
 *
 * Never returns.
 */
void ferry_main(void)
{
	struct boot_method *method;
	struct exit_method *exit_method;

	ferry_init();
	ferry_banner();
	if (!main_offer_shell() && main_autoboot) {
		for_each_table_entry(method, BOOT_METHODS) {
			if (ERROR_IS(method->boot(), ECANCELED))
				break;
		}
	}
	shell();
	/* "exit", or input ended (host only): hand back to whatever started
	 * Ferry if this build can (core/exit.h), else leave as a powered-off
	 * machine would
	 */
	for_each_table_entry(exit_method, EXIT_METHODS)
		exit_method->exit();
	shutdown_run_all(0);
	platform_poweroff();
	for (;;)
		platform_idle();
}
