/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers written as decimal text without printf: the UID list and the
 * MODSEQ log write one line per message, and at 100,000 messages the
 * format parsing of snprintf() was a tenth of a first SELECT.
 */
#ifndef NFPOST_DECIMAL_H
#define NFPOST_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Writes @v at @p, no NUL; returns its length (1 to 20). */
static inline size_t put_decimal(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

#endif /* NFPOST_DECIMAL_H */
