// SPDX-License-Identifier: GPL-2.0
/* Views of closed mailboxes kept for the next session (kept.h). */
#include <string.h>

#include "kept.h"

static void drop(struct kept_views *k, struct kept_view *v)
{
	k->msgs -= v->mb.n;
	mailbox_close(&v->mb);
	modseq_log_free(&v->log);
	memset(v, 0, sizeof(*v));
}

static bool fits(const struct kept_views *k, size_t n)
{
	return !k->max_msgs || k->msgs + n <= k->max_msgs;
}

void kept_put(struct kept_views *k, struct mailbox *mb,
	      struct modseq_log *log)
{
	struct kept_view *v, *oldest;
	size_t i;

	for (i = 0; mb->path[0] && i < KEPT_MAX; i++)
		if (k->v[i].when && !strcmp(k->v[i].mb.path, mb->path))
			drop(k, &k->v[i]);	/* the newer view wins */
	while (mb->path[0] && (!k->max_msgs || mb->n <= k->max_msgs)) {
		oldest = v = NULL;
		for (i = 0; i < KEPT_MAX; i++) {
			if (!k->v[i].when)
				v = &k->v[i];
			else if (!oldest || k->v[i].when < oldest->when)
				oldest = &k->v[i];
		}
		if (v && fits(k, mb->n)) {
			v->mb = *mb;
			if (log)
				v->log = *log;
			v->when = ++k->clock;
			k->msgs += mb->n;
			memset(mb, 0, sizeof(*mb));
			if (log)
				memset(log, 0, sizeof(*log));
			return;
		}
		drop(k, oldest);
	}
	mailbox_close(mb);
	memset(mb, 0, sizeof(*mb));
	if (log) {
		modseq_log_free(log);
		memset(log, 0, sizeof(*log));
	}
}

bool kept_take(struct kept_views *k, const char *path, struct mailbox *mb,
	       struct modseq_log *log)
{
	struct kept_view *v;
	size_t i;

	for (i = 0; i < KEPT_MAX; i++) {
		v = &k->v[i];
		if (!v->when || strcmp(v->mb.path, path))
			continue;
		*mb = v->mb;
		if (log)
			*log = v->log;
		else
			modseq_log_free(&v->log);
		k->msgs -= v->mb.n;
		memset(v, 0, sizeof(*v));
		return true;
	}
	return false;
}

void kept_forget(struct kept_views *k, const char *prefix)
{
	size_t i, len = strlen(prefix);

	for (i = 0; i < KEPT_MAX; i++)
		if (k->v[i].when && !strncmp(k->v[i].mb.path, prefix, len))
			drop(k, &k->v[i]);
}

void kept_free(struct kept_views *k)
{
	size_t i;

	for (i = 0; i < KEPT_MAX; i++)
		if (k->v[i].when)
			drop(k, &k->v[i]);
}
