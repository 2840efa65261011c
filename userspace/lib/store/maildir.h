/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maildir delivery (the maildir(5) convention of qmail, as Dovecot and mutt
 * read it): a message is written in tmp/, made durable, then renamed into
 * new/ under a unique name carrying ",S=<size>"; nothing half-written is
 * ever in new/.
 */
#ifndef NFPOST_MAILDIR_H
#define NFPOST_MAILDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/types.h>
#include <sys/uio.h>

#define MAILDIR_NAME_MAX	255

struct maildir_msg {
	int fd;				/* of tmp/<name>, -1: closed */
	int dirfd;			/* of the Maildir itself */
	bool own_dirfd;			/* closed with the message */
	char name[MAILDIR_NAME_MAX + 1];	/* in tmp/, without ",S=" */
	size_t size;			/* bytes written so far */
};

/* Creates @path and its cur/ new/ tmp/ (mode 0700) if missing. */
int maildir_create(const char *path);

/*
 * Starts a message in @path/tmp/ under a new unique name. On failure @m is
 * closed (maildir_abort() on it is harmless).
 */
int maildir_open(const char *path, struct maildir_msg *m);
/*
 * The same in a Maildir the caller keeps open (@dirfd, from
 * open(O_DIRECTORY)): no path lookup per message, and @dirfd stays the
 * caller's to close.
 */
int maildir_open_at(int dirfd, struct maildir_msg *m);
/* Appends; a short write is retried, an error returned as -errno. */
int maildir_write(struct maildir_msg *m, const void *buf, size_t len);
/* The same for @n pieces at once (@iov is consumed). */
int maildir_writev(struct maildir_msg *m, struct iovec *iov, int n);
/*
 * fsync()s the file, renames it to new/<name>,S=<size> and fsync()s new/.
 * Only after 0 is the message durable (the caller answers 250 then). The
 * final file name (relative to the Maildir, "new/..."; MAILDIR_NAME_MAX + 5
 * bytes hold it) in @name_r if not NULL. Success or not, the message is
 * closed: on failure nothing of it is left in tmp/ or new/, and
 * maildir_abort() after either is harmless.
 */
int maildir_commit(struct maildir_msg *m, char *name_r, size_t len);
/*
 * maildir_commit() but for the last fsync(): the message is in new/, not
 * yet durable. The caller fsync()s new/ before it tells anyone, and if
 * that fails unlinks the message (@name_r); this way one fsync() of new/
 * can cover the renames of several messages (group commit).
 */
int maildir_commit_unsynced(struct maildir_msg *m, char *name_r, size_t len);
/* Removes the tmp/ file of a message that will not be delivered. */
void maildir_abort(struct maildir_msg *m);

/*
 * Removes from @path/tmp/ what no one will ever finish: files older than
 * @max_age seconds (maildir(5) says 36 hours), and, if @dead_own, files
 * this host's nfpostd named (make_name()) under a pid no longer running
 * (a daemon killed mid-message). Returns how many it removed, or -errno.
 */
int maildir_clean_tmp(const char *path, time_t max_age, bool dead_own);

#endif /* NFPOST_MAILDIR_H */
