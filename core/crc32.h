#ifndef CORE_CRC32_H
#define CORE_CRC32_H

/** @file
 *
 * CRC-32 (IEEE 802.3, as used by gzip, PNG and Ethernet)
 */

#include <stddef.h>
#include <stdint.h>

extern uint32_t crc32_le(uint32_t crc, const void *data, size_t len);

#endif /* CORE_CRC32_H */
