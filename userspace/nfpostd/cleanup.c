// SPDX-License-Identifier: GPL-2.0
/*
 * tmp/ cleaning (maildir(5): a file in tmp/ untouched for 36 hours will
 * never be finished). A killed daemon's files are known by their names
 * (host and pid, see maildir.c's make_name()) and go at the next start.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "maildir.h"
#include "workers.h"

#define TMP_MAX_AGE		(36 * 3600)
#define CLEANUP_INTERVAL	(6 * 3600)

struct cleanup {
	struct work w;			/* first: a work is this */
	struct server *srv;
	struct event *timer;
	bool busy;			/* a worker holds it */
};

static void clean_one(const char *dir, bool dead_own)
{
	int n = maildir_clean_tmp(dir, TMP_MAX_AGE, dead_own);

	if (n > 0)
		log_msg(LOG_INFO, "%s/tmp: removed %d leftover file%s", dir, n,
			n > 1 ? "s" : "");
}

/* The spool and every <mail_root>/<user>/ that is a Maildir. */
static void clean_all(const struct conf *c, bool dead_own)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	clean_one(c->spool, dead_own);
	d = opendir(c->mail_root);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", c->mail_root,
				     e->d_name) >= sizeof(path))
			continue;
		clean_one(path, dead_own);
	}
	closedir(d);
}

void cleanup_now(struct server *srv)
{
	clean_all(&srv->conf, true);
}

static void run(struct work *w)
{
	struct cleanup *cl = (struct cleanup *)w;

	clean_all(&cl->srv->conf, true);
}

static void done(struct work *w)
{
	((struct cleanup *)w)->busy = false;
}

static void expired(evutil_socket_t fd, short what, void *arg)
{
	struct cleanup *cl = arg;

	(void)fd;
	(void)what;
	if (cl->busy)
		return;
	cl->busy = true;
	workers_submit(cl->srv->workers, &cl->w);
}

int cleanup_init(struct server *srv)
{
	struct timeval tv = { .tv_sec = CLEANUP_INTERVAL };
	struct cleanup *cl = calloc(1, sizeof(*cl));

	if (!cl)
		return -ENOMEM;
	cl->srv = srv;
	cl->w.run = run;
	cl->w.done = done;
	cl->timer = event_new(srv->base, -1, EV_PERSIST, expired, cl);
	if (!cl->timer) {
		free(cl);
		return -ENOMEM;
	}
	event_add(cl->timer, &tv);
	srv->cleanup = cl;
	return 0;
}

void cleanup_free(struct server *srv)
{
	struct cleanup *cl = srv->cleanup;

	if (!cl)
		return;
	event_free(cl->timer);
	free(cl);
	srv->cleanup = NULL;
}
