/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Views of mailboxes that sessions closed, kept for the next session on
 * the same mailbox, which brings one up to date from what changed since
 * (mailbox_rescan(), modseq_update()) rather than reading every name in
 * cur/. A set holds at most KEPT_MAX views and, if @max_msgs is set, that
 * many messages in all; the view kept first is dropped for another, and
 * a mailbox's newer view replaces its older one. A set belongs to the
 * event loop: a session moves the view it takes into its work.
 */
#ifndef NFPOSTD_KEPT_H
#define NFPOSTD_KEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"
#include "modseq.h"

#define KEPT_MAX	8

struct kept_views {
	size_t max_msgs;		/* 0: no bound but KEPT_MAX */
	size_t msgs;
	uint64_t clock;
	struct kept_view {
		struct mailbox mb;
		struct modseq_log log;	/* as read with @mb, if any */
		uint64_t when;		/* 0: a free slot */
	} v[KEPT_MAX];
};

/*
 * Takes @mb and @log (NULL: none), kept or freed; both are left empty.
 * A view with no path (nothing was opened) is freed.
 */
void kept_put(struct kept_views *k, struct mailbox *mb,
	      struct modseq_log *log);
/* @path's view moved into @mb and @log (NULL: its log freed), if kept. */
bool kept_take(struct kept_views *k, const char *path, struct mailbox *mb,
	       struct modseq_log *log);
/* Drops the views whose path starts with @prefix. */
void kept_forget(struct kept_views *k, const char *prefix);
void kept_free(struct kept_views *k);

#endif /* NFPOSTD_KEPT_H */
