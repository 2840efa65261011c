// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for smtp_reply.c: each case is fed whole, one byte at a time
 * and in two pieces split at every position, and must come out the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtp_reply.h"
#include "test_table.h"

#define BYTES(s)	s, sizeof(s) - 1
#define ALL		((size_t)-1)

#define TLS		SMTP_REPLY_EXT_STARTTLS
#define EIGHT		SMTP_REPLY_EXT_8BITMIME
#define UTF8		SMTP_REPLY_EXT_SMTPUTF8
#define PIPE		SMTP_REPLY_EXT_PIPELINING

static const struct reply_case {
	const char *name;
	const char *in;
	size_t in_len;
	enum smtp_reply_status status;
	size_t consumed;	/* ALL: the whole input */
	int code;		/* when DONE */
	const char *text;
	unsigned int ext;
	int lines;
} reply_cases[] = {
	{ "reply_one_line", BYTES("250 OK\r\n"), SMTP_REPLY_DONE, ALL, 250,
	  "250 OK", 0, 1 },
	{ "reply_code_alone", BYTES("354\r\n"), SMTP_REPLY_DONE, ALL, 354,
	  "354", 0, 1 },
	{ "reply_bare_lf_ends_a_line_too", BYTES("221 bye\n"), SMTP_REPLY_DONE,
	  ALL, 221, "221 bye", 0, 1 },
	{ "reply_multiline_ends_at_space",
	  BYTES("250-mx.example\r\n250-SIZE 100\r\n250 HELP\r\n"),
	  SMTP_REPLY_DONE, ALL, 250, "250 HELP", 0, 3 },
	{ "reply_ehlo_keywords_found_any_case",
	  BYTES("250-mx.example hi\r\n250-starttls\r\n250-8BITMIME\r\n"
		"250-SMTPUTF8\r\n250 PIPELINING\r\n"), SMTP_REPLY_DONE, ALL,
	  250, "250 PIPELINING", TLS | EIGHT | UTF8 | PIPE, 5 },
	{ "reply_dsn_keyword_found",
	  BYTES("250-mx.example\r\n250-dsn\r\n250 DSNX\r\n"),
	  SMTP_REPLY_DONE, ALL, 250, "250 DSNX", SMTP_REPLY_EXT_DSN, 3 },
	{ "reply_keyword_must_be_whole",
	  BYTES("250-mx\r\n250-STARTTLSX\r\n250 8BITMIMEY z\r\n"),
	  SMTP_REPLY_DONE, ALL, 250, "250 8BITMIMEY z", 0, 3 },
	{ "reply_first_line_is_no_keyword", BYTES("250 STARTTLS\r\n"),
	  SMTP_REPLY_DONE, ALL, 250, "250 STARTTLS", 0, 1 },
	{ "reply_keyword_with_argument", BYTES("250-mx\r\n250 STARTTLS x\r\n"),
	  SMTP_REPLY_DONE, ALL, 250, "250 STARTTLS x", TLS, 2 },
	{ "reply_stops_right_after_its_end",
	  BYTES("220 go ahead\r\n250 smuggled\r\n"), SMTP_REPLY_DONE, 14, 220,
	  "220 go ahead", 0, 1 },
	{ "reply_unfinished_line_is_more", BYTES("250 O"), SMTP_REPLY_MORE,
	  ALL, 0, "", 0, 0 },
	{ "reply_continued_is_more", BYTES("250-a\r\n"), SMTP_REPLY_MORE, ALL,
	  0, "", 0, 0 },
	{ "reply_nothing_is_more", BYTES(""), SMTP_REPLY_MORE, ALL, 0, "", 0,
	  0 },
	{ "reply_control_and_8bit_shown_as_question_marks",
	  BYTES("550 a\x01" "b\xc3\xa9\r\n"), SMTP_REPLY_DONE, ALL, 550,
	  "550 a?b??", 0, 1 },
	{ "reply_bare_cr_inside_is_text", BYTES("550 a\rb\r\n"),
	  SMTP_REPLY_DONE, ALL, 550, "550 a?b", 0, 1 },
	{ "reply_bad_separator", BYTES("250_OK\r\n"), SMTP_REPLY_BAD, ALL, 0,
	  "", 0, 0 },
	{ "reply_bad_short_line", BYTES("25\r\n"), SMTP_REPLY_BAD, ALL, 0, "",
	  0, 0 },
	{ "reply_bad_letters", BYTES("abc ok\r\n"), SMTP_REPLY_BAD, ALL, 0,
	  "", 0, 0 },
	{ "reply_bad_first_digit", BYTES("650 no\r\n"), SMTP_REPLY_BAD, ALL,
	  0, "", 0, 0 },
	{ "reply_bad_second_digit", BYTES("260 no\r\n"), SMTP_REPLY_BAD, ALL,
	  0, "", 0, 0 },
	{ "reply_bad_code_change_in_multiline",
	  BYTES("250-a\r\n550 b\r\n"), SMTP_REPLY_BAD, ALL, 0, "", 0, 0 },
	{ "reply_bad_empty_line", BYTES("\r\n"), SMTP_REPLY_BAD, ALL, 0, "",
	  0, 0 },
};

static void expect_case(const struct reply_case *c, size_t consumed,
			enum smtp_reply_status status,
			const struct smtp_reply *r)
{
	assert_int_equal(status, c->status);
	assert_int_equal(consumed, c->consumed == ALL ? c->in_len :
				   c->consumed);
	if (status != SMTP_REPLY_DONE)
		return;
	assert_int_equal(r->code, c->code);
	assert_string_equal(r->text, c->text);
	assert_int_equal(r->ext, c->ext);
	assert_int_equal(r->lines, c->lines);
}

/* Feeds @c in pieces: the first of @split bytes, then of @step (0: rest). */
static void feed_case(const struct reply_case *c, size_t split, size_t step)
{
	enum smtp_reply_status status = SMTP_REPLY_MORE;
	struct smtp_reply r;
	size_t used = 0, piece;

	smtp_reply_init(&r);
	while (used < c->in_len && status == SMTP_REPLY_MORE) {
		piece = used < split ? split - used :
			step ? step : c->in_len - used;
		if (piece > c->in_len - used)
			piece = c->in_len - used;
		used += smtp_reply_feed(&r, c->in + used, piece, &status);
	}
	expect_case(c, used, status, &r);
}

static void test_reply(void **state)
{
	const struct reply_case *c = *state;
	size_t split;

	feed_case(c, 0, 0);
	feed_case(c, 0, 1);
	for (split = 1; split < c->in_len; split++)
		feed_case(c, split, 0);
}

/* Two replies back to back: the second starts clean. */
static void test_reply_after_reply_starts_clean(void **state)
{
	static const char in[] = "250-mx\r\n250 STARTTLS\r\n421 bye\r\n";
	enum smtp_reply_status status;
	struct smtp_reply r;
	size_t used;

	(void)state;
	smtp_reply_init(&r);
	used = smtp_reply_feed(&r, in, sizeof(in) - 1, &status);
	assert_int_equal(status, SMTP_REPLY_DONE);
	assert_int_equal(r.ext, TLS);
	used += smtp_reply_feed(&r, in + used, sizeof(in) - 1 - used, &status);
	assert_int_equal(status, SMTP_REPLY_DONE);
	assert_int_equal(used, sizeof(in) - 1);
	assert_int_equal(r.code, 421);
	assert_int_equal(r.ext, 0);
	assert_int_equal(r.lines, 1);
	assert_string_equal(r.text, "421 bye");
}

/* A line far over the limit is cut in the text, and still read whole. */
static void test_reply_long_line_is_cut(void **state)
{
	enum smtp_reply_status status;
	struct smtp_reply r;
	size_t n = 5000, used;
	char *in = malloc(n + 2);

	(void)state;
	memset(in, 'x', n);
	memcpy(in, "550 ", 4);
	memcpy(in + n, "\r\n", 2);
	smtp_reply_init(&r);
	used = smtp_reply_feed(&r, in, n + 2, &status);
	assert_int_equal(status, SMTP_REPLY_DONE);
	assert_int_equal(used, n + 2);
	assert_int_equal(strlen(r.text), SMTP_REPLY_LINE_MAX - 1);
	assert_int_equal(r.code, 550);
	free(in);
}

/* Endless continuation lines are refused, and the refusal sticks. */
static void test_reply_too_many_lines_is_bad(void **state)
{
	enum smtp_reply_status status = SMTP_REPLY_MORE;
	struct smtp_reply r;
	int i;

	(void)state;
	smtp_reply_init(&r);
	for (i = 0; i <= SMTP_REPLY_LINES_MAX && status == SMTP_REPLY_MORE;
	     i++)
		smtp_reply_feed(&r, "250-x\r\n", 7, &status);
	assert_int_equal(status, SMTP_REPLY_BAD);
	assert_int_equal(i, SMTP_REPLY_LINES_MAX + 1);
	assert_int_equal(smtp_reply_feed(&r, "250 x\r\n", 7, &status), 0);
	assert_int_equal(status, SMTP_REPLY_BAD);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(reply_cases) + 3] = {
		cmocka_unit_test(test_reply_after_reply_starts_clean),
		cmocka_unit_test(test_reply_long_line_is_cut),
		cmocka_unit_test(test_reply_too_many_lines_is_bad),
	};
	size_t n = 3;

	TEST_TABLE(tests, n, reply_cases, test_reply);
	return cmocka_run_group_tests_name("smtp_reply", tests, NULL, NULL);
}
