/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MLD (RFC 2710, RFC 3810): parse a whole IPv6 packet carrying an MLD
 * message, after its extension headers, with the ICMPv6 checksum over the
 * pseudo-header, the Router Alert and the link-local source checked.
 */
#ifndef NFPOST_PROTO_MLD_H
#define NFPOST_PROTO_MLD_H

#include "compat.h"
#include "mcaddr.h"

#define NFPOST_IPV6_HDR_LEN	40
#define NFPOST_MLD_MIN_LEN	24
#define NFPOST_MLDV2_QUERY_LEN	28
/* Extension headers walked before giving up on finding the ICMPv6 one. */
#define NFPOST_IPV6_MAX_EXT	8

enum {
	NFPOST_MLD_QUERY = 130,
	NFPOST_MLDV1_REPORT = 131,
	NFPOST_MLDV1_DONE = 132,
	NFPOST_MLDV2_REPORT = 143,
};

struct nfpost_ipv6 {
	u8 saddr[16];
	u8 daddr[16];
	u8 hop_limit;
	u16 payload_len;	/* host order */
	bool router_alert;	/* hop-by-hop options carry RA (RFC 2711) */
};

struct nfpost_mld {
	u8 type;		/* NFPOST_MLD_* */
	u8 version;		/* of a query or report: 1 or 2 */
	u16 max_resp;		/* query: Maximum Response Code */
	u8 qrv;			/* v2 query */
	u8 qqic;		/* v2 query */
	bool s_flag;		/* v2 query */
	u8 group[16];		/* query, v1 report, done */
	u16 nrec;		/* v2 report */
	u16 nsrc;		/* v2 query */
	const u8 *msg;		/* the ICMPv6 message, for nfpost_mld_rec() */
	size_t len;
};

/*
 * @buf holds @len bytes from the start of an IPv6 packet. *@is_mld is false
 * (and 0 returned) for a packet that carries no MLD message (other ICMPv6,
 * another protocol, a fragment). Errors: -EINVAL (lengths, headers, group,
 * records, no Router Alert, a source that is not link-local), -EBADMSG (the
 * checksum).
 */
int nfpost_mld_parse_packet(const void *buf, size_t len,
			    struct nfpost_ipv6 *ip6, struct nfpost_mld *m,
			    bool *is_mld);

/* As nfpost_igmp_rec(): the next record, or the one a v1 message stands for. */
int nfpost_mld_rec(const struct nfpost_mld *m, size_t *off,
		   struct nfpost_mc_rec *rec);

/* The offset nfpost_mld_rec() starts from. */
#define NFPOST_MLD_REC_START	8

#endif /* NFPOST_PROTO_MLD_H */
