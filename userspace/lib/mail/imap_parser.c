// SPDX-License-Identifier: GPL-2.0
/*
 * IMAP commands: gathering one whole command from the client's bytes
 * (lines and the literals they announce), then cutting it into a tag, a
 * name and a tree of arguments.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "imap_parser.h"

void imap_reader_init(struct imap_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void imap_reader_free(struct imap_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->len = 0;
}

static void restart(struct imap_reader *r)
{
	r->len = 0;
	r->line_start = 0;
	r->literal_left = 0;
	r->discard = false;
	r->nul = false;
	r->done = false;
	r->literal_plus = false;
}

static int reserve(struct imap_reader *r, size_t more)
{
	size_t cap = r->cap ? r->cap : 256;
	char *nb;

	if (r->len + more + 1 <= r->cap)
		return 0;
	while (cap < r->len + more + 1)
		cap *= 2;
	nb = realloc(r->buf, cap);
	if (!nb)
		return -ENOMEM;
	r->buf = nb;
	r->cap = cap;
	return 0;
}

/* "{N}" or "{N+}" at the end of @line (@len bytes, no line end), or -1. */
static long long literal_at_end(const char *line, size_t len, bool *plus)
{
	size_t i, digits;
	long long n = 0;

	if (len < 3 || line[len - 1] != '}')
		return -1;
	i = len - 1;
	*plus = line[i - 1] == '+';
	if (*plus)
		i--;
	for (digits = 0; i > 0 && isdigit((unsigned char)line[i - 1]);
	     i--, digits++)
		;
	if (!digits || digits > 10 || i == 0 || line[i - 1] != '{')
		return -1;
	for (; digits; digits--, i++)
		n = n * 10 + (line[i] - '0');
	return n;
}

/* A line has ended: the command, a literal to come, or a refusal. */
static void line_end(struct imap_reader *r, enum imap_read_status *st)
{
	size_t llen = r->len - r->line_start;
	long long lit;
	bool plus;

	if (r->nul) {
		*st = IMAP_READ_NUL;
		r->done = true;
		return;
	}
	if (llen && r->buf[r->len - 1] == '\r')
		r->len--, llen--;
	lit = literal_at_end(r->buf + r->line_start, llen, &plus);
	memcpy(r->buf + r->len, "\r\n", 2);	/* reserved by the caller */
	r->len += 2;
	r->buf[r->len] = '\0';
	if (lit < 0) {
		*st = IMAP_READ_DONE;
		r->done = true;
		return;
	}
	if ((unsigned long long)lit > r->max ||
	    r->len + (size_t)lit > r->max + IMAP_LINE_MAX) {
		*st = IMAP_READ_TOO_BIG;
		r->literal_plus = plus;
		r->done = true;
		return;
	}
	r->literal_left = (size_t)lit;
	r->line_start = r->len + (size_t)lit;
	*st = plus ? IMAP_READ_MORE : IMAP_READ_CONTINUE;
}

static size_t take_literal(struct imap_reader *r, const char *in, size_t n)
{
	size_t k = n < r->literal_left ? n : r->literal_left;

	memcpy(r->buf + r->len, in, k);
	r->len += k;
	r->literal_left -= k;
	r->buf[r->len] = '\0';
	return k;
}

long imap_reader_feed(struct imap_reader *r, const char *in, size_t n,
		      enum imap_read_status *status_r)
{
	size_t used = 0, llen;
	const char *nl;

	*status_r = IMAP_READ_MORE;
	if (r->done)
		restart(r);
	while (used < n) {
		if (r->literal_left) {
			if (reserve(r, r->literal_left))
				return -1;
			used += take_literal(r, in + used, n - used);
			continue;
		}
		nl = memchr(in + used, '\n', n - used);
		llen = nl ? (size_t)(nl - (in + used)) : n - used;
		if (!r->discard &&
		    (r->len - r->line_start + llen > IMAP_LINE_MAX ||
		     r->len + llen > r->max + IMAP_LINE_MAX)) {
			r->discard = true;
			r->fail = IMAP_READ_TOO_LONG;
		}
		if (!r->discard) {
			if (reserve(r, llen + 2))
				return -1;
			if (memchr(in + used, '\0', llen))
				r->nul = true;
			memcpy(r->buf + r->len, in + used, llen);
			r->len += llen;
		}
		used += llen;
		if (!nl)
			break;
		used++;		/* the LF */
		if (r->discard) {
			*status_r = r->fail;
			r->done = true;
			return (long)used;
		}
		line_end(r, status_r);
		if (*status_r != IMAP_READ_MORE)
			return (long)used;
	}
	return (long)used;
}

/* ------------------------------------------------------------ parsing */

struct parse {
	char *p, *end;		/* end: the final CRLF */
	struct imap_cmd *cmd;
	const char *err;
};

static struct imap_arg *new_arg(struct parse *ps, enum imap_arg_type t)
{
	struct imap_arg *a;

	if (ps->cmd->nargs == IMAP_ARGS_MAX) {
		ps->err = "Too many arguments";
		return NULL;
	}
	a = &ps->cmd->pool[ps->cmd->nargs++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

static bool atom_char(char c)
{
	return (unsigned char)c > ' ' && c != 0x7f && c != '(' && c != ')' &&
	       c != '{' && c != '"';
}

/* An atom; "[...]" inside it may hold spaces and lists (FETCH's BODY[]). */
static int atom(struct parse *ps, struct imap_arg *a)
{
	char *s = ps->p;
	int depth = 0;

	while (ps->p < ps->end && (atom_char(*ps->p) ||
				   (depth && *ps->p != '\r'))) {
		if (*ps->p == '[')
			depth++;
		else if (*ps->p == ']' && depth)
			depth--;
		ps->p++;
	}
	if (ps->p == s || depth) {
		ps->err = depth ? "Missing ']'" : "Expected an atom";
		return -EINVAL;
	}
	a->str = s;
	a->len = (size_t)(ps->p - s);
	if (a->len == 3 && !strncasecmp(s, "NIL", 3))
		a->type = IMAP_ARG_NIL;
	return 0;
}

/* Quoted: \" and \\ are the only escapes (RFC 3501 9, quoted-specials). */
static int quoted(struct parse *ps, struct imap_arg *a)
{
	char *w = ++ps->p;

	a->str = w;
	while (ps->p < ps->end && *ps->p != '"') {
		if (*ps->p == '\\') {
			ps->p++;
			if (ps->p == ps->end ||
			    (*ps->p != '"' && *ps->p != '\\'))
				break;
		}
		if (*ps->p == '\r' || *ps->p == '\n')
			break;
		*w++ = *ps->p++;
	}
	if (ps->p == ps->end || *ps->p != '"') {
		ps->err = "Bad quoted string";
		return -EINVAL;
	}
	ps->p++;
	a->len = (size_t)(w - a->str);
	return 0;
}

/* {N}CRLF<N bytes> or {N+}CRLF<N bytes>, as the reader gathered it. */
static int literal(struct parse *ps, struct imap_arg *a)
{
	unsigned long long n = 0;
	char *q = ps->p + 1;

	while (q < ps->end && isdigit((unsigned char)*q) && n < (1ULL << 40))
		n = n * 10 + (unsigned long long)(*q++ - '0');
	if (q < ps->end && *q == '+')
		q++;
	if (q == ps->p + 1 || q + 3 > ps->end || q[0] != '}' || q[1] != '\r' ||
	    q[2] != '\n' || n > (unsigned long long)(ps->end - (q + 3))) {
		ps->err = "Bad literal";
		return -EINVAL;
	}
	a->str = q + 3;
	a->len = (size_t)n;
	ps->p = q + 3 + n;
	return 0;
}

static int args(struct parse *ps, struct imap_arg **first, int depth);

static int one(struct parse *ps, struct imap_arg **out, int depth)
{
	struct imap_arg *a = new_arg(ps, IMAP_ARG_ATOM);

	if (!a)
		return -EINVAL;
	*out = a;
	switch (*ps->p) {
	case '(':
		if (depth == IMAP_DEPTH_MAX) {
			ps->err = "Lists nested too deep";
			return -EINVAL;
		}
		a->type = IMAP_ARG_LIST;
		ps->p++;
		if (args(ps, &a->child, depth + 1))
			return -EINVAL;
		if (ps->p == ps->end || *ps->p != ')') {
			ps->err = "Missing ')'";
			return -EINVAL;
		}
		ps->p++;
		return 0;
	case '"':
		a->type = IMAP_ARG_STRING;
		return quoted(ps, a);
	case '{':
		a->type = IMAP_ARG_LITERAL;
		return literal(ps, a);
	default:
		return atom(ps, a);
	}
}

/* Space-separated arguments up to ')' or the end. */
static int args(struct parse *ps, struct imap_arg **first, int depth)
{
	struct imap_arg **link = first;
	bool any = false;

	*first = NULL;
	while (ps->p < ps->end && *ps->p != ')') {
		if (any) {
			if (*ps->p != ' ') {
				ps->err = "Expected a space";
				return -EINVAL;
			}
			ps->p++;
		}
		if (one(ps, link, depth))
			return -EINVAL;
		link = &(*link)->next;
		any = true;
	}
	if (ps->p < ps->end && !depth) {
		ps->err = "Unexpected ')'";
		return -EINVAL;
	}
	return 0;
}

/* Only now: a terminator may overwrite what came after the argument. */
static void terminate(struct imap_cmd *cmd)
{
	size_t i;

	for (i = 0; i < cmd->nargs; i++)
		if (cmd->pool[i].str)
			((char *)cmd->pool[i].str)[cmd->pool[i].len] = '\0';
}

/* Tag, space, name: atoms; the tag has no '+' (RFC 3501 9, tag). */
static int head(struct parse *ps, struct imap_cmd *cmd, char **name_end)
{
	char *s = ps->p;

	while (ps->p < ps->end && atom_char(*ps->p) && *ps->p != '+')
		ps->p++;
	if (ps->p == s || ps->p == ps->end || *ps->p != ' ') {
		ps->err = "Error in IMAP command received by server";
		return -ENOENT;
	}
	cmd->tag = s;
	*ps->p++ = '\0';
	s = ps->p;
	while (ps->p < ps->end && isalpha((unsigned char)*ps->p)) {
		*ps->p = (char)toupper((unsigned char)*ps->p);
		ps->p++;
	}
	if (ps->p == s || (ps->p < ps->end && *ps->p != ' ')) {
		ps->err = "Error in IMAP command received by server";
		return -EINVAL;
	}
	cmd->name = s;
	*name_end = ps->p;
	if (ps->p < ps->end)
		ps->p++;
	return 0;
}

int imap_cmd_parse(char *buf, size_t len, struct imap_cmd *cmd,
		   const char **err_r)
{
	struct parse ps = { .p = buf, .end = buf + len, .cmd = cmd };
	char *name_end;
	int ret;

	cmd->tag = cmd->name = NULL;
	cmd->args = NULL;
	cmd->nargs = 0;
	*err_r = NULL;
	if (len < 2 || memcmp(buf + len - 2, "\r\n", 2)) {
		*err_r = "Missing line end";
		return -EINVAL;
	}
	ps.end -= 2;
	ret = head(&ps, cmd, &name_end);
	if (!ret)
		ret = args(&ps, &cmd->args, 0);
	if (ret) {
		*err_r = ps.err;
		return ret;
	}
	*name_end = '\0';
	terminate(cmd);
	return 0;
}

size_t imap_args_count(const struct imap_arg *a)
{
	size_t n = 0;

	for (; a; a = a->next)
		n++;
	return n;
}

const struct imap_arg *imap_arg_nth(const struct imap_arg *a, size_t i)
{
	while (a && i--)
		a = a->next;
	return a;
}

const char *imap_arg_str(const struct imap_arg *a)
{
	if (!a || a->type == IMAP_ARG_LIST || a->type == IMAP_ARG_NIL)
		return NULL;
	return a->str;
}

const char *imap_arg_atom(const struct imap_arg *a)
{
	return a && a->type == IMAP_ARG_ATOM ? a->str : NULL;
}
