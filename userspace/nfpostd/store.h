/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where an accepted message goes before nfpostd answers 250: the Maildir of
 * each local recipient, and the relay queue for the others. Either is on
 * disk (fsync'ed file and directory) when these return 0.
 */
#ifndef NFPOSTD_STORE_H
#define NFPOSTD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <event2/buffer.h>

#include "dsn_param.h"
#include "server.h"

/* A message as the session hands it over: headers it adds, then the body. */
struct store_msg {
	const char *id;			/* queue id, in logs and Received: */
	const char *from;		/* reverse-path, "" for <> */
	const char *received;		/* "Received: ...\r\n" */
	struct evbuffer *body;		/* as received, CRLF line ends */
	bool body_8bit;			/* MAIL had BODY=8BITMIME */
	bool smtputf8;			/* MAIL had SMTPUTF8 */
	/* The DSN parameters (RFC 3461), kept in the queue's envelope. */
	enum dsn_ret ret;
	const char *envid;		/* xtext, "" or NULL if none */
	/* Per recipient given to store_queue(), or NULL: NOTIFY, ORCPT. */
	const unsigned int *notify;
	const char *const *orcpt;	/* each "" if none */
	/* store_local(): [authcheck]'s verdict for this recipient. */
	bool spam_flag;			/* X-Spam-Flag: YES first */
	bool junk;			/* into the Maildir++ folder .Junk */
};

/*
 * Into local @user's Maildir (its .Junk folder if @m->junk), with a
 * Return-Path: first. Its file name (to take it back with
 * store_local_undo) in @name_r.
 */
int store_local(struct server *srv, const char *user,
		const struct store_msg *m, char *name_r, size_t len);
/* Removes a message store_local() delivered, when the whole fails after. */
void store_local_undo(struct server *srv, const char *user, const char *name);

/* Into the relay queue, for @n recipients @rcpts (local@domain each). */
int store_queue(struct server *srv, const struct store_msg *m,
		char *const *rcpts, int n);

#endif /* NFPOSTD_STORE_H */
