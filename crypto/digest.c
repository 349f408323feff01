/** @file
 *
 * Message digests: finding one by name, and the glue to BearSSL's hash
 * classes shared by crypto/md5.c, sha1.c and sha256.c (each a separate
 * object, so that a build can leave any of them out)
 */

#include <stddef.h>
#include "crypto/digest.h"
#include "core/string.h"
#include "core/compiler.h"
#include <bearssl_hash.h>

/**
 * Add data to a BearSSL hash (any class: the context knows its class)
 *
 * @v ctx		Context
 * @v data		Data
 * @v len		Length
 */
void digest_bearssl_update(void *ctx, const void *data, size_t len)
{
	const br_hash_class **class = ctx;

	(*class)->update(class, data, len);
}

/**
 * Finish a BearSSL hash
 *
 * @v ctx		Context
 * @v out		Digest
 */
void digest_bearssl_final(void *ctx, void *out)
{
	const br_hash_class **class = ctx;

	(*class)->out(class, out);
}

/**
 * Find a digest algorithm by name
 *
 * @v name		Name
 * @ret digest		Algorithm, or NULL
 */
struct digest_algorithm *digest_find(const char *name)
{
	struct digest_algorithm *digest;

	for_each_table_entry(digest, DIGEST_ALGORITHMS) {
		if (strcmp(digest->name, name) == 0)
			return digest;
	}
	return NULL;
}

/**
 * Digest a buffer in one go
 *
 * @v digest		Algorithm
 * @v data		Data
 * @v len		Length
 * @v out		Digest (digest->digest_len bytes)
 */
void digest_buffer(struct digest_algorithm *digest, const void *data,
		   size_t len, void *out)
{
	uint64_t ctx[DIGEST_MAX_CTX / sizeof(uint64_t)];

	digest->init(ctx);
	digest->update(ctx, data, len);
	digest->final(ctx, out);
}
