// SPDX-License-Identifier: GPL-2.0
/*
 * IGMP parser. Versions are told apart as RFC 3376 7.1 says: a query of 8
 * bytes is v1 (code 0) or v2, one of 12 bytes or more is v3.
 */
#include "igmp.h"

#define IP_MF	0x20

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static bool group_ok(const u8 *g)
{
	return nfpost_mc_v4_is_multicast(g);
}

static int parse_query(const u8 *p, size_t len, struct nfpost_igmp *m)
{
	if ((p[4] | p[5] | p[6] | p[7]) && !group_ok(p + 4))
		return -EINVAL;
	if (len == NFPOST_IGMP_MIN_LEN) {
		m->version = p[1] ? 2 : 1;
		return 0;
	}
	if (len < NFPOST_IGMPV3_QUERY_LEN)
		return -EINVAL;
	m->version = 3;
	m->s_flag = p[8] & 0x08;
	m->qrv = p[8] & 0x07;
	m->qqic = p[9];
	m->nsrc = get16(p + 10);
	if ((size_t)m->nsrc * 4 > len - NFPOST_IGMPV3_QUERY_LEN)
		return -EINVAL;
	return 0;
}

/* Every record, sources and aux data included, must be inside @len. */
static int check_records(const u8 *p, size_t len, u16 nrec)
{
	size_t off = NFPOST_IGMP_MIN_LEN, need;
	u16 i;

	for (i = 0; i < nrec; i++) {
		if (len - off < 8)
			return -EINVAL;
		need = 8 + (size_t)get16(p + off + 2) * 4 + (size_t)p[off + 1] * 4;
		if (need > len - off || !group_ok(p + off + 4))
			return -EINVAL;
		off += need;
	}
	return 0;
}

int nfpost_igmp_parse(const void *buf, size_t len, struct nfpost_igmp *m)
{
	const u8 *p = buf;

	memset(m, 0, sizeof(*m));
	if (len < NFPOST_IGMP_MIN_LEN)
		return -EINVAL;
	if (nfpost_csum_add(0, p, len) != 0xffff)
		return -EBADMSG;
	m->type = p[0];
	m->max_resp = p[1];
	m->msg = p;
	m->len = len;
	memcpy(&m->group, p + 4, 4);
	switch (m->type) {
	case NFPOST_IGMP_QUERY:
		return parse_query(p, len, m);
	case NFPOST_IGMPV1_REPORT:
	case NFPOST_IGMPV2_REPORT:
	case NFPOST_IGMPV2_LEAVE:
		m->version = m->type == NFPOST_IGMPV1_REPORT ? 1 : 2;
		return group_ok(p + 4) ? 0 : -EINVAL;
	case NFPOST_IGMPV3_REPORT:
		m->version = 3;
		m->group = 0;
		m->nrec = get16(p + 6);
		return check_records(p, len, m->nrec);
	}
	return 0;
}

static bool ipv4_csum_ok(const u8 *p, size_t hdr_len)
{
	return nfpost_csum_add(0, p, hdr_len) == 0xffff;
}

int nfpost_igmp_parse_packet(const void *buf, size_t len,
			     struct nfpost_ipv4 *ip, struct nfpost_igmp *m,
			     bool *is_igmp)
{
	const u8 *p = buf;
	int ret;

	*is_igmp = false;
	ret = nfpost_ipv4_parse(buf, len, len, false, ip);
	if (ret)
		return ret;
	if (ip->proto != NFPOST_IPPROTO_IGMP || !ip->first_frag ||
	    (p[6] & IP_MF))
		return 0;
	if (!ipv4_csum_ok(p, ip->hdr_len))
		return -EBADMSG;
	ret = nfpost_igmp_parse(p + ip->hdr_len, ip->tot_len - ip->hdr_len, m);
	if (ret)
		return ret;
	*is_igmp = true;
	return 0;
}

int nfpost_igmp_rec(const struct nfpost_igmp *m, size_t *off,
		    struct nfpost_mc_rec *rec)
{
	const u8 *p = m->msg;
	size_t need;

	if (m->type != NFPOST_IGMPV3_REPORT) {
		if (*off != NFPOST_IGMP_MIN_LEN)
			return -ENOENT;
		*off = (size_t)-1;	/* one record only */
		rec->type = m->type == NFPOST_IGMPV2_LEAVE ? NFPOST_MC_TO_IN :
							    NFPOST_MC_IS_EX;
		rec->nsrc = 0;
		rec->src = NULL;
		nfpost_mc_addr_v4(&rec->group, &m->group);
		return 0;
	}
	if (*off > m->len || m->len - *off < 8)
		return -ENOENT;
	need = 8 + (size_t)get16(p + *off + 2) * 4 + (size_t)p[*off + 1] * 4;
	if (need > m->len - *off)
		return -EINVAL;
	rec->type = p[*off];
	rec->nsrc = get16(p + *off + 2);
	nfpost_mc_addr_v4(&rec->group, p + *off + 4);
	rec->src = p + *off + 8;
	*off += need;
	return 0;
}
