// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the saved-table line parser (watchfile.c): a table of lines
 * with what each must give, every prefix of a valid line, and the round
 * trip through the formatter.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "watchfile.h"

struct line_case {
	const char *name;
	const char *line;
	int want;		/* 1, 0 or -EINVAL */
	const char *err;	/* part of the message, for -EINVAL */
	const char *ip, *mac, *dev;
	bool is_static;
};

#define GOOD(n, l, i, m, d, st) \
	{ .name = n, .line = l, .want = 1, .ip = i, .mac = m, .dev = d, \
	  .is_static = st }
#define SKIPPED(n, l)	{ .name = n, .line = l, .want = 0 }
#define BAD(n, l, e)	{ .name = n, .line = l, .want = -EINVAL, .err = e }

static const struct line_case cases[] = {
	GOOD("learned_line", "10.0.0.1 02:00:00:00:00:01 br0 learned\n",
	     "10.0.0.1", "\x02\0\0\0\0\x01", "br0", false),
	GOOD("static_line_tabs_crlf",
	     "10.0.0.2\t02:00:00:00:00:02\teth0\tstatic\r\n",
	     "10.0.0.2", "\x02\0\0\0\0\x02", "eth0", true),
	GOOD("arpdat_style_short_octets", "  10.0.0.3 2:0:0:0:0:3 br0 learned",
	     "10.0.0.3", "\x02\0\0\0\0\x03", "br0", false),
	SKIPPED("blank_line", "\n"),
	SKIPPED("spaces_only", " \t \n"),
	SKIPPED("comment", "# nfpost watch save\n"),
	SKIPPED("indented_comment", "   # IP LLADDR DEV KIND\n"),
	BAD("too_few_fields", "10.0.0.1 02:00:00:00:00:01 br0\n", "too few"),
	BAD("too_many_fields", "10.0.0.1 02:00:00:00:00:01 br0 static x\n",
	    "too many"),
	BAD("bad_ip", "10.0.0 02:00:00:00:00:01 br0 static", "IPv4"),
	BAD("zero_ip", "0.0.0.0 02:00:00:00:00:01 br0 static", "IPv4"),
	BAD("bad_mac", "10.0.0.1 02:00:00:00:01 br0 static", "link-layer"),
	BAD("multicast_mac", "10.0.0.1 01:00:5e:00:00:01 br0 static", "unicast"),
	BAD("zero_mac", "10.0.0.1 00:00:00:00:00:00 br0 static", "unicast"),
	BAD("dev_too_long", "10.0.0.1 02:00:00:00:00:01 abcdefghijklmnop static",
	    "interface"),
	BAD("dev_with_slash", "10.0.0.1 02:00:00:00:00:01 br/0 static",
	    "interface"),
	BAD("bad_kind", "10.0.0.1 02:00:00:00:00:01 br0 permanent", "kind"),
};

static void table(void **state)
{
	struct watchfile_entry e;
	const char *err;
	struct in_addr ip;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];

		err = NULL;
		ret = watchfile_parse(c->line, strlen(c->line), &e, &err);
		if (ret != c->want)
			fail_msg("%s: got %d, want %d (%s)", c->name, ret,
				 c->want, err ? err : "");
		if (ret < 0 && (!err || !strstr(err, c->err)))
			fail_msg("%s: message \"%s\" lacks \"%s\"", c->name,
				 err ? err : "(none)", c->err);
		if (ret != 1)
			continue;
		inet_pton(AF_INET, c->ip, &ip);
		assert_int_equal(e.addr.s_addr, ip.s_addr);
		assert_memory_equal(e.lladdr, c->mac, 6);
		assert_string_equal(e.dev, c->dev);
		assert_int_equal(e.is_static, c->is_static);
	}
}

/* NUL, and a line longer than any saved one, say so. */
static void nul_and_long_lines_refused(void **state)
{
	static const char nul[] = "10.0.0.1 02:00:00:00:00:01\0br0 static";
	char big[WATCHFILE_LINE_MAX + 2];
	struct watchfile_entry e;
	const char *err = NULL;

	(void)state;
	assert_int_equal(watchfile_parse(nul, sizeof(nul) - 1, &e, &err), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	memset(big, ' ', sizeof(big));
	big[0] = '#';
	assert_int_equal(watchfile_parse(big, sizeof(big), &e, &err), -EINVAL);
	assert_non_null(strstr(err, "too long"));
}

/* Every prefix of a valid line is judged on its own bytes, none past it. */
static void every_prefix(void **state)
{
	static const char line[] = "10.0.0.1 02:00:00:00:00:01 br0 learned\n";
	struct watchfile_entry e;
	const char *err;
	size_t len;
	int ret;

	(void)state;
	for (len = 0; len < sizeof(line) - 1; len++) {
		char *copy = malloc(len ? len : 1);

		memcpy(copy, line, len);
		ret = watchfile_parse(copy, len, &e, &err);
		/* Only the whole kind word makes a line. */
		assert_int_equal(ret, len >= sizeof(line) - 2 ? 1 :
				 len == 0 ? 0 : -EINVAL);
		free(copy);
	}
}

static void format_parses_back(void **state)
{
	struct watchfile_entry e = { .dev = "br0", .is_static = true,
				     .lladdr = { 0x4a, 0xd2, 0xbc, 0x80, 0x17, 0x26 } };
	struct watchfile_entry back;
	char buf[WATCHFILE_LINE_MAX];
	const char *err;
	int n;

	(void)state;
	inet_pton(AF_INET, "192.168.1.254", &e.addr);
	n = watchfile_format(buf, sizeof(buf), &e);
	assert_string_equal(buf, "192.168.1.254 4a:d2:bc:80:17:26 br0 static\n");
	assert_int_equal(watchfile_parse(buf, n, &back, &err), 1);
	assert_memory_equal(&back, &e, sizeof(e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(nul_and_long_lines_refused),
		cmocka_unit_test(every_prefix),
		cmocka_unit_test(format_parses_back),
	};

	return cmocka_run_group_tests_name("watchfile", tests, NULL, NULL);
}
