/** @file
 *
 * Form parameter lists (see script/params.h)
 *
 *     params [--name <name>] [--delete]
 *     param [--params <name>] [--header] <key> [<value>...]
 *
 * "params" starts a new, empty list (replacing any list of that name);
 * with --delete it removes the list.  "param" adds a parameter to a
 * list, which must exist.
 */

#include <stddef.h>
#include "script/params.h"
#include "core/command.h"
#include "core/getopt.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"
#include "script/script.h"

/** Usage of "params" */
#define PARAMS_USAGE "params [--name <name>] [--delete]"
/** Usage of "param" */
#define PARAM_USAGE  "param [--params <name>] [--header] <key> [<value>]"

/** No list of that name */
#define ENOENT_PARAMS ERROR_CODE(ERRCLASS_ENOENT, 1)
ERROR_MESSAGE(ENOENT_PARAMS, "No such parameter list");

/** All lists */
static LIST_HEAD(params_lists);

/**
 * Free a list once nobody holds it
 *
 * @v refcnt		Reference counter
 */
static void params_free(struct refcnt *refcnt)
{
	struct params *params = container_of(refcnt, struct params, refcnt);
	struct param *param;
	struct param *tmp;

	list_for_each_entry_safe (param, tmp, &params->entries, list) {
		list_del(&param->list);
		heap_free(param);
	}
	heap_free((void *)params->name);
	heap_free(params);
}

/**
 * Compare list names (NULL is the default list)
 *
 * @v a			Name, or NULL
 * @v b			Name, or NULL
 * @ret same		Names are the same
 */
static int params_name_same(const char *a, const char *b)
{
	if (!a || !b)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/**
 * Find a list
 *
 * @v name		Name, or NULL for the default list
 * @ret params		List, or NULL
 */
struct params *params_find(const char *name)
{
	struct params *params;

	list_for_each_entry (params, &params_lists, list) {
		if (params_name_same(params->name, name))
			return params;
	}
	return NULL;
}

/**
 * Take a list out of the list of lists (freed when nobody holds it)
 *
 * @v params		List
 */
void params_remove(struct params *params)
{
	list_del(&params->list);
	params_put(params);
}

/**
 * Create an empty list, replacing any list of the same name
 *
 * @v name		Name, or NULL for the default list
 * @ret params		List, or NULL if out of memory
 */
struct params *params_create(const char *name)
{
	struct params *params;

	params = params_find(name);
	if (params)
		params_remove(params);
	params = heap_zalloc(sizeof(*params));
	if (!params)
		return NULL;
	ref_init(&params->refcnt, params_free);
	INIT_LIST_HEAD(&params->entries);
	if (name) {
		params->name = strdup(name);
		if (!params->name) {
			heap_free(params);
			return NULL;
		}
	}
	list_add_tail(&params->list, &params_lists);
	return params;
}

/**
 * Add a parameter
 *
 * @v params		List
 * @v key		Key
 * @v value		Value
 * @v flags		PARAM_FORM or PARAM_HEADER
 * @ret rc		Return status code
 */
int params_add(struct params *params, const char *key, const char *value,
	       unsigned int flags)
{
	size_t key_len = (strlen(key) + 1);
	size_t value_len = (strlen(value) + 1);
	struct param *param;
	char *text;

	param = heap_zalloc(sizeof(*param) + key_len + value_len);
	if (!param)
		return -ENOMEM;
	text = (char *)(param + 1);
	memcpy(text, key, key_len);
	memcpy(text + key_len, value, value_len);
	param->key = text;
	param->value = (text + key_len);
	param->flags = flags;
	list_add_tail(&param->list, &params->entries);
	return 0;
}

/**
 * Run "params"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int params_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "delete", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	struct params *params;
	int delete = 0;
	int option;

	while ((option = getopt_long(argc, argv, "n:d", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'n':
			name = optarg;
			break;
		case 'd':
			delete = 1;
			break;
		default:
			return script_usage(PARAMS_USAGE);
		}
	}
	if (optind != argc)
		return script_usage(PARAMS_USAGE);
	if (delete) {
		params = params_find(name);
		if (!params) {
			error_print(-ENOENT_PARAMS, (name ? name : "default"));
			return -ENOENT_PARAMS;
		}
		params_remove(params);
		return 0;
	}
	return (params_create(name) ? 0 : -ENOMEM);
}

/** The "params" command */
struct command params_command __command = {
	.name = "params",
	.usage = PARAMS_USAGE,
	.exec = params_exec,
};

/**
 * Run "param"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int param_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "params", required_argument, NULL, 'p' },
		{ "header", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	struct params *params;
	unsigned int flags = PARAM_FORM;
	char *value;
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "p:H", longopts, NULL)) !=
	       -1) {
		switch (option) {
		case 'p':
			name = optarg;
			break;
		case 'H':
			flags = PARAM_HEADER;
			break;
		default:
			return script_usage(PARAM_USAGE);
		}
	}
	if (optind >= argc)
		return script_usage(PARAM_USAGE);
	params = params_find(name);
	if (!params) {
		error_print(-ENOENT_PARAMS, (name ? name : "default"));
		return -ENOENT_PARAMS;
	}
	value = script_concat((argc - optind - 1), &argv[optind + 1]);
	if (!value)
		return -ENOMEM;
	rc = params_add(params, argv[optind], value, flags);
	heap_free(value);
	return rc;
}

/** The "param" command */
struct command param_command __command = {
	.name = "param",
	.usage = PARAM_USAGE,
	.exec = param_exec,
};
