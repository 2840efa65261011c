// SPDX-License-Identifier: GPL-2.0
/* Unit tests for pop3_cmd.c: one case per behaviour, from a table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "pop3_cmd.h"
#include "test_table.h"

struct parse_case {
	const char *name;
	const char *line;
	int ret;
	enum pop3_verb verb;
	const char *arg;		/* NULL: not checked */
	int nnum;
	unsigned long num[2];
};

static const struct parse_case parse_cases[] = {
	{ "user takes the name", "USER alice", 0, POP3_USER, "alice", 0, { 0 } },
	{ "verbs are case-insensitive", "user alice", 0, POP3_USER, "alice",
	  0, { 0 } },
	{ "user needs a name", "USER", -EINVAL, POP3_USER, NULL, 0, { 0 } },
	{ "pass keeps spaces inside", "PASS wonder land", 0, POP3_PASS,
	  "wonder land", 0, { 0 } },
	{ "pass keeps a leading space", "PASS  x", 0, POP3_PASS, " x", 0,
	  { 0 } },
	{ "stat takes nothing", "STAT", 0, POP3_STAT, "", 0, { 0 } },
	{ "stat with an argument is refused", "STAT 1", -EINVAL, POP3_STAT,
	  NULL, 0, { 0 } },
	{ "list alone", "LIST", 0, POP3_LIST, "", 0, { 0 } },
	{ "list one message", "list 3", 0, POP3_LIST, "", 1, { 3, 0 } },
	{ "list two numbers is refused", "LIST 1 2", -EINVAL, POP3_LIST, NULL,
	  0, { 0 } },
	{ "retr needs a number", "RETR", -EINVAL, POP3_RETR, NULL, 0, { 0 } },
	{ "retr a word is refused", "RETR one", -EINVAL, POP3_RETR, NULL, 0,
	  { 0 } },
	{ "retr a sign is refused", "RETR -1", -EINVAL, POP3_RETR, NULL, 0,
	  { 0 } },
	{ "retr past the limit is refused", "RETR 4000000001", -EINVAL,
	  POP3_RETR, NULL, 0, { 0 } },
	{ "retr eleven digits is refused", "RETR 00000000001", -EINVAL,
	  POP3_RETR, NULL, 0, { 0 } },
	{ "top takes message and lines", "TOP 1 10", 0, POP3_TOP, "", 2,
	  { 1, 10 } },
	{ "top with zero lines", "TOP 2 0", 0, POP3_TOP, "", 2, { 2, 0 } },
	{ "top needs both", "TOP 1", -EINVAL, POP3_TOP, NULL, 0, { 0 } },
	{ "trailing spaces are forgiven", "DELE 4  ", 0, POP3_DELE, "", 1,
	  { 4, 0 } },
	{ "uidl one", "UIDL 7", 0, POP3_UIDL, "", 1, { 7, 0 } },
	{ "auth alone lists mechanisms", "AUTH", 0, POP3_AUTH, "", 0, { 0 } },
	{ "auth with initial response", "AUTH PLAIN AGEAYg==", 0, POP3_AUTH,
	  "PLAIN AGEAYg==", 0, { 0 } },
	{ "capa", "CAPA", 0, POP3_CAPA, "", 0, { 0 } },
	{ "stls", "stls", 0, POP3_STLS, "", 0, { 0 } },
	{ "unknown verb", "HELO x", -ENOENT, POP3_UNKNOWN, NULL, 0, { 0 } },
	{ "a verb's prefix is unknown", "RET 1", -ENOENT, POP3_UNKNOWN, NULL,
	  0, { 0 } },
	{ "empty line is unknown", "", -ENOENT, POP3_UNKNOWN, NULL, 0, { 0 } },
};

static void run_parse(void **state)
{
	const struct parse_case *c = *state;
	struct pop3_cmd cmd;
	const char *err;
	char buf[256];
	int i;

	snprintf(buf, sizeof(buf), "%s", c->line);
	assert_int_equal(pop3_cmd_parse(buf, &cmd, &err), c->ret);
	assert_int_equal(cmd.verb, c->verb);
	assert_true(!c->ret == !err);
	if (c->ret)
		return;
	if (c->arg)
		assert_string_equal(cmd.arg, c->arg);
	assert_int_equal(cmd.nnum, c->nnum);
	for (i = 0; i < c->nnum; i++)
		assert_int_equal(cmd.num[i], c->num[i]);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(parse_cases)];
	size_t n = 0;

	TEST_TABLE(tests, n, parse_cases, run_parse);
	return cmocka_run_group_tests_name("pop3_cmd", tests, NULL, NULL);
}
