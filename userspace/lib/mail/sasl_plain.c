// SPDX-License-Identifier: GPL-2.0
/*
 * SASL PLAIN responses: strict base64, then RFC 4616's three fields.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "sasl_plain.h"

/* A base64 digit's value, or -1. */
static int digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* One quantum of 4 characters, the last one of @in if @last. */
static int quantum(const unsigned char *q, unsigned char *out, bool last)
{
	int v[4], i, pad = 0;

	for (i = 0; i < 4; i++) {
		if (q[i] == '=' && last && i >= 2) {
			pad++;
			v[i] = 0;
			continue;
		}
		if (pad)
			return -EINVAL;	/* "=A" */
		v[i] = digit(q[i]);
		if (v[i] < 0)
			return -EINVAL;
	}
	/* Canonical: the bits a short quantum drops are zero (RFC 4648 3.5). */
	if ((pad == 2 && (v[1] & 0xf)) || (pad == 1 && (v[2] & 0x3)))
		return -EINVAL;
	out[0] = (unsigned char)(v[0] << 2 | v[1] >> 4);
	out[1] = (unsigned char)(v[1] << 4 | v[2] >> 2);
	out[2] = (unsigned char)(v[2] << 6 | v[3]);
	return 3 - pad;
}

int sasl_b64_decode(const char *in, unsigned char *out, size_t size)
{
	size_t len = strlen(in), i, n = 0;
	unsigned char tmp[3];
	int k;

	if (len % 4)
		return -EINVAL;
	/* Refused before decoding: even with "==" it could not fit. */
	if (!size || len / 4 * 3 > size + 1)
		return -E2BIG;
	for (i = 0; i < len; i += 4) {
		k = quantum((const unsigned char *)in + i, tmp, i + 4 == len);
		if (k < 0)
			return k;
		if (n + (size_t)k >= size)
			return -E2BIG;
		memcpy(out + n, tmp, (size_t)k);
		n += (size_t)k;
	}
	out[n] = '\0';
	return (int)n;
}

int sasl_plain_decode(const char *b64, struct sasl_plain *p)
{
	const char *authz = (const char *)p->buf, *user, *pass;
	size_t zl, ul, pl;
	int n = sasl_b64_decode(b64, p->buf, sizeof(p->buf));

	p->user = p->pass = NULL;
	if (n == -E2BIG)
		return -EACCES;		/* base64, but too long for PLAIN */
	if (n < 0)
		return -EINVAL;
	zl = strnlen(authz, (size_t)n);
	if (zl + 1 >= (size_t)n)
		return -EACCES;		/* no first NUL, or nothing after */
	user = authz + zl + 1;
	ul = strnlen(user, (size_t)n - zl - 1);
	if (zl + ul + 2 > (size_t)n)
		return -EACCES;		/* no second NUL */
	pass = user + ul + 1;
	pl = (size_t)n - zl - ul - 2;
	if (!ul || !pl || ul > SASL_PLAIN_FIELD_MAX ||
	    pl > SASL_PLAIN_FIELD_MAX || strnlen(pass, pl) != pl ||
	    (zl && strcmp(authz, user)))
		return -EACCES;
	p->user = user;
	p->pass = pass;
	return 0;
}
