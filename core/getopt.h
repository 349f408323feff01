#ifndef CORE_GETOPT_H
#define CORE_GETOPT_H

/** @file
 *
 * Command-line option parsing (getopt_long semantics)
 */

/** A long option */
struct option {
	/** Name, without the leading "--" */
	const char *name;
	/** Takes an argument (no_argument, required_argument) */
	int has_arg;
	/** Unused; kept for the familiar layout */
	int *flag;
	/** Value getopt_long() returns for this option */
	int val;
};

#define no_argument 0
#define required_argument 1
#define optional_argument 2

/** Index of the next argument to parse; command_exec() resets it */
extern int optind;
/** Argument of the option just returned */
extern char *optarg;
/** Option character that caused the last error */
extern int optopt;

extern int getopt_long(int argc, char **argv, const char *optstring,
		       const struct option *longopts, int *longindex);
extern void getopt_reset(void);

#endif /* CORE_GETOPT_H */
