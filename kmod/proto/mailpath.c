// SPDX-License-Identifier: GPL-2.0
/*
 * Where a path's domain is: the split that relay decisions depend on, in one
 * place for the daemon and the packet path, so that neither can be fooled
 * into seeing another domain than the other sees.
 */
#include "mailpath.h"

#define LABEL_MAX	63	/* RFC 1035 2.3.4 */

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Letter, digit, hyphen; UTF-8 (RFC 6531 U-labels), checked by the caller. */
static bool ldh(unsigned char c)
{
	return is_alnum(c) || c == '-' || c >= 0x80;
}

bool nfpost_mailpath_domain_ok(const char *d, size_t len)
{
	size_t i, label = 0;

	for (i = 0; i < len; i++) {
		if (d[i] == '.') {
			if (!label || d[i - 1] == '-')
				return false;
			label = 0;
		} else if (!ldh(d[i]) || (d[i] == '-' && !label) ||
			   ++label > LABEL_MAX) {
			return false;
		}
	}
	return label && d[len - 1] != '-';
}

static int fail(const char **why_r, const char *why)
{
	*why_r = why;
	return -EINVAL;
}

/* "@a.example,@b.example:" (RFC 5321 Appendix C): its length, or -EINVAL. */
static int route_len(const char *path, const char **why_r)
{
	const char *p = path, *end;

	for (;;) {
		if (*p != '@')
			return fail(why_r, "Bad source route");
		end = p + 1 + strcspn(p + 1, ",:");
		if (!nfpost_mailpath_domain_ok(p + 1, end - p - 1) || !*end)
			return fail(why_r, "Bad source route");
		if (*end == ':')
			break;
		p = end + 1;
	}
	return end + 1 - path;
}

/* The length of the quoted-string at @p, quotes included, or 0. */
static size_t quoted_len(const char *p)
{
	size_t i;

	for (i = 1; p[i] && p[i] != '"'; i++)
		if (p[i] == '\\' && p[i + 1])
			i++;
	return p[i] == '"' ? i + 1 : 0;
}

static bool relay_syntax(const char *l, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (l[i] == '%' || l[i] == '!' || l[i] == '@')
			return true;
	return false;
}

/*
 * No '@' can be part of a dot-string, so the last one ends the local part
 * (whatever comes before it is that local part's syntax error); after a
 * quoted-string, the '@' right after its closing quote does.
 */
int nfpost_mailpath_split(const char *path, struct nfpost_mailpath *mp,
			  const char **why_r)
{
	const char *p = path, *at;
	size_t q;
	int ret;

	memset(mp, 0, sizeof(*mp));
	if (*p == '@') {
		ret = route_len(p, why_r);
		if (ret < 0)
			return ret;
		mp->routed = true;
		p += ret;
	}
	if (*p == '"') {
		q = quoted_len(p);
		if (!q || (p[q] && p[q] != '@'))
			return fail(why_r, "Bad local part syntax");
		at = p[q] ? p + q : NULL;
		mp->quoted = true;
	} else {
		at = strrchr(p, '@');
	}
	if (!at)
		return fail(why_r, "Domain missing");
	mp->local_off = p - path;
	mp->local_len = at - p;
	mp->domain_off = at + 1 - path;
	mp->domain_len = strlen(at + 1);
	mp->relay_syntax = relay_syntax(p, at - p);
	return 0;
}
