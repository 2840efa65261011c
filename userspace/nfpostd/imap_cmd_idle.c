// SPDX-License-Identifier: GPL-2.0
/*
 * IDLE (RFC 2177): the client waits and is told of every change as it
 * happens; in Selected state an inotify watch on new/ and cur/ (the
 * daemon's one instance, imap_watch.c) wakes the loop (no polling), and
 * the view's sync sends EXISTS, EXPUNGE and FETCH: in place for what the
 * events and the MODSEQ log account for (imap_view.c), else by a rescan
 * made by a worker so that a large folder holds up no one.
 */
#include <errno.h>
#include <strings.h>

#include "imap_priv.h"

void imap_cmd_idle(struct imap_session *s, const struct imap_arg *args,
		   bool uid)
{
	int ret = 0;

	(void)uid;
	if (args) {
		imap_bad(s, "IDLE takes no arguments.");
		return;
	}
	if (s->state == IMAP_S_SELECTED)
		ret = imap_watch(s);
	if (ret == -ENOSPC) {
		imap_done(s, "NO", "[LIMIT] Too many mailboxes watched, "
			  "poll with NOOP instead.");
		return;
	}
	if (ret) {
		imap_done(s, "NO", "[SERVERBUG] Cannot watch the mailbox.");
		return;
	}
	s->idling = true;
	imap_send(s, "+ idling");
	/* What changed before the watch, told after "+". */
	imap_view_idle_start(s);
}

void imap_idle_line(struct imap_session *s, const char *line)
{
	s->idling = false;
	imap_unwatch(s);
	if (strcasecmp(line, "DONE")) {
		imap_bad(s, "Expected DONE.");
		return;
	}
	imap_view_sync_done(s, "Idle completed.");
}
