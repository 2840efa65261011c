// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the traceroute, flood and sweep trackers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "track.h"

#define SEC	NFPOST_NSEC_PER_SEC
#define MS	1000000ULL

struct trace_case {
	const char *name;
	u8 ttls[16];		/* 0 ends */
	u32 probes;
	int reports_at;		/* index of the probe that reports, -1 none */
};

static const struct trace_case trace_cases[] = {
	{ "three rising TTLs report", { 1, 2, 3 }, 3, 2 },
	{ "repeats per hop are ignored", { 1, 1, 1, 2, 2, 2, 3 }, 3, 6 },
	{ "two rising TTLs are not enough", { 1, 2, 2, 2 }, 3, -1 },
	{ "lower TTL restarts the run", { 1, 2, 1, 2, 3 }, 3, 4 },
	{ "gaps in TTL still rise", { 2, 5, 9 }, 3, 2 },
	{ "constant TTL never reports", { 7, 7, 7, 7, 7 }, 2, -1 },
};

static void trace_cases_report_as_expected(void **state)
{
	size_t i;
	int j;

	(void)state;
	for (i = 0; i < sizeof(trace_cases) / sizeof(trace_cases[0]); i++) {
		const struct trace_case *c = &trace_cases[i];
		struct nfpost_trace t = { 0 };
		int got = -1;

		for (j = 0; c->ttls[j]; j++)
			if (nfpost_trace_step(&t, c->ttls[j], SEC + j * MS,
					      c->probes) && got < 0)
				got = j;
		if (got != c->reports_at)
			fail_msg("%s: reported at %d, want %d", c->name, got,
				 c->reports_at);
	}
}

static void trace_reports_once_per_run(void **state)
{
	struct nfpost_trace t = { 0 };
	int ttl, reports = 0;

	(void)state;
	for (ttl = 1; ttl <= 30; ttl++)
		reports += nfpost_trace_step(&t, (u8)ttl, SEC + ttl * MS, 3);
	assert_int_equal(reports, 1);
	assert_int_equal(t.count, 30);
}

static void trace_restart_reports_again(void **state)
{
	struct nfpost_trace t = { 0 };
	int ttl, reports = 0;

	(void)state;
	for (ttl = 1; ttl <= 5; ttl++)
		reports += nfpost_trace_step(&t, (u8)ttl, SEC + ttl * MS, 3);
	for (ttl = 1; ttl <= 5; ttl++)
		reports += nfpost_trace_step(&t, (u8)ttl, 2 * SEC + ttl * MS, 3);
	assert_int_equal(reports, 2);
}

static void trace_idle_run_starts_over(void **state)
{
	struct nfpost_trace t = { 0 };

	(void)state;
	assert_false(nfpost_trace_step(&t, 1, SEC, 3));
	assert_false(nfpost_trace_step(&t, 2, 2 * SEC, 3));
	assert_false(nfpost_trace_step(&t, 3, 2 * SEC + NFPOST_TRACE_IDLE_NS + 1,
				       3));
	assert_int_equal(t.count, 1);
}

static void rate_below_limit_is_quiet(void **state)
{
	struct nfpost_rate r = { 0 };
	int i, reports = 0;

	(void)state;
	for (i = 0; i < 240; i++)	/* 80 pps for three seconds */
		reports += !!nfpost_rate_hit(&r, SEC + i * 12500 * 1000ULL, 100);
	assert_int_equal(reports, 0);
}

static void rate_above_limit_reports_once_per_second(void **state)
{
	struct nfpost_rate r = { 0 };
	u32 rate, last = 0;
	int i, reports = 0;

	(void)state;
	for (i = 0; i < 3000; i++) {	/* 1000 pps for three seconds */
		rate = nfpost_rate_hit(&r, SEC + i * MS, 100);
		if (rate) {
			reports++;
			last = rate;
		}
	}
	assert_in_range(reports, 3, 3);
	assert_in_range(last, 900, 1100);
}

static void rate_first_report_comes_at_limit(void **state)
{
	struct nfpost_rate r = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		assert_int_equal(nfpost_rate_hit(&r, SEC + i, 10), 0);
	assert_int_equal(nfpost_rate_hit(&r, SEC + 10, 10), 11);
}

static void rate_stale_window_is_forgotten(void **state)
{
	struct nfpost_rate r = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		nfpost_rate_hit(&r, SEC + i, 100);
	assert_int_equal(nfpost_rate_hit(&r, 10 * SEC, 100), 0);
	assert_int_equal(r.prev, 0);
	assert_int_equal(r.cur, 1);
}

static void sweep_reports_at_host_count(void **state)
{
	struct nfpost_sweep s = { 0 };
	int i;

	(void)state;
	for (i = 1; i < 4; i++)
		assert_false(nfpost_sweep_hit(&s, htonl(i), SEC + i, SEC, 4));
	assert_true(nfpost_sweep_hit(&s, htonl(4), SEC + 4, SEC, 4));
	assert_false(nfpost_sweep_hit(&s, htonl(5), SEC + 5, SEC, 4));
}

static void sweep_repeated_host_counts_once(void **state)
{
	struct nfpost_sweep s = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 50; i++)
		assert_false(nfpost_sweep_hit(&s, htonl(1 + i % 3), SEC + i,
					      SEC, 4));
	assert_int_equal(s.n, 3);
}

static void sweep_window_expiry_resets(void **state)
{
	struct nfpost_sweep s = { 0 };

	(void)state;
	assert_false(nfpost_sweep_hit(&s, htonl(1), SEC, SEC, 3));
	assert_false(nfpost_sweep_hit(&s, htonl(2), SEC + 1, SEC, 3));
	assert_false(nfpost_sweep_hit(&s, htonl(3), 3 * SEC, SEC, 3));
	assert_int_equal(s.n, 1);
	assert_false(nfpost_sweep_hit(&s, htonl(4), 3 * SEC + 1, SEC, 3));
	assert_true(nfpost_sweep_hit(&s, htonl(5), 3 * SEC + 2, SEC, 3));
}

static void sweep_reports_again_next_window(void **state)
{
	struct nfpost_sweep s = { 0 };
	int i, reports = 0;

	(void)state;
	for (i = 0; i < 40; i++)
		reports += nfpost_sweep_hit(&s, htonl(i), SEC + i * 100 * MS,
					    SEC, 3);
	assert_true(reports >= 3);
}

static void sweep_host_list_is_bounded(void **state)
{
	struct nfpost_sweep s = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		nfpost_sweep_hit(&s, htonl(i), SEC + i, SEC, 256);
	assert_int_equal(s.n, NFPOST_SWEEP_MAX_HOSTS);
	assert_true(s.reported);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace_cases_report_as_expected),
		cmocka_unit_test(trace_reports_once_per_run),
		cmocka_unit_test(trace_restart_reports_again),
		cmocka_unit_test(trace_idle_run_starts_over),
		cmocka_unit_test(rate_below_limit_is_quiet),
		cmocka_unit_test(rate_above_limit_reports_once_per_second),
		cmocka_unit_test(rate_first_report_comes_at_limit),
		cmocka_unit_test(rate_stale_window_is_forgotten),
		cmocka_unit_test(sweep_reports_at_host_count),
		cmocka_unit_test(sweep_repeated_host_counts_once),
		cmocka_unit_test(sweep_window_expiry_resets),
		cmocka_unit_test(sweep_reports_again_next_window),
		cmocka_unit_test(sweep_host_list_is_bounded),
	};

	return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}
