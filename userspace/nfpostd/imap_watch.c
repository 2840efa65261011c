// SPDX-License-Identifier: GPL-2.0
/*
 * IDLE's watches on the selected mailboxes: one inotify instance for the
 * whole daemon, a watch per new/ or cur/ directory shared by every
 * session idling on it, and the events dispatched by watch descriptor.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>

#include "log.h"
#include "imap_priv.h"
#include "imap_watch.h"

/*
 * One instance, not one per session: fs.inotify.max_user_instances (128
 * by default) would otherwise cap the IDLE sessions of the whole daemon.
 * Within an instance a directory has one watch descriptor, however many
 * sessions add it, so the descriptor is the key and the sessions idling
 * on a directory hang from it; its last one leaving removes the watch.
 */
#define WATCH_BUCKETS	256
#define WATCH_MASK	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)

struct imap_watch_dir {
	int wd;
	struct imap_watch_dir *next;		/* in its bucket */
	struct imap_watch_link *users;		/* the sessions idling */
};

struct imap_watches {
	int fd;
	struct event *ev;
	struct imap_watch_dir *bucket[WATCH_BUCKETS];
	unsigned int gen;			/* of the read being told */
	unsigned long dirs;			/* watched now */
	/* Watches refused by fs.inotify.max_user_watches, logged once a
	 * run of them (full): what many IDLE sessions can make grow. */
	unsigned long refused;
	bool full;
	unsigned long overflows;		/* IN_Q_OVERFLOW */
};

static struct imap_watch_dir **slot(struct imap_watches *w, int wd)
{
	struct imap_watch_dir **p = &w->bucket[(unsigned int)wd %
					       WATCH_BUCKETS];

	while (*p && (*p)->wd != wd)
		p = &(*p)->next;
	return p;
}

/* FNV-1a, 64 bits: a foreign name taken for a claim is left to chance. */
static uint64_t name_hash(const char *name)
{
	uint64_t h = 14695981039346656037ull;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ull;
	return h;
}

void imap_watch_claimed(struct imap_session *s, const char *name)
{
	if (s->n_claimed == IMAP_CLAIMS_MAX)
		s->cur_watched = false;		/* no room: a rescan */
	else
		s->claimed[s->n_claimed++] = name_hash(name);
}

/* Event @e in cur/ is @s's own claim (imap_watch_claimed()), now seen. */
static bool own_claim(struct imap_session *s, const struct inotify_event *e)
{
	uint64_t h;
	size_t i;

	if (!(e->mask & IN_MOVED_TO) || !e->len)
		return false;
	h = name_hash(e->name);
	for (i = 0; i < s->n_claimed; i++)
		if (s->claimed[i] == h) {
			s->claimed[i] = s->claimed[--s->n_claimed];
			return true;
		}
	return false;
}

/*
 * Tells @d's idling sessions of event @e (NULL: events were lost), each
 * once per read of the events. One in cur/ that is not the session's
 * own claim makes cur/ unknown to it: its next sync reads cur/ again,
 * even if it was told of this read's events already.
 */
static void wake(struct imap_watches *w, struct imap_watch_dir *d,
		 const struct inotify_event *e)
{
	struct imap_watch_link *l, *next;

	for (l = d->users; l; l = next) {
		struct imap_session *s = l->s;
		bool knew = s->cur_watched;

		next = l->next;
		if (e && l == &s->watch[1] && own_claim(s, e))
			continue;
		if (!e || l == &s->watch[1])
			s->cur_watched = false;
		/* Told already, but trusting cur/ then: told again. */
		if (s->watch_gen == w->gen && knew == s->cur_watched)
			continue;
		s->watch_gen = w->gen;
		if (s->idling && !s->link.closing)
			imap_view_sync_idle(s);
	}
}

static void dir_free(struct imap_watches *w, struct imap_watch_dir *d)
{
	struct imap_watch_link *l;

	for (l = d->users; l; l = l->next)
		l->dir = NULL;
	*slot(w, d->wd) = d->next;
	w->dirs--;
	free(d);
}

static void wake_all(struct imap_watches *w)
{
	struct imap_watch_dir *d;
	size_t i;

	for (i = 0; i < WATCH_BUCKETS; i++)
		for (d = w->bucket[i]; d; d = d->next)
			wake(w, d, NULL);
}

static void event_one(struct imap_watches *w, const struct inotify_event *e)
{
	struct imap_watch_dir *d;

	if (e->mask & IN_Q_OVERFLOW) {
		/* Events were lost: every idling session looks again. */
		if (!w->overflows++)
			log_msg(LOG_WARNING, "imap: inotify queue overflow, "
				"every IDLE session rescans");
		wake_all(w);
		return;
	}
	d = *slot(w, e->wd);
	if (!d)
		return;		/* removed since, its IN_IGNORED */
	wake(w, d, e);
	/*
	 * The directory went (its folder deleted, or renamed over) and the
	 * kernel dropped the watch: its sessions no longer hold it.
	 */
	if (e->mask & IN_IGNORED)
		dir_free(w, d);
}

static void watches_read(evutil_socket_t fd, short what, void *arg)
{
	struct imap_watches *w = arg;
	char buf[8192]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *e;
	ssize_t n;
	char *p;

	(void)what;
	/*
	 * A session is told once per read: what its sync reads (in place,
	 * at once) is at least what the read's events say happened. The
	 * next read's events may be of later changes: told again.
	 */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		w->gen++;
		for (p = buf; p < buf + n; p += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)p;
			event_one(w, e);
		}
	}
}

static struct imap_watches *watches_get(struct server *srv)
{
	static bool logged;
	struct imap_watches *w = srv->imap_watches;

	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		if (!logged)
			log_msg(LOG_ERR, "imap: no inotify instance for IDLE: "
				"%s", strerror(errno));
		logged = true;
		free(w);
		return NULL;
	}
	w->ev = event_new(srv->base, w->fd, EV_READ | EV_PERSIST,
			  watches_read, w);
	if (!w->ev || event_add(w->ev, NULL)) {
		if (w->ev)
			event_free(w->ev);
		close(w->fd);
		free(w);
		return NULL;
	}
	logged = false;
	srv->imap_watches = w;
	return w;
}

void imap_watches_free(struct server *srv)
{
	struct imap_watches *w = srv->imap_watches;
	size_t i;

	if (!w)
		return;
	for (i = 0; i < WATCH_BUCKETS; i++)
		while (w->bucket[i])
			dir_free(w, w->bucket[i]);
	if (w->refused || w->overflows)
		log_msg(LOG_INFO, "imap: IDLE watches refused %lu, inotify "
			"queue overflows %lu", w->refused, w->overflows);
	event_free(w->ev);
	close(w->fd);
	free(w);
	srv->imap_watches = NULL;
}

static void unlink_one(struct imap_watches *w, struct imap_watch_link *l)
{
	struct imap_watch_dir *d = l->dir;

	if (!d)
		return;
	*l->pprev = l->next;
	if (l->next)
		l->next->pprev = l->pprev;
	l->dir = NULL;
	if (d->users)
		return;
	inotify_rm_watch(w->fd, d->wd);
	dir_free(w, d);
}

void imap_unwatch(struct imap_session *s)
{
	size_t i;

	s->cur_watched = false;
	s->n_claimed = 0;
	for (i = 0; i < 2; i++)
		unlink_one(s->srv->imap_watches, &s->watch[i]);
}

static void refused(struct imap_watches *w, const char *user)
{
	w->refused++;
	if (w->full)
		return;
	w->full = true;
	log_msg(LOG_WARNING, "imap(%s): IDLE refused: "
		"fs.inotify.max_user_watches reached with %lu directories "
		"watched (refused so far %lu)", user, w->dirs, w->refused);
}

/* @path's watch, shared, for the session's link @l. */
static int watch_dir(struct imap_watches *w, struct imap_session *s,
		     struct imap_watch_link *l, const char *path)
{
	struct imap_watch_dir *d, **p;
	int wd = inotify_add_watch(w->fd, path, WATCH_MASK);

	if (wd < 0) {
		int ret = -errno;

		if (ret == -ENOSPC)
			refused(w, s->user);
		return ret;
	}
	w->full = false;
	p = slot(w, wd);
	d = *p;
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d) {
			inotify_rm_watch(w->fd, wd);
			return -ENOMEM;
		}
		d->wd = wd;
		*p = d;
		w->dirs++;
	}
	l->s = s;
	l->dir = d;
	l->next = d->users;
	if (l->next)
		l->next->pprev = &l->next;
	l->pprev = &d->users;
	d->users = l;
	return 0;
}

int imap_watch(struct imap_session *s)
{
	static const char *const subs[] = { "new", "cur" };
	struct imap_watches *w = watches_get(s->srv);
	char path[PATH_MAX + 8];
	size_t i;
	int ret;

	if (!w)
		return -ENOMEM;
	imap_unwatch(s);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", s->mb.path, subs[i]);
		ret = watch_dir(w, s, &s->watch[i], path);
		if (ret) {
			imap_unwatch(s);
			return ret;
		}
	}
	return 0;
}
