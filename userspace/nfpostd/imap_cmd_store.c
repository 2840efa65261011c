// SPDX-License-Identifier: GPL-2.0
/*
 * STORE and UID STORE (RFC 3501 6.4.6): FLAGS, +FLAGS, -FLAGS (.SILENT),
 * system flags and keywords (a keyword new to the mailbox gets a letter
 * in its dovecot-keywords first, and FLAGS is told again), each change a
 * rename of the message file; cur/ is fsync'ed before the OK, so a flag
 * change answered OK survives a crash.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap_priv.h"

struct change {
	int mode;		/* +1 add, -1 remove, 0 replace */
	bool silent;
	unsigned int flags;
	char letters[KEYWORDS_MAX + 1];
};

/* "FLAGS", "+FLAGS.SILENT"...; -EINVAL for another item. */
static int parse_op(const char *op, struct change *c)
{
	size_t len;

	c->mode = op[0] == '+' ? 1 : op[0] == '-' ? -1 : 0;
	op += c->mode != 0;
	len = strlen(op);
	c->silent = len == 12 && !strcasecmp(op + 5, ".SILENT");
	if (strncasecmp(op, "FLAGS", 5) || (len != 5 && !c->silent))
		return -EINVAL;
	return 0;
}

/* Message @m's letters after the change: P is not IMAP's, it stays. */
static void new_letters(const struct change *c, const char *cur, char *out)
{
	size_t n = 0;
	const char *p;

	for (p = cur; *p; p++)
		if (c->mode > 0 || (c->mode < 0 && !strchr(c->letters, *p)) ||
		    *p == 'P')
			out[n++] = *p;
	for (p = c->letters; c->mode >= 0 && *p; p++)
		if (!memchr(out, *p, n))
			out[n++] = *p;
	out[n] = '\0';
}

static bool store_one(struct imap_session *s, const struct change *c,
		      size_t i, bool uid)
{
	struct mailbox_msg *m = &s->mb.v[i];
	char other[sizeof(m->other) + KEYWORDS_MAX], buf[IMAP_FLAGS_STR_MAX];
	unsigned int now;

	now = c->mode > 0 ? m->flags | c->flags :
		c->mode < 0 ? m->flags & ~c->flags : c->flags;
	new_letters(c, m->other, other);
	if (mailbox_set_letters(&s->mb, i, now, other))
		return false;
	if (c->silent)
		return true;
	imap_msg_flags_str(&s->kw, m->flags, m->other, m->recent, buf,
			   sizeof(buf));
	if (uid)
		imap_send(s, "* %zu FETCH (UID %u FLAGS %s)", i + 1, m->uid,
			  buf);
	else
		imap_send(s, "* %zu FETCH (FLAGS %s)", i + 1, buf);
	return true;
}

/* The letters of the keywords named; a new one made if it is to be set. */
static int letters(struct imap_session *s, const struct imap_flag_list *fl,
		   struct change *c)
{
	bool grew = false;
	int ret;

	ret = imap_flag_list_letters(s->mb.path, &s->kw, fl, c->mode >= 0,
				     c->letters, &grew);
	if (grew)
		imap_send_flag_lists(s);
	return ret;
}

void imap_cmd_store(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	const char *op = args ? imap_arg_atom(args->next) : NULL;
	struct imap_flag_list fl;
	size_t *idx = NULL, n = 0, i;
	struct change c = { 0 };
	bool failed = false;
	int ret;

	if (!op || !args->next->next || args->next->next->next ||
	    imap_flag_list_parse(args->next->next, &fl)) {
		imap_bad(s, "Invalid STORE arguments.");
		return;
	}
	if (parse_op(op, &c)) {
		imap_bad(s, "Invalid STORE data item.");
		return;
	}
	c.flags = fl.flags;
	if (s->readonly) {
		imap_done(s, "NO", "[READ-ONLY] Mailbox is read-only.");
		return;
	}
	ret = imap_view_select(s, imap_arg_atom(args), uid, &idx, &n);
	if (ret) {
		imap_bad(s, "Invalid messageset.");
		return;
	}
	ret = letters(s, &fl, &c);
	if (ret) {
		free(idx);
		imap_done(s, "NO", ret == -ENOSPC ?
			  "[LIMIT] This mailbox has 26 keywords already." :
			  "[SERVERBUG] Can't save the keywords.");
		return;
	}
	for (i = 0; i < n; i++)
		failed |= !store_one(s, &c, idx[i], uid);
	free(idx);
	if (n && mailbox_sync_dirs(&s->mb))
		failed = true;
	if (failed)
		imap_done(s, "NO", "[EXPUNGEISSUED] Some flags were not "
			  "stored.");
	else
		imap_done(s, "OK", "Store completed.");
}
