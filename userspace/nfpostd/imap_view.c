// SPDX-License-Identifier: GPL-2.0
/*
 * The selected mailbox as one session shows it: Maildir++ folder names
 * and paths (INBOX is the Maildir, "Sent" is its ".Sent/", "." the
 * hierarchy separator, as Dovecot lays them out), flags in IMAP's words,
 * sequence sets resolved to messages, and the sync that tells the client
 * what other sessions and deliveries changed (EXPUNGE, EXISTS, FETCH).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kept.h"
#include "log.h"
#include "maildir.h"
#include "modseq.h"
#include "imap_priv.h"

/* The folders every user gets (RFC 6154 names as their attributes). */
static const char *const special[] = { "Drafts", "Sent", "Trash", "Junk" };

bool imap_folder_name_ok(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len > 200 || name[0] == '.' || name[len - 1] == '.' ||
	    strstr(name, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (name[i] < 0x20 || name[i] > 0x7e || name[i] == '/' ||
		    name[i] == '%' || name[i] == '*' || name[i] == '\\' ||
		    name[i] == '"')
			return false;
	return true;
}

int imap_folder_path(const struct imap_session *s, const char *name,
		     char *path, size_t len)
{
	int n;

	if (!strcasecmp(name, "INBOX"))
		n = snprintf(path, len, "%s", s->root);
	else if (imap_folder_name_ok(name))
		n = snprintf(path, len, "%s/.%s", s->root, name);
	else
		return -EINVAL;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * mailbox_open() and the MODSEQs (modseq.h): a message the log does not
 * know as it now is gets its new one here. A log that cannot be read or
 * written costs CONDSTORE its MODSEQs, not the session its mailbox.
 */
int imap_view_open(const char *path, struct mailbox *mb,
		   struct modseq_log *log)
{
	int ret = mailbox_open(path, mb), err;

	if (!ret)
		modseq_log_sync_point(log, &mb->stamp[1]);
	if (!ret && (err = modseq_load(mb, log, true)))
		log_msg(LOG_ERR, "imap: %s/" MODSEQ_LOG ": %s", path,
			strerror(-err));
	return ret;
}

/*
 * A rescan of @old (modseq_rescan: other sessions' STOREs from the log,
 * without a readdir of cur/, when they are all that changed), with its
 * MODSEQs: of the log, only the lines appended since @log last read it.
 */
static int view_rescan(const struct mailbox *old, struct mailbox *fresh,
		       struct modseq_log *log)
{
	int ret = modseq_rescan(old, fresh, log), err;

	if (!ret && (err = modseq_load(fresh, log, true)))
		log_msg(LOG_ERR, "imap: %s/" MODSEQ_LOG ": %s", fresh->path,
			strerror(-err));
	return ret;
}

/*
 * The views of mailboxes that sessions closed (another SELECT, CLOSE,
 * UNSELECT, LOGOUT, a connection's end), each with its MODSEQ log as
 * read (kept.h): imap_view_reopen() brings one up to date in time
 * proportional to what changed since, where imap_view_open() reads every
 * name in cur/, the UID list and the whole log. At most VIEWS_KEPT_MSGS
 * messages in all (some 200 bytes each).
 */
#define VIEWS_KEPT_MSGS		250000

static struct kept_views kept = { .max_msgs = VIEWS_KEPT_MSGS };

void imap_view_keep(struct mailbox *mb, struct modseq_log *log)
{
	kept_put(&kept, mb, log);
}

bool imap_view_take(const char *path, struct mailbox *mb,
		    struct modseq_log *log)
{
	return kept_take(&kept, path, mb, log);
}

void imap_view_forget(const char *root)
{
	kept_forget(&kept, root);
}

int imap_view_reopen(const char *path, struct mailbox *mb,
		     struct modseq_log *log)
{
	struct modseq_delta *d;
	struct mailbox fresh;
	size_t i;
	int ret = 0;

	if (!mailbox_unchanged(mb)) {
		d = malloc(sizeof(*d));
		ret = d ? modseq_update(mb, log, 0, d) : -ENOMEM;
		if (!ret && d->log_err)
			log_msg(LOG_ERR, "imap: %s/" MODSEQ_LOG ": %s",
				mb->path, strerror(-d->log_err));
		free(d);
	}
	if (ret) {
		ret = view_rescan(mb, &fresh, log);
		mailbox_close(mb);
		memset(mb, 0, sizeof(*mb));
		if (ret) {
			modseq_log_free(log);
			memset(log, 0, sizeof(*log));
			return imap_view_open(path, mb, log);
		}
		*mb = fresh;
	}
	/* \Recent is the new session's: what is in new/, it claims. */
	for (i = 0; i < mb->n; i++)
		mb->v[i].recent = false;
	return 0;
}

void imap_view_kept_free(void)
{
	kept_free(&kept);
}

/* Keywords another session or Dovecot defined: FLAGS told again. */
static void sync_keywords(struct imap_session *s)
{
	struct keywords kw;

	if (keywords_read(s->mb.path, &kw) ||
	    !memcmp(&kw, &s->kw, sizeof(kw)))
		return;
	s->kw = kw;
	imap_send_flag_lists(s);
}

/*
 * imap_view_recent() claiming @mb's messages from @first on; an idling
 * session's claims are its own events in cur/ (imap_watch_claimed()).
 */
static size_t claim_recent(struct imap_session *s, struct mailbox *mb,
			   size_t first)
{
	size_t i, n = 0;

	for (i = 0; i < mb->n; i++) {
		struct mailbox_msg *m = &mb->v[i];

		if (i >= first && m->in_new) {
			m->recent = s->readonly ||
				    !mailbox_set_flags(mb, i, m->flags);
			if (!s->readonly && m->recent && s->idling)
				imap_watch_claimed(s, m->name + 4);
		}
		n += m->recent;
	}
	return n;
}

/* What @fresh, a rescan, has that the client was not told; takes @fresh. */
static void tell(struct imap_session *s, struct mailbox *fresh)
{
	size_t i, j = 0, gone = 0, before, now;

	sync_keywords(s);
	for (i = 0; i < s->mb.n; i++) {
		while (j < fresh->n && fresh->v[j].uid < s->mb.v[i].uid)
			j++;
		if (j == fresh->n || fresh->v[j].uid != s->mb.v[i].uid) {
			imap_send(s, "* %zu EXPUNGE", i + 1 - gone);
			gone++;
		} else {
			fresh->v[j].recent = s->mb.v[i].recent;
			if (fresh->v[j].flags != s->mb.v[i].flags ||
			    strcmp(fresh->v[j].other, s->mb.v[i].other) ||
			    (s->condstore &&
			     fresh->v[j].modseq != s->mb.v[i].modseq))
				imap_send_change(s, i + 1 - gone,
						 &fresh->v[j], false, false);
		}
	}
	before = imap_view_recent(&s->mb, s->readonly, false);
	now = claim_recent(s, fresh, 0);
	if (fresh->n != s->mb.n - gone)
		imap_send(s, "* %zu EXISTS", fresh->n);
	if (now != before || fresh->n != s->mb.n - gone)
		imap_send(s, "* %zu RECENT", now);
	mailbox_close(&s->mb);
	s->mb = *fresh;
	memset(fresh, 0, sizeof(*fresh));
}

static int cmp_change(const void *a, const void *b)
{
	const struct modseq_change *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* The messages modseq_update() appended: claimed, EXISTS and RECENT. */
static void tell_added(struct imap_session *s, size_t added)
{
	size_t recent = claim_recent(s, &s->mb, s->mb.n - added);

	imap_send(s, "* %zu EXISTS", s->mb.n);
	imap_send(s, "* %zu RECENT", recent);
}

/* The index @uid has, or would have, in @mb (by UID). */
static size_t lower_bound(const struct mailbox *mb, uint32_t uid)
{
	size_t lo = 0, hi = mb->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (mb->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_uid(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * EXPUNGEs and FETCHes in UID order, as tell() sends them, numbered as
 * the client counts them then: the expunged being gone from the view,
 * a message's number is its index there.
 */
static void tell_changes(struct imap_session *s, struct modseq_delta *d,
			 size_t first)
{
	size_t i = 0, j = 0;
	long k;

	qsort(d->v, d->n, sizeof(d->v[0]), cmp_change);
	qsort(d->gone, d->n_gone, sizeof(d->gone[0]), cmp_uid);
	while (i < d->n || j < d->n_gone) {
		if (j < d->n_gone && (i == d->n || d->gone[j] < d->v[i].uid)) {
			imap_send(s, "* %zu EXPUNGE",
				  lower_bound(&s->mb, d->gone[j++]) + 1);
			continue;
		}
		k = mailbox_find(&s->mb, d->v[i].uid);
		if (k >= 0 && (size_t)k < first &&
		    (d->v[i].flags || (s->condstore && d->v[i].modseq)))
			imap_send_change(s, (size_t)k + 1, &s->mb.v[k], false,
					 false);
		i++;
	}
}

static void settle_later(struct imap_session *s);

/*
 * The sync in place (modseq_update(), modseq.h): what changed told in
 * time proportional to it, as tell() would tell it. -ESTALE: a rescan
 * must, nothing was told; -EAGAIN (@new_anyway, for IDLE): deliveries
 * told, but cur/ changed in a way only a rescan can tell. @expunges
 * false: one is left to the rescan (imap_view_sync()).
 */
static int patch(struct imap_session *s, bool new_anyway, bool expunges)
{
	unsigned int how = new_anyway ? MODSEQ_NEW_ANYWAY : 0;
	struct modseq_delta d;
	size_t first;
	int ret;

	if (!expunges)
		how |= MODSEQ_NO_GONE;
	if (s->idling && s->cur_watched)
		how |= MODSEQ_CUR_KNOWN;
	ret = modseq_update(&s->mb, &s->modseq, how, &d);
	if (ret) {
		if (ret != -ESTALE)
			log_msg(LOG_ERR, "imap(%s): %s: %s", s->user,
				s->mb.path, strerror(-ret));
		return -ESTALE;
	}
	if (d.log_err)
		log_msg(LOG_ERR, "imap: %s/" MODSEQ_LOG ": %s", s->mb.path,
			strerror(-d.log_err));
	/* cur/ as the view has it, under the watch: known from now on. */
	if (s->idling && d.cur_same)
		s->cur_watched = true;
	sync_keywords(s);
	first = s->mb.n - d.added;
	tell_changes(s, &d, first);
	if (d.added)
		tell_added(s, d.added);
	else if (d.gone_recent)
		imap_send(s, "* %zu RECENT",
			  imap_view_recent(&s->mb, s->readonly, false));
	if (!s->idling && !s->mb.settled)
		settle_later(s);
	return d.cur_unknown ? -EAGAIN : 0;
}

/*
 * @expunges false: a command during which EXPUNGE may not be sent (RFC
 * 3501 7.4.1): then nothing is told if a message went away.
 */
int imap_view_sync(struct imap_session *s, bool expunges)
{
	struct mailbox fresh;
	size_t i, gone = 0;
	int ret;

	/* Nothing renamed, added or removed: nothing to tell, no rescan. */
	if (mailbox_unchanged(&s->mb) || !patch(s, false, expunges))
		return 0;
	ret = view_rescan(&s->mb, &fresh, &s->modseq);
	if (ret) {
		log_msg(LOG_ERR, "imap(%s): %s: %s", s->user, s->mb.path,
			strerror(-ret));
		return ret;
	}
	for (i = 0; i < s->mb.n; i++)
		if (mailbox_find(&fresh, s->mb.v[i].uid) < 0)
			gone++;
	if (gone && !expunges) {
		mailbox_close(&fresh);
		return 0;
	}
	tell(s, &fresh);
	return 0;
}

bool imap_view_refind(struct imap_session *s, size_t i)
{
	uint32_t uid = s->mb.v[i].uid;
	char *was = strdup(s->mb.v[i].name);
	bool moved;

	if (!was || imap_view_sync(s, false)) {
		free(was);
		return false;
	}
	/* Without EXPUNGE the view keeps every message, in its place. */
	moved = i < s->mb.n && s->mb.v[i].uid == uid &&
		strcmp(s->mb.v[i].name, was);
	free(was);
	return moved;
}

int imap_view_remove(struct imap_session *s, size_t i, bool deleted)
{
	int ret = mailbox_remove(&s->mb, i);

	if (ret == -ENOENT && imap_view_refind(s, i)) {
		/* Its \Deleted taken off by another meanwhile: it stays. */
		if (deleted && !(s->mb.v[i].flags & MAILBOX_DELETED))
			return 1;
		ret = mailbox_remove(&s->mb, i);
	}
	return ret == -ENOENT ? 0 : ret;
}

int imap_view_appended(struct imap_session *s, const char *name,
		       uint32_t uid, uint32_t validity, bool keywords)
{
	struct mailbox_msg *m;
	size_t before;
	int ret;

	if (validity != s->mb.uidvalidity)
		return -ESTALE;
	before = imap_view_recent(&s->mb, s->readonly, false);
	ret = mailbox_add(&s->mb, name, uid);
	if (ret)
		return ret;
	if (keywords)
		sync_keywords(s);
	m = &s->mb.v[s->mb.n - 1];
	if (m->in_new)
		m->recent = s->readonly ||
			    !mailbox_set_flags(&s->mb, s->mb.n - 1, m->flags);
	if (s->condstore) {	/* a MODSEQ it may be asked for at once */
		size_t last = s->mb.n - 1;

		imap_modseq_changed(s, &last, 1);
	}
	imap_send(s, "* %zu EXISTS", s->mb.n);
	imap_send(s, "* %zu RECENT", before + m->recent);
	return 0;
}

/* In a worker: the rescan of a sync that may tell everything. */
static void rescan_run(struct work *w)
{
	struct imap_open_work *o = (struct imap_open_work *)w;

	/* The session reads nothing meanwhile: its view stays as it is. */
	o->ret = view_rescan(o->old, &o->mb, &o->s->modseq);
	if (o->ret)
		memset(&o->mb, 0, sizeof(o->mb));
}

static void rescan_done(struct work *w);

static void sync_submit(struct imap_session *s, const char *status,
			const char *text, bool idle)
{
	struct imap_open_work *o = &s->open;

	memset(o, 0, sizeof(*o));
	o->s = s;
	snprintf(o->path, sizeof(o->path), "%s", s->mb.path);
	snprintf(o->name, sizeof(o->name), "%s", text);
	o->old = &s->mb;
	o->status = status;
	o->idle = idle;
	o->w.run = rescan_run;
	o->w.done = rescan_done;
	imap_submit(s, &o->w);
}

static void rescan_done(struct work *w)
{
	struct imap_open_work *o = (struct imap_open_work *)w;
	struct imap_session *s = o->s;

	if (s->gone) {
		imap_resume(s);		/* frees it, and o->mb */
		return;
	}
	/* cur/ read under the watch, and no event since: known. */
	if (o->idle && s->idling && !s->resync && !o->ret)
		s->cur_watched = true;
	if (o->ret)
		log_msg(LOG_ERR, "imap(%s): %s: %s", s->user, o->path,
			strerror(-o->ret));
	else if (s->state == IMAP_S_SELECTED)
		tell(s, &o->mb);
	mailbox_close(&o->mb);
	/* Read too soon after a change, or renames from the log: later. */
	if (!o->idle && s->state == IMAP_S_SELECTED && !s->mb.settled)
		settle_later(s);
	if (o->idle) {
		/* Changed again while this scan ran: once more. */
		if (s->resync && s->idling && !mailbox_unchanged(&s->mb) &&
		    patch(s, true, true)) {
			s->resync = false;
			sync_submit(s, NULL, "", true);
			return;
		}
		s->resync = false;
	} else {
		imap_done(s, o->status, "%s", o->name);
	}
	imap_resume(s);
}

void imap_view_sync_reply(struct imap_session *s, const char *status,
			  const char *text)
{
	if (s->state != IMAP_S_SELECTED || mailbox_unchanged(&s->mb) ||
	    !patch(s, false, true)) {
		imap_done(s, status, "%s", text);
		return;
	}
	sync_submit(s, status, text, false);
}

void imap_view_sync_done(struct imap_session *s, const char *text)
{
	imap_view_sync_reply(s, "OK", text);
}

void imap_view_sync_idle(struct imap_session *s)
{
	if (s->working) {
		s->resync = true;	/* rescan_done() looks again */
		return;
	}
	if (s->state != IMAP_S_SELECTED)
		return;
	/* Settled and the same, looked at under the watch: known. */
	if (mailbox_unchanged(&s->mb)) {
		s->cur_watched = s->idling;
		return;
	}
	/* Deliveries told at once; a rescan, if it must, by a worker. */
	if (patch(s, true, true))
		sync_submit(s, NULL, "", true);
}

/*
 * A view read or brought up to date from the log (other sessions' STOREs
 * and EXPUNGEs, modseq.h) soon after a change is not settled: the
 * mtimes were too recent to rule out another program's change in the
 * same clock tick, and the next sync would read cur/ whole while its
 * client waits (130 ms on 100,000 messages: a NOOP a second after
 * another session's STORE). So once they are old enough, a worker reads
 * the folder in the background; if it finds what the view has, the
 * view is settled as of that read and the next sync costs two stat()s.
 * Else that sync rescans, as before.
 */
static void settle_run(struct work *w)
{
	struct imap_open_work *o = (struct imap_open_work *)w;
	size_t i;

	o->ret = mailbox_rescan(o->old, &o->mb);
	if (o->ret) {
		memset(&o->mb, 0, sizeof(o->mb));
		return;
	}
	/* The same, read when nothing could change it unseen, or not. */
	o->ret = o->mb.settled && o->mb.n == o->old->n ? 0 : -ESTALE;
	for (i = 0; !o->ret && i < o->mb.n; i++)
		if (o->mb.v[i].uid != o->old->v[i].uid ||
		    strcmp(o->mb.v[i].name, o->old->v[i].name))
			o->ret = -ESTALE;
}

static void settle_done(struct work *w)
{
	struct imap_open_work *o = (struct imap_open_work *)w;
	struct imap_session *s = o->s;

	log_msg(LOG_DEBUG, "imap(%s): cur/ read in the background: %s",
		s->user, o->ret ? "not the view, read at the next sync" :
		"the view, settled");
	if (!o->ret && !s->gone && s->state == IMAP_S_SELECTED) {
		memcpy(s->mb.stamp, o->mb.stamp, sizeof(s->mb.stamp));
		s->mb.settled = o->mb.settled;
		s->mb.cur_settled = o->mb.cur_settled;
		s->mb.new_settled = o->mb.new_settled;
		s->mb.cur_from_log = false;
		/* The log's STOREs now follow on from that read. */
		modseq_log_sync_point(&s->modseq, &s->mb.stamp[1]);
	}
	mailbox_close(&o->mb);
	imap_resume(s);		/* frees it if it went meanwhile */
}

static void settle_now(struct imap_session *s)
{
	struct imap_open_work *o = &s->open;
	struct timespec ts[2];

	/* Busy, or changed again: the next sync patches, and comes back. */
	if (s->working || s->link.closing || s->gone || s->fetch ||
	    s->link.starttls_pending || s->state != IMAP_S_SELECTED ||
	    s->mb.settled || mailbox_mtimes(&s->mb, ts) ||
	    memcmp(ts, s->mb.stamp, sizeof(ts)))
		return;
	memset(o, 0, sizeof(*o));
	o->s = s;
	o->old = &s->mb;
	o->w.run = settle_run;
	o->w.done = settle_done;
	imap_submit(s, &o->w);
}

/*
 * Due: the read of cur/ IDLE put off (imap_view_idle_start()), or the
 * background read that settles a view the log brought up to date.
 */
static void verify_expired(evutil_socket_t fd, short what, void *arg)
{
	struct imap_session *s = arg;

	(void)fd;
	(void)what;
	if (s->link.closing || s->gone)
		return;
	if (!s->idling) {
		settle_now(s);
		return;
	}
	s->cur_watched = false;
	imap_view_sync_idle(s);
}

/* verify_expired() in @tv, on the session's timer (made once). */
static int verify_in(struct imap_session *s, const struct timeval *tv)
{
	if (!s->verify)
		s->verify = evtimer_new(s->srv->base, verify_expired, s);
	return s->verify ? evtimer_add(s->verify, tv) : -1;
}

/*
 * IDLE starts on a view whose cur/ has the mtime the view read, only too
 * recent to rule out another change in the same clock tick (mailbox.h):
 * any later change has an event now, that one alone wants cur/ read.
 * It is read in VERIFY_MS, not now: a rescan now (a worker's, that may
 * take a while on a large folder) would hold up the deliveries IDLE is
 * for, which are meanwhile told at once, cur/ taken as the view has it.
 */
#define VERIFY_MS	60

static void verify_later(struct imap_session *s)
{
	struct timeval tv = { 0, VERIFY_MS * 1000 };
	struct timespec ts[2];

	if (s->mb.cur_settled || mailbox_mtimes(&s->mb, ts) ||
	    ts[1].tv_sec != s->mb.stamp[1].tv_sec ||
	    ts[1].tv_nsec != s->mb.stamp[1].tv_nsec)
		return;
	if (verify_in(s, &tv))
		return;
	s->cur_watched = true;
}

/* Old enough: 50 ms with nanosecond mtimes, else a second (mailbox.h). */
#define SETTLE_MS_NSEC	60
#define SETTLE_MS_SEC	1100

static void settle_later(struct imap_session *s)
{
	long ms = s->mb.stamp[1].tv_nsec ? SETTLE_MS_NSEC : SETTLE_MS_SEC;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	verify_in(s, &tv);
}

void imap_view_idle_start(struct imap_session *s)
{
	if (s->state == IMAP_S_SELECTED && !s->working &&
	    !mailbox_unchanged(&s->mb))
		verify_later(s);
	imap_view_sync_idle(s);
}

/*
 * \Recent as Maildir has it: a message in new/ was seen by no client.
 * A read-write session claims such messages by moving them to cur/ (the
 * rename decides between two sessions: one wins); a read-only one shows
 * them as recent without taking them. The count of @mb's recent ones.
 */
size_t imap_view_recent(struct mailbox *mb, bool readonly, bool claim)
{
	size_t i, n = 0;

	for (i = 0; i < mb->n; i++) {
		struct mailbox_msg *m = &mb->v[i];

		if (claim && m->in_new)
			m->recent = readonly ||
				    !mailbox_set_flags(mb, i, m->flags);
		n += m->recent;
	}
	return n;
}

void imap_view_close(struct imap_session *s)
{
	imap_unwatch(s);
	imap_view_keep(&s->mb, &s->modseq);
	memset(&s->kw, 0, sizeof(s->kw));
	s->mbox_name[0] = '\0';
	if (s->state == IMAP_S_SELECTED)
		s->state = IMAP_S_AUTH;
}

static bool in_range(const struct imap_seqset *set, uint32_t n)
{
	int i;

	for (i = 0; i < set->n; i++)
		if ((set->r[i].lo != IMAP_SEQ_STAR && set->r[i].lo > n) ||
		    (set->r[i].hi != IMAP_SEQ_STAR && set->r[i].hi > n))
			return false;
	return true;
}

struct span {
	size_t a, b;		/* indices [a, b) */
};

static int cmp_span(const void *x, const void *y)
{
	const struct span *p = x, *q = y;

	return p->a < q->a ? -1 : p->a > q->a;
}

/*
 * Each range of the set as the indices it spans (by number, or by a
 * binary search of the UIDs), the spans sorted and joined: the messages
 * a command names, not a test of every message of the view (FETCH 1:1000
 * of 100,000 messages tested 100,000).
 */
int imap_view_select(struct imap_session *s, const char *str, bool uid,
		     size_t **idx_r, size_t *n_r)
{
	struct span sp[IMAP_SEQSET_MAX];
	struct imap_seqset set;
	size_t i, j, k = 0, n = 0, *idx;
	uint32_t max, lo, hi;

	*idx_r = NULL;
	*n_r = 0;
	if (!str || imap_seqset_parse(str, &set))
		return -EINVAL;
	if (!uid && !in_range(&set, (uint32_t)s->mb.n))
		return -ERANGE;
	if (!s->mb.n)
		return 0;
	max = uid ? s->mb.v[s->mb.n - 1].uid : (uint32_t)s->mb.n;
	for (i = 0; i < (size_t)set.n; i++) {
		/* '*' is the largest; "5:*" with fewer than 5 is "*:5". */
		lo = set.r[i].lo == IMAP_SEQ_STAR ? max : set.r[i].lo;
		hi = set.r[i].hi == IMAP_SEQ_STAR ? max : set.r[i].hi;
		if (lo > hi) {
			uint32_t t = lo;

			lo = hi;
			hi = t;
		}
		if (uid) {
			sp[k].a = lower_bound(&s->mb, lo);
			sp[k].b = hi == UINT32_MAX ? s->mb.n :
				  lower_bound(&s->mb, hi + 1);
		} else {
			sp[k].a = lo - 1;
			sp[k].b = hi < s->mb.n ? hi : s->mb.n;
		}
		if (sp[k].a < sp[k].b)
			k++;
	}
	qsort(sp, k, sizeof(*sp), cmp_span);
	/* Overlapping or adjacent spans joined, in place. */
	for (i = 0, j = 0; i < k; i++) {
		if (j && sp[i].a <= sp[j - 1].b) {
			if (sp[i].b > sp[j - 1].b)
				sp[j - 1].b = sp[i].b;
		} else {
			sp[j++] = sp[i];
		}
	}
	k = j;
	for (i = 0; i < k; i++)
		n += sp[i].b - sp[i].a;
	if (!n)
		return 0;
	idx = malloc(n * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < k; i++)
		for (j = sp[i].a; j < sp[i].b; j++)
			idx[n++] = j;
	*idx_r = idx;
	*n_r = n;
	return 0;
}

/* A Maildir++ folder: the Maildir and Dovecot's "maildirfolder" mark. */
static int make_folder(const char *path)
{
	char mark[PATH_MAX];
	int fd, ret = maildir_create(path);

	if (ret)
		return ret;
	snprintf(mark, sizeof(mark), "%s/maildirfolder", path);
	fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* At the first login (no subscriptions file yet): the special folders. */
int imap_view_init_user(struct imap_session *s)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;
	FILE *f;
	int ret = maildir_create(s->root);

	snprintf(path, sizeof(path), "%s/subscriptions", s->root);
	if (ret || !stat(path, &st))
		return ret;
	for (i = 0; i < sizeof(special) / sizeof(special[0]) && !ret; i++) {
		snprintf(path, sizeof(path), "%s/.%s", s->root, special[i]);
		ret = make_folder(path);
	}
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/subscriptions", s->root);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		fprintf(f, "%s\n", special[i]);
	return fclose(f) ? -errno : 0;
}

const char *imap_special_use(const char *name)
{
	static const char *const attrs[] = { "\\Drafts", "\\Sent", "\\Trash",
					     "\\Junk" };
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (!strcmp(name, special[i]))
			return attrs[i];
	return "";
}

int imap_folder_make(const char *path)
{
	return make_folder(path);
}
