// SPDX-License-Identifier: GPL-2.0
/*
 * Received: values: the clauses of RFC 5321 4.4 read the way Postfix,
 * Sendmail, Exim, qmail, Exchange and Gmail write them, and the date-time.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "received.h"
#include "rfc5322.h"

enum clause { C_NONE, C_FROM, C_BY, C_VIA, C_WITH, C_ID, C_FOR };

static const char *const keywords[] = {
	[C_FROM] = "from", [C_BY] = "by", [C_VIA] = "via",
	[C_WITH] = "with", [C_ID] = "id", [C_FOR] = "for",
};

struct walk {
	struct received *r;
	enum clause k;		/* the clause being read */
	bool taken;		/* its value was read */
	bool with_open;		/* WITH's protocol may go on */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Copies into a field of @size bytes, cut if longer; control bytes become
 * '?', so that a forged header cannot drive the terminal it is shown on.
 */
static void put(char *dst, size_t size, const char *s, size_t len)
{
	size_t i;

	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?'
								    : s[i];
	dst[len] = '\0';
}

#define PUT(dst, s, len) put(dst, sizeof(dst), s, len)

/* Index of the ')' closing the comment opened at s[i], or @n if none. */
static size_t comment_end(const char *s, size_t i, size_t n)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && !--depth)
			return i;
	}
	return n;
}

static size_t skip_comment(const char *s, size_t i, size_t n)
{
	i = comment_end(s, i, n);
	return i < n ? i + 1 : n;
}

/* Index past the quoted-string opened at s[i] == '"'. */
static size_t skip_quoted(const char *s, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* Where the date-time starts: after the last ';' outside comments. */
static size_t find_date(const char *s, size_t n, bool *found_r)
{
	size_t i = 0, semi = n;

	while (i < n) {
		if (s[i] == '(') {
			i = skip_comment(s, i, n);
		} else if (s[i] == '"') {
			i = skip_quoted(s, i, n);
		} else {
			if (s[i] == ';')
				semi = i;
			i++;
		}
	}
	*found_r = semi < n;
	return semi;
}

/* A word (quoted strings may hold spaces) or a comment; false at the end. */
static bool next_token(const char *s, size_t n, size_t *i, size_t *start_r,
		       size_t *len_r, bool *comment_r)
{
	size_t j;

	while (*i < n && is_space(s[*i]))
		(*i)++;
	if (*i == n)
		return false;
	j = *i;
	*comment_r = s[j] == '(';
	if (*comment_r) {
		*start_r = j + 1;
		*i = comment_end(s, j, n);
		*len_r = *i - *start_r;
		*i = *i < n ? *i + 1 : n;
		return true;
	}
	while (j < n && !is_space(s[j]) && s[j] != '(')
		j = s[j] == '"' ? skip_quoted(s, j, n) : j + 1;
	*start_r = *i;
	*len_r = j - *i;
	*i = j;
	return true;
}

/* Words inside a comment: split at white space and parentheses. */
static bool next_word(const char *s, size_t n, size_t *i, size_t *start_r,
		      size_t *len_r)
{
	while (*i < n && (is_space(s[*i]) || s[*i] == '(' || s[*i] == ')'))
		(*i)++;
	if (*i == n)
		return false;
	*start_r = *i;
	while (*i < n && !is_space(s[*i]) && s[*i] != '(' && s[*i] != ')')
		(*i)++;
	*len_r = *i - *start_r;
	return true;
}

/* Whether @len bytes of @s are an IPv4 or IPv6 address; into @ip if so. */
static bool address(const char *s, size_t len, char *ip)
{
	unsigned char bin[16];
	char buf[RECEIVED_IP_MAX + 1];

	if (len > 5 && !strncasecmp(s, "IPv6:", 5)) {
		s += 5;
		len -= 5;
	}
	if (!len || len > RECEIVED_IP_MAX)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, bin) != 1 &&
	    inet_pton(AF_INET6, buf, bin) != 1)
		return false;
	memcpy(ip, buf, len + 1);
	return true;
}

/* "[addr]" at the start of a word, as in "[192.0.2.1]:25" too. */
static bool bracketed(const char *w, size_t len, char *ip)
{
	const char *end;

	if (len < 3 || w[0] != '[')
		return false;
	end = memchr(w, ']', len);
	return end && address(w + 1, end - w - 1, ip);
}

static bool word_is(const char *w, size_t len, const char *what)
{
	return len == strlen(what) && !strncasecmp(w, what, len);
}

static bool helo_word(const char *w, size_t len)
{
	return word_is(w, len, "helo") || word_is(w, len, "ehlo");
}

static void set_helo(struct received *r, const char *w, size_t len)
{
	if (!r->helo[0])
		PUT(r->helo, w, len);
}

/*
 * FROM's comments: "(rdns [ip])" (Postfix, Sendmail, Gmail), "([ip]:port
 * helo=name)" (Exim), "(HELO name)" and "(ip)" (qmail, Exchange).
 */
static void from_comment(struct received *r, const char *s, size_t n)
{
	size_t i = 0, st, len, first = n, first_len = 0, words = 0;
	bool helo_next = false;
	char ip[RECEIVED_IP_MAX + 1];

	while (next_word(s, n, &i, &st, &len)) {
		const char *w = s + st;

		words++;
		if (helo_next) {
			set_helo(r, w, len);
			helo_next = false;
		} else if (helo_word(w, len)) {
			helo_next = true;
		} else if (len > 5 && (!strncasecmp(w, "helo=", 5) ||
				       !strncasecmp(w, "ehlo=", 5))) {
			set_helo(r, w + 5, len - 5);
		} else if (!r->ip[0] && bracketed(w, len, ip)) {
			memcpy(r->ip, ip, sizeof(ip));
			if (words == 2 && first_len && !r->rdns[0])
				PUT(r->rdns, s + first, first_len);
		} else if (words == 1 && w[0] != '[' && !memchr(w, '=', len)) {
			first = st;
			first_len = len;
		}
	}
	if (words == 1 && first_len && !r->ip[0])
		address(s + first, first_len, r->ip);
}

static enum clause keyword(const char *w, size_t len)
{
	size_t k;

	for (k = C_FROM; k <= C_FOR; k++)
		if (word_is(w, len, keywords[k]))
			return k;
	return C_NONE;
}

static void append_with(struct received *r, const char *w, size_t len)
{
	size_t n = strlen(r->with);

	if (n && n < sizeof(r->with) - 1)
		r->with[n++] = ' ';
	put(r->with + n, sizeof(r->with) - n, w, len);
}

/* The first clause of each kind wins: later ones are someone's junk. */
static void value(struct walk *w, const char *s, size_t len)
{
	struct received *r = w->r;

	switch (w->k) {
	case C_FROM:
		if (!r->from[0])
			PUT(r->from, s, len);
		break;
	case C_BY:
		if (!r->by[0])
			PUT(r->by, s, len);
		break;
	case C_ID:
		if (!r->id[0])
			PUT(r->id, s, len);
		break;
	case C_FOR:
		if (!r->for_addr[0])
			PUT(r->for_addr, s, len);
		break;
	default:
		break;
	}
}

static void word(struct walk *w, const char *s, size_t len)
{
	enum clause k = keyword(s, len);

	if (k != C_NONE) {
		w->k = k;
		w->taken = false;
		w->with_open = k == C_WITH && !w->r->with[0];
	} else if (w->k == C_WITH && w->with_open) {
		append_with(w->r, s, len);
	} else if (!w->taken) {
		value(w, s, len);
		w->taken = true;
	}
}

static void clauses(struct received *r, const char *s, size_t n)
{
	struct walk w = { r, C_NONE, false, false };
	size_t i = 0, st, len;
	bool comment;

	while (next_token(s, n, &i, &st, &len, &comment)) {
		if (!comment) {
			word(&w, s + st, len);
			continue;
		}
		w.with_open = false;
		if (w.k == C_FROM)
			from_comment(r, s + st, len);
	}
	if (!r->ip[0] && r->from[0] == '[')
		bracketed(r->from, strlen(r->from), r->ip);
	if (!strchr(r->with, ' '))
		for (i = 0; r->with[i]; i++)
			r->with[i] = toupper((unsigned char)r->with[i]);
}

int received_parse(const char *value, size_t len, struct received *r)
{
	size_t semi;
	bool found;

	memset(r, 0, sizeof(*r));
	semi = find_date(value, len, &found);
	clauses(r, value, semi);
	if (!found || rfc5322_date(value + semi + 1, len - semi - 1, &r->time))
		return -EINVAL;
	r->has_time = true;
	return 0;
}
