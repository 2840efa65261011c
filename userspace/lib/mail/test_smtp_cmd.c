// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for smtp_cmd.c: the line reader fed whole, byte by byte and in
 * two pieces split everywhere, and the command parser from a table.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtp_cmd.h"
#include "test_expand.h"
#include "test_table.h"

/* A literal with its length, for inputs that hold NUL bytes. */
#define BYTES(s)	s, sizeof(s) - 1

static char *expand(const char *s, size_t len, size_t *len_r)
{
	return test_expand(s, len, len_r);
}

/*
 * Line reader cases. @want is the transcript: "OK <line>", "TOO_LONG" or
 * "HAS_NUL" for each line that ended, then "PARTIAL" if a line was begun.
 */
static const struct line_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
} line_cases[] = {
	{ "line_crlf_ends_a_line", BYTES("QUIT\r\n"), "OK QUIT\n" },
	{ "line_bare_lf_ends_a_line", BYTES("QUIT\n"), "OK QUIT\n" },
	{ "line_pipelined_commands_in_one_buffer",
	  BYTES("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
	  "OK MAIL FROM:<a@b>\nOK RCPT TO:<c@d>\nOK DATA\n" },
	{ "line_without_end_waits", BYTES("MAIL FROM"), "PARTIAL\n" },
	{ "line_cr_without_lf_waits", BYTES("NOOP\r"), "PARTIAL\n" },
	{ "line_empty_line_is_a_line", BYTES("\r\n\n"), "OK \nOK \n" },
	{ "line_cr_inside_is_kept", BYTES("NO\rOP\r\n"), "OK NO\rOP\n" },
	{ "line_cr_cr_lf_keeps_first_cr", BYTES("NOOP\r\r\n"), "OK NOOP\r\n" },
	{ "line_510_octets_and_crlf_fit", BYTES("{x*510}\r\nQUIT\r\n"),
	  "OK {x*510}\nOK QUIT\n" },
	{ "line_510_octets_and_lf_fit", BYTES("{x*510}\n"), "OK {x*510}\n" },
	{ "line_511_octets_and_crlf_too_long", BYTES("{x*511}\r\nQUIT\r\n"),
	  "TOO_LONG\nOK QUIT\n" },
	{ "line_511_octets_and_lf_too_long", BYTES("{x*511}\n"),
	  "TOO_LONG\n" },
	{ "line_huge_line_discarded_to_its_end",
	  BYTES("{x*5000}\r\nQUIT\r\n"), "TOO_LONG\nOK QUIT\n" },
	{ "line_long_line_without_end_waits", BYTES("{x*600}"), "PARTIAL\n" },
	{ "line_nul_byte_rejects_the_line", BYTES("NO\0OP\r\nQUIT\r\n"),
	  "HAS_NUL\nOK QUIT\n" },
	{ "line_nul_as_last_byte", BYTES("QUIT\0\n"), "HAS_NUL\n" },
	{ "line_too_long_wins_over_nul", BYTES("\0{x*600}\r\n"),
	  "TOO_LONG\n" },
	{ "line_8bit_bytes_kept", BYTES("EHLO caf\xc3\xa9\r\n"),
	  "OK EHLO caf\xc3\xa9\n" },
};

static const char *const line_status_names[] = {
	[SMTP_LINE_MORE] = "MORE",
	[SMTP_LINE_OK] = "OK",
	[SMTP_LINE_TOO_LONG] = "TOO_LONG",
	[SMTP_LINE_HAS_NUL] = "HAS_NUL",
};

struct transcript {
	char *buf;
	size_t len;
};

static void append(struct transcript *t, const char *s, size_t n)
{
	t->buf = realloc(t->buf, t->len + n + 1);
	assert_non_null(t->buf);
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

/* Feeds @in as a first piece of @split bytes, then pieces of @step (0: all). */
static char *feed_lines(const char *in, size_t n, size_t split, size_t step)
{
	enum smtp_line_status st = SMTP_LINE_MORE;
	struct transcript t = { NULL, 0 };
	struct smtp_line l;
	size_t off = 0, piece, used;
	const char *name;

	smtp_line_init(&l);
	append(&t, "", 0);
	while (off < n) {
		piece = off < split ? split - off : step ? step : n - off;
		piece = piece > n - off ? n - off : piece;
		for (; piece; piece -= used, off += used) {
			used = smtp_line_feed(&l, in + off, piece, &st);
			assert_true(used > 0 && used <= piece);
			if (st == SMTP_LINE_MORE)
				continue;
			name = line_status_names[st];
			append(&t, name, strlen(name));
			if (st == SMTP_LINE_OK) {
				assert_int_equal(strlen(l.buf), l.len);
				append(&t, " ", 1);
				append(&t, l.buf, l.len);
			}
			append(&t, "\n", 1);
		}
	}
	if (st == SMTP_LINE_MORE && (l.len || l.overflow || l.nul))
		append(&t, "PARTIAL\n", 8);
	return t.buf;
}

static void run_line(void **state)
{
	const struct line_case *c = *state;
	char *want = expand(c->want, strlen(c->want), NULL);
	size_t n, k;
	char *in = expand(c->in, c->len, &n);
	char *got;

	got = feed_lines(in, n, 0, 0);
	assert_string_equal(got, want);
	free(got);
	got = feed_lines(in, n, 0, 1);
	assert_string_equal(got, want);
	free(got);
	for (k = 1; k < n; k++) {
		got = feed_lines(in, n, k, 0);
		if (strcmp(got, want))
			fail_msg("split at %zu: got \"%s\"", k, got);
		free(got);
	}
	free(in);
	free(want);
}

static void line_feed_of_nothing_is_more(void **state)
{
	enum smtp_line_status st = SMTP_LINE_OK;
	struct smtp_line l;

	(void)state;
	smtp_line_init(&l);
	assert_int_equal(smtp_line_feed(&l, "", 0, &st), 0);
	assert_int_equal(st, SMTP_LINE_MORE);
}

static void line_stops_right_after_the_line_end(void **state)
{
	static const char in[] = "RSET\r\nQUIT\r\n";
	enum smtp_line_status st;
	struct smtp_line l;

	(void)state;
	smtp_line_init(&l);
	assert_int_equal(smtp_line_feed(&l, in, sizeof(in) - 1, &st), 6);
	assert_int_equal(st, SMTP_LINE_OK);
	assert_string_equal(l.buf, "RSET");
	assert_int_equal(smtp_line_feed(&l, in + 6, 6, &st), 6);
	assert_string_equal(l.buf, "QUIT");
}

/* Lines of @len octets and a CRLF, fed to a DSN reader byte by byte. */
static enum smtp_line_status dsn_line_status(size_t len, size_t *got_r)
{
	enum smtp_line_status st = SMTP_LINE_MORE;
	struct smtp_line l;
	size_t i;

	smtp_line_init_max(&l, SMTP_LINE_MAX_DSN);
	for (i = 0; i < len + 2; i++) {
		char c = i < len ? 'x' : i == len ? '\r' : '\n';

		assert_int_equal(st, SMTP_LINE_MORE);
		assert_int_equal(smtp_line_feed(&l, &c, 1, &st), 1);
	}
	*got_r = l.len;
	return st;
}

static void dsn_reader_takes_rcpt_length_and_no_more(void **state)
{
	size_t got;

	(void)state;
	assert_int_equal(dsn_line_status(SMTP_LINE_MAX_DSN - 2, &got),
			 SMTP_LINE_OK);
	assert_int_equal(got, SMTP_LINE_MAX_DSN - 2);
	assert_int_equal(dsn_line_status(SMTP_LINE_MAX_DSN - 1, &got),
			 SMTP_LINE_TOO_LONG);
	assert_int_equal(got, 0);
}

static void dsn_reader_keeps_its_limit_line_after_line(void **state)
{
	static char in[2 * (SMTP_LINE_MAX_DSN + 2)];
	enum smtp_line_status st;
	struct smtp_line l;
	size_t n = SMTP_LINE_MAX_DSN - 2;

	(void)state;
	memset(in, 'x', sizeof(in));
	memcpy(in + n, "\r\n", 2);
	memcpy(in + 2 * n + 2, "\r\n", 2);
	smtp_line_init_max(&l, SMTP_LINE_MAX_DSN);
	assert_int_equal(smtp_line_feed(&l, in, sizeof(in), &st), n + 2);
	assert_int_equal(st, SMTP_LINE_OK);
	assert_int_equal(smtp_line_feed(&l, in + n + 2, n + 2, &st), n + 2);
	assert_int_equal(st, SMTP_LINE_OK);
	assert_int_equal(l.len, n);
}

static void line_max_per_verb(void **state)
{
	(void)state;
	assert_int_equal(smtp_cmd_line_max(SMTP_RCPT), 1012);
	assert_int_equal(smtp_cmd_line_max(SMTP_MAIL), 612);
	assert_int_equal(smtp_cmd_line_max(SMTP_NOOP), 512);
	assert_int_equal(smtp_cmd_line_max(SMTP_UNKNOWN), 512);
}

/* RFC 3461's longest RCPT: a 256-octet path and 500 octets of ORCPT. */
static void longest_dsn_rcpt_parses(void **state)
{
	char line[SMTP_LINE_MAX_DSN], orcpt[501], local[65], domain[190];
	struct smtp_cmd cmd;
	const char *err;

	(void)state;
	memset(orcpt, 'o', sizeof(orcpt) - 1);
	memcpy(orcpt, "rfc822;", 7);
	orcpt[500] = '\0';
	memset(local, 'l', sizeof(local) - 1);
	local[64] = '\0';
	memset(domain, 'd', sizeof(domain) - 1);
	domain[189] = '\0';
	/* 9 + 64 + 1 + 189 + 1 = 264 for "RCPT TO:<path>", then 744. */
	assert_int_equal(snprintf(line, sizeof(line), "RCPT TO:<%s@%s> "
				  "NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=%s",
				  local, domain, orcpt), 264 + 29 + 7 + 500);
	assert_int_equal(smtp_cmd_parse(line, &cmd, &err), 0);
	assert_int_equal(cmd.nparams, 2);
	assert_string_equal(cmd.params[1].value, orcpt);
}

/* Command cases; @params is "KEY=value KEY" as parsed, in order. */
#define ARG_OK(n, l, v, a) \
	{ .name = n, .line = l, .verb = v, .arg = a }
#define PATH_OK(n, l, v, p, a, pr) \
	{ .name = n, .line = l, .verb = v, .arg = a, .path = p, .params = pr }
#define BDAT_OK(n, l, a, size, last) \
	{ .name = n, .line = l, .verb = SMTP_BDAT, .arg = a, \
	  .bdat_size = size, .bdat_last = last }
#define FAILS(n, l, r, v, e) \
	{ .name = n, .line = l, .ret = r, .verb = v, .err = e }

static const struct cmd_case {
	const char *name;
	const char *line;
	int ret;
	enum smtp_verb verb;
	const char *arg;
	const char *path;	/* NULL: no path expected */
	const char *params;
	uint64_t bdat_size;
	bool bdat_last;
	const char *err;	/* the reason given for a failure */
} cmd_cases[] = {
	PATH_OK("mail_from_with_params",
		"MAIL FROM:<a@b> SIZE=100 BODY=8BITMIME", SMTP_MAIL, "a@b",
		"SIZE=100 BODY=8BITMIME", "SIZE=100 BODY=8BITMIME"),
	PATH_OK("mail_verb_and_from_any_case", "mail From:<a@b>", SMTP_MAIL,
		"a@b", "", ""),
	PATH_OK("mail_from_space_before_bracket", "MAIL FROM: <a@b>",
		SMTP_MAIL, "a@b", "", ""),
	PATH_OK("mail_from_without_brackets", "MAIL FROM: a@b", SMTP_MAIL,
		"a@b", "", ""),
	PATH_OK("mail_from_course_notes_form", "MAIL FROM: cook@caramel.vn",
		SMTP_MAIL, "cook@caramel.vn", "", ""),
	PATH_OK("mail_from_without_brackets_then_params",
		"MAIL FROM:a@b SIZE=5", SMTP_MAIL, "a@b", "SIZE=5", "SIZE=5"),
	PATH_OK("mail_from_null_path", "MAIL FROM:<>", SMTP_MAIL, "", "", ""),
	PATH_OK("mail_from_null_path_with_params", "MAIL FROM:<> BODY=7BIT",
		SMTP_MAIL, "", "BODY=7BIT", "BODY=7BIT"),
	PATH_OK("mail_param_keys_upper_cased_values_kept",
		"MAIL FROM:<a@b> size=100 body=8bitmime smtputf8", SMTP_MAIL,
		"a@b", "size=100 body=8bitmime smtputf8",
		"SIZE=100 BODY=8bitmime SMTPUTF8"),
	PATH_OK("mail_spaces_around_and_between_tolerated",
		"  MAIL  FROM:<a@b>   SIZE=1    RET=HDRS  ", SMTP_MAIL, "a@b",
		"SIZE=1    RET=HDRS", "SIZE=1 RET=HDRS"),
	PATH_OK("mail_tab_separates_like_a_space", "MAIL\tFROM:<a@b>",
		SMTP_MAIL, "a@b", "", ""),
	PATH_OK("mail_quoted_gt_inside_path", "MAIL FROM:<\"a>b\"@c>",
		SMTP_MAIL, "\"a>b\"@c", "", ""),
	PATH_OK("mail_quoted_space_without_brackets",
		"MAIL FROM: \"a b\"@c X=1", SMTP_MAIL, "\"a b\"@c", "X=1",
		"X=1"),
	PATH_OK("mail_source_route_left_to_mailaddr",
		"MAIL FROM:<@r.example:a@b>", SMTP_MAIL, "@r.example:a@b", "",
		""),
	PATH_OK("mail_xtext_value_not_decoded", "MAIL FROM:<a@b> ENVID=a+2Bb",
		SMTP_MAIL, "a@b", "ENVID=a+2Bb", "ENVID=a+2Bb"),
	PATH_OK("mail_param_key_with_hyphen", "MAIL FROM:<a@b> X-Y-1=v",
		SMTP_MAIL, "a@b", "X-Y-1=v", "X-Y-1=v"),
	PATH_OK("mail_eight_params_accepted",
		"MAIL FROM:<a@b> A B C D E F G H", SMTP_MAIL, "a@b",
		"A B C D E F G H", "A B C D E F G H"),
	FAILS("mail_nine_params_rejected", "MAIL FROM:<a@b> A B C D E F G H I",
	      -EINVAL, SMTP_MAIL, "Too many ESMTP parameters"),
	FAILS("mail_bare_verb_rejected", "MAIL", -EINVAL, SMTP_MAIL,
	      "Syntax: MAIL FROM:<address>"),
	FAILS("mail_from_without_colon_rejected", "MAIL FROM", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_from_without_path_rejected", "MAIL FROM:  ", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_space_before_colon_rejected", "MAIL FROM :<a@b>", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_to_instead_of_from_rejected", "MAIL TO:<a@b>", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_unclosed_bracket_rejected", "MAIL FROM:<a@b SIZE=1",
	      -EINVAL, SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_unopened_bracket_rejected", "MAIL FROM:a@b>", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_nested_brackets_rejected", "MAIL FROM:<<a@b>>", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_unclosed_quote_rejected", "MAIL FROM:<\"a@b>", -EINVAL,
	      SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_param_glued_to_bracket_rejected", "MAIL FROM:<a@b>SIZE=1",
	      -EINVAL, SMTP_MAIL, "Syntax: MAIL FROM:<address>"),
	FAILS("mail_second_path_rejected", "MAIL FROM:<a@b> <c@d>", -EINVAL,
	      SMTP_MAIL, "Syntax: bad ESMTP parameter"),
	FAILS("mail_param_empty_value_rejected", "MAIL FROM:<a@b> SIZE=",
	      -EINVAL, SMTP_MAIL, "Syntax: bad ESMTP parameter"),
	FAILS("mail_param_key_starting_with_hyphen_rejected",
	      "MAIL FROM:<a@b> -X", -EINVAL, SMTP_MAIL,
	      "Syntax: bad ESMTP parameter"),
	FAILS("mail_param_key_with_underscore_rejected",
	      "MAIL FROM:<a@b> S_Z=1", -EINVAL, SMTP_MAIL,
	      "Syntax: bad ESMTP parameter"),
	FAILS("mail_param_value_with_equals_rejected",
	      "MAIL FROM:<a@b> ENVID=a=b", -EINVAL, SMTP_MAIL,
	      "Syntax: bad ESMTP parameter"),
	FAILS("mail_param_value_8bit_rejected",
	      "MAIL FROM:<a@b> ENVID=\xc3\xa9", -EINVAL, SMTP_MAIL,
	      "Syntax: bad ESMTP parameter"),
	FAILS("mail_param_value_control_rejected",
	      "MAIL FROM:<a@b> ENVID=a\rb", -EINVAL, SMTP_MAIL,
	      "Syntax: bad ESMTP parameter"),
	PATH_OK("rcpt_to", "RCPT TO:<c@d>", SMTP_RCPT, "c@d", "", ""),
	PATH_OK("rcpt_to_space_and_params", "rcpt to: <c@d> NOTIFY=NEVER",
		SMTP_RCPT, "c@d", "NOTIFY=NEVER", "NOTIFY=NEVER"),
	PATH_OK("rcpt_postmaster_left_to_mailaddr", "RCPT TO:<Postmaster>",
		SMTP_RCPT, "Postmaster", "", ""),
	FAILS("rcpt_bare_verb_rejected", "RCPT", -EINVAL, SMTP_RCPT,
	      "Syntax: RCPT TO:<address>"),
	FAILS("rcpt_from_rejected", "RCPT FROM:<c@d>", -EINVAL, SMTP_RCPT,
	      "Syntax: RCPT TO:<address>"),
	ARG_OK("ehlo_with_domain", "EHLO client.example", SMTP_EHLO,
	       "client.example"),
	ARG_OK("helo_lower_case", "helo client", SMTP_HELO, "client"),
	FAILS("ehlo_without_domain_rejected", "EHLO", -EINVAL, SMTP_EHLO,
	      "Syntax: EHLO hostname"),
	FAILS("ehlo_spaces_only_rejected", "EHLO    ", -EINVAL, SMTP_EHLO,
	      "Syntax: EHLO hostname"),
	FAILS("helo_without_domain_rejected", "HELO", -EINVAL, SMTP_HELO,
	      "Syntax: HELO hostname"),
	ARG_OK("data", "DATA", SMTP_DATA, ""),
	ARG_OK("data_trailing_spaces_tolerated", "data   ", SMTP_DATA, ""),
	FAILS("data_with_argument_rejected", "DATA now", -EINVAL, SMTP_DATA,
	      "Syntax: DATA"),
	FAILS("rset_with_argument_rejected", "RSET all", -EINVAL, SMTP_RSET,
	      "Syntax: RSET"),
	FAILS("quit_with_argument_rejected", "QUIT now", -EINVAL, SMTP_QUIT,
	      "Syntax: QUIT"),
	ARG_OK("starttls_mixed_case", "StartTLS", SMTP_STARTTLS, ""),
	FAILS("starttls_with_argument_rejected", "STARTTLS x", -EINVAL,
	      SMTP_STARTTLS, "Syntax: STARTTLS"),
	ARG_OK("noop_may_take_an_argument", "NOOP hello there", SMTP_NOOP,
	       "hello there"),
	ARG_OK("help_without_argument", "HELP", SMTP_HELP, ""),
	FAILS("vrfy_needs_an_argument", "VRFY", -EINVAL, SMTP_VRFY,
	      "Syntax: VRFY address"),
	ARG_OK("expn_with_argument", "EXPN staff", SMTP_EXPN, "staff"),
	ARG_OK("auth_with_initial_response", "AUTH PLAIN dGVzdA==", SMTP_AUTH,
	       "PLAIN dGVzdA=="),
	FAILS("auth_needs_a_mechanism", "AUTH", -EINVAL, SMTP_AUTH,
	      "Syntax: AUTH mechanism"),
	BDAT_OK("bdat_size", "BDAT 1000", "1000", 1000, false),
	BDAT_OK("bdat_zero_last_lower_case", "bdat 0 last", "0 last", 0,
		true),
	BDAT_OK("bdat_largest_size", "BDAT 18446744073709551615 LAST",
		"18446744073709551615 LAST", UINT64_MAX, true),
	FAILS("bdat_size_over_64_bits_rejected", "BDAT 18446744073709551616",
	      -EINVAL, SMTP_BDAT, "Syntax: BDAT size [LAST]"),
	FAILS("bdat_signed_size_rejected", "BDAT +5", -EINVAL, SMTP_BDAT,
	      "Syntax: BDAT size [LAST]"),
	FAILS("bdat_without_size_rejected", "BDAT", -EINVAL, SMTP_BDAT,
	      "Syntax: BDAT size [LAST]"),
	FAILS("bdat_size_with_letters_rejected", "BDAT 5x", -EINVAL, SMTP_BDAT,
	      "Syntax: BDAT size [LAST]"),
	FAILS("bdat_word_after_last_rejected", "BDAT 5 LAST x", -EINVAL,
	      SMTP_BDAT, "Syntax: BDAT size [LAST]"),
	FAILS("bdat_lastx_rejected", "BDAT 5 LASTX", -EINVAL, SMTP_BDAT,
	      "Syntax: BDAT size [LAST]"),
	FAILS("unknown_verb", "XYZZY", -ENOENT, SMTP_UNKNOWN,
	      "Error: command not recognized"),
	FAILS("empty_line_is_unknown", "   ", -ENOENT, SMTP_UNKNOWN,
	      "Error: command not recognized"),
	FAILS("verb_prefix_is_unknown", "MAILX FROM:<a@b>", -ENOENT,
	      SMTP_UNKNOWN, "Error: command not recognized"),
	FAILS("verb_glued_to_argument_is_unknown", "MAIL:FROM:<a@b>", -ENOENT,
	      SMTP_UNKNOWN, "Error: command not recognized"),
};

static void params_text(const struct smtp_cmd *cmd, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < cmd->nparams; i++) {
		const struct smtp_param *p = &cmd->params[i];

		n += snprintf(buf + n, len - n, "%s%s%s%s", i ? " " : "",
			      p->key, p->value ? "=" : "",
			      p->value ? p->value : "");
		assert_true(n < len);
	}
}

static void run_cmd(void **state)
{
	const struct cmd_case *c = *state;
	char *line = strdup(c->line), params[SMTP_LINE_MAX_DSN];
	const char *err = "unset";
	struct smtp_cmd cmd;
	int ret;

	assert_non_null(line);
	ret = smtp_cmd_parse(line, &cmd, &err);
	assert_int_equal(ret, c->ret);
	assert_int_equal(cmd.verb, c->verb);
	if (ret) {
		assert_non_null(err);
		assert_string_equal(err, c->err);
		free(line);
		return;
	}
	assert_null(err);
	assert_string_equal(cmd.arg, c->arg);
	if (c->path)
		assert_string_equal(cmd.path, c->path);
	else
		assert_null(cmd.path);
	params_text(&cmd, params, sizeof(params));
	assert_string_equal(params, c->params ? c->params : "");
	assert_true(cmd.bdat_size == c->bdat_size);
	assert_int_equal(cmd.bdat_last, c->bdat_last);
	free(line);
}

static void param_lookup_by_key(void **state)
{
	char line[] = "MAIL FROM:<a@b> size=100 SMTPUTF8";
	struct smtp_cmd cmd;
	bool found = false;

	(void)state;
	assert_int_equal(smtp_cmd_parse(line, &cmd, NULL), 0);
	assert_string_equal(smtp_cmd_param(&cmd, "SIZE", &found), "100");
	assert_true(found);
	assert_null(smtp_cmd_param(&cmd, "SMTPUTF8", &found));
	assert_true(found);
	assert_null(smtp_cmd_param(&cmd, "BODY", &found));
	assert_false(found);
	assert_null(smtp_cmd_param(&cmd, "SIZ", &found));
	assert_false(found);
}

/* The reader and the parser together, as the session uses them. */
static void pipelined_commands_parse_one_by_one(void **state)
{
	static const char in[] = "EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>"
				 "\r\nDATA\r\n";
	static const enum smtp_verb want[] = {
		SMTP_EHLO, SMTP_MAIL, SMTP_RCPT, SMTP_DATA,
	};
	enum smtp_line_status st;
	struct smtp_line l;
	struct smtp_cmd cmd;
	size_t i, nverbs = 0;

	(void)state;
	smtp_line_init(&l);
	for (i = 0; i < sizeof(in) - 1; i++) {
		assert_int_equal(smtp_line_feed(&l, in + i, 1, &st), 1);
		if (st == SMTP_LINE_MORE)
			continue;
		assert_int_equal(st, SMTP_LINE_OK);
		assert_int_equal(smtp_cmd_parse(l.buf, &cmd, NULL), 0);
		assert_true(nverbs < ARRAY_SIZE(want));
		assert_int_equal(cmd.verb, want[nverbs++]);
	}
	assert_int_equal(nverbs, ARRAY_SIZE(want));
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(line_cases) +
				ARRAY_SIZE(cmd_cases) + 8] = {
		cmocka_unit_test(dsn_reader_takes_rcpt_length_and_no_more),
		cmocka_unit_test(dsn_reader_keeps_its_limit_line_after_line),
		cmocka_unit_test(line_max_per_verb),
		cmocka_unit_test(longest_dsn_rcpt_parses),
		cmocka_unit_test(line_feed_of_nothing_is_more),
		cmocka_unit_test(line_stops_right_after_the_line_end),
		cmocka_unit_test(param_lookup_by_key),
		cmocka_unit_test(pipelined_commands_parse_one_by_one),
	};
	size_t n = 8;

	TEST_TABLE(tests, n, line_cases, run_line);
	TEST_TABLE(tests, n, cmd_cases, run_cmd);
	return cmocka_run_group_tests_name("smtp_cmd", tests, NULL, NULL);
}
