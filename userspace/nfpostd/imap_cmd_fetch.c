// SPDX-License-Identifier: GPL-2.0
/*
 * FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8): flags, UID, size,
 * INTERNALDATE and sections of the message file (whole, HEADER, TEXT,
 * HEADER.FIELDS[.NOT], MIME parts by number), partial or not, ENVELOPE,
 * BODY and BODYSTRUCTURE (from the MIME tree, mime.c); a fetch of a body
 * without PEEK sets \Seen and tells the new flags. CONDSTORE (RFC 7162
 * 3.1.4): the MODSEQ item, and (CHANGEDSINCE n) for messages changed
 * since n.
 */
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

#include "decimal.h"
#include "imap_fetch.h"
#include "imap_struct.h"
#include "mime.h"
#include "imap_priv.h"

#define FETCH_ITEMS_MAX	32

struct fetch {
	struct imap_fetch_item items[FETCH_ITEMS_MAX];
	size_t n;
	bool uid;		/* UID FETCH: UID is always sent */
	bool body;		/* the file must be read */
	bool modseq;		/* MODSEQ is an item */
	bool seen;		/* a section without PEEK sets \Seen */
	bool since;		/* RFC 7162 3.1.4.1: only MODSEQs above */
	uint64_t changedsince;
	bool whole;		/* ... past its header */
	bool mime;		/* ... and its MIME tree parsed */
};

/*
 * What an item needs of the file: ENVELOPE and the top-level HEADER and
 * HEADER.FIELDS only the header (a large mailbox's headers are fetched
 * without reading the bodies); BODY, BODYSTRUCTURE and numbered parts
 * the MIME tree.
 */
static void needs(struct fetch *f, const struct imap_fetch_item *it)
{
	if (it->what == IMAP_FETCH_ENVELOPE) {
		f->body = true;
		return;
	}
	if (it->what == IMAP_FETCH_BODY ||
	    it->what == IMAP_FETCH_BODYSTRUCTURE) {
		f->body = f->whole = f->mime = true;
		return;
	}
	if (it->what != IMAP_FETCH_SECTION)
		return;
	f->body = true;
	if (it->part[0])
		f->whole = f->mime = true;
	else if (it->sect != IMAP_SECT_HEADER &&
		 it->sect != IMAP_SECT_FIELDS &&
		 it->sect != IMAP_SECT_FIELDS_NOT)
		f->whole = true;
}

static int add_item(struct fetch *f, const char *atom)
{
	static const char *const macro[] = { "FLAGS", "INTERNALDATE",
					     "RFC822.SIZE", "ENVELOPE", "BODY" };
	struct imap_fetch_item *it;
	size_t i, n;

	/* RFC 3501 6.4.5: FAST, ALL and FULL, the first 3, 4 or 5 above. */
	n = !strcasecmp(atom, "FAST") ? 3 : !strcasecmp(atom, "ALL") ? 4 :
		!strcasecmp(atom, "FULL") ? 5 : 0;
	if (n) {
		for (i = 0; i < n; i++)
			if (add_item(f, macro[i]))
				return -EINVAL;
		return 0;
	}
	if (f->n == FETCH_ITEMS_MAX)
		return -E2BIG;
	it = &f->items[f->n];
	if (imap_fetch_item_parse(atom, it))
		return -EINVAL;
	needs(f, it);
	if (it->what == IMAP_FETCH_SECTION && !it->peek)
		f->seen = true;
	if (it->what == IMAP_FETCH_MODSEQ)
		f->modseq = true;
	f->n++;
	return 0;
}

static int parse_items(struct fetch *f, const struct imap_arg *a)
{
	int ret;

	f->n = 0;
	f->body = f->whole = f->mime = false;
	if (a && a->type == IMAP_ARG_ATOM)
		return add_item(f, a->str);
	if (!a || a->type != IMAP_ARG_LIST || !a->child)
		return -EINVAL;
	for (a = a->child; a; a = a->next) {
		if (a->type != IMAP_ARG_ATOM)
			return -EINVAL;
		ret = add_item(f, a->str);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The part a section's numbers name (RFC 3501 6.4.5): a multipart's n-th
 * child; inside a message/rfc822 part, its message's; part 1 of a
 * single-part body is that body. NULL if there is none.
 */
static struct mime_part *find_part(struct mime_part *root, const char *nums)
{
	struct mime_part *cur = root;
	unsigned long n;
	char *end;

	while (cur && *nums) {
		n = strtoul(nums, &end, 10);
		nums = *end ? end + 1 : end;
		if (cur != root && cur->message)
			cur = cur->message;
		if (cur->child)
			cur = mime_child(cur, n);
		else if (n != 1)
			cur = NULL;
	}
	return cur;
}

/* Where a section's bytes are; false if the message has no such part. */
static bool locate(const struct imap_fetch_item *it, const char *msg,
		   size_t len, struct mime_part *root, size_t *off, size_t *n)
{
	struct mime_part *p = root;
	size_t h = imap_header_len(msg, len);

	*off = 0;
	*n = len;
	if (!it->part[0]) {
		if (it->sect == IMAP_SECT_TEXT) {
			*off = h;
			*n = len - h;
		} else if (it->sect != IMAP_SECT_ALL) {
			*n = h;
		}
		return true;
	}
	p = find_part(root, it->part);
	if (!p)
		return false;
	if (it->sect == IMAP_SECT_ALL || it->sect == IMAP_SECT_MIME) {
		*off = it->sect == IMAP_SECT_ALL ? p->body_off : p->hdr_off;
		*n = it->sect == IMAP_SECT_ALL ? p->body_len : p->hdr_len;
		return true;
	}
	/* HEADER, TEXT and the fields of a part: of its message only. */
	if (!p->message)
		return false;
	p = p->message;
	*off = it->sect == IMAP_SECT_TEXT ? p->body_off : p->hdr_off;
	*n = it->sect == IMAP_SECT_TEXT ? p->body_len : p->hdr_len;
	return true;
}

static void section(struct imap_session *s, const struct imap_fetch_item *it,
		    const char *msg, size_t len, struct mime_part *root)
{
	size_t off, n, skip = 0;
	char *tmp = NULL;
	const char *p;

	if (!locate(it, msg, len, root, &off, &n)) {
		/* RFC 3501 6.4.5: a part that does not exist is empty. */
		off = 0;
		n = 0;
	}
	p = msg + off;
	if (it->sect == IMAP_SECT_FIELDS || it->sect == IMAP_SECT_FIELDS_NOT) {
		tmp = malloc(n + 2);
		n = tmp ? imap_header_fields(p, n, it->fields,
					     it->sect == IMAP_SECT_FIELDS_NOT,
					     tmp) : 0;
		p = tmp;
	}
	if (it->partial) {
		skip = it->off < n ? it->off : n;
		n = n - skip < it->len ? n - skip : it->len;
	}
	imap_printf(s, "%s {%zu}\r\n", it->label, n);
	imap_send_raw(s, p + skip, n);
	free(tmp);
}

static void structure(struct imap_session *s, const struct imap_fetch_item *it,
		      const char *msg, size_t len, struct mime_part *root)
{
	struct imap_buf b = { 0 };

	if (it->what == IMAP_FETCH_ENVELOPE)
		imap_envelope(&b, msg, imap_header_len(msg, len));
	else
		imap_bodystructure(&b, msg, root);
	imap_printf(s, "%s ", it->what == IMAP_FETCH_ENVELOPE ? "ENVELOPE" :
		    it->what == IMAP_FETCH_BODY ? "BODY" : "BODYSTRUCTURE");
	imap_send_raw(s, b.p ? b.p : "NIL", b.p ? b.len : 3);
	imap_buf_free(&b);
}

/*
 * One message's answer but for its sections and structures, put together
 * here and queued at once: a printf() and a queueing per item were half
 * of a UID FETCH 1:* (FLAGS RFC822.SIZE) on a large mailbox.
 */
struct line {
	char b[IMAP_FLAGS_STR_MAX + 160];
	size_t n;
	bool first;		/* no item yet: no space before the next */
};

static void line_flush(struct imap_session *s, struct line *l)
{
	if (l->n)
		imap_send_raw(s, l->b, l->n);
	l->n = 0;
}

static void line_add(struct imap_session *s, struct line *l, const char *p,
		     size_t n)
{
	if (n > sizeof(l->b) - l->n)
		line_flush(s, l);
	if (n > sizeof(l->b)) {
		imap_send_raw(s, p, n);
		return;
	}
	memcpy(l->b + l->n, p, n);
	l->n += n;
}

static void line_str(struct imap_session *s, struct line *l, const char *p)
{
	line_add(s, l, p, strlen(p));
}

static void line_num(struct imap_session *s, struct line *l, uint64_t v)
{
	char d[20];

	line_add(s, l, d, put_decimal(d, v));
}

/* The space between two items, then the item's name. */
static void line_item(struct imap_session *s, struct line *l,
		      const char *name)
{
	if (!l->first)
		line_add(s, l, " ", 1);
	l->first = false;
	line_str(s, l, name);
}

/*
 * Whether an item needs the file itself: FLAGS, UID and RFC822.SIZE come
 * from its name, so that listing a large mailbox opens none.
 */
static bool wants_date(const struct fetch *f)
{
	size_t k;

	for (k = 0; k < f->n; k++)
		if (f->items[k].what == IMAP_FETCH_INTERNALDATE)
			return true;
	return false;
}

/*
 * What the items of @f need of message @i's file: the whole of it, its
 * header or its date.
 */
static int fetch_read(struct imap_session *s, const struct fetch *f, size_t i,
		      char **msg, size_t *len, time_t *mtime)
{
	struct stat st;
	int fd, ret;

	if (f->whole)
		return mailbox_msg_read(&s->mb, i, msg, len, mtime);
	if (f->body)
		return mailbox_msg_read_header(&s->mb, i, msg, len,
					       wants_date(f) ? mtime : NULL);
	if (!wants_date(f))
		return 0;
	fd = mailbox_msg_open(&s->mb, i);
	if (fd < 0)
		return fd;
	ret = fstat(fd, &st) ? -errno : 0;
	*mtime = st.st_mtime;
	close(fd);
	return ret;
}

/* One message's answer; -errno if its file is gone. */
static int fetch_one(struct imap_session *s, const struct fetch *f, size_t i,
		     bool seen)
{
	struct mime_part *root = NULL;
	struct mailbox_msg *m;
	struct line l = { .n = 0, .first = true };
	bool flags = seen;
	char *msg = NULL, buf[IMAP_FLAGS_STR_MAX];
	time_t mtime = 0;
	size_t len = s->mb.v[i].size, size, k;
	struct tm tm;
	int ret;

	ret = fetch_read(s, f, i, &msg, &len, &mtime);
	if (ret == -ENOENT && imap_view_refind(s, i))
		ret = fetch_read(s, f, i, &msg, &len, &mtime);
	m = &s->mb.v[i];
	size = f->whole ? len : m->size;
	if (!ret && f->mime && mime_parse(msg, len, &root))
		ret = -ENOMEM;
	if (ret) {
		free(msg);
		return ret;
	}
	line_str(s, &l, "* ");
	line_num(s, &l, i + 1);
	line_str(s, &l, " FETCH (");
	/* RFC 7162 3.1: \Seen set here is a change, told with UID. */
	if (f->uid || (seen && s->condstore)) {
		line_item(s, &l, "UID ");
		line_num(s, &l, m->uid);
	}
	for (k = 0; k < f->n; k++) {
		const struct imap_fetch_item *it = &f->items[k];

		if (it->what == IMAP_FETCH_UID && f->uid)
			continue;
		if (it->what == IMAP_FETCH_FLAGS)
			flags = true;
		if (it->what == IMAP_FETCH_FLAGS)
			continue;	/* after the bodies: they may set it */
		switch (it->what) {
		case IMAP_FETCH_UID:
			line_item(s, &l, "UID ");
			line_num(s, &l, m->uid);
			break;
		case IMAP_FETCH_SIZE:
			line_item(s, &l, "RFC822.SIZE ");
			line_num(s, &l, size);
			break;
		case IMAP_FETCH_INTERNALDATE:
			gmtime_r(&mtime, &tm);
			strftime(buf, sizeof(buf),
				 "INTERNALDATE \"%d-%b-%Y %H:%M:%S +0000\"",
				 &tm);
			line_item(s, &l, buf);
			break;
		case IMAP_FETCH_MODSEQ:
			line_item(s, &l, "MODSEQ (");
			line_num(s, &l, m->modseq);
			line_str(s, &l, ")");
			break;
		case IMAP_FETCH_SECTION:
			line_item(s, &l, "");
			line_flush(s, &l);
			section(s, it, msg, len, root);
			break;
		default:
			line_item(s, &l, "");
			line_flush(s, &l);
			structure(s, it, msg, len, root);
		}
	}
	if (flags) {
		imap_msg_flags_str(&s->kw, m->flags, m->other, m->recent, buf,
				   sizeof(buf));
		line_item(s, &l, "FLAGS ");
		line_str(s, &l, buf);
	}
	if (seen && s->condstore && !f->modseq) {
		line_str(s, &l, " MODSEQ (");
		line_num(s, &l, m->modseq);
		line_str(s, &l, ")");
	}
	line_str(s, &l, ")\r\n");
	line_flush(s, &l);
	mime_free(root);
	free(msg);
	return 0;
}

/* "(CHANGEDSINCE n)" (RFC 7162 3.1.4.1), the one FETCH modifier here. */
static int modifiers(struct fetch *f, const struct imap_arg *a)
{
	const char *k = a->child ? imap_arg_atom(a->child) : NULL;

	if (a->type != IMAP_ARG_LIST || a->next || !k ||
	    strcasecmp(k, "CHANGEDSINCE") || !a->child->next ||
	    a->child->next->next ||
	    imap_modseq_parse(imap_arg_atom(a->child->next), &f->changedsince))
		return -EINVAL;
	f->since = true;
	/* It implies the MODSEQ item. */
	return f->modseq ? 0 : add_item(f, "MODSEQ");
}

static int parse_args(struct fetch *f, const struct imap_arg *args)
{
	int ret;

	if (!args || !args->next)
		return -EINVAL;
	ret = parse_items(f, args->next);
	if (!ret && args->next->next)
		ret = modifiers(f, args->next->next);
	return ret;
}

/*
 * The messages of @idx[0..*@n) whose MODSEQ is above CHANGEDSINCE kept;
 * then \Seen set on those a body fetch reads (in *@seen_r, by place),
 * all at once: one fsync of cur/ and one MODSEQ, logged, for the lot.
 */
static int prepare(struct imap_session *s, const struct fetch *f,
		   size_t *idx, size_t *n, bool **seen_r)
{
	size_t i, k = 0, *set = malloc((*n ? *n : 1) * sizeof(*set));
	bool *seen = calloc(*n ? *n : 1, sizeof(*seen));
	struct mailbox_msg *m;
	int ret;

	if (!set || !seen) {
		free(set);
		free(seen);
		return -ENOMEM;
	}
	for (i = 0; f->since && i < *n; i++)
		if (s->mb.v[idx[i]].modseq > f->changedsince)
			idx[k++] = idx[i];
	if (f->since)
		*n = k;
	for (i = 0, k = 0; f->seen && !s->readonly && i < *n; i++) {
		m = &s->mb.v[idx[i]];
		if (m->flags & MAILBOX_SEEN)
			continue;
		ret = mailbox_set_flags(&s->mb, idx[i],
					m->flags | MAILBOX_SEEN);
		if (ret == -ENOENT && imap_view_refind(s, idx[i])) {
			m = &s->mb.v[idx[i]];
			ret = m->flags & MAILBOX_SEEN ? -EEXIST :
			      mailbox_set_flags(&s->mb, idx[i],
						m->flags | MAILBOX_SEEN);
		}
		if (!ret) {
			seen[i] = true;
			set[k++] = idx[i];
		}
	}
	if (k && !mailbox_sync_dirs(&s->mb))
		imap_modseq_changed(s, set, k);
	free(set);
	*seen_r = seen;
	return 0;
}

/*
 * A FETCH under way: its messages are answered in order, and once
 * IMAP_OUT_HIGH bytes of answers wait for the client, the rest waits too
 * (imap_fetch_continue()), so that FETCH 1:* of a large mailbox holds
 * what the client has not read yet, not the mailbox, and the client
 * reads the first answers while the later ones are made.
 */
struct imap_fetch_run {
	struct fetch *f;
	size_t *idx, n, i;
	bool *seen;
	bool gone;		/* a message's file had gone */
};

void imap_fetch_free(struct imap_session *s)
{
	struct imap_fetch_run *r = s->fetch;

	if (!r)
		return;
	mailbox_dir_release(&s->mb);
	free(r->seen);
	free(r->idx);
	free(r->f);
	free(r);
	s->fetch = NULL;
}

void imap_fetch_continue(struct imap_session *s)
{
	struct imap_fetch_run *r = s->fetch;
	bool gone;

	while (r->i < r->n) {
		if (imap_out_full(s))
			return;
		if (fetch_one(s, r->f, r->idx[r->i], r->seen[r->i]))
			r->gone = true;
		r->i++;
	}
	gone = r->gone;
	imap_fetch_free(s);
	if (gone)
		imap_done(s, "NO", "[EXPUNGEISSUED] Some messages were also "
			  "expunged.");
	else
		imap_done(s, "OK", "Fetch completed.");
}

void imap_cmd_fetch(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	struct imap_fetch_run *r = calloc(1, sizeof(*r));
	struct fetch *f = calloc(1, sizeof(*f));
	int ret;

	if (!f || !r) {
		free(f);
		free(r);
		imap_done(s, "NO", "[SERVERBUG] Out of memory.");
		return;
	}
	f->uid = uid;
	ret = parse_args(f, args);
	if (!ret)
		ret = imap_view_select(s, imap_arg_atom(args), uid, &r->idx,
				       &r->n);
	if (ret) {
		imap_bad(s, ret == -ERANGE ? "Invalid messageset." :
			 "Invalid FETCH arguments.");
		free(f);
		free(r);
		return;
	}
	if (f->modseq)
		s->condstore = true;
	if (prepare(s, f, r->idx, &r->n, &r->seen)) {
		free(r->idx);
		free(f);
		free(r);
		imap_done(s, "NO", "[SERVERBUG] Out of memory.");
		return;
	}
	/* Not held, the files are opened by their paths all the same. */
	if (f->whole || f->body || wants_date(f))
		mailbox_dir_hold(&s->mb);
	r->f = f;
	s->fetch = r;
	imap_fetch_continue(s);
}
