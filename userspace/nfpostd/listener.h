/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpostd's listening sockets: bound as root first, listening last (once
 * the daemon is whole), and paused for a moment when accept() fails for
 * want of file descriptors instead of spinning on it.
 */
#ifndef NFPOSTD_LISTENER_H
#define NFPOSTD_LISTENER_H

#include <event2/event.h>
#include <event2/listener.h>

#include "conf.h"
#include "server.h"

struct listener {
	struct server *srv;
	enum listen_kind kind;
	int fd;				/* bound, before it listens */
	struct evconnlistener *l;
	struct event *retry;		/* accept() paused, see listener.c */
};

struct listeners {
	struct listener v[CONF_MAX_LISTEN];
	int n;
};

/* Binds every [listen] address (as root): nothing accepted yet. */
int listeners_bind(struct server *srv, struct listeners *ls);
/* Listens and accepts: sessions start from here on. */
int listeners_start(struct server *srv, struct listeners *ls);
void listeners_close(struct listeners *ls);

#endif /* NFPOSTD_LISTENER_H */
