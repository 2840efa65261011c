// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the link-layer address history and its classification. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lladdr.h"

#define SEC	1000000000ULL
#define WINDOW	(3600 * SEC)

static const u8 A[ETH_ALEN] = { 2, 0, 0, 0, 0, 0xa };
static const u8 B[ETH_ALEN] = { 2, 0, 0, 0, 0, 0xb };
static const u8 C[ETH_ALEN] = { 2, 0, 0, 0, 0, 0xc };
static const u8 D[ETH_ALEN] = { 2, 0, 0, 0, 0, 0xd };
static const u8 E[ETH_ALEN] = { 2, 0, 0, 0, 0, 0xe };

struct step {
	const u8 *addr;
	u64 at;
	enum nfpost_lladdr_verdict want;
};

struct scenario {
	const char *name;
	struct step steps[8];
};

static const struct scenario scenarios[] = {
	{ "first address is new", {
		{ A, 1 * SEC, NFPOST_LL_NEW } } },
	{ "same address is same", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ A, 2 * SEC, NFPOST_LL_SAME } } },
	{ "unseen address is changed", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ B, 2 * SEC, NFPOST_LL_CHANGED } } },
	{ "back to previous within window is flip flop", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ B, 2 * SEC, NFPOST_LL_CHANGED },
		{ A, 3 * SEC, NFPOST_LL_FLIP_FLOP },
		{ B, 4 * SEC, NFPOST_LL_FLIP_FLOP } } },
	{ "back to previous after window is reused", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ B, 2 * SEC, NFPOST_LL_CHANGED },
		{ A, 1 * SEC + WINDOW + 1, NFPOST_LL_REUSED } } },
	{ "window counts from previous last seen", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ A, 1000 * SEC, NFPOST_LL_SAME },
		{ B, 1001 * SEC, NFPOST_LL_CHANGED },
		{ A, 1000 * SEC + WINDOW, NFPOST_LL_FLIP_FLOP } } },
	{ "older address is reused", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ B, 2 * SEC, NFPOST_LL_CHANGED },
		{ C, 3 * SEC, NFPOST_LL_CHANGED },
		{ A, 4 * SEC, NFPOST_LL_REUSED } } },
	{ "address pushed out of history is changed again", {
		{ A, 1 * SEC, NFPOST_LL_NEW },
		{ B, 2 * SEC, NFPOST_LL_CHANGED },
		{ C, 3 * SEC, NFPOST_LL_CHANGED },
		{ D, 4 * SEC, NFPOST_LL_CHANGED },
		{ E, 5 * SEC, NFPOST_LL_CHANGED },
		{ A, 6 * SEC, NFPOST_LL_CHANGED } } },
};

static void runs_scenarios(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct nfpost_lladdr_hist h = { 0 };
		const struct step *s = scenarios[i].steps;

		for (j = 0; j < 8 && s[j].addr; j++) {
			enum nfpost_lladdr_verdict v;

			v = nfpost_lladdr_classify(&h, s[j].addr, s[j].at,
						   WINDOW);
			if (v != s[j].want)
				fail_msg("%s: step %zu: got %d want %d",
					 scenarios[i].name, j, v, s[j].want);
			nfpost_lladdr_record(&h, s[j].addr, s[j].at);
		}
	}
}

static void record_moves_address_to_front(void **state)
{
	struct nfpost_lladdr_hist h = { 0 };

	(void)state;
	nfpost_lladdr_record(&h, A, 1);
	nfpost_lladdr_record(&h, B, 2);
	nfpost_lladdr_record(&h, C, 3);
	nfpost_lladdr_record(&h, A, 4);
	assert_int_equal(h.n, 3);
	assert_memory_equal(h.slot[0].addr, A, ETH_ALEN);
	assert_memory_equal(h.slot[1].addr, C, ETH_ALEN);
	assert_memory_equal(h.slot[2].addr, B, ETH_ALEN);
	assert_int_equal(h.slot[0].last_seen, 4);
	assert_int_equal(h.slot[1].last_seen, 3);
}

static void history_is_bounded(void **state)
{
	struct nfpost_lladdr_hist h = { 0 };
	u8 addr[ETH_ALEN] = { 2, 0, 0, 0, 0, 0 };
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		addr[5] = (u8)i;
		nfpost_lladdr_record(&h, addr, (u64)i);
	}
	assert_int_equal(h.n, NFPOST_LLADDR_HIST);
	assert_int_equal(h.slot[0].addr[5], 99);
	assert_int_equal(h.slot[NFPOST_LLADDR_HIST - 1].addr[5],
			 100 - NFPOST_LLADDR_HIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_scenarios),
		cmocka_unit_test(record_moves_address_to_front),
		cmocka_unit_test(history_is_bounded),
	};

	return cmocka_run_group_tests_name("lladdr", tests, NULL, NULL);
}
