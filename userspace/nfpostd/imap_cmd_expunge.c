// SPDX-License-Identifier: GPL-2.0
/*
 * EXPUNGE (RFC 3501 6.4.3) and UID EXPUNGE (RFC 4315 2.1): removes the
 * \Deleted messages (of the UID set), each told with "* n EXPUNGE", the
 * directories synced and a MODSEQ logged for them (modseq.h: the highest
 * MODSEQ grows) before the OK, with cur/'s mtimes around the removals so
 * that the other sessions remove the same from their views in place.
 */
#include <stdlib.h>

#include "imap_priv.h"

void imap_cmd_expunge(struct imap_session *s, const struct imap_arg *args,
		      bool uid)
{
	size_t *idx = NULL, *gone, n = 0, i, k = 0, n_gone = 0, all;
	struct timespec cur[2];
	bool timed;
	int ret = 0, removed;

	if (s->readonly) {
		imap_done(s, "NO", "[READ-ONLY] Mailbox is read-only.");
		return;
	}
	if (uid && (!args || args->next ||
		    imap_view_select(s, imap_arg_atom(args), true, &idx, &n))) {
		free(idx);
		imap_bad(s, "UID EXPUNGE needs a UID set.");
		return;
	}
	if (!uid && args) {
		imap_bad(s, "EXPUNGE takes no arguments.");
		return;
	}
	gone = malloc((s->mb.n ? s->mb.n : 1) * sizeof(*gone));
	if (!gone) {
		free(idx);
		imap_done(s, "NO", "[SERVERBUG] Out of memory.");
		return;
	}
	/* cur/'s mtime before and after: the other sessions' syncs. */
	timed = !mailbox_cur_mtime(&s->mb, &cur[0]);
	/* The messages the view has now: a refind may add some. */
	for (i = 0, all = s->mb.n; i < all; i++) {
		if (uid && (k == n || idx[k] != i))
			continue;
		if (uid)
			k++;
		if (!(s->mb.v[i].flags & MAILBOX_DELETED))
			continue;
		removed = imap_view_remove(s, i, true);
		if (removed < 0)
			ret = -1;
		else if (!removed)
			gone[n_gone++] = i;
	}
	free(idx);
	if (mailbox_sync_dirs(&s->mb))
		ret = -1;
	else if (n_gone)
		imap_modseq_expunged(s, gone, n_gone, timed &&
				     !mailbox_cur_mtime(&s->mb, &cur[1]) ?
				     cur : NULL);
	free(gone);
	/* The rescan that tells the EXPUNGEs is a worker's. */
	if (ret)
		imap_view_sync_reply(s, "NO", "[SERVERBUG] Some messages were "
				     "not expunged.");
	else
		imap_view_sync_done(s, "Expunge completed.");
}
