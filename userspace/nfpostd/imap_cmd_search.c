// SPDX-License-Identifier: GPL-2.0
/*
 * SEARCH and UID SEARCH (RFC 3501 6.4.4): every key of 6.4.4, keys ANDed,
 * OR, NOT and parenthesized groups; CHARSET UTF-8 or US-ASCII. Strings
 * match as case-insensitive (ASCII) substrings of the header values, raw
 * or with their RFC 2047 words decoded to UTF-8, or of the text. KEYWORD
 * looks the name up in the mailbox's keywords (one it has not defined is
 * on no message); RECENT, NEW and OLD follow the session's \Recent.
 * Header fields come from the daemon's header cache (hcache.h) once a
 * search has read them from the files.
 *
 * ESEARCH (RFC 4731): "SEARCH RETURN (MIN MAX COUNT ALL) ..." answers
 * with one "* ESEARCH (TAG "t") [UID] ..." line, its ALL a sequence set;
 * "RETURN ()" is RETURN (ALL). MIN, MAX and ALL are left out when nothing
 * matched, COUNT never.
 *
 * CONDSTORE (RFC 7162 3.1.5): the MODSEQ key, and then the highest MODSEQ
 * of the matches at the end of the answer ("(MODSEQ n)", or ESEARCH's
 * "MODSEQ n"), none when nothing matched.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <event2/buffer.h>

#include "hcache.h"
#include "imap_fetch.h"
#include "imap_priv.h"
#include "log.h"
#include "rfc2047.h"
#include "rfc5322.h"

struct ctx {
	struct imap_session *s;
	struct hcache *hc;	/* the mailbox's header cache, or NULL */
	size_t i;		/* the message */
	bool dry;		/* checking the syntax only */
	bool loaded;
	bool whole;		/* msg is all of it, not only the header */
	char *msg;
	size_t len, hlen;
	time_t mtime;
	const char *err;
	bool modseq;		/* a MODSEQ key was seen */
};

/*
 * The message into c->msg: its header only (keys on header fields and
 * dates: no body read on a large mailbox) unless @whole (BODY, TEXT).
 */
static int read_part(struct ctx *c, bool whole)
{
	return whole ? mailbox_msg_read(&c->s->mb, c->i, &c->msg, &c->len,
					&c->mtime) :
		mailbox_msg_read_header(&c->s->mb, c->i, &c->msg, &c->len,
					&c->mtime);
}

/* read_part() once per message; renamed by another, found again. */
static int load_part(struct ctx *c, bool whole)
{
	int ret;

	if (c->loaded && (c->whole || !whole))
		return c->msg ? 0 : -EIO;
	free(c->msg);
	c->loaded = true;
	c->whole = whole;
	ret = read_part(c, whole);
	if (ret == -ENOENT && imap_view_refind(c->s, c->i))
		ret = read_part(c, whole);
	if (ret) {
		c->msg = NULL;
		return ret;
	}
	c->hlen = imap_header_len(c->msg, c->len);
	return 0;
}

static int load(struct ctx *c)
{
	return load_part(c, false);
}

static bool contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, j;

	if (!k)
		return true;
	for (i = 0; i + k <= n; i++) {
		for (j = 0; j < k; j++)
			if (tolower((unsigned char)hay[i + j]) !=
			    tolower((unsigned char)needle[j]))
				break;
		if (j == k)
			return true;
	}
	return false;
}

/* The value's RFC 2047 words decoded to UTF-8 contain @needle. */
static bool decoded_has(const char *v, size_t len, const char *needle)
{
	/* iconv may grow a byte to a few; more is cut, not overrun. */
	size_t size = 4 * len + 16;
	char *dec = malloc(size);
	bool yes = false;
	ssize_t n;

	if (!dec || !memmem(v, len, "=?", 2)) {
		free(dec);
		return false;
	}
	n = rfc2047_decode(v, len, dec, size);
	yes = contains(dec, n < 0 ? strlen(dec) : (size_t)n, needle);
	free(dec);
	return yes;
}

/*
 * The daemon's header caches (hcache.h), one per mailbox, for every
 * session: SEARCH on a header field asks the cache first, and keeps what
 * it read from a file there.
 */
static struct hcache_set caches;
static bool caches_ready;

/*
 * Field @field of the message: imap_header_fields()'s output, from the
 * cache or (kept in it then) from the file. *@v_r, *@len_r; *@tmp_r is
 * to be freed (NULL for a cached value). -errno if unreadable.
 */
static int fields_of(struct ctx *c, const char *field, const char **v_r,
		     size_t *len_r, char **tmp_r)
{
	const struct mailbox_msg *m = &c->s->mb.v[c->i];
	int f = c->hc ? hcache_field(c->hc, field) : -ENOSPC;
	const char *base = m->name + 4;
	char *tmp;
	int ret;

	*tmp_r = NULL;
	if (f >= 0 && !hcache_lookup(c->hc, m->uid, base, m->base_len,
				     m->size, f, v_r, len_r))
		return 0;
	ret = load(c);
	if (ret)
		return ret;
	m = &c->s->mb.v[c->i];	/* load() may have found it renamed */
	base = m->name + 4;
	tmp = malloc(c->hlen + 3);
	if (!tmp)
		return -ENOMEM;
	*len_r = imap_header_fields(c->msg, c->hlen, field, false, tmp);
	tmp[*len_r] = '\0';
	*v_r = tmp;
	*tmp_r = tmp;
	if (f >= 0)
		hcache_store(c->hc, m->uid, base, m->base_len, m->size, f, tmp,
			     *len_r);
	return 0;
}

/* A header field's values (not its name) contain @needle, as they are or
 * decoded (RFC 2047). */
static bool header_has(struct ctx *c, const char *field, const char *needle)
{
	const char *p, *end, *colon, *v;
	bool yes = false;
	char *tmp;
	size_t n;

	if (c->dry || fields_of(c, field, &v, &n, &tmp))
		return false;
	for (p = v, end = v + n; p < end && !yes; p = colon) {
		colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			break;
		p = ++colon;
		/* To the next field: a line that does not start with WSP. */
		while (colon < end && !(colon[-1] == '\n' && colon[0] != ' ' &&
					colon[0] != '\t'))
			colon++;
		if (!*needle && strlen(field) && p <= end)
			yes = true;
		else
			yes = contains(p, (size_t)(colon - p), needle) ||
			      decoded_has(p, (size_t)(colon - p), needle);
	}
	free(tmp);
	return yes;
}

/* "1-Feb-1994" to the start of that day, UTC. */
static int day(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%d-%b-%Y", &tm);

	if (!end || *end)
		return -EINVAL;
	*t = timegm(&tm);
	return 0;
}

static time_t internal_day(struct ctx *c)
{
	if (c->dry || load(c))
		return 0;
	return c->mtime - c->mtime % 86400;
}

static time_t sent_day(struct ctx *c)
{
	char *p, *tmp, *date;
	const char *v;
	time_t t = 0;
	size_t n;

	if (c->dry || fields_of(c, "DATE", &v, &n, &tmp))
		return 0;
	date = strndup(v, n);
	p = date ? strchr(date, ':') : NULL;
	if (p) {
		p++;
		p[strcspn(p, "\r\n")] = '\0';
		while (*p == ' ')
			p++;
		if (rfc5322_date(p, strlen(p), &t))
			t = 0;
	}
	free(date);
	free(tmp);
	return t - t % 86400;
}

static int key(struct ctx *c, const struct imap_arg **a, bool *r);

/* The keys of a list or of the rest of the command, all ANDed. */
static int all(struct ctx *c, const struct imap_arg *a, bool *r)
{
	bool one;

	*r = true;
	if (!a) {
		c->err = "Missing search key.";
		return -EINVAL;
	}
	while (a) {
		if (key(c, &a, &one))
			return -EINVAL;
		*r = *r && one;
	}
	return 0;
}

static const char *take_str(struct ctx *c, const struct imap_arg **a)
{
	const char *v = imap_arg_str(*a);

	if (!v) {
		c->err = "Missing search string.";
		return NULL;
	}
	*a = (*a)->next;
	return v;
}

static const struct {
	const char *name;
	unsigned int flag;
	bool set;
} flag_keys[] = {
	{ "ANSWERED", MAILBOX_ANSWERED, true },
	{ "DELETED", MAILBOX_DELETED, true },
	{ "DRAFT", MAILBOX_DRAFT, true },
	{ "FLAGGED", MAILBOX_FLAGGED, true },
	{ "SEEN", MAILBOX_SEEN, true },
	{ "UNANSWERED", MAILBOX_ANSWERED, false },
	{ "UNDELETED", MAILBOX_DELETED, false },
	{ "UNDRAFT", MAILBOX_DRAFT, false },
	{ "UNFLAGGED", MAILBOX_FLAGGED, false },
	{ "UNSEEN", MAILBOX_SEEN, false },
};

static const char *const header_keys[] = { "SUBJECT", "FROM", "TO", "CC",
					   "BCC" };

static int string_key(struct ctx *c, const char *k, const struct imap_arg **a,
		      bool *r)
{
	const char *v, *field;
	size_t i;

	for (i = 0; i < sizeof(header_keys) / sizeof(header_keys[0]); i++) {
		if (strcasecmp(k, header_keys[i]))
			continue;
		v = take_str(c, a);
		*r = v && header_has(c, header_keys[i], v);
		return v ? 0 : -EINVAL;
	}
	if (!strcasecmp(k, "HEADER")) {
		field = take_str(c, a);
		v = field ? take_str(c, a) : NULL;
		if (!v || strchr(field, ' '))
			return -EINVAL;
		*r = header_has(c, field, v);
		return 0;
	}
	if (!strcasecmp(k, "BODY") || !strcasecmp(k, "TEXT")) {
		v = take_str(c, a);
		if (!v)
			return -EINVAL;
		*r = !c->dry && !load_part(c, true) &&
		     (toupper((unsigned char)k[0]) == 'T' ?
		      contains(c->msg, c->len, v) :
		      contains(c->msg + c->hlen, c->len - c->hlen, v));
		return 0;
	}
	return -ENOENT;
}

static int date_key(struct ctx *c, const char *k, const struct imap_arg **a,
		    bool *r)
{
	static const char *const names[] = { "BEFORE", "ON", "SINCE",
					     "SENTBEFORE", "SENTON",
					     "SENTSINCE" };
	const char *v;
	time_t t, d;
	size_t i;

	for (i = 0; i < 6 && strcasecmp(k, names[i]); i++)
		;
	if (i == 6)
		return -ENOENT;
	v = take_str(c, a);
	if (!v || day(v, &t)) {
		c->err = "Invalid search date.";
		return -EINVAL;
	}
	d = i < 3 ? internal_day(c) : sent_day(c);
	*r = !c->dry && (i % 3 == 0 ? d < t : i % 3 == 1 ? d == t : d >= t);
	return 0;
}

static int size_key(struct ctx *c, const char *k, const struct imap_arg **a,
		    bool *r)
{
	unsigned long long n;
	const char *v;
	char *end;

	if (strcasecmp(k, "LARGER") && strcasecmp(k, "SMALLER"))
		return -ENOENT;
	v = imap_arg_atom(*a);
	if (!v || !*v || (n = strtoull(v, &end, 10), *end)) {
		c->err = "Invalid size.";
		return -EINVAL;
	}
	*a = (*a)->next;
	*r = !c->dry && (toupper((unsigned char)k[0]) == 'L' ?
			 c->s->mb.v[c->i].size > n : c->s->mb.v[c->i].size < n);
	return 0;
}

static int set_key(struct ctx *c, const char *k, bool uid, bool *r)
{
	struct imap_seqset set;
	struct mailbox *mb = &c->s->mb;
	uint32_t max, v;

	if (imap_seqset_parse(k, &set))
		return -ENOENT;
	if (c->dry || !mb->n) {
		*r = false;
		return 0;
	}
	max = uid ? mb->v[mb->n - 1].uid : (uint32_t)mb->n;
	v = uid ? mb->v[c->i].uid : (uint32_t)(c->i + 1);
	*r = imap_seqset_has(&set, v, max);
	return 0;
}

static int simple_key(struct ctx *c, const char *k, bool *r)
{
	unsigned int f = c->dry ? 0 : c->s->mb.v[c->i].flags;
	size_t i;

	for (i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++) {
		if (!strcasecmp(k, flag_keys[i].name)) {
			*r = !(f & flag_keys[i].flag) != flag_keys[i].set;
			return 0;
		}
	}
	if (!strcasecmp(k, "ALL")) {
		*r = true;
		return 0;
	}
	/* RFC 3501 6.4.4: NEW is RECENT UNSEEN, OLD is NOT RECENT. */
	if (!strcasecmp(k, "RECENT") || !strcasecmp(k, "NEW") ||
	    !strcasecmp(k, "OLD")) {
		bool recent = !c->dry && c->s->mb.v[c->i].recent;

		*r = !strcasecmp(k, "OLD") ? !recent : recent &&
		     (strcasecmp(k, "NEW") || !(f & MAILBOX_SEEN));
		return 0;
	}
	return -ENOENT;
}

/*
 * RFC 7162 3.1.5: MODSEQ ["/flags/name" priv|shared|all] n, a MODSEQ of
 * n or more. The MODSEQs kept are the messages', so the entry is checked
 * and its message's MODSEQ compared.
 */
static int modseq_key(struct ctx *c, const struct imap_arg **a, bool *r)
{
	const struct imap_arg *t;
	const char *v;
	uint64_t n;

	if (*a && ((*a)->type == IMAP_ARG_STRING ||
		   (*a)->type == IMAP_ARG_LITERAL)) {
		t = (*a)->next;
		v = imap_arg_atom(t);
		if (!v || (strcasecmp(v, "priv") && strcasecmp(v, "shared") &&
			   strcasecmp(v, "all"))) {
			c->err = "Invalid MODSEQ entry type.";
			return -EINVAL;
		}
		*a = t->next;
	}
	v = imap_arg_atom(*a);
	if (!v || imap_modseq_parse(v, &n)) {
		c->err = "Invalid MODSEQ.";
		return -EINVAL;
	}
	*a = (*a)->next;
	c->modseq = true;
	*r = !c->dry && c->s->mb.v[c->i].modseq >= n;
	return 0;
}

static bool has_keyword(struct ctx *c, const char *name)
{
	char letter = keywords_letter(&c->s->kw, name);

	return !c->dry && letter && strchr(c->s->mb.v[c->i].other, letter);
}

static int key(struct ctx *c, const struct imap_arg **a, bool *r)
{
	const struct imap_arg *cur = *a;
	const char *k = imap_arg_atom(cur);
	bool x, y;
	int ret;

	if (cur->type == IMAP_ARG_LIST) {
		*a = cur->next;
		return all(c, cur->child, r);
	}
	if (!k) {
		c->err = "Invalid search key.";
		return -EINVAL;
	}
	*a = cur->next;
	if (!strcasecmp(k, "NOT")) {
		if (!*a || key(c, a, &x))
			return -EINVAL;
		*r = !x && !c->dry;
		return 0;
	}
	if (!strcasecmp(k, "OR")) {
		if (!*a || key(c, a, &x) || !*a || key(c, a, &y))
			return -EINVAL;
		*r = x || y;
		return 0;
	}
	if (!strcasecmp(k, "KEYWORD") || !strcasecmp(k, "UNKEYWORD")) {
		k = imap_arg_atom(*a);
		if (!k)
			return -EINVAL;
		*a = (*a)->next;
		*r = has_keyword(c, k) != (toupper((unsigned char)cur->str[0])
					   == 'U') && !c->dry;
		return 0;
	}
	if (!strcasecmp(k, "MODSEQ"))
		return modseq_key(c, a, r);
	if (!strcasecmp(k, "UID")) {
		k = imap_arg_atom(*a);
		if (!k || set_key(c, k, true, r))
			return -EINVAL;
		*a = (*a)->next;
		return 0;
	}
	ret = simple_key(c, k, r);
	if (ret == -ENOENT)
		ret = string_key(c, k, a, r);
	if (ret == -ENOENT)
		ret = date_key(c, k, a, r);
	if (ret == -ENOENT)
		ret = size_key(c, k, a, r);
	if (ret == -ENOENT)
		ret = set_key(c, k, false, r);
	if (ret == -ENOENT)
		c->err = "Unknown search key.";
	return ret ? -EINVAL : 0;
}

enum {
	RET_MIN = 1, RET_MAX = 2, RET_COUNT = 4, RET_ALL = 8,
};

/* RFC 4731 3.1: the RETURN options; -EINVAL for an unknown one. */
static int return_opts(const struct imap_arg *list, unsigned int *ret)
{
	static const char *const names[] = { "MIN", "MAX", "COUNT", "ALL" };
	const struct imap_arg *a;
	const char *o;
	size_t i;

	*ret = 0;
	if (list->type != IMAP_ARG_LIST)
		return -EINVAL;
	for (a = list->child; a; a = a->next) {
		o = imap_arg_atom(a);
		for (i = 0; o && i < 4 && strcasecmp(o, names[i]); i++)
			;
		if (!o || i == 4)
			return -EINVAL;
		*ret |= 1u << i;
	}
	if (!*ret)
		*ret = RET_ALL;
	return 0;
}

/* The matches, ascending, as a sequence set: "2,10:11". */
static void add_set(struct evbuffer *out, const uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		evbuffer_add_printf(out, "%s%u", i ? "," : "", v[i]);
		if (j - i > 1)
			evbuffer_add_printf(out, ":%u", v[j - 1]);
	}
}

/* @modseq: the highest MODSEQ of the matches, if a MODSEQ key was used. */
static void answer(struct imap_session *s, unsigned int ret, bool uid,
		   const uint32_t *v, size_t n, uint64_t modseq)
{
	struct evbuffer *out = bufferevent_get_output(s->link.bev);
	size_t i;

	if (!ret) {
		evbuffer_add_printf(out, "* SEARCH");
		for (i = 0; i < n; i++)
			evbuffer_add_printf(out, " %u", v[i]);
		if (modseq && n)
			evbuffer_add_printf(out, " (MODSEQ %" PRIu64 ")",
					    modseq);
		imap_send(s, "%s", "");
		return;
	}
	evbuffer_add_printf(out, "* ESEARCH (TAG ");
	imap_send_string(s, s->tag, strlen(s->tag));
	evbuffer_add_printf(out, ")%s", uid ? " UID" : "");
	if ((ret & RET_MIN) && n)
		evbuffer_add_printf(out, " MIN %u", v[0]);
	if ((ret & RET_MAX) && n)
		evbuffer_add_printf(out, " MAX %u", v[n - 1]);
	if ((ret & RET_ALL) && n) {
		evbuffer_add_printf(out, " ALL ");
		add_set(out, v, n);
	}
	if (ret & RET_COUNT)
		evbuffer_add_printf(out, " COUNT %zu", n);
	/* RFC 7162 3.1.5, for RFC 4731's answer. */
	if (modseq && n)
		evbuffer_add_printf(out, " MODSEQ %" PRIu64, modseq);
	imap_send(s, "%s", "");
}

void imap_cmd_search(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	struct ctx c = { .s = s, .dry = true };
	const char *cs = imap_arg_atom(args);
	unsigned int ret = 0;
	uint64_t modseq = 0, refused;
	uint32_t *v;
	size_t i, n = 0;
	bool r;

	if (cs && !strcasecmp(cs, "RETURN")) {
		if (!args->next || return_opts(args->next, &ret)) {
			imap_bad(s, "Invalid RETURN options.");
			return;
		}
		args = args->next->next;
		cs = imap_arg_atom(args);
	}
	if (cs && !strcasecmp(cs, "CHARSET")) {
		cs = imap_arg_str(args->next);
		if (!cs) {
			imap_bad(s, "Missing charset.");
			return;
		}
		if (strcasecmp(cs, "UTF-8") && strcasecmp(cs, "US-ASCII")) {
			imap_done(s, "NO", "[BADCHARSET (UTF-8 US-ASCII)] "
				  "Unsupported charset.");
			return;
		}
		args = args->next->next;
	}
	if (all(&c, args, &r)) {
		imap_bad(s, c.err ? c.err : "Invalid search arguments.");
		return;
	}
	v = malloc((s->mb.n ? s->mb.n : 1) * sizeof(*v));
	if (!v) {
		imap_done(s, "NO", "[SERVERBUG] Out of memory.");
		return;
	}
	if (!caches_ready) {
		hcache_set_init(&caches, 0, 0);
		caches_ready = true;
	}
	c.hc = hcache_get(&caches, s->mb.path, s->mb.uidvalidity);
	if (c.hc)
		hcache_retain(c.hc, &s->mb);
	refused = caches.stats.refused;
	/* Not held, the files are opened by their paths all the same. */
	mailbox_dir_hold(&s->mb);
	for (i = 0; i < s->mb.n; i++) {
		struct ctx m = { .s = s, .i = i, .hc = c.hc };

		if (!all(&m, args, &r) && r) {
			v[n++] = uid ? s->mb.v[i].uid : (uint32_t)(i + 1);
			if (c.modseq && s->mb.v[i].modseq > modseq)
				modseq = s->mb.v[i].modseq;
		}
		free(m.msg);
	}
	mailbox_dir_release(&s->mb);
	if (caches.stats.refused != refused)
		log_msg(LOG_WARNING, "imap(%s): header cache full: %" PRIu64
			" values not kept (%" PRIu64 " in all)", s->user,
			caches.stats.refused - refused, caches.stats.refused);
	if (c.modseq)
		s->condstore = true;
	answer(s, ret, uid, v, n, modseq);
	free(v);
	imap_done(s, "OK", "Search completed.");
}
