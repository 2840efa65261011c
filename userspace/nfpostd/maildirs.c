// SPDX-License-Identifier: GPL-2.0
/*
 * Open Maildirs for the store threads: the directory and its new/ stay
 * open (no path walk and no open()/close() of two directories per
 * message), and new/ is fsync'ed once for all the renames made before the
 * fsync() started (group commit, as a database log does it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maildirs.h"

struct maildirs_dir {
	char *path;
	int fd, newfd;
	unsigned int refs;		/* messages under way in it */
	bool in_table;			/* else freed by the last release */
	unsigned long long used;	/* for eviction, least recent first */
	/*
	 * Group commit: each rename takes a ticket; an fsync() of new/
	 * that started after ticket T was taken covers T. One runs at a
	 * time; synced is the last ticket the last one covered.
	 */
	uint64_t renamed, synced;
	int synced_ret;
	bool syncing;
};

struct maildirs {
	pthread_mutex_t lock;
	pthread_cond_t synced;		/* an fsync() of some new/ ended */
	struct maildirs_dir **v;
	int max;
	unsigned long long clock;
};

struct maildirs *maildirs_new(int max)
{
	struct maildirs *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->v = calloc((size_t)max, sizeof(*t->v));
	if (!t->v) {
		free(t);
		return NULL;
	}
	t->max = max;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->synced, NULL);
	return t;
}

static void dir_free(struct maildirs_dir *d)
{
	if (d->newfd >= 0)
		close(d->newfd);
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d);
}

void maildirs_free(struct maildirs *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->max; i++)
		if (t->v[i])
			dir_free(t->v[i]);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->synced);
	free(t->v);
	free(t);
}

static struct maildirs_dir *dir_open(const char *path, int *err)
{
	struct maildirs_dir *d = calloc(1, sizeof(*d));

	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	d->newfd = -1;
	d->path = strdup(path);
	d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd >= 0)
		d->newfd = openat(d->fd, "new",
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*err = d->newfd < 0 ? -errno : d->path ? 0 : -ENOMEM;
	if (*err) {
		dir_free(d);
		return NULL;
	}
	return d;
}

/* Under the lock. */
static struct maildirs_dir *lookup(struct maildirs *t, const char *path)
{
	int i;

	for (i = 0; i < t->max; i++)
		if (t->v[i] && !strcmp(t->v[i]->path, path))
			return t->v[i];
	return NULL;
}

/*
 * Under the lock: a free slot, or the least recently used directory no
 * message is under way in. With every slot busy @d stays out of the table
 * and is closed after its message.
 */
static void insert(struct maildirs *t, struct maildirs_dir *d)
{
	int i, victim = -1;

	for (i = 0; i < t->max; i++) {
		if (!t->v[i]) {
			victim = i;
			break;
		}
		if (!t->v[i]->refs &&
		    (victim < 0 || t->v[i]->used < t->v[victim]->used))
			victim = i;
	}
	if (victim < 0)
		return;
	if (t->v[victim])
		dir_free(t->v[victim]);
	t->v[victim] = d;
	d->in_table = true;
}

static int get(struct maildirs *t, const char *path, struct maildirs_dir **d_r)
{
	struct maildirs_dir *d, *other;
	int ret;

	pthread_mutex_lock(&t->lock);
	d = lookup(t, path);
	if (d)
		goto found;
	pthread_mutex_unlock(&t->lock);
	d = dir_open(path, &ret);	/* not under the lock: it may block */
	if (!d)
		return ret;
	pthread_mutex_lock(&t->lock);
	other = lookup(t, path);
	if (other) {
		dir_free(d);
		d = other;
	} else {
		insert(t, d);
	}
found:
	d->refs++;
	d->used = ++t->clock;
	pthread_mutex_unlock(&t->lock);
	*d_r = d;
	return 0;
}

/* @forget: removed under us (ENOENT); the next message opens it again. */
static void release(struct maildirs *t, struct maildirs_dir *d, bool forget)
{
	int i;

	pthread_mutex_lock(&t->lock);
	if (forget && d->in_table) {
		for (i = 0; i < t->max; i++)
			if (t->v[i] == d)
				t->v[i] = NULL;
		d->in_table = false;
	}
	if (!--d->refs && !d->in_table)
		dir_free(d);
	pthread_mutex_unlock(&t->lock);
}

int maildirs_open(struct maildirs *t, const char *path,
		  struct maildir_msg *m, struct maildirs_dir **d_r)
{
	struct maildirs_dir *d;
	int ret;

	m->fd = -1;
	m->dirfd = -1;
	m->name[0] = '\0';
	ret = get(t, path, &d);
	if (ret)
		return ret;
	ret = maildir_open_at(d->fd, m);
	if (ret) {
		release(t, d, ret == -ENOENT);
		return ret;
	}
	*d_r = d;
	return 0;
}

/* The fsync() of new/ that covers this rename, ours or a concurrent one. */
static int sync_new(struct maildirs *t, struct maildirs_dir *d)
{
	uint64_t ticket, target;
	int ret;

	pthread_mutex_lock(&t->lock);
	ticket = ++d->renamed;
	while (d->synced < ticket) {
		if (d->syncing) {
			pthread_cond_wait(&t->synced, &t->lock);
			continue;
		}
		d->syncing = true;
		target = d->renamed;
		pthread_mutex_unlock(&t->lock);
		ret = fsync(d->newfd) ? -errno : 0;
		pthread_mutex_lock(&t->lock);
		d->syncing = false;
		d->synced = target;
		d->synced_ret = ret;
		pthread_cond_broadcast(&t->synced);
	}
	ret = d->synced_ret;
	pthread_mutex_unlock(&t->lock);
	return ret;
}

int maildirs_commit(struct maildirs *t, struct maildirs_dir *d,
		    struct maildir_msg *m, char *name_r, size_t len)
{
	char final[MAILDIR_NAME_MAX + 8];
	int ret;

	ret = maildir_commit_unsynced(m, final, sizeof(final));
	if (!ret) {
		ret = sync_new(t, d);
		/* Not durable: take it back, as maildir_commit() does. */
		if (ret)
			unlinkat(d->fd, final, 0);
	}
	if (!ret && name_r && len)
		snprintf(name_r, len, "%s", final);
	release(t, d, ret == -ENOENT);
	return ret;
}

void maildirs_abort(struct maildirs *t, struct maildirs_dir *d,
		    struct maildir_msg *m)
{
	maildir_abort(m);
	release(t, d, false);
}
