// SPDX-License-Identifier: GPL-2.0
/*
 * STATUS (RFC 3501 6.3.10): a mailbox's counts without selecting it, and
 * HIGHESTMODSEQ (RFC 7162 3.1.2.2), which enables CONDSTORE.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imap_priv.h"

void imap_cmd_status(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const char *name = imap_arg_str(args), *item;
	const struct imap_arg *a;
	char path[PATH_MAX], out[256];
	struct modseq_log log = { 0 };
	struct mailbox mb;
	size_t i, unseen = 0, recent = 0, n = 0;
	bool modseq = false;

	(void)uid;
	if (!name || !args->next || args->next->type != IMAP_ARG_LIST ||
	    args->next->next) {
		imap_bad(s, "STATUS needs a mailbox and a list of items.");
		return;
	}
	for (a = args->next->child; a; a = a->next)
		if (imap_arg_atom(a) && !strcasecmp(a->str, "HIGHESTMODSEQ"))
			s->condstore = modseq = true;
	if (imap_folder_path(s, name, path, sizeof(path)) ||
	    (modseq ? imap_view_open(path, &mb, &log) :
	     mailbox_open(path, &mb))) {
		imap_done(s, "NO", "[NONEXISTENT] Mailbox doesn't exist: %s",
			  name);
		return;
	}
	for (i = 0; i < mb.n; i++) {
		unseen += !(mb.v[i].flags & MAILBOX_SEEN);
		recent += mb.v[i].in_new;	/* seen by no session yet */
	}
	out[0] = '\0';
	for (a = args->next->child; a; a = a->next) {
		item = imap_arg_atom(a);
		if (item && !strcasecmp(item, "MESSAGES"))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "%sMESSAGES %zu", n ? " " : "",
					      mb.n);
		else if (item && !strcasecmp(item, "RECENT"))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "%sRECENT %zu", n ? " " : "",
					      recent);
		else if (item && !strcasecmp(item, "UIDNEXT"))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "%sUIDNEXT %u", n ? " " : "",
					      mb.uidnext);
		else if (item && !strcasecmp(item, "UIDVALIDITY"))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "%sUIDVALIDITY %u", n ? " " : "",
					      mb.uidvalidity);
		else if (item && !strcasecmp(item, "HIGHESTMODSEQ"))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "%sHIGHESTMODSEQ %" PRIu64,
					      n ? " " : "", mb.highestmodseq ?
					      mb.highestmodseq : 1);
		else if (item && !strcasecmp(item, "UNSEEN"))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "%sUNSEEN %zu", n ? " " : "",
					      unseen);
		else
			break;
		if (n >= sizeof(out))
			break;
	}
	mailbox_close(&mb);
	modseq_log_free(&log);
	if (a) {
		imap_bad(s, "Unknown STATUS item.");
		return;
	}
	imap_send(s, "* STATUS \"%s\" (%s)", name, out);
	imap_done(s, "OK", "Status completed.");
}
