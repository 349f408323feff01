/** @file
 *
 * DHCP options: building and parsing, bounded
 *
 * Parsing never trusts a length it has not checked against the end of
 * its area.  The option overload option (52) is only obeyed in the
 * options field, as RFC 2131 section 4.1 says, so an overload option
 * inside an overloaded field is just another option: overloads cannot
 * chain or loop.
 */

#include <stddef.h>
#include <stdint.h>
#include "net/dhcp_options.h"
#include "core/endian.h"
#include "core/errors.h"
#include "core/malloc.h"
#include "core/string.h"

/** No room left in the packet */
#define ENOSPC_OPTION ERROR_CODE(ERRCLASS_ENOSPC, 1)
ERROR_MESSAGE(ENOSPC_OPTION, "No room for DHCP option");
/** Not a tag an option can have */
#define EINVAL_TAG ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_TAG, "Invalid DHCP option tag");
/** Packet shorter than a BOOTP header */
#define EBADMSG_SHORT ERROR_CODE(ERRCLASS_EBADMSG, 1)
ERROR_MESSAGE(EBADMSG_SHORT, "DHCP packet too short");
/** No magic cookie */
#define EBADMSG_COOKIE ERROR_CODE(ERRCLASS_EBADMSG, 2)
ERROR_MESSAGE(EBADMSG_COOKIE, "DHCP magic cookie missing");
/** An option runs past the end of its area */
#define EBADMSG_TRUNCATED ERROR_CODE(ERRCLASS_EBADMSG, 3)
ERROR_MESSAGE(EBADMSG_TRUNCATED, "DHCP option truncated");
/** Bad option overload option */
#define EBADMSG_OVERLOAD ERROR_CODE(ERRCLASS_EBADMSG, 4)
ERROR_MESSAGE(EBADMSG_OVERLOAD, "Bad DHCP option overload");
/** Bad message type option */
#define EBADMSG_MSG_TYPE ERROR_CODE(ERRCLASS_EBADMSG, 5)
ERROR_MESSAGE(EBADMSG_MSG_TYPE, "Bad DHCP message type");
/** Bad hardware address length */
#define EBADMSG_HLEN ERROR_CODE(ERRCLASS_EBADMSG, 6)
ERROR_MESSAGE(EBADMSG_HLEN, "Bad DHCP hardware address length");
/** Packet longer than any DHCP packet Ferry accepts */
#define EMSGSIZE_PACKET ERROR_CODE(ERRCLASS_EMSGSIZE, 1)
ERROR_MESSAGE(EMSGSIZE_PACKET, "DHCP packet too long");

/**
 * Start writing options into a buffer
 *
 * @v writer		Option writer
 * @v data		Buffer
 * @v max_len		Size of the buffer
 */
void dhcp_writer_init(struct dhcp_option_writer *writer, void *data,
		      size_t max_len)
{
	writer->data = data;
	writer->len = 0;
	writer->max_len = max_len;
}

/**
 * Append an option
 *
 * Data longer than 255 bytes becomes several options with the same tag
 * (RFC 3396).  One byte is always kept free for the END option.
 *
 * @v writer		Option writer
 * @v tag		Tag (1-254)
 * @v data		Data
 * @v len		Length of data
 * @ret rc		Return status code (nothing is written on failure)
 */
int dhcp_writer_append(struct dhcp_option_writer *writer, unsigned int tag,
		       const void *data, size_t len)
{
	const uint8_t *bytes = data;
	size_t pieces = ((len + 254) / 255);
	size_t needed;
	size_t chunk;

	if (tag == DHCP_PAD || tag >= DHCP_END)
		return -EINVAL_TAG;
	if (pieces == 0)
		pieces = 1;
	needed = (len + 2 * pieces);
	if (len > writer->max_len || writer->len + 1 > writer->max_len ||
	    needed > (writer->max_len - writer->len - 1))
		return -ENOSPC_OPTION;
	do {
		chunk = ((len > 255) ? 255 : len);
		writer->data[writer->len++] = tag;
		writer->data[writer->len++] = chunk;
		if (chunk)
			memcpy(&writer->data[writer->len], bytes, chunk);
		writer->len += chunk;
		bytes += chunk;
		len -= chunk;
	} while (len);
	return 0;
}

/**
 * Append a one-byte option
 *
 * @v writer		Option writer
 * @v tag		Tag (1-254)
 * @v value		Value
 * @ret rc		Return status code
 */
int dhcp_writer_append_u8(struct dhcp_option_writer *writer, unsigned int tag,
			  uint8_t value)
{
	return dhcp_writer_append(writer, tag, &value, sizeof(value));
}

/**
 * Append the END option
 *
 * @v writer		Option writer
 * @ret rc		Return status code
 */
int dhcp_writer_finish(struct dhcp_option_writer *writer)
{
	if (writer->len >= writer->max_len)
		return -ENOSPC_OPTION;
	writer->data[writer->len++] = DHCP_END;
	return 0;
}

/**
 * Find the next option in an area
 *
 * PAD options are skipped; END, or the end of the area, ends the walk.
 *
 * @v area		Option area
 * @v len		Length of the area
 * @v offset		Where to look (updated past the option found)
 * @v option		Option found
 * @ret rc		0 if an option was found, -ENOENT at the end, or
 *			-EBADMSG if an option runs past the end of the area
 */
int dhcp_option_next(const uint8_t *area, size_t len, size_t *offset,
		     struct dhcp_option *option)
{
	size_t pos = *offset;
	size_t option_len;

	while (pos < len && area[pos] == DHCP_PAD)
		pos++;
	if (pos >= len || area[pos] == DHCP_END) {
		*offset = len;
		return -ENOENT;
	}
	if ((len - pos) < 2)
		return -EBADMSG_TRUNCATED;
	option_len = area[pos + 1];
	if ((len - pos - 2) < option_len)
		return -EBADMSG_TRUNCATED;
	option->tag = area[pos];
	option->len = option_len;
	option->data = &area[pos + 2];
	*offset = (pos + 2 + option_len);
	return 0;
}

/**
 * Check that every option in an area lies within it
 *
 * @v area		Option area
 * @v len		Length of the area
 * @ret rc		Return status code
 */
int dhcp_options_validate(const uint8_t *area, size_t len)
{
	struct dhcp_option option;
	size_t offset = 0;
	int rc;

	while ((rc = dhcp_option_next(area, len, &offset, &option)) == 0)
		;
	return (ERROR_IS(rc, ENOENT) ? 0 : rc);
}

/**
 * Join every instance of an option in a list of areas (RFC 3396)
 *
 * @v area		Option areas
 * @v area_len		Lengths of the areas
 * @v num_areas		Number of areas
 * @v tag		Tag
 * @v buf		Buffer, or NULL
 * @v len		Size of buffer
 * @ret total		Total length of the option (may exceed len), or
 *			-ENOENT if the option is absent
 */
static int dhcp_areas_option(const uint8_t *const *area, const size_t *area_len,
			     unsigned int num_areas, unsigned int tag,
			     void *buf, size_t len)
{
	struct dhcp_option option;
	uint8_t *out = buf;
	size_t total = 0;
	size_t offset;
	size_t copy;
	unsigned int found = 0;
	unsigned int i;

	for (i = 0; i < num_areas; i++) {
		offset = 0;
		while (dhcp_option_next(area[i], area_len[i], &offset,
					&option) == 0) {
			if (option.tag != tag)
				continue;
			found = 1;
			if (out && total < len) {
				copy = (len - total);
				if (copy > option.len)
					copy = option.len;
				memcpy(out + total, option.data, copy);
			}
			total += option.len;
		}
	}
	return (found ? (int)total : -ENOENT);
}

/**
 * Parse and check a received packet
 *
 * On success every option of every area has been checked to lie within
 * the packet, and the packet describes where its options are.
 *
 * @v packet		Parsed packet to fill in
 * @v data		Packet (must stay valid while packet is used)
 * @v len		Length of packet
 * @ret rc		Return status code
 */
int dhcp_packet_parse(struct dhcp_packet *packet, const void *data, size_t len)
{
	const struct dhcphdr *hdr = data;
	const uint8_t *bytes = data;
	uint8_t value[2];
	int overload_len;
	int type_len;
	int rc;

	memset(packet, 0, sizeof(*packet));
	if (len < sizeof(*hdr))
		return -EBADMSG_SHORT;
	if (len > DHCP_MAX_LEN)
		return -EMSGSIZE_PACKET;
	if (hdr->magic != htonl(DHCP_MAGIC_COOKIE))
		return -EBADMSG_COOKIE;
	if (hdr->hlen > sizeof(hdr->chaddr))
		return -EBADMSG_HLEN;
	packet->hdr = hdr;
	packet->len = len;
	packet->area[0] = (bytes + sizeof(*hdr));
	packet->area_len[0] = (len - sizeof(*hdr));
	packet->num_areas = 1;
	if ((rc = dhcp_options_validate(packet->area[0],
					packet->area_len[0])) != 0)
		return rc;

	/* Only the options field may overload the other two */
	overload_len =
		dhcp_areas_option(packet->area, packet->area_len, 1,
				  DHCP_OPTION_OVERLOAD, value, sizeof(value));
	if (overload_len >= 0) {
		if (overload_len != 1 || value[0] < 1 || value[0] > 3)
			return -EBADMSG_OVERLOAD;
		packet->overload = value[0];
	}
	if (packet->overload & DHCP_OVERLOAD_FILE) {
		packet->area[packet->num_areas] = (const uint8_t *)hdr->file;
		packet->area_len[packet->num_areas] = sizeof(hdr->file);
		packet->num_areas++;
	}
	if (packet->overload & DHCP_OVERLOAD_SNAME) {
		packet->area[packet->num_areas] = (const uint8_t *)hdr->sname;
		packet->area_len[packet->num_areas] = sizeof(hdr->sname);
		packet->num_areas++;
	}
	for (unsigned int i = 1; i < packet->num_areas; i++) {
		if ((rc = dhcp_options_validate(packet->area[i],
						packet->area_len[i])) != 0)
			return rc;
	}

	type_len = dhcp_packet_option(packet, DHCP_MESSAGE_TYPE, value,
				      sizeof(value));
	if (type_len >= 0) {
		if (type_len != 1 || value[0] == 0)
			return -EBADMSG_MSG_TYPE;
		packet->msg_type = value[0];
	}
	return 0;
}

/**
 * Read an option of a parsed packet, joining split instances
 *
 * @v packet		Parsed packet
 * @v tag		Tag (1-254)
 * @v buf		Buffer, or NULL to learn the length
 * @v len		Size of buffer
 * @ret total		Length of the option (may exceed len), or -ENOENT
 */
int dhcp_packet_option(const struct dhcp_packet *packet, unsigned int tag,
		       void *buf, size_t len)
{
	if (tag == DHCP_PAD || tag >= DHCP_END)
		return -ENOENT;
	return dhcp_areas_option(packet->area, packet->area_len,
				 packet->num_areas, tag, buf, len);
}

/**
 * Read an option encapsulated in another option's data
 *
 * The encapsulated options are untrusted and unchecked: the walk stops
 * at the first one that runs past the end of the data.
 *
 * @v encap		Encapsulating option's data (joined)
 * @v encap_len		Length of that data
 * @v tag		Tag of the encapsulated option (1-254)
 * @v buf		Buffer, or NULL to learn the length
 * @v len		Size of buffer
 * @ret total		Length of the option (may exceed len), or -ENOENT
 */
int dhcp_encap_option(const uint8_t *encap, size_t encap_len, unsigned int tag,
		      void *buf, size_t len)
{
	if (tag == DHCP_PAD || tag >= DHCP_END)
		return -ENOENT;
	return dhcp_areas_option(&encap, &encap_len, 1, tag, buf, len);
}

/**
 * Read a NUL-padded string field that is not overloaded with options
 *
 * @v field		Field
 * @v field_len		Size of field
 * @v overloaded	Field holds options instead
 * @v buf		Buffer, or NULL
 * @v len		Size of buffer
 * @ret total		Length of the string, or -ENOENT if there is none
 */
static int dhcp_packet_string_field(const char *field, size_t field_len,
				    int overloaded, void *buf, size_t len)
{
	size_t text_len;

	if (overloaded)
		return -ENOENT;
	text_len = strnlen(field, field_len);
	if (!text_len)
		return -ENOENT;
	if (buf)
		memcpy(buf, field, ((len < text_len) ? len : text_len));
	return text_len;
}

/**
 * Read an address field that is set
 *
 * @v addr		Field
 * @v buf		Buffer, or NULL
 * @v len		Size of buffer
 * @ret total		Length (4), or -ENOENT if the field is 0.0.0.0
 */
static int dhcp_packet_addr_field(struct in_addr addr, void *buf, size_t len)
{
	if (!addr.s_addr)
		return -ENOENT;
	if (buf)
		memcpy(buf, &addr, ((len < sizeof(addr)) ? len : sizeof(addr)));
	return sizeof(addr);
}

/**
 * Read a value of a parsed packet by setting tag
 *
 * The tag is an option (1-254), an encapsulated option
 * (DHCP_ENCAP_TAG(outer, inner)), or one of the BOOTP field tags.  The
 * boot file name (67) and server name (66) fall back to the file and
 * sname fields when the options are absent and the fields are not
 * overloaded.
 *
 * @v packet		Parsed packet
 * @v tag		Tag
 * @v buf		Buffer, or NULL to learn the length
 * @v len		Size of buffer
 * @ret total		Length of the value (may exceed len), or a negative
 *			error (-ENOENT if the packet has no such value)
 */
int dhcp_packet_fetch(const struct dhcp_packet *packet, uint32_t tag, void *buf,
		      size_t len)
{
	const struct dhcphdr *hdr = packet->hdr;
	unsigned int outer;
	uint8_t *encap;
	int encap_len;
	int total;

	switch (tag) {
	case DHCP_TAG_YIADDR:
		return dhcp_packet_addr_field(hdr->yiaddr, buf, len);
	case DHCP_TAG_SIADDR:
		return dhcp_packet_addr_field(hdr->siaddr, buf, len);
	case DHCP_TAG_FILE:
		return dhcp_packet_string_field(
			hdr->file, sizeof(hdr->file),
			(packet->overload & DHCP_OVERLOAD_FILE), buf, len);
	case DHCP_TAG_SNAME:
		return dhcp_packet_string_field(
			hdr->sname, sizeof(hdr->sname),
			(packet->overload & DHCP_OVERLOAD_SNAME), buf, len);
	default:
		break;
	}

	if (tag < DHCP_END) {
		total = dhcp_packet_option(packet, tag, buf, len);
		if (ERROR_IS(total, ENOENT) && tag == DHCP_BOOTFILE_NAME)
			return dhcp_packet_fetch(packet, DHCP_TAG_FILE, buf,
						 len);
		if (ERROR_IS(total, ENOENT) && tag == DHCP_TFTP_SERVER_NAME)
			return dhcp_packet_fetch(packet, DHCP_TAG_SNAME, buf,
						 len);
		return total;
	}
	if (tag >= 0x10000)
		return -ENOENT;

	/* An encapsulated option: join the outer option first */
	outer = (tag >> 8);
	encap_len = dhcp_packet_option(packet, outer, NULL, 0);
	if (encap_len < 0)
		return encap_len;
	encap = heap_alloc(encap_len + 1);
	if (!encap)
		return -ENOMEM;
	dhcp_packet_option(packet, outer, encap, encap_len);
	total = dhcp_encap_option(encap, encap_len, (tag & 0xff), buf, len);
	heap_free(encap);
	return total;
}

/**
 * Test whether a packet names a boot file (option 67 or the file field)
 *
 * @v packet		Parsed packet
 * @ret has_file	Packet has a non-empty boot file name
 */
int dhcp_packet_has_boot_file(const struct dhcp_packet *packet)
{
	uint8_t first;

	return (dhcp_packet_fetch(packet, DHCP_BOOTFILE_NAME, &first,
				  sizeof(first)) > 0 &&
		first != '\0');
}
