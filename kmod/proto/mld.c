// SPDX-License-Identifier: GPL-2.0
/*
 * MLD parser. Versions as RFC 3810 8.1: a 24-byte query is MLDv1, one of 28
 * bytes or more is MLDv2.
 */
#include "mld.h"

#define NH_HOP		0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_ICMPV6	58
#define NH_DSTOPTS	60
#define OPT_PAD1	0
#define OPT_RA		5

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static bool group_ok(const u8 *g)
{
	return g[0] == 0xff;
}

/* fe80::/10, or :: (RFC 3810 5.2.13 lets a host report before it has one). */
static bool source_ok(const u8 *s)
{
	static const u8 zero[16];

	return (s[0] == 0xfe && (s[1] & 0xc0) == 0x80) || !memcmp(s, zero, 16);
}

/* Hop-by-hop options of @len bytes: sets router_alert; -EINVAL if bad. */
static int hop_options(const u8 *p, size_t len, struct nfpost_ipv6 *ip6)
{
	size_t off = 2;

	while (off < len) {
		if (p[off] == OPT_PAD1) {
			off++;
			continue;
		}
		if (len - off < 2 || (size_t)p[off + 1] > len - off - 2)
			return -EINVAL;
		if (p[off] == OPT_RA && p[off + 1] == 2 &&
		    !p[off + 2] && !p[off + 3])
			ip6->router_alert = true;
		off += 2 + p[off + 1];
	}
	return 0;
}

/* Walks to the ICMPv6 header: its offset, 0 if none, < 0 if malformed. */
static int find_icmpv6(const u8 *p, size_t end, struct nfpost_ipv6 *ip6)
{
	size_t off = NFPOST_IPV6_HDR_LEN, hlen;
	u8 nh = p[6];
	int i;

	for (i = 0; i < NFPOST_IPV6_MAX_EXT; i++) {
		if (nh == NH_ICMPV6)
			return (int)off;
		if (nh != NH_HOP && nh != NH_ROUTING && nh != NH_DSTOPTS)
			return 0;	/* a fragment, or no MLD here */
		if (end - off < 8)
			return -EINVAL;
		hlen = ((size_t)p[off + 1] + 1) * 8;
		if (hlen > end - off)
			return -EINVAL;
		if (nh == NH_HOP && (off != NFPOST_IPV6_HDR_LEN ||
				     hop_options(p + off, hlen, ip6)))
			return -EINVAL;
		nh = p[off];
		off += hlen;
	}
	return 0;
}

static int check_records(const u8 *p, size_t len, u16 nrec)
{
	size_t off = NFPOST_MLD_REC_START, need;
	u16 i;

	for (i = 0; i < nrec; i++) {
		if (len - off < 20)
			return -EINVAL;
		need = 20 + (size_t)get16(p + off + 2) * 16 +
		       (size_t)p[off + 1] * 4;
		if (need > len - off || !group_ok(p + off + 4))
			return -EINVAL;
		off += need;
	}
	return 0;
}

static int parse_query(const u8 *p, size_t len, struct nfpost_mld *m)
{
	static const u8 zero[16];

	if (memcmp(p + 8, zero, 16) && !group_ok(p + 8))
		return -EINVAL;
	if (len == NFPOST_MLD_MIN_LEN) {
		m->version = 1;
		return 0;
	}
	if (len < NFPOST_MLDV2_QUERY_LEN)
		return -EINVAL;
	m->version = 2;
	m->s_flag = p[24] & 0x08;
	m->qrv = p[24] & 0x07;
	m->qqic = p[25];
	m->nsrc = get16(p + 26);
	if ((size_t)m->nsrc * 16 > len - NFPOST_MLDV2_QUERY_LEN)
		return -EINVAL;
	return 0;
}

static int parse_mld(const u8 *p, size_t len, struct nfpost_mld *m)
{
	m->msg = p;
	m->len = len;
	m->max_resp = get16(p + 4);
	switch (m->type) {
	case NFPOST_MLD_QUERY:
		if (len < NFPOST_MLD_MIN_LEN)
			return -EINVAL;
		memcpy(m->group, p + 8, 16);
		return parse_query(p, len, m);
	case NFPOST_MLDV1_REPORT:
	case NFPOST_MLDV1_DONE:
		if (len < NFPOST_MLD_MIN_LEN)
			return -EINVAL;
		m->version = 1;
		memcpy(m->group, p + 8, 16);
		return group_ok(m->group) ? 0 : -EINVAL;
	default:		/* NFPOST_MLDV2_REPORT */
		m->version = 2;
		m->nrec = get16(p + 6);
		return check_records(p, len, m->nrec);
	}
}

static bool is_mld_type(u8 type)
{
	return type == NFPOST_MLD_QUERY || type == NFPOST_MLDV1_REPORT ||
	       type == NFPOST_MLDV1_DONE || type == NFPOST_MLDV2_REPORT;
}

/* ICMPv6 checksum over the pseudo-header (RFC 8200 8.1) and the message. */
static bool csum_ok(const struct nfpost_ipv6 *ip6, const u8 *p, size_t len)
{
	u8 tail[8] = { 0, 0, (u8)(len >> 8), (u8)len, 0, 0, 0, NH_ICMPV6 };
	u32 sum;

	tail[0] = (u8)(len >> 24);
	tail[1] = (u8)(len >> 16);
	sum = nfpost_csum_add(0, ip6->saddr, 16);
	sum = nfpost_csum_add(sum, ip6->daddr, 16);
	sum = nfpost_csum_add(sum, tail, sizeof(tail));
	return nfpost_csum_add(sum, p, len) == 0xffff;
}

static int parse_ip6(const u8 *p, size_t len, struct nfpost_ipv6 *ip6)
{
	memset(ip6, 0, sizeof(*ip6));
	if (len < NFPOST_IPV6_HDR_LEN || p[0] >> 4 != 6)
		return -EINVAL;
	ip6->payload_len = get16(p + 4);
	if ((size_t)ip6->payload_len > len - NFPOST_IPV6_HDR_LEN)
		return -EINVAL;
	ip6->hop_limit = p[7];
	memcpy(ip6->saddr, p + 8, 16);
	memcpy(ip6->daddr, p + 24, 16);
	return 0;
}

int nfpost_mld_parse_packet(const void *buf, size_t len,
			    struct nfpost_ipv6 *ip6, struct nfpost_mld *m,
			    bool *is_mld)
{
	const u8 *p = buf;
	size_t end;
	int off;

	*is_mld = false;
	memset(m, 0, sizeof(*m));
	if (parse_ip6(p, len, ip6))
		return -EINVAL;
	end = NFPOST_IPV6_HDR_LEN + ip6->payload_len;
	off = find_icmpv6(p, end, ip6);
	if (off <= 0)
		return off;
	if (end - off < 4)
		return -EINVAL;
	if (!is_mld_type(p[off]))
		return 0;
	if (end - off < 8)
		return -EINVAL;
	m->type = p[off];
	if (!ip6->router_alert || !source_ok(ip6->saddr))
		return -EINVAL;
	if (!csum_ok(ip6, p + off, end - off))
		return -EBADMSG;
	if (parse_mld(p + off, end - off, m))
		return -EINVAL;
	*is_mld = true;
	return 0;
}

int nfpost_mld_rec(const struct nfpost_mld *m, size_t *off,
		   struct nfpost_mc_rec *rec)
{
	const u8 *p = m->msg;
	size_t need;

	if (m->type != NFPOST_MLDV2_REPORT) {
		if (*off != NFPOST_MLD_REC_START)
			return -ENOENT;
		*off = (size_t)-1;	/* one record only */
		rec->type = m->type == NFPOST_MLDV1_DONE ? NFPOST_MC_TO_IN :
							  NFPOST_MC_IS_EX;
		rec->nsrc = 0;
		rec->src = NULL;
		memcpy(rec->group.b, m->group, 16);
		return 0;
	}
	if (*off > m->len || m->len - *off < 20)
		return -ENOENT;
	need = 20 + (size_t)get16(p + *off + 2) * 16 + (size_t)p[*off + 1] * 4;
	if (need > m->len - *off)
		return -EINVAL;
	rec->type = p[*off];
	rec->nsrc = get16(p + *off + 2);
	memcpy(rec->group.b, p + *off + 4, 16);
	rec->src = p + *off + 20;
	*off += need;
	return 0;
}
