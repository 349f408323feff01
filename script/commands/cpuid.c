/** @file
 *
 * "cpuid [--ext] [--ecx] [--edx] <bit>": test a CPU feature flag
 *
 * Tests bit <bit> of the feature flags in EDX (default) or ECX of CPUID
 * leaf 1, or with --ext of leaf 0x80000001 (so "cpuid --ext 29" tests
 * for 64-bit long mode, "cpuid --ecx 31" for a hypervisor).  Succeeds if
 * the bit is set, fails with -ENOENT otherwise, as in iPXE ("--amd" is
 * accepted as iPXE's old name for --ext).
 *
 * The CPUID instruction is the same in 32- and 64-bit code, so this
 * file uses it directly on every x86 platform.
 */

#include <stddef.h>
#include <stdint.h>
#include <cpuid.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "script/script.h"

/** Usage */
#define CPUID_USAGE "cpuid [--ext] [--ecx] [--edx] <bit>"

/** Leaf of the standard feature flags */
#define CPUID_LEAF_FEATURES     0x00000001UL
/** Leaf of the extended feature flags */
#define CPUID_LEAF_EXT_FEATURES 0x80000001UL

/**
 * Read a feature register
 *
 * @v leaf		Leaf
 * @v ecx		Read ECX rather than EDX
 * @ret flags		Feature flags (0 if the leaf does not exist)
 */
static uint32_t cpuid_flags(uint32_t leaf, int ecx)
{
	unsigned int eax;
	unsigned int ebx;
	unsigned int ecx_out;
	unsigned int edx;

	if (__get_cpuid_max((leaf & 0x80000000UL), NULL) < leaf)
		return 0;
	__cpuid(leaf, eax, ebx, ecx_out, edx);
	return (ecx ? ecx_out : edx);
}

/**
 * Run "cpuid"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		0 if the bit is set, else -ENOENT
 */
static int cpuid_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ext", no_argument, NULL, 'e' },
		{ "amd", no_argument, NULL, 'e' },
		{ "ecx", no_argument, NULL, 'c' },
		{ "edx", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long bit;
	int ext = 0;
	int ecx = 0;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "eacd", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'e':
		case 'a':
			ext = 1;
			break;
		case 'c':
			ecx = 1;
			break;
		case 'd':
			ecx = 0;
			break;
		default:
			return script_usage(CPUID_USAGE);
		}
	}
	if (optind != (argc - 1))
		return script_usage(CPUID_USAGE);
	if ((rc = script_parse_integer(argv[optind], &bit)) != 0)
		return rc;
	if (bit > 31)
		return -ENOENT;
	if (cpuid_flags((ext ? CPUID_LEAF_EXT_FEATURES : CPUID_LEAF_FEATURES),
			ecx) &
	    (1UL << bit))
		return 0;
	return -ENOENT;
}

/** The "cpuid" command */
struct command cpuid_command __command = {
	.name = "cpuid",
	.usage = CPUID_USAGE,
	.exec = cpuid_exec,
};
