// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for smtp_data.c: each case is fed whole, one byte at a time and
 * in two pieces split at every position, and must come out the same.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtp_data.h"
#include "test_expand.h"
#include "test_table.h"

/* A literal with its length, for inputs that hold NUL bytes. */
#define BYTES(s)	s, sizeof(s) - 1
#define ALL		((size_t)-1)

#define TOO_LONG	SMTP_DATA_E_LINE_TOO_LONG
#define TOO_BIG		SMTP_DATA_E_TOO_BIG
#define EIGHT_BIT	SMTP_DATA_E_8BIT
#define NUL		SMTP_DATA_E_NUL

static char *expand(const char *s, size_t len, size_t *len_r)
{
	return test_expand(s, len, len_r);
}

static const struct data_case {
	const char *name;
	const char *in;
	size_t in_len;
	uint64_t max_size;
	const char *out;	/* what is passed out, concatenated */
	size_t out_len;
	enum smtp_data_status status;
	size_t consumed;	/* ALL: the whole input */
	unsigned int flags;
	uint64_t size;		/* 0: the length of @out */
} data_cases[] = {
	{ "data_message_ends_at_crlf_dot_crlf",
	  BYTES("Subject: x\r\n\r\nhello\r\n.\r\n"), 0,
	  BYTES("Subject: x\r\n\r\nhello\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_dot_at_the_very_start_is_an_empty_message", BYTES(".\r\n"), 0,
	  BYTES(""), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_empty_line_then_end", BYTES("\r\n.\r\n"), 0, BYTES("\r\n"),
	  SMTP_DATA_END, ALL, 0, 0 },
	{ "data_dot_stuffing_removed", BYTES("..x\r\n.\r\n"), 0,
	  BYTES(".x\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_stuffed_lone_dot_kept_as_dot", BYTES("a\r\n..\r\n.\r\n"), 0,
	  BYTES("a\r\n.\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_unstuffed_leading_dot_dropped", BYTES(".x\r\n.\r\n"), 0,
	  BYTES("x\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_dot_space_line_is_not_the_end", BYTES("a\r\n. \r\n.\r\n"), 0,
	  BYTES("a\r\n \r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_dots_inside_a_line_kept", BYTES("a.b\r\na..\r\n.\r\n"), 0,
	  BYTES("a.b\r\na..\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_stops_right_after_the_end",
	  BYTES("a\r\n.\r\nQUIT\r\n"), 0, BYTES("a\r\n"), SMTP_DATA_END, 6,
	  0, 0 },
	{ "data_no_end_yet_is_more", BYTES("a\r\n.\r"), 0, BYTES("a\r\n"),
	  SMTP_DATA_MORE, ALL, 0, 0 },
	{ "data_crlf_dot_without_cr_lf_is_more", BYTES("a\r\n."), 0,
	  BYTES("a\r\n"), SMTP_DATA_MORE, ALL, 0, 0 },
	{ "data_cr_held_back_until_its_lf", BYTES("a\r"), 0, BYTES("a"),
	  SMTP_DATA_MORE, ALL, 0, 0 },
	{ "data_nothing_is_more", BYTES(""), 0, BYTES(""), SMTP_DATA_MORE, ALL,
	  0, 0 },
	{ "data_bare_lf_in_text_stops_before_it", BYTES("a\nb\r\n.\r\n"), 0,
	  BYTES("a"), SMTP_DATA_BAD_EOL, 1, 0, 0 },
	{ "data_bare_lf_as_first_byte", BYTES("\n.\r\n"), 0, BYTES(""),
	  SMTP_DATA_BAD_EOL, 0, 0, 0 },
	{ "data_bare_lf_on_its_own_line", BYTES("a\r\n\n.\r\n"), 0,
	  BYTES("a\r\n"), SMTP_DATA_BAD_EOL, 3, 0, 0 },
	{ "data_bare_cr_in_text_stops_after_it", BYTES("a\rb\r\n.\r\n"), 0,
	  BYTES("a"), SMTP_DATA_BAD_EOL, 2, 0, 0 },
	{ "data_cr_cr_lf_is_a_bare_cr", BYTES("a\r\r\n.\r\n"), 0, BYTES("a"),
	  SMTP_DATA_BAD_EOL, 2, 0, 0 },
	{ "data_smuggled_lf_dot_lf_is_bad_not_end",
	  BYTES("hi\n.\nMAIL FROM:<x@evil.example>\r\n"), 0, BYTES("hi"),
	  SMTP_DATA_BAD_EOL, 2, 0, 0 },
	{ "data_smuggled_crlf_dot_lf_is_bad_not_end",
	  BYTES("hi\r\n.\nMAIL FROM:<x@evil.example>\r\n"), 0,
	  BYTES("hi\r\n"), SMTP_DATA_BAD_EOL, 5, 0, 0 },
	{ "data_smuggled_lf_dot_crlf_is_bad_not_end", BYTES("hi\n.\r\nRSET"),
	  0, BYTES("hi"), SMTP_DATA_BAD_EOL, 2, 0, 0 },
	{ "data_smuggled_cr_dot_cr_is_bad_not_end", BYTES("hi\r.\r\nRSET"), 0,
	  BYTES("hi"), SMTP_DATA_BAD_EOL, 3, 0, 0 },
	{ "data_smuggled_crlf_dot_cr_is_bad_not_end",
	  BYTES("hi\r\n.\rRSET\r\n"), 0, BYTES("hi\r\n"), SMTP_DATA_BAD_EOL,
	  6, 0, 0 },
	{ "data_line_of_1000_octets_fits", BYTES("{x*998}\r\n.\r\n"), 0,
	  BYTES("{x*998}\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_line_of_1001_octets_flagged", BYTES("{x*999}\r\n.\r\n"), 0,
	  BYTES("{x*999}\r\n"), SMTP_DATA_END, ALL, TOO_LONG, 0 },
	{ "data_stuffing_dot_not_counted_in_line",
	  BYTES("..{x*997}\r\n.\r\n"), 0, BYTES(".{x*997}\r\n"),
	  SMTP_DATA_END, ALL, 0, 0 },
	{ "data_long_line_flag_stays", BYTES("{x*2000}\r\nshort\r\n.\r\n"), 0,
	  BYTES("{x*2000}\r\nshort\r\n"), SMTP_DATA_END, ALL, TOO_LONG, 0 },
	{ "data_size_exactly_max_passes", BYTES("hello\r\n.\r\n"), 7,
	  BYTES("hello\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "data_over_max_cut_but_consumed_to_the_end",
	  BYTES("hello world\r\n.\r\nQUIT\r\n"), 5, BYTES("hello"),
	  SMTP_DATA_END, 16, TOO_BIG, 13 },
	{ "data_over_max_still_stops_at_bare_lf", BYTES("hello\nworld"), 2,
	  BYTES("he"), SMTP_DATA_BAD_EOL, 5, TOO_BIG, 5 },
	{ "data_big_message_counted_past_max",
	  BYTES("{x*3000}\r\n{y*3000}\r\n.\r\n"), 1000, BYTES("{x*1000}"),
	  SMTP_DATA_END, ALL, TOO_BIG | TOO_LONG, 6004 },
	{ "data_8bit_flagged", BYTES("caf\xc3\xa9\r\n.\r\n"), 0,
	  BYTES("caf\xc3\xa9\r\n"), SMTP_DATA_END, ALL, EIGHT_BIT, 0 },
	{ "data_nul_flagged_and_passed", BYTES("a\0b\r\n.\r\n"), 0,
	  BYTES("a\0b\r\n"), SMTP_DATA_END, ALL, NUL, 0 },
	{ "data_8bit_after_bad_eol_not_seen", BYTES("a\n\xff"), 0, BYTES("a"),
	  SMTP_DATA_BAD_EOL, 1, 0, 0 },
};

/*
 * BDAT chunks, closed by smtp_data_chunks_end(): the octets as they are,
 * checked as DATA checks them.
 */
static const struct data_case bdat_cases[] = {
	{ "bdat_dots_are_text_and_no_end_line", BYTES(".x\r\n.\r\nb\r\n"), 0,
	  BYTES(".x\r\n.\r\nb\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "bdat_last_line_gets_its_crlf", BYTES("a\r\nb"), 0,
	  BYTES("a\r\nb\r\n"), SMTP_DATA_END, ALL, 0, 0 },
	{ "bdat_empty_message", BYTES(""), 0, BYTES(""), SMTP_DATA_END, ALL, 0,
	  0 },
	{ "bdat_bare_lf_is_bad", BYTES("hi\nthere\r\n"), 0, BYTES("hi"),
	  SMTP_DATA_BAD_EOL, 2, 0, 0 },
	{ "bdat_smuggled_cr_dot_cr_is_bad",
	  BYTES("hello\r.\r\nMAIL FROM:<x@evil>\r\n"), 0, BYTES("hello"),
	  SMTP_DATA_BAD_EOL, 6, 0, 0 },
	{ "bdat_bare_cr_at_the_very_end_is_bad", BYTES("a\r\nb\r"), 0,
	  BYTES("a\r\nb"), SMTP_DATA_BAD_EOL, ALL, 0, 0 },
	{ "bdat_nul_flagged", BYTES("a\0b\r\n"), 0, BYTES("a\0b\r\n"),
	  SMTP_DATA_END, ALL, NUL, 0 },
	{ "bdat_8bit_flagged", BYTES("caf\xc3\xa9\r\n"), 0,
	  BYTES("caf\xc3\xa9\r\n"), SMTP_DATA_END, ALL, EIGHT_BIT, 0 },
	{ "bdat_line_of_1001_octets_flagged", BYTES("{x*999}\r\n"), 0,
	  BYTES("{x*999}\r\n"), SMTP_DATA_END, ALL, TOO_LONG, 0 },
	{ "bdat_added_crlf_counts_in_the_line", BYTES("{x*999}"), 0,
	  BYTES("{x*999}\r\n"), SMTP_DATA_END, ALL, TOO_LONG, 0 },
	{ "bdat_over_max_cut", BYTES("hello world\r\n"), 5, BYTES("hello"),
	  SMTP_DATA_END, ALL, TOO_BIG, 13 },
};

struct result {
	char *out;
	size_t out_len;
	enum smtp_data_status status;
	size_t consumed;
	unsigned int flags;
	uint64_t size;
};

static void collect(void *ctx, const char *p, size_t n)
{
	struct result *r = ctx;

	assert_true(n > 0);
	r->out = realloc(r->out, r->out_len + n);
	assert_non_null(r->out);
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
}

/* Feeds @in as a first piece of @split bytes, then pieces of @step (0: all). */
static void feed(const struct data_case *c, bool bdat, const char *in,
		 size_t n, size_t split, size_t step, struct result *r)
{
	struct smtp_data d;
	size_t piece, used;

	memset(r, 0, sizeof(*r));
	r->status = SMTP_DATA_MORE;
	if (bdat)
		smtp_data_init_chunked(&d, c->max_size, collect, r);
	else
		smtp_data_init(&d, c->max_size, collect, r);
	while (r->consumed < n && r->status == SMTP_DATA_MORE) {
		piece = r->consumed < split ? split - r->consumed :
			step ? step : n - r->consumed;
		if (piece > n - r->consumed)
			piece = n - r->consumed;
		used = smtp_data_feed(&d, in + r->consumed, piece, &r->status);
		assert_true(used <= piece);
		if (r->status == SMTP_DATA_MORE)
			assert_int_equal(used, piece);
		r->consumed += used;
	}
	if (bdat && r->status == SMTP_DATA_MORE)
		r->status = smtp_data_chunks_end(&d);
	r->flags = d.flags;
	r->size = d.size;
}

static void check(const struct data_case *c, const struct result *r,
		  const char *want, size_t want_len, size_t n, const char *how)
{
	size_t consumed = c->consumed == ALL ? n : c->consumed;

	if (r->status != c->status || r->consumed != consumed ||
	    r->flags != c->flags || r->size != (c->size ? c->size : want_len))
		fail_msg("%s: status %d consumed %zu flags %#x size %llu", how,
			 r->status, r->consumed, r->flags,
			 (unsigned long long)r->size);
	if (r->out_len != want_len ||
	    (want_len && memcmp(r->out, want, want_len)))
		fail_msg("%s: passed out %zu bytes, want %zu", how, r->out_len,
			 want_len);
}

static void run(const struct data_case *c, bool bdat)
{
	size_t n, want_len, k;
	char *in = expand(c->in, c->in_len, &n);
	char *want = expand(c->out, c->out_len, &want_len);
	struct result r;

	feed(c, bdat, in, n, 0, 0, &r);
	check(c, &r, want, want_len, n, "whole");
	free(r.out);
	feed(c, bdat, in, n, 0, 1, &r);
	check(c, &r, want, want_len, n, "byte by byte");
	free(r.out);
	for (k = 1; k < n; k++) {
		feed(c, bdat, in, n, k, 0, &r);
		check(c, &r, want, want_len, n, "split");
		free(r.out);
	}
	free(in);
	free(want);
}

static void run_data(void **state)
{
	run(*state, false);
}

static void run_bdat(void **state)
{
	run(*state, true);
}

static void data_end_is_sticky(void **state)
{
	enum smtp_data_status st;
	struct smtp_data d;

	(void)state;
	smtp_data_init(&d, 0, NULL, NULL);
	assert_int_equal(smtp_data_feed(&d, ".\r\n", 3, &st), 3);
	assert_int_equal(st, SMTP_DATA_END);
	assert_int_equal(smtp_data_feed(&d, "more\r\n", 6, &st), 0);
	assert_int_equal(st, SMTP_DATA_END);
}

static void data_bad_eol_is_sticky(void **state)
{
	enum smtp_data_status st;
	struct smtp_data d;

	(void)state;
	smtp_data_init(&d, 0, NULL, NULL);
	assert_int_equal(smtp_data_feed(&d, "a\n", 2, &st), 1);
	assert_int_equal(st, SMTP_DATA_BAD_EOL);
	assert_int_equal(smtp_data_feed(&d, ".\r\n", 3, &st), 0);
	assert_int_equal(st, SMTP_DATA_BAD_EOL);
}

/*
 * A CR that ends one read and a non-LF that starts the next: the CR was
 * consumed, the next read is refused from its first byte.
 */
static void data_cr_ending_a_chunk_then_non_lf(void **state)
{
	enum smtp_data_status st;
	struct smtp_data d;

	(void)state;
	smtp_data_init(&d, 0, NULL, NULL);
	assert_int_equal(smtp_data_feed(&d, "a\r", 2, &st), 2);
	assert_int_equal(st, SMTP_DATA_MORE);
	assert_int_equal(smtp_data_feed(&d, ".\r\n", 3, &st), 0);
	assert_int_equal(st, SMTP_DATA_BAD_EOL);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(data_cases) +
				ARRAY_SIZE(bdat_cases) + 3] = {
		cmocka_unit_test(data_end_is_sticky),
		cmocka_unit_test(data_bad_eol_is_sticky),
		cmocka_unit_test(data_cr_ending_a_chunk_then_non_lf),
	};
	size_t n = 3;

	TEST_TABLE(tests, n, data_cases, run_data);
	TEST_TABLE(tests, n, bdat_cases, run_bdat);
	return cmocka_run_group_tests_name("smtp_data", tests, NULL, NULL);
}
