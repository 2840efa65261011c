// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for dkim_record.c: which names a key may be published under,
 * and the TXT record text, whole and cut short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dkim_record.h"
#include "test_table.h"

static const struct name_case {
	const char *name;
	const char *in;
	bool ok;
} name_cases[] = {
	{ "name_domain", "lab.example", true },
	{ "name_one_label", "sel2024", true },
	{ "name_inner_hyphen", "mail-1.lab.example", true },
	{ "name_digits", "2024.lab.example", true },
	{ "name_empty_refused", "", false },
	{ "name_trailing_dot_refused", "lab.example.", false },
	{ "name_leading_dot_refused", ".lab.example", false },
	{ "name_empty_label_refused", "lab..example", false },
	{ "name_leading_hyphen_refused", "-sel.lab.example", false },
	{ "name_trailing_hyphen_refused", "sel-.lab.example", false },
	{ "name_underscore_refused", "s_l.lab.example", false },
	{ "name_space_refused", "lab example", false },
	{ "name_newline_refused", "lab.example\nx IN TXT", false },
	{ "name_quote_refused", "lab\".example", false },
	{ "name_64_octet_label_refused",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	  false },
	{ "name_63_octet_label",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	  true },
};

static void run_name(void **state)
{
	const struct name_case *c = *state;

	assert_int_equal(dkim_name_ok(c->in), c->ok);
}

static void name_of_254_octets_refused(void **state)
{
	char name[300];
	size_t i;

	(void)state;
	for (i = 0; i < 254; i++)
		name[i] = i % 2 ? '.' : 'a';
	name[253] = '\0';	/* "a.a. ... a": 253 octets */
	assert_true(dkim_name_ok(name));
	name[253] = 'x';	/* the last label "ax" */
	name[254] = '\0';
	assert_false(dkim_name_ok(name));
}

static void txt_record_short_key(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = dkim_txt_format("s1", "lab.example", "QUJD", buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "s1._domainkey.lab.example. IN TXT ( "
			    "\"v=DKIM1; k=rsa; \"\n\t\"p=QUJD\" )\n");
}

/* Strings of 64 octets at most, "p=" in the first: the key is whole. */
static void txt_record_long_key_in_strings(void **state)
{
	char key[401], buf[1024], joined[512] = "", *p, *q;
	size_t n;

	(void)state;
	memset(key, 'K', sizeof(key) - 1);
	key[400] = '\0';
	n = dkim_txt_format("s", "d.example", key, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	for (p = strchr(buf, '"'); p; p = strchr(q + 1, '"')) {
		q = strchr(p + 1, '"');
		assert_non_null(q);
		assert_true(q - p - 1 <= 64);
		strncat(joined, p + 1, (size_t)(q - p - 1));
	}
	assert_memory_equal(joined, "v=DKIM1; k=rsa; p=", 18);
	assert_string_equal(joined + 18, key);
}

static void txt_record_cut_short_says_how_much(void **state)
{
	char whole[256], part[20];
	size_t n;

	(void)state;
	n = dkim_txt_format("s1", "lab.example", "QUJD", whole,
			    sizeof(whole));
	assert_int_equal(dkim_txt_format("s1", "lab.example", "QUJD", part,
					 sizeof(part)), n);
	assert_int_equal(strlen(part), sizeof(part) - 1);
	assert_memory_equal(part, whole, sizeof(part) - 1);
	assert_int_equal(dkim_txt_format("s1", "lab.example", "QUJD", NULL,
					 0), n);
}

int main(void)
{
	struct CMUnitTest t[ARRAY_SIZE(name_cases) + 4] = {
		cmocka_unit_test(name_of_254_octets_refused),
		cmocka_unit_test(txt_record_short_key),
		cmocka_unit_test(txt_record_long_key_in_strings),
		cmocka_unit_test(txt_record_cut_short_says_how_much),
	};
	size_t n = 4;

	TEST_TABLE(t, n, name_cases, run_name);
	return _cmocka_run_group_tests("dkim_record", t, n, NULL, NULL);
}
