#ifndef CORE_ENDIAN_H
#define CORE_ENDIAN_H

/** @file
 *
 * Byte order
 */

#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Ferry's platforms are little-endian"
#endif

/** @v x Host value @ret x Network (big-endian) value */
#define htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
/** @v x Network value @ret x Host value */
#define ntohs(x) htons(x)
/** @v x Host value @ret x Network (big-endian) value */
#define htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
/** @v x Network value @ret x Host value */
#define ntohl(x) htonl(x)
/** @v x Host value @ret x Big-endian 64-bit value */
#define cpu_to_be64(x) ((uint64_t)__builtin_bswap64((uint64_t)(x)))
/** @v x Big-endian value @ret x Host value */
#define be64_to_cpu(x) cpu_to_be64(x)
/** @v x Host value @ret x Little-endian value (no-op) */
#define cpu_to_le16(x) ((uint16_t)(x))
#define cpu_to_le32(x) ((uint32_t)(x))
#define cpu_to_le64(x) ((uint64_t)(x))
#define le16_to_cpu(x) ((uint16_t)(x))
#define le32_to_cpu(x) ((uint32_t)(x))
#define le64_to_cpu(x) ((uint64_t)(x))

#endif /* CORE_ENDIAN_H */
