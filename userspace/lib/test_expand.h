/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For cmocka tests of parsers with length limits: "{x*510}" in a case's text
 * stands for 510 'x', so that cases at the limits stay readable.
 */
#ifndef NFPOST_TEST_EXPAND_H
#define NFPOST_TEST_EXPAND_H

#include <stdlib.h>
#include <string.h>

/* Expands @len bytes of @s into @out if not NULL; returns the length. */
static inline size_t test_expand_into(char *out, const char *s, size_t len)
{
	size_t i, n = 0, rep;
	char *end;

	for (i = 0; i < len; i++) {
		if (s[i] == '{' && i + 3 < len && s[i + 2] == '*') {
			rep = strtoul(s + i + 3, &end, 10);
			if (*end == '}' && end > s + i + 3) {
				if (out)
					memset(out + n, s[i + 1], rep);
				n += rep;
				i = end - s;
				continue;
			}
		}
		if (out)
			out[n] = s[i];
		n++;
	}
	return n;
}

/* A NUL-terminated, malloc'ed expansion; its length in *@len_r if asked. */
static inline char *test_expand(const char *s, size_t len, size_t *len_r)
{
	size_t n = test_expand_into(NULL, s, len);
	char *out = malloc(n + 1);

	assert_non_null(out);
	test_expand_into(out, s, len);
	out[n] = '\0';
	if (len_r)
		*len_r = n;
	return out;
}

#endif /* NFPOST_TEST_EXPAND_H */
