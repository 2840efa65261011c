/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay: sends what is in the queue to its next hops, retries, and
 * bounces what cannot be delivered (see relay.c).
 */
#ifndef NFPOSTD_RELAY_H
#define NFPOSTD_RELAY_H

#include <stddef.h>

#include "dsn.h"
#include "queue.h"
#include "server.h"

/* After the daemon became its user: the timer, SIGUSR1, the pid file. */
int relay_init(struct server *srv);
/* Something was queued: work the queue as soon as the loop comes back. */
void relay_kick(struct server *srv);
void relay_free(struct server *srv);

/*
 * In the loop: the local user whose Maildir a notice to @addr goes to,
 * into @user (USERS_NAME_MAX + 1); "" when it must be queued instead.
 */
void relay_dsn_user(struct server *srv, const char *addr, char *user);
/*
 * In a worker: the notice (dsn.h) about @n of @e's recipients to @e's
 * sender, into local @user's Maildir or, if @user is "", queued from <>.
 * @msg, @msg_len: the message it is about.
 */
int relay_dsn_send(struct server *srv, const struct queue_entry *e,
		   const struct dsn_failure *f, int n, const char *msg,
		   size_t msg_len, const char *user);

#endif /* NFPOSTD_RELAY_H */
