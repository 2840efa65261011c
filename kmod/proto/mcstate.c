// SPDX-License-Identifier: GPL-2.0
/*
 * IGMPv3 / MLDv2 router filter state. Below, A and B are source sets; in
 * EXCLUDE mode X is the "requested" list (timer > 0) and Y the "exclude"
 * list (timer == 0). A source of X whose timer runs out moves to Y; one of
 * INCLUDE mode is deleted.
 *
 * Current State Records (RFC 3376 6.4.1, RFC 3810 7.4.1):
 *   State         Record    New State           Actions
 *   INCLUDE (A)   IS_IN (B) INCLUDE (A+B)       (B)=GMI
 *   INCLUDE (A)   IS_EX (B) EXCLUDE (A*B,B-A)   (B-A)=0, Delete (A-B),
 *                                               Group Timer=GMI
 *   EXCLUDE (X,Y) IS_IN (A) EXCLUDE (X+A,Y-A)   (A)=GMI
 *   EXCLUDE (X,Y) IS_EX (A) EXCLUDE (A-Y,Y*A)   (A-X-Y)=GMI, Delete (X-A),
 *                                               Delete (Y-A), Group Timer=GMI
 *
 * Filter Mode Change and Source List Change Records (6.4.2, 7.4.2):
 *   INCLUDE (A)   ALLOW (B) INCLUDE (A+B)       (B)=GMI
 *   INCLUDE (A)   BLOCK (B) INCLUDE (A)         Send Q(G,A*B)
 *   INCLUDE (A)   TO_EX (B) EXCLUDE (A*B,B-A)   (B-A)=0, Delete (A-B),
 *                                               Send Q(G,A*B), Group Timer=GMI
 *   INCLUDE (A)   TO_IN (B) INCLUDE (A+B)       (B)=GMI, Send Q(G,A-B)
 *   EXCLUDE (X,Y) ALLOW (A) EXCLUDE (X+A,Y-A)   (A)=GMI
 *   EXCLUDE (X,Y) BLOCK (A) EXCLUDE (X+(A-Y),Y) (A-X-Y)=Group Timer,
 *                                               Send Q(G,A-Y)
 *   EXCLUDE (X,Y) TO_EX (A) EXCLUDE (A-Y,Y*A)   (A-X-Y)=Group Timer,
 *                                               Delete (X-A), Delete (Y-A),
 *                                               Send Q(G,A-Y), Group Timer=GMI
 *   EXCLUDE (X,Y) TO_IN (A) EXCLUDE (X+A,Y-A)   (A)=GMI, Send Q(G,X-A),
 *                                               Send Q(G)
 *
 * "Send Q(G,S)" lowers the timers of S to LMQT and "Send Q(G)" the group
 * timer (6.6.3), whoever sends the queries, as the Linux bridge does: a
 * member that still wants the traffic answers and raises them again.
 * IGMPv1/v2 reports and MLDv1 reports arrive as IS_EX({}), leaves and
 * dones as TO_IN({}) (RFC 3376 7.3.2).
 */
#include "mcstate.h"

static void addr_of(const u8 *src, size_t alen, u16 i, struct nfpost_mc_addr *a)
{
	if (alen == 4)
		nfpost_mc_addr_v4(a, src + (size_t)i * 4);
	else
		memcpy(a->b, src + (size_t)i * 16, 16);
}

static int find(const struct nfpost_mc_src *src, u16 n,
		const struct nfpost_mc_addr *a)
{
	u16 i;

	for (i = 0; i < n; i++)
		if (nfpost_mc_addr_eq(&src[i].addr, a))
			return i;
	return -1;
}

static bool in_rec(const u8 *src, u16 nsrc, size_t alen,
		   const struct nfpost_mc_addr *a)
{
	struct nfpost_mc_addr b;
	u16 i;

	for (i = 0; i < nsrc; i++) {
		addr_of(src, alen, i, &b);
		if (nfpost_mc_addr_eq(&b, a))
			return true;
	}
	return false;
}

static bool running(const struct nfpost_mc_src *s, u64 now)
{
	return s->exp > now;
}

/* Deletes every source for which @keep is false. */
static unsigned int prune(struct nfpost_mc_state *st, const u8 *src,
			  u16 nsrc, size_t alen, bool want_in_rec)
{
	unsigned int r = 0;
	u16 i = 0;

	while (i < st->n) {
		if (in_rec(src, nsrc, alen, &st->src[i].addr) == want_in_rec) {
			i++;
			continue;
		}
		st->src[i] = st->src[--st->n];
		r = NFPOST_MC_R_CHANGED;
	}
	return r;
}

/*
 * For each source of the record: a known one gets @known_exp unless that is
 * ~0 (leave it), a new one is added with @new_exp.
 */
static unsigned int set_timers(struct nfpost_mc_state *st, const u8 *src,
			       u16 nsrc, size_t alen, u64 known_exp,
			       u64 new_exp)
{
	struct nfpost_mc_addr a;
	unsigned int r = 0;
	u16 i;
	int j;

	for (i = 0; i < nsrc; i++) {
		addr_of(src, alen, i, &a);
		j = find(st->src, st->n, &a);
		if (j >= 0) {
			if (known_exp != ~0ULL)
				st->src[j].exp = known_exp;
			continue;
		}
		if (st->n == NFPOST_MC_MAX_SRCS) {
			r |= NFPOST_MC_R_FULL;
			continue;
		}
		st->src[st->n].addr = a;
		st->src[st->n++].exp = new_exp;
		r |= NFPOST_MC_R_CHANGED;
	}
	return r;
}

/*
 * Q(G,S): S is the sources with a running timer that are (not) in the
 * record; they are listed in st->q for the query.
 */
static unsigned int lower(struct nfpost_mc_state *st, const u8 *src, u16 nsrc,
			  size_t alen, bool in, const struct nfpost_mc_times *t)
{
	u64 lm = t->now + t->lmqt;
	unsigned int r = 0;
	u16 i;

	for (i = 0; i < st->n; i++) {
		struct nfpost_mc_src *s = &st->src[i];

		if (!running(s, t->now) ||
		    in_rec(src, nsrc, alen, &s->addr) != in)
			continue;
		r = NFPOST_MC_R_QUERY_GS;
		if (st->nq < NFPOST_MC_MAX_SRCS)
			st->q[st->nq++] = s->addr;
		if (s->exp > lm)
			s->exp = lm;
	}
	return r;
}

static unsigned int to_exclude(struct nfpost_mc_state *st, const u8 *src,
			       u16 nsrc, size_t alen,
			       const struct nfpost_mc_times *t)
{
	unsigned int r = NFPOST_MC_R_CHANGED;

	/* A*B keep their timers, B-A join Y, A-B go. */
	r |= prune(st, src, nsrc, alen, true);
	r |= set_timers(st, src, nsrc, alen, ~0ULL, 0);
	st->mode = NFPOST_MC_EXCLUDE;
	st->gexp = t->now + t->gmi;
	return r;
}

static unsigned int apply_include(struct nfpost_mc_state *st, u8 type,
				  const u8 *src, u16 nsrc, size_t alen,
				  const struct nfpost_mc_times *t)
{
	u64 gmi = t->now + t->gmi;
	unsigned int r;

	switch (type) {
	case NFPOST_MC_IS_IN:
	case NFPOST_MC_ALLOW:
		return set_timers(st, src, nsrc, alen, gmi, gmi);
	case NFPOST_MC_IS_EX:
		return to_exclude(st, src, nsrc, alen, t);
	case NFPOST_MC_BLOCK:
		return lower(st, src, nsrc, alen, true, t);
	case NFPOST_MC_TO_EX:
		r = lower(st, src, nsrc, alen, true, t);
		return r | to_exclude(st, src, nsrc, alen, t);
	case NFPOST_MC_TO_IN:
		r = lower(st, src, nsrc, alen, false, t);
		return r | set_timers(st, src, nsrc, alen, gmi, gmi);
	}
	return 0;
}

static unsigned int apply_exclude(struct nfpost_mc_state *st, u8 type,
				  const u8 *src, u16 nsrc, size_t alen,
				  const struct nfpost_mc_times *t)
{
	u64 gmi = t->now + t->gmi, lm = t->now + t->lmqt;
	unsigned int r;

	switch (type) {
	case NFPOST_MC_IS_IN:
	case NFPOST_MC_ALLOW:
		return set_timers(st, src, nsrc, alen, gmi, gmi);
	case NFPOST_MC_IS_EX:
		r = prune(st, src, nsrc, alen, true);
		r |= set_timers(st, src, nsrc, alen, ~0ULL, gmi);
		st->gexp = gmi;
		return r;
	case NFPOST_MC_BLOCK:
		r = set_timers(st, src, nsrc, alen, ~0ULL, st->gexp);
		return r | lower(st, src, nsrc, alen, true, t);
	case NFPOST_MC_TO_EX:
		r = prune(st, src, nsrc, alen, true);
		r |= set_timers(st, src, nsrc, alen, ~0ULL, st->gexp);
		r |= lower(st, src, nsrc, alen, true, t);
		st->gexp = gmi;
		return r;
	case NFPOST_MC_TO_IN:
		r = lower(st, src, nsrc, alen, false, t);
		r |= set_timers(st, src, nsrc, alen, gmi, gmi);
		if (st->gexp > lm)
			st->gexp = lm;
		return r | NFPOST_MC_R_QUERY_G;
	}
	return 0;
}

static bool any_running(const struct nfpost_mc_state *st, u64 now)
{
	u16 i;

	for (i = 0; i < st->n; i++)
		if (running(&st->src[i], now))
			return true;
	return false;
}

unsigned int nfpost_mc_apply(struct nfpost_mc_state *st, u8 type,
			     const u8 *src, u16 nsrc, size_t alen,
			     const struct nfpost_mc_times *t)
{
	unsigned int r;

	st->nq = 0;
	if (st->mode == NFPOST_MC_EXCLUDE)
		r = apply_exclude(st, type, src, nsrc, alen, t);
	else
		r = apply_include(st, type, src, nsrc, alen, t);
	if (st->mode == NFPOST_MC_INCLUDE && !any_running(st, t->now))
		r |= NFPOST_MC_R_EMPTY;
	return r;
}

unsigned int nfpost_mc_expire(struct nfpost_mc_state *st, u64 now)
{
	unsigned int r = 0;
	u16 i = 0;

	if (st->mode == NFPOST_MC_EXCLUDE && st->gexp <= now) {
		st->mode = NFPOST_MC_INCLUDE;
		r = NFPOST_MC_R_CHANGED;
	}
	if (st->mode == NFPOST_MC_INCLUDE) {
		while (i < st->n) {
			if (running(&st->src[i], now)) {
				i++;
				continue;
			}
			st->src[i] = st->src[--st->n];
			r = NFPOST_MC_R_CHANGED;
		}
		if (!st->n)
			r |= NFPOST_MC_R_EMPTY;
	}
	return r;
}

bool nfpost_mc_forwards(u8 mode, u64 gexp, const struct nfpost_mc_src *src,
			u16 n, const struct nfpost_mc_addr *s, u64 now)
{
	int i = find(src, n, s);

	if (mode == NFPOST_MC_EXCLUDE && gexp > now)
		return i < 0 || running(&src[i], now);
	return i >= 0 && running(&src[i], now);
}

u64 nfpost_mc_next_expiry(const struct nfpost_mc_state *st, u64 now)
{
	u64 next = 0;
	u16 i;

	if (st->mode == NFPOST_MC_EXCLUDE && st->gexp > now)
		next = st->gexp;
	for (i = 0; i < st->n; i++)
		if (running(&st->src[i], now) && (!next || st->src[i].exp < next))
			next = st->src[i].exp;
	return next;
}
