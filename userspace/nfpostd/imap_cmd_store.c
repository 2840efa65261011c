// SPDX-License-Identifier: GPL-2.0
/*
 * STORE and UID STORE (RFC 3501 6.4.6): FLAGS, +FLAGS, -FLAGS (.SILENT),
 * each change a rename of the message file; cur/ is fsync'ed before the
 * OK, so a flag change answered OK survives a crash.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap_priv.h"

void imap_cmd_store(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	const char *op = args ? imap_arg_atom(args->next) : NULL;
	size_t *idx = NULL, n = 0, i, oplen;
	unsigned int flags, now;
	bool silent, failed = false;
	char buf[128];
	int mode, ret;

	if (!op || !args->next->next || args->next->next->next ||
	    imap_flags_parse(args->next->next, &flags)) {
		imap_bad(s, "Invalid STORE arguments.");
		return;
	}
	mode = op[0] == '+' ? 1 : op[0] == '-' ? -1 : 0;
	op += mode != 0;
	oplen = strlen(op);
	silent = oplen == 12 && !strcasecmp(op + 5, ".SILENT");
	if (strncasecmp(op, "FLAGS", 5) || (oplen != 5 && !silent)) {
		imap_bad(s, "Invalid STORE data item.");
		return;
	}
	if (s->readonly) {
		imap_done(s, "NO", "[READ-ONLY] Mailbox is read-only.");
		return;
	}
	ret = imap_view_select(s, imap_arg_atom(args), uid, &idx, &n);
	if (ret) {
		imap_bad(s, "Invalid messageset.");
		return;
	}
	for (i = 0; i < n; i++) {
		struct mailbox_msg *m = &s->mb.v[idx[i]];

		now = mode > 0 ? m->flags | flags :
			mode < 0 ? m->flags & ~flags : flags;
		if (mailbox_set_flags(&s->mb, idx[i], now)) {
			failed = true;
			continue;
		}
		if (silent)
			continue;
		imap_flags_str(m->flags, m->recent, buf, sizeof(buf));
		if (uid)
			imap_send(s, "* %zu FETCH (UID %u FLAGS %s)", idx[i] + 1,
				  m->uid, buf);
		else
			imap_send(s, "* %zu FETCH (FLAGS %s)", idx[i] + 1, buf);
	}
	free(idx);
	if (n && mailbox_sync_dirs(&s->mb))
		failed = true;
	if (failed)
		imap_done(s, "NO", "[EXPUNGEISSUED] Some flags were not "
			  "stored.");
	else
		imap_done(s, "OK", "Store completed.");
}
