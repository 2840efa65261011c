// SPDX-License-Identifier: GPL-2.0
/*
 * Flags in IMAP's words (RFC 3501 2.3.2): the system flags and a
 * mailbox's keywords, parsed from a command's flag list, mapped to the
 * letters of a Maildir name (keywords.h) and written back as a list.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imap_priv.h"

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
	{ "\\Answered", MAILBOX_ANSWERED }, { "\\Flagged", MAILBOX_FLAGGED },
	{ "\\Deleted", MAILBOX_DELETED }, { "\\Seen", MAILBOX_SEEN },
	{ "\\Draft", MAILBOX_DRAFT },
};

static int one_flag(const char *f, struct imap_flag_list *fl)
{
	size_t i;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!strcasecmp(f, flag_names[i].name)) {
			fl->flags |= flag_names[i].flag;
			return 0;
		}
	}
	/* \Recent and unknown \-flags may not be stored (RFC 3501 6.4.6). */
	if (!keyword_name_ok(f))
		return -EINVAL;
	for (i = 0; i < fl->n_kw; i++)
		if (!strcasecmp(fl->kw[i], f))
			return 0;
	if (fl->n_kw == KEYWORDS_MAX)
		return -E2BIG;
	fl->kw[fl->n_kw++] = f;
	return 0;
}

int imap_flag_list_parse(const struct imap_arg *a, struct imap_flag_list *fl)
{
	const char *f;
	int ret;

	memset(fl, 0, sizeof(*fl));
	if (a && a->type == IMAP_ARG_ATOM)
		return one_flag(a->str, fl);
	if (!a || a->type != IMAP_ARG_LIST)
		return -EINVAL;
	for (a = a->child; a; a = a->next) {
		f = imap_arg_atom(a);
		ret = f ? one_flag(f, fl) : -EINVAL;
		if (ret)
			return ret;
	}
	return 0;
}

int imap_flag_list_letters(const char *dir, struct keywords *kw,
			   const struct imap_flag_list *fl, bool add,
			   char *letters, bool *grew)
{
	size_t i, n = 0, before = keywords_count(kw);
	int c;

	for (i = 0; i < fl->n_kw; i++) {
		c = keywords_letter(kw, fl->kw[i]);
		if (!c && add) {
			c = keywords_add(dir, kw, fl->kw[i]);
			if (c < 0)
				return c;
		}
		if (c)
			letters[n++] = (char)c;
	}
	letters[n] = '\0';
	if (grew)
		*grew = keywords_count(kw) != before;
	return 0;
}

void imap_msg_flags_str(const struct keywords *kw, unsigned int flags,
			const char *other, bool recent, char *buf, size_t len)
{
	const char *name;
	size_t i, n;

	n = (size_t)snprintf(buf, len, "(%s", recent ? "\\Recent" : "");
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if ((flags & flag_names[i].flag) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n > 1 ? " " : "",
					      flag_names[i].name);
	for (; other && *other && n < len; other++) {
		name = kw ? keywords_name(kw, *other) : NULL;
		if (name)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n > 1 ? " " : "", name);
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
}

/*
 * SELECT's FLAGS and PERMANENTFLAGS, sent again whenever a keyword is
 * defined (RFC 3501 7.2.6): any new one may be made, so "\*".
 */
void imap_send_flag_lists(struct imap_session *s)
{
	char names[IMAP_FLAGS_STR_MAX];
	size_t i, n = 0;

	names[0] = '\0';
	for (i = 0; i < KEYWORDS_MAX; i++)
		if (s->kw.name[i][0])
			n += (size_t)snprintf(names + n, sizeof(names) - n,
					      " %s", s->kw.name[i]);
	imap_send(s, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen "
		  "\\Draft%s)", names);
	if (s->readonly)
		imap_send(s, "* OK [PERMANENTFLAGS ()] Read-only mailbox.");
	else
		imap_send(s, "* OK [PERMANENTFLAGS (\\Answered \\Flagged "
			  "\\Deleted \\Seen \\Draft%s \\*)] Flags permitted.",
			  names);
}
