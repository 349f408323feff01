/** @file
 *
 * MD5 (on BearSSL's implementation)
 */

#include <stddef.h>
#include "crypto/digest.h"
#include "core/compiler.h"
#include <bearssl_hash.h>

build_assert(sizeof(br_md5_context) <= DIGEST_MAX_CTX);

/**
 * Start a MD5 digest
 *
 * @v ctx		Context
 */
static void md5_init(void *ctx)
{
	br_md5_vtable.init((const br_hash_class **)ctx);
}

/** MD5 */
struct digest_algorithm md5_algorithm __digest_algorithm = {
	.name = "md5",
	.digest_len = br_md5_SIZE,
	.init = md5_init,
	.update = digest_bearssl_update,
	.final = digest_bearssl_final,
};
