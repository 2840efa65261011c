/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client's connection as the SMTP, POP3 and IMAP sessions share it: its
 * bufferevent (the socket's, or tls.c's once TLS runs), the switch to TLS
 * once the reply to STARTTLS (STLS) has left, and the end once the last
 * words have. Each session embeds one and says through its ops what is
 * its own: callbacks and timeouts, its reader's reset, its goodbye, its
 * end.
 */
#ifndef NFPOSTD_LINK_H
#define NFPOSTD_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <event2/util.h>

struct bufferevent;
struct link;
struct server;
struct tls_conn;

struct link_ops {
	/* The session's read, write and event callbacks and timeouts. */
	void (*set_callbacks)(struct link *l);
	/* Optional: TLS starts, a partial command read is forgotten. */
	void (*tls_reset)(struct link *l);
	/* Read timeout of a session still open: its goodbye, link_close(). */
	void (*idle)(struct link *l);
	/* Optional: the client failed, left or timed out (a log line). */
	void (*lost)(struct link *l, short what);
	/* Optional: the TLS handshake is done. */
	void (*connected)(struct link *l);
	/* The session ends: it frees itself, and its link by link_free(). */
	void (*end)(struct link *l);
};

struct link {
	const struct link_ops *ops;
	struct server *srv;
	struct bufferevent *bev;
	evutil_socket_t fd;
	struct tls_conn *tlsc;	/* with TLS: its connection (tls.h) */
	const char *proto;	/* "imap", "pop3", "smtp": for the log */
	const char *peer_ip;	/* the session's */
	bool tls;
	bool closing;
	bool starttls_pending;
};

#define link_session(l, type, member) \
	((type *)((char *)(l) - offsetof(type, member)))

/*
 * On socket @fd: TLS at once (@tls: an implicit TLS port) or a plain
 * bufferevent; then the session's callbacks. 0, or an error with nothing
 * to undo but the session (closing, ended by the caller).
 */
int link_start(struct link *l, bool tls);
/* After STARTTLS's reply: TLS starts once it has left. */
void link_starttls(struct link *l);
/* Closes once everything written so far has left. */
void link_close(struct link *l);
/* Nothing left to write: the end, or TLS, if either waits. */
void link_write_done(struct bufferevent *bev, void *arg);
/* The event callback every session's bufferevent has. */
void link_event(struct bufferevent *bev, short what, void *arg);
/* In the session's end: the bufferevent, TLS, the socket. */
void link_free(struct link *l);

#endif /* NFPOSTD_LINK_H */
