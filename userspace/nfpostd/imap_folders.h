/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user's folders and subscriptions, for LIST, LSUB, STATUS, CREATE,
 * DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE.
 */
#ifndef NFPOSTD_IMAP_FOLDERS_H
#define NFPOSTD_IMAP_FOLDERS_H

#include <stdbool.h>
#include <stddef.h>

struct imap_names {
	char **v;
	size_t n, cap;
};

/* INBOX first, then the folders of Maildir @root by name. */
int imap_folders_read(const char *root, struct imap_names *l);
int imap_subs_read(const char *root, struct imap_names *l);
int imap_subs_write(const char *root, const struct imap_names *l);
void imap_names_free(struct imap_names *l);
bool imap_names_has(const struct imap_names *l, const char *name);
int imap_names_add(struct imap_names *l, const char *name);
void imap_names_del(struct imap_names *l, const char *name);
/* Whether @name has a child "<name>.x" in @l. */
bool imap_has_children(const struct imap_names *l, const char *name);
/* LIST's '*' and '%' (which stops at '.'). */
bool imap_pattern_match(const char *pat, const char *name);

#endif /* NFPOSTD_IMAP_FOLDERS_H */
