/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CONDSTORE's mod-sequences (RFC 7162) of a Maildir's messages, kept in
 * "nfpost-modseq" beside the UID list: a header
 * "nfpost-modseq 1 V<uidvalidity> H<highest>" then one line per change,
 * "<uid> <modseq> :<letters>" (the flag letters the message then had,
 * as after ":2,") or "<uid> <modseq> !" (expunged). Later lines win.
 *
 * A message whose letters are not the ones its last line names (a
 * delivery, an APPEND, a change by Dovecot, a rename a crash left
 * unlogged) gets a new MODSEQ when the mailbox is next read, so a change
 * is never missed, and nothing but STORE and EXPUNGE has to write here.
 * Lines are appended under flock() and fdatasync()ed before the command
 * that made them is answered; a torn last line is ignored (and cut off
 * before the next append). When the log holds far more lines than the
 * mailbox has messages it is rewritten whole: written to a temporary
 * file, fsync()ed, renamed over the log, the directory fsync()ed. The
 * highest MODSEQ ever given is kept in the header, so it never goes down.
 * A STORE's (and an EXPUNGE's) lines end with a "C" line (struct
 * modseq_log), so that other sessions can take its renames (removals)
 * from here instead of reading cur/.
 *
 * A session keeps the log as it last read it (struct modseq_log): the
 * file's identity and the offset of its last whole line. Since nothing
 * but an append (at that offset, a torn line cut first) or a rename over
 * it changes the log, the next read takes only the bytes appended since,
 * unless the file is another one (compacted) or shorter than the offset
 * (cut by hand): then it is read whole again. A torn last line is not
 * passed: it is read again, whole, once a writer completed or cut it.
 */
#ifndef NFPOST_MODSEQ_H
#define NFPOST_MODSEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mailbox.h"

#define MODSEQ_LOG		"nfpost-modseq"
/* The letters of a line: at most the 32 a Maildir name may carry. */
#define MODSEQ_LETTERS_MAX	32
/* The UIDs of flag changes a log keeps for the view (see below). */
#define MODSEQ_TOUCHED_MAX	256

struct modseq_rec {
	uint32_t uid;
	uint32_t line;		/* while parsing: its place in the text */
	uint64_t modseq;
	char letters[MODSEQ_LETTERS_MAX + 1];
	bool gone;				/* "!": expunged */
};

/* A log as read: each UID's last line, by UID. */
struct modseq_log {
	uint32_t uidvalidity;		/* 0: no header */
	uint64_t highest;		/* of the header and every line */
	struct modseq_rec *v;
	size_t n, cap;
	size_t lines;		/* whole lines read, header apart */
	size_t good;		/* bytes up to the last whole line */
	uint64_t dev, ino;	/* the file read (modseq_log_read), 0 none */
	/*
	 * cur/ as the view and the log account for it: STORE (EXPUNGE)
	 * ends its lines with "C <lines> <sec> <nsec> <sec> <nsec>": how
	 * many lines before it are its, and cur/'s mtime before its renames
	 * (removals) and after them. From the mtime @from a readdir of cur/
	 * saw (modseq_log_sync_point()), each such line that starts where
	 * the last ended takes @chain on to its end, and its UIDs go to
	 * @touched; a line that neither follows nor ended by @from breaks
	 * the chain. While @chain is cur/'s mtime, cur/ is what the view
	 * had with the renames of @touched (modseq_renamed()).
	 */
	bool chain_ok;
	bool touched_over;		/* more than MODSEQ_TOUCHED_MAX */
	struct timespec from, chain;
	uint32_t pending[MODSEQ_TOUCHED_MAX];	/* the last lines' UIDs */
	uint32_t touched[MODSEQ_TOUCHED_MAX];
	size_t n_pending, n_touched;
	/*
	 * The UIDs of the lines read since a view last took its MODSEQs
	 * from the log (modseq_load(), modseq_update()): only theirs can
	 * have changed. @fresh_over: more, or the log read whole again.
	 */
	uint32_t fresh[MODSEQ_TOUCHED_MAX];
	size_t n_fresh;
	bool fresh_over;
};

/*
 * Parses a log's text (I/O-free). A malformed line is skipped, a last
 * line without its newline is left out of @log->good. -ENOMEM only.
 */
int modseq_log_parse(const char *text, size_t len, struct modseq_log *log);
/*
 * Parses on: @text is what follows the first @log->good bytes of the log
 * @log was parsed from; @log becomes what a parse of the whole would
 * give. -ENOMEM only: @log is then as it was, or empty but for its
 * highest MODSEQ (to be read whole).
 */
int modseq_log_parse_more(const char *text, size_t len,
			  struct modseq_log *log);
/*
 * Brings @log up to date with the open log @fd: only what was appended
 * since it was read, unless @fd is another file or a shorter one (then
 * all of it). The highest MODSEQ stays at least what @log had.
 */
int modseq_log_read(int fd, struct modseq_log *log);
/* modseq_log_read() of the log of the Maildir @dir (none: empty). */
int modseq_log_update(const char *dir, struct modseq_log *log);
void modseq_log_free(struct modseq_log *log);
/* A readdir of cur/ with mtime @cur made the view: the chain starts. */
void modseq_log_sync_point(struct modseq_log *log, const struct timespec *cur);
/* The last line of @uid, or NULL. */
const struct modseq_rec *modseq_log_find(const struct modseq_log *log,
					 uint32_t uid);

/*
 * Gives @mb's messages (struct mailbox_msg.modseq) and @mb (its
 * highestmodseq) their MODSEQs from the log, @log brought up to date
 * first (zeroed before the first load of a mailbox, then kept with the
 * view; modseq_log_free() when done). Messages it does not know as they
 * now are get a new one, logged durably before this returns if @write,
 * else only shown (what they would get: nothing is written).
 */
int modseq_load(struct mailbox *mb, struct modseq_log *log, bool write);
/*
 * After a STORE renamed messages @idx[0..@n) of @mb: one new MODSEQ for
 * all of them, logged and fdatasync()ed; their modseq and
 * @mb->highestmodseq are set, @log read on and its lines added to it.
 */
int modseq_changed(struct mailbox *mb, struct modseq_log *log,
		   const size_t *idx, size_t n);
/*
 * The same with cur/'s mtimes @cur[0] before the renames and @cur[1]
 * after them (and mailbox_sync_dirs()), logged for the other sessions.
 */
int modseq_stored(struct mailbox *mb, struct modseq_log *log,
		  const size_t *idx, size_t n, const struct timespec cur[2]);
/*
 * @mb, a rescan that took cur/ as its view had it (mailbox_rescan_cur()),
 * given the names and flags @log's touched UIDs have now; @log's touched
 * emptied. -ESTALE if one is not in @mb's cur/ (then a readdir is due).
 */
int modseq_renamed(struct mailbox *mb, struct modseq_log *log);
/*
 * mailbox_rescan() of @old, a view whose log is @log: if cur/ changed
 * only by STOREs since @old read it (@log's chain reaches cur/'s mtime),
 * mailbox_rescan_cur() and modseq_renamed(), without a readdir of cur/;
 * else a mailbox_rescan(), where the chain starts anew. Then
 * modseq_load() of @fresh.
 */
int modseq_rescan(const struct mailbox *old, struct mailbox *fresh,
		  struct modseq_log *log);
/* What modseq_update() changed in place, for the session to tell. */
#define MODSEQ_CHANGES_MAX	(2 * MODSEQ_TOUCHED_MAX)
struct modseq_change {
	uint32_t uid;
	bool flags;		/* its flags changed */
	bool modseq;		/* its MODSEQ changed */
};

struct modseq_delta {
	struct modseq_change v[MODSEQ_CHANGES_MAX];	/* in no order */
	size_t n;
	uint32_t gone[MODSEQ_TOUCHED_MAX];	/* expunged, removed from it */
	size_t n_gone;
	size_t gone_recent;	/* of them, \Recent in the view */
	size_t added;		/* appended to the view, after the rest */
	bool cur_unknown;	/* (MODSEQ_NEW_ANYWAY) a rescan must follow */
	bool cur_same;		/* cur/ found as the view has it, not renamed */
	int log_err;		/* new MODSEQs not logged (the view is whole) */
};

/* modseq_update()'s @how. */
#define MODSEQ_NEW_ANYWAY	0x1
#define MODSEQ_CUR_KNOWN	0x2
#define MODSEQ_NO_GONE		0x4	/* an expunge: -ESTALE (RFC 3501 7.4.1) */

/*
 * modseq_rescan() and modseq_load() in place, in time proportional to
 * what changed, when that can be known without reading cur/: cur/ as
 * the view has it (its mtime the same, and settled) or changed by the
 * STOREs and EXPUNGEs the log's chain accounts for (renamed or removed
 * in place, @d->gone), new/ read
 * again (mailbox_update_new()), MODSEQs taken only for the messages
 * that changed and the log's fresh lines. -ESTALE, @mb as it was, when
 * a rescan must (a change no log line explains, the log or the UID list
 * made anew, an expunge with MODSEQ_NO_GONE). @how: MODSEQ_NEW_ANYWAY, a change in cur/
 * that the log cannot explain still lets new/'s deliveries in
 * (@d->cur_unknown then: a rescan must follow), so that IDLE is told of
 * them at once; MODSEQ_CUR_KNOWN, the caller knows cur/ to be as @mb has
 * it whatever its mtime (an inotify watch saw no change there but its
 * own): then cur/'s mtime is taken, not settled (mailbox_unchanged()).
 */
int modseq_update(struct mailbox *mb, struct modseq_log *log, unsigned int how,
		  struct modseq_delta *d);
/*
 * The same for UIDs @uid[0..@n) that EXPUNGE removed, with cur/'s mtimes
 * around the removals as for STORE (or NULL: not told the others).
 */
int modseq_expunged(struct mailbox *mb, struct modseq_log *log,
		    const uint32_t *uid, size_t n, const struct timespec cur[2]);

#endif /* NFPOST_MODSEQ_H */
