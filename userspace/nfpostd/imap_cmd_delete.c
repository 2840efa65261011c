// SPDX-License-Identifier: GPL-2.0
/*
 * DELETE (RFC 3501 6.3.4): a folder and its messages; not INBOX, and not
 * a folder with children (they would lose their parent: \Noselect).
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imap_folders.h"
#include "imap_priv.h"

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -errno : 0;
}

void imap_cmd_delete(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const char *name = imap_arg_str(args);
	struct imap_names folders;
	char path[PATH_MAX];
	bool children;

	(void)uid;
	if (!name || args->next) {
		imap_bad(s, "DELETE needs a mailbox name.");
		return;
	}
	if (!strcasecmp(name, "INBOX")) {
		imap_done(s, "NO", "[CANNOT] INBOX can't be deleted.");
		return;
	}
	if (imap_folder_path(s, name, path, sizeof(path)) ||
	    access(path, F_OK)) {
		imap_done(s, "NO", "[NONEXISTENT] Mailbox doesn't exist: %s",
			  name);
		return;
	}
	if (imap_folders_read(s->root, &folders)) {
		imap_done(s, "NO", "[SERVERBUG] Can't read the folders.");
		return;
	}
	children = imap_has_children(&folders, name);
	imap_names_free(&folders);
	if (children) {
		imap_done(s, "NO", "[INUSE] Mailbox has children, delete "
			  "them first.");
		return;
	}
	if (s->state == IMAP_S_SELECTED && !strcmp(s->mbox_name, name))
		imap_view_close(s);
	imap_view_forget(s->root);	/* kept views of its folders too */
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		imap_done(s, "NO", "[SERVERBUG] Can't delete: %s",
			  strerror(errno));
	else
		imap_done(s, "OK", "Delete completed.");
}
