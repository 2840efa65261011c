// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for mailaddr.c: which domain an address really names, whatever
 * its local part holds, and the RFC 5321 limits on each part.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailaddr.h"
#include "test_expand.h"
#include "test_table.h"

#define N	0x01	/* null */
#define Q	0x02	/* quoted */
#define R	0x04	/* routed */
#define X	0x08	/* relay_syntax */
#define U	0x10	/* utf8 */

static char *expand(const char *s)
{
	return test_expand(s, strlen(s), NULL);
}

#define OK(n, p, l, d, f) \
	{ .name = n, .path = p, .local = l, .domain = d, .flags = f }
#define OK_UTF8(n, p, l, d, f) \
	{ .name = n, .path = p, .utf8 = true, .local = l, .domain = d, \
	  .flags = f }
#define FAILS(n, p, r, e) \
	{ .name = n, .path = p, .ret = r, .err = e }
#define FAILS_UTF8(n, p, r, e) \
	{ .name = n, .path = p, .utf8 = true, .ret = r, .err = e }

static const struct addr_case {
	const char *name;
	const char *path;
	bool null;		/* allow_null */
	bool utf8;		/* allow_utf8 */
	int ret;
	const char *local;
	const char *domain;
	unsigned int flags;	/* N Q R X U */
	const char *err;
} addr_cases[] = {
	OK("addr_plain", "user@example.com", "user", "example.com", 0),
	OK("addr_domain_lower_cased_local_kept", "User@Example.COM", "User",
	   "example.com", 0),
	OK("addr_dot_string_local", "first.last@example.com", "first.last",
	   "example.com", 0),
	OK("addr_atext_specials", "a#$&'*+-/=?^_`{|}~b@example.com",
	   "a#$&'*+-/=?^_`{|}~b", "example.com", 0),
	OK("addr_single_label_domain", "root@localhost", "root", "localhost",
	   0),
	OK("addr_inner_hyphen_in_label", "a@x-y.example", "a", "x-y.example",
	   0),
	OK("addr_percent_hack_names_the_last_domain",
	   "user%evil.com@lab.example", "user%evil.com", "lab.example", X),
	OK("addr_bang_path_names_the_last_domain",
	   "evil.com!user@lab.example", "evil.com!user", "lab.example", X),
	OK("addr_quoted_at_names_the_outer_domain",
	   "\"user@evil.com\"@lab.example", "\"user@evil.com\"",
	   "lab.example", Q | X),
	OK("addr_quoted_space", "\"john doe\"@x.example", "\"john doe\"",
	   "x.example", Q),
	OK("addr_quoted_pair", "\"a\\\"b\"@x.example", "\"a\\\"b\"",
	   "x.example", Q),
	OK("addr_quoted_empty", "\"\"@x.example", "\"\"", "x.example", Q),
	OK("addr_source_route_dropped", "@relay.example:user@evil.com", "user",
	   "evil.com", R),
	OK("addr_source_route_two_hops_dropped",
	   "@a.example,@b.example:user@c.example", "user", "c.example", R),
	OK("addr_ipv4_literal", "user@[192.0.2.1]", "user", "[192.0.2.1]", 0),
	OK("addr_ipv6_literal_lower_cased_tag_kept",
	   "user@[IPv6:2001:DB8::1]", "user", "[IPv6:2001:db8::1]", 0),
	OK("addr_ipv6_literal_any_case_tag", "user@[ipv6:::1]", "user",
	   "[IPv6:::1]", 0),
	OK("addr_label_of_63", "a@{b*63}.example", "a", "{b*63}.example", 0),
	OK("addr_local_of_64", "{l*64}@x.example", "{l*64}", "x.example", 0),
	OK("addr_path_of_256_with_brackets",
	   "a@{b*63}.{c*63}.{d*63}.{e*60}", "a",
	   "{b*63}.{c*63}.{d*63}.{e*60}", 0),
	{ .name = "addr_null_path_allowed", .path = "", .null = true,
	  .local = "", .domain = "", .flags = N },
	OK_UTF8("addr_utf8_local_with_smtputf8", "caf\xc3\xa9@x.example",
		"caf\xc3\xa9", "x.example", U),
	OK_UTF8("addr_utf8_domain_ascii_lower_cased", "a@B\xc3\xbcRO.Example",
		"a", "b\xc3\xbcro.example", U),
	OK_UTF8("addr_utf8_four_byte_sequence", "\xf0\x9f\x98\x80@x.example",
		"\xf0\x9f\x98\x80", "x.example", U),
	OK_UTF8("addr_utf8_allowed_but_ascii", "a@x.example", "a",
		"x.example", 0),
	FAILS("addr_null_path_refused", "", -EINVAL,
	      "Null address not allowed here"),
	FAILS("addr_without_at_refused", "postmaster", -EINVAL,
	      "Domain missing"),
	FAILS("addr_quoted_without_domain_refused", "\"a@b\"", -EINVAL,
	      "Domain missing"),
	FAILS("addr_empty_domain_refused", "user@", -EINVAL,
	      "Domain missing"),
	FAILS("addr_at_first_is_a_source_route", "@x.example", -EINVAL,
	      "Bad source route"),
	FAILS("addr_leading_dot_local", ".a@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_trailing_dot_local", "a.@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_double_dot_local", "a..b@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_space_in_local", "a b@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_control_in_local", "a\x01@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_two_ats_unquoted", "a@b@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_quote_unterminated", "\"abc@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_text_after_quote", "\"a\"b@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_tab_in_quotes", "\"a\tb\"@x.example", -EINVAL,
	      "Bad local part syntax"),
	FAILS("addr_source_route_bad_domain", "@-a.example:user@c.example",
	      -EINVAL, "Bad source route"),
	FAILS("addr_source_route_without_colon", "@a.example,user@c.example",
	      -EINVAL, "Bad source route"),
	FAILS("addr_source_route_ending_in_comma", "@a.example,", -EINVAL,
	      "Bad source route"),
	FAILS("addr_source_route_empty_hop", "@a.example,:user@c.example",
	      -EINVAL, "Bad source route"),
	FAILS("addr_leading_hyphen_in_label", "a@-x.example", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_trailing_hyphen_in_label", "a@x-.example", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_empty_label", "a@x..example", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_trailing_dot_in_domain", "a@x.example.", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_leading_dot_in_domain", "a@.x.example", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_underscore_in_label", "a@x_y.example", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_label_of_64", "a@{b*64}.example", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_ipv4_octet_over_255", "a@[192.0.2.256]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_ipv4_three_octets", "a@[192.0.2]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_ipv4_leading_zero", "a@[192.0.2.01]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_ipv6_bad_digit", "a@[IPv6:2001:db8::g]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_ipv6_without_tag", "a@[2001:db8::1]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_ipv4_under_ipv6_tag", "a@[IPv6:192.0.2.1]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_literal_unclosed", "a@[192.0.2.1", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_general_literal_refused", "a@[x400:c=fr]", -EINVAL,
	      "Bad domain syntax"),
	FAILS("addr_local_of_65", "{l*65}@x.example", -E2BIG,
	      "Local part too long"),
	FAILS("addr_path_of_257_with_brackets",
	      "ab@{b*63}.{c*63}.{d*63}.{e*60}", -E2BIG, "Path too long"),
	FAILS("addr_utf8_without_smtputf8", "caf\xc3\xa9@x.example", -EINVAL,
	      "Non-ASCII address without SMTPUTF8"),
	FAILS_UTF8("addr_utf8_overlong", "\xc0\xaf@x.example", -EINVAL,
		   "Bad UTF-8 in address"),
	FAILS_UTF8("addr_utf8_overlong_three_bytes", "\xe0\x80\xaf@x.example",
		   -EINVAL, "Bad UTF-8 in address"),
	FAILS_UTF8("addr_utf8_surrogate", "\xed\xa0\x80@x.example", -EINVAL,
		   "Bad UTF-8 in address"),
	FAILS_UTF8("addr_utf8_above_10ffff", "\xf4\x90\x80\x80@x.example",
		   -EINVAL, "Bad UTF-8 in address"),
	FAILS_UTF8("addr_utf8_truncated", "caf\xc3@x.example", -EINVAL,
		   "Bad UTF-8 in address"),
	FAILS_UTF8("addr_utf8_lone_continuation", "\x80@x.example", -EINVAL,
		   "Bad UTF-8 in address"),
};

static unsigned int flags_of(const struct mailaddr *a)
{
	return (a->null ? N : 0) | (a->quoted ? Q : 0) | (a->routed ? R : 0) |
	       (a->relay_syntax ? X : 0) | (a->utf8 ? U : 0);
}

static void run_addr(void **state)
{
	const struct addr_case *c = *state;
	char *path = expand(c->path);
	const char *err = "unset";
	struct mailaddr a;
	char *local, *domain;
	int ret;

	ret = mailaddr_parse(path, c->null, c->utf8, &a, &err);
	free(path);
	assert_int_equal(ret, c->ret);
	if (ret) {
		assert_string_equal(err, c->err);
		return;
	}
	assert_null(err);
	local = expand(c->local);
	domain = expand(c->domain);
	assert_string_equal(a.local, local);
	assert_string_equal(a.domain, domain);
	assert_int_equal(flags_of(&a), c->flags);
	free(local);
	free(domain);
}

static void format_joins_local_and_domain(void **state)
{
	struct mailaddr a;
	char buf[32];

	(void)state;
	assert_int_equal(mailaddr_parse("User@Example.COM", false, false, &a,
					NULL), 0);
	assert_int_equal(mailaddr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "User@example.com");
	assert_int_equal(mailaddr_format(&a, buf, 17), 0);
	assert_int_equal(mailaddr_format(&a, buf, 16), -ENOSPC);
	assert_int_equal(mailaddr_format(&a, NULL, 0), -ENOSPC);
}

static void format_null_path_is_empty(void **state)
{
	struct mailaddr a;
	char buf[4] = "x";

	(void)state;
	assert_int_equal(mailaddr_parse("", true, false, &a, NULL), 0);
	assert_int_equal(mailaddr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void format_drops_the_source_route(void **state)
{
	struct mailaddr a;
	char buf[64];

	(void)state;
	assert_int_equal(mailaddr_parse("@r.example:u@D.example", false, false,
					&a, NULL), 0);
	assert_int_equal(mailaddr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "u@d.example");
}

static const struct eq_case {
	const char *name;
	const char *a, *b;
	bool eq;
} eq_cases[] = {
	{ "domain_eq_same", "lab.example", "lab.example", true },
	{ "domain_eq_ignores_ascii_case", "Lab.EXAMPLE", "lab.example", true },
	{ "domain_eq_prefix_differs", "lab.example", "lab.example.com",
	  false },
	{ "domain_eq_longer_first_differs", "lab.examples", "lab.example",
	  false },
	{ "domain_eq_empty_vs_empty", "", "", true },
	{ "domain_eq_8bit_compared_exactly", "b\xc3\xbcro", "b\xc3\x9cro",
	  false },
};

static void run_eq(void **state)
{
	const struct eq_case *c = *state;

	assert_int_equal(mailaddr_domain_eq(c->a, c->b), c->eq);
	assert_int_equal(mailaddr_domain_eq(c->b, c->a), c->eq);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(addr_cases) +
				ARRAY_SIZE(eq_cases) + 3] = {
		cmocka_unit_test(format_joins_local_and_domain),
		cmocka_unit_test(format_null_path_is_empty),
		cmocka_unit_test(format_drops_the_source_route),
	};
	size_t n = 3;

	TEST_TABLE(tests, n, addr_cases, run_addr);
	TEST_TABLE(tests, n, eq_cases, run_eq);
	return cmocka_run_group_tests_name("mailaddr", tests, NULL, NULL);
}
