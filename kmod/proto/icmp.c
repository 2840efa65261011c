// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP parser: echo identifiers, redirect gateways and the quoted header of
 * error messages, which must itself be a well-formed IPv4 header.
 */
#include "icmp.h"

int nfpost_icmp_parse(const void *buf, size_t len, struct nfpost_icmp *icmp)
{
	const u8 *p = buf;

	if (len < NFPOST_ICMP_HDR_LEN)
		return -EINVAL;
	memset(icmp, 0, sizeof(*icmp));
	icmp->type = p[0];
	icmp->code = p[1];
	icmp->id = (u16)(p[4] << 8 | p[5]);
	icmp->seq = (u16)(p[6] << 8 | p[7]);
	if (icmp->type == NFPOST_ICMP_REDIRECT)
		memcpy(&icmp->gateway, p + 4, 4);
	if (!nfpost_icmp_is_error(icmp->type))
		return 0;
	/* The quoted packet was cut short on purpose: no tot_len check. */
	if (nfpost_ipv4_parse(p + NFPOST_ICMP_HDR_LEN,
			      len - NFPOST_ICMP_HDR_LEN,
			      len - NFPOST_ICMP_HDR_LEN, true, &icmp->orig))
		return -EINVAL;
	icmp->has_orig = true;
	return 0;
}

int nfpost_icmp_parse_packet(const void *buf, size_t len, size_t avail,
			     struct nfpost_ipv4 *ip, struct nfpost_icmp *icmp,
			     bool *is_icmp)
{
	size_t end;
	int ret;

	*is_icmp = false;
	ret = nfpost_ipv4_parse(buf, len, avail, false, ip);
	if (ret)
		return ret;
	if (ip->proto != NFPOST_IPPROTO_ICMP || !ip->first_frag)
		return 0;
	/* Never look past the packet's own end, even if the buffer goes on. */
	end = ip->tot_len < len ? ip->tot_len : len;
	ret = nfpost_icmp_parse((const u8 *)buf + ip->hdr_len,
				end - ip->hdr_len, icmp);
	if (ret)
		return ret;
	*is_icmp = true;
	return 0;
}
