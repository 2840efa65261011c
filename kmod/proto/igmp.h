/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IGMP (RFC 1112, RFC 2236, RFC 3376): parse a whole IPv4 packet carrying an
 * IGMP message, checksums, lengths and record counts all checked, so that
 * nothing malformed is ever learned and no record is read past the end.
 */
#ifndef NFPOST_PROTO_IGMP_H
#define NFPOST_PROTO_IGMP_H

#include "compat.h"
#include "ipv4.h"
#include "mcaddr.h"

#define NFPOST_IPPROTO_IGMP	2
#define NFPOST_IGMP_MIN_LEN	8
#define NFPOST_IGMPV3_QUERY_LEN	12

enum {
	NFPOST_IGMP_QUERY = 0x11,
	NFPOST_IGMPV1_REPORT = 0x12,
	NFPOST_IGMPV2_REPORT = 0x16,
	NFPOST_IGMPV2_LEAVE = 0x17,
	NFPOST_IGMPV3_REPORT = 0x22,
};

struct nfpost_igmp {
	u8 type;		/* NFPOST_IGMP_*, or another type: not ours */
	u8 version;		/* of a query or report: 1, 2 or 3 */
	u8 max_resp;		/* query: Max Resp Code */
	u8 qrv;			/* v3 query: robustness, 0: not given */
	u8 qqic;		/* v3 query: querier's query interval code */
	bool s_flag;		/* v3 query: suppress router-side processing */
	__be32 group;		/* query, v1/v2 report, leave */
	u16 nrec;		/* v3 report: records, all inside the message */
	u16 nsrc;		/* v3 query: sources */
	const u8 *msg;		/* the IGMP message, for nfpost_igmp_rec() */
	size_t len;		/* its length */
};

/* @buf holds exactly the @len bytes of one IGMP message. */
int nfpost_igmp_parse(const void *buf, size_t len, struct nfpost_igmp *m);

/*
 * @buf holds @len bytes from the start of an IPv4 packet. *@is_igmp is false
 * (and 0 returned) for a packet that is not IGMP or is a fragment. Errors:
 * -EINVAL (lengths, group, records), -EBADMSG (a checksum).
 */
int nfpost_igmp_parse_packet(const void *buf, size_t len,
			     struct nfpost_ipv4 *ip, struct nfpost_igmp *m,
			     bool *is_igmp);

/*
 * The next group record of a v3 report at *@off (start at
 * NFPOST_IGMP_MIN_LEN), or the single record a v1/v2 report (IS_EX {}) or a
 * leave (TO_IN {}) stands for. Only on a message that parsed.
 */
int nfpost_igmp_rec(const struct nfpost_igmp *m, size_t *off,
		    struct nfpost_mc_rec *rec);

#endif /* NFPOST_PROTO_IGMP_H */
