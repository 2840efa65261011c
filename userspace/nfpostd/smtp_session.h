/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One SMTP server session (RFC 5321) on an accepted connection: greeting,
 * commands, the message, STARTTLS, AUTH, and the hand-over to the store.
 */
#ifndef NFPOSTD_SMTP_SESSION_H
#define NFPOSTD_SMTP_SESSION_H

#include <sys/socket.h>
#include <event2/util.h>

#include "conf.h"
#include "server.h"

/* Takes @fd over: the session frees itself and closes it when done. */
void smtp_session_start(struct server *srv, enum listen_kind kind,
			evutil_socket_t fd, const struct sockaddr *peer,
			socklen_t peerlen);

/*
 * At shutdown, once the loop and the workers have stopped: frees every
 * session still open (their clients see the connection close).
 */
void smtp_session_free_all(struct server *srv);

#endif /* NFPOSTD_SMTP_SESSION_H */
