/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Maildir read as a mailbox: its messages with stable UIDs, their flags
 * and sizes, in the layout Dovecot uses, so that a user can switch between
 * nfpostd and Dovecot on the same files:
 *
 *  - flags are the letters after ":2," of a name in cur/ (D F P R S T, and
 *    a-z kept as they are); a message in new/ has none;
 *  - ",S=<size>" in the name is the file's size (else it is stat()ed);
 *  - UIDs are in "dovecot-uidlist", version 3: a header
 *    "3 V<uidvalidity> N<uidnext>" then one "<uid> [fields] :<base>" line
 *    per message, <base> being the name without ":2,...". New UIDs are
 *    appended (a torn last line is ignored on reading); the file is
 *    rewritten whole when many of its lines are stale. Either way under
 *    Dovecot's lock, "dovecot-uidlist.lock" made with O_EXCL: a rewrite is
 *    written into the lock file, fsync()ed and renamed over the list, then
 *    the directory is fsync()ed, so a crash leaves the old list or the new.
 *
 * No index file of its own: a view in memory is the index. A session's
 * view is brought up to date by mailbox_rescan(), which reads only what
 * changed (new/ alone after a delivery, the list's appended lines only),
 * and the directories' mtimes say when nothing did (mailbox_unchanged).
 * Where what changed is known without reading cur/, the view is updated
 * in place instead, in time proportional to the change
 * (mailbox_update_new(), modseq_update() in modseq.h).
 *
 * POP3's UIDL is Dovecot's default "%08Xu%08Xv": UID then UIDVALIDITY in
 * hex (lower-case: Dovecot's %X is), the same in both servers for the same
 * Maildir. A size is ",W=" from the name (with CRLFs, as Dovecot writes it
 * for a file stored with bare LFs), else ",S=", else the file's.
 */
#ifndef NFPOST_MAILBOX_H
#define NFPOST_MAILBOX_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The system flags (RFC 3501 2.3.2) and their Maildir letters. */
#define MAILBOX_DRAFT		0x01	/* D */
#define MAILBOX_FLAGGED		0x02	/* F */
#define MAILBOX_ANSWERED	0x04	/* R */
#define MAILBOX_SEEN		0x08	/* S */
#define MAILBOX_DELETED		0x10	/* T */

/* A file name's longest flag part, ":2," and every letter. */
#define MAILBOX_FLAGS_MAX	(3 + 32)

struct mailbox_msg {
	uint32_t uid;
	unsigned int flags;	/* MAILBOX_* */
	char other[27];		/* P and keyword letters a-z, kept on rename */
	bool in_new;		/* new/<base>, else cur/<base>[:2,flags] */
	bool recent;		/* IMAP's \Recent: the session's, not read */
	uint64_t size;		/* of the file, in bytes */
	char *name;		/* relative to the Maildir: "new/..." */
	size_t base_len;	/* of the unique part, after "new/" or "cur/" */
	uint64_t modseq;	/* CONDSTORE's, set by modseq_load() */
};

struct mailbox {
	char path[PATH_MAX];
	uint32_t uidvalidity;
	uint32_t uidnext;
	struct mailbox_msg *v;	/* by UID */
	size_t n;
	/* new/'s and cur/'s mtimes just before the scan (mailbox_unchanged). */
	struct timespec stamp[2];
	bool settled;		/* both old enough at the scan */
	bool cur_settled;	/* cur/'s, whatever new/'s (mailbox_rescan) */
	bool new_settled;	/* new/'s, whatever cur/'s (modseq_update) */
	bool cur_from_log;	/* cur/ not read: mailbox_rescan_cur() */
	/* The UID list as known (mailbox_rescan() reads on from there). */
	uint64_t list_ino;
	uint64_t list_size;
	uint64_t highestmodseq;	/* set by modseq_load() (modseq.h) */
	/* The Maildir itself, while a command holds it (mailbox_dir_hold). */
	int dir_fd;
	bool dir_held;
};

/*
 * Reads the Maildir at @path: its messages, UIDs given to the new ones
 * (and saved before this returns). -ENOENT if @path is no Maildir, -EAGAIN
 * if another process has held the UID list's lock for long.
 */
int mailbox_open(const char *path, struct mailbox *mb);
/*
 * The same, read-only: no lock taken, nothing written. Messages the list
 * does not know yet get the UIDs they would get (not kept); UIDVALIDITY
 * is 0 if there is no list yet.
 */
int mailbox_peek(const char *path, struct mailbox *mb);
void mailbox_close(struct mailbox *mb);

/*
 * mailbox_open() again, after @old (a view of the same Maildir, read by
 * mailbox_open() or this) has changed, reading what changed only: the
 * UIDs of the messages @old has are @old's (a UID, once a base's, is
 * never another's while UIDVALIDITY stays); if cur/ kept its mtime (and
 * @old was settled), its messages are @old's without a readdir, so that a
 * delivery reads new/ alone; only for messages @old lacks is the lock
 * taken, their UIDs read from the lines added to the list since @old
 * read it, or given and saved. A list made anew (another file, or
 * another UIDVALIDITY), and it is mailbox_open() itself.
 */
int mailbox_rescan(const struct mailbox *old, struct mailbox *mb);
/*
 * The same, but if cur/'s mtime is @cur and new/'s is @old's (@old
 * settled, and read from cur/ itself), cur/ is not read: its messages are
 * @old's, as they were, for the caller to rename (modseq_renamed(): the
 * other sessions' STOREs, the only changes @cur accounts for). Then
 * @mb->cur_from_log is set and @mb is not settled, so that the next
 * rescan reads cur/ whole: a change another program made in the same
 * clock tick as a STORE's rename, which mtimes cannot tell, is seen then.
 */
int mailbox_rescan_cur(const struct mailbox *old, struct mailbox *mb,
		       const struct timespec *cur);
/* cur/'s mtime. */
int mailbox_cur_mtime(const struct mailbox *mb, struct timespec *ts);
/* new/'s and cur/'s mtimes. */
int mailbox_mtimes(const struct mailbox *mb, struct timespec ts[2]);

/* The most messages new/ may hold for mailbox_update_new(). */
#define MAILBOX_UPDATE_MAX	1024
/*
 * In place, what mailbox_rescan() reads of new/ when cur/ is as @mb has
 * it (the caller knows it: unchanged since the scan, or renamed from the
 * log): new/ read again (no more than MAILBOX_UPDATE_MAX names), the
 * messages @mb lacks numbered as mailbox_rescan() numbers them and
 * appended (*@added_r of them), new/'s mtime and settledness taken.
 * -ESTALE, @mb left as it was, when only a rescan can say: a message @mb
 * has in new/ is gone from it (expunged, or claimed by another session),
 * a new one's UID is below @mb's last, the UID list was made anew.
 */
int mailbox_update_new(struct mailbox *mb, size_t *added_r);

/*
 * Whether the Maildir is as @mb was read: new/ and cur/ still have the
 * mtimes they had just before the scan. Any delivery, rename (flags) or
 * removal changes its directory's mtime, so a true answer means that a
 * rescan would find the same names. The mtime is only trusted when it
 * was old enough at the scan: a change in the same clock tick as the one
 * before it leaves the mtime as it was, so a directory changed that
 * recently is always rescanned. Old enough is a second (as Dovecot
 * waits) on a file system with whole-second mtimes, 50 ms (five of the
 * kernel's coarsest ticks) on one with nanoseconds.
 */
bool mailbox_unchanged(const struct mailbox *mb);

struct maildir_msg;
/*
 * maildir_commit() of @m, a message written into this Maildir's tmp/,
 * with its UID given first: under the list's lock, a line for its final
 * name is appended to the list and fsync()ed, then the message is renamed
 * into new/. No scan: the next UID comes from the list's header and its
 * last line. A crash in between leaves a line for no file (never a file
 * whose UID another would get). The UID in *@uid_r, 0 when the list
 * could not give one (missing, or not version 3: the next mailbox_open()
 * numbers the message then); UIDVALIDITY in *@validity_r.
 */
int mailbox_commit_uid(struct maildir_msg *m, char *name_r, size_t len,
		       uint32_t *uid_r, uint32_t *validity_r);

/*
 * Adds to @mb the message this process just stored as @name ("new/..." or
 * "cur/...", as mailbox_commit_uid() and a flag rename left it) with UID
 * @uid, without a rescan: -ESTALE unless @uid is @mb's UIDNEXT, i.e. no
 * other message got a UID since @mb was read (else a message @mb lacks
 * could sort before it). @mb's mtimes are left as they were, so that the
 * next mailbox_unchanged() is false and a rescan sees what else changed.
 */
int mailbox_add(struct mailbox *mb, const char *name, uint32_t uid);

/* The index of the message with @uid, or -1. */
long mailbox_find(const struct mailbox *mb, uint32_t uid);

/*
 * Gives message @i the system flags @flags: renames it to cur/ with the
 * letters (not synced: a flag may be lost in a crash, never a message).
 */
int mailbox_set_flags(struct mailbox *mb, size_t i, unsigned int flags);
/*
 * The same with the other letters too (@other: P and keywords a-z, as in
 * struct mailbox_msg; others are dropped).
 */
int mailbox_set_letters(struct mailbox *mb, size_t i, unsigned int flags,
			const char *other);
/*
 * Removes message @i's file; mailbox_sync_dirs() makes it durable.
 * -ENOENT: not under its name, gone or renamed (its flags) by another.
 */
int mailbox_remove(struct mailbox *mb, size_t i);
/* fsync()s new/ and cur/: renames and removals so far are durable. */
int mailbox_sync_dirs(const struct mailbox *mb);

/*
 * Opens message @i read-only (O_CLOEXEC); -errno on failure. A message
 * read in new/ that an IMAP session has since moved to cur/ (without
 * flags) is found there.
 */
int mailbox_msg_open(const struct mailbox *mb, size_t i);
/*
 * Message @i, not under its name (-ENOENT from the calls here): renamed
 * since, to change its flags, by another session or program. It is
 * looked for by its base in cur/, then new/, and its name, flags and
 * letters taken from the file found (UID, size, MODSEQ and \Recent
 * kept). -ENOENT: it is gone. It reads the whole directory: for the
 * rare miss, not for every open. An IMAP view is synced instead, so
 * that its client is told the flags (imap_view_refind()).
 */
int mailbox_refind(struct mailbox *mb, size_t i);
/*
 * While held, the messages' files are opened relative to a descriptor of
 * the Maildir (openat()), not by their whole path: a command that reads
 * thousands of them spares the kernel as many walks down that path.
 * Held for one command, released before it ends (and by
 * mailbox_close()), so that a view kept or idle holds no descriptor.
 */
int mailbox_dir_hold(struct mailbox *mb);
void mailbox_dir_release(struct mailbox *mb);
/*
 * Message @i whole, NUL-terminated (malloc()ed, in *@buf_r), with CRLF
 * line ends as IMAP sends it: a file stored with bare LFs (Dovecot's
 * deliveries and APPENDs, mail_save_crlf = no) gets its CRs. The file's
 * mtime (the INTERNALDATE) in *@mtime_r if not NULL.
 */
int mailbox_msg_read(const struct mailbox *mb, size_t i, char **buf_r,
		     size_t *len_r, time_t *mtime_r);

/*
 * The same, but only the header: up to and with the blank line after it
 * (that line alone if the message starts with it), or all of a message
 * that has none. For header-only fetches: the body is not read.
 */
int mailbox_msg_read_header(const struct mailbox *mb, size_t i, char **buf_r,
			    size_t *len_r, time_t *mtime_r);

/* ":2,<letters>" for @flags and @other, letters in ASCII order. */
void mailbox_flag_suffix(unsigned int flags, const char *other, char *buf,
			 size_t len);
/* Parses the letters after ":2," into system flags and the rest. */
unsigned int mailbox_flags_parse(const char *letters, char *other,
				 size_t len);

/* POP3's UIDL of message @i: 16 hex digits and a NUL. */
void mailbox_uidl(const struct mailbox *mb, size_t i, char buf[17]);

#endif /* NFPOST_MAILBOX_H */
