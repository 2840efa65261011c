// SPDX-License-Identifier: GPL-2.0
/*
 * FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8): flags, UID, size,
 * INTERNALDATE and sections of the message file (whole, HEADER, TEXT,
 * HEADER.FIELDS[.NOT], part 1 of a single-part message), partial or not;
 * a fetch of a body without PEEK sets \Seen and tells the new flags.
 * ENVELOPE, BODY and BODYSTRUCTURE need a MIME parser: not yet offered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <event2/buffer.h>

#include "imap_fetch.h"
#include "imap_priv.h"

#define FETCH_ITEMS_MAX	32

struct fetch {
	struct imap_fetch_item items[FETCH_ITEMS_MAX];
	size_t n;
	bool uid;		/* UID FETCH: UID is always sent */
	bool body;		/* the file must be read */
};

static int add_item(struct fetch *f, const char *atom)
{
	static const char *const fast[] = { "FLAGS", "INTERNALDATE",
					    "RFC822.SIZE" };
	struct imap_fetch_item *it;
	size_t i;

	if (!strcasecmp(atom, "FAST")) {
		for (i = 0; i < 3; i++)
			if (add_item(f, fast[i]))
				return -EINVAL;
		return 0;
	}
	if (f->n == FETCH_ITEMS_MAX)
		return -E2BIG;
	it = &f->items[f->n];
	if (imap_fetch_item_parse(atom, it))
		return -EINVAL;
	if (it->what == IMAP_FETCH_ENVELOPE || it->what == IMAP_FETCH_BODY ||
	    it->what == IMAP_FETCH_BODYSTRUCTURE)
		return -ENOTSUP;
	if (it->what == IMAP_FETCH_SECTION)
		f->body = true;
	f->n++;
	return 0;
}

static int parse_items(struct fetch *f, const struct imap_arg *a)
{
	int ret;

	f->n = 0;
	f->body = false;
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

static int read_all(int fd, char **buf_r, size_t *len_r, time_t *mtime)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st))
		return -errno;
	*mtime = st.st_mtime;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/* A single-part message's part 1 is its body; multipart needs MIME. */
static bool multipart(const char *msg, size_t hlen)
{
	char *hdr = strndup(msg, hlen), *p;
	bool yes = false;

	if (!hdr)
		return false;
	for (p = hdr; (p = strcasestr(p, "content-type:")); p++) {
		if (p != hdr && p[-1] != '\n')
			continue;
		p += 13;
		p += strspn(p, " \t\r\n");
		yes = !strncasecmp(p, "multipart/", 10);
		break;
	}
	free(hdr);
	return yes;
}

static void section(struct imap_session *s, const struct imap_fetch_item *it,
		    const char *msg, size_t len, bool *unsupported)
{
	size_t h = imap_header_len(msg, len), off = 0, n = len;
	char *tmp = NULL;
	const char *p = msg;

	if (it->part[0] && (strcmp(it->part, "1") || multipart(msg, h) ||
			    it->sect != IMAP_SECT_ALL)) {
		*unsupported = true;
		evbuffer_add_printf(bufferevent_get_output(s->bev), "%s NIL",
				    it->label);
		return;
	}
	if (it->part[0] || it->sect == IMAP_SECT_TEXT) {
		p = msg + h;
		n = len - h;
	} else if (it->sect == IMAP_SECT_HEADER) {
		n = h;
	} else if (it->sect == IMAP_SECT_FIELDS ||
		   it->sect == IMAP_SECT_FIELDS_NOT) {
		tmp = malloc(h + 2);
		n = tmp ? imap_header_fields(msg, h, it->fields,
					     it->sect == IMAP_SECT_FIELDS_NOT,
					     tmp) : 0;
		p = tmp;
	}
	if (it->partial) {
		off = it->off < n ? it->off : n;
		n = n - off < it->len ? n - off : it->len;
	}
	evbuffer_add_printf(bufferevent_get_output(s->bev), "%s {%zu}\r\n",
			    it->label, n);
	imap_send_raw(s, p + off, n);
	free(tmp);
}

static void sp(struct imap_session *s, bool *first)
{
	if (!*first)
		imap_send_raw(s, " ", 1);
	*first = false;
}

/* One message's answer; -errno if its file is gone. */
static int fetch_one(struct imap_session *s, const struct fetch *f, size_t i,
		     bool *unsupported)
{
	struct mailbox_msg *m = &s->mb.v[i];
	bool first = true, seen = false, flags = false;
	char *msg = NULL, buf[128];
	time_t mtime = 0;
	size_t len = 0, k;
	struct tm tm;
	int fd, ret = 0;

	fd = mailbox_msg_open(&s->mb, i);
	if (fd < 0)
		return fd;
	if (f->body) {
		ret = read_all(fd, &msg, &len, &mtime);
	} else {
		struct stat st;

		ret = fstat(fd, &st) ? -errno : 0;
		mtime = st.st_mtime;
		len = (size_t)st.st_size;
	}
	close(fd);
	if (ret)
		return ret;
	for (k = 0; k < f->n; k++)
		if (f->items[k].what == IMAP_FETCH_SECTION &&
		    !f->items[k].peek && !s->readonly &&
		    !(m->flags & MAILBOX_SEEN))
			seen = true;
	if (seen && !mailbox_set_flags(&s->mb, i, m->flags | MAILBOX_SEEN))
		flags = true;
	evbuffer_add_printf(bufferevent_get_output(s->bev), "* %zu FETCH (",
			    i + 1);
	if (f->uid) {
		sp(s, &first);
		evbuffer_add_printf(bufferevent_get_output(s->bev), "UID %u",
				    m->uid);
	}
	for (k = 0; k < f->n; k++) {
		const struct imap_fetch_item *it = &f->items[k];

		if (it->what == IMAP_FETCH_UID && f->uid)
			continue;
		if (it->what == IMAP_FETCH_FLAGS)
			flags = true;
		if (it->what == IMAP_FETCH_FLAGS)
			continue;	/* after the bodies: they may set it */
		sp(s, &first);
		switch (it->what) {
		case IMAP_FETCH_UID:
			evbuffer_add_printf(bufferevent_get_output(s->bev),
					    "UID %u", m->uid);
			break;
		case IMAP_FETCH_SIZE:
			evbuffer_add_printf(bufferevent_get_output(s->bev),
					    "RFC822.SIZE %zu", len);
			break;
		case IMAP_FETCH_INTERNALDATE:
			gmtime_r(&mtime, &tm);
			strftime(buf, sizeof(buf), "%d-%b-%Y %H:%M:%S +0000",
				 &tm);
			evbuffer_add_printf(bufferevent_get_output(s->bev),
					    "INTERNALDATE \"%s\"", buf);
			break;
		default:
			section(s, it, msg, len, unsupported);
		}
	}
	if (flags) {
		sp(s, &first);
		imap_flags_str(m->flags, buf, sizeof(buf));
		evbuffer_add_printf(bufferevent_get_output(s->bev), "FLAGS %s",
				    buf);
	}
	imap_send(s, ")");
	free(msg);
	return 0;
}

void imap_cmd_fetch(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	struct fetch *f = calloc(1, sizeof(*f));
	bool unsupported = false, gone = false;
	size_t *idx = NULL, n = 0, i;
	int ret;

	if (!f) {
		imap_done(s, "NO", "[SERVERBUG] Out of memory.");
		return;
	}
	f->uid = uid;
	ret = args && args->next && !args->next->next ?
		parse_items(f, args->next) : -EINVAL;
	if (ret == -ENOTSUP) {
		imap_done(s, "NO", "[CANNOT] ENVELOPE, BODY and BODYSTRUCTURE "
			  "are not supported yet.");
		free(f);
		return;
	}
	if (!ret)
		ret = imap_view_select(s, imap_arg_atom(args), uid, &idx, &n);
	if (ret) {
		imap_bad(s, ret == -ERANGE ? "Invalid messageset." :
			 "Invalid FETCH arguments.");
		free(f);
		return;
	}
	for (i = 0; i < n; i++)
		if (fetch_one(s, f, idx[i], &unsupported))
			gone = true;
	free(idx);
	free(f);
	if (gone)
		imap_done(s, "NO", "[EXPUNGEISSUED] Some messages were also "
			  "expunged.");
	else if (unsupported)
		imap_done(s, "NO", "[CANNOT] Parts of multipart messages are "
			  "not supported yet.");
	else
		imap_done(s, "OK", "Fetch completed.");
}
