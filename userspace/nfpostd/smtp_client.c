// SPDX-License-Identifier: GPL-2.0
/*
 * The relay's SMTP client: connect, EHLO (HELO if refused), STARTTLS when
 * offered, MAIL, one RCPT per recipient, DATA with dot-stuffing, QUIT.
 * Each reply is awaited before the next command (no pipelining): simple,
 * and each recipient gets the reply that concerns it. Replies are read by
 * smtp_reply.c; this file only decides what follows each.
 */
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "inbuf.h"
#include "netaddr.h"
#include "smtp_client.h"
#include "smtp_reply.h"

/* Octets of a line before its CRLF (RFC 5322 2.1.1, RFC 5321 4.5.3.1.6). */
#define BODY_LINE_MAX	998

enum step {
	C_GREETING, C_EHLO, C_HELO, C_STARTTLS, C_MAIL, C_RCPT, C_DATA,
	C_DOT, C_QUIT,
};

struct client {
	struct smtp_client_job *job;
	struct event_base *base;
	SSL_CTX *tls;
	struct bufferevent *bev;
	struct addrinfo *cur;	/* in job->ai, being tried */
	enum step step;
	int rcpt;		/* RCPT being answered */
	int accepted;		/* recipients the next hop took at RCPT */
	unsigned int ext;	/* SMTP_REPLY_EXT_* of the last EHLO */
	bool need_8bit;		/* 8-bit octets, sent as 8BITMIME */
	bool need_utf8;		/* UTF-8 in its addresses or headers */
	struct smtp_reply reply;
	struct client *next, **pprev;	/* in clients */
};

/* Every connection under way: the loop is one thread, so no lock. */
static struct client *clients;

static void client_free(struct client *c)
{
	if (c->bev)
		bufferevent_free(c->bev);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	free(c);
}

static void finish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;

	struct smtp_client_job *job = c->job;

	(void)fd;
	(void)what;
	client_free(c);
	job->done(job);
}

static void finish(struct client *c)
{
	if (c->bev)
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_base_once(c->base, -1, EV_TIMEOUT, finish_cb, c, NULL);
}

/* Every recipient still pending gets @status and @why. */
static void settle(struct client *c, enum smtp_client_status status,
		   const char *why)
{
	int i;

	for (i = 0; i < c->job->nrcpt; i++) {
		if (c->job->rcpts[i].status != CLIENT_PENDING)
			continue;
		c->job->rcpts[i].status = status;
		snprintf(c->job->rcpts[i].reply, sizeof(c->job->rcpts[i].reply),
			 "%s", why);
	}
}

static enum smtp_client_status status_of(int code)
{
	return code >= 500 ? CLIENT_PERM : CLIENT_TEMP;
}

static void send_line(struct client *c, enum step next, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void send_line(struct client *c, enum step next, const char *fmt, ...)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	va_list ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\r\n", 2);
	c->step = next;
	if (next == C_EHLO)
		c->ext = 0;	/* until this EHLO's reply says */
}

/*
 * One line of the message, its end not included: stuffed when it starts
 * with a dot, broken into pieces of BODY_LINE_MAX octets at most, each
 * piece after the first starting with a space (as Postfix's
 * smtp_line_length_limit), then CRLF.
 */
static void put_line(struct evbuffer *out, const char *p, size_t n)
{
	size_t max = BODY_LINE_MAX, piece;

	if (n && *p == '.') {
		evbuffer_add(out, ".", 1);
		max--;
	}
	for (;;) {
		piece = n < max ? n : max;
		evbuffer_add(out, p, piece);
		evbuffer_add(out, "\r\n", 2);
		p += piece;
		n -= piece;
		if (!n)
			return;
		evbuffer_add(out, " ", 1);
		max = BODY_LINE_MAX - 1;
	}
}

/*
 * The message as CRLF lines whatever it holds: CRLF, a bare CR and a bare
 * LF each end a line, so that no <CR>.<CR><LF> or <LF>.<LF> in it reaches
 * the next hop as the end of the data.
 */
static void send_body(struct client *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const char *p = c->job->msg, *end = p + c->job->msg_len, *q;

	while (p < end) {
		for (q = p; q < end && *q != '\r' && *q != '\n'; q++)
			;
		put_line(out, p, (size_t)(q - p));
		if (q < end && *q == '\r' && q + 1 < end && q[1] == '\n')
			q++;
		p = q < end ? q + 1 : end;
	}
	send_line(c, C_DOT, ".");
}

static void quit(struct client *c)
{
	send_line(c, C_QUIT, "QUIT");
}

static bool dsn(const struct client *c)
{
	return c->ext & SMTP_REPLY_EXT_DSN;
}

/* RCPT, with NOTIFY and ORCPT when the next hop takes them. */
static void send_rcpt(struct client *c, const struct smtp_client_rcpt *r)
{
	char notify[64] = "";

	if (dsn(c) && r->notify)
		dsn_notify_format(r->notify, notify, sizeof(notify));
	send_line(c, C_RCPT, "RCPT TO:<%s>%s%s%s%s", r->addr,
		  notify[0] ? " NOTIFY=" : "", notify,
		  dsn(c) && r->orcpt && r->orcpt[0] ? " ORCPT=" : "",
		  dsn(c) && r->orcpt ? r->orcpt : "");
}

static void next_rcpt(struct client *c)
{
	if (c->rcpt < c->job->nrcpt) {
		send_rcpt(c, &c->job->rcpts[c->rcpt]);
		return;
	}
	if (!c->accepted) {
		quit(c);
		return;
	}
	send_line(c, C_DATA, "DATA");
}

static bool has_8bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return true;
	return false;
}

/*
 * A message the next hop cannot take as it is bounces (RFC 6152 3,
 * RFC 6531 3.2): nfpostd converts nothing.
 */
static const char *missing_extension(const struct client *c)
{
	bool utf8_addr = has_8bit(c->job->from, strlen(c->job->from));
	int i;

	if (c->need_utf8 && !(c->ext & SMTP_REPLY_EXT_SMTPUTF8)) {
		for (i = 0; i < c->job->nrcpt; i++)
			utf8_addr |= has_8bit(c->job->rcpts[i].addr,
					      strlen(c->job->rcpts[i].addr));
		return utf8_addr ?
		       "553 5.6.7 the next hop does not offer SMTPUTF8, "
		       "needed for non-ASCII addresses" :
		       "554 5.6.9 the next hop does not offer SMTPUTF8, "
		       "needed for UTF-8 headers";
	}
	if (c->need_8bit && !(c->ext & SMTP_REPLY_EXT_8BITMIME))
		return "554 5.6.3 the next hop does not offer 8BITMIME, "
		       "needed for this 8-bit message";
	return NULL;
}

static void mail(struct client *c)
{
	bool eight = c->job->body_8bit || c->job->smtputf8;
	const char *why = missing_extension(c);

	if (why) {
		settle(c, CLIENT_PERM, why);
		quit(c);
		return;
	}
	c->job->dsn = dsn(c);
	send_line(c, C_MAIL, "MAIL FROM:<%s>%s%s%s%s%s%s", c->job->from,
		  eight && (c->ext & SMTP_REPLY_EXT_8BITMIME) ?
		  " BODY=8BITMIME" : "",
		  c->job->smtputf8 && (c->ext & SMTP_REPLY_EXT_SMTPUTF8) ?
		  " SMTPUTF8" : "",
		  dsn(c) && c->job->ret ? " RET=" : "",
		  dsn(c) ? dsn_ret_name(c->job->ret) : "",
		  dsn(c) && c->job->envid && c->job->envid[0] ? " ENVID=" : "",
		  dsn(c) && c->job->envid ? c->job->envid : "");
}

static const char *host_of(const struct client *c)
{
	return c->cur && c->cur->ai_canonname ? c->cur->ai_canonname :
	       c->job->host;
}

static int start_tls(struct client *c)
{
	SSL *ssl = SSL_new(c->tls);
	struct bufferevent *bev;

	if (!ssl)
		return -1;
	SSL_set_tlsext_host_name(ssl, host_of(c));
	bev = bufferevent_openssl_filter_new(c->base, c->bev, ssl,
					     BUFFEREVENT_SSL_CONNECTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		SSL_free(ssl);
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	c->bev = bev;
	c->job->tls = true;
	return 0;
}

static void read_cb(struct bufferevent *bev, void *arg);
static void event_cb(struct bufferevent *bev, short what, void *arg);
static int connect_next(struct client *c);

static void handshake_done(struct client *c)
{
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	send_line(c, C_EHLO, "EHLO %s", c->job->helo);
}

/*
 * Nothing of the transaction went out yet: the next address, if there is
 * one, is tried instead (RFC 5321 5.1). False if there is none.
 */
static bool next_address(struct client *c)
{
	while (c->cur->ai_next) {
		c->cur = c->cur->ai_next;
		bufferevent_free(c->bev);
		c->bev = NULL;
		if (!connect_next(c))
			return true;
	}
	return false;
}

/* STARTTLS's 220: whatever came after it was sent in clear, and is dropped. */
static void tls_go(struct client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	evbuffer_drain(in, evbuffer_get_length(in));
	smtp_reply_init(&c->reply);
	if (start_tls(c)) {
		mail(c);	/* opportunistic: go on in clear */
		return;
	}
	bufferevent_setcb(c->bev, NULL, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* A refusal of the whole transaction. */
static void refused(struct client *c)
{
	settle(c, status_of(c->reply.code), c->reply.text);
	quit(c);
}

/* Before MAIL: a failure that the next address may not have. */
static void early_failure(struct client *c)
{
	if (!next_address(c))
		refused(c);
}

static void rcpt_answer(struct client *c)
{
	struct smtp_client_rcpt *r = &c->job->rcpts[c->rcpt++];

	if (c->reply.code == 250 || c->reply.code == 251) {
		c->accepted++;
	} else {
		r->status = status_of(c->reply.code);
		snprintf(r->reply, sizeof(r->reply), "%s", c->reply.text);
	}
	next_rcpt(c);
}

/*
 * A whole reply has come: the step it answers decides what follows.
 * False when the connection changed (or ends): read no more of it.
 */
static bool answer(struct client *c)
{
	int code = c->reply.code;

	switch (c->step) {
	case C_GREETING:
		if (code != 220) {
			early_failure(c);
			return false;
		}
		send_line(c, C_EHLO, "EHLO %s", c->job->helo);
		return true;
	case C_EHLO:
		if (code >= 500 && !c->job->tls) {
			send_line(c, C_HELO, "HELO %s", c->job->helo);
			return true;
		}
		if (code == 250)
			c->ext = c->reply.ext;
		if (code == 250 && (c->ext & SMTP_REPLY_EXT_STARTTLS) &&
		    c->tls && !c->job->tls) {
			send_line(c, C_STARTTLS, "STARTTLS");
			return true;
		}
		if (code == 250) {
			mail(c);
			return true;
		}
		if (c->job->tls) {
			refused(c);
			return true;
		}
		early_failure(c);
		return false;
	case C_HELO:
		if (code != 250) {
			early_failure(c);
			return false;
		}
		mail(c);
		return true;
	case C_STARTTLS:
		if (code != 220) {
			mail(c);	/* opportunistic: go on in clear */
			return true;
		}
		tls_go(c);
		return false;
	case C_MAIL:
		if (code != 250) {
			refused(c);
			return true;
		}
		next_rcpt(c);
		return true;
	case C_RCPT:
		rcpt_answer(c);
		return true;
	case C_DATA:
		if (code != 354) {
			refused(c);
			return true;
		}
		send_body(c);
		return true;
	case C_DOT:
		settle(c, code == 250 ? CLIENT_SENT : status_of(code),
		       c->reply.text);
		if (code == 250 && c->job->sent)
			c->job->sent(c->job);
		quit(c);
		return true;
	case C_QUIT:
		break;
	}
	finish(c);
	return false;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	enum smtp_reply_status st;
	struct evbuffer_iovec v;
	size_t used;

	while (inbuf_first(in, &v)) {
		used = smtp_reply_feed(&c->reply, v.iov_base, v.iov_len, &st);
		evbuffer_drain(in, used);
		if (st == SMTP_REPLY_BAD) {
			settle(c, CLIENT_TEMP, "bad reply from the next hop");
			finish(c);
			return;
		}
		if (st == SMTP_REPLY_DONE && !answer(c))
			return;
	}
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client *c = arg;
	char why[400];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (c->job->tls && c->step == C_STARTTLS)
			handshake_done(c);
		return;
	}
	if (c->step == C_QUIT) {
		finish(c);	/* the next hop closed first: fine */
		return;
	}
	if (c->step == C_GREETING && next_address(c))
		return;
	snprintf(why, sizeof(why), "connection with %s %s", c->job->peer,
		 what & BEV_EVENT_TIMEOUT ? "timed out" : "lost");
	settle(c, CLIENT_TEMP, why);
	finish(c);
}

static int connect_next(struct client *c)
{
	struct timeval tv = { .tv_sec = c->job->timeout };
	char ip[64];

	netaddr_ntop(c->cur->ai_addr, ip, sizeof(ip));
	snprintf(c->job->peer, sizeof(c->job->peer), "%s[%s]:%s",
		 host_of(c), ip, c->job->port);
	c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev)
		return -1;
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->step = C_GREETING;
	c->ext = 0;
	c->job->tls = false;
	smtp_reply_init(&c->reply);
	return bufferevent_socket_connect(c->bev, c->cur->ai_addr,
					  (int)c->cur->ai_addrlen);
}

/* What the message needs of the next hop (RFC 6152, RFC 6531). */
static void needs(struct client *c)
{
	const struct smtp_client_job *job = c->job;
	const char *hdr_end;
	size_t hdr_len = job->msg_len;
	int i;

	c->need_8bit = (job->body_8bit || job->smtputf8) &&
		       has_8bit(job->msg, job->msg_len);
	if (!job->smtputf8)
		return;
	hdr_end = memmem(job->msg, job->msg_len, "\r\n\r\n", 4);
	if (hdr_end)
		hdr_len = (size_t)(hdr_end - job->msg);
	c->need_utf8 = has_8bit(job->from, strlen(job->from)) ||
		       has_8bit(job->msg, hdr_len);
	for (i = 0; i < job->nrcpt; i++)
		c->need_utf8 |= has_8bit(job->rcpts[i].addr,
					 strlen(job->rcpts[i].addr));
}

void smtp_client_start(struct event_base *base, SSL_CTX *tls,
		       struct smtp_client_job *job)
{
	struct client *c = calloc(1, sizeof(*c));

	if (!c) {
		settle(&(struct client){ .job = job }, CLIENT_TEMP, "no memory");
		job->done(job);	/* nothing better can be done */
		return;
	}
	c->job = job;
	c->base = base;
	c->tls = tls;
	c->next = clients;
	if (clients)
		clients->pprev = &c->next;
	c->pprev = &clients;
	clients = c;
	needs(c);
	snprintf(job->peer, sizeof(job->peer), "%s:%s", job->host, job->port);
	c->cur = job->ai;
	if (!c->cur) {
		settle(c, CLIENT_TEMP, job->resolve_error[0] ?
		       job->resolve_error : "no address");
		finish(c);
		return;
	}
	if (connect_next(c) && !next_address(c)) {
		settle(c, CLIENT_TEMP, "cannot connect");
		finish(c);
	}
}

void smtp_client_abort_all(void)
{
	while (clients)
		client_free(clients);
}
