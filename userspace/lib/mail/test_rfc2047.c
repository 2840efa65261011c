// SPDX-License-Identifier: GPL-2.0
/* Unit tests for rfc2047.c: one case per behaviour, from a table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "rfc2047.h"
#include "test_table.h"

struct decode_case {
	const char *name;
	const char *in;
	const char *out;
};

static const struct decode_case decode_cases[] = {
	{ "plain text is copied", "Hello world", "Hello world" },
	{ "q word", "=?utf-8?Q?caf=C3=A9?=", "caf\xc3\xa9" },
	{ "q underscore is a space", "=?us-ascii?q?a_b?=", "a b" },
	{ "b word", "=?UTF-8?B?w6l0w6k=?=", "\xc3\xa9t\xc3\xa9" },
	{ "b word without padding", "=?UTF-8?B?w6l0w6k?=", "\xc3\xa9t\xc3\xa9" },
	{ "latin-1 becomes utf-8", "=?ISO-8859-1?Q?r=E9sum=E9?=",
	  "r\xc3\xa9sum\xc3\xa9" },
	{ "words around text keep their blanks",
	  "Re: =?utf-8?Q?caf=C3=A9?= ok", "Re: caf\xc3\xa9 ok" },
	{ "blanks between two words go", "=?utf-8?Q?a?= \t =?utf-8?Q?b?=",
	  "ab" },
	{ "folding between two words goes",
	  "=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab" },
	{ "folding in text is unfolded", "one\r\n two", "one two" },
	{ "rfc 2231 language is ignored", "=?utf-8*fr?Q?=C3=A9?=",
	  "\xc3\xa9" },
	{ "unknown charset is left alone", "=?x-nothing?Q?a?=",
	  "=?x-nothing?Q?a?=" },
	{ "unknown encoding is left alone", "=?utf-8?X?a?=", "=?utf-8?X?a?=" },
	{ "bad hex is left alone", "=?utf-8?Q?=ZZ?=", "=?utf-8?Q?=ZZ?=" },
	{ "cut q escape is left alone", "=?utf-8?Q?a=C?=", "=?utf-8?Q?a=C?=" },
	{ "bad base64 is left alone", "=?utf-8?B?w6!=?=", "=?utf-8?B?w6!=?=" },
	{ "a word glued to text is text", "x=?utf-8?Q?a?=", "x=?utf-8?Q?a?=" },
	{ "a word with a blank inside is text", "=?utf-8?Q?a b?=",
	  "=?utf-8?Q?a b?=" },
	{ "unterminated word is text", "=?utf-8?Q?abc", "=?utf-8?Q?abc" },
	{ "empty charset is text", "=??Q?a?=", "=??Q?a?=" },
	{ "trailing blanks are kept", "a  ", "a  " },
	{ "empty input", "", "" },
};

static void run_decode(void **state)
{
	const struct decode_case *c = *state;
	char out[256];
	ssize_t n = rfc2047_decode(c->in, strlen(c->in), out, sizeof(out));

	assert_int_equal(n, strlen(c->out));
	assert_string_equal(out, c->out);
}

/* Fed whole, then with every length cut: never past @size, NUL-ended. */
static void small_buffers_cut_at_a_character(void **state)
{
	const char *in = "=?utf-8?Q?caf=C3=A9?= au lait";
	char out[8];
	ssize_t n;

	(void)state;
	n = rfc2047_decode(in, strlen(in), out, 5);
	assert_int_equal(n, -E2BIG);
	assert_string_equal(out, "caf");
	n = rfc2047_decode(in, strlen(in), out, 6);
	assert_int_equal(n, -E2BIG);
	assert_string_equal(out, "caf\xc3\xa9");
	n = rfc2047_decode(in, strlen(in), out, 1);
	assert_int_equal(n, -E2BIG);
	assert_string_equal(out, "");
}

static void length_not_nul_bounds_the_input(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(rfc2047_decode("=?utf-8?Q?a?=XYZ", 13, out,
					sizeof(out)), 1);
	assert_string_equal(out, "a");
	/* Cut inside the word: not a word any more. */
	assert_int_equal(rfc2047_decode("=?utf-8?Q?a?=", 12, out,
					sizeof(out)), 12);
	assert_string_equal(out, "=?utf-8?Q?a?");
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(decode_cases) + 2];
	size_t n = 0;

	TEST_TABLE(tests, n, decode_cases, run_decode);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
		small_buffers_cut_at_a_character);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
		length_not_nul_bounds_the_input);
	return cmocka_run_group_tests_name("rfc2047", tests, NULL, NULL);
}
