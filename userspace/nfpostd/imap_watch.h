/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IDLE's watches on the selected mailboxes: the daemon's one inotify
 * instance, its watches shared by the sessions idling on a directory.
 */
#ifndef NFPOSTD_IMAP_WATCH_H
#define NFPOSTD_IMAP_WATCH_H

#include "server.h"

struct imap_session;

/*
 * Session @s idling on its selected mailbox: new/ and cur/ watched,
 * a change told through imap_view_sync_idle(). -ENOSPC when the kernel's
 * fs.inotify.max_user_watches is reached (counted, logged once a run),
 * another -errno if a directory cannot be watched.
 */
int imap_watch(struct imap_session *s);
/*
 * Session @s, idling, renamed a message of new/ into cur/ as @name (its
 * claim of \Recent): that event is its own, cur/ stays known.
 */
void imap_watch_claimed(struct imap_session *s, const char *name);
/* Its watches released; a directory's last user removes the watch. */
void imap_unwatch(struct imap_session *s);
/* At the end, every session gone: the instance closed. */
void imap_watches_free(struct server *srv);

#endif /* NFPOSTD_IMAP_WATCH_H */
