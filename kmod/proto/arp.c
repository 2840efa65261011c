// SPDX-License-Identifier: GPL-2.0
/*
 * ARP header parser: accepts only the Ethernet/IPv4 form of RFC 826 requests
 * and replies, the only one the observer can bind addresses from.
 */
#include "arp.h"

#define ARPHRD_ETHER_VAL	1
#define ETH_P_IP_VAL		0x0800

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

int nfpost_arp_parse(const void *buf, size_t len, struct nfpost_arp *arp)
{
	const u8 *p = buf;

	if (len < NFPOST_ARP_LEN)
		return -EINVAL;
	if (get_be16(p) != ARPHRD_ETHER_VAL || get_be16(p + 2) != ETH_P_IP_VAL)
		return -EPROTONOSUPPORT;
	if (p[4] != ETH_ALEN || p[5] != 4)
		return -EINVAL;
	arp->op = get_be16(p + 6);
	if (arp->op != NFPOST_ARP_REQUEST && arp->op != NFPOST_ARP_REPLY)
		return -EOPNOTSUPP;
	memcpy(arp->sha, p + 8, ETH_ALEN);
	memcpy(&arp->sip, p + 14, 4);
	memcpy(arp->tha, p + 18, ETH_ALEN);
	memcpy(&arp->tip, p + 24, 4);
	return 0;
}
