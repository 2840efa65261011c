// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis of `nfpost mail trace`: a Received: chain whose links do not
 * meet, dates that run backwards, private addresses between organisations,
 * and sender fields that point elsewhere than From:.
 *
 * Only the hops written by the receiving side can be believed; each hop
 * below them is what the host above was told. So the chain is checked link
 * by link (a hop's "from" must be the "by" of the hop below), and the
 * oldest hop still written by the receiving side's organisation is named:
 * its client address is the first fact about the sender that can be
 * trusted.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "trace_check.h"

/* Second-level labels under which registrations sit one level deeper. */
static const char *const second_levels[] = {
	"ac", "co", "com", "edu", "gov", "ne", "net", "or", "org",
};

static bool is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

/* @host lower-cased into @buf, without brackets, "IPv6:" or a final dot. */
static const char *host_norm(const char *host, char *buf, size_t len)
{
	size_t n, i;

	if (host[0] == '[')
		host++;
	if (!strncasecmp(host, "IPv6:", 5))
		host += 5;
	n = strcspn(host, "]");
	if (n && host[n - 1] == '.')
		n--;
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = tolower((unsigned char)host[i]);
	buf[n] = '\0';
	return buf;
}

const char *trace_org(const char *host, char *buf, size_t len)
{
	const char *dots[3] = { NULL, NULL, NULL };
	char h[TRACE_DOMAIN_MAX + 1];
	const char *p, *org;
	size_t i;

	host_norm(host, h, sizeof(h));
	buf[0] = '\0';
	if (is_ip(h)) {
		snprintf(buf, len, "%s", h);
		return buf;
	}
	/* The last three dots, newest first. */
	for (p = h; (p = strchr(p, '.')); p++) {
		dots[2] = dots[1];
		dots[1] = dots[0];
		dots[0] = p;
	}
	if (!dots[0])
		return buf;	/* a bare name: inside some organisation */
	org = dots[1] ? dots[1] + 1 : h;
	if (dots[1] && strlen(dots[0] + 1) == 2) {
		for (i = 0; i < sizeof(second_levels) / sizeof(*second_levels);
		     i++) {
			if ((size_t)(dots[0] - org) ==
				    strlen(second_levels[i]) &&
			    !strncmp(org, second_levels[i], dots[0] - org)) {
				org = dots[2] ? dots[2] + 1 : h;
				break;
			}
		}
	}
	snprintf(buf, len, "%s", org);
	return buf;
}

static bool same_org(const char *a, const char *b)
{
	char oa[TRACE_DOMAIN_MAX + 1], ob[TRACE_DOMAIN_MAX + 1];

	trace_org(a, oa, sizeof(oa));
	trace_org(b, ob, sizeof(ob));
	return oa[0] && !strcmp(oa, ob);
}

static bool same_host(const char *a, const char *b)
{
	char na[TRACE_DOMAIN_MAX + 1], nb[TRACE_DOMAIN_MAX + 1];

	host_norm(a, na, sizeof(na));
	host_norm(b, nb, sizeof(nb));
	return na[0] && !strcmp(na, nb);
}

/*
 * The domain of the first address in a From:-like field, lower-cased: the
 * one in angle brackets, else the addr-spec itself ("" when none).
 */
static void addr_domain(const char *v, size_t len, char *out)
{
	const char *end = v + len, *lt = memchr(v, '<', len), *at = NULL;
	const char *p;
	size_t n = 0;

	if (lt) {
		v = lt + 1;
		p = memchr(v, '>', end - v);
		end = p ? p : end;
	} else {
		p = memchr(v, ',', len);
		end = p ? p : end;
	}
	for (p = v; p < end; p++)
		if (*p == '@')
			at = p;
	out[0] = '\0';
	if (!at)
		return;
	for (p = at + 1; p < end && n < TRACE_DOMAIN_MAX; p++) {
		/* Printed as it is: no control character may pass. */
		if ((unsigned char)*p <= ' ' || *p == 0x7f ||
		    strchr("()>;,", *p))
			break;
		out[n++] = tolower((unsigned char)*p);
	}
	out[n] = '\0';
}

/* @v without comments, for Authentication-Results:. */
static void strip_comments(const char *v, size_t len, char *out, size_t size)
{
	size_t i, n = 0;
	int depth = 0;

	for (i = 0; i < len && n + 1 < size; i++) {
		if (v[i] == '\\' && depth && i + 1 < len)
			i++;
		else if (v[i] == '(')
			depth++;
		else if (v[i] == ')' && depth)
			depth--;
		else if (!depth)	/* printed: no control characters */
			out[n++] = (unsigned char)v[i] < ' ' && v[i] != '\t' ?
				   ' ' : v[i] == 0x7f ? '?' : v[i];
	}
	out[n] = '\0';
}

static void copy_word(char *dst, size_t size, const char *s, const char *stop)
{
	size_t n = strcspn(s, stop);

	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "authserv-id [version]; method[/v]=result props; ..." (RFC 8601 2.2) */
static void auth_parse(struct trace_auth *a, const char *v, size_t len)
{
	char buf[2048], *seg, *save = NULL, *p;

	strip_comments(v, len, buf, sizeof(buf));
	a->n = 0;
	seg = strtok_r(buf, ";", &save);
	if (!seg)
		return;
	seg += strspn(seg, " \t\r\n");
	copy_word(a->authserv, sizeof(a->authserv), seg, " \t\r\n");
	while ((seg = strtok_r(NULL, ";", &save)) && a->n < TRACE_AUTH_METHODS) {
		seg += strspn(seg, " \t\r\n");
		p = strchr(seg, '=');
		if (!p || strcspn(seg, " \t") < (size_t)(p - seg))
			continue;	/* "none", or not a resinfo */
		copy_word(a->m[a->n].method, sizeof(a->m[a->n].method), seg,
			  "/= \t");
		copy_word(a->m[a->n].result, sizeof(a->m[a->n].result), p + 1,
			  " \t\r\n");
		for (p = a->m[a->n].result; *p; p++)
			*p = tolower((unsigned char)*p);
		a->n++;
	}
}

void trace_check_field(struct trace_header *h, const char *name,
		       const char *value, size_t len)
{
	if (!strcasecmp(name, "From"))
		addr_domain(value, len, h->from);
	else if (!strcasecmp(name, "Reply-To"))
		addr_domain(value, len, h->reply_to);
	else if (!strcasecmp(name, "Return-Path"))
		addr_domain(value, len, h->return_path);
	else if (!strcasecmp(name, "Message-ID")) {
		h->has_msgid = true;
		addr_domain(value, len, h->msgid_host);
	} else if (!strcasecmp(name, "Authentication-Results") &&
		   h->n_auth < TRACE_AUTH_MAX) {
		auth_parse(&h->auth[h->n_auth++], value, len);
	}
}

static void add(struct trace_report *rep, size_t hop, const char *kind,
		bool suspect, const char *fmt, ...)
{
	struct trace_finding *f;
	va_list ap;

	if (rep->n == TRACE_FINDINGS_MAX)
		return;
	f = &rep->f[rep->n++];
	f->hop = hop;
	f->kind = kind;
	f->suspect = suspect;
	rep->suspects += suspect;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

struct range {
	int family;
	unsigned char addr[16];
	int len;
};

/*
 * Addresses no client on the Internet has (RFC 6890): private, shared,
 * link-local, documentation, benchmarking, multicast and reserved ones.
 * Loopback is left out: a content filter on the same host uses it.
 */
static const struct range reserved[] = {
	{ AF_INET, { 0 }, 8 },
	{ AF_INET, { 10 }, 8 },
	{ AF_INET, { 100, 64 }, 10 },
	{ AF_INET, { 169, 254 }, 16 },
	{ AF_INET, { 172, 16 }, 12 },
	{ AF_INET, { 192, 0, 0 }, 24 },
	{ AF_INET, { 192, 0, 2 }, 24 },
	{ AF_INET, { 192, 168 }, 16 },
	{ AF_INET, { 198, 18 }, 15 },
	{ AF_INET, { 198, 51, 100 }, 24 },
	{ AF_INET, { 203, 0, 113 }, 24 },
	{ AF_INET, { 224 }, 3 },	/* multicast and 240/4 */
	{ AF_INET6, { 0 }, 127 },	/* :: and ::1 are handled apart */
	{ AF_INET6, { 0xfc }, 7 },
	{ AF_INET6, { 0xfe, 0x80 }, 10 },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8 }, 32 },
	{ AF_INET6, { 0xff }, 8 },
};

static bool prefix_has(const struct range *r, const unsigned char *a)
{
	int bytes = r->len / 8, bits = r->len % 8;

	if (memcmp(r->addr, a, bytes))
		return false;
	return !bits || !((r->addr[bytes] ^ a[bytes]) & (0xff00 >> bits));
}

/* 1: private or reserved, 0: public, -1: loopback or not an address. */
static int ip_kind(const char *ip)
{
	unsigned char a[16];
	int family;
	size_t i;

	if (inet_pton(AF_INET, ip, a) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, ip, a) == 1)
		family = AF_INET6;
	else
		return -1;
	if ((family == AF_INET && a[0] == 127) ||
	    (family == AF_INET6 && !memcmp(a, &in6addr_loopback, 16)))
		return -1;
	for (i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (reserved[i].family == family &&
		    prefix_has(&reserved[i], a))
			return 1;
	return 0;
}

/* The oldest hop (as printed) written by the newest hop's organisation. */
static size_t trusted_hop(const struct received *v, size_t n)
{
	char org[TRACE_DOMAIN_MAX + 1] = "", o[TRACE_DOMAIN_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		trace_org(v[i].by, o, sizeof(o));
		if (!o[0] && v[i].by[0])
			continue;	/* "localhost": inside, whoever it is */
		if (!o[0])
			break;		/* no "by": nothing to vouch for it */
		if (!org[0])
			snprintf(org, sizeof(org), "%s", o);
		else if (strcmp(org, o))
			break;
	}
	return i ? n - i + 1 : 0;
}

static bool link_meets(const struct received *r, const struct received *below)
{
	return same_host(r->from, below->by) || same_host(r->rdns, below->by) ||
	       same_host(r->helo, below->by);
}

/* Hop @k (1 = oldest) is @r; @below is hop k - 1. */
static void check_link(struct trace_report *rep, size_t k,
		       const struct received *r, const struct received *below)
{
	const char *claim = r->from[0] ? r->from : r->rdns;

	if (!claim[0] || !below->by[0]) {
		add(rep, k, "incomplete", false,
		    "this hop or the one below names no host: the chain cannot be followed");
		return;
	}
	if (link_meets(r, below))
		return;
	if (same_org(claim, below->by))
		add(rep, k, "renamed", false,
		    "came from %s, hop %zu was received by %s, in the same organisation",
		    claim, k - 1, below->by);
	else
		add(rep, k, "broken-chain", true,
		    "came from %s, but hop %zu was received by %s",
		    claim, k - 1, below->by);
}

static void check_dates(struct trace_report *rep, size_t k,
			const struct received *r, const struct received *below,
			time_t now)
{
	if (!r->has_time) {
		add(rep, k, "bad-date", true,
		    "no valid date (RFC 5321 4.4 requires one)");
		return;
	}
	if (r->time > now + TRACE_CLOCK_SKEW)
		add(rep, k, "future-date", true,
		    "dated %llds in the future", (long long)(r->time - now));
	if (below && below->has_time &&
	    r->time + TRACE_CLOCK_SKEW < below->time)
		add(rep, k, "date-backwards", true,
		    "received %llds before hop %zu",
		    (long long)(below->time - r->time), k - 1);
}

/* A private client address on a link between two organisations. */
static void check_ip(struct trace_report *rep, size_t k,
		     const struct received *r, const struct received *below)
{
	char a[TRACE_DOMAIN_MAX + 1], b[TRACE_DOMAIN_MAX + 1];

	if (!below || ip_kind(r->ip) != 1)
		return;
	trace_org(r->by, a, sizeof(a));
	trace_org(below->by, b, sizeof(b));
	if (a[0] && b[0] && strcmp(a, b))
		add(rep, k, "private-ip", true,
		    "from %s to %s, the client was %s, an address no Internet host has",
		    b, a, r->ip);
}

static void check_sender(struct trace_report *rep, const struct trace_header *h)
{
	if (h->reply_to[0] && h->from[0] && !same_org(h->reply_to, h->from))
		add(rep, 0, "reply-to", true,
		    "Reply-To: goes to %s, From: is %s", h->reply_to, h->from);
	if (h->return_path[0] && h->from[0] &&
	    !same_org(h->return_path, h->from))
		add(rep, 0, "return-path", true,
		    "Return-Path: is %s, From: is %s", h->return_path, h->from);
	if (!h->has_msgid) {
		add(rep, 0, "message-id", false, "no Message-ID:");
		return;
	}
	/* A workstation's own name: no mail server wrote this Message-ID. */
	if (!h->msgid_host[0] || !strchr(h->msgid_host, '.'))
		add(rep, 0, "message-id", true,
		    "Message-ID: names host \"%s\", not a domain", h->msgid_host);
	else if (h->from[0] && !same_org(h->msgid_host, h->from))
		add(rep, 0, "message-id", false,
		    "Message-ID: host %s is not in From:'s domain %s",
		    h->msgid_host, h->from);
}

/* Only the receiving side's own results count (RFC 8601 5). */
static void check_auth(struct trace_report *rep, const struct received *v,
		       size_t n, const struct trace_header *h)
{
	const struct trace_auth *a;
	size_t i, j;

	for (i = 0; i < h->n_auth; i++) {
		a = &h->auth[i];
		if (!n || !same_org(a->authserv, v[0].by)) {
			add(rep, 0, "auth-untrusted", false,
			    "Authentication-Results: from %s, not the receiving side's",
			    a->authserv[0] ? a->authserv : "nobody");
			continue;
		}
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->m[j].result, "fail") ||
			    !strcmp(a->m[j].result, "permerror"))
				add(rep, 0, "auth-fail", true,
				    "%s says %s=%s", a->authserv,
				    a->m[j].method, a->m[j].result);
	}
}

void trace_check(const struct received *v, size_t n,
		 const struct trace_header *h, time_t now,
		 struct trace_report *rep)
{
	const struct received *r, *below;
	size_t k;

	rep->n = 0;
	rep->suspects = 0;
	rep->trusted = trusted_hop(v, n);
	for (k = 1; k <= n; k++) {
		r = &v[n - k];
		below = k > 1 ? &v[n - k + 1] : NULL;
		if (below)
			check_link(rep, k, r, below);
		check_dates(rep, k, r, below, now);
		check_ip(rep, k, r, below);
	}
	check_sender(rep, h);
	check_auth(rep, v, n, h);
}
