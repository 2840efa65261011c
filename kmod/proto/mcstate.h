/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The router side of IGMPv3 (RFC 3376 6.4) and MLDv2 (RFC 3810 7.4): one
 * (port, group)'s filter mode, group timer and source timers, changed by one
 * group record at a time. No I/O and no clock: the caller passes the time,
 * in any unit, and applies what the result says (queries, deletion).
 */
#ifndef NFPOST_PROTO_MCSTATE_H
#define NFPOST_PROTO_MCSTATE_H

#include "compat.h"
#include "mcaddr.h"

/* Sources per (port, group): past it, new sources are dropped, counted. */
#define NFPOST_MC_MAX_SRCS	64

enum {
	NFPOST_MC_INCLUDE = 0,
	NFPOST_MC_EXCLUDE = 1,
};

/* A source and its timer: running while exp > now; exp 0: stopped. */
struct nfpost_mc_src {
	struct nfpost_mc_addr addr;
	u64 exp;
};

struct nfpost_mc_state {
	u8 mode;		/* NFPOST_MC_INCLUDE or NFPOST_MC_EXCLUDE */
	u16 n;			/* sources in src[] */
	u64 gexp;		/* group timer (EXCLUDE), as a source's exp */
	struct nfpost_mc_src src[NFPOST_MC_MAX_SRCS];
	/* Set by nfpost_mc_apply(): the sources of the Q(G,S) it asks for. */
	u16 nq;
	struct nfpost_mc_addr q[NFPOST_MC_MAX_SRCS];
};

struct nfpost_mc_times {
	u64 now;
	u64 gmi;		/* group membership interval */
	u64 lmqt;		/* last member query time */
};

/* What nfpost_mc_apply() and nfpost_mc_expire() report, as bits. */
enum {
	NFPOST_MC_R_QUERY_G = 1 << 0,	/* Q(G) is due: group timer lowered */
	NFPOST_MC_R_QUERY_GS = 1 << 1,	/* Q(G,S) is due: source timers lowered */
	NFPOST_MC_R_FULL = 1 << 2,	/* a source did not fit and was dropped */
	NFPOST_MC_R_EMPTY = 1 << 3,	/* nothing left: delete the state */
	NFPOST_MC_R_CHANGED = 1 << 4,	/* filter mode or source set changed */
};

/*
 * Applies a record of @type with @nsrc sources of @alen bytes each (4: IPv4,
 * 16: IPv6) at @src. Unknown record types change nothing.
 */
unsigned int nfpost_mc_apply(struct nfpost_mc_state *st, u8 type,
			     const u8 *src, u16 nsrc, size_t alen,
			     const struct nfpost_mc_times *t);

/* Runs out the timers due at @now; RFC 3376 6.5 and 6.2.2. */
unsigned int nfpost_mc_expire(struct nfpost_mc_state *st, u64 now);

/* Whether traffic from @s is wanted (RFC 3376 6.3), timers read lazily. */
bool nfpost_mc_forwards(u8 mode, u64 gexp, const struct nfpost_mc_src *src,
			u16 n, const struct nfpost_mc_addr *s, u64 now);

/* The earliest running timer, 0 if none: when to look again. */
u64 nfpost_mc_next_expiry(const struct nfpost_mc_state *st, u64 now);

#endif /* NFPOST_PROTO_MCSTATE_H */
