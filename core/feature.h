#ifndef CORE_FEATURE_H
#define CORE_FEATURE_H

/** @file
 *
 * Features built in
 *
 * Each feature that is linked in registers its name here; the banner
 * lists them, so what a build can do is visible at boot.
 */

#include "core/tables.h"

/** A feature */
struct feature {
	/** Name shown in the banner (e.g. "HTTP") */
	const char *name;
};

/** Table of features */
#define FEATURES __table(struct feature, features)

/** Declare a feature */
#define FEATURE(feature_name)                          \
	static struct feature __feature __table_entry( \
		FEATURES, 01) = { .name = (feature_name) }

#endif /* CORE_FEATURE_H */
