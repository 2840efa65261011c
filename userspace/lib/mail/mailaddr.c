// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 5321 path parser: splits a path into local part and domain the way
 * delivery and relay decisions must see it, whatever the local part holds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "mailaddr.h"
#include "mailpath.h"


static int fail(const char **err_r, int ret, const char *why)
{
	*err_r = why;
	return ret;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether @s starts with @lower_prefix, ignoring ASCII case. */
static bool ascii_prefix(const char *s, const char *lower_prefix)
{
	for (; *lower_prefix; s++, lower_prefix++)
		if (ascii_lower(*s) != *lower_prefix)
			return false;
	return true;
}

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* RFC 5322 atext, and UTF-8 (RFC 6531), already checked as a whole. */
static bool is_atext(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/*
 * The length of the valid UTF-8 sequence at @s, or 0 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF). @s is
 * NUL-terminated, so each byte is read only after the one before matched.
 */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Non-ASCII only with SMTPUTF8, and then only as valid UTF-8. */
static int check_utf8(const char *path, bool allow_utf8, const char **err_r)
{
	const unsigned char *p = (const unsigned char *)path;
	size_t n;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (!allow_utf8)
			return fail(err_r, -EINVAL,
				    "Non-ASCII address without SMTPUTF8");
		n = utf8_seq(p);
		if (!n)
			return fail(err_r, -EINVAL, "Bad UTF-8 in address");
		p += n;
	}
	return 0;
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 4.1.3). */
static bool literal_ok(const char *d, size_t len)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char ip[INET6_ADDRSTRLEN + 8];
	int af = AF_INET;

	if (len < 3 || d[len - 1] != ']' || len - 2 >= sizeof(ip))
		return false;
	memcpy(ip, d + 1, len - 2);
	ip[len - 2] = '\0';
	if (ascii_prefix(ip, "ipv6:")) {
		af = AF_INET6;
		memmove(ip, ip + 5, len - 2 - 5 + 1);
	}
	return inet_pton(af, ip, bin) == 1;
}

/*
 * RFC 5321 Quoted-string: qtextSMTP is printable ASCII but '"' and '\',
 * quoted-pairSMTP a '\' and printable ASCII; UTF-8 in qtext (RFC 6531).
 */
static bool quoted_ok(const char *l, size_t len)
{
	size_t i;

	for (i = 1; i < len - 1; i++) {
		unsigned char c = l[i];

		if (c == '\\')
			c = l[++i];
		else if (c == '"')
			return false;
		if (c < 0x20 || c == 0x7f || i >= len - 1)
			return false;
	}
	return true;
}

/* Dot-string: atoms of atext joined by single dots. */
static bool dot_string_ok(const char *l, size_t len)
{
	size_t i;

	if (!len || l[0] == '.' || l[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (l[i] == '.' ? l[i + 1] == '.' : !is_atext(l[i]))
			return false;
	}
	return true;
}

static int parse_local(const char *l, size_t len, struct mailaddr *a,
		       const char **err_r)
{
	if (len > MAILADDR_LOCAL_MAX)
		return fail(err_r, -E2BIG, "Local part too long");
	a->quoted = *l == '"';
	if (a->quoted ? !quoted_ok(l, len) : !dot_string_ok(l, len))
		return fail(err_r, -EINVAL, "Bad local part syntax");
	memcpy(a->local, l, len);
	a->local[len] = '\0';
	a->relay_syntax = strpbrk(a->local, "%!@");
	return 0;
}

static int parse_domain(const char *d, struct mailaddr *a, const char **err_r)
{
	size_t i, len = strlen(d);

	if (!len)
		return fail(err_r, -EINVAL, "Domain missing");
	if (len > MAILADDR_DOMAIN_MAX)
		return fail(err_r, -E2BIG, "Domain too long");
	if (*d == '[' ? !literal_ok(d, len) :
	    !nfpost_mailpath_domain_ok(d, len))
		return fail(err_r, -EINVAL, "Bad domain syntax");
	for (i = 0; i <= len; i++)
		a->domain[i] = ascii_lower(d[i]);
	/* RFC 5321 writes the tag so; keep it handable to other MTAs. */
	if (!strncmp(a->domain, "[ipv6:", 6))
		memcpy(a->domain + 1, "IPv6", 4);
	return 0;
}

/* The split is kmod/proto/mailpath.c's, the one the packet path makes. */
static int parse_mailbox(const char *p, struct mailaddr *a,
			 const char **err_r)
{
	struct nfpost_mailpath mp;
	int ret;

	ret = nfpost_mailpath_split(p, &mp, err_r);
	if (ret)
		return ret;
	a->routed = mp.routed;
	ret = parse_local(p + mp.local_off, mp.local_len, a, err_r);
	return ret ? ret : parse_domain(p + mp.domain_off, a, err_r);
}

static bool has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

static int parse(const char *path, bool allow_null, bool allow_utf8,
		 struct mailaddr *a, const char **err_r)
{
	int ret;

	if (!*path) {
		a->null = true;
		return allow_null ? 0 :
		       fail(err_r, -EINVAL, "Null address not allowed here");
	}
	/* The limit counts the angle brackets (RFC 5321 4.5.3.1.3). */
	if (strlen(path) + 2 > MAILADDR_PATH_MAX)
		return fail(err_r, -E2BIG, "Path too long");
	ret = check_utf8(path, allow_utf8, err_r);
	if (!ret)
		ret = parse_mailbox(path, a, err_r);
	a->utf8 = has_8bit(a->local) || has_8bit(a->domain);
	return ret;
}

int mailaddr_parse(const char *path, bool allow_null, bool allow_utf8,
		   struct mailaddr *a, const char **err_r)
{
	const char *err = NULL;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = parse(path, allow_null, allow_utf8, a, &err);
	if (ret)
		memset(a, 0, sizeof(*a));
	if (err_r)
		*err_r = err;
	return ret;
}

int mailaddr_format(const struct mailaddr *a, char *buf, size_t len)
{
	int n;

	if (a->null)
		n = snprintf(buf, len, "%s", "");
	else
		n = snprintf(buf, len, "%s@%s", a->local, a->domain);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

bool mailaddr_domain_eq(const char *a, const char *b)
{
	for (; *a && ascii_lower(*a) == ascii_lower(*b); a++, b++)
		;
	return ascii_lower(*a) == ascii_lower(*b);
}
