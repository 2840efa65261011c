// SPDX-License-Identifier: GPL-2.0
/*
 * The IMAP server session: gathering commands (literals and their "+"
 * continuations), TLS (imaps and STARTTLS), timeouts and the life of
 * the connection (IDLE's watches are imap_watch.c's). The commands are in
 * imap_cmds.c and imap_cmd_*.c.
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "inbuf.h"
#include "log.h"
#include "netaddr.h"
#include "imap_priv.h"
#include "imap_session.h"
#include "tls.h"

/* A view this large, freed, and the heap is trimmed. */
#define IMAP_TRIM_MSGS		10000
/* This many sessions, half of them gone, and the heap is trimmed. */
#define IMAP_TRIM_CROWD		64

/* RFC 3501 5.4: at least 30 minutes of autologout for logged-in users. */
#define IMAP_TIMEOUT_AUTH	1800

static struct imap_session *sessions;
/* The most open at once since the heap was last trimmed. */
static unsigned long crowd;

/*
 * Output goes into chains of 16 KiB and more: bufferevent_openssl makes
 * each chain a TLS record of its own, and evbuffer_add_printf() leaves
 * 1 KiB ones, so that a 20,000-line FETCH went out as 6,000 records (as
 * many writes, and as many reads for the client).
 */
#define IMAP_OUT_CHAIN	(16u << 10)

static void out_vprintf(struct evbuffer *out, const char *fmt, va_list ap)
{
	struct evbuffer_iovec v;
	size_t want = IMAP_OUT_CHAIN;
	va_list aq;
	int n;

	for (;;) {
		if (evbuffer_reserve_space(out, (ev_ssize_t)want, &v, 1) != 1)
			return;
		va_copy(aq, ap);
		n = vsnprintf(v.iov_base, v.iov_len, fmt, aq);
		va_end(aq);
		if (n < 0)
			return;
		if ((size_t)n < v.iov_len)
			break;
		want = (size_t)n + 1;
	}
	v.iov_len = (size_t)n;
	evbuffer_commit_space(out, &v, 1);
}

static void out_add(struct evbuffer *out, const void *p, size_t n)
{
	struct evbuffer_iovec v;

	if (n >= IMAP_OUT_CHAIN ||
	    evbuffer_reserve_space(out, IMAP_OUT_CHAIN, &v, 1) != 1) {
		evbuffer_add(out, p, n);
		return;
	}
	memcpy(v.iov_base, p, n);
	v.iov_len = n;
	evbuffer_commit_space(out, &v, 1);
}

void imap_printf(struct imap_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(bufferevent_get_output(s->link.bev), fmt, ap);
	va_end(ap);
}

void imap_send(struct imap_session *s, const char *fmt, ...)
{
	struct evbuffer *out = bufferevent_get_output(s->link.bev);
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(out, fmt, ap);
	va_end(ap);
	out_add(out, "\r\n", 2);
}

void imap_send_raw(struct imap_session *s, const void *p, size_t n)
{
	out_add(bufferevent_get_output(s->link.bev), p, n);
}

bool imap_out_full(const struct imap_session *s)
{
	return evbuffer_get_length(bufferevent_get_output(s->link.bev)) >=
	       IMAP_OUT_HIGH;
}

void imap_done(struct imap_session *s, const char *status, const char *fmt,
	       ...)
{
	struct evbuffer *out = bufferevent_get_output(s->link.bev);
	va_list ap;

	imap_printf(s, "%s %s ", s->tag[0] ? s->tag : "*", status);
	va_start(ap, fmt);
	out_vprintf(out, fmt, ap);
	va_end(ap);
	out_add(out, "\r\n", 2);
}

void imap_send_string(struct imap_session *s, const char *str, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (str[i] == '"' || str[i] == '\\' || str[i] == '\r' ||
		    str[i] == '\n' || !str[i] || (unsigned char)str[i] > 0x7e)
			break;
	if (i == len && len < 200) {
		imap_printf(s, "\"%.*s\"", (int)len, str);
		return;
	}
	imap_printf(s, "{%zu}\r\n", len);
	imap_send_raw(s, str, len);
}

int imap_user_sessions(const struct imap_session *self, const char *user)
{
	const struct imap_session *s;
	int n = 0;

	for (s = sessions; s; s = s->next)
		if (s != self && s->user[0] && !strcmp(s->user, user))
			n++;
	return n;
}

/*
 * A crowd of connections gone leaves its memory free but spread over the
 * heap, which glibc does not give back: 1,000 idle sessions closed kept
 * 80 MiB in nfpostd's RSS. Once the sessions open fall to half the
 * crowd's size, the free pages are returned (malloc_trim walks the heap:
 * rare enough that way).
 */
static bool crowd_gone(const struct server *srv)
{
	if (crowd < IMAP_TRIM_CROWD || srv->sessions > crowd / 2)
		return false;
	crowd = srv->sessions;
	return true;
}

static void session_free(struct imap_session *s)
{
	struct server *srv = s->srv;
	bool big;

	if (s->working && !s->delay) {
		s->gone = true;
		bufferevent_disable(s->link.bev, EV_READ | EV_WRITE);
		return;
	}
	log_msg(LOG_INFO, "imap%s: Disconnected: user=<%s>, rip=%s",
		s->user[0] ? "" : "-login", s->user, s->peer_ip);
	imap_fetch_free(s);
	imap_unwatch(s);
	if (s->delay)
		event_free(s->delay);
	if (s->verify)
		event_free(s->verify);
	free(s->auth.hash);
	OPENSSL_cleanse(s->auth.password, sizeof(s->auth.password));
	big = s->mb.n >= IMAP_TRIM_MSGS;
	imap_view_keep(&s->mb, &s->modseq);
	mailbox_close(&s->open.mb);	/* a SELECT cut short by the stop */
	imap_reader_free(&s->rd);
	free(s->cmd);
	link_free(&s->link);
	srv->sessions--;
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	free(s);
	/*
	 * A large mailbox's view and the output of its FETCHes are freed in
	 * pieces glibc keeps for the next; give the pages back, so that one
	 * long-gone session does not stay in the daemon's RSS.
	 */
	if (crowd_gone(srv) || big)
		malloc_trim(0);
}

void imap_session_free_all(struct server *srv)
{
	while (sessions) {
		sessions->working = false;
		session_free(sessions);
	}
	imap_view_kept_free();
	imap_watches_free(srv);
}

static void read_cb(struct bufferevent *bev, void *arg);
static void drained(struct bufferevent *bev, void *arg);

static struct imap_session *session_of(struct link *l)
{
	return link_session(l, struct imap_session, link);
}

void imap_close(struct imap_session *s)
{
	link_close(&s->link);
}

void imap_bad(struct imap_session *s, const char *text)
{
	imap_done(s, "BAD", "%s", text);
	if (++s->errors < s->srv->conf.max_errors)
		return;
	imap_send(s, "* BYE Too many invalid IMAP commands.");
	imap_close(s);
}

static void set_callbacks(struct link *l)
{
	struct imap_session *s = session_of(l);
	struct timeval tv = { .tv_sec = l->srv->conf.timeout };
	/* A client that reads nothing for this long is gone. */
	struct timeval wtv = { .tv_sec = l->srv->conf.timeout };

	if (s->user[0] && tv.tv_sec < IMAP_TIMEOUT_AUTH)
		tv.tv_sec = IMAP_TIMEOUT_AUTH;
	bufferevent_setcb(l->bev, read_cb, drained, link_event, l);
	/* drained() is called once the output is down to this. */
	bufferevent_setwatermark(l->bev, EV_WRITE, IMAP_OUT_LOW, 0);
	/* With TLS the write timeout is tls.c's socket's. */
	bufferevent_set_timeouts(l->bev, &tv, l->tls ? NULL : &wtv);
	/* TLS: tls.c writes, and a session never enables EV_WRITE. */
	bufferevent_enable(l->bev, l->tls ? EV_READ : EV_READ | EV_WRITE);
}

/* RFC 3501 6.2.1: what was pipelined after STARTTLS is dropped unread. */
static void tls_reset(struct link *l)
{
	struct imap_session *s = session_of(l);

	imap_reader_free(&s->rd);
	imap_reader_init(&s->rd, IMAP_COMMAND_MAX);
}

/* Not reading for the timeout: a BYE, then the end. */
static void idle(struct link *l)
{
	imap_send(session_of(l), "* BYE Disconnected for inactivity.");
	link_close(l);
}

static void end(struct link *l)
{
	session_free(session_of(l));
}

static const struct link_ops imap_link = {
	.set_callbacks = set_callbacks,
	.tls_reset = tls_reset,
	.idle = idle,
	.end = end,
};

void imap_starttls(struct imap_session *s)
{
	link_starttls(&s->link);
}

/* The tag of a refused command, if its start was kept; else "*". */
static void refused_tag(struct imap_session *s)
{
	size_t n = s->rd.len ? strcspn(s->rd.buf, " \r\n") : 0;

	if (n && n <= IMAP_TAG_MAX && n < s->rd.len) {
		memcpy(s->tag, s->rd.buf, n);
		s->tag[n] = '\0';
	} else {
		strcpy(s->tag, "*");
	}
}

static void refused(struct imap_session *s, enum imap_read_status st)
{
	refused_tag(s);
	switch (st) {
	case IMAP_READ_TOO_BIG:
		imap_done(s, "NO", "[TOOBIG] Literal too large.");
		if (s->rd.literal_plus) {
			/* Its bytes are on their way and cannot be told apart. */
			imap_send(s, "* BYE Literal too large.");
			imap_close(s);
		}
		break;
	case IMAP_READ_TOO_LONG:
		imap_bad(s, "[TOOBIG] Line too long.");
		break;
	default:
		imap_bad(s, "NUL characters are not allowed in commands.");
	}
}

/*
 * Between two commands a session holds no parse: the argument pool (40
 * KiB) and the command's buffer (as large as the last APPEND) go back to
 * the heap, most connections being idle most of the time.
 */
static void shed(struct imap_session *s)
{
	if (s->working || s->link.closing || s->link.starttls_pending ||
	    (s->rd.len && !s->rd.done))
		return;
	free(s->cmd);
	s->cmd = NULL;
	imap_reader_free(&s->rd);
}

/*
 * Back-pressure (IMAP_OUT_HIGH): a client that pipelines commands and
 * reads no answer is not read either; its commands wait in its socket.
 */
static bool backed_up(struct imap_session *s)
{
	s->backed_up = imap_out_full(s);
	return s->backed_up;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct imap_session *s = session_of(arg);
	struct evbuffer *in = bufferevent_get_input(bev);
	enum imap_read_status st;
	struct evbuffer_iovec v;
	long used;

	while (!s->link.closing && !s->link.starttls_pending && !s->working &&
	       !s->fetch && !backed_up(s) && inbuf_first(in, &v)) {
		used = imap_reader_feed(&s->rd, v.iov_base, v.iov_len, &st);
		if (used < 0) {
			imap_send(s, "* BYE Out of memory.");
			imap_close(s);
			break;
		}
		evbuffer_drain(in, (size_t)used);
		if (st == IMAP_READ_CONTINUE)
			imap_send(s, "+ OK");
		else if (st == IMAP_READ_DONE)
			imap_command(s, s->rd.buf, s->rd.len);
		else if (st != IMAP_READ_MORE)
			refused(s, st);
	}
	/* Nothing more is taken from the socket until drained(). */
	if ((s->fetch || s->backed_up) && !s->link.closing)
		bufferevent_disable(bev, EV_READ);
	/*
	 * A literal's bytes are awaited (LITERAL+, or after "+ OK"): ACK what
	 * came now. A client that wrote the command line apart from the
	 * literal is otherwise held by Nagle until our delayed ACK, 40 ms
	 * per APPEND.
	 */
	if (s->rd.literal_left && !s->link.closing) {
		int one = 1;

		setsockopt(s->link.fd, IPPROTO_TCP, TCP_QUICKACK, &one,
			   sizeof(one));
	}
	if (s->link.closing && !evbuffer_get_length(bufferevent_get_output(bev)))
		session_free(s);
	else
		shed(s);
}

/*
 * The client took its answers down to IMAP_OUT_LOW: a FETCH that waited
 * goes on, and once it is done, the commands that waited are read.
 */
static void drained(struct bufferevent *bev, void *arg)
{
	struct imap_session *s = session_of(arg);

	if (s->fetch) {
		imap_fetch_continue(s);
		if (s->fetch)
			return;
	} else if (!s->backed_up) {
		return;
	}
	s->backed_up = false;
	if (s->working || s->link.closing)
		return;
	bufferevent_enable(bev, EV_READ);
	read_cb(bev, &s->link);
}

void imap_resume(struct imap_session *s)
{
	s->working = false;
	if (s->gone) {
		session_free(s);
		return;
	}
	if (s->link.closing)
		return;
	set_callbacks(&s->link);
	read_cb(s->link.bev, &s->link);
}

void imap_submit(struct imap_session *s, struct work *w)
{
	s->working = true;
	bufferevent_disable(s->link.bev, EV_READ);
	workers_submit(s->srv->workers, w);
}

static struct imap_session *session_new(struct server *srv,
					enum listen_kind kind,
					evutil_socket_t fd,
					const struct sockaddr *peer,
					socklen_t peerlen)
{
	struct imap_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->srv = srv;
	s->kind = kind;
	memcpy(&s->peer, peer, peerlen);
	netaddr_ntop(peer, s->peer_ip, sizeof(s->peer_ip));
	s->link = (struct link){ .ops = &imap_link, .srv = srv, .fd = fd,
				 .proto = "imap", .peer_ip = s->peer_ip };
	imap_reader_init(&s->rd, IMAP_COMMAND_MAX);
	srv->sessions++;
	if (srv->sessions > crowd)
		crowd = srv->sessions;
	s->next = sessions;
	if (s->next)
		s->next->pprev = &s->next;
	s->pprev = &sessions;
	sessions = s;
	return s;
}

void imap_session_start(struct server *srv, enum listen_kind kind,
			evutil_socket_t fd, const struct sockaddr *peer,
			socklen_t peerlen)
{
	struct imap_session *s;
	int ret;

	if (srv->sessions >= (unsigned long)srv->conf.max_sessions) {
		static const char busy[] = "* BYE Too many connections.\r\n";

		if (send(fd, busy, sizeof(busy) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_msg(LOG_DEBUG, "imap: refusal not sent");
		log_msg(LOG_WARNING, "imap: connection limit %d reached",
			srv->conf.max_sessions);
		evutil_closesocket(fd);
		return;
	}
	s = session_new(srv, kind, fd, peer, peerlen);
	if (!s) {
		evutil_closesocket(fd);
		return;
	}
	ret = link_start(&s->link, kind == LISTEN_IMAPS);
	if (ret) {
		s->link.closing = true;
		session_free(s);
		return;
	}
	imap_send(s, "* OK [CAPABILITY %s] nfpostd ready.",
		  imap_capability(s));
}
