/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside an SMTP server session: its state, shared by the connection side
 * (smtp_session.c), the commands (smtp_cmds.c) and the message's end and
 * hand-over (smtp_msg.c).
 */
#ifndef NFPOSTD_SMTP_PRIV_H
#define NFPOSTD_SMTP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <event2/bufferevent.h>
#include <openssl/ssl.h>

#include "link.h"
#include "conf.h"
#include "dsn_param.h"
#include "mailaddr.h"
#include "server.h"
#include "smtp_cmd.h"
#include "smtp_data.h"
#include "tls.h"
#include "users.h"
#include "workers.h"

/* RFC 5321 4.1.4: where the session is in its dialogue. */
enum smtp_state {
	SMTP_S_CONNECTED,		/* greeted by us, not by the client */
	SMTP_S_GREETED,		/* HELO/EHLO done, no transaction */
	SMTP_S_MAIL,		/* MAIL accepted, no recipient yet */
	SMTP_S_RCPT,		/* at least one recipient */
};

/* How the next bytes from the client are read. */
enum smtp_input {
	SMTP_IN_CMD,		/* command lines */
	SMTP_IN_DATA,		/* the message after DATA's 354 */
	SMTP_IN_BDAT,		/* a BDAT chunk, counted in bytes */
	SMTP_IN_AUTH,		/* a line of an AUTH exchange */
};

/* Unsent replies: reading stops above HIGH, starts again at LOW. */
#define SMTP_OUT_HIGH	(64 * 1024)
#define SMTP_OUT_LOW	(16 * 1024)

struct smtp_rcpt {
	char addr[MAILADDR_PATH_MAX + 1];	/* local@domain */
	char user[USERS_NAME_MAX + 1];		/* "" unless local */
	unsigned int notify;			/* DSN_NOTIFY_*, 0: not given */
	char orcpt[DSN_ORCPT_MAX + 1];		/* ORCPT= as given, or "" */
};

/*
 * The transaction: made whole by MAIL once every parameter is good,
 * dropped whole (smtp_txn_reset) by RSET, HELO/EHLO, STARTTLS, a refused
 * message and the end of the message, so nothing of it outlives it.
 */
struct smtp_txn {
	char id[16];
	char from[MAILADDR_PATH_MAX + 1];
	bool body_8bit;			/* BODY=8BITMIME */
	bool smtputf8;
	bool bdat;			/* BDAT used: DATA is no longer allowed */
	enum dsn_ret ret;		/* RET= (RFC 3461 4.3) */
	char envid[DSN_ENVID_MAX + 1];	/* ENVID= as given (xtext), or "" */
	struct smtp_rcpt *rcpts;
	int nrcpt;
};

/* The hand-over of a message to the store, run by a worker (smtp_msg.c). */
struct smtp_store_work {
	struct work w;			/* first: a work is this */
	struct smtp_session *s;
	char received[4096];		/* the Received: we add, DKIM-Signature */
	int ret;
	/* [authcheck]: per recipient, and the reason of a 550. */
	enum authcheck_action *actions;
	char why[400];
	/* NOTIFY=SUCCESS of local recipients: where the notice goes. */
	char dsn_user[USERS_NAME_MAX + 1];	/* "": queued */
	bool dsn_queued;
};

/* A password checked by a worker: yescrypt takes milliseconds of CPU. */
struct smtp_auth_work {
	struct work w;			/* first: a work is this */
	struct smtp_session *s;
	char user[USERS_NAME_MAX + 1];	/* "" for an unknown user */
	char *hash;			/* a copy: the users may be re-read */
	char password[512];
	bool ok;
};

struct smtp_session {
	struct server *srv;
	struct smtp_session *next, **pprev;	/* srv->session_list */
	struct link link;	/* the connection: bev, fd, TLS (link.h) */
	enum listen_kind kind;
	enum smtp_state state;
	enum smtp_input in;
	struct sockaddr_storage peer;
	char peer_ip[64];
	char helo[256];
	char last_verb[16];		/* for "lost connection after X" */
	char tls_info[128];		/* tls_describe() once it is up */
	bool esmtp;
	bool trusted;			/* client in mynetworks */
	bool working;			/* a worker holds it: store, AUTH */
	bool gone;			/* the client left meanwhile */
	bool backed_up;			/* not read: its replies wait */
	bool counted;			/* in srv->clients */
	struct event *deadline;		/* see smtp_deadline_next() */
	struct event *flush;		/* writes the replies, see flush() */
	time_t data_until;		/* the message's deadline, or 0 */
	char auth_user[USERS_NAME_MAX + 1];	/* "" until AUTH succeeds */
	int auth_mech;			/* AUTH exchange under way */
	int auth_step;
	char auth_login[USERS_NAME_MAX + 1];
	unsigned int ncommands;
	int errors;
	struct smtp_line line;
	struct smtp_data data;
	struct smtp_txn txn;
	uint64_t bdat_chunk;		/* size of the chunk being read */
	uint64_t bdat_left;
	bool bdat_last;
	struct evbuffer *msg;		/* the message as received */
	struct smtp_store_work store;
	struct smtp_auth_work auth;
};

void smtp_reply(struct smtp_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void smtp_close(struct smtp_session *s);
void smtp_error(struct smtp_session *s);
void smtp_starttls(struct smtp_session *s);
/* The next command (or the message) must be whole by its deadline. */
void smtp_deadline_next(struct smtp_session *s);
time_t monotonic_now(void);
/* The store's reply is out: read what the client sent meanwhile. */
void smtp_resume(struct smtp_session *s);

/* smtp_cmds.c: a line has ended (or was too long, or had a NUL). */
void smtp_line_done(struct smtp_session *s, enum smtp_line_status st);
void smtp_txn_reset(struct smtp_session *s);

/* smtp_msg.c: the message in DATA or BDAT, and its hand-over. */
void smtp_data_start(struct smtp_session *s);
void smtp_data_done(struct smtp_session *s);
void smtp_data_bad_eol(struct smtp_session *s);
void smtp_bdat_start(struct smtp_session *s, const struct smtp_cmd *cmd);
size_t smtp_bdat_feed(struct smtp_session *s, const char *p, size_t n);

/* smtp_auth.c: AUTH PLAIN and LOGIN. */
void smtp_auth_start(struct smtp_session *s, const struct smtp_cmd *cmd);
void smtp_auth_line(struct smtp_session *s, const char *line);
/* A bad line ended the exchange: back to commands, nothing kept. */
void smtp_auth_abort(struct smtp_session *s);

#endif /* NFPOSTD_SMTP_PRIV_H */
