// SPDX-License-Identifier: GPL-2.0
/* Unit tests for json.c: string escaping and object layout. */
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

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(escape_cases) + 3] = {
		cmocka_unit_test(object_keys_in_order_with_commas),
		cmocka_unit_test(empty_object),
		cmocka_unit_test(array_of_objects_after_a_key),
	};
	size_t n = 3;

	TEST_TABLE(tests, n, escape_cases, run_escape);
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
