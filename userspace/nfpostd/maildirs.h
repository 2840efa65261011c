/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Maildirs nfpostd delivers into, kept open between messages, and the
 * group commit of their new/: one fsync() of new/ makes every rename done
 * before it durable, so concurrent deliveries share it.
 */
#ifndef NFPOSTD_MAILDIRS_H
#define NFPOSTD_MAILDIRS_H

#include <stddef.h>

#include "maildir.h"

struct maildirs;
struct maildirs_dir;

/*
 * A table of at most @max open Maildirs, shared by the store threads. With
 * @max the number of threads, a Maildir in use always finds a slot, and
 * they hold no more descriptors than one message each did (file, Maildir,
 * new/) when every message opened its own.
 */
struct maildirs *maildirs_new(int max);
void maildirs_free(struct maildirs *t);

/*
 * Starts a message in the Maildir at @path (opened and kept if not yet).
 * -ENOENT if it does not exist (or was removed since it was opened: it is
 * then forgotten, so the next call opens it again). On success *@d_r is
 * to be given to maildirs_commit() or maildirs_abort().
 */
int maildirs_open(struct maildirs *t, const char *path,
		  struct maildir_msg *m, struct maildirs_dir **d_r);
/*
 * As maildir_commit(): renamed into new/ and new/ fsync'ed, by this call
 * or by a concurrent one that started after the rename. Only after 0 is
 * the message durable; on failure nothing of it is left.
 */
int maildirs_commit(struct maildirs *t, struct maildirs_dir *d,
		    struct maildir_msg *m, char *name_r, size_t len);
void maildirs_abort(struct maildirs *t, struct maildirs_dir *d,
		    struct maildir_msg *m);

#endif /* NFPOSTD_MAILDIRS_H */
