// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for imap_parser.c: commands gathered whole, in two pieces
 * and one byte at a time must be the same; literals (synchronizing or
 * LITERAL+), nested lists, quoting and the limits, one case each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "imap_parser.h"
#include "test_table.h"

/*
 * Feeds @in in pieces of @step bytes (0: whole); records each status as a
 * letter (M more, C continue, D done, L too long, B too big, N nul) and
 * keeps the last command gathered in @cmd_r.
 */
static void feed(const char *in, size_t n, size_t step, char *trace,
		 char *cmd_r, size_t *cmd_len_r)
{
	static const char letters[] = "MCDLBN";
	struct imap_reader r;
	enum imap_read_status st;
	size_t off = 0, k, t = 0;
	long used;

	imap_reader_init(&r, 1000);
	while (off < n) {
		k = step && n - off > step ? step : n - off;
		used = imap_reader_feed(&r, in + off, k, &st);
		assert_true(used >= 0 && (size_t)used <= k);
		off += (size_t)used;
		if (st != IMAP_READ_MORE)
			trace[t++] = letters[st];
		if (st == IMAP_READ_DONE) {
			memcpy(cmd_r, r.buf, r.len + 1);
			*cmd_len_r = r.len;
		}
		/* A reader that took nothing must have said why. */
		assert_true(used || st != IMAP_READ_MORE || !k);
	}
	trace[t] = '\0';
	imap_reader_free(&r);
}

struct read_case {
	const char *name;
	const char *in;
	const char *trace;	/* statuses, as feed() writes them */
	const char *cmd;	/* the last command gathered, or NULL */
	size_t len;		/* of @in when it holds a NUL, else 0 */
};

static const struct read_case read_cases[] = {
	{ "one line", "a1 NOOP\r\n", "D", "a1 NOOP\r\n", 0 },
	{ "bare lf is a line end", "a1 NOOP\n", "D", "a1 NOOP\r\n", 0 },
	{ "two commands", "a NOOP\r\nb LOGOUT\r\n", "DD", "b LOGOUT\r\n", 0 },
	{ "sync literal asks for continuation",
	  "a LOGIN {5}\r\nalice {3}\r\npw!\r\n", "CCD",
	  "a LOGIN {5}\r\nalice {3}\r\npw!\r\n", 0 },
	{ "literal plus does not", "a LOGIN {5+}\r\nalice x\r\n", "D",
	  "a LOGIN {5+}\r\nalice x\r\n", 0 },
	{ "literal holds line ends and nul",
	  "a APPEND x {6+}\r\nA\r\n\0B\n\r\n", "D",
	  "a APPEND x {6+}\r\nA\r\n\0B\n\r\n", 25 },
	{ "empty sync literal still continues", "a X {0}\r\n\r\n", "CD",
	  "a X {0}\r\n\r\n", 0 },
	{ "nul outside literal is refused", "a NO\0OP\r\nb NOOP\r\n", "ND",
	  "b NOOP\r\n", 17 },
	{ "literal over the limit", "a APPEND x {1001}\r\nb NOOP\r\n", "BD",
	  "b NOOP\r\n", 0 },
	{ "braces not at the end are no literal", "a X {5} y\r\n", "D",
	  "a X {5} y\r\n", 0 },
	{ "condstore modifiers are one line",
	  "a UID STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\\Seen)\r\n"
	  "b FETCH 1:* (FLAGS) (CHANGEDSINCE 9)\r\n", "DD",
	  "b FETCH 1:* (FLAGS) (CHANGEDSINCE 9)\r\n", 0 },
};

static void run_read(void **state)
{
	const struct read_case *c = *state;
	size_t n = c->len ? c->len : strlen(c->in), i, len = 0;
	size_t steps[] = { 0, 1, 2, 7 };
	char trace[16], cmd[2048];

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		cmd[0] = '\0';
		feed(c->in, n, steps[i], trace, cmd, &len);
		assert_string_equal(trace, c->trace);
		if (c->cmd)
			assert_memory_equal(cmd, c->cmd, len);
	}
}

static void long_line_is_refused_then_reading_goes_on(void **state)
{
	char *in = malloc(IMAP_LINE_MAX + 100), trace[16], cmd[64];
	size_t n, len;

	(void)state;
	memset(in, 'x', IMAP_LINE_MAX + 10);
	n = IMAP_LINE_MAX + 10;
	memcpy(in + n, "\r\nb NOOP\r\n", 10);
	feed(in, n + 10, 0, trace, cmd, &len);
	assert_string_equal(trace, "LD");
	assert_memory_equal(cmd, "b NOOP\r\n", len);
	feed(in, n + 10, 1000, trace, cmd, &len);
	assert_string_equal(trace, "LD");
	free(in);
}

struct parse_case {
	const char *name;
	const char *in;
	int ret;
	const char *tag, *cmdname;
	const char *shape;	/* the arguments, re-printed by show() */
};

/* Re-prints the arguments: atoms bare, strings "quoted", literals {n}. */
static size_t show(const struct imap_arg *a, char *out)
{
	size_t n = 0;

	for (; a; a = a->next) {
		if (n)
			out[n++] = ' ';
		switch (a->type) {
		case IMAP_ARG_LIST:
			out[n++] = '(';
			n += show(a->child, out + n);
			out[n++] = ')';
			break;
		case IMAP_ARG_STRING:
			n += (size_t)sprintf(out + n, "\"%s\"", a->str);
			break;
		case IMAP_ARG_LITERAL:
			n += (size_t)sprintf(out + n, "{%s}", a->str);
			break;
		case IMAP_ARG_NIL:
			n += (size_t)sprintf(out + n, "NIL");
			break;
		default:
			n += (size_t)sprintf(out + n, "%s", a->str);
		}
	}
	out[n] = '\0';
	return n;
}

static const struct parse_case parse_cases[] = {
	{ "no arguments", "a1 noop\r\n", 0, "a1", "NOOP", "" },
	{ "login with atoms", "a LOGIN alice secret\r\n", 0, "a", "LOGIN",
	  "alice secret" },
	{ "quoted with escapes", "a LOGIN \"al ice\" \"p\\\"w\\\\\"\r\n", 0,
	  "a", "LOGIN", "\"al ice\" \"p\"w\\\"" },
	{ "empty quoted", "a LOGIN \"\" x\r\n", 0, "a", "LOGIN", "\"\" x" },
	{ "literal", "a LOGIN {5}\r\nalice {2+}\r\npw\r\n", 0, "a", "LOGIN",
	  "{alice} {pw}" },
	{ "nested lists", "a X (1 (2 (3)) ()) NIL\r\n", 0, "a", "X",
	  "(1 (2 (3)) ()) NIL" },
	{ "fetch section keeps its brackets",
	  "a FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>)\r\n",
	  0, "a", "FETCH",
	  "1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>)" },
	{ "flags with backslash", "a STORE 1 +FLAGS (\\Seen \\Deleted)\r\n",
	  0, "a", "STORE", "1 +FLAGS (\\Seen \\Deleted)" },
	{ "list wildcards", "a LIST \"\" *\r\n", 0, "a", "LIST", "\"\" *" },
	{ "uid prefix is the name", "a UID FETCH 1 UID\r\n", 0, "a", "UID",
	  "FETCH 1 UID" },
	{ "fetch modifier after the items",
	  "a UID FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 12345)\r\n", 0, "a",
	  "UID", "FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 12345)" },
	{ "store modifier before the item",
	  "a STORE 1 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Seen)\r\n", 0, "a",
	  "STORE", "1 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Seen)" },
	{ "select parameter list", "a SELECT INBOX (CONDSTORE)\r\n", 0, "a",
	  "SELECT", "INBOX (CONDSTORE)" },
	{ "search modseq with an entry",
	  "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n", 0, "a",
	  "SEARCH", "MODSEQ \"/flags/\\draft\" all 620162338" },
	{ "no tag", " NOOP\r\n", -ENOENT, NULL, NULL, NULL },
	{ "tag alone", "a1\r\n", -ENOENT, NULL, NULL, NULL },
	{ "plus in tag", "a+ NOOP\r\n", -ENOENT, NULL, NULL, NULL },
	{ "unclosed list", "a X (1 2\r\n", -EINVAL, NULL, NULL, NULL },
	{ "stray paren", "a X 1)\r\n", -EINVAL, NULL, NULL, NULL },
	{ "unclosed quote", "a X \"abc\r\n", -EINVAL, NULL, NULL, NULL },
	{ "bad escape", "a X \"a\\b\"\r\n", -EINVAL, NULL, NULL, NULL },
	{ "two spaces", "a X 1  2\r\n", -EINVAL, NULL, NULL, NULL },
	{ "unclosed bracket", "a FETCH 1 BODY[HEADER\r\n", -EINVAL, NULL,
	  NULL, NULL },
	{ "too deep", "a X ((((((((((((((((((1))))))))))))))))))\r\n",
	  -EINVAL, NULL, NULL, NULL },
	{ "literal shorter than said", "a X {9}\r\nab\r\n", -EINVAL, NULL,
	  NULL, NULL },
};

static void run_parse(void **state)
{
	const struct parse_case *c = *state;
	struct imap_cmd *cmd = malloc(sizeof(*cmd));
	char buf[512], out[512];
	const char *err;
	size_t len = strlen(c->in);

	memcpy(buf, c->in, len + 1);
	assert_int_equal(imap_cmd_parse(buf, len, cmd, &err), c->ret);
	if (c->ret) {
		assert_non_null(err);
	} else {
		assert_string_equal(cmd->tag, c->tag);
		assert_string_equal(cmd->name, c->cmdname);
		show(cmd->args, out);
		assert_string_equal(out, c->shape);
	}
	free(cmd);
}

static void too_many_arguments_is_an_error(void **state)
{
	struct imap_cmd *cmd = malloc(sizeof(*cmd));
	char *buf = malloc(4 * IMAP_ARGS_MAX + 16);
	const char *err;
	size_t n = 0, i;

	(void)state;
	n += (size_t)sprintf(buf, "a X");
	for (i = 0; i <= IMAP_ARGS_MAX; i++)
		n += (size_t)sprintf(buf + n, " 1");
	n += (size_t)sprintf(buf + n, "\r\n");
	assert_int_equal(imap_cmd_parse(buf, n, cmd, &err), -EINVAL);
	assert_string_equal(err, "Too many arguments");
	free(buf);
	free(cmd);
}

static void helpers_walk_arguments(void **state)
{
	struct imap_cmd *cmd = malloc(sizeof(*cmd));
	char buf[] = "t SELECT INBOX \"x\" (a)\r\n";
	const char *err;

	(void)state;
	assert_int_equal(imap_cmd_parse(buf, strlen(buf), cmd, &err), 0);
	assert_int_equal(imap_args_count(cmd->args), 3);
	assert_string_equal(imap_arg_atom(cmd->args), "INBOX");
	assert_null(imap_arg_atom(imap_arg_nth(cmd->args, 1)));
	assert_string_equal(imap_arg_str(imap_arg_nth(cmd->args, 1)), "x");
	assert_null(imap_arg_str(imap_arg_nth(cmd->args, 2)));
	assert_null(imap_arg_nth(cmd->args, 3));
	free(cmd);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(read_cases) +
			       ARRAY_SIZE(parse_cases) + 3] = {
		cmocka_unit_test(long_line_is_refused_then_reading_goes_on),
		cmocka_unit_test(too_many_arguments_is_an_error),
		cmocka_unit_test(helpers_walk_arguments),
	};
	size_t n = 3;

	TEST_TABLE(tests, n, read_cases, run_read);
	TEST_TABLE(tests, n, parse_cases, run_parse);
	return cmocka_run_group_tests_name("imap_parser", tests, NULL, NULL);
}
