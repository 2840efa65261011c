// SPDX-License-Identifier: GPL-2.0
/* ENVELOPE and BODYSTRUCTURE: a message's header and MIME tree as IMAP text. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap_struct.h"

#define VALUE_MAX	8192

void imap_buf_free(struct imap_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void add(struct imap_buf *b, const char *s, size_t n)
{
	size_t cap;
	char *np;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? 2 * b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void adds(struct imap_buf *b, const char *s)
{
	add(b, s, strlen(s));
}

static void addf(struct imap_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void addf(struct imap_buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		    sizeof(tmp) - 1);
}

void imap_buf_nstring(struct imap_buf *b, const char *s)
{
	const char *c;

	if (!s) {
		adds(b, "NIL");
		return;
	}
	for (c = s; *c; c++)
		if (*c == '"' || *c == '\\' || *c == '\r' || *c == '\n' ||
		    (unsigned char)*c > 0x7e)
			break;
	if (!*c) {
		add(b, "\"", 1);
		adds(b, s);
		add(b, "\"", 1);
		return;
	}
	addf(b, "{%zu}\r\n", strlen(s));
	adds(b, s);
}

/* A header value or NULL (kept in @buf). */
static const char *field(const char *hdr, size_t len, const char *name,
			 char *buf)
{
	return mime_header_get(hdr, len, name, buf, VALUE_MAX) ? buf : NULL;
}

static char *trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* "Name" or Name, quotes removed. */
static char *unquote(char *s)
{
	size_t n;
	char *r, *w;

	s = trim(s);
	n = strlen(s);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = '\0';
		s++;
		for (r = w = s; *r; r++) {
			if (*r == '\\' && r[1])
				r++;
			*w++ = *r;
		}
		*w = '\0';
	}
	return s;
}

/* One address: ("name" NIL "mailbox" "host"). */
static void address(struct imap_buf *b, char *a)
{
	char *lt = strchr(a, '<'), *gt, *spec = a, *name = NULL, *at;

	if (lt && (gt = strchr(lt, '>'))) {
		*lt = '\0';
		*gt = '\0';
		name = unquote(a);
		spec = lt + 1;
	}
	/* A comment after a bare address is dropped. */
	if (!lt && (at = strchr(spec, '(')))
		*at = '\0';
	spec = trim(spec);
	if (!*spec)
		return;
	at = strrchr(spec, '@');
	if (at)
		*at = '\0';
	add(b, "(", 1);
	imap_buf_nstring(b, name && *name ? name : NULL);
	adds(b, " NIL ");
	imap_buf_nstring(b, spec);
	add(b, " ", 1);
	imap_buf_nstring(b, at ? at + 1 : NULL);
	add(b, ")", 1);
}

/* An address list, groups as RFC 3501 7.4.2 marks them; NIL if none. */
static void addresses(struct imap_buf *b, char *v)
{
	size_t start = b->len;
	bool quoted = false, any = false;
	int angle = 0, paren = 0;
	char *p, *item = v;

	if (!v) {
		adds(b, "NIL");
		return;
	}
	add(b, "(", 1);
	for (p = v;; p++) {
		if (*p == '"' && (p == v || p[-1] != '\\'))
			quoted = !quoted;
		else if (!quoted && *p == '<')
			angle++;
		else if (!quoted && *p == '>' && angle)
			angle--;
		else if (!quoted && *p == '(')
			paren++;
		else if (!quoted && *p == ')' && paren)
			paren--;
		if (*p && (quoted || angle || paren || (*p != ',' &&
							*p != ':' && *p != ';')))
			continue;
		if (*p == ':') {
			/* A group's start: (NIL NIL "name" NIL). */
			*p = '\0';
			adds(b, "(NIL NIL ");
			imap_buf_nstring(b, unquote(item));
			adds(b, " NIL)");
			any = true;
		} else {
			char end = *p;

			*p = '\0';
			if (*trim(item)) {
				address(b, item);
				any = true;
			}
			if (end == ';')
				adds(b, "(NIL NIL NIL NIL)");
			if (!end)
				break;
		}
		item = p + 1;
	}
	if (!any) {
		b->len = start;
		if (b->p)
			b->p[b->len] = '\0';
		adds(b, "NIL");
		return;
	}
	add(b, ")", 1);
}

void imap_envelope(struct imap_buf *b, const char *hdr, size_t len)
{
	static const char *const addr_fields[] = { "From", "Sender",
						   "Reply-To", "To", "Cc",
						   "Bcc" };
	char *v = malloc(VALUE_MAX), *from = malloc(VALUE_MAX);
	const char *f;
	size_t i;

	if (!v || !from) {
		free(v);
		free(from);
		b->failed = true;
		return;
	}
	add(b, "(", 1);
	imap_buf_nstring(b, field(hdr, len, "Date", v));
	add(b, " ", 1);
	imap_buf_nstring(b, field(hdr, len, "Subject", v));
	f = field(hdr, len, "From", from);
	for (i = 0; i < sizeof(addr_fields) / sizeof(addr_fields[0]); i++) {
		add(b, " ", 1);
		/* RFC 3501: Sender and Reply-To default to From. */
		if (field(hdr, len, addr_fields[i], v))
			addresses(b, v);
		else if (f && (i == 1 || i == 2) &&
			 field(hdr, len, "From", v))
			addresses(b, v);
		else
			adds(b, "NIL");
	}
	add(b, " ", 1);
	imap_buf_nstring(b, field(hdr, len, "In-Reply-To", v));
	add(b, " ", 1);
	imap_buf_nstring(b, field(hdr, len, "Message-ID", v));
	add(b, ")", 1);
	free(v);
	free(from);
}

static void upper(struct imap_buf *b, const char *s)
{
	char tmp[MIME_TOKEN_MAX];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(tmp); i++)
		tmp[i] = (char)toupper((unsigned char)s[i]);
	tmp[i] = '\0';
	imap_buf_nstring(b, tmp);
}

/* A charset name fit for an encoded word: a token without '?'. */
static bool charset_ok(const char *cs)
{
	size_t i;

	for (i = 0; cs[i]; i++)
		if (!isalnum((unsigned char)cs[i]) && !strchr("-_.:", cs[i]))
			return false;
	return i > 0;
}

static bool plain_ascii(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return false;
	return true;
}

/* Bytes of the character at @v: a UTF-8 sequence is never split. */
static size_t char_len(const unsigned char *v, bool utf8)
{
	size_t n = 1;

	while (utf8 && v[n] && (v[n] & 0xc0) == 0x80 && n < 4)
		n++;
	return n;
}

/*
 * A value that RFC 2231 gave a charset and whose bytes are not printable
 * ASCII: IMAP4rev1 has no other way to say its charset than RFC 2047, so
 * it becomes "Q" encoded words of that charset (what clients decode in
 * a BODYSTRUCTURE name), each at most 75 characters (RFC 2047 2).
 */
static void encoded_words(struct imap_buf *b, const struct mime_param *pm)
{
	const unsigned char *v = (const unsigned char *)pm->value;
	bool utf8 = !strcasecmp(pm->charset, "utf-8");
	size_t n = 0, word = 0, k, len, enc;
	bool open = false;
	char out[4096];

	while (*v && n + 96 < sizeof(out)) {
		len = char_len(v, utf8);
		for (k = enc = 0; k < len; k++)
			enc += isalnum(v[k]) || v[k] == ' ' ||
			       strchr("!*+-/", v[k] ? v[k] : '=') ? 1 : 3;
		if (!open || n - word + enc + 2 > 75) {
			if (open)
				n += (size_t)snprintf(out + n, sizeof(out) - n,
						      "?= ");
			open = true;
			word = n;
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "=?%s?Q?", pm->charset);
		}
		for (k = 0; k < len; k++, v++) {
			if (*v == ' ')
				out[n++] = '_';
			else if (isalnum(*v) || strchr("!*+-/", *v))
				out[n++] = (char)*v;
			else
				n += (size_t)snprintf(out + n, sizeof(out) - n,
						      "=%02X", *v);
		}
	}
	snprintf(out + n, sizeof(out) - n, "?=");
	imap_buf_nstring(b, out);
}

static void params(struct imap_buf *b, const struct mime_part *p)
{
	int i;

	if (!p->nparams && strcmp(p->type, "text")) {
		adds(b, "NIL");
		return;
	}
	add(b, "(", 1);
	if (!p->nparams)
		adds(b, "\"CHARSET\" \"us-ascii\"");
	for (i = 0; i < p->nparams; i++) {
		if (i)
			add(b, " ", 1);
		upper(b, p->params[i].name);
		add(b, " ", 1);
		if (p->params[i].charset[0] &&
		    charset_ok(p->params[i].charset) &&
		    !plain_ascii(p->params[i].value))
			encoded_words(b, &p->params[i]);
		else
			imap_buf_nstring(b, p->params[i].value);
	}
	add(b, ")", 1);
}

void imap_bodystructure(struct imap_buf *b, const char *msg,
			const struct mime_part *p)
{
	const char *hdr = msg + p->hdr_off;
	char v[512];
	const struct mime_part *c;

	add(b, "(", 1);
	if (!strcmp(p->type, "multipart") && p->child) {
		for (c = p->child; c; c = c->next)
			imap_bodystructure(b, msg, c);
		add(b, " ", 1);
		upper(b, p->subtype);
		add(b, ")", 1);
		return;
	}
	if (!strcmp(p->type, "multipart")) {
		/* No parts found: shown as the text it then is. */
		adds(b, "\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\")");
	} else {
		upper(b, p->type);
		add(b, " ", 1);
		upper(b, p->subtype);
		add(b, " ", 1);
		params(b, p);
	}
	add(b, " ", 1);
	imap_buf_nstring(b, mime_header_get(hdr, p->hdr_len, "Content-ID", v,
					    sizeof(v)) ? v : NULL);
	add(b, " ", 1);
	imap_buf_nstring(b, mime_header_get(hdr, p->hdr_len,
					    "Content-Description", v,
					    sizeof(v)) ? v : NULL);
	add(b, " ", 1);
	if (mime_header_get(hdr, p->hdr_len, "Content-Transfer-Encoding", v,
			    sizeof(v)) && v[0])
		upper(b, v);
	else
		adds(b, "\"7BIT\"");
	addf(b, " %zu", p->body_len);
	if (p->message) {
		add(b, " ", 1);
		imap_envelope(b, msg + p->message->hdr_off,
			      p->message->hdr_len);
		add(b, " ", 1);
		imap_bodystructure(b, msg, p->message);
		addf(b, " %zu", p->lines);
	} else if (!strcmp(p->type, "text") ||
		   !strcmp(p->type, "multipart")) {
		addf(b, " %zu", p->lines);
	}
	add(b, ")", 1);
}
