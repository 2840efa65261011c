// SPDX-License-Identifier: GPL-2.0
/*
 * SELECT and EXAMINE (RFC 3501 6.3.1, 6.3.2): open a mailbox, read-write
 * or read-only, and tell its size, flags and UID numbers.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "imap_priv.h"

static void first_unseen(struct imap_session *s)
{
	size_t i;

	for (i = 0; i < s->mb.n; i++) {
		if (!(s->mb.v[i].flags & MAILBOX_SEEN)) {
			imap_send(s, "* OK [UNSEEN %zu] First unseen.", i + 1);
			return;
		}
	}
}

static void open_mailbox(struct imap_session *s, const struct imap_arg *args,
			 bool readonly)
{
	const char *name = imap_arg_str(args);
	char path[PATH_MAX];
	int ret;

	if (!name || args->next) {
		imap_bad(s, "SELECT needs a mailbox name.");
		return;
	}
	/* RFC 3501 6.3.1: a failed SELECT leaves nothing selected. */
	imap_view_close(s);
	if (imap_folder_path(s, name, path, sizeof(path))) {
		imap_done(s, "NO", "[NONEXISTENT] Mailbox doesn't exist: %s",
			  name);
		return;
	}
	ret = mailbox_open(path, &s->mb);
	if (ret) {
		memset(&s->mb, 0, sizeof(s->mb));
		imap_done(s, "NO", "%sMailbox can't be opened: %s",
			  ret == -ENOENT ? "[NONEXISTENT] " : "", name);
		return;
	}
	snprintf(s->mbox_name, sizeof(s->mbox_name), "%s", name);
	s->readonly = readonly;
	s->state = IMAP_S_SELECTED;
	imap_send(s, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen "
		  "\\Draft)");
	imap_send(s, "* OK [PERMANENTFLAGS (%s)] Flags permitted.",
		  readonly ? "" : "\\Answered \\Flagged \\Deleted \\Seen "
		  "\\Draft");
	imap_send(s, "* %zu EXISTS", s->mb.n);
	imap_send(s, "* 0 RECENT");
	first_unseen(s);
	imap_send(s, "* OK [UIDVALIDITY %u] UIDs valid", s->mb.uidvalidity);
	imap_send(s, "* OK [UIDNEXT %u] Predicted next UID", s->mb.uidnext);
	imap_done(s, "OK", "[%s] %s completed.",
		  readonly ? "READ-ONLY" : "READ-WRITE",
		  readonly ? "EXAMINE" : "SELECT");
}

void imap_cmd_select(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	(void)uid;
	open_mailbox(s, args, false);
}

void imap_cmd_examine(struct imap_session *s, const struct imap_arg *args,
		      bool uid)
{
	(void)uid;
	open_mailbox(s, args, true);
}
