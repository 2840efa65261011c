/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One IMAP server session (RFC 3501) on an accepted connection of an imap
 * or imaps listener.
 */
#ifndef NFPOSTD_IMAP_SESSION_H
#define NFPOSTD_IMAP_SESSION_H

#include <sys/socket.h>
#include <event2/util.h>

#include "conf.h"
#include "server.h"

/* Takes @fd over: the session frees itself and closes it when done. */
void imap_session_start(struct server *srv, enum listen_kind kind,
			evutil_socket_t fd, const struct sockaddr *peer,
			socklen_t peerlen);

/* At shutdown, once the loop and the workers have stopped. */
void imap_session_free_all(struct server *srv);

#endif /* NFPOSTD_IMAP_SESSION_H */
