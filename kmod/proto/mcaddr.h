/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Group and source addresses of IGMP and MLD in one form: IPv6, with IPv4
 * as IPv4-mapped (::ffff:a.b.c.d), so one state machine serves both.
 */
#ifndef NFPOST_PROTO_MCADDR_H
#define NFPOST_PROTO_MCADDR_H

#include "compat.h"

struct nfpost_mc_addr {
	u8 b[16];
};

static inline void nfpost_mc_addr_v4(struct nfpost_mc_addr *a, const void *v4)
{
	memset(a->b, 0, 10);
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(a->b + 12, v4, 4);
}

static inline bool nfpost_mc_addr_is_v4(const struct nfpost_mc_addr *a)
{
	static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->b, prefix, sizeof(prefix));
}

static inline bool nfpost_mc_addr_eq(const struct nfpost_mc_addr *a,
				     const struct nfpost_mc_addr *b)
{
	return !memcmp(a->b, b->b, sizeof(a->b));
}

/* 224.0.0.0/4 */
static inline bool nfpost_mc_v4_is_multicast(const u8 *v4)
{
	return (v4[0] & 0xf0) == 0xe0;
}

/* 224.0.0.0/24: link-local control, always flooded (RFC 4541 2.1.2). */
static inline bool nfpost_mc_v4_is_local(const u8 *v4)
{
	return v4[0] == 224 && v4[1] == 0 && v4[2] == 0;
}

/* ff02::/16 link-local scope, always flooded (RFC 4541 3). */
static inline bool nfpost_mc_v6_is_local(const u8 *v6)
{
	return v6[0] == 0xff && v6[1] == 0x02;
}

/* A group as it may appear in the table: routable-scope multicast. */
static inline bool nfpost_mc_addr_is_group(const struct nfpost_mc_addr *a)
{
	if (nfpost_mc_addr_is_v4(a))
		return nfpost_mc_v4_is_multicast(a->b + 12) &&
		       !nfpost_mc_v4_is_local(a->b + 12);
	/* ff00::/8 minus the interface- and link-local scopes */
	return a->b[0] == 0xff && (a->b[1] & 0x0f) > 2;
}

/* Ones' complement sum (RFC 1071) of @len bytes, folded, not inverted. */
static inline u32 nfpost_csum_add(u32 sum, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (u32)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Record types of IGMPv3 and MLDv2 reports: the same values in both. */
enum {
	NFPOST_MC_IS_IN = 1,		/* MODE_IS_INCLUDE */
	NFPOST_MC_IS_EX = 2,		/* MODE_IS_EXCLUDE */
	NFPOST_MC_TO_IN = 3,		/* CHANGE_TO_INCLUDE_MODE */
	NFPOST_MC_TO_EX = 4,		/* CHANGE_TO_EXCLUDE_MODE */
	NFPOST_MC_ALLOW = 5,		/* ALLOW_NEW_SOURCES */
	NFPOST_MC_BLOCK = 6,		/* BLOCK_OLD_SOURCES */
};

/* One group record of a report; v1/v2 reports and leaves become one too. */
struct nfpost_mc_rec {
	u8 type;		/* NFPOST_MC_*; others are to be ignored */
	u16 nsrc;
	struct nfpost_mc_addr group;
	const u8 *src;		/* nsrc addresses, 4 (IGMP) or 16 (MLD) bytes */
};

#endif /* NFPOST_PROTO_MCADDR_H */
