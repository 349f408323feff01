/** @file
 *
 * Console appearance
 *
 *     colour [--basic <0-7>] [--rgb <0xRRGGBB>] <colour>
 *     cpair [--foreground <colour>] [--background <colour>] <pair>
 *     console [--x <width>] [--y <height>] [--left <px>] [--right <px>]
 *             [--top <px>] [--bottom <px>] [--depth <bpp>]
 *             [--picture <uri>] [--keep] [--update]
 *
 * Ferry's consoles show the eight basic ANSI colours, so "colour"
 * shows a colour number as the basic colour given, or as the basic
 * colour nearest to the RGB value given.  "cpair" defines the pairs that
 * menus use (1 normal, 2 selected, 3 separator).  "console" accepts
 * iPXE's framebuffer options; Ferry's consoles are text consoles that
 * keep their size, so geometry options succeed and change nothing, and
 * a background picture fails with -ENOTSUP.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/printf.h"
#include "script/script.h"
#include "script/ui.h"

/** Usage of "colour" */
#define COLOUR_USAGE "colour [--basic <colour>] [--rgb <rgb>] <colour>"
/** Usage of "cpair" */
#define CPAIR_USAGE \
	"cpair [--foreground <colour>] [--background <colour>] <pair>"
/** Usage of "console" */
#define CONSOLE_USAGE                                                  \
	"console [--x <width>] [--y <height>] [--left <px>] "          \
	"[--right <px>] [--top <px>] [--bottom <px>] [--depth <bpp>] " \
	"[--picture <uri>] [--keep] [--update]"

/** A background picture on a text console */
#define ENOTSUP_PICTURE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_PICTURE, "Text console cannot show a picture");

/**
 * The basic ANSI colour nearest to an RGB colour
 *
 * @v rgb		Colour 0xRRGGBB
 * @ret basic		Basic colour 0-7 (bit 0 red, 1 green, 2 blue)
 */
static unsigned int colour_nearest(unsigned long rgb)
{
	return ((((rgb >> 16) & 0xff) >= 0x80 ? 1 : 0) |
		(((rgb >> 8) & 0xff) >= 0x80 ? 2 : 0) |
		((rgb & 0xff) >= 0x80 ? 4 : 0));
}

/**
 * Run "colour"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int colour_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "basic", required_argument, NULL, 'b' },
		{ "rgb", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long colour;
	unsigned long basic = UI_COLOUR_DEFAULT;
	unsigned long rgb;
	int have_basic = 0;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "b:r:", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'b':
			if (script_parse_integer(optarg, &basic) != 0)
				return -EINVAL;
			have_basic = 1;
			break;
		case 'r':
			if (script_parse_integer(optarg, &rgb) != 0)
				return -EINVAL;
			if (!have_basic)
				basic = colour_nearest(rgb);
			break;
		default:
			return script_usage(COLOUR_USAGE);
		}
	}
	if (optind != (argc - 1))
		return script_usage(COLOUR_USAGE);
	if ((rc = script_parse_integer(argv[optind], &colour)) != 0)
		return rc;
	if (basic == UI_COLOUR_DEFAULT && colour < 8)
		basic = colour;
	if ((rc = ui_colour_define(colour, basic)) != 0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	return 0;
}

/** The "colour" command */
struct command colour_command __command = {
	.name = "colour",
	.usage = COLOUR_USAGE,
	.exec = colour_exec,
};

/**
 * Run "cpair"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int cpair_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", required_argument, NULL, 'f' },
		{ "background", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long foreground = UI_COLOUR_DEFAULT;
	unsigned long background = UI_COLOUR_DEFAULT;
	unsigned long pair;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "f:b:", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'f':
			if (script_parse_integer(optarg, &foreground) != 0)
				return -EINVAL;
			break;
		case 'b':
			if (script_parse_integer(optarg, &background) != 0)
				return -EINVAL;
			break;
		default:
			return script_usage(CPAIR_USAGE);
		}
	}
	if (optind != (argc - 1))
		return script_usage(CPAIR_USAGE);
	if ((rc = script_parse_integer(argv[optind], &pair)) != 0)
		return rc;
	if ((rc = ui_pair_define(pair, foreground, background)) != 0) {
		error_print(rc, argv[optind]);
		return rc;
	}
	return 0;
}

/** The "cpair" command */
struct command cpair_command __command = {
	.name = "cpair",
	.usage = CPAIR_USAGE,
	.exec = cpair_exec,
};

/**
 * Run "console"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int console_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "x", required_argument, NULL, 'x' },
		{ "y", required_argument, NULL, 'y' },
		{ "left", required_argument, NULL, 'l' },
		{ "right", required_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 't' },
		{ "bottom", required_argument, NULL, 'b' },
		{ "depth", required_argument, NULL, 'd' },
		{ "picture", required_argument, NULL, 'p' },
		{ "keep", no_argument, NULL, 'k' },
		{ "update", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long value;
	int picture = 0;
	int option;

	while ((option = getopt_long(argc, argv, "x:y:l:r:t:b:d:p:ku", longopts,
				     NULL)) != -1) {
		switch (option) {
		case 'x':
		case 'y':
		case 'l':
		case 'r':
		case 't':
		case 'b':
		case 'd':
			if (script_parse_integer(optarg, &value) != 0)
				return -EINVAL;
			break;
		case 'p':
			picture = 1;
			break;
		case 'k':
		case 'u':
			break;
		default:
			return script_usage(CONSOLE_USAGE);
		}
	}
	if (optind != argc)
		return script_usage(CONSOLE_USAGE);
	if (picture) {
		error_print(-ENOTSUP_PICTURE, NULL);
		return -ENOTSUP_PICTURE;
	}
	return 0;
}

/** The "console" command */
struct command console_command __command = {
	.name = "console",
	.usage = CONSOLE_USAGE,
	.exec = console_exec,
};
