#ifndef SCRIPT_PARAMS_H
#define SCRIPT_PARAMS_H

/** @file
 *
 * Form parameter lists ("params" and "param")
 *
 * A script builds a named list of key/value pairs:
 *
 *     params --name login
 *     param --params login username ${username}
 *     param --params login --header X-Token ${token}
 *     chain http://192.0.2.1/boot.php##params=login
 *
 * and HTTP sends the form parameters (PARAM_FORM) as an
 * application/x-www-form-urlencoded POST body and the header parameters
 * (PARAM_HEADER) as request headers.  The list without a name is the
 * one "params" and "param" use when no name is given.
 *
 * A user of a list (an HTTP request) holds a reference to it with
 * params_get() and drops it with params_put(); "params" replacing or
 * deleting a list only takes it out of the list of lists, so a request
 * in flight keeps what it started with.
 */

#include "core/list.h"
#include "core/refcnt.h"

/** A form parameter */
#define PARAM_FORM   0x0001
/** A request header */
#define PARAM_HEADER 0x0002

/** One parameter */
struct param {
	/** Link in the list's parameters */
	struct list_head list;
	/** Key */
	const char *key;
	/** Value */
	const char *value;
	/** Kind (PARAM_FORM or PARAM_HEADER) */
	unsigned int flags;
};

/** A list of parameters */
struct params {
	/** Reference counter */
	struct refcnt refcnt;
	/** Link in the list of lists */
	struct list_head list;
	/** Name, or NULL for the default list */
	const char *name;
	/** Parameters, in the order they were added */
	struct list_head entries;
};

/** Iterate over the parameters of a list */
#define for_each_param(param, params) \
	list_for_each_entry (param, &(params)->entries, list)

extern struct params *params_find(const char *name);
extern struct params *params_create(const char *name);
extern void params_remove(struct params *params);
extern int params_add(struct params *params, const char *key, const char *value,
		      unsigned int flags);

/**
 * Take a reference to a list
 *
 * @v params		List
 * @ret params		List
 */
static inline struct params *params_get(struct params *params)
{
	ref_get(&params->refcnt);
	return params;
}

/**
 * Drop a reference to a list
 *
 * @v params		List
 */
static inline void params_put(struct params *params)
{
	ref_put(&params->refcnt);
}

#endif /* SCRIPT_PARAMS_H */
