/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 header parser (RFC 791) for headers copied out of a packet: the outer
 * header of a packet, and the header an ICMP error quotes.
 */
#ifndef NFPOST_PROTO_IPV4_H
#define NFPOST_PROTO_IPV4_H

#include "compat.h"

#define NFPOST_IPV4_MIN_LEN	20
#define NFPOST_IPV4_MAX_LEN	60
#define NFPOST_IPPROTO_ICMP	1

struct nfpost_ipv4 {
	__be32 saddr;
	__be32 daddr;
	u16 hdr_len;		/* bytes, ihl * 4 */
	u16 tot_len;		/* host order */
	u8 ttl;
	u8 proto;
	bool first_frag;	/* offset 0: the transport header follows */
};

/*
 * @len bytes of the packet are in @buf; @avail (>= @len) is how many the
 * packet really has from there. An outer header must fit its tot_len in
 * @avail; a quoted header (@quoted) is cut short by design, so only its own
 * header has to be inside @buf.
 */
int nfpost_ipv4_parse(const void *buf, size_t len, size_t avail, bool quoted,
		      struct nfpost_ipv4 *ip);

#endif /* NFPOST_PROTO_IPV4_H */
