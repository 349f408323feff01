/** @file
 *
 * Ethernet II framing
 */

#include <stddef.h>
#include "net/ethernet.h"
#include "core/iobuf.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/printf.h"
#include "core/string.h"

/** A frame too short for its header */
#define EINVAL_SHORT ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_SHORT, "Ethernet frame too short");

const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff };

/**
 * Format an Ethernet address
 *
 * @v ll_addr		Address
 * @ret text		"52:54:00:12:34:56" (a static buffer)
 */
const char *eth_ntoa(const void *ll_addr)
{
	static char text[18];
	const uint8_t *addr = ll_addr;

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", addr[0],
		 addr[1], addr[2], addr[3], addr[4], addr[5]);
	return text;
}

/**
 * Add an Ethernet header
 *
 * @v iob		Packet
 * @v ll_dest		Destination address
 * @v ll_source		Source address
 * @v net_proto		Ethernet type (network byte order)
 * @ret rc		Return status code
 */
int eth_push(struct io_buffer *iob, const void *ll_dest,
	     const void *ll_source, uint16_t net_proto)
{
	struct ethhdr *ethhdr;
	int rc;

	rc = iob_ensure_headroom(iob, sizeof(*ethhdr));
	if (rc != 0)
		return rc;
	ethhdr = iob_push(iob, sizeof(*ethhdr));
	memcpy(ethhdr->h_dest, ll_dest, ETH_ALEN);
	memcpy(ethhdr->h_source, ll_source, ETH_ALEN);
	ethhdr->h_protocol = net_proto;
	return 0;
}

/**
 * Remove an Ethernet header
 *
 * @v iob		Frame
 * @v ll_dest		Destination address (points into the buffer's
 *			headroom, valid while the buffer lives)
 * @v ll_source		Source address (likewise)
 * @v net_proto		Ethernet type (network byte order)
 * @ret rc		Return status code
 */
int eth_pull(struct io_buffer *iob, const void **ll_dest,
	     const void **ll_source, uint16_t *net_proto)
{
	struct ethhdr *ethhdr = iob->data;

	if (iob_len(iob) < sizeof(*ethhdr))
		return -EINVAL_SHORT;
	*ll_dest = ethhdr->h_dest;
	*ll_source = ethhdr->h_source;
	*net_proto = ethhdr->h_protocol;
	iob_pull(iob, sizeof(*ethhdr));
	return 0;
}
