/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP for Ethernet and IPv4 (RFC 826): parse a header copied out of a packet.
 * All of it is in this header, inline.
 */
#ifndef NFPOST_PROTO_ARP_H
#define NFPOST_PROTO_ARP_H

#include "compat.h"

#define NFPOST_ARP_LEN		28	/* fixed header + Ethernet/IPv4 addresses */
#define NFPOST_ARP_REQUEST	1
#define NFPOST_ARP_REPLY	2

struct nfpost_arp {
	u16 op;			/* host order: request or reply */
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
};

#define NFPOST_ARPHRD_ETHER	1
#define NFPOST_ETH_P_IP		0x0800

static inline u16 nfpost_arp_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/*
 * Parses the @len bytes at @buf as an ARP header. Only the Ethernet/IPv4
 * form of RFC 826 requests and replies is accepted: the only one bindings
 * are learned from. Inline: every ARP packet the module sees comes here.
 */
static inline int nfpost_arp_parse(const void *buf, size_t len,
				   struct nfpost_arp *arp)
{
	const u8 *p = buf;

	if (len < NFPOST_ARP_LEN)
		return -EINVAL;
	if (nfpost_arp_be16(p) != NFPOST_ARPHRD_ETHER ||
	    nfpost_arp_be16(p + 2) != NFPOST_ETH_P_IP)
		return -EPROTONOSUPPORT;
	if (p[4] != ETH_ALEN || p[5] != 4)
		return -EINVAL;
	arp->op = nfpost_arp_be16(p + 6);
	if (arp->op != NFPOST_ARP_REQUEST && arp->op != NFPOST_ARP_REPLY)
		return -EOPNOTSUPP;
	memcpy(arp->sha, p + 8, ETH_ALEN);
	memcpy(&arp->sip, p + 14, 4);
	memcpy(arp->tha, p + 18, ETH_ALEN);
	memcpy(&arp->tip, p + 24, 4);
	return 0;
}

/* An address probe (RFC 5227) announces no binding of its own. */
static inline bool nfpost_arp_is_probe(const struct nfpost_arp *arp)
{
	return arp->sip == 0;
}

static inline bool nfpost_arp_is_gratuitous(const struct nfpost_arp *arp)
{
	return arp->sip != 0 && arp->sip == arp->tip;
}

/* The group bit covers broadcast as well as multicast. */
static inline bool nfpost_lladdr_is_group(const u8 *addr)
{
	return addr[0] & 1;
}

#endif /* NFPOST_PROTO_ARP_H */
