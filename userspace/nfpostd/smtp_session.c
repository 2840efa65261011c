// SPDX-License-Identifier: GPL-2.0
/*
 * The SMTP server session: reading (lines, DATA, BDAT chunks, AUTH
 * exchanges) and the life of the connection (greeting, TLS, timeouts,
 * closing). The commands themselves are in smtp_cmds.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "clients.h"
#include "inbuf.h"
#include "log.h"
#include "netaddr.h"
#include "smtp_priv.h"
#include "smtp_session.h"

/*
 * Without TLS the replies are written by flush(), once per turn of the
 * loop (all the replies to pipelined commands in one write), straight to
 * the socket: the bufferevent's write event is added only when the socket
 * is full, rather than added and deleted (two epoll_ctl() calls and one
 * more turn of the loop) for every reply. With TLS, tls.c does the same
 * with the records.
 */
void smtp_reply(struct smtp_session *s, const char *fmt, ...)
{
	struct evbuffer *out = bufferevent_get_output(s->link.bev);
	va_list ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\r\n", 2);
	if (!s->link.tls)
		event_active(s->flush, EV_WRITE, 1);
}

static void session_free(struct smtp_session *s)
{
	if (s->working) {
		/* A worker holds the message: free when it is done. */
		s->gone = true;
		bufferevent_disable(s->link.bev, EV_READ | EV_WRITE);
		return;
	}
	log_msg(LOG_INFO, "disconnect from %s[%s] commands=%u errors=%u",
		s->helo[0] ? s->helo : "unknown", s->peer_ip, s->ncommands,
		s->errors);
	smtp_txn_reset(s);
	free(s->auth.hash);	/* an AUTH check cut short at shutdown */
	evbuffer_free(s->msg);
	link_free(&s->link);
	s->srv->sessions--;
	if (s->counted)
		clients_release(s->srv->clients,
				(const struct sockaddr *)&s->peer);
	if (s->deadline)
		event_free(s->deadline);
	event_free(s->flush);
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	free(s);
}

void smtp_session_free_all(struct server *srv)
{
	while (srv->session_list) {
		srv->session_list->working = false;	/* workers are gone */
		session_free(srv->session_list);
	}
}

static struct smtp_session *session_of(struct link *l)
{
	return link_session(l, struct smtp_session, link);
}

/*
 * Closes once everything written so far has left. Never frees the session
 * itself: its callers still hold it (the reader frees it on its way out if
 * nothing is left to write).
 */
void smtp_close(struct smtp_session *s)
{
	link_close(&s->link);
}

/* Counts a client error; past the limit the session ends (Postfix's 421). */
void smtp_error(struct smtp_session *s)
{
	if (++s->errors < s->srv->conf.max_errors)
		return;
	smtp_reply(s, "421 4.7.0 %s Error: too many errors",
		   s->srv->conf.hostname);
	smtp_close(s);
}

static void read_cb(struct bufferevent *bev, void *arg);
static void drained(struct bufferevent *bev, void *arg);

static void set_callbacks(struct link *l)
{
	struct timeval tv = { .tv_sec = l->srv->conf.timeout };

	bufferevent_setcb(l->bev, read_cb, drained, link_event, l);
	/* drained() is called once the replies are down to this. */
	bufferevent_setwatermark(l->bev, EV_WRITE, SMTP_OUT_LOW, 0);
	bufferevent_set_timeouts(l->bev, &tv, &tv);
	/*
	 * flush() writes and enables EV_WRITE when it must (a new
	 * bufferevent has it enabled); with TLS, tls.c does (tls.h).
	 */
	bufferevent_disable(l->bev, EV_WRITE);
	bufferevent_enable(l->bev, EV_READ);
}

static void connected(struct link *l)
{
	struct smtp_session *s = session_of(l);

	if (l->tlsc)
		tls_describe(tls_conn_ssl(l->tlsc), s->tls_info,
			     sizeof(s->tls_info));
}

/* Not reading for the timeout: a 421, then the end. */
static void idle(struct link *l)
{
	struct smtp_session *s = session_of(l);

	log_msg(LOG_INFO, "timeout after %s from %s[%s]", s->last_verb,
		s->helo[0] ? s->helo : "unknown", s->peer_ip);
	smtp_reply(s, "421 4.4.2 %s Error: timeout exceeded",
		   s->srv->conf.hostname);
	link_close(l);
}

static void lost(struct link *l, short what)
{
	struct smtp_session *s = session_of(l);
	const char *helo = s->helo[0] ? s->helo : "unknown";

	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_WRITING))
		/* Its replies pile up unread: no 421 could reach it. */
		log_msg(LOG_INFO, "timeout after %s from %s[%s]: client does "
			"not read its replies", s->last_verb, helo,
			s->peer_ip);
	else if (s->in != SMTP_IN_CMD || s->txn.nrcpt)
		log_msg(LOG_INFO, "lost connection after %s from %s[%s]",
			s->last_verb, helo, s->peer_ip);
}

static void end(struct link *l)
{
	session_free(session_of(l));
}

static const struct link_ops smtp_link = {
	.set_callbacks = set_callbacks,
	.idle = idle,
	.lost = lost,
	.connected = connected,
	.end = end,
};

/*
 * Plain sessions: the replies of this turn of the loop, written at once.
 * What the socket does not take (or an error) is the bufferevent's to
 * write: its write event, its write timeout (a client that does not read)
 * and its callbacks (link_write_done(), drained(), link_event()) take over.
 */
static void flush(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session *s = arg;
	struct evbuffer *out = bufferevent_get_output(s->link.bev);

	(void)fd;
	(void)what;
	if (s->link.tls || s->gone)
		return;
	if (evbuffer_get_length(out)) {
		/* A bufferevent keeps its output's start frozen but to write. */
		evbuffer_unfreeze(out, 1);
		evbuffer_write(out, s->link.fd);
		evbuffer_freeze(out, 1);
	}
	if (evbuffer_get_length(out)) {
		bufferevent_enable(s->link.bev, EV_WRITE);
		return;
	}
	bufferevent_disable(s->link.bev, EV_WRITE);
	if (s->link.closing || s->link.starttls_pending)
		link_write_done(s->link.bev, &s->link);
	else
		drained(s->link.bev, &s->link);
}

/* After STARTTLS queued its 220: TLS starts once that has left. */
void smtp_starttls(struct smtp_session *s)
{
	link_starttls(&s->link);
}

time_t monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void deadline_expired(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session *s = arg;

	(void)fd;
	(void)what;
	if (s->working || s->link.closing)
		return;		/* smtp_resume() sets the next one */
	log_msg(LOG_INFO, "deadline exceeded after %s from %s[%s]",
		s->last_verb, s->helo[0] ? s->helo : "unknown", s->peer_ip);
	smtp_reply(s, "421 4.4.2 %s Error: timeout exceeded",
		   s->srv->conf.hostname);
	smtp_close(s);
}

/*
 * Unlike the idle timeout, a deadline is not pushed back by a byte every
 * few seconds: each command line must be whole within command_deadline of
 * the reply before it, and a message within data_deadline of its first
 * DATA or BDAT (every BDAT command and chunk within both).
 */
void smtp_deadline_next(struct smtp_session *s)
{
	const struct conf *c = &s->srv->conf;
	time_t now = monotonic_now(), until;
	bool in_msg = s->in == SMTP_IN_DATA || s->in == SMTP_IN_BDAT ||
		      s->txn.bdat;
	struct timeval tv = { 0 };

	if (!s->deadline)
		s->deadline = evtimer_new(s->srv->base, deadline_expired, s);
	if (!s->deadline)
		return;		/* the idle timeout still applies */
	if (!in_msg)
		s->data_until = 0;
	else if (!s->data_until)
		s->data_until = now + c->data_deadline;
	until = now + c->command_deadline;
	if (s->in == SMTP_IN_DATA || (s->data_until && s->data_until < until))
		until = s->data_until;
	tv.tv_sec = until > now ? until - now : 0;
	evtimer_add(s->deadline, &tv);
}

/* Feeds what came in to the reader of the current input mode. */
static size_t feed(struct smtp_session *s, const char *p, size_t n)
{
	enum smtp_line_status ls;
	enum smtp_data_status ds;
	size_t used;

	switch (s->in) {
	case SMTP_IN_DATA:
		used = smtp_data_feed(&s->data, p, n, &ds);
		if (ds == SMTP_DATA_END)
			smtp_data_done(s);
		else if (ds == SMTP_DATA_BAD_EOL)
			smtp_data_bad_eol(s);
		if (ds == SMTP_DATA_END)
			smtp_deadline_next(s);
		return used;
	case SMTP_IN_BDAT:
		used = smtp_bdat_feed(s, p, n);
		if (s->in != SMTP_IN_BDAT)
			smtp_deadline_next(s);
		return used;
	default:
		used = smtp_line_feed(&s->line, p, n, &ls);
		if (ls != SMTP_LINE_MORE) {
			smtp_line_done(s, ls);
			smtp_deadline_next(s);
		}
		return used;
	}
}

/*
 * Back-pressure (as Postfix and OpenSMTPD apply it): a client that
 * pipelines commands without reading the replies is not read either once
 * SMTP_OUT_HIGH bytes of them wait, until they are down to SMTP_OUT_LOW.
 * Its commands wait in its socket, not in our memory; if it never reads,
 * the write timeout ends the session.
 */
static bool backed_up(struct smtp_session *s)
{
	if (evbuffer_get_length(bufferevent_get_output(s->link.bev)) <
	    SMTP_OUT_HIGH)
		return false;
	s->backed_up = true;
	bufferevent_disable(s->link.bev, EV_READ);
	return true;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct smtp_session *s = session_of(arg);
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_iovec v;
	size_t used;

	/*
	 * One piece at a time: a command may change the mode (DATA), start
	 * TLS or close, and what follows must then be read differently or
	 * not at all.
	 */
	while (!s->link.closing && !s->link.starttls_pending && !s->working &&
	       !backed_up(s) && inbuf_first(in, &v)) {
		used = feed(s, v.iov_base, v.iov_len);
		evbuffer_drain(in, used);
	}
	if (s->link.closing && !evbuffer_get_length(bufferevent_get_output(bev)))
		session_free(s);
}

/* The client reads its replies again: so do we its commands. */
static void drained(struct bufferevent *bev, void *arg)
{
	struct smtp_session *s = session_of(arg);

	if (!s->backed_up || s->working)
		return;
	s->backed_up = false;
	bufferevent_enable(bev, EV_READ);
	read_cb(bev, &s->link);
}

void smtp_resume(struct smtp_session *s)
{
	if (s->gone) {
		session_free(s);
		return;
	}
	if (s->link.closing)
		return;		/* timed out meanwhile: the writer frees it */
	smtp_deadline_next(s);
	bufferevent_enable(s->link.bev, EV_READ);
	read_cb(s->link.bev, &s->link);
}

static struct smtp_session *session_new(struct server *srv,
					enum listen_kind kind,
					evutil_socket_t fd,
					const struct sockaddr *peer,
					socklen_t peerlen)
{
	struct smtp_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->msg = evbuffer_new();
	s->flush = event_new(srv->base, -1, 0, flush, s);
	if (!s->msg || !s->flush) {
		if (s->msg)
			evbuffer_free(s->msg);
		if (s->flush)
			event_free(s->flush);
		free(s);
		return NULL;
	}
	s->srv = srv;
	s->kind = kind;
	memcpy(&s->peer, peer, peerlen);
	netaddr_ntop(peer, s->peer_ip, sizeof(s->peer_ip));
	s->link = (struct link){ .ops = &smtp_link, .srv = srv, .fd = fd,
				 .proto = "smtp", .peer_ip = s->peer_ip };
	s->trusted = conf_in_mynetworks(&srv->conf, peer);
	strcpy(s->last_verb, "CONNECT");
	smtp_line_init_max(&s->line, SMTP_LINE_MAX_DSN);	/* RFC 3461 4 */
	srv->sessions++;
	s->next = srv->session_list;
	if (s->next)
		s->next->pprev = &s->next;
	s->pprev = &srv->session_list;
	srv->session_list = s;
	return s;
}

/* A 421 written straight out (best effort), then close. */
static void refuse(struct server *srv, evutil_socket_t fd, const char *why)
{
	char buf[300];
	int n;

	n = snprintf(buf, sizeof(buf), "421 4.7.0 %s Error: %s\r\n",
		     srv->conf.hostname, why);
	if (send(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		n = 0;	/* the client learns it from the close */
	evutil_closesocket(fd);
}

/*
 * max_sessions for all, then (outside mynetworks) max_sessions_per_ip
 * and max_connection_rate per client, logged as Postfix's anvil does.
 */
static bool admit(struct server *srv, evutil_socket_t fd,
		  const struct sockaddr *peer, bool trusted)
{
	const struct conf *c = &srv->conf;
	enum clients_verdict v;
	char ip[64];
	int count = 0;

	netaddr_ntop(peer, ip, sizeof(ip));
	if (srv->sessions >= (unsigned long)c->max_sessions) {
		log_msg(LOG_WARNING, "warning: connection limit %d reached, "
			"refused unknown[%s]", c->max_sessions, ip);
		refuse(srv, fd, "too many connections");
		return false;
	}
	if (trusted)
		return true;
	v = clients_admit(srv->clients, peer, monotonic_now(),
			  c->max_sessions_per_ip, c->max_connection_rate,
			  &count);
	if (v == CLIENTS_OK)
		return true;
	if (v == CLIENTS_TOO_MANY)
		log_msg(LOG_WARNING, "warning: Connection concurrency limit "
			"exceeded: %d from unknown[%s]", count, ip);
	else if (v == CLIENTS_TOO_FAST)
		log_msg(LOG_WARNING, "warning: Connection rate limit "
			"exceeded: %d from unknown[%s]", count, ip);
	else
		log_msg(LOG_WARNING, "warning: client table full, refused "
			"unknown[%s]", ip);
	refuse(srv, fd, "too many connections from you");
	return false;
}

void smtp_session_start(struct server *srv, enum listen_kind kind,
			evutil_socket_t fd, const struct sockaddr *peer,
			socklen_t peerlen)
{
	bool trusted = conf_in_mynetworks(&srv->conf, peer);
	struct smtp_session *s;
	int ret;

	if (!admit(srv, fd, peer, trusted))
		return;
	s = session_new(srv, kind, fd, peer, peerlen);
	if (!s) {
		if (!trusted)
			clients_release(srv->clients, peer);
		evutil_closesocket(fd);
		return;
	}
	s->counted = !trusted;
	ret = link_start(&s->link, kind == LISTEN_SMTPS);
	if (ret) {
		s->link.closing = true;
		session_free(s);
		return;
	}
	smtp_reply(s, "220 %s ESMTP nfpostd", srv->conf.hostname);
	smtp_deadline_next(s);
}
