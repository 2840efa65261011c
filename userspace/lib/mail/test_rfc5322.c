// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for rfc5322.c: every header case is fed whole and then one
 * byte at a time, and both must give the same fields, status and rest; then
 * the limits, the callback, a table of dates, and dates written and read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "rfc5322.h"
#include "test_table.h"

/* The fields seen, as "name=value|" each ("name=value~|" if truncated). */
struct seen {
	char buf[512];
	size_t n;
	unsigned int lines[8];
	int stop_at;		/* fail this field (from 1); 0: none */
};

static int collect(void *ctx, const struct rfc5322_field *f)
{
	struct seen *s = ctx;
	unsigned int k = 0;

	while (k < 8 && s->lines[k])
		k++;
	if (k < 8)
		s->lines[k] = f->line;
	s->n += snprintf(s->buf + s->n, sizeof(s->buf) - s->n, "%s=%.*s%s|",
			 f->name, (int)f->value_len, f->value,
			 f->truncated ? "~" : "");
	return s->stop_at && (int)k + 1 == s->stop_at ? -1 : 0;
}

struct result {
	enum rfc5322_status status;
	size_t consumed;
	unsigned int line;
	const char *err;
};

/* Feeds @in in pieces of @piece bytes, then finishes if still MORE. */
static void run(struct rfc5322 *p, struct seen *s, const char *in, size_t len,
		size_t piece, struct result *res)
{
	enum rfc5322_status st = RFC5322_MORE;
	size_t off = 0, n, used;

	rfc5322_init(p, collect, s);
	while (off < len && st == RFC5322_MORE) {
		n = piece && piece < len - off ? piece : len - off;
		used = rfc5322_feed(p, in + off, n, &st);
		assert_true(used <= n);
		if (st == RFC5322_MORE)
			assert_int_equal(used, n);
		off += used;
	}
	if (st == RFC5322_MORE)
		st = rfc5322_finish(p);
	*res = (struct result){ st, off, p->line, p->err };
}

static const struct header_case {
	const char *name;
	const char *in;
	const char *fields;
	enum rfc5322_status status;
	const char *rest;	/* input not consumed */
	unsigned int line;	/* of the error */
} header_cases[] = {
#define DONE(n, i, f, r) \
	.name = n, .in = i, .fields = f, .status = RFC5322_DONE, .rest = r
#define ERROR(n, i, f, r, l) \
	.name = n, .in = i, .fields = f, .status = RFC5322_ERROR, .rest = r, \
	.line = l
	{ DONE("lf_lines_and_body", "From: a\nTo: b\n\nbody\n",
	  "From=a|To=b|", "body\n") },
	{ DONE("crlf_lines_and_body", "From: a\r\nTo: b\r\n\r\nbody\r\n",
	  "From=a|To=b|", "body\r\n") },
	{ DONE("mixed_lf_and_crlf", "A: 1\r\nB: 2\n\r\nx", "A=1|B=2|", "x") },
	{ DONE("folding_keeps_the_white_space",
	  "Subject: a\r\n b\r\n\tc\r\n\r\n", "Subject=a b\tc|", "") },
	{ DONE("value_trimmed_at_both_ends", "Subject:   x y \t\n\n",
	  "Subject=x y|", "") },
	{ DONE("empty_value", "X-Empty:\nY:\t\n\n", "X-Empty=|Y=|", "") },
	{ DONE("value_starting_on_continuation", "Received:\n\tfrom a\n\n",
	  "Received=from a|", "") },
	{ DONE("white_space_before_colon_obsolete", "Subject \t: x\n\n",
	  "Subject=x|", "") },
	{ DONE("colon_in_value", "A: b:c: d\n\n", "A=b:c: d|", "") },
	{ DONE("utf8_value_kept", "Subject: caf\xc3\xa9\n\n",
	  "Subject=caf\xc3\xa9|", "") },
	{ DONE("bare_cr_inside_value_kept", "A: x\ry\n\n", "A=x\ry|", "") },
	{ DONE("name_case_kept", "CONTENT-type: x\n\n", "CONTENT-type=x|",
	  "") },
	{ DONE("body_starting_with_white_space_is_body", "A: 1\n\n b\n",
	  "A=1|", " b\n") },
	{ DONE("no_body_last_line_unterminated", "From: a\nTo: b",
	  "From=a|To=b|", "") },
	{ DONE("no_body_last_line_terminated", "From: a\r\n", "From=a|", "") },
	{ DONE("no_body_last_line_ends_in_cr", "From: a\r", "From=a|", "") },
	{ DONE("empty_input", "", "", "") },
	{ DONE("only_the_empty_line", "\r\nbody", "", "body") },
	{ ERROR("line_without_colon", "From: a\nSubject\n\n", "From=a|",
	  "\n\n", 2) },
	{ ERROR("mbox_from_line", "From a@b Tue Mar 14 09:15:42 2023\nA: 1\n\n",
	  "", "a@b Tue Mar 14 09:15:42 2023\nA: 1\n\n", 1) },
	{ ERROR("continuation_before_any_field", " x: 1\n\n", "",
	  " x: 1\n\n", 1) },
	{ ERROR("empty_field_name", "A: 1\n: x\n\n", "", ": x\n\n", 2) },
	{ ERROR("control_character_in_name", "A\x01: x\n\n", "",
	  "\x01: x\n\n", 1) },
	{ ERROR("cr_not_followed_by_lf_in_name", "A\rB: x\n\n", "",
	  "B: x\n\n", 1) },
	{ ERROR("lone_cr_line", "A: 1\n\rB: x\n\n", "", "B: x\n\n", 2) },
	{ ERROR("input_ends_inside_a_name", "A: 1\nSubj", "A=1|", "", 2) },
};

static void check(const struct header_case *c, const struct seen *s,
		  const struct result *r)
{
	size_t len = strlen(c->in);

	assert_string_equal(s->buf, c->fields);
	assert_int_equal(r->status, c->status);
	assert_string_equal(c->in + r->consumed, c->rest);
	assert_int_equal(len - r->consumed, strlen(c->rest));
	if (c->status == RFC5322_ERROR) {
		assert_int_equal(r->line, c->line);
		assert_non_null(r->err);
	}
}

static void run_header(void **state)
{
	const struct header_case *c = *state;
	struct rfc5322 *p = malloc(sizeof(*p));
	struct seen whole = { 0 }, bytes = { 0 };
	struct result r;

	run(p, &whole, c->in, strlen(c->in), 0, &r);
	check(c, &whole, &r);
	run(p, &bytes, c->in, strlen(c->in), 1, &r);
	check(c, &bytes, &r);
	free(p);
}

static void field_lines_are_where_fields_start(void **state)
{
	static const char in[] = "A: 1\n 2\n 3\nB: x\r\nC:\n\tz\n\n";
	struct rfc5322 *p = malloc(sizeof(*p));
	struct seen s = { 0 };
	struct result r;

	(void)state;
	run(p, &s, in, sizeof(in) - 1, 1, &r);
	assert_int_equal(r.status, RFC5322_DONE);
	assert_int_equal(s.lines[0], 1);
	assert_int_equal(s.lines[1], 4);
	assert_int_equal(s.lines[2], 5);
	assert_int_equal(p->fields, 3);
	free(p);
}

struct longest {
	size_t len;
	bool truncated;
	unsigned int fields;
};

static int measure(void *ctx, const struct rfc5322_field *f)
{
	struct longest *l = ctx;

	if (f->value_len > l->len) {
		l->len = f->value_len;
		l->truncated = f->truncated;
	}
	assert_int_equal(f->value[f->value_len], '\0');
	l->fields++;
	return 0;
}

/* Bytes past RFC5322_VALUE_MAX are dropped, and the field says so. */
static void long_value_is_truncated_not_an_error(void **state)
{
	size_t len = RFC5322_VALUE_MAX + 100;
	char *in = malloc(len + 11);
	struct rfc5322 *p = malloc(sizeof(*p));
	struct longest l = { 0 };
	enum rfc5322_status st;

	(void)state;
	memcpy(in, "To: ", 4);
	memset(in + 4, 'x', len);
	memcpy(in + 4 + len, "\nB: 1\n\n", 7);
	rfc5322_init(p, measure, &l);
	assert_int_equal(rfc5322_feed(p, in, len + 11, &st), len + 11);
	assert_int_equal(st, RFC5322_DONE);
	assert_int_equal(l.fields, 2);
	assert_int_equal(l.len, RFC5322_VALUE_MAX);
	assert_true(l.truncated);
	free(in);
	free(p);
}

static void value_of_exactly_max_is_whole(void **state)
{
	size_t len = RFC5322_VALUE_MAX;
	char *in = malloc(len + 4);
	struct rfc5322 *p = malloc(sizeof(*p));
	struct longest l = { 0 };
	enum rfc5322_status st;

	(void)state;
	memcpy(in, "T:", 2);
	memset(in + 2, 'y', len);
	memcpy(in + 2 + len, "\n\n", 2);
	rfc5322_init(p, measure, &l);
	assert_int_equal(rfc5322_feed(p, in, len + 4, &st), len + 4);
	assert_int_equal(st, RFC5322_DONE);
	assert_int_equal(l.len, RFC5322_VALUE_MAX);
	assert_false(l.truncated);
	free(in);
	free(p);
}

static void name_over_max_is_an_error(void **state)
{
	char in[RFC5322_NAME_MAX + 8];
	struct rfc5322 *p = malloc(sizeof(*p));
	struct seen s = { 0 };
	struct result r;

	(void)state;
	memset(in, 'N', RFC5322_NAME_MAX + 1);
	memcpy(in + RFC5322_NAME_MAX + 1, ": x\n\n", 5);
	run(p, &s, in, RFC5322_NAME_MAX + 6, 0, &r);
	assert_int_equal(r.status, RFC5322_ERROR);
	assert_int_equal(r.consumed, RFC5322_NAME_MAX);
	memset(in, 'N', RFC5322_NAME_MAX);
	memcpy(in + RFC5322_NAME_MAX, ": x\n\n", 5);
	run(p, &s, in, RFC5322_NAME_MAX + 5, 0, &r);
	assert_int_equal(r.status, RFC5322_DONE);
	free(p);
}

static void callback_stops_the_parser(void **state)
{
	static const char in[] = "A: 1\nB: 2\nC: 3\n\n";
	struct rfc5322 *p = malloc(sizeof(*p));
	struct seen s = { .stop_at = 2 };
	enum rfc5322_status st;
	size_t used;

	(void)state;
	rfc5322_init(p, collect, &s);
	used = rfc5322_feed(p, in, sizeof(in) - 1, &st);
	assert_int_equal(st, RFC5322_ERROR);
	assert_int_equal(p->cb_ret, -1);
	assert_string_equal(s.buf, "A=1|B=2|");
	assert_string_equal(in + used, "C: 3\n\n");
	assert_int_equal(rfc5322_feed(p, in + used, 1, &st), 0);
	assert_int_equal(st, RFC5322_ERROR);
	assert_int_equal(rfc5322_finish(p), RFC5322_ERROR);
	free(p);
}

static void nothing_consumed_after_done(void **state)
{
	struct rfc5322 *p = malloc(sizeof(*p));
	enum rfc5322_status st;

	(void)state;
	rfc5322_init(p, NULL, NULL);
	assert_int_equal(rfc5322_feed(p, "A: 1\n\nB: 2\n", 11, &st), 6);
	assert_int_equal(st, RFC5322_DONE);
	assert_int_equal(rfc5322_feed(p, "B: 2\n", 5, &st), 0);
	assert_int_equal(st, RFC5322_DONE);
	assert_int_equal(rfc5322_finish(p), RFC5322_DONE);
	assert_int_equal(p->fields, 1);
	free(p);
}

/* 2023-03-14T09:15:42Z */
#define T 1678785342LL

static const struct date_case {
	const char *name;
	const char *in;
	int ret;
	long long t;
} date_cases[] = {
#define GOOD(n, i, when) .name = n, .in = i, .t = when
#define BAD(n, i) .name = n, .in = i, .ret = -EINVAL
	{ GOOD("date_positive_offset", "Tue, 14 Mar 2023 10:15:42 +0100", T) },
	{ GOOD("date_utc_offset", "Tue, 14 Mar 2023 09:15:42 +0000", T) },
	{ GOOD("date_minus_0000", "Tue, 14 Mar 2023 09:15:42 -0000", T) },
	{ GOOD("date_negative_offset_and_comment",
	  "Tue, 14 Mar 2023 02:15:42 -0700 (PDT)", T) },
	{ GOOD("date_half_hour_offset", "Tue, 14 Mar 2023 09:15:42 +0530",
	  T - 19800) },
	{ GOOD("date_without_day_of_week", "14 Mar 2023 09:15:42 +0000", T) },
	{ GOOD("date_day_of_week_without_comma",
	  "Tue 14 Mar 2023 09:15:42 +0000", T) },
	{ GOOD("date_comma_without_space", "Tue,14 Mar 2023 09:15:42 +0000",
	  T) },
	{ GOOD("date_wrong_day_of_week_not_checked",
	  "Fri, 14 Mar 2023 09:15:42 +0000", T) },
	{ GOOD("date_without_seconds", "Tue, 14 Mar 2023 09:15 +0000",
	  T - 42) },
	{ GOOD("date_one_digit_hour_and_day", "4 Mar 2023 9:15:42 +0000",
	  T - 10 * 86400) },
	{ GOOD("date_zone_gmt", "Tue, 14 Mar 2023 09:15:42 GMT", T) },
	{ GOOD("date_zone_ut", "Tue, 14 Mar 2023 09:15:42 UT", T) },
	{ GOOD("date_zone_utc_lower_case", "tue, 14 mar 2023 09:15:42 utc",
	  T) },
	{ GOOD("date_zone_est", "Tue, 14 Mar 2023 04:15:42 EST", T) },
	{ GOOD("date_zone_edt", "Tue, 14 Mar 2023 05:15:42 EDT", T) },
	{ GOOD("date_zone_cst", "Tue, 14 Mar 2023 03:15:42 CST", T) },
	{ GOOD("date_zone_mdt", "Tue, 14 Mar 2023 03:15:42 MDT", T) },
	{ GOOD("date_zone_pst", "Tue, 14 Mar 2023 01:15:42 PST", T) },
	{ GOOD("date_zone_pdt", "Tue, 14 Mar 2023 02:15:42 PDT", T) },
	{ GOOD("date_military_zone_is_minus_0000",
	  "Tue, 14 Mar 2023 09:15:42 A", T) },
	{ GOOD("date_military_zone_z", "Tue, 14 Mar 2023 09:15:42 Z", T) },
	{ GOOD("date_two_digit_year_below_50", "14 Mar 23 09:15:42 +0000", T) },
	{ GOOD("date_two_digit_year_from_50", "1 Jan 50 00:00:00 +0000",
	  -631152000) },
	{ GOOD("date_two_digit_year_49", "1 Jan 49 00:00:00 +0000",
	  2493072000) },
	{ GOOD("date_three_digit_year", "14 Mar 123 09:15:42 +0000", T) },
	{ GOOD("date_folded_with_comments",
	  " (c) Tue, 14 Mar 2023\r\n\t09:15:42 +0000 (UTC (nested)) ", T) },
	{ GOOD("date_leap_day", "Thu, 29 Feb 2024 23:59:59 +0000",
	  1709251199) },
	{ GOOD("date_leap_second", "31 Dec 1998 23:59:60 +0000", 915148800) },
	{ BAD("bad_date_empty", "") },
	{ BAD("bad_date_feb_30", "30 Feb 2024 00:00:00 +0000") },
	{ BAD("bad_date_feb_29_not_leap", "29 Feb 2023 00:00:00 +0000") },
	{ BAD("bad_date_day_0", "0 Mar 2023 00:00:00 +0000") },
	{ BAD("bad_date_hour_24", "14 Mar 2023 24:00:00 +0000") },
	{ BAD("bad_date_minute_60", "14 Mar 2023 09:60:00 +0000") },
	{ BAD("bad_date_second_61", "14 Mar 2023 09:15:61 +0000") },
	{ BAD("bad_date_month_name", "14 Mrz 2023 09:15:42 +0000") },
	{ BAD("bad_date_day_name", "Tus, 14 Mar 2023 09:15:42 +0000") },
	{ BAD("bad_date_unknown_zone_name", "14 Mar 2023 09:15:42 CEST") },
	{ BAD("bad_date_military_j", "14 Mar 2023 09:15:42 J") },
	{ BAD("bad_date_no_zone", "14 Mar 2023 09:15:42") },
	{ BAD("bad_date_five_digit_offset", "14 Mar 2023 09:15:42 +01000") },
	{ BAD("bad_date_offset_minutes_60", "14 Mar 2023 09:15:42 +0160") },
	{ BAD("bad_date_trailing_words", "14 Mar 2023 09:15:42 +0000 now") },
	{ BAD("bad_date_unclosed_comment", "14 Mar 2023 09:15:42 +0000 (CET") },
	{ BAD("bad_date_year_1899", "14 Mar 1899 09:15:42 +0000") },
	{ BAD("bad_date_five_digit_year", "14 Mar 20230 09:15:42 +0000") },
	{ BAD("bad_date_day_glued_to_month", "14Mar 2023 09:15:42 +0000") },
	{ BAD("bad_date_asctime_form", "Tue Mar 14 09:15:42 2023") },
	{ BAD("bad_date_iso_8601", "2023-03-14T09:15:42Z") },
};

static void run_date(void **state)
{
	const struct date_case *c = *state;
	size_t len = strlen(c->in);
	char *copy = malloc(len ? len : 1);
	time_t t = 12345;

	memcpy(copy, c->in, len);	/* no NUL: the length is the end */
	assert_int_equal(rfc5322_date(copy, len, &t), c->ret);
	if (!c->ret)
		assert_int_equal((long long)t, c->t);
	else
		assert_int_equal(t, 12345);
	free(copy);
}

static const struct format_case {
	const char *name;
	const char *tz;			/* POSIX TZ */
	long long t;
	const char *out;
} format_cases[] = {
	{ "format_utc", "UTC0", T, "Tue, 14 Mar 2023 09:15:42 +0000" },
	{ "format_east_of_utc", "CET-1", T, "Tue, 14 Mar 2023 10:15:42 +0100" },
	{ "format_west_of_utc", "PDT7", T, "Tue, 14 Mar 2023 02:15:42 -0700" },
	{ "format_half_hour_offset", "IST-5:30", T,
	  "Tue, 14 Mar 2023 14:45:42 +0530" },
	{ "format_day_changes_with_zone", "NZST-12", T - 36000,
	  "Tue, 14 Mar 2023 11:15:42 +1200" },
	{ "format_one_digit_day_is_two", "UTC0", T - 10 * 86400,
	  "Sat, 04 Mar 2023 09:15:42 +0000" },
	{ "format_epoch", "UTC0", 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
	{ "format_leap_day", "UTC0", 1709251199,
	  "Thu, 29 Feb 2024 23:59:59 +0000" },
};

/* What the formatter writes, the parser reads back to the same second. */
static void run_format(void **state)
{
	const struct format_case *c = *state;
	char buf[RFC5322_DATE_LEN];
	time_t back = 0;

	setenv("TZ", c->tz, 1);
	tzset();
	assert_ptr_equal(rfc5322_format_date(buf, sizeof(buf), (time_t)c->t),
			 buf);
	assert_string_equal(buf, c->out);
	assert_int_equal(rfc5322_date(buf, strlen(buf), &back), 0);
	assert_int_equal((long long)back, c->t);
}

/* English names whatever LC_TIME says (strftime's %a and %b would not). */
static void format_ignores_the_locale(void **state)
{
	char buf[RFC5322_DATE_LEN];

	(void)state;
	setlocale(LC_TIME, "fr_FR.UTF-8");	/* if installed: else "C" */
	setenv("TZ", "UTC0", 1);
	tzset();
	rfc5322_format_date(buf, sizeof(buf), T);
	setlocale(LC_TIME, "C");
	assert_string_equal(buf, "Tue, 14 Mar 2023 09:15:42 +0000");
}

static void header_ends_after_its_empty_line_or_not_yet(void **state)
{
	(void)state;
	assert_int_equal(rfc5322_header_end("A: b\r\n\r\nbody", 13), 8);
	assert_int_equal(rfc5322_header_end("A: b\n\nbody", 10), 6);
	assert_int_equal(rfc5322_header_end("A: b\r\n\r\n", 8), 8);
	assert_int_equal(rfc5322_header_end("\r\nbody", 6), 2);
	assert_int_equal(rfc5322_header_end("\nbody", 5), 1);
	/* Not yet: the empty line may be in the next read. */
	assert_int_equal(rfc5322_header_end("A: b\r\n\r", 7), 0);
	assert_int_equal(rfc5322_header_end("A: b\r\nC: d\r\n", 12), 0);
	assert_int_equal(rfc5322_header_end("", 0), 0);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(header_cases) +
			       ARRAY_SIZE(date_cases) +
			       ARRAY_SIZE(format_cases) + 8] = {
		cmocka_unit_test(field_lines_are_where_fields_start),
		cmocka_unit_test(long_value_is_truncated_not_an_error),
		cmocka_unit_test(value_of_exactly_max_is_whole),
		cmocka_unit_test(name_over_max_is_an_error),
		cmocka_unit_test(callback_stops_the_parser),
		cmocka_unit_test(nothing_consumed_after_done),
		cmocka_unit_test(format_ignores_the_locale),
		cmocka_unit_test(header_ends_after_its_empty_line_or_not_yet),
	};
	size_t n = 8;

	TEST_TABLE(tests, n, header_cases, run_header);
	TEST_TABLE(tests, n, date_cases, run_date);
	TEST_TABLE(tests, n, format_cases, run_format);
	return cmocka_run_group_tests_name("rfc5322", tests, NULL, NULL);
}
