/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For cmocka tests: expands a table of cases into one test per case, named
 * by the case, so that TAP counts and names every behaviour on its own.
 */
#ifndef NFPOST_TEST_TABLE_H
#define NFPOST_TEST_TABLE_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Each case struct must start with `const char *name`. */
static inline size_t test_table_add(struct CMUnitTest *t, size_t n,
				    const void *cases, size_t count,
				    size_t size, CMUnitTestFunction fn)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const char *c = (const char *)cases + i * size;

		t[n].name = *(const char *const *)c;
		t[n].test_func = fn;
		t[n].setup_func = NULL;
		t[n].teardown_func = NULL;
		t[n].initial_state = (void *)c;
		n++;
	}
	return n;
}

#define TEST_TABLE(t, n, cases, fn) \
	((n) = test_table_add(t, n, cases, ARRAY_SIZE(cases), \
			      sizeof((cases)[0]), fn))

#endif /* NFPOST_TEST_TABLE_H */
