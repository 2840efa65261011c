/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reverse ARP for Ethernet and IPv4 (RFC 903), ethertype 0x8035: ARP's
 * packet with operations 3 and 4. All of it is in this header, inline.
 *
 * A request asks which IPv4 address belongs to the target hardware address
 * (tha; the sender's own, sha, when a station asks for itself), and its
 * protocol addresses are undefined. A reply comes from a server (sha, sip)
 * and gives the target (tha) its address (tip).
 */
#ifndef NFPOST_PROTO_RARP_H
#define NFPOST_PROTO_RARP_H

#include "arp.h"

#define NFPOST_ETH_P_RARP	0x8035
#define NFPOST_RARP_REQUEST	3
#define NFPOST_RARP_REPLY	4

/*
 * Parses the @len bytes at @buf as a RARP header into @arp (the layout is
 * ARP's). Only the Ethernet/IPv4 form and the two RARP operations are
 * accepted; trailing bytes (Ethernet padding) are ignored.
 */
static inline int nfpost_rarp_parse(const void *buf, size_t len,
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
	if (arp->op != NFPOST_RARP_REQUEST && arp->op != NFPOST_RARP_REPLY)
		return -EOPNOTSUPP;
	memcpy(arp->sha, p + 8, ETH_ALEN);
	memcpy(&arp->sip, p + 14, 4);
	memcpy(arp->tha, p + 18, ETH_ALEN);
	memcpy(&arp->tip, p + 24, 4);
	return 0;
}

#endif /* NFPOST_PROTO_RARP_H */
