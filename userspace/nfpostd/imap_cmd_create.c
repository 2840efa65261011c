// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE (RFC 3501 6.3.3): a Maildir++ folder; a trailing separator is
 * dropped, and parents of a hierarchical name are made too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "imap_priv.h"

void imap_cmd_create(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const char *arg = imap_arg_str(args);
	char name[256], path[PATH_MAX];
	struct stat st;
	size_t len, i;
	int ret = 0;

	(void)uid;
	if (!arg || args->next) {
		imap_bad(s, "CREATE needs a mailbox name.");
		return;
	}
	len = strlen(arg);
	if (len && arg[len - 1] == '.')
		len--;
	if (len >= sizeof(name) || !strncasecmp(arg, "INBOX", len + 1)) {
		imap_done(s, "NO", "[ALREADYEXISTS] Mailbox already exists.");
		return;
	}
	memcpy(name, arg, len);
	name[len] = '\0';
	if (imap_folder_path(s, name, path, sizeof(path))) {
		imap_done(s, "NO", "[CANNOT] Invalid mailbox name.");
		return;
	}
	if (!stat(path, &st)) {
		imap_done(s, "NO", "[ALREADYEXISTS] Mailbox already exists.");
		return;
	}
	/* Each parent ("a" and "a.b" of "a.b.c") first, as Dovecot does. */
	for (i = 0; i <= len && !ret; i++) {
		if (name[i] != '.' && name[i])
			continue;
		name[i] = '\0';
		imap_folder_path(s, name, path, sizeof(path));
		if (stat(path, &st))
			ret = imap_folder_make(path);
		if (i < len)
			name[i] = '.';
	}
	if (ret)
		imap_done(s, "NO", "[SERVERBUG] Can't create: %s",
			  strerror(-ret));
	else
		imap_done(s, "OK", "Create completed.");
}
