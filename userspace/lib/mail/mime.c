// SPDX-License-Identifier: GPL-2.0
/*
 * MIME structure: a part's header, its Content-Type (RFC 2231 parameters
 * joined and decoded), and the division of a multipart body at its
 * boundary lines, recursively.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
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

/*
 * RFC 2231: a parameter "name*<n>[*]" is piece n of name's value, and a
 * '*' at the end of its name means the piece is percent-encoded, the
 * first one starting "charset'language'". Pieces are gathered as they
 * come, then joined in order from 0 (a missing piece ends the value).
 */
#define PIECES_MAX	64

struct piece {
	char name[MIME_TOKEN_MAX];	/* without "*<n>*" */
	char value[256];
	int section;			/* -1: "name*", not continued */
	bool encoded;
	bool rfc2231;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "name*3*" into "name", 3, encoded; a plain name is no RFC 2231 piece. */
static void piece_name(struct piece *pc)
{
	char *star = strchr(pc->name, '*'), *end;
	unsigned long n;

	pc->section = -1;
	pc->encoded = false;
	pc->rfc2231 = star != NULL;
	if (!star)
		return;
	*star = '\0';
	if (!star[1]) {
		pc->encoded = true;
		return;
	}
	n = strtoul(star + 1, &end, 10);
	if (end == star + 1 || n > 999 || (*end && strcmp(end, "*"))) {
		pc->rfc2231 = false;	/* not RFC 2231's form: kept whole */
		*star = '*';
		return;
	}
	pc->section = (int)n;
	pc->encoded = *end == '*';
}

/* Appends piece @pc's bytes to @pm (cut at its size). */
static void join(struct mime_param *pm, size_t *n, const struct piece *pc)
{
	const char *v = pc->value, *q;
	int hi, lo;

	/* The first encoded piece: "charset'language'" before the text. */
	if (pc->encoded && pc->section <= 0 && (q = strchr(v, '\'')) &&
	    strchr(q + 1, '\'')) {
		snprintf(pm->charset, sizeof(pm->charset), "%.*s",
			 (int)(q - v), v);
		v = strchr(q + 1, '\'') + 1;
	}
	for (; *v && *n + 1 < sizeof(pm->value); v++) {
		if (pc->encoded && *v == '%' && (hi = hexval(v[1])) >= 0 &&
		    (lo = hexval(v[2])) >= 0) {
			pm->value[(*n)++] = (char)(hi << 4 | lo);
			v += 2;
		} else {
			pm->value[(*n)++] = *v;
		}
	}
	pm->value[*n] = '\0';
}

static struct mime_param *param_slot(struct mime_part *p, const char *name)
{
	int i;

	for (i = 0; i < p->nparams; i++)
		if (!strcmp(p->params[i].name, name))
			return &p->params[i];
	if (p->nparams == MIME_PARAMS_MAX)
		return NULL;
	return &p->params[p->nparams++];
}

/* Piece @pcs[@i]'s whole value: its pieces 0, 1, 2... joined. */
static void assemble(struct mime_part *p, struct piece *pcs, int npcs,
		     int i)
{
	struct mime_param *pm;
	size_t n = 0;
	int want, j;

	/* A value whose piece 0 never came is no value. */
	for (j = 0; pcs[i].section >= 0 && j < npcs; j++)
		if (pcs[j].rfc2231 && !pcs[j].section &&
		    !strcmp(pcs[j].name, pcs[i].name))
			break;
	if (j == npcs)
		return;
	pm = param_slot(p, pcs[i].name);
	if (!pm)
		return;
	memset(pm, 0, sizeof(*pm));
	strcpy(pm->name, pcs[i].name);
	if (pcs[i].section < 0) {
		join(pm, &n, &pcs[i]);
		return;
	}
	for (want = 0;; want++) {
		for (j = 0; j < npcs; j++)
			if (pcs[j].rfc2231 && pcs[j].section == want &&
			    !strcmp(pcs[j].name, pcs[i].name))
				break;
		if (j == npcs)
			break;
		join(pm, &n, &pcs[j]);
	}
}

/*
 * The parameters as a part has them: plain ones as they are, RFC 2231
 * ones joined and decoded, replacing a plain one of the same name (what
 * a client that knows RFC 2231 would read).
 */
static void params(struct mime_part *p, struct piece *pcs, int npcs)
{
	int i, j;

	for (i = 0; i < npcs; i++)
		if (!pcs[i].rfc2231 && !mime_param(p, pcs[i].name) &&
		    p->nparams < MIME_PARAMS_MAX) {
			strcpy(p->params[p->nparams].name, pcs[i].name);
			strcpy(p->params[p->nparams].value, pcs[i].value);
			p->nparams++;
		}
	for (i = 0; i < npcs; i++) {
		if (!pcs[i].rfc2231)
			continue;
		/* Once per name: at its first piece. */
		for (j = 0; j < i; j++)
			if (pcs[j].rfc2231 && !strcmp(pcs[j].name, pcs[i].name))
				break;
		if (j == i)
			assemble(p, pcs, npcs, i);
	}
}

/* "type/subtype; name=value; ..." */
static void content_type(struct mime_part *p, const char *v)
{
	struct piece *pcs, *pc;
	int npcs = 0;

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
	pcs = calloc(PIECES_MAX, sizeof(*pcs));
	if (!pcs)
		return;		/* no parameters rather than no tree */
	while ((v = strchr(v, ';')) && npcs < PIECES_MAX) {
		v++;
		pc = &pcs[npcs];
		word(&v, pc->name, sizeof(pc->name), true);
		v += strspn(v, " \t");
		if (*v != '=' || !pc->name[0])
			continue;
		v++;
		word(&v, pc->value, sizeof(pc->value), false);
		piece_name(pc);
		if (pc->name[0])
			npcs++;
	}
	params(p, pcs, npcs);
	free(pcs);
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
