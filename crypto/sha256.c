/** @file
 *
 * SHA-256 (on BearSSL's implementation)
 */

#include <stddef.h>
#include "crypto/digest.h"
#include "core/compiler.h"
#include <bearssl_hash.h>

build_assert(sizeof(br_sha256_context) <= DIGEST_MAX_CTX);

/**
 * Start a SHA-256 digest
 *
 * @v ctx		Context
 */
static void sha256_init(void *ctx)
{
	br_sha256_vtable.init((const br_hash_class **)ctx);
}

/** SHA-256 */
struct digest_algorithm sha256_algorithm __digest_algorithm = {
	.name = "sha256",
	.digest_len = br_sha256_SIZE,
	.init = sha256_init,
	.update = digest_bearssl_update,
	.final = digest_bearssl_final,
};
