/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's shared state, as its sessions see it: configuration, event
 * base, TLS context and the local users (re-read when their file changes).
 */
#ifndef NFPOSTD_SERVER_H
#define NFPOSTD_SERVER_H

#include <stdbool.h>
#include <sys/stat.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "conf.h"
#include "users.h"

struct server {
	const char *conf_path;		/* read again on SIGHUP */
	struct conf conf;
	struct event_base *base;
	SSL_CTX *tls;			/* NULL: no STARTTLS, no SMTPS */
	struct users users;
	struct stat users_st;		/* of the file users was read from */
	bool users_unreadable;		/* its last read failed: 451 */
	unsigned long sessions;		/* open now */
	bool accept_failing;		/* logged once, see listener.c */
	struct smtp_session *session_list;	/* for the shutdown */
	struct clients *clients;	/* per-client counts, see clients.h */
	struct authfail *authfail;	/* failed logins, see authfail.h */
	struct relay *relay;
	struct cleanup *cleanup;	/* of tmp/, see cleanup.h */
	struct workers *workers;	/* store messages off the loop */
	struct maildirs *maildirs;	/* kept open for them, see maildirs.h */
	struct imap_watches *imap_watches;	/* IDLE's, see imap_watch.h */
	char *dummy_hash;		/* checked for unknown users, see AUTH */
};

/*
 * A yescrypt hash of a random password: AUTH checks an unknown user's
 * password against it, so that a failure takes as long either way.
 */
int server_init_auth(struct server *srv);
/* The current users, re-read first if the file changed since. */
const struct users *server_users(struct server *srv);
/* A local user by name (lower-cased local part), postmaster included. */
const struct user *server_local_user(struct server *srv, const char *local);

#endif /* NFPOSTD_SERVER_H */
