// SPDX-License-Identifier: GPL-2.0
/* RFC 3461's parameters: xtext both ways, RET, ENVID, NOTIFY and ORCPT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dsn_param.h"

static const char hexdigits[] = "0123456789ABCDEF";

/* ASCII only: the daemon may run under any locale. */
static bool caseeq(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? *a - 'a' + 'A' : *a;

		if (x != *b)
			return false;
	}
	return true;
}

void xtext_dec_init(struct xtext_dec *d, char *out, size_t cap)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
	d->cap = cap;
	if (cap)
		out[0] = '\0';
	else
		d->err = -ENOSPC;
}

static void put(struct xtext_dec *d, int c)
{
	if (c < 0x20 || c > 0x7e) {
		d->err = -EINVAL;
		return;
	}
	if (d->len + 1 >= d->cap) {
		d->err = -ENOSPC;
		return;
	}
	d->out[d->len++] = (char)c;
	d->out[d->len] = '\0';
}

static void step(struct xtext_dec *d, unsigned char c)
{
	const char *h;

	if (d->state) {
		h = c ? strchr(hexdigits, c) : NULL;
		if (!h) {
			d->err = -EINVAL;
			return;
		}
		d->hex = d->hex * 16 + (int)(h - hexdigits);
		if (--d->state == 0)
			put(d, d->hex);
		return;
	}
	if (c == '+') {
		d->state = 2;
		d->hex = 0;
	} else if (c < '!' || c > '~' || c == '=') {
		d->err = -EINVAL;
	} else {
		put(d, c);
	}
}

void xtext_dec_feed(struct xtext_dec *d, const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n && !d->err; i++)
		step(d, (unsigned char)in[i]);
}

int xtext_dec_end(struct xtext_dec *d)
{
	if (!d->err && d->state)
		d->err = -EINVAL;
	return d->err;
}

int xtext_decode(const char *in, char *out, size_t cap)
{
	struct xtext_dec d;

	xtext_dec_init(&d, out, cap);
	xtext_dec_feed(&d, in, strlen(in));
	return xtext_dec_end(&d);
}

size_t xtext_encode(const char *in, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	bool room = cap > 0;
	size_t n = 0, elen;

	if (cap)
		out[0] = '\0';
	for (; *p; p++, n += elen) {
		char enc[4] = { (char)*p, '\0' };

		if (*p < '!' || *p > '~' || *p == '+' || *p == '=') {
			enc[0] = '+';
			enc[1] = hexdigits[*p >> 4];
			enc[2] = hexdigits[*p & 15];
			enc[3] = '\0';
		}
		elen = strlen(enc);
		/* Once something does not fit, nothing after it is written. */
		room = room && n + elen < cap;
		if (room)
			memcpy(out + n, enc, elen + 1);
	}
	return n;
}

int dsn_ret_parse(const char *value, enum dsn_ret *ret_r)
{
	if (!value || strlen(value) != 4)
		return -EINVAL;
	if (caseeq(value, "FULL", 4))
		*ret_r = DSN_RET_FULL;
	else if (caseeq(value, "HDRS", 4))
		*ret_r = DSN_RET_HDRS;
	else
		return -EINVAL;
	return 0;
}

int dsn_envid_check(const char *value)
{
	char buf[DSN_ENVID_MAX + 1];

	if (!value || !*value || strlen(value) > DSN_ENVID_MAX)
		return -EINVAL;
	return xtext_decode(value, buf, sizeof(buf)) ? -EINVAL : 0;
}

static const struct {
	const char *name;
	unsigned int bit;
} notify_words[] = {
	{ "NEVER", DSN_NOTIFY_NEVER },
	{ "SUCCESS", DSN_NOTIFY_SUCCESS },
	{ "FAILURE", DSN_NOTIFY_FAILURE },
	{ "DELAY", DSN_NOTIFY_DELAY },
};

#define NWORDS	(sizeof(notify_words) / sizeof(notify_words[0]))

static unsigned int notify_word(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < NWORDS; i++)
		if (strlen(notify_words[i].name) == len &&
		    caseeq(p, notify_words[i].name, len))
			return notify_words[i].bit;
	return 0;
}

int dsn_notify_parse(const char *value, unsigned int *notify_r)
{
	unsigned int n = 0, bit;
	const char *p = value;
	size_t len;

	if (!value || !*value)
		return -EINVAL;
	for (;;) {
		len = strcspn(p, ",");
		bit = notify_word(p, len);
		if (!bit || (n & bit))
			return -EINVAL;	/* unknown, empty or repeated */
		n |= bit;
		if (!p[len])
			break;
		p += len + 1;
	}
	/* RFC 3461 4.1: NEVER stands alone. */
	if ((n & DSN_NOTIFY_NEVER) && n != DSN_NOTIFY_NEVER)
		return -EINVAL;
	*notify_r = n;
	return 0;
}

/* RFC 5322 atext. */
static bool is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~",
						      c));
}

int dsn_orcpt_check(const char *value)
{
	char buf[DSN_ORCPT_MAX + 1];
	const char *p;

	if (!value || strlen(value) > DSN_ORCPT_MAX)
		return -EINVAL;
	for (p = value; *p != ';'; p++)
		if (!is_atext(*p))
			return -EINVAL;
	if (p == value || !p[1])
		return -EINVAL;
	return xtext_decode(p + 1, buf, sizeof(buf)) ? -EINVAL : 0;
}

const char *dsn_ret_name(enum dsn_ret ret)
{
	return ret == DSN_RET_FULL ? "FULL" : ret == DSN_RET_HDRS ? "HDRS" :
	       "";
}

const char *dsn_notify_format(unsigned int notify, char *buf, size_t len)
{
	size_t i, off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < NWORDS; i++) {
		if (!(notify & notify_words[i].bit) || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? "," : "", notify_words[i].name);
	}
	return buf;
}
