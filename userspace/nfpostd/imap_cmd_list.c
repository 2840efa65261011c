// SPDX-License-Identifier: GPL-2.0
/*
 * LIST and LSUB (RFC 3501 6.3.8, 6.3.9) with CHILDREN (RFC 3348) and
 * SPECIAL-USE (RFC 6154) attributes; the reference name is prefixed to
 * the pattern.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imap_folders.h"
#include "imap_priv.h"

static void list(struct imap_session *s, const struct imap_arg *args,
		 bool lsub)
{
	const char *ref = imap_arg_str(args);
	const char *pat = args ? imap_arg_str(args->next) : NULL;
	struct imap_names folders, subs = { 0 };
	char full[512], attrs[128];
	const char *name;
	size_t i;

	if (!ref || !pat || args->next->next) {
		imap_bad(s, "LIST needs a reference and a pattern.");
		return;
	}
	if (!*pat && !lsub) {
		imap_send(s, "* LIST (\\Noselect) \".\" \"\"");
		imap_done(s, "OK", "List completed.");
		return;
	}
	snprintf(full, sizeof(full), "%s%s", ref, pat);
	if (imap_folders_read(s->root, &folders) ||
	    (lsub && imap_subs_read(s->root, &subs))) {
		imap_names_free(&folders);
		imap_done(s, "NO", "[SERVERBUG] Can't list the folders.");
		return;
	}
	for (i = 0; i < folders.n; i++) {
		name = folders.v[i];
		if (!imap_pattern_match(full, name) &&
		    !(i == 0 && !strcasecmp(full, "INBOX")))
			continue;
		if (lsub && i && !imap_names_has(&subs, name))
			continue;
		/* A directory made by hand with a name IMAP cannot carry. */
		if (i && !imap_folder_name_ok(name))
			continue;
		snprintf(attrs, sizeof(attrs), "%s%s%s",
			 imap_has_children(&folders, name) ? "\\HasChildren" :
			 "\\HasNoChildren", *imap_special_use(name) ? " " : "",
			 imap_special_use(name));
		imap_send(s, "* %s (%s) \".\" \"%s\"", lsub ? "LSUB" : "LIST",
			  attrs, name);
	}
	imap_names_free(&folders);
	imap_names_free(&subs);
	imap_done(s, "OK", "%s completed.", lsub ? "Lsub" : "List");
}

void imap_cmd_list(struct imap_session *s, const struct imap_arg *args,
		   bool uid)
{
	(void)uid;
	list(s, args, false);
}

void imap_cmd_lsub(struct imap_session *s, const struct imap_arg *args,
		   bool uid)
{
	(void)uid;
	list(s, args, true);
}
