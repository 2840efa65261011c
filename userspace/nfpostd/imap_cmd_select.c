// SPDX-License-Identifier: GPL-2.0
/*
 * SELECT and EXAMINE (RFC 3501 6.3.1, 6.3.2): open a mailbox, read-write
 * or read-only, and tell its size, flags and UID numbers. The folder is
 * scanned by a worker (workers.h), so that opening a large one does not
 * hold up the other sessions; this session reads nothing meanwhile. A
 * view a session closed is taken up again (imap_view_reopen()): only
 * what changed since is read.
 * "(CONDSTORE)" after the name enables CONDSTORE (RFC 7162 3.1.8), and
 * HIGHESTMODSEQ is told either way.
 */
#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

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

/* In a worker: the scan, the UID list, \Recent taken. */
static void open_run(struct work *w)
{
	struct imap_open_work *o = (struct imap_open_work *)w;

	o->ret = o->kept ? imap_view_reopen(o->path, &o->mb, &o->s->modseq) :
			   imap_view_open(o->path, &o->mb, &o->s->modseq);
	if (o->ret)
		memset(&o->mb, 0, sizeof(o->mb));
	else
		o->recent = imap_view_recent(&o->mb, o->readonly, true);
	/* Without its list, keywords show as none (and get new letters). */
	if (!o->ret && keywords_read(o->path, &o->kw))
		memset(&o->kw, 0, sizeof(o->kw));
}

static void opened(struct imap_session *s, struct imap_open_work *o)
{
	s->mb = o->mb;
	memset(&o->mb, 0, sizeof(o->mb));
	snprintf(s->mbox_name, sizeof(s->mbox_name), "%s", o->name);
	s->readonly = o->readonly;
	s->state = IMAP_S_SELECTED;
	s->kw = o->kw;
	imap_send_flag_lists(s);
	imap_send(s, "* %zu EXISTS", s->mb.n);
	imap_send(s, "* %zu RECENT", o->recent);
	first_unseen(s);
	imap_send(s, "* OK [UIDVALIDITY %u] UIDs valid", s->mb.uidvalidity);
	imap_send(s, "* OK [UIDNEXT %u] Predicted next UID", s->mb.uidnext);
	/* RFC 7162 3.1.2.1: MODSEQs are always kept, so always told. */
	imap_send(s, "* OK [HIGHESTMODSEQ %" PRIu64 "] Highest",
		  s->mb.highestmodseq ? s->mb.highestmodseq : 1);
	imap_done(s, "OK", "[%s] %s completed.",
		  o->readonly ? "READ-ONLY" : "READ-WRITE",
		  o->readonly ? "EXAMINE" : "SELECT");
}

static void open_done(struct work *w)
{
	struct imap_open_work *o = (struct imap_open_work *)w;
	struct imap_session *s = o->s;

	if (s->gone) {
		imap_resume(s);		/* frees it, and o->mb */
		return;
	}
	if (o->ret)
		imap_done(s, "NO", "%sMailbox can't be opened: %s",
			  o->ret == -ENOENT ? "[NONEXISTENT] " : "", o->name);
	else
		opened(s, o);
	imap_resume(s);
}

/* RFC 7162 3.1.8: "(CONDSTORE)", the one SELECT parameter here. */
static bool condstore_param(const struct imap_arg *a)
{
	const char *p = a->child ? imap_arg_atom(a->child) : NULL;

	return a->type == IMAP_ARG_LIST && !a->next && p &&
	       !strcasecmp(p, "CONDSTORE") && !a->child->next;
}

static void open_mailbox(struct imap_session *s, const struct imap_arg *args,
			 bool readonly)
{
	const char *name = imap_arg_str(args);
	struct imap_open_work *o = &s->open;

	if (!name || (args->next && !condstore_param(args->next))) {
		imap_bad(s, "SELECT needs a mailbox name.");
		return;
	}
	if (args->next)
		s->condstore = true;
	/* RFC 3501 6.3.1: a failed SELECT leaves nothing selected. */
	imap_view_close(s);
	memset(o, 0, sizeof(*o));
	if (imap_folder_path(s, name, o->path, sizeof(o->path))) {
		imap_done(s, "NO", "[NONEXISTENT] Mailbox doesn't exist: %s",
			  name);
		return;
	}
	o->s = s;
	o->readonly = readonly;
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->kept = imap_view_take(o->path, &o->mb, &s->modseq);
	o->w.run = open_run;
	o->w.done = open_done;
	imap_submit(s, &o->w);
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
