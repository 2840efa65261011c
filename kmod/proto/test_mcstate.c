// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the IGMPv3/MLDv2 filter state: one case per row of the RFC
 * 3376 6.4 tables, then timer expiry and the forwarding rule of 6.3.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mcstate.h"

#define NOW	1000
#define GMI	260
#define LMQT	2
#define IN	NFPOST_MC_INCLUDE
#define EX	NFPOST_MC_EXCLUDE

/* Source 10.0.0.id; t: its timer from NOW, 0 stopped. id 0 ends a list. */
struct src_spec {
	u8 id;
	u64 t;
};

struct mc_case {
	const char *name;
	u8 mode;
	u64 gt;
	struct src_spec src[6];
	u8 type;
	u8 rec[6];
	u8 want_mode;
	u64 want_gt;		/* checked in EXCLUDE mode only */
	struct src_spec want[6];
	unsigned int want_flags;	/* these bits must be set */
};

static const struct mc_case cases[] = {
	{ "INCLUDE(A) IS_IN(B): INCLUDE(A+B), (B)=GMI",
	  IN, 0, { { 1, 100 } }, NFPOST_MC_IS_IN, { 2 },
	  IN, 0, { { 1, 100 }, { 2, GMI } }, 0 },
	{ "INCLUDE(A) IS_EX(B): EXCLUDE(A*B,B-A), (B-A)=0, Delete(A-B), GT=GMI",
	  IN, 0, { { 1, 100 }, { 2, 100 } }, NFPOST_MC_IS_EX, { 2, 3 },
	  EX, GMI, { { 2, 100 }, { 3, 0 } }, NFPOST_MC_R_CHANGED },
	{ "EXCLUDE(X,Y) IS_IN(A): EXCLUDE(X+A,Y-A), (A)=GMI",
	  EX, 100, { { 1, 100 }, { 2, 0 } }, NFPOST_MC_IS_IN, { 2, 3 },
	  EX, 100, { { 1, 100 }, { 2, GMI }, { 3, GMI } }, 0 },
	{ "EXCLUDE(X,Y) IS_EX(A): EXCLUDE(A-Y,Y*A), (A-X-Y)=GMI, Delete(X-A,Y-A)",
	  EX, 100, { { 1, 100 }, { 2, 0 }, { 4, 0 } }, NFPOST_MC_IS_EX, { 2, 3 },
	  EX, GMI, { { 2, 0 }, { 3, GMI } }, NFPOST_MC_R_CHANGED },
	{ "INCLUDE(A) ALLOW(B): INCLUDE(A+B), (B)=GMI",
	  IN, 0, { { 1, 100 } }, NFPOST_MC_ALLOW, { 2 },
	  IN, 0, { { 1, 100 }, { 2, GMI } }, 0 },
	{ "INCLUDE(A) BLOCK(B): INCLUDE(A), Q(G,A*B)",
	  IN, 0, { { 1, 100 }, { 2, 100 } }, NFPOST_MC_BLOCK, { 2, 3 },
	  IN, 0, { { 1, 100 }, { 2, LMQT } }, NFPOST_MC_R_QUERY_GS },
	{ "INCLUDE(A) TO_EX(B): EXCLUDE(A*B,B-A), Q(G,A*B), GT=GMI",
	  IN, 0, { { 1, 100 }, { 2, 100 } }, NFPOST_MC_TO_EX, { 2, 3 },
	  EX, GMI, { { 2, LMQT }, { 3, 0 } }, NFPOST_MC_R_QUERY_GS },
	{ "INCLUDE(A) TO_IN(B): INCLUDE(A+B), (B)=GMI, Q(G,A-B)",
	  IN, 0, { { 1, 100 }, { 2, 100 } }, NFPOST_MC_TO_IN, { 2, 3 },
	  IN, 0, { { 1, LMQT }, { 2, GMI }, { 3, GMI } }, NFPOST_MC_R_QUERY_GS },
	{ "EXCLUDE(X,Y) ALLOW(A): EXCLUDE(X+A,Y-A), (A)=GMI",
	  EX, 100, { { 1, 100 }, { 2, 0 } }, NFPOST_MC_ALLOW, { 2, 3 },
	  EX, 100, { { 1, 100 }, { 2, GMI }, { 3, GMI } }, 0 },
	{ "EXCLUDE(X,Y) BLOCK(A): EXCLUDE(X+(A-Y),Y), (A-X-Y)=GT, Q(G,A-Y)",
	  EX, 100, { { 1, 100 }, { 2, 0 } }, NFPOST_MC_BLOCK, { 1, 2, 3 },
	  EX, 100, { { 1, LMQT }, { 2, 0 }, { 3, LMQT } }, NFPOST_MC_R_QUERY_GS },
	{ "EXCLUDE(X,Y) TO_EX(A): EXCLUDE(A-Y,Y*A), Delete(X-A,Y-A), Q(G,A-Y), GT=GMI",
	  EX, 100, { { 1, 100 }, { 2, 0 }, { 4, 0 } }, NFPOST_MC_TO_EX, { 2, 3 },
	  EX, GMI, { { 2, 0 }, { 3, LMQT } }, NFPOST_MC_R_QUERY_GS },
	{ "EXCLUDE(X,Y) TO_IN(A): EXCLUDE(X+A,Y-A), (A)=GMI, Q(G,X-A), Q(G)",
	  EX, 100, { { 1, 100 }, { 4, 100 }, { 2, 0 } }, NFPOST_MC_TO_IN, { 1, 2 },
	  EX, LMQT, { { 1, GMI }, { 2, GMI }, { 4, LMQT } },
	  NFPOST_MC_R_QUERY_G | NFPOST_MC_R_QUERY_GS },
	{ "v2 report (IS_EX {}) on nothing: EXCLUDE({},{}), GT=GMI",
	  IN, 0, { { 0 } }, NFPOST_MC_IS_EX, { 0 },
	  EX, GMI, { { 0 } }, NFPOST_MC_R_CHANGED },
	{ "v2 leave (TO_IN {}): GT lowered to LMQT, Q(G)",
	  EX, GMI, { { 0 } }, NFPOST_MC_TO_IN, { 0 },
	  EX, LMQT, { { 0 } }, NFPOST_MC_R_QUERY_G },
	{ "BLOCK on nothing leaves nothing",
	  IN, 0, { { 0 } }, NFPOST_MC_BLOCK, { 1 },
	  IN, 0, { { 0 } }, NFPOST_MC_R_EMPTY },
	{ "an unknown record type changes nothing",
	  IN, 0, { { 1, 100 } }, 9, { 1 },
	  IN, 0, { { 1, 100 } }, 0 },
};

static void addr(u8 id, struct nfpost_mc_addr *a)
{
	u8 v4[4] = { 10, 0, 0, id };

	nfpost_mc_addr_v4(a, v4);
}

static void load(struct nfpost_mc_state *st, u8 mode, u64 gt,
		 const struct src_spec *s)
{
	memset(st, 0, sizeof(*st));
	st->mode = mode;
	st->gexp = gt ? NOW + gt : 0;
	for (; s->id; s++, st->n++) {
		addr(s->id, &st->src[st->n].addr);
		st->src[st->n].exp = s->t ? NOW + s->t : 0;
	}
}

static void check_sources(const struct mc_case *c,
			  const struct nfpost_mc_state *st)
{
	const struct src_spec *w;
	struct nfpost_mc_addr a;
	u16 i, n = 0;

	for (w = c->want; w->id; w++, n++) {
		addr(w->id, &a);
		for (i = 0; i < st->n; i++)
			if (nfpost_mc_addr_eq(&a, &st->src[i].addr))
				break;
		if (i == st->n)
			fail_msg("%s: source %u missing", c->name, w->id);
		if (st->src[i].exp != (w->t ? NOW + w->t : 0))
			fail_msg("%s: source %u timer %lld, want %llu", c->name,
				 w->id, (long long)(st->src[i].exp - NOW),
				 (unsigned long long)w->t);
	}
	if (n != st->n)
		fail_msg("%s: %u sources, want %u", c->name, st->n, n);
}

static void each_rfc_3376_row(void **state)
{
	const struct nfpost_mc_times t = { NOW, GMI, LMQT };
	struct nfpost_mc_state st;
	unsigned int r;
	u8 rec[4 * 6];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mc_case *c = &cases[i];

		load(&st, c->mode, c->gt, c->src);
		for (n = 0; c->rec[n]; n++) {
			rec[n * 4] = 10;
			rec[n * 4 + 1] = 0;
			rec[n * 4 + 2] = 0;
			rec[n * 4 + 3] = c->rec[n];
		}
		r = nfpost_mc_apply(&st, c->type, rec, (u16)n, 4, &t);
		if ((r & c->want_flags) != c->want_flags)
			fail_msg("%s: flags %#x, want %#x", c->name, r,
				 c->want_flags);
		if (st.mode != c->want_mode)
			fail_msg("%s: mode %u", c->name, st.mode);
		if (st.mode == EX && st.gexp != NOW + c->want_gt)
			fail_msg("%s: group timer %lld", c->name,
				 (long long)(st.gexp - NOW));
		check_sources(c, &st);
	}
}

static bool fwd(const struct nfpost_mc_state *st, u8 id, u64 now)
{
	struct nfpost_mc_addr a;

	addr(id, &a);
	return nfpost_mc_forwards(st->mode, st->gexp, st->src, st->n, &a, now);
}

static void exclude_forwards_all_but_y(void **state)
{
	static const struct src_spec s[] = { { 1, 100 }, { 2, 0 }, { 0 } };
	struct nfpost_mc_state st;

	(void)state;
	load(&st, EX, 50, s);
	assert_true(fwd(&st, 1, NOW));
	assert_false(fwd(&st, 2, NOW));
	assert_true(fwd(&st, 9, NOW));
	/* group timer out, not yet expired by the caller: INCLUDE(X) */
	assert_true(fwd(&st, 1, NOW + 60));
	assert_false(fwd(&st, 9, NOW + 60));
}

static void include_forwards_only_a(void **state)
{
	static const struct src_spec s[] = { { 1, 100 }, { 0 } };
	struct nfpost_mc_state st;

	(void)state;
	load(&st, IN, 0, s);
	assert_true(fwd(&st, 1, NOW));
	assert_false(fwd(&st, 9, NOW));
	assert_false(fwd(&st, 1, NOW + 100));
}

/* bridge_igmp.sh v3exc_timeout_test: EXCLUDE times out to INCLUDE(X). */
static void exclude_times_out_to_include(void **state)
{
	static const struct src_spec s[] = { { 1, 100 }, { 2, 0 }, { 0 } };
	struct nfpost_mc_state st;

	(void)state;
	load(&st, EX, 50, s);
	assert_int_equal(nfpost_mc_next_expiry(&st, NOW), NOW + 50);
	assert_int_equal(nfpost_mc_expire(&st, NOW + 49), 0);
	assert_int_equal(st.mode, EX);
	assert_true(nfpost_mc_expire(&st, NOW + 50) & NFPOST_MC_R_CHANGED);
	assert_int_equal(st.mode, IN);
	assert_int_equal(st.n, 1);
	assert_int_equal(nfpost_mc_next_expiry(&st, NOW + 50), NOW + 100);
	assert_true(nfpost_mc_expire(&st, NOW + 100) & NFPOST_MC_R_EMPTY);
}

static void sources_are_bounded(void **state)
{
	const struct nfpost_mc_times t = { NOW, GMI, LMQT };
	u8 rec[4 * (NFPOST_MC_MAX_SRCS + 1)];
	struct nfpost_mc_state st;
	unsigned int r;
	int i;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (i = 0; i <= NFPOST_MC_MAX_SRCS; i++) {
		rec[i * 4] = 10;
		rec[i * 4 + 1] = 1;
		rec[i * 4 + 2] = 0;
		rec[i * 4 + 3] = (u8)i;
	}
	r = nfpost_mc_apply(&st, NFPOST_MC_ALLOW, rec, NFPOST_MC_MAX_SRCS + 1,
			    4, &t);
	assert_true(r & NFPOST_MC_R_FULL);
	assert_int_equal(st.n, NFPOST_MC_MAX_SRCS);
}

static void ipv6_sources(void **state)
{
	const struct nfpost_mc_times t = { NOW, GMI, LMQT };
	u8 rec[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct nfpost_mc_state st;
	struct nfpost_mc_addr a;

	(void)state;
	memset(&st, 0, sizeof(st));
	nfpost_mc_apply(&st, NFPOST_MC_ALLOW, rec, 1, 16, &t);
	memcpy(a.b, rec, 16);
	assert_true(nfpost_mc_forwards(st.mode, st.gexp, st.src, st.n, &a, NOW));
	a.b[15] = 2;
	assert_false(nfpost_mc_forwards(st.mode, st.gexp, st.src, st.n, &a, NOW));
}

/* The sources whose timers a record lowered are those Q(G,S) must name. */
struct query_case {
	const char *name;
	u8 mode;
	struct src_spec src[4];
	u8 type;
	u8 rec[4];
	u8 want[4];		/* ids in st.q, in order */
};

static const struct query_case qcases[] = {
	{ "INCLUDE(A) BLOCK(B): Q(G,A*B)", IN, { { 1, 100 }, { 2, 100 } },
	  NFPOST_MC_BLOCK, { 2, 3 }, { 2 } },
	{ "EXCLUDE(X,Y) BLOCK(A): Q(G,A-Y)", EX, { { 1, 100 }, { 2, 0 } },
	  NFPOST_MC_BLOCK, { 1, 2, 3 }, { 1, 3 } },
	{ "INCLUDE(A) TO_IN(B): Q(G,A-B)", IN, { { 1, 100 }, { 2, 100 } },
	  NFPOST_MC_TO_IN, { 2, 3 }, { 1 } },
	{ "INCLUDE(A) ALLOW(B): no query", IN, { { 1, 100 } },
	  NFPOST_MC_ALLOW, { 1 }, { 0 } },
};

static void queries_name_their_sources(void **state)
{
	const struct nfpost_mc_times t = { NOW, GMI, LMQT };
	struct nfpost_mc_state st;
	struct nfpost_mc_addr a;
	u8 rec[4 * 4];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(qcases) / sizeof(qcases[0]); i++) {
		const struct query_case *c = &qcases[i];

		load(&st, c->mode, c->mode == EX ? 100 : 0, c->src);
		st.nq = 7;	/* stale: apply must start over */
		for (n = 0; c->rec[n]; n++) {
			rec[n * 4] = 10;
			rec[n * 4 + 1] = 0;
			rec[n * 4 + 2] = 0;
			rec[n * 4 + 3] = c->rec[n];
		}
		nfpost_mc_apply(&st, c->type, rec, (u16)n, 4, &t);
		for (n = 0; c->want[n]; n++) {
			addr(c->want[n], &a);
			if (n >= st.nq || !nfpost_mc_addr_eq(&a, &st.q[n]))
				fail_msg("%s: source %u not queried", c->name,
					 c->want[n]);
		}
		if (n != st.nq)
			fail_msg("%s: %u sources queried, want %zu", c->name,
				 st.nq, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_rfc_3376_row),
		cmocka_unit_test(exclude_forwards_all_but_y),
		cmocka_unit_test(include_forwards_only_a),
		cmocka_unit_test(exclude_times_out_to_include),
		cmocka_unit_test(sources_are_bounded),
		cmocka_unit_test(ipv6_sources),
		cmocka_unit_test(queries_name_their_sources),
	};

	return cmocka_run_group_tests_name("mcstate", tests, NULL, NULL);
}
