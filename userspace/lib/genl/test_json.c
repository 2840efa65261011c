// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for json.c: string escaping (invalid UTF-8 included), object
 * and array layout, signed numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json.h"
#include "test_table.h"

static const struct escape_case {
	const char *name;
	const char *in;
	const char *want;
} escape_cases[] = {
	{ "escape_plain_text_unchanged", "br0", "\"br0\"" },
	{ "escape_empty_string", "", "\"\"" },
	{ "escape_quote_and_backslash", "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "escape_named_controls", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	{ "escape_other_controls_as_u00xx", "\x01\x1f\x7f",
	  "\"\\u0001\\u001f\\u007f\"" },
	{ "escape_utf8_passes_through", "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	{ "escape_utf8_three_and_four_bytes", "\xe2\x82\xac\xf0\x9f\x98\x80",
	  "\"\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	{ "escape_utf8_highest_code_point", "\xf4\x8f\xbf\xbf",
	  "\"\xf4\x8f\xbf\xbf\"" },
	{ "escape_latin1_byte_as_u00xx", "caf\xe9", "\"caf\\u00e9\"" },
	{ "escape_latin1_before_ascii", "\xe9t\xe9", "\"\\u00e9t\\u00e9\"" },
	{ "escape_lone_continuation_byte", "a\x80z", "\"a\\u0080z\"" },
	{ "escape_truncated_sequence_at_end", "a\xc3", "\"a\\u00c3\"" },
	{ "escape_truncated_sequence_before_ascii", "\xe2\x82x",
	  "\"\\u00e2\\u0082x\"" },
	{ "escape_overlong_two_bytes", "\xc0\xaf", "\"\\u00c0\\u00af\"" },
	{ "escape_overlong_three_bytes", "\xe0\x80\xaf",
	  "\"\\u00e0\\u0080\\u00af\"" },
	{ "escape_overlong_four_bytes", "\xf0\x8f\xbf\xbf",
	  "\"\\u00f0\\u008f\\u00bf\\u00bf\"" },
	{ "escape_surrogate_half", "\xed\xa0\x80",
	  "\"\\u00ed\\u00a0\\u0080\"" },
	{ "escape_past_u10ffff", "\xf4\x90\x80\x80",
	  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ "escape_byte_f5_never_starts", "\xf5\x80", "\"\\u00f5\\u0080\"" },
	{ "escape_invalid_then_valid", "\xff\xc3\xa9", "\"\\u00ff\xc3\xa9\"" },
};

static void run_escape(void **state)
{
	const struct escape_case *c = *state;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	json_escape(f, c->in);
	fclose(f);
	assert_string_equal(out, c->want);
	free(out);
}

static void object_keys_in_order_with_commas(void **state)
{
	struct json j;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_open(&j, f);
	json_str(&j, "ifname", "br0");
	json_u64(&j, "packets", 18446744073709551615ULL);
	json_bool(&j, "static", false);
	json_close(&j);
	fclose(f);
	assert_string_equal(out, "{\"ifname\":\"br0\","
			    "\"packets\":18446744073709551615,"
			    "\"static\":false}");
	free(out);
}

static void empty_object(void **state)
{
	struct json j;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_open(&j, f);
	json_close(&j);
	fclose(f);
	assert_string_equal(out, "{}");
	free(out);
}

static void array_of_objects_after_a_key(void **state)
{
	struct json j, e;
	struct json_arr a;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_open(&j, f);
	json_str(&j, "grp", "239.1.1.1");
	json_arr_open(&j, "sources", &a);
	json_arr_obj(&a, &e);
	json_str(&e, "addr", "10.0.0.1");
	json_close(&e);
	json_arr_obj(&a, &e);
	json_u64(&e, "timer", 5);
	json_close(&e);
	json_arr_close(&a);
	json_arr_open(&j, "none", &a);
	json_arr_close(&a);
	json_close(&j);
	fclose(f);
	assert_string_equal(out, "{\"grp\":\"239.1.1.1\","
			    "\"sources\":[{\"addr\":\"10.0.0.1\"},{\"timer\":5}],"
			    "\"none\":[]}");
	free(out);
}

static void signed_numbers(void **state)
{
	struct json j;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_open(&j, f);
	json_s64(&j, "delay", -3600);
	json_s64(&j, "zero", 0);
	json_s64(&j, "min", INT64_MIN);
	json_s64(&j, "max", INT64_MAX);
	json_close(&j);
	fclose(f);
	assert_string_equal(out, "{\"delay\":-3600,\"zero\":0,"
			    "\"min\":-9223372036854775808,"
			    "\"max\":9223372036854775807}");
	free(out);
}

static void arrays_of_values_and_nesting(void **state)
{
	struct json_arr doc, a, inner;
	struct json j, o;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_arr_start(&doc, f);
	json_arr_obj(&doc, &j);
	json_arr_open(&j, "to", &a);
	json_arr_str(&a, "a@b.example");
	json_arr_str(&a, "\xe9");
	json_arr_close(&a);
	json_obj(&j, "sizes", &o);
	json_arr_open(&o, "n", &a);
	json_arr_u64(&a, 1);
	json_arr_s64(&a, -2);
	json_arr_arr(&a, &inner);
	json_arr_close(&inner);
	json_arr_close(&a);
	json_close(&o);
	json_close(&j);
	json_arr_str(&doc, "x");
	json_arr_close(&doc);
	fclose(f);
	assert_string_equal(out, "[{\"to\":[\"a@b.example\",\"\\u00e9\"],"
			    "\"sizes\":{\"n\":[1,-2,[]]}},\"x\"]");
	free(out);
}

static void empty_document_array(void **state)
{
	struct json_arr a;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_arr_start(&a, f);
	json_arr_close(&a);
	fclose(f);
	assert_string_equal(out, "[]");
	free(out);
}

static void lines_array_one_element_per_line(void **state)
{
	struct json_arr a;
	struct json j;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	json_arr_start_lines(&a, f);
	json_arr_close(&a);
	json_arr_start_lines(&a, f);
	json_arr_obj(&a, &j);
	json_str(&j, "name", "alice");
	json_close(&j);
	json_arr_obj(&a, &j);
	json_close(&j);
	json_arr_close(&a);
	fclose(f);
	assert_string_equal(out, "[][\n{\"name\":\"alice\"},\n{}\n]");
	free(out);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(escape_cases) + 7] = {
		cmocka_unit_test(object_keys_in_order_with_commas),
		cmocka_unit_test(empty_object),
		cmocka_unit_test(array_of_objects_after_a_key),
		cmocka_unit_test(signed_numbers),
		cmocka_unit_test(arrays_of_values_and_nesting),
		cmocka_unit_test(empty_document_array),
		cmocka_unit_test(lines_array_one_element_per_line),
	};
	size_t n = 7;

	TEST_TABLE(tests, n, escape_cases, run_escape);
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
