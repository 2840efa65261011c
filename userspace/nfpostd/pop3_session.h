/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One POP3 server session (RFC 1939) on an accepted connection of a pop3
 * or pop3s listener: greeting, STLS, login, the maildrop and its update.
 */
#ifndef NFPOSTD_POP3_SESSION_H
#define NFPOSTD_POP3_SESSION_H

#include <sys/socket.h>
#include <event2/util.h>

#include "conf.h"
#include "server.h"

/* Takes @fd over: the session frees itself and closes it when done. */
void pop3_session_start(struct server *srv, enum listen_kind kind,
			evutil_socket_t fd, const struct sockaddr *peer,
			socklen_t peerlen);

/* At shutdown, once the loop and the workers have stopped. */
void pop3_session_free_all(struct server *srv);

#endif /* NFPOSTD_POP3_SESSION_H */
