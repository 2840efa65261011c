// SPDX-License-Identifier: GPL-2.0
/*
 * POP3 logins (USER/PASS, and AUTH PLAIN of RFC 5034 with or without an
 * initial response), checked by a worker, which also reads the maildrop;
 * failures answered after a delay that doubles with each failure of the
 * session, client and user (authfail.h), a client with too many refused
 * unchecked; and QUIT's
 * UPDATE state, where the deletions are applied, also by a worker.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include "authfail.h"
#include "kept.h"
#include "log.h"
#include "maildir.h"
#include "sasl_plain.h"
#include "pop3_priv.h"


/*
 * The maildrops of ended sessions, kept for their users' next logins
 * (kept.h): mailbox_rescan() from one reads only what changed since
 * (new/ alone, and the UID list's new lines, when cur/ kept its mtime:
 * the mtimes' rules of mailbox_unchanged()), and a view whose
 * directories did not change at all is taken as it is; mailbox_open()
 * reads every name in cur/. A login takes its user's (moved into its
 * work, so that the worker alone reads it) and frees it or gives it back.
 */
static struct kept_views kept;

/*
 * A session's own changes (QUIT's \Seen renames and removals) leave its
 * view unlike the maildrop, whose cur/ the next login would read whole:
 * 18 ms at 10,000 messages, twice the rest of a login. So once the
 * directories' mtimes are old enough to be trusted (mailbox.h), a worker
 * reads the view again in the background, and the next login finds it
 * unchanged: two stat()s. One read at a time, of the maildrops queued
 * in order (one read per session's view: the view a read gives back is
 * not queued again); a login meanwhile reads its maildrop itself.
 */
#define SETTLE_MS_NSEC	60	/* nanosecond mtimes trusted after 50 ms */
#define SETTLE_MS_SEC	1100	/* whole-second ones after a second */

static struct {
	struct work w;
	struct server *srv;
	struct event *timer;
	char queue[KEPT_MAX][PATH_MAX];
	size_t queued;
	bool busy;			/* a worker holds old and mb */
	bool whole_seconds;		/* some queued view's mtimes are */
	struct mailbox old, mb;
	int ret;
} settle;

static void settle_expired(evutil_socket_t fd, short what, void *arg);

static void settle_arm(void)
{
	long ms = settle.whole_seconds ? SETTLE_MS_SEC : SETTLE_MS_NSEC;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (!settle.timer)
		settle.timer = evtimer_new(settle.srv->base, settle_expired,
					   NULL);
	if (settle.timer && !settle.busy &&
	    !evtimer_pending(settle.timer, NULL))
		evtimer_add(settle.timer, &tv);
}

static void settle_queue(struct server *srv, const struct mailbox *mb)
{
	struct timespec ts[2];
	size_t i;

	for (i = 0; i < settle.queued; i++)
		if (!strcmp(settle.queue[i], mb->path))
			return;
	if (settle.queued == KEPT_MAX) {	/* the oldest waits no more */
		memmove(settle.queue[0], settle.queue[1],
			(KEPT_MAX - 1) * sizeof(settle.queue[0]));
		settle.queued--;
	}
	snprintf(settle.queue[settle.queued++], PATH_MAX, "%s", mb->path);
	if (!mailbox_mtimes(mb, ts) && (!ts[0].tv_nsec || !ts[1].tv_nsec))
		settle.whole_seconds = true;
	settle.srv = srv;
	settle_arm();
}

static void settle_run(struct work *w)
{
	(void)w;
	settle.ret = mailbox_rescan(&settle.old, &settle.mb);
	if (settle.ret)
		memset(&settle.mb, 0, sizeof(settle.mb));
}

static void settle_done(struct work *w)
{
	struct mailbox newer;

	(void)w;
	settle.busy = false;
	log_msg(LOG_DEBUG, "pop3: %s read in the background: %s",
		settle.old.path, settle.ret ? strerror(-settle.ret) :
		mailbox_unchanged(&settle.mb) ? "settled" : "changed again");
	mailbox_close(&settle.old);
	/* A session's view, kept meanwhile, is newer. */
	if (kept_take(&kept, settle.mb.path, &newer, NULL)) {
		mailbox_close(&settle.mb);
		kept_put(&kept, &newer, NULL);
	} else if (!settle.ret) {
		kept_put(&kept, &settle.mb, NULL);
	}
	memset(&settle.mb, 0, sizeof(settle.mb));
	if (settle.queued)
		settle_arm();
	else
		settle.whole_seconds = false;
}

static void settle_expired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	while (settle.queued && !settle.busy) {
		settle.busy = kept_take(&kept, settle.queue[0], &settle.old,
					NULL);
		memmove(settle.queue[0], settle.queue[1],
			(KEPT_MAX - 1) * sizeof(settle.queue[0]));
		settle.queued--;
	}
	if (!settle.busy)
		return;
	settle.w.run = settle_run;
	settle.w.done = settle_done;
	workers_submit(settle.srv->workers, &settle.w);
}

void pop3_keep(struct server *srv, struct mailbox *mb)
{
	if (mb->path[0] && !mailbox_unchanged(mb))
		settle_queue(srv, mb);
	kept_put(&kept, mb, NULL);
}

/* @path's kept view moved into @a, if there is one. */
static void take_kept(struct pop3_work *a, const char *path)
{
	a->has_old = kept_take(&kept, path, &a->old, NULL);
}

void pop3_keep_free_all(void)
{
	kept_free(&kept);
	/* The workers are gone: a read they made is closed here. */
	mailbox_close(&settle.old);
	mailbox_close(&settle.mb);
	if (settle.timer)
		event_free(settle.timer);
	memset(&settle, 0, sizeof(settle));
}

static void maildrop_path(const struct pop3_session *s, const char *user,
			  char *path, size_t len)
{
	snprintf(path, len, "%s/%s", s->srv->conf.mail_root, user);
}

/* In a worker: the hash, then (if it matched) the maildrop. */
static void login_run(struct work *w)
{
	struct pop3_work *a = (struct pop3_work *)w;
	struct user u = { .hash = a->hash };
	char path[PATH_MAX];

	a->ok = users_verify(&u, a->password) && a->user[0];
	OPENSSL_cleanse(a->password, sizeof(a->password));
	if (!a->ok)
		return;
	maildrop_path(a->s, a->user, path, sizeof(path));
	if (a->has_old && mailbox_unchanged(&a->old)) {
		/* The same names as then: the view itself, not a copy. */
		a->mb = a->old;
		memset(&a->old, 0, sizeof(a->old));
		a->has_old = false;
		a->ret = 0;
		return;
	}
	if (a->has_old) {
		/* mailbox_open() itself if the list was made anew. */
		a->ret = mailbox_rescan(&a->old, &a->mb);
		mailbox_close(&a->old);
		a->has_old = false;
		if (!a->ret)
			return;
	}
	a->ret = mailbox_open(path, &a->mb);
	/* A user who never got mail has an empty maildrop, not an error. */
	if (a->ret == -ENOENT && !maildir_create(path))
		a->ret = mailbox_open(path, &a->mb);
}

static void delay_expired(evutil_socket_t fd, short what, void *arg)
{
	struct pop3_session *s = arg;

	(void)fd;
	(void)what;
	event_free(s->delay);
	s->delay = NULL;
	pop3_reply(s, "-ERR [AUTH] Authentication failed.");
	pop3_error(s);
	pop3_resume(s);
}

/* The answer waits, longer after each failure (authfail.h). */
static void failed(struct pop3_session *s, const char *user)
{
	struct timeval tv;
	long ms;

	s->failures++;
	ms = authfail_failed(s->srv->authfail, (struct sockaddr *)&s->peer,
			     user, s->failures, authfail_clock());
	log_msg(LOG_WARNING, "pop3-login: Aborted login (auth failed, %u "
		"attempts): user=<%s>, rip=%s", s->failures, s->user_arg,
		s->peer_ip);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	s->delay = evtimer_new(s->srv->base, delay_expired, s);
	if (!s->delay) {
		delay_expired(-1, 0, s);
		return;
	}
	s->working = true;
	bufferevent_disable(s->link.bev, EV_READ);
	evtimer_add(s->delay, &tv);
}

static void logged_in(struct pop3_session *s, struct pop3_work *a)
{
	if (pop3_user_locked(s, a->user)) {
		mailbox_close(&a->mb);
		pop3_reply(s, "-ERR [IN-USE] Mailbox is locked by another "
			   "POP3 session.");
		return;
	}
	s->marks = calloc(a->mb.n ? a->mb.n : 1, 1);
	if (!s->marks) {
		mailbox_close(&a->mb);
		pop3_reply(s, "-ERR [SYS/TEMP] Out of memory.");
		return;
	}
	s->mb = a->mb;
	memset(&a->mb, 0, sizeof(a->mb));
	pop3_count_live(s);
	snprintf(s->user, sizeof(s->user), "%s", a->user);
	s->state = POP3_S_TRANS;
	authfail_ok(s->srv->authfail, (struct sockaddr *)&s->peer, s->user);
	log_msg(LOG_INFO, "pop3-login: Login: user=<%s>, rip=%s%s, %zu "
		"messages", s->user, s->peer_ip, s->link.tls ? ", TLS" : "",
		s->mb.n);
	pop3_reply(s, "+OK Logged in.");
}

static void login_done(struct work *w)
{
	struct pop3_work *a = (struct pop3_work *)w;
	struct pop3_session *s = a->s;

	free(a->hash);
	a->hash = NULL;
	if (a->has_old) {
		/* Not used: the password did not match. */
		pop3_keep(s->srv, &a->old);
		a->has_old = false;
	}
	if (s->gone) {
		pop3_resume(s);		/* frees it */
		return;
	}
	if (!a->ok) {
		failed(s, a->user);
		return;
	}
	if (a->ret) {
		log_msg(LOG_ERR, "pop3(%s): maildrop: %s", a->user,
			strerror(-a->ret));
		pop3_reply(s, "-ERR [SYS/TEMP] Can't open the maildrop.");
	} else {
		logged_in(s, a);
	}
	pop3_resume(s);
}

void pop3_login(struct pop3_session *s, const char *user,
		const char *password)
{
	const struct user *u;
	struct pop3_work *a = &s->work;

	if (authfail_check(s->srv->authfail, (struct sockaddr *)&s->peer,
			   authfail_clock())) {
		log_msg(LOG_WARNING, "pop3-login: Refused login (too many "
			"failures): rip=%s", s->peer_ip);
		pop3_reply(s, "-ERR [SYS/TEMP] Too many failed logins, try "
			   "again later.");
		return;
	}
	u = server_local_user(s->srv, user);
	if (user != s->user_arg)
		snprintf(s->user_arg, sizeof(s->user_arg), "%s", user);
	memset(a, 0, sizeof(*a));
	snprintf(a->user, sizeof(a->user), "%s", u ? u->name : "");
	/* An unknown user costs the same time, against the dummy hash. */
	a->hash = strdup(u ? u->hash : s->srv->dummy_hash);
	if (!a->hash || strlen(password) >= sizeof(a->password)) {
		free(a->hash);
		a->hash = NULL;
		failed(s, "");
		return;
	}
	strcpy(a->password, password);
	if (u) {
		char path[PATH_MAX];

		maildrop_path(s, u->name, path, sizeof(path));
		take_kept(a, path);
	}
	a->w.run = login_run;
	a->w.done = login_done;
	pop3_submit(s);
}

/* RFC 4616, strictly: see sasl_plain.h. */
static void plain(struct pop3_session *s, const char *resp)
{
	struct sasl_plain p;
	int ret = sasl_plain_decode(resp, &p);

	if (ret == -EINVAL) {
		pop3_reply(s, "-ERR Invalid base64 data in continued response.");
		pop3_error(s);
	} else if (ret) {
		snprintf(s->user_arg, sizeof(s->user_arg), "%s", "");
		failed(s, "");
	} else {
		pop3_login(s, p.user, p.pass);
	}
	OPENSSL_cleanse(&p, sizeof(p));
}

void pop3_auth_start(struct pop3_session *s, const char *arg)
{
	char mech[32];
	const char *init;

	if (!*arg) {
		/* A list of mechanisms, as Dovecot and many clients do it. */
		pop3_reply(s, "+OK");
		pop3_reply(s, "PLAIN");
		pop3_reply(s, ".");
		return;
	}
	if (sscanf(arg, "%31s", mech) != 1 || strcasecmp(mech, "PLAIN")) {
		pop3_reply(s, "-ERR Unsupported authentication mechanism.");
		pop3_error(s);
		return;
	}
	init = arg + strlen(mech);
	init += strspn(init, " ");
	if (*init) {
		/* RFC 5034 4: "=" is an empty initial response. */
		plain(s, strcmp(init, "=") ? init : "");
		return;
	}
	s->sasl_pending = true;
	pop3_reply(s, "+ ");
}

void pop3_auth_line(struct pop3_session *s, const char *line)
{
	s->sasl_pending = false;
	if (!strcmp(line, "*")) {
		pop3_reply(s, "-ERR Authentication aborted by client.");
		return;
	}
	plain(s, line);
}

/*
 * In a worker: the deleted messages' files removed and the retrieved
 * ones marked \Seen (as Dovecot does, for IMAP clients), then synced.
 */
/* DELE'd: removed; else retrieved: \Seen added to the flags it has. */
static int update_one(struct mailbox *mb, size_t i, unsigned int marks)
{
	if (marks & POP3_DELETED)
		return mailbox_remove(mb, i);
	return mailbox_set_flags(mb, i, mb->v[i].flags | MAILBOX_SEEN);
}

static void update_run(struct work *w)
{
	struct pop3_work *a = (struct pop3_work *)w;
	struct mailbox *mb = &a->s->mb;
	size_t i;
	int ret;

	a->ret = 0;
	for (i = 0; i < mb->n; i++) {
		if (!(a->marks[i] & (POP3_DELETED | POP3_RETRIEVED)))
			continue;
		ret = update_one(mb, i, a->marks[i]);
		/* Renamed by an IMAP session since (its flags): found again. */
		if (ret == -ENOENT && !mailbox_refind(mb, i))
			ret = update_one(mb, i, a->marks[i]);
		/* Gone meanwhile (an IMAP session's EXPUNGE): as asked. */
		if (ret == -ENOENT && (a->marks[i] & POP3_DELETED))
			ret = 0;
		if (ret && !a->ret)
			a->ret = ret;
	}
	ret = mailbox_sync_dirs(mb);
	if (!a->ret)
		a->ret = ret;
}

static void update_done(struct work *w)
{
	struct pop3_work *a = (struct pop3_work *)w;
	struct pop3_session *s = a->s;
	size_t i, n = 0;

	for (i = 0; i < s->mb.n; i++)
		n += (s->marks[i] & POP3_DELETED) != 0;
	if (s->gone) {
		pop3_resume(s);
		return;
	}
	if (a->ret) {
		log_msg(LOG_ERR, "pop3(%s): update: %s", s->user,
			strerror(-a->ret));
		pop3_reply(s, "-ERR [SYS/TEMP] Some deleted messages were "
			   "not removed.");
	} else {
		log_msg(LOG_INFO, "pop3(%s): Disconnected: Logged out "
			"del=%zu/%zu", s->user, n, s->mb.n);
		pop3_reply(s, "+OK Logging out, %zu messages deleted.", n);
	}
	pop3_close(s);
	pop3_resume(s);
}

void pop3_update(struct pop3_session *s)
{
	struct pop3_work *a = &s->work;

	s->state = POP3_S_UPDATE;
	a->marks = s->marks;
	a->w.run = update_run;
	a->w.done = update_done;
	pop3_submit(s);
}
