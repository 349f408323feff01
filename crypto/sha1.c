/** @file
 *
 * SHA-1 (on BearSSL's implementation)
 */

#include <stddef.h>
#include "crypto/digest.h"
#include "core/compiler.h"
#include <bearssl_hash.h>

build_assert(sizeof(br_sha1_context) <= DIGEST_MAX_CTX);

/**
 * Start a SHA-1 digest
 *
 * @v ctx		Context
 */
static void sha1_init(void *ctx)
{
	br_sha1_vtable.init((const br_hash_class **)ctx);
}

/** SHA-1 */
struct digest_algorithm sha1_algorithm __digest_algorithm = {
	.name = "sha1",
	.digest_len = br_sha1_SIZE,
	.init = sha1_init,
	.update = digest_bearssl_update,
	.final = digest_bearssl_final,
};
