/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP for Ethernet and IPv4 (RFC 826): parse a header copied out of a packet.
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

int nfpost_arp_parse(const void *buf, size_t len, struct nfpost_arp *arp);

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
