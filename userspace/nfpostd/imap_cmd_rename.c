// SPDX-License-Identifier: GPL-2.0
/*
 * RENAME (RFC 3501 6.3.5): a folder and its children, each one rename of
 * its directory (UIDs and UIDVALIDITY go with it). Renaming INBOX, which
 * moves its messages, is not supported.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imap_folders.h"
#include "imap_priv.h"

static int rename_one(struct imap_session *s, const char *from,
		      const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (imap_folder_path(s, from, a, sizeof(a)) ||
	    imap_folder_path(s, to, b, sizeof(b)))
		return -EINVAL;
	return rename(a, b) ? -errno : 0;
}

void imap_cmd_rename(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const char *from = imap_arg_str(args);
	const char *to = args ? imap_arg_str(args->next) : NULL;
	char a[PATH_MAX], b[PATH_MAX], child[512];
	struct imap_names folders;
	size_t i, len;
	int ret = 0;

	(void)uid;
	if (!from || !to || args->next->next) {
		imap_bad(s, "RENAME needs two mailbox names.");
		return;
	}
	if (!strcasecmp(from, "INBOX") || !strcasecmp(to, "INBOX")) {
		imap_done(s, "NO", "[CANNOT] Renaming INBOX isn't supported.");
		return;
	}
	if (imap_folder_path(s, from, a, sizeof(a)) || access(a, F_OK)) {
		imap_done(s, "NO", "[NONEXISTENT] Mailbox doesn't exist: %s",
			  from);
		return;
	}
	if (imap_folder_path(s, to, b, sizeof(b)) || !access(b, F_OK)) {
		imap_done(s, "NO", "[ALREADYEXISTS] Target mailbox exists or "
			  "is invalid.");
		return;
	}
	if (imap_folders_read(s->root, &folders)) {
		imap_done(s, "NO", "[SERVERBUG] Can't read the folders.");
		return;
	}
	if (s->state == IMAP_S_SELECTED && !strcmp(s->mbox_name, from))
		imap_view_close(s);
	imap_view_forget(s->root);	/* kept views of its folders too */
	ret = rename_one(s, from, to);
	len = strlen(from);
	for (i = 0; i < folders.n && !ret; i++) {
		if (strncmp(folders.v[i], from, len) ||
		    folders.v[i][len] != '.')
			continue;
		snprintf(child, sizeof(child), "%s%s", to, folders.v[i] + len);
		ret = rename_one(s, folders.v[i], child);
	}
	imap_names_free(&folders);
	if (ret)
		imap_done(s, "NO", "[SERVERBUG] Can't rename: %s",
			  strerror(-ret));
	else
		imap_done(s, "OK", "Rename completed.");
}
