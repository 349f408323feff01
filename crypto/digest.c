/** @file
 *
 * Message digests on BearSSL
 */

#include <stddef.h>
#include "crypto/digest.h"
#include "core/string.h"
#include "core/compiler.h"
#include <bearssl_hash.h>

build_assert(sizeof(br_md5_context) <= DIGEST_MAX_CTX);
build_assert(sizeof(br_sha1_context) <= DIGEST_MAX_CTX);
build_assert(sizeof(br_sha256_context) <= DIGEST_MAX_CTX);

/**
 * Start a digest with a BearSSL hash class
 *
 * @v class		BearSSL hash class
 * @v ctx		Context
 */
static void digest_bearssl_init(const br_hash_class *class, void *ctx)
{
	class->init((const br_hash_class **)ctx);
}

/** @v ctx Context */
static void md5_init(void *ctx)
{
	digest_bearssl_init(&br_md5_vtable, ctx);
}

/** @v ctx Context */
static void sha1_init(void *ctx)
{
	digest_bearssl_init(&br_sha1_vtable, ctx);
}

/** @v ctx Context */
static void sha256_init(void *ctx)
{
	digest_bearssl_init(&br_sha256_vtable, ctx);
}

/**
 * Add data to a BearSSL hash (any class: the context knows its class)
 *
 * @v ctx		Context
 * @v data		Data
 * @v len		Length
 */
static void digest_bearssl_update(void *ctx, const void *data, size_t len)
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
static void digest_bearssl_final(void *ctx, void *out)
{
	const br_hash_class **class = ctx;

	(*class)->out(class, out);
}

struct digest_algorithm md5_algorithm __digest_algorithm = {
	.name = "md5",
	.digest_len = br_md5_SIZE,
	.init = md5_init,
	.update = digest_bearssl_update,
	.final = digest_bearssl_final,
};

struct digest_algorithm sha1_algorithm __digest_algorithm = {
	.name = "sha1",
	.digest_len = br_sha1_SIZE,
	.init = sha1_init,
	.update = digest_bearssl_update,
	.final = digest_bearssl_final,
};

struct digest_algorithm sha256_algorithm __digest_algorithm = {
	.name = "sha256",
	.digest_len = br_sha256_SIZE,
	.init = sha256_init,
	.update = digest_bearssl_update,
	.final = digest_bearssl_final,
};

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
