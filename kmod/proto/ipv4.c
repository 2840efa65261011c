// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 header parser: rejects anything whose lengths disagree, so nothing
 * after it ever reads outside the packet.
 */
#include "ipv4.h"

#define IP_OFFSET_MASK	0x1fff

int nfpost_ipv4_parse(const void *buf, size_t len, size_t avail, bool quoted,
		      struct nfpost_ipv4 *ip)
{
	const u8 *p = buf;

	if (len < NFPOST_IPV4_MIN_LEN || avail < len)
		return -EINVAL;
	if (p[0] >> 4 != 4)
		return -EPROTONOSUPPORT;
	ip->hdr_len = (p[0] & 0x0f) * 4;
	ip->tot_len = (u16)(p[2] << 8 | p[3]);
	if (ip->hdr_len < NFPOST_IPV4_MIN_LEN || ip->hdr_len > len)
		return -EINVAL;
	if (ip->hdr_len > ip->tot_len)
		return -EINVAL;
	if (!quoted && ip->tot_len > avail)
		return -EINVAL;
	ip->first_frag = ((p[6] << 8 | p[7]) & IP_OFFSET_MASK) == 0;
	ip->ttl = p[8];
	ip->proto = p[9];
	memcpy(&ip->saddr, p + 12, 4);
	memcpy(&ip->daddr, p + 16, 4);
	return 0;
}
