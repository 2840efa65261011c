// SPDX-License-Identifier: GPL-2.0
/*
 * NOOP (RFC 3501 6.1.2) and CHECK (6.4.1): nothing but the chance to tell
 * the client what changed in the selected mailbox.
 */
#include "imap_priv.h"

void imap_cmd_noop(struct imap_session *s, const struct imap_arg *args,
		   bool uid)
{
	(void)uid;
	if (args) {
		imap_bad(s, "NOOP takes no arguments.");
		return;
	}
	imap_view_sync_done(s, "NOOP completed.");
}

void imap_cmd_check(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	(void)uid;
	if (args) {
		imap_bad(s, "CHECK takes no arguments.");
		return;
	}
	imap_view_sync_done(s, "CHECK completed.");
}
