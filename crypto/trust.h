#ifndef CRYPTO_TRUST_H
#define CRYPTO_TRUST_H

/** @file
 *
 * Trusted root certificates (build option TRUST=a.pem,b.pem)
 *
 * util/trust.py turns each certificate given with TRUST= into a BearSSL
 * trust anchor (the certificate's subject name, its public key, and
 * whether it is a CA) and writes them into a generated C file, which
 * crypto/trust.mk compiles into every image.  Each anchor is an entry
 * in this linker table, so the table is the whole list of roots and is
 * empty in a build without TRUST=: the anchors are contiguous and can
 * be handed to BearSSL as one array.
 */

#include <bearssl_x509.h>
#include "core/tables.h"

/** Table of trust anchors */
#define TRUST_ANCHORS  __table(br_x509_trust_anchor, trust_anchors)
/** Declare a trust anchor */
#define __trust_anchor __table_entry(TRUST_ANCHORS, 01)

#endif /* CRYPTO_TRUST_H */
