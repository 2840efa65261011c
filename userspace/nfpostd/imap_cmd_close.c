// SPDX-License-Identifier: GPL-2.0
/*
 * CLOSE (RFC 3501 6.4.2): removes the \Deleted messages silently (unless
 * read-only), then back to Authenticated; UNSELECT (RFC 3691) removes
 * nothing.
 */
#include <stdlib.h>

#include "imap_priv.h"

void imap_cmd_close(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	size_t i, n = 0, *gone, all = s->mb.n;
	int ret = 0, removed;

	(void)uid;
	if (args) {
		imap_bad(s, "CLOSE takes no arguments.");
		return;
	}
	gone = malloc((s->mb.n ? s->mb.n : 1) * sizeof(*gone));
	/* The messages the view has now: a refind may add some. */
	for (i = 0; gone && i < all && !s->readonly; i++) {
		if (!(s->mb.v[i].flags & MAILBOX_DELETED))
			continue;
		removed = imap_view_remove(s, i, true);
		if (removed < 0)
			ret = -1;
		else if (!removed)
			gone[n++] = i;
	}
	if (!gone || (!s->readonly && mailbox_sync_dirs(&s->mb)))
		ret = -1;
	else if (n)
		imap_modseq_expunged(s, gone, n, NULL);
	free(gone);
	imap_view_close(s);
	if (ret)
		imap_done(s, "NO", "[SERVERBUG] Some messages were not "
			  "expunged.");
	else
		imap_done(s, "OK", "Close completed.");
}

void imap_cmd_unselect(struct imap_session *s, const struct imap_arg *args,
		       bool uid)
{
	(void)uid;
	if (args) {
		imap_bad(s, "UNSELECT takes no arguments.");
		return;
	}
	imap_view_close(s);
	imap_done(s, "OK", "Unselect completed.");
}
