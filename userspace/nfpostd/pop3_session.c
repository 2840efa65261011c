// SPDX-License-Identifier: GPL-2.0
/*
 * The POP3 server session: reading command lines, TLS (pop3s and STLS),
 * timeouts, the maildrop lock and the life of the connection. The
 * commands are in pop3_cmds.c, the login and QUIT's work in pop3_auth.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "inbuf.h"
#include "log.h"
#include "netaddr.h"
#include "pop3_priv.h"
#include "pop3_session.h"
#include "tls.h"

/* Every POP3 session: for the maildrop lock and the shutdown. */
static struct pop3_session *sessions;

void pop3_reply(struct pop3_session *s, const char *fmt, ...)
{
	struct evbuffer *out = bufferevent_get_output(s->link.bev);
	va_list ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\r\n", 2);
}

bool pop3_user_locked(const struct pop3_session *self, const char *user)
{
	const struct pop3_session *s;

	for (s = sessions; s; s = s->next)
		if (s != self && s->state != POP3_S_AUTH &&
		    !strcmp(s->user, user))
			return true;
	return false;
}

static void session_free(struct pop3_session *s)
{
	if (s->working && !s->delay) {
		/* A worker holds it: free when it is done. */
		s->gone = true;
		bufferevent_disable(s->link.bev, EV_READ | EV_WRITE);
		return;
	}
	log_msg(LOG_INFO, "pop3-login: Disconnected: user=<%s>, rip=%s%s",
		s->user[0] ? s->user : s->user_arg, s->peer_ip,
		s->state == POP3_S_AUTH ? " (no auth attempts or failed)" : "");
	if (s->delay)
		event_free(s->delay);
	free(s->work.hash);
	OPENSSL_cleanse(s->work.password, sizeof(s->work.password));
	mailbox_close(&s->work.mb);
	mailbox_close(&s->work.old);
	if (s->state != POP3_S_AUTH)
		pop3_keep(s->srv, &s->mb);
	else
		mailbox_close(&s->mb);
	free(s->marks);
	link_free(&s->link);
	s->srv->sessions--;
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	free(s);
}

void pop3_session_free_all(struct server *srv)
{
	(void)srv;
	while (sessions) {
		sessions->working = false;	/* workers are gone */
		session_free(sessions);
	}
	pop3_keep_free_all();
}

static void read_cb(struct bufferevent *bev, void *arg);
static void drained(struct bufferevent *bev, void *arg);

static struct pop3_session *session_of(struct link *l)
{
	return link_session(l, struct pop3_session, link);
}

void pop3_close(struct pop3_session *s)
{
	link_close(&s->link);
}

void pop3_error(struct pop3_session *s)
{
	if (++s->errors < s->srv->conf.max_errors)
		return;
	pop3_reply(s, "-ERR Too many bad commands.");
	pop3_close(s);
}

static void set_callbacks(struct link *l)
{
	struct timeval tv = { .tv_sec = l->srv->conf.timeout };

	bufferevent_setcb(l->bev, read_cb, drained, link_event, l);
	/* drained() is called once the output is down to this. */
	bufferevent_setwatermark(l->bev, EV_WRITE, POP3_OUT_LOW, 0);
	bufferevent_set_timeouts(l->bev, &tv, &tv);
	/* TLS: tls.c writes, and a session never enables EV_WRITE. */
	bufferevent_enable(l->bev, l->tls ? EV_READ : EV_READ | EV_WRITE);
}

/* After STLS's +OK: the line read so far is forgotten (RFC 2595 4). */
static void tls_reset(struct link *l)
{
	smtp_line_init(&session_of(l)->line);
}

/* Not reading for the timeout: an -ERR, then the end. */
static void idle(struct link *l)
{
	pop3_reply(session_of(l), "-ERR Disconnected for inactivity.");
	link_close(l);
}

static void end(struct link *l)
{
	session_free(session_of(l));
}

static const struct link_ops pop3_link = {
	.set_callbacks = set_callbacks,
	.tls_reset = tls_reset,
	.idle = idle,
	.end = end,
};

void pop3_starttls(struct pop3_session *s)
{
	link_starttls(&s->link);
}

/*
 * Back-pressure (POP3_OUT_HIGH): a client that pipelines commands and
 * reads no answer is not read either; its commands wait in its socket.
 */
static bool backed_up(struct pop3_session *s)
{
	s->backed_up = evbuffer_get_length(bufferevent_get_output(s->link.bev)) >=
		       POP3_OUT_HIGH;
	if (s->backed_up)
		bufferevent_disable(s->link.bev, EV_READ);
	return s->backed_up;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct pop3_session *s = session_of(arg);
	struct evbuffer *in = bufferevent_get_input(bev);
	enum smtp_line_status st;
	struct evbuffer_iovec v;
	size_t used;

	/* A line at a time: a command may start TLS, close, or wait. */
	while (!s->link.closing && !s->link.starttls_pending && !s->working &&
	       !backed_up(s) && inbuf_first(in, &v)) {
		used = smtp_line_feed(&s->line, v.iov_base, v.iov_len, &st);
		evbuffer_drain(in, used);
		if (st != SMTP_LINE_MORE)
			pop3_line_done(s, st);
	}
	if (s->link.closing && !evbuffer_get_length(bufferevent_get_output(bev)))
		session_free(s);
}

/* The client read its answers down to POP3_OUT_LOW: so do we its commands. */
static void drained(struct bufferevent *bev, void *arg)
{
	struct pop3_session *s = session_of(arg);

	if (!s->backed_up || s->working || s->link.closing)
		return;
	s->backed_up = false;
	bufferevent_enable(bev, EV_READ);
	read_cb(bev, &s->link);
}

void pop3_resume(struct pop3_session *s)
{
	if (s->gone) {
		s->working = false;
		session_free(s);
		return;
	}
	s->working = false;
	if (s->link.closing)
		return;		/* the writer frees it */
	bufferevent_enable(s->link.bev, EV_READ);
	read_cb(s->link.bev, &s->link);
}

void pop3_submit(struct pop3_session *s)
{
	s->work.s = s;
	s->working = true;
	bufferevent_disable(s->link.bev, EV_READ);
	workers_submit(s->srv->workers, &s->work.w);
}

static struct pop3_session *session_new(struct server *srv,
					enum listen_kind kind,
					evutil_socket_t fd,
					const struct sockaddr *peer,
					socklen_t peerlen)
{
	struct pop3_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->srv = srv;
	s->kind = kind;
	memcpy(&s->peer, peer, peerlen);
	netaddr_ntop(peer, s->peer_ip, sizeof(s->peer_ip));
	s->link = (struct link){ .ops = &pop3_link, .srv = srv, .fd = fd,
				 .proto = "pop3", .peer_ip = s->peer_ip };
	smtp_line_init(&s->line);
	srv->sessions++;
	s->next = sessions;
	if (s->next)
		s->next->pprev = &s->next;
	s->pprev = &sessions;
	sessions = s;
	return s;
}

void pop3_session_start(struct server *srv, enum listen_kind kind,
			evutil_socket_t fd, const struct sockaddr *peer,
			socklen_t peerlen)
{
	struct pop3_session *s;
	int ret;

	if (srv->sessions >= (unsigned long)srv->conf.max_sessions) {
		static const char busy[] = "-ERR [SYS/TEMP] Too many "
					   "connections.\r\n";

		if (send(fd, busy, sizeof(busy) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_msg(LOG_DEBUG, "pop3: refusal not sent");
		log_msg(LOG_WARNING, "pop3: connection limit %d reached",
			srv->conf.max_sessions);
		evutil_closesocket(fd);
		return;
	}
	s = session_new(srv, kind, fd, peer, peerlen);
	if (!s) {
		evutil_closesocket(fd);
		return;
	}
	ret = link_start(&s->link, kind == LISTEN_POP3S);
	if (ret) {
		s->link.closing = true;
		session_free(s);
		return;
	}
	pop3_reply(s, "+OK nfpostd ready.");
}
