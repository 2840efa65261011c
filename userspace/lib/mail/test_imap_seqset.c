// SPDX-License-Identifier: GPL-2.0
/* Unit tests for imap_seqset.c, one case per behaviour. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>
#include "imap_seqset.h"
#include "test_table.h"

struct seq_case {
	const char *name;
	const char *set;
	int ret;
	uint32_t max;
	const char *members;	/* for 1..10: '1' in, '0' out */
};

static const struct seq_case cases[] = {
	{ "one number", "3", 0, 10, "0010000000" },
	{ "a range", "2:4", 0, 10, "0111000000" },
	{ "a range backwards", "4:2", 0, 10, "0111000000" },
	{ "a list", "1,3,5:6", 0, 10, "1010110000" },
	{ "star is the largest", "*", 0, 10, "0000000001" },
	{ "range to star", "8:*", 0, 10, "0000000111" },
	{ "star below the other end turns round", "*:9", 0, 7, "0000001110" },
	{ "zero is refused", "0", -EINVAL, 0, NULL },
	{ "leading zero is refused", "01", -EINVAL, 0, NULL },
	{ "empty is refused", "", -EINVAL, 0, NULL },
	{ "trailing comma is refused", "1,", -EINVAL, 0, NULL },
	{ "letters are refused", "1:a", -EINVAL, 0, NULL },
	{ "too large is refused", "4294967295", -EINVAL, 0, NULL },
};

static void run(void **state)
{
	const struct seq_case *c = *state;
	struct imap_seqset set;
	uint32_t v;

	assert_int_equal(imap_seqset_parse(c->set, &set), c->ret);
	if (c->ret)
		return;
	for (v = 1; v <= 10; v++)
		assert_int_equal(imap_seqset_has(&set, v, c->max),
				 c->members[v - 1] == '1');
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases)];
	size_t n = 0;

	TEST_TABLE(tests, n, cases, run);
	return cmocka_run_group_tests_name("imap_seqset", tests, NULL, NULL);
}
