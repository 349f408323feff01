/** @file
 *
 * Command-line option parsing
 *
 * Options stop at the first non-option argument or at "--".  Errors are
 * printed as "<command>: <what>" and returned as '?'.
 */

#include <stddef.h>
#include "core/getopt.h"
#include "core/string.h"
#include "core/printf.h"

int optind = 1;
char *optarg;
int optopt;

/** Position within a group of short options ("-abc"), or NULL */
static const char *getopt_next;

/**
 * Reset the parser before a new command line
 */
void getopt_reset(void)
{
	optind = 1;
	optarg = NULL;
	optopt = 0;
	getopt_next = NULL;
}

/**
 * Parse one long option
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @v longopts		Long options
 * @v longindex		Index of the option found, or NULL
 * @ret option		Option value, or '?' on error
 */
static int getopt_parse_long(int argc, char **argv,
			     const struct option *longopts, int *longindex)
{
	char *name = (argv[optind] + 2);
	char *value = strchr(name, '=');
	size_t len = (value ? (size_t)(value - name) : strlen(name));
	const struct option *opt;

	optind++;
	for (opt = longopts; opt && opt->name; opt++) {
		if (strlen(opt->name) != len || memcmp(opt->name, name, len))
			continue;
		if (longindex)
			*longindex = (opt - longopts);
		optarg = NULL;
		if (opt->has_arg == no_argument) {
			if (value) {
				printf("%s: option --%s takes no argument\n",
				       argv[0], opt->name);
				return '?';
			}
		} else if (value) {
			optarg = (value + 1);
		} else if (opt->has_arg == required_argument) {
			if (optind >= argc) {
				printf("%s: option --%s needs an argument\n",
				       argv[0], opt->name);
				return '?';
			}
			optarg = argv[optind++];
		}
		return opt->val;
	}
	printf("%s: unknown option --%.*s\n", argv[0], (int)len, name);
	return '?';
}

/**
 * Parse the next option
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @v optstring		Short options ("ab:" : -a, and -b with an argument)
 * @v longopts		Long options (terminated by a zero entry), or NULL
 * @v longindex		Index of the long option found, or NULL
 * @ret option		Option, -1 when no options remain, '?' on error
 */
int getopt_long(int argc, char **argv, const char *optstring,
		const struct option *longopts, int *longindex)
{
	const char *spec;
	int character;

	optarg = NULL;
	if (!getopt_next) {
		if (optind >= argc || argv[optind][0] != '-' ||
		    argv[optind][1] == '\0')
			return -1;
		if (strcmp(argv[optind], "--") == 0) {
			optind++;
			return -1;
		}
		if (argv[optind][1] == '-')
			return getopt_parse_long(argc, argv, longopts,
						 longindex);
		getopt_next = (argv[optind] + 1);
	}

	character = *(getopt_next++);
	if (!*getopt_next) {
		getopt_next = NULL;
		optind++;
	}
	spec = strchr(optstring, character);
	if (!spec || character == ':') {
		optopt = character;
		printf("%s: unknown option -%c\n", argv[0], character);
		return '?';
	}
	if (spec[1] == ':') {
		if (getopt_next) {
			optarg = (char *)getopt_next;
			getopt_next = NULL;
			optind++;
		} else if (optind < argc) {
			optarg = argv[optind++];
		} else {
			optopt = character;
			printf("%s: option -%c needs an argument\n", argv[0],
			       character);
			return '?';
		}
	}
	return character;
}
