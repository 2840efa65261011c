// SPDX-License-Identifier: GPL-2.0
/* IMAP sequence sets: parsing "a:b,c" and testing membership. */
#include <errno.h>
#include <stdlib.h>

#include "imap_seqset.h"

/* A number (no leading zero, 1..2^32-1) or '*'; advances @s. */
static int seq_number(const char **s, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p = *s;

	if (*p == '*') {
		*out = IMAP_SEQ_STAR;
		*s = p + 1;
		return 0;
	}
	if (*p < '1' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long long)(*p++ - '0');
		if (v >= IMAP_SEQ_STAR)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	*s = p;
	return 0;
}

int imap_seqset_parse(const char *s, struct imap_seqset *set)
{
	uint32_t a, b;

	set->n = 0;
	for (;;) {
		if (set->n == IMAP_SEQSET_MAX || seq_number(&s, &a))
			return -EINVAL;
		b = a;
		if (*s == ':') {
			s++;
			if (seq_number(&s, &b))
				return -EINVAL;
		}
		set->r[set->n].lo = a < b ? a : b;
		set->r[set->n].hi = a < b ? b : a;
		set->n++;
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

bool imap_seqset_has(const struct imap_seqset *set, uint32_t v, uint32_t max)
{
	uint32_t lo, hi, t;
	int i;

	for (i = 0; i < set->n; i++) {
		lo = set->r[i].lo == IMAP_SEQ_STAR ? max : set->r[i].lo;
		hi = set->r[i].hi == IMAP_SEQ_STAR ? max : set->r[i].hi;
		if (lo > hi) {
			t = lo;
			lo = hi;
			hi = t;
		}
		if (v >= lo && v <= hi)
			return true;
	}
	return false;
}
