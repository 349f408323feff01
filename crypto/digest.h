#ifndef CRYPTO_DIGEST_H
#define CRYPTO_DIGEST_H

/** @file
 *
 * Message digests (MD5, SHA-1, SHA-256), on BearSSL's implementations
 */

#include <stddef.h>
#include <stdint.h>
#include "core/tables.h"

/** Largest digest, in bytes */
#define DIGEST_MAX_LEN 64
/** Largest digest context, in bytes */
#define DIGEST_MAX_CTX 256

/** A digest algorithm */
struct digest_algorithm {
	/** Name ("sha256") */
	const char *name;
	/** Digest length in bytes */
	size_t digest_len;
	/**
	 * Start a digest
	 *
	 * @v ctx		Context (DIGEST_MAX_CTX bytes, aligned)
	 */
	void (*init)(void *ctx);
	/**
	 * Add data
	 *
	 * @v ctx		Context
	 * @v data		Data
	 * @v len		Length
	 */
	void (*update)(void *ctx, const void *data, size_t len);
	/**
	 * Finish
	 *
	 * @v ctx		Context
	 * @v out		Digest (digest_len bytes)
	 */
	void (*final)(void *ctx, void *out);
};

/** Table of digest algorithms */
#define DIGEST_ALGORITHMS __table(struct digest_algorithm, digest_algorithms)
/** Declare a digest algorithm */
#define __digest_algorithm __table_entry(DIGEST_ALGORITHMS, 01)

extern struct digest_algorithm md5_algorithm;
extern struct digest_algorithm sha1_algorithm;
extern struct digest_algorithm sha256_algorithm;

extern struct digest_algorithm *digest_find(const char *name);
extern void digest_bearssl_update(void *ctx, const void *data, size_t len);
extern void digest_bearssl_final(void *ctx, void *out);
extern void digest_buffer(struct digest_algorithm *digest, const void *data,
			  size_t len, void *out);

#endif /* CRYPTO_DIGEST_H */
