// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for dsn_param.c: xtext decoded whole, byte by byte and split
 * everywhere; encoding and its round trip; RET, ENVID, NOTIFY and ORCPT
 * values from tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dsn_param.h"
#include "test_table.h"

static const struct xtext_case {
	const char *name;
	const char *in;
	int ret;
	const char *want;	/* decoded, when ret is 0 */
} xtext_cases[] = {
	{ "xtext_plain_address", "alice@lab.example", 0, "alice@lab.example" },
	{ "xtext_empty_is_empty", "", 0, "" },
	{ "xtext_plus_hex_is_the_octet", "a+2Bb", 0, "a+b" },
	{ "xtext_encoded_equals", "x+3Dy", 0, "x=y" },
	{ "xtext_encoded_space", "a+20b", 0, "a b" },
	{ "xtext_encoded_plain_char_allowed", "+41", 0, "A" },
	{ "xtext_lower_case_hex_refused", "a+2bb", -EINVAL, NULL },
	{ "xtext_plus_at_end_refused", "ab+", -EINVAL, NULL },
	{ "xtext_plus_one_digit_at_end_refused", "ab+4", -EINVAL, NULL },
	{ "xtext_plus_non_hex_refused", "a+G0", -EINVAL, NULL },
	{ "xtext_raw_equals_refused", "a=b", -EINVAL, NULL },
	{ "xtext_raw_space_refused", "a b", -EINVAL, NULL },
	{ "xtext_raw_control_refused", "a\tb", -EINVAL, NULL },
	{ "xtext_raw_8bit_refused", "caf\xc3\xa9", -EINVAL, NULL },
	{ "xtext_encoded_cr_refused", "a+0Db", -EINVAL, NULL },
	{ "xtext_encoded_lf_refused", "a+0Ab", -EINVAL, NULL },
	{ "xtext_encoded_nul_refused", "a+00b", -EINVAL, NULL },
	{ "xtext_encoded_del_refused", "+7F", -EINVAL, NULL },
	{ "xtext_encoded_8bit_refused", "+C3+A9", -EINVAL, NULL },
};

static void check_result(const struct xtext_case *c, int ret, const char *out)
{
	assert_int_equal(ret, c->ret);
	if (!ret)
		assert_string_equal(out, c->want);
}

static void run_xtext(void **state)
{
	const struct xtext_case *c = *state;
	size_t len = strlen(c->in), i, split;
	struct xtext_dec d;
	char out[64];

	check_result(c, xtext_decode(c->in, out, sizeof(out)), out);
	xtext_dec_init(&d, out, sizeof(out));
	for (i = 0; i < len; i++)
		xtext_dec_feed(&d, c->in + i, 1);
	check_result(c, xtext_dec_end(&d), out);
	for (split = 0; split <= len; split++) {
		xtext_dec_init(&d, out, sizeof(out));
		xtext_dec_feed(&d, c->in, split);
		xtext_dec_feed(&d, c->in + split, len - split);
		check_result(c, xtext_dec_end(&d), out);
	}
}

static void xtext_decode_too_long_is_enospc(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(xtext_decode("abc", out, sizeof(out)), 0);
	assert_int_equal(xtext_decode("abcd", out, sizeof(out)), -ENOSPC);
	assert_int_equal(xtext_decode("ab+2B+2B", out, sizeof(out)), -ENOSPC);
	assert_int_equal(xtext_decode("", out, 0), -ENOSPC);
}

static void xtext_encode_escapes_plus_equals_and_controls(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(xtext_encode("a+b=c d\r", out, sizeof(out)), 16);
	assert_string_equal(out, "a+2Bb+3Dc+20d+0D");
	assert_int_equal(xtext_encode("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void xtext_encode_cut_short_says_how_much(void **state)
{
	char out[5];

	(void)state;
	/* "ab+2B": the hexchar does not fit whole, nor does what follows. */
	assert_int_equal(xtext_encode("ab+c", out, sizeof(out)), 6);
	assert_string_equal(out, "ab");
	assert_int_equal(xtext_encode("abcd", out, sizeof(out)), 4);
	assert_string_equal(out, "abcd");
}

/* Every printable octet survives encode then decode. */
static void xtext_round_trip_of_printable_ascii(void **state)
{
	char in[96], enc[400], dec[96];
	int c, n = 0;

	(void)state;
	for (c = 0x20; c < 0x7f; c++)
		in[n++] = (char)c;
	in[n] = '\0';
	assert_true(xtext_encode(in, enc, sizeof(enc)) < sizeof(enc));
	assert_int_equal(xtext_decode(enc, dec, sizeof(dec)), 0);
	assert_string_equal(dec, in);
}

static const struct value_case {
	const char *name;
	int (*check)(const char *value);
	const char *value;
	int ret;
} value_cases[] = {
	{ "envid_plain", dsn_envid_check, "QQ314159", 0 },
	{ "envid_xtext", dsn_envid_check, "id+2B1", 0 },
	{ "envid_bad_xtext", dsn_envid_check, "id+2", -EINVAL },
	{ "envid_missing_value", dsn_envid_check, NULL, -EINVAL },
	{ "envid_100_chars", dsn_envid_check,
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "456789012345678901234567890123456789", 0 },
	{ "envid_101_chars_refused", dsn_envid_check,
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "4567890123456789012345678901234567890", -EINVAL },
	{ "orcpt_rfc822", dsn_orcpt_check, "rfc822;bob@lab.example", 0 },
	{ "orcpt_other_type", dsn_orcpt_check, "x-local;bob", 0 },
	{ "orcpt_xtext_address", dsn_orcpt_check, "rfc822;b+2Bx@lab.example",
	  0 },
	{ "orcpt_without_type_refused", dsn_orcpt_check, ";bob@x", -EINVAL },
	{ "orcpt_without_semicolon_refused", dsn_orcpt_check, "bob@x",
	  -EINVAL },
	{ "orcpt_without_address_refused", dsn_orcpt_check, "rfc822;",
	  -EINVAL },
	{ "orcpt_bad_type_refused", dsn_orcpt_check, "rfc(822);b@x", -EINVAL },
	{ "orcpt_bad_xtext_refused", dsn_orcpt_check, "rfc822;b+0Ax", -EINVAL },
	{ "orcpt_missing_value", dsn_orcpt_check, NULL, -EINVAL },
};

static void run_value(void **state)
{
	const struct value_case *c = *state;

	assert_int_equal(c->check(c->value), c->ret);
}

static void orcpt_of_500_chars_fits_501_does_not(void **state)
{
	char v[DSN_ORCPT_MAX + 2];

	(void)state;
	memset(v, 'a', sizeof(v) - 1);
	v[DSN_ORCPT_MAX] = '\0';
	memcpy(v, "rfc822;", 7);
	assert_int_equal(dsn_orcpt_check(v), 0);
	v[DSN_ORCPT_MAX] = 'a';
	v[DSN_ORCPT_MAX + 1] = '\0';
	assert_int_equal(dsn_orcpt_check(v), -EINVAL);
}

static const struct notify_case {
	const char *name;
	const char *value;
	int ret;
	unsigned int want;
} notify_cases[] = {
	{ "notify_never", "NEVER", 0, DSN_NOTIFY_NEVER },
	{ "notify_success", "SUCCESS", 0, DSN_NOTIFY_SUCCESS },
	{ "notify_list", "SUCCESS,FAILURE,DELAY", 0,
	  DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY },
	{ "notify_any_order_any_case", "delay,Failure", 0,
	  DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY },
	{ "notify_never_with_other_refused", "NEVER,SUCCESS", -EINVAL, 0 },
	{ "notify_repeated_word_refused", "FAILURE,FAILURE", -EINVAL, 0 },
	{ "notify_unknown_word_refused", "SOMETIMES", -EINVAL, 0 },
	{ "notify_empty_item_refused", "SUCCESS,", -EINVAL, 0 },
	{ "notify_leading_comma_refused", ",SUCCESS", -EINVAL, 0 },
	{ "notify_prefix_refused", "SUCC", -EINVAL, 0 },
	{ "notify_empty_refused", "", -EINVAL, 0 },
	{ "notify_missing_value", NULL, -EINVAL, 0 },
};

static void run_notify(void **state)
{
	const struct notify_case *c = *state;
	unsigned int n = 0xdead;
	char buf[64];

	assert_int_equal(dsn_notify_parse(c->value, &n), c->ret);
	if (c->ret) {
		assert_int_equal(n, 0xdead);	/* untouched */
		return;
	}
	assert_int_equal(n, c->want);
	/* The canonical form parses back to the same. */
	assert_int_equal(dsn_notify_parse(dsn_notify_format(n, buf,
							    sizeof(buf)),
					  &n), 0);
	assert_int_equal(n, c->want);
}

static void notify_format_of_none_is_empty(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(dsn_notify_format(0, buf, sizeof(buf)), "");
	assert_string_equal(dsn_notify_format(DSN_NOTIFY_SUCCESS |
					      DSN_NOTIFY_DELAY, buf,
					      sizeof(buf)), "SUCCESS");
}

static void ret_values(void **state)
{
	enum dsn_ret r = DSN_RET_NONE;

	(void)state;
	assert_int_equal(dsn_ret_parse("FULL", &r), 0);
	assert_int_equal(r, DSN_RET_FULL);
	assert_int_equal(dsn_ret_parse("hdrs", &r), 0);
	assert_int_equal(r, DSN_RET_HDRS);
	assert_int_equal(dsn_ret_parse("FULLY", &r), -EINVAL);
	assert_int_equal(dsn_ret_parse("HDR", &r), -EINVAL);
	assert_int_equal(dsn_ret_parse("", &r), -EINVAL);
	assert_int_equal(dsn_ret_parse(NULL, &r), -EINVAL);
	assert_int_equal(r, DSN_RET_HDRS);
	assert_string_equal(dsn_ret_name(DSN_RET_FULL), "FULL");
	assert_string_equal(dsn_ret_name(DSN_RET_NONE), "");
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(xtext_cases) +
				ARRAY_SIZE(value_cases) +
				ARRAY_SIZE(notify_cases) + 7] = {
		cmocka_unit_test(xtext_decode_too_long_is_enospc),
		cmocka_unit_test(xtext_encode_escapes_plus_equals_and_controls),
		cmocka_unit_test(xtext_encode_cut_short_says_how_much),
		cmocka_unit_test(xtext_round_trip_of_printable_ascii),
		cmocka_unit_test(orcpt_of_500_chars_fits_501_does_not),
		cmocka_unit_test(notify_format_of_none_is_empty),
		cmocka_unit_test(ret_values),
	};
	size_t n = 7;

	TEST_TABLE(tests, n, xtext_cases, run_xtext);
	TEST_TABLE(tests, n, value_cases, run_value);
	TEST_TABLE(tests, n, notify_cases, run_notify);
	return cmocka_run_group_tests_name("dsn_param", tests, NULL, NULL);
}
