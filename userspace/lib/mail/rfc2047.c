// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2047 decoding: tokens of header text, each encoded word decoded
 * (B or Q) and converted to UTF-8, the rest copied.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "rfc2047.h"

/* An encoded word's decoded bytes: at most its own length. */
#define WORD_MAX	1024

struct out {
	char *p;
	size_t n, size;
	bool full;
};

static void put(struct out *o, const char *s, size_t len)
{
	size_t room = o->size - 1 - o->n, k = len;

	if (o->full)
		return;
	if (k > room) {
		k = room;
		/* Cut at a UTF-8 character's start, not inside one. */
		while (k && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		o->full = true;
	}
	memcpy(o->p + o->n, s, k);
	o->n += k;
	o->p[o->n] = '\0';
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int b64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Q (RFC 2047 4.2): '_' is a space, =XX a byte. -1 if malformed. */
static ssize_t q_decode(const char *t, size_t len, char *out)
{
	size_t i, n = 0;
	int h, l;

	for (i = 0; i < len; i++) {
		if (t[i] == '_') {
			out[n++] = ' ';
		} else if (t[i] == '=') {
			if (i + 2 >= len)
				return -1;
			h = hex(t[i + 1]);
			l = hex(t[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			out[n++] = (char)(h << 4 | l);
			i += 2;
		} else {
			out[n++] = t[i];
		}
	}
	return (ssize_t)n;
}

/* B: base64, padding optional at the end (as senders do). */
static ssize_t b_decode(const char *t, size_t len, char *out)
{
	unsigned int acc = 0, bits = 0;
	size_t i, n = 0;
	int v;

	for (i = 0; i < len; i++) {
		if (t[i] == '=') {
			for (; i < len; i++)
				if (t[i] != '=')
					return -1;
			break;
		}
		v = b64(t[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6 | (unsigned int)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	return (ssize_t)n;
}

/* @in in @charset to UTF-8 into @o; false if iconv cannot. */
static bool convert(const char *charset, char *in, size_t len, struct out *o)
{
	char buf[3 * WORD_MAX], *dst = buf;
	size_t left = sizeof(buf);
	iconv_t cd;
	bool ok;

	if (!strcasecmp(charset, "utf-8") || !strcasecmp(charset, "us-ascii")) {
		put(o, in, len);
		return true;
	}
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return false;
	ok = iconv(cd, &in, &len, &dst, &left) != (size_t)-1;
	iconv_close(cd);
	if (ok)
		put(o, buf, (size_t)(dst - buf));
	return ok;
}

/*
 * An encoded word at @p (up to @end): its length if it decoded into @o,
 * else 0. "=?" charset ["*" language] "?" B|Q "?" text "?=", no blanks.
 */
static size_t word(const char *p, const char *end, struct out *o)
{
	const char *cs, *q1, *q2, *text, *close, *star;
	char charset[64], raw[WORD_MAX];
	ssize_t n;

	if (end - p < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	cs = p + 2;
	q1 = memchr(cs, '?', (size_t)(end - cs));
	if (!q1 || q1 == cs || q1 + 3 > end || q1[2] != '?')
		return 0;
	q2 = q1 + 2;
	text = q2 + 1;
	for (close = text; close + 1 < end; close++)
		if (close[0] == '?' || close[0] == ' ' || close[0] == '\t' ||
		    close[0] == '\r' || close[0] == '\n')
			break;
	if (close + 1 >= end || close[0] != '?' || close[1] != '=' ||
	    (size_t)(close - text) > WORD_MAX)
		return 0;
	star = memchr(cs, '*', (size_t)(q1 - cs));	/* RFC 2231 5 */
	if ((size_t)((star ? star : q1) - cs) >= sizeof(charset))
		return 0;
	memcpy(charset, cs, (size_t)((star ? star : q1) - cs));
	charset[(star ? star : q1) - cs] = '\0';
	if (q1[1] == 'Q' || q1[1] == 'q')
		n = q_decode(text, (size_t)(close - text), raw);
	else if (q1[1] == 'B' || q1[1] == 'b')
		n = b_decode(text, (size_t)(close - text), raw);
	else
		return 0;
	if (n < 0 || !convert(charset, raw, (size_t)n, o))
		return 0;
	return (size_t)(close + 2 - p);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

ssize_t rfc2047_decode(const char *in, size_t len, char *out, size_t size)
{
	struct out o = { .p = out, .size = size };
	const char *p = in, *end = in + len, *ws = NULL;
	char dec[3 * WORD_MAX + 1];
	bool after_word = false;
	struct out w;
	size_t k;

	out[0] = '\0';
	while (p < end) {
		/* Folding: a line end before a blank is no character. */
		if (*p == '\r' && p + 2 < end && p[1] == '\n' && blank(p[2])) {
			p += 2;
			continue;
		}
		if (*p == '\n' && p + 1 < end && blank(p[1])) {
			p++;
			continue;
		}
		if (blank(*p)) {
			if (!ws)
				ws = p;
			p++;
			continue;
		}
		w = (struct out){ .p = dec, .size = sizeof(dec) };
		k = word(p, end, &w);
		/* RFC 2047 6.2: blanks between two encoded words go. */
		if (ws && !(after_word && k))
			put(&o, ws, (size_t)(p - ws));
		ws = NULL;
		after_word = k != 0;
		if (k) {
			put(&o, dec, w.n);
			p += k;
			continue;
		}
		/* Not an encoded word: up to the next blank is plain text. */
		do {
			put(&o, p, 1);
			p++;
		} while (p < end && !blank(*p) && *p != '\r' && *p != '\n');
	}
	if (ws)
		put(&o, ws, (size_t)(end - ws));
	return o.full ? -E2BIG : (ssize_t)o.n;
}
