// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the lines `nfpost web --replay` accepts (web_line.c): what
 * may reach a browser as one SSE data line, and the time that paces it.
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
#include "web.h"

static const struct {
	const char *line;
	bool ok;
} lines[] = {
	{ "{\"event\":\"new-station\"}", true },
	{ "{}", true },
	{ "{\"ifname\":\"caf\xc3\xa9\"}", true },	/* UTF-8 passes */
	{ "", false },
	{ "{", false },
	{ "[1,2]", false },				/* not an object */
	{ "{\"a\":1} trailing", false },
	{ " {\"a\":1}", false },
	{ "{\"a\":\"b\rdata: x\"}", false },		/* would split the frame */
	{ "{\"a\":\"b\ndata: x\"}", false },
	{ "{\"a\":\"\tb\"}", false },
	{ "{\"a\":\"\x7f\"}", false },
};

static void line_ok_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		print_message("case %zu: %s\n", i, lines[i].line);
		assert_int_equal(web_line_ok(lines[i].line, strlen(lines[i].line)),
				 lines[i].ok);
	}
}

/* A NUL inside counts as a control byte, not as the end of the line. */
static void line_ok_nul_inside(void **state)
{
	static const char line[] = "{\"a\":\"\0\"}";

	(void)state;
	assert_false(web_line_ok(line, sizeof(line) - 1));
}

static void line_ok_length_bound(void **state)
{
	char *line = malloc(WEB_LINE_MAX + 1);

	(void)state;
	memset(line, 'x', WEB_LINE_MAX);
	line[0] = '{';
	line[WEB_LINE_MAX - 2] = '}';
	assert_true(web_line_ok(line, WEB_LINE_MAX - 1));
	line[WEB_LINE_MAX - 1] = '}';
	assert_false(web_line_ok(line, WEB_LINE_MAX));
	free(line);
}

static const struct {
	const char *line;
	int ret;
	uint64_t ns;
} times[] = {
	{ "{\"time\":\"1970-01-01T00:00:01.000002Z\",\"event\":\"x\"}", 0,
	  1000002000ULL },
	{ "{\"time\":\"2026-11-27T08:01:31.123456Z\"}", 0,
	  1795766491123456000ULL },
	{ "{\"time\":\"2026-11-27T08:01:31Z\"}", 0, 1795766491000000000ULL },
	{ "{\"event\":\"x\"}", -ENOENT, 0 },
	{ "{\"time\":\"2026-11-27 08:01:31Z\"}", -EINVAL, 0 },
	{ "{\"time\":\"2026-11-27T08:01:31.12Z\"}", -EINVAL, 0 },
	{ "{\"time\":\"2026-11-27T08:01:31.123456\"}", -EINVAL, 0 },
	{ "{\"time\":\"2026-13-27T08:01:31Z\"}", -EINVAL, 0 },
	{ "{\"time\":\"2026", -EINVAL, 0 },
	{ "{\"time\":\"", -EINVAL, 0 },
};

static void line_time_table(void **state)
{
	uint64_t ns;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		print_message("case %zu: %s\n", i, times[i].line);
		ns = 0;
		assert_int_equal(web_line_time(times[i].line, &ns), times[i].ret);
		if (!times[i].ret)
			assert_int_equal(ns, times[i].ns);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_ok_table),
		cmocka_unit_test(line_ok_nul_inside),
		cmocka_unit_test(line_ok_length_bound),
		cmocka_unit_test(line_time_table),
	};

	return cmocka_run_group_tests_name("nfpost web lines", tests, NULL, NULL);
}
