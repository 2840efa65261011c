/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside a POP3 server session: its state, shared by the connection side
 * (pop3_session.c), the commands (pop3_cmds.c) and the login and maildrop
 * work done off the loop (pop3_auth.c).
 */
#ifndef NFPOSTD_POP3_PRIV_H
#define NFPOSTD_POP3_PRIV_H

#include <stdbool.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "link.h"
#include "conf.h"
#include "mailbox.h"
#include "pop3_cmd.h"
#include "server.h"
#include "smtp_cmd.h"
#include "users.h"
#include "workers.h"

/* RFC 1939 3: the states a session goes through. */
enum pop3_state {
	POP3_S_AUTH,		/* AUTHORIZATION: who is it */
	POP3_S_TRANS,		/* TRANSACTION: the maildrop is held */
	POP3_S_UPDATE,		/* after QUIT: deletions being applied */
};

/* What each message of the maildrop went through in this session. */
#define POP3_DELETED	0x1
#define POP3_RETRIEVED	0x2

/*
 * Work done by a worker: a password checked (yescrypt, milliseconds of
 * CPU) and the maildrop read, or at QUIT the deletions applied.
 */
struct pop3_work {
	struct work w;			/* first: a work is this */
	struct pop3_session *s;
	char user[USERS_NAME_MAX + 1];	/* "" for an unknown user */
	char *hash;			/* a copy: the users may be re-read */
	char password[512];
	bool ok;			/* the password matched */
	struct mailbox mb;		/* read once the password matched */
	struct mailbox old;		/* a kept view of it (pop3_keep()) */
	bool has_old;
	unsigned char *marks;		/* QUIT: POP3_* per message */
	int ret;			/* 0 or -errno of the mailbox work */
};

/*
 * Back-pressure: once this much output waits for the client, no command
 * is read until the client has taken it down to POP3_OUT_LOW. A client
 * that pipelines RETRs and reads nothing costs that much, not its mail.
 */
#define POP3_OUT_HIGH	(256u << 10)
#define POP3_OUT_LOW	(64u << 10)

struct pop3_session {
	struct server *srv;
	struct pop3_session *next, **pprev;	/* all POP3 sessions */
	struct link link;	/* the connection: bev, fd, TLS (link.h) */
	enum listen_kind kind;
	enum pop3_state state;
	struct sockaddr_storage peer;
	char peer_ip[64];
	bool working;			/* a worker or the login delay holds it */
	bool gone;			/* the client left meanwhile */
	bool backed_up;			/* not read: POP3_OUT_HIGH waits */
	bool sasl_pending;		/* AUTH PLAIN waits for its response */
	char user_arg[USERS_NAME_MAX + 1];	/* given by USER */
	char user[USERS_NAME_MAX + 1];	/* "" until logged in */
	int errors;			/* bad commands */
	unsigned int failures;		/* failed logins */
	struct event *delay;		/* before a failed login's answer */
	struct smtp_line line;
	struct mailbox mb;		/* the maildrop, in TRANSACTION */
	unsigned char *marks;		/* POP3_* per message */
	/* STAT's answer, kept as DELE and RSET change it. */
	size_t live;			/* messages not marked deleted */
	unsigned long long live_octets;	/* and their sizes */
	struct pop3_work work;
};

void pop3_reply(struct pop3_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pop3_close(struct pop3_session *s);
/* Counts a bad command; past max_errors the session ends. */
void pop3_error(struct pop3_session *s);
void pop3_starttls(struct pop3_session *s);
/* A worker's answer is out: read what the client sent meanwhile. */
void pop3_resume(struct pop3_session *s);
/* Hands @w to a worker; reading stops until pop3_resume(). */
void pop3_submit(struct pop3_session *s);
/* Whether a session in TRANSACTION holds @user's maildrop. */
bool pop3_user_locked(const struct pop3_session *self, const char *user);

/* pop3_cmds.c: a line has ended (or was too long, or had a NUL). */
void pop3_line_done(struct pop3_session *s, enum smtp_line_status st);
/* STAT's count and size of the messages not marked deleted, made anew. */
void pop3_count_live(struct pop3_session *s);

/* pop3_auth.c: USER/PASS and AUTH PLAIN, then the maildrop. */
void pop3_login(struct pop3_session *s, const char *user,
		const char *password);
void pop3_auth_start(struct pop3_session *s, const char *arg);
void pop3_auth_line(struct pop3_session *s, const char *line);
/* QUIT in TRANSACTION: the UPDATE state's work, then the reply. */
void pop3_update(struct pop3_session *s);
/*
 * An ended session's maildrop @mb kept for its user's next login (taken,
 * @mb left empty), read again in the background if it changed since it
 * was read; all of them freed.
 */
void pop3_keep(struct server *srv, struct mailbox *mb);
void pop3_keep_free_all(void);

#endif /* NFPOSTD_POP3_PRIV_H */
