/** @file
 *
 * Image commands, with iPXE's names and options:
 *
 *     imgfetch / module / initrd [--name N] [--autofree] URI [args...]
 *     kernel / imgselect [--name N] [--autofree] URI|name [args...]
 *     chain / imgexec [--name N] [--autofree] [--replace] URI|name [args...]
 *     boot [name]
 *     imgargs name [args...]
 *     imgstat [name...]
 *     imgfree [name...]
 */

#include <stddef.h>
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/printf.h"
#include "core/string.h"
#include "image/image.h"
#include "net/uri.h"

/** What a fetching command does with the image */
enum image_action {
	/** Register only */
	IMAGE_ACTION_FETCH,
	/** Register and select */
	IMAGE_ACTION_SELECT,
	/** Register and run */
	IMAGE_ACTION_EXEC,
};

/** No image of that name */
#define ENOENT_IMAGE ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_IMAGE, "No such image");
/** Nothing selected to boot */
#define ENOENT_SELECTED ERROR_CODE(ERRCLASS_ENOENT, 2)
ERROR_MESSAGE(ENOENT_SELECTED, "No image selected to boot");
/** Bad usage */
#define EINVAL_USAGE ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_USAGE, "Invalid command usage");

/**
 * Join arguments into a command line
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret cmdline		Command line (heap), NULL if there are no
 *			arguments; sets *failed on out-of-memory
 */
static char *image_join_args(int argc, char **argv, int *failed)
{
	size_t len = 0;
	char *cmdline;
	int i;

	*failed = 0;
	if (argc <= 0)
		return NULL;
	for (i = 0; i < argc; i++)
		len += (strlen(argv[i]) + 1);
	cmdline = heap_alloc(len);
	if (!cmdline) {
		*failed = 1;
		return NULL;
	}
	cmdline[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i)
			strlcat(cmdline, " ", len);
		strlcat(cmdline, argv[i], len);
	}
	return cmdline;
}

/**
 * Report an image that failed to run
 *
 * A script that fails has already reported its failing command, so
 * only failures of the image itself (not recognised, not bootable) are
 * reported here.
 *
 * @v image		Image
 * @v rc		Status from image_exec()
 */
static void image_report_failure(struct image *image, int rc)
{
	if (rc != 0 && !(image->type && strcmp(image->type->name,
						    "script") == 0))
		error_print(rc, image->name);
}

/**
 * Get an image by name or by fetching a URI
 *
 * In a dry run, a URI for an image that is only registered or selected
 * is recorded without being fetched.
 *
 * @v uri_text		Image name or URI
 * @v name		Name for a fetched image, or NULL
 * @v action		What will be done with it
 * @v image		Image (one reference for the caller)
 * @ret rc		Return status code
 */
static int image_acquire(const char *uri_text, const char *name,
			 enum image_action action, struct image **image)
{
	struct uri *uri;
	int rc;

	*image = image_find(uri_text);
	if (*image) {
		image_get(*image);
		return 0;
	}
	if (image_dry_run && action != IMAGE_ACTION_EXEC) {
		uri = uri_parse(uri_text);
		if (!uri)
			return -ENOMEM;
		*image = image_alloc(uri);
		uri_put(uri);
		if (!*image)
			return -ENOMEM;
		if (name && (rc = image_set_name(*image, name)) != 0) {
			image_put(*image);
			return rc;
		}
		return 0;
	}
	return image_download(uri_text, name, image);
}

/**
 * Run a fetching command
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @v action		What to do with the image
 * @ret rc		Return status code
 */
static int image_fetch_exec(int argc, char **argv, enum image_action action)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "autofree", no_argument, NULL, 'a' },
		{ "replace", no_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct image *image;
	const char *name = NULL;
	char *cmdline;
	int autofree = 0;
	int replace = 0;
	int failed;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "n:art:", options, NULL)) !=
	       -1) {
		switch (option) {
		case 'n':
			name = optarg;
			break;
		case 'a':
			autofree = 1;
			break;
		case 'r':
			replace = 1;
			break;
		case 't':
			break;
		default:
			return -EINVAL_USAGE;
		}
	}
	if (optind >= argc) {
		printf("usage: %s\n", command_find(argv[0])->usage);
		return -EINVAL_USAGE;
	}

	rc = image_acquire(argv[optind], name, action, &image);
	if (rc != 0)
		return rc;
	cmdline = image_join_args((argc - optind - 1), &argv[optind + 1],
				  &failed);
	if (failed) {
		rc = -ENOMEM;
		goto out;
	}
	if (cmdline || action != IMAGE_ACTION_EXEC ||
	    !(image->flags & IMAGE_REGISTERED))
		rc = image_set_cmdline(image, cmdline);
	heap_free(cmdline);
	if (rc != 0)
		goto out;
	if (autofree)
		image->flags |= IMAGE_AUTO_UNREGISTER;
	rc = image_register(image);
	if (rc != 0)
		goto out;

	switch (action) {
	case IMAGE_ACTION_SELECT:
		rc = image_select(image);
		break;
	case IMAGE_ACTION_EXEC:
		if (replace) {
			/* Returning lets the image that is running end;
			 * image_exec() then runs this one instead.
			 */
			rc = image_replace_current(image);
			break;
		}
		rc = image_exec(image);
		image_report_failure(image, rc);
		break;
	default:
		break;
	}
out:
	image_put(image);
	return rc;
}

/**
 * Run "imgfetch", "module" or "initrd"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int imgfetch_exec(int argc, char **argv)
{
	return image_fetch_exec(argc, argv, IMAGE_ACTION_FETCH);
}

/**
 * Run "kernel" or "imgselect"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int imgselect_exec(int argc, char **argv)
{
	return image_fetch_exec(argc, argv, IMAGE_ACTION_SELECT);
}

/**
 * Run "chain" or "imgexec"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int imgexec_exec(int argc, char **argv)
{
	return image_fetch_exec(argc, argv, IMAGE_ACTION_EXEC);
}

/**
 * Run "boot [name]": run the named or the selected image
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int boot_exec(int argc, char **argv)
{
	struct image *image;
	int rc;

	if (argc > 1)
		return image_fetch_exec(argc, argv, IMAGE_ACTION_EXEC);
	image = image_selected();
	if (!image) {
		error_print(-ENOENT_SELECTED, NULL);
		return -ENOENT_SELECTED;
	}
	rc = image_exec(image);
	image_report_failure(image, rc);
	return rc;
}

/**
 * Run "imgargs name [args...]"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int imgargs_exec(int argc, char **argv)
{
	struct image *image;
	char *cmdline;
	int failed;
	int rc;

	if (argc < 2) {
		printf("usage: imgargs <name> [args...]\n");
		return -EINVAL_USAGE;
	}
	image = image_find(argv[1]);
	if (!image) {
		error_print(-ENOENT_IMAGE, argv[1]);
		return -ENOENT_IMAGE;
	}
	cmdline = image_join_args((argc - 2), &argv[2], &failed);
	if (failed)
		return -ENOMEM;
	rc = image_set_cmdline(image, cmdline);
	heap_free(cmdline);
	return rc;
}

/**
 * Run "imgstat [name...]": list images
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int imgstat_exec(int argc, char **argv)
{
	struct image *image;
	int i;

	for_each_image(image) {
		if (argc > 1) {
			for (i = 1; i < argc; i++) {
				if (strcmp(argv[i], image->name) == 0)
					break;
			}
			if (i == argc)
				continue;
		}
		image_probe(image);
		printf("%s : %zu bytes", image->name, image->len);
		if (image->type)
			printf(" [%s]", image->type->name);
		if (image->flags & IMAGE_TRUSTED)
			printf(" [TRUSTED]");
		if (image->flags & IMAGE_SELECTED)
			printf(" [SELECTED]");
		if (image->flags & IMAGE_AUTO_UNREGISTER)
			printf(" [AUTOFREE]");
		if (image->cmdline)
			printf(" \"%s\"", image->cmdline);
		printf("\n");
	}
	return 0;
}

/**
 * Run "imgfree [name...]": free named images, or all
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int imgfree_exec(int argc, char **argv)
{
	struct image *image;
	struct image *tmp;
	int rc = 0;
	int i;

	if (argc < 2) {
		list_for_each_entry_safe(image, tmp, &images, list)
			image_unregister(image);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		image = image_find(argv[i]);
		if (!image) {
			error_print(-ENOENT_IMAGE, argv[i]);
			rc = -ENOENT_IMAGE;
			continue;
		}
		image_unregister(image);
	}
	return rc;
}

struct command imgfetch_command __command = {
	.name = "imgfetch",
	.usage = "imgfetch [--name <name>] [--autofree] <uri> [args...]",
	.exec = imgfetch_exec,
};
struct command module_command __command = {
	.name = "module",
	.usage = "module [--name <name>] [--autofree] <uri> [args...]",
	.exec = imgfetch_exec,
};
struct command initrd_command __command = {
	.name = "initrd",
	.usage = "initrd [--name <name>] [--autofree] <uri> [args...]",
	.exec = imgfetch_exec,
};
struct command kernel_command __command = {
	.name = "kernel",
	.usage = "kernel [--name <name>] [--autofree] <uri|name> [args...]",
	.exec = imgselect_exec,
};
struct command imgselect_command __command = {
	.name = "imgselect",
	.usage = "imgselect [--name <name>] [--autofree] <uri|name> "
		 "[args...]",
	.exec = imgselect_exec,
};
struct command chain_command __command = {
	.name = "chain",
	.usage = "chain [--name <name>] [--autofree] [--replace] <uri|name> "
		 "[args...]",
	.exec = imgexec_exec,
};
struct command imgexec_command __command = {
	.name = "imgexec",
	.usage = "imgexec [--name <name>] [--autofree] [--replace] <uri|name> "
		 "[args...]",
	.exec = imgexec_exec,
};
struct command boot_command __command = {
	.name = "boot",
	.usage = "boot [<uri|name> [args...]]",
	.exec = boot_exec,
};
struct command imgargs_command __command = {
	.name = "imgargs",
	.usage = "imgargs <name> [args...]",
	.exec = imgargs_exec,
};
struct command imgstat_command __command = {
	.name = "imgstat",
	.usage = "imgstat [name...]",
	.exec = imgstat_exec,
};
struct command imgfree_command __command = {
	.name = "imgfree",
	.usage = "imgfree [name...]",
	.exec = imgfree_exec,
};
