/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside an IMAP server session: its state, shared by the connection side
 * (imap_session.c), the command registry (imap_cmds.c), the selected
 * mailbox's view (imap_view.c) and the commands (imap_cmd_*.c).
 */
#ifndef NFPOSTD_IMAP_PRIV_H
#define NFPOSTD_IMAP_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "link.h"
#include "conf.h"
#include "imap_parser.h"
#include "imap_seqset.h"
#include "imap_watch.h"
#include "keywords.h"
#include "mailbox.h"
#include "modseq.h"
#include "server.h"
#include "users.h"
#include "workers.h"

/* RFC 3501 3: the states of a connection. */
enum imap_state {
	IMAP_S_NOAUTH,		/* Not Authenticated */
	IMAP_S_AUTH,		/* Authenticated */
	IMAP_S_SELECTED,	/* a mailbox is selected */
	IMAP_S_LOGOUT,
};

/* The largest command, literals included: an APPENDed message. */
#define IMAP_COMMAND_MAX	(64u << 20)
#define IMAP_TAG_MAX		64

/* A password checked by a worker: yescrypt takes milliseconds of CPU. */
struct imap_auth_work {
	struct work w;			/* first: a work is this */
	struct imap_session *s;
	char user[USERS_NAME_MAX + 1];	/* "" for an unknown user */
	char *hash;
	char password[512];
	bool ok;
};

/*
 * SELECT/EXAMINE's scan of the folder by a worker: a large one takes a
 * while (readdir, the UID list, claiming \Recent), and the other
 * sessions are served meanwhile.
 */
struct imap_open_work {
	struct work w;			/* first: a work is this */
	struct imap_session *s;
	char path[PATH_MAX];
	char name[256];
	bool readonly;
	bool kept;			/* @mb is a kept view (SELECT) */
	struct mailbox mb;
	struct keywords kw;
	size_t recent;
	int ret;
	/* A sync's rescan: of the session's view, the tagged reply after
	 * it (or none: IDLE). */
	const struct mailbox *old;
	const char *status;
	bool idle;
};

/* Own claims an IDLE session remembers until their events come. */
#define IMAP_CLAIMS_MAX	16

/* A session's hold on a watched directory (imap_watch.c). */
struct imap_watch_link {
	struct imap_watch_dir *dir;		/* NULL: none */
	struct imap_session *s;
	struct imap_watch_link *next, **pprev;	/* the dir's users */
};

/*
 * Back-pressure: once this much output waits for the client, no command
 * is read and a FETCH stops between two messages, until the client has
 * taken it down to IMAP_OUT_LOW. A client that pipelines FETCH 1:* of a
 * large mailbox and reads nothing costs that much, not the mailbox.
 */
#define IMAP_OUT_HIGH	(256u << 10)
#define IMAP_OUT_LOW	(64u << 10)

struct imap_fetch_run;

struct imap_session {
	struct server *srv;
	struct imap_session *next, **pprev;	/* all IMAP sessions */
	struct link link;	/* the connection: bev, fd, TLS (link.h) */
	enum listen_kind kind;
	enum imap_state state;
	struct sockaddr_storage peer;
	char peer_ip[64];
	bool working;			/* a worker or a delay holds it */
	bool gone;
	bool backed_up;			/* not read: IMAP_OUT_HIGH waits */
	struct imap_fetch_run *fetch;	/* a FETCH waiting for its client */
	char user[USERS_NAME_MAX + 1];	/* "" until logged in */
	char root[PATH_MAX - 512];	/* the user's Maildir: INBOX */
	char tag[IMAP_TAG_MAX + 1];	/* of the command being run */
	int errors;
	unsigned int failures;
	struct event *delay;		/* before a failed login's answer */
	struct imap_reader rd;
	struct imap_cmd *cmd;		/* the command being run */
	struct imap_auth_work auth;
	struct imap_open_work open;
	/* AUTHENTICATE waiting for its response line. */
	bool sasl_pending;
	/* The selected mailbox. */
	char mbox_name[256];
	bool readonly;			/* EXAMINE */
	struct mailbox mb;		/* as this session last told the client */
	struct modseq_log modseq;	/* its MODSEQ log, as last read */
	struct keywords kw;		/* its keywords, as last told */
	/*
	 * RFC 7162 3.1: once a CONDSTORE-enabling command was seen, every
	 * FETCH a change causes carries UID and MODSEQ.
	 */
	bool condstore;
	/* IDLE: until "DONE", changes are told as they happen. */
	bool idling;
	bool resync;			/* a change came during a rescan */
	struct imap_watch_link watch[2];	/* on new/ and cur/ */
	unsigned int watch_gen;		/* the events read last told */
	/*
	 * IDLE: cur/ is as the view has it, changes whose events are not
	 * read yet apart. Set by a sync that read cur/, or found it settled
	 * and the same, once watched; dropped by any event in cur/ but the
	 * session's own claims of \Recent (hashes of their names), by an
	 * overflow, and at the end of IDLE (imap_watch.c).
	 */
	bool cur_watched;
	struct event *verify;		/* cur/ trusted at IDLE, read soon */
	unsigned int n_claimed;
	uint64_t claimed[IMAP_CLAIMS_MAX];
};

void imap_send(struct imap_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void imap_send_raw(struct imap_session *s, const void *p, size_t n);
/* The same as imap_send() without the CRLF: a piece of a response. */
void imap_printf(struct imap_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The tagged completion of the current command. */
void imap_done(struct imap_session *s, const char *status, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));
/* BAD for the current command, counted; past max_errors, BYE. */
void imap_bad(struct imap_session *s, const char *text);
void imap_close(struct imap_session *s);
/* IMAP_OUT_HIGH bytes or more wait for the client. */
bool imap_out_full(const struct imap_session *s);
/* imap_cmd_fetch.c: a FETCH that waited goes on; or is dropped. */
void imap_fetch_continue(struct imap_session *s);
void imap_fetch_free(struct imap_session *s);
void imap_starttls(struct imap_session *s);
void imap_resume(struct imap_session *s);
void imap_submit(struct imap_session *s, struct work *w);
/* Sessions of @user that are logged in, this one apart. */
int imap_user_sessions(const struct imap_session *self, const char *user);
/* A quoted string or a literal, as RFC 3501 9 wants @str written. */
void imap_send_string(struct imap_session *s, const char *str, size_t len);

/* imap_cmds.c: a gathered command, or a line of AUTHENTICATE or IDLE. */
void imap_command(struct imap_session *s, char *buf, size_t len);
const char *imap_capability(const struct imap_session *s);
bool imap_login_allowed(const struct imap_session *s);

/* imap_view.c: the selected mailbox as this session shows it. */
int imap_folder_path(const struct imap_session *s, const char *name,
		     char *path, size_t len);
bool imap_folder_name_ok(const char *name);
/* mailbox_open() with the messages' MODSEQs (modseq.h). */
int imap_view_open(const char *path, struct mailbox *mb,
		   struct modseq_log *log);
/* Rescans and tells the client: EXPUNGE, EXISTS, FETCH FLAGS. */
int imap_view_sync(struct imap_session *s, bool expunges);
/*
 * Message @i's file was not under the name the view has: another session
 * (or program) renamed it since, to change its flags, or removed it. The
 * view is synced as a command that may not tell EXPUNGE syncs it (the
 * new flags told), which may move s->mb.v: pointers into it are stale.
 * True if @i is there under another name: the caller tries once more,
 * with the flags as they are now; false if it is gone.
 */
bool imap_view_refind(struct imap_session *s, size_t i);
/*
 * Message @i's file removed (EXPUNGE, MOVE): 0, or -errno. Renamed by
 * another, it is found first; then with @deleted, if it has \Deleted no
 * more, it stays: 1. Gone already (another's EXPUNGE): 0 all the same.
 * The view may grow meanwhile (imap_view_refind()).
 */
int imap_view_remove(struct imap_session *s, size_t i, bool deleted);
/*
 * The same, then the tagged OK with @text, the rescan (if the Maildir
 * changed) made by a worker: NOOP and CHECK on a large mailbox do not
 * hold up the other sessions.
 */
void imap_view_sync_done(struct imap_session *s, const char *text);
/* The same with @status (EXPUNGE's NO after a partial failure). */
void imap_view_sync_reply(struct imap_session *s, const char *status,
			  const char *text);
/*
 * IDLE: a change was seen; the rescan and what it tells done by a
 * worker, no tagged reply. Called during a rescan, it runs once more.
 */
void imap_view_sync_idle(struct imap_session *s);
/* The same when IDLE starts, its watch just made. */
void imap_view_idle_start(struct imap_session *s);
/*
 * APPEND into the selected mailbox: message @name (UID @uid, UIDVALIDITY
 * @validity) added to the view and told (EXISTS, RECENT) without a
 * rescan; -ESTALE when the view is not the list's latest (another
 * message got a UID since), then imap_view_sync() must tell. @keywords:
 * the message has keywords, maybe new ones (FLAGS told again).
 */
int imap_view_appended(struct imap_session *s, const char *name,
		       uint32_t uid, uint32_t validity, bool keywords);
/* Unselects: the view is kept for the next SELECT (imap_view_keep()). */
void imap_view_close(struct imap_session *s);
/*
 * Kept views (a few, bounded), event loop only: imap_view_keep() takes
 * @mb and @log (a view and its log as read; freed if not kept, a
 * mailbox's older one replaced), imap_view_take() moves @path's out, if
 * there is one; imap_view_forget() drops those under the folder root
 * @root (DELETE, RENAME), imap_view_kept_free() all.
 */
void imap_view_keep(struct mailbox *mb, struct modseq_log *log);
bool imap_view_take(const char *path, struct mailbox *mb,
		    struct modseq_log *log);
void imap_view_forget(const char *root);
void imap_view_kept_free(void);
/*
 * In a worker: a taken view brought up to date as a session's sync would
 * (in place, or rescanned from it), else imap_view_open() anew; its
 * \Recent cleared for the new session to claim.
 */
int imap_view_reopen(const char *path, struct mailbox *mb,
		     struct modseq_log *log);
/*
 * Marks @mb's messages in new/ \Recent (@claim: a @readonly session
 * only shows them, else takes them); how many are. Safe in a worker.
 */
size_t imap_view_recent(struct mailbox *mb, bool readonly, bool claim);
/* Message indexes that @set names, by sequence number or UID. */
int imap_view_select(struct imap_session *s, const char *set, bool uid,
		     size_t **idx_r, size_t *n_r);
/* For LIST: the SPECIAL-USE attribute of folder @name, or "". */
const char *imap_special_use(const char *name);
/* A Maildir++ folder at @path, with Dovecot's maildirfolder mark. */
int imap_folder_make(const char *path);
/* The mailbox's SPECIAL-USE folders, made for a user at first login. */
int imap_view_init_user(struct imap_session *s);

/* imap_flags.c: a flag list as a command gives it, keywords by name. */
struct imap_flag_list {
	unsigned int flags;			/* MAILBOX_* */
	const char *kw[KEYWORDS_MAX];		/* into the command's args */
	size_t n_kw;
};
/* The longest list imap_msg_flags_str() writes. */
#define IMAP_FLAGS_STR_MAX	(96 + KEYWORDS_MAX * (KEYWORD_NAME_MAX + 1))

/* -EINVAL for a flag that may not be stored, -E2BIG: over 26 keywords. */
int imap_flag_list_parse(const struct imap_arg *a, struct imap_flag_list *fl);
/*
 * The letters of @fl's keywords in the Maildir @dir whose list is @kw;
 * if @add, a name without one gets one (saved), else it is left out.
 * -ENOSPC when the 26 letters are taken. *@grew: the list grew.
 */
int imap_flag_list_letters(const char *dir, struct keywords *kw,
			   const struct imap_flag_list *fl, bool add,
			   char *letters, bool *grew);
/* "(\Recent \Seen $Junk)": @flags, the keywords of @other's letters. */
void imap_msg_flags_str(const struct keywords *kw, unsigned int flags,
			const char *other, bool recent, char *buf, size_t len);
/* "* FLAGS" and "* OK [PERMANENTFLAGS]" of the selected mailbox. */
void imap_send_flag_lists(struct imap_session *s);

/* imap_condstore.c: RFC 7162's CONDSTORE shared by the commands. */
/*
 * "* @seq FETCH (FLAGS ...)" for a change of message @m's flags, with
 * UID (if @uid) and, once CONDSTORE is enabled, UID and MODSEQ; @silent
 * (STORE's .SILENT) leaves out FLAGS, and sends nothing without them.
 */
void imap_send_change(struct imap_session *s, size_t seq,
		      const struct mailbox_msg *m, bool uid, bool silent);
/*
 * A new MODSEQ for messages @idx[0..@n) of the view, whose flags were
 * just changed, or (expunged) that were just removed, logged durably.
 * A failure is logged, not answered: the change itself is made, and a
 * message the log does not know as it is gets a new MODSEQ when next read.
 */
void imap_modseq_changed(struct imap_session *s, const size_t *idx, size_t n);
/* The same for STORE, with cur/'s mtimes around its renames (modseq.h). */
void imap_modseq_stored(struct imap_session *s, const size_t *idx, size_t n,
			const struct timespec cur[2]);
/* The same for EXPUNGE and MOVE, cur/'s mtimes around the removals (or
 * NULL: CLOSE, whose view goes with it). */
void imap_modseq_expunged(struct imap_session *s, const size_t *idx,
			  size_t n, const struct timespec *cur);

/* imap_cmd_login.c: the password check both LOGIN and AUTHENTICATE use. */
void imap_login(struct imap_session *s, const char *user,
		const char *password);
void imap_authenticate_line(struct imap_session *s, const char *line);
void imap_idle_line(struct imap_session *s, const char *line);

/* The commands, one file each (imap_cmd_<name>.c). */
typedef void imap_cmd_fn(struct imap_session *s, const struct imap_arg *args,
			 bool uid);
imap_cmd_fn imap_cmd_capability, imap_cmd_noop, imap_cmd_logout,
	imap_cmd_starttls, imap_cmd_login, imap_cmd_authenticate,
	imap_cmd_select, imap_cmd_examine, imap_cmd_create, imap_cmd_delete,
	imap_cmd_rename, imap_cmd_subscribe, imap_cmd_unsubscribe,
	imap_cmd_list, imap_cmd_lsub, imap_cmd_status, imap_cmd_append,
	imap_cmd_check, imap_cmd_close, imap_cmd_unselect, imap_cmd_expunge,
	imap_cmd_search, imap_cmd_fetch, imap_cmd_store, imap_cmd_copy,
	imap_cmd_move, imap_cmd_idle, imap_cmd_namespace, imap_cmd_id,
	imap_cmd_enable;

#endif /* NFPOSTD_IMAP_PRIV_H */
