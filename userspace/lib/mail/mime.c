// SPDX-License-Identifier: GPL-2.0
/*
 * MIME structure: a part's header, its Content-Type, and the division of
 * a multipart body at its boundary lines, recursively.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"

struct parser {
	const char *msg;
	int parts;
};

/* Where the header of @p..@end ends: after the empty line, or @end. */
static const char *header_end(const char *p, const char *end)
{
	const char *q;

	if (p < end && (*p == '\n' || (*p == '\r' && p + 1 < end &&
					p[1] == '\n')))
		return p + (*p == '\r' ? 2 : 1);
	for (q = p; q < end; q++) {
		if (*q != '\n')
			continue;
		if (q + 1 < end && q[1] == '\n')
			return q + 2;
		if (q + 2 < end && q[1] == '\r' && q[2] == '\n')
			return q + 3;
	}
	return end;
}

bool mime_header_get(const char *hdr, size_t len, const char *name,
		     char *out, size_t size)
{
	const char *p = hdr, *end = hdr + len, *v;
	size_t nlen = strlen(name), n = 0;

	while (p < end) {
		if (end - p > (long)nlen && !strncasecmp(p, name, nlen) &&
		    p[nlen] == ':') {
			for (v = p + nlen + 1; v < end; v++) {
				if (*v == '\r')
					continue;
				if (*v == '\n') {
					if (v + 1 >= end ||
					    (v[1] != ' ' && v[1] != '\t'))
						break;
					continue;
				}
				if (n + 1 < size)
					out[n++] = *v == '\t' ? ' ' : *v;
			}
			while (n && out[n - 1] == ' ')
				n--;
			out[n] = '\0';
			v = out + strspn(out, " ");
			memmove(out, v, strlen(v) + 1);
			return true;
		}
		v = memchr(p, '\n', (size_t)(end - p));
		if (!v)
			break;
		p = v + 1;
	}
	if (size)
		out[0] = '\0';
	return false;
}

/* A token or quoted string at *@s into @out (lower-cased if @lower). */
static void word(const char **s, char *out, size_t size, bool lower)
{
	const char *p = *s;
	size_t n = 0;

	p += strspn(p, " \t");
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < size)
				out[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p && !strchr(" \t;=/()<>@,:\\\"[]?", *p); p++)
			if (n + 1 < size)
				out[n++] = lower ? (char)tolower((unsigned char)*p)
						 : *p;
	}
	out[n] = '\0';
	*s = p;
}

/* "type/subtype; name=value; ..." */
static void content_type(struct mime_part *p, const char *v)
{
	struct mime_param *pm;

	word(&v, p->type, sizeof(p->type), true);
	v += strspn(v, " \t");
	if (*v == '/') {
		v++;
		word(&v, p->subtype, sizeof(p->subtype), true);
	}
	if (!p->type[0] || !p->subtype[0]) {
		strcpy(p->type, "text");
		strcpy(p->subtype, "plain");
	}
	while ((v = strchr(v, ';')) && p->nparams < MIME_PARAMS_MAX) {
		v++;
		pm = &p->params[p->nparams];
		word(&v, pm->name, sizeof(pm->name), true);
		v += strspn(v, " \t");
		if (*v != '=' || !pm->name[0])
			continue;
		v++;
		word(&v, pm->value, sizeof(pm->value), false);
		p->nparams++;
	}
}

const char *mime_param(const struct mime_part *p, const char *name)
{
	int i;

	for (i = 0; i < p->nparams; i++)
		if (!strcasecmp(p->params[i].name, name))
			return p->params[i].value;
	return NULL;
}

struct mime_part *mime_child(struct mime_part *p, unsigned long n)
{
	struct mime_part *c = p ? p->child : NULL;

	while (c && --n)
		c = c->next;
	return n ? NULL : c;
}

static struct mime_part *part(struct parser *ps, const char *p,
			      const char *end, int depth, bool digest);

/* A line "--boundary" or "--boundary--" at @p; 1, 2 (the last) or 0. */
static int boundary_at(const char *p, const char *end, const char *b,
		       size_t blen)
{
	if ((size_t)(end - p) < blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, blen))
		return 0;
	p += 2 + blen;
	if (end - p >= 2 && p[0] == '-' && p[1] == '-')
		return 2;
	return 1;
}

/* The children of a multipart, between its boundary lines. */
static void multipart(struct parser *ps, struct mime_part *mp,
		      const char *p, const char *end, int depth)
{
	const char *b = mime_param(mp, "boundary"), *start = NULL, *line;
	struct mime_part **link = &mp->child, *c;
	bool digest = !strcmp(mp->subtype, "digest");
	size_t blen = b ? strlen(b) : 0;
	const char *stop;
	int kind;

	if (!blen)
		return;
	for (line = p; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *next = nl ? nl + 1 : end;

		kind = boundary_at(line, end, b, blen);
		if (kind) {
			if (start) {
				/* The CRLF before the boundary is its own. */
				stop = line;
				if (stop > start && stop[-1] == '\n')
					stop--;
				if (stop > start && stop[-1] == '\r')
					stop--;
				c = part(ps, start, stop, depth + 1, digest);
				if (!c)
					return;
				*link = c;
				link = &c->next;
			}
			if (kind == 2)
				return;
			start = next;
		}
		line = next;
	}
	if (start && start < end) {
		c = part(ps, start, end, depth + 1, digest);
		if (c)
			*link = c;
	}
}

/*
 * RFC 3501's "size of the body in text lines", as Dovecot counts it: line
 * ends. A part's last line has none (its CRLF is the boundary's), so
 * "hello" before a boundary is 0 lines, as Dovecot and clients see it.
 */
static size_t count_lines(const char *p, size_t n)
{
	size_t lines = 0, i;

	for (i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

static struct mime_part *part(struct parser *ps, const char *p,
			      const char *end, int depth, bool digest)
{
	struct mime_part *mp;
	const char *body = header_end(p, end);
	char ct[1024];

	if (++ps->parts > MIME_PARTS_MAX)
		return NULL;
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return NULL;
	mp->hdr_off = (size_t)(p - ps->msg);
	mp->hdr_len = (size_t)(body - p);
	mp->body_off = (size_t)(body - ps->msg);
	mp->body_len = (size_t)(end - body);
	mp->lines = count_lines(body, mp->body_len);
	if (mime_header_get(p, mp->hdr_len, "Content-Type", ct, sizeof(ct))) {
		content_type(mp, ct);
	} else {
		strcpy(mp->type, digest ? "message" : "text");
		strcpy(mp->subtype, digest ? "rfc822" : "plain");
	}
	if (depth >= MIME_DEPTH_MAX)
		return mp;
	if (!strcmp(mp->type, "multipart"))
		multipart(ps, mp, body, end, depth);
	else if (!strcmp(mp->type, "message") &&
		 !strcmp(mp->subtype, "rfc822"))
		mp->message = part(ps, body, end, depth + 1, false);
	return mp;
}

int mime_parse(const char *msg, size_t len, struct mime_part **root_r)
{
	struct parser ps = { .msg = msg };

	*root_r = part(&ps, msg, msg + len, 0, false);
	return *root_r ? 0 : -ENOMEM;
}

void mime_free(struct mime_part *p)
{
	struct mime_part *next;

	while (p) {
		next = p->next;
		mime_free(p->child);
		mime_free(p->message);
		free(p);
		p = next;
	}
}
