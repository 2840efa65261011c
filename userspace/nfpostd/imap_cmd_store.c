// SPDX-License-Identifier: GPL-2.0
/*
 * STORE and UID STORE (RFC 3501 6.4.6): FLAGS, +FLAGS, -FLAGS (.SILENT),
 * system flags and keywords (a keyword new to the mailbox gets a letter
 * in its dovecot-keywords first, and FLAGS is told again), each change a
 * rename of the message file; cur/ is fsync'ed before the OK, so a flag
 * change answered OK survives a crash. CONDSTORE (RFC 7162 3.1.3): each
 * message that changed gets one new MODSEQ, logged before the OK, and
 * (UNCHANGEDSINCE n) leaves out the messages changed since n, named in
 * the [MODIFIED] code of the OK.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap_fetch.h"
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

/*
 * Message @i's new flags, renamed into its name. *@changed: they differ
 * from what it had (only a change gets a new MODSEQ). Renamed by another
 * since this session last looked, it is found, and the change made to
 * the flags it has now: +FLAGS adds to the other's, not to ours.
 */
static bool store_one(struct imap_session *s, const struct change *c,
		      size_t i, bool *changed)
{
	char other[sizeof(s->mb.v[i].other) + KEYWORDS_MAX];
	struct mailbox_msg *m;
	unsigned int now;
	bool again = true;
	int ret;

	for (;;) {
		m = &s->mb.v[i];
		now = c->mode > 0 ? m->flags | c->flags :
			c->mode < 0 ? m->flags & ~c->flags : c->flags;
		new_letters(c, m->other, other);
		*changed = now != m->flags || strcmp(other, m->other);
		if (!*changed)
			return true;
		ret = mailbox_set_letters(&s->mb, i, now, other);
		if (ret != -ENOENT || !again || !imap_view_refind(s, i))
			return !ret;
		again = false;
	}
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

/* "(UNCHANGEDSINCE n)" (RFC 7162 3.1.3), the one STORE modifier. */
static int modifiers(const struct imap_arg *a, uint64_t *since)
{
	const char *k = a->child ? imap_arg_atom(a->child) : NULL;

	if (!k || strcasecmp(k, "UNCHANGEDSINCE") || !a->child->next ||
	    a->child->next->next ||
	    imap_modseq_parse(imap_arg_atom(a->child->next), since))
		return -EINVAL;
	return 0;
}

/*
 * Stores @c into messages @idx[0..@n), but those changed since @since
 * (RFC 7162 3.1.3: their MODSEQ is higher) go into @conflict instead;
 * the changed ones' MODSEQ is logged, then each is told.
 */
static bool store_all(struct imap_session *s, const struct change *c,
		      const size_t *idx, size_t n, uint64_t since,
		      size_t *conflict, size_t *n_conflict, bool uid)
{
	size_t i, j = 0, k = 0, *done = malloc((n ? n : 1) * sizeof(*done));
	bool failed = !done, changed, timed;
	struct timespec cur[2];

	/* cur/'s mtime before and after: the other sessions' rescans. */
	timed = !mailbox_cur_mtime(&s->mb, &cur[0]);
	*n_conflict = 0;
	for (i = 0; done && i < n; i++) {
		if (s->mb.v[idx[i]].modseq > since)
			conflict[(*n_conflict)++] = idx[i];
		else if (!store_one(s, c, idx[i], &changed))
			failed = true;
		else if (changed)
			done[k++] = idx[i];
	}
	/*
	 * The flags are stored once cur/ is synced. A log that cannot be
	 * written is logged: its MODSEQs come back at the next read, where
	 * the letters it lacks get new ones.
	 */
	if (k && mailbox_sync_dirs(&s->mb))
		failed = true;
	else if (k && timed && !mailbox_cur_mtime(&s->mb, &cur[1]))
		imap_modseq_stored(s, done, k, cur);
	else if (k)
		imap_modseq_changed(s, done, k);
	/* RFC 3501 6.4.6: each message stored is told, changed or not. */
	for (i = 0; done && i < n; i++) {
		if (j < *n_conflict && conflict[j] == idx[i])
			j++;
		else
			imap_send_change(s, idx[i] + 1, &s->mb.v[idx[i]], uid,
					 c->silent);
	}
	free(done);
	return !failed;
}

/* "[MODIFIED 2,5]": the numbers (UIDs for UID STORE) that were refused. */
static void modified(struct imap_session *s, const size_t *v, size_t n,
		     bool uid)
{
	char buf[512];
	size_t i, len = 0;

	for (i = 0; i < n && len < sizeof(buf) - 24; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u",
					i ? "," : "", uid ? s->mb.v[v[i]].uid :
					(uint32_t)(v[i] + 1));
	if (i < n) {
		/* Too many to list: the client fetches their MODSEQs. */
		imap_done(s, "NO", "Conditional STORE failed for too many "
			  "messages.");
		return;
	}
	imap_done(s, "OK", "[MODIFIED %s] Conditional STORE failed.", buf);
}

void imap_cmd_store(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	const struct imap_arg *a = args ? args->next : NULL;
	size_t *idx = NULL, *conflict, n = 0, n_conflict;
	uint64_t since = UINT64_MAX;
	struct imap_flag_list fl;
	struct change c = { 0 };
	const char *op;
	bool ok;
	int ret;

	if (a && a->type == IMAP_ARG_LIST) {
		if (modifiers(a, &since)) {
			imap_bad(s, "Invalid STORE modifiers.");
			return;
		}
		s->condstore = true;
		a = a->next;
	}
	op = imap_arg_atom(a);
	if (!op || !a->next || a->next->next ||
	    imap_flag_list_parse(a->next, &fl)) {
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
	/*
	 * UNCHANGEDSINCE is about the messages as they are, not as this
	 * session last saw them: what others changed is read (and told)
	 * first. EXPUNGE may not be told during STORE (RFC 3501 7.4.1): if
	 * a message went away, the view stays as it was.
	 */
	if (since != UINT64_MAX)
		imap_view_sync(s, false);
	ret = imap_view_select(s, imap_arg_atom(args), uid, &idx, &n);
	if (ret) {
		imap_bad(s, "Invalid messageset.");
		return;
	}
	ret = letters(s, &fl, &c);
	conflict = ret ? NULL : malloc((n ? n : 1) * sizeof(*conflict));
	if (!conflict) {
		free(idx);
		imap_done(s, "NO", ret == -ENOSPC ?
			  "[LIMIT] This mailbox has 26 keywords already." :
			  "[SERVERBUG] Can't save the keywords.");
		return;
	}
	ok = store_all(s, &c, idx, n, since, conflict, &n_conflict, uid);
	free(idx);
	if (!ok)
		imap_done(s, "NO", "[EXPUNGEISSUED] Some flags were not "
			  "stored.");
	else if (n_conflict)
		modified(s, conflict, n_conflict, uid);
	else
		imap_done(s, "OK", "Store completed.");
	free(conflict);
}
