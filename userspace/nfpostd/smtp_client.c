// SPDX-License-Identifier: GPL-2.0
/*
 * The relay's SMTP client: connect, EHLO (HELO if refused), STARTTLS when
 * offered, MAIL, one RCPT per recipient, DATA with dot-stuffing, QUIT.
 * Each reply is awaited before the next command (no pipelining): simple,
 * and each recipient gets the reply that concerns it.
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

#include "netaddr.h"
#include "smtp_client.h"

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
	bool starttls;		/* offered in the last EHLO */
	char reply[512];	/* the last line of the reply being read */
	int code;
};

static void finish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;

	(void)fd;
	(void)what;
	if (c->bev)
		bufferevent_free(c->bev);
	c->job->done(c->job);
	free(c);
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
		c->starttls = false;	/* until this EHLO's reply says */
}

/* The message with every line that starts with "." given another one. */
static void send_body(struct client *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const char *p = c->job->msg, *end = p + c->job->msg_len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		if (*p == '.')
			evbuffer_add(out, ".", 1);
		evbuffer_add(out, p, (size_t)(nl - p));
		p = nl;
	}
	if (c->job->msg_len && end[-1] != '\n')
		evbuffer_add(out, "\r\n", 2);
	send_line(c, C_DOT, ".");
}

static void quit(struct client *c)
{
	send_line(c, C_QUIT, "QUIT");
}

static void next_rcpt(struct client *c)
{
	if (c->rcpt < c->job->nrcpt) {
		send_line(c, C_RCPT, "RCPT TO:<%s>",
			  c->job->rcpts[c->rcpt].addr);
		return;
	}
	if (!c->accepted) {
		quit(c);
		return;
	}
	send_line(c, C_DATA, "DATA");
}

static void mail(struct client *c)
{
	send_line(c, C_MAIL, "MAIL FROM:<%s>", c->job->from);
}

static int start_tls(struct client *c)
{
	SSL *ssl = SSL_new(c->tls);
	struct bufferevent *bev;

	if (!ssl)
		return -1;
	SSL_set_tlsext_host_name(ssl, c->job->host);
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

static void handshake_done(struct client *c)
{
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	send_line(c, C_EHLO, "EHLO %s", c->job->helo);
}

/* A whole reply has come: the step it answers decides what follows. */
static void answer(struct client *c)
{
	struct smtp_client_rcpt *r;

	switch (c->step) {
	case C_GREETING:
		if (c->code != 220)
			break;
		send_line(c, C_EHLO, "EHLO %s", c->job->helo);
		return;
	case C_EHLO:
		if (c->code >= 500 && c->code < 600 && !c->job->tls) {
			send_line(c, C_HELO, "HELO %s", c->job->helo);
			return;
		}
		if (c->code != 250)
			break;
		if (c->starttls && c->tls && !c->job->tls) {
			send_line(c, C_STARTTLS, "STARTTLS");
			return;
		}
		mail(c);
		return;
	case C_HELO:
		if (c->code != 250)
			break;
		mail(c);
		return;
	case C_STARTTLS:
		if (c->code != 220 || start_tls(c)) {
			mail(c);	/* opportunistic: go on in clear */
			return;
		}
		bufferevent_setcb(c->bev, NULL, NULL, event_cb, c);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
		return;
	case C_MAIL:
		if (c->code != 250)
			break;
		next_rcpt(c);
		return;
	case C_RCPT:
		r = &c->job->rcpts[c->rcpt++];
		if (c->code == 250 || c->code == 251) {
			c->accepted++;
		} else {
			r->status = status_of(c->code);
			snprintf(r->reply, sizeof(r->reply), "%s", c->reply);
		}
		next_rcpt(c);
		return;
	case C_DATA:
		if (c->code != 354)
			break;
		send_body(c);
		return;
	case C_DOT:
		settle(c, c->code == 250 ? CLIENT_SENT : status_of(c->code),
		       c->reply);
		quit(c);
		return;
	case C_QUIT:
		finish(c);
		return;
	}
	/* A refusal of the whole transaction. */
	settle(c, status_of(c->code), c->reply);
	quit(c);
}

/* Reads reply lines; "250-..." continues, "250 ..." ends a reply. */
static void read_cb(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;
	char *line;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF))) {
		if (len < 3 || (len > 3 && line[3] != ' ' && line[3] != '-')) {
			free(line);
			settle(c, CLIENT_TEMP, "bad reply from the next hop");
			finish(c);
			return;
		}
		if (c->step == C_EHLO && len > 4 &&
		    !strncasecmp(line + 4, "STARTTLS", 8))
			c->starttls = true;
		snprintf(c->reply, sizeof(c->reply), "%s", line);
		c->code = atoi(line);
		if (len == 3 || line[3] == ' ') {
			free(line);
			answer(c);
			if (!c->bev || !bufferevent_get_enabled(c->bev))
				return;
			continue;
		}
		free(line);
	}
}

static int connect_next(struct client *c);

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
	if (c->step == C_GREETING && !(what & BEV_EVENT_TIMEOUT) &&
	    c->cur->ai_next) {
		c->cur = c->cur->ai_next;
		bufferevent_free(c->bev);
		c->bev = NULL;
		if (!connect_next(c))
			return;
	}
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
		 c->job->host, ip, c->job->port);
	c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev)
		return -1;
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->step = C_GREETING;
	return bufferevent_socket_connect(c->bev, c->cur->ai_addr,
					  (int)c->cur->ai_addrlen);
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
	snprintf(job->peer, sizeof(job->peer), "%s:%s", job->host, job->port);
	c->cur = job->ai;
	if (!c->cur) {
		settle(c, CLIENT_TEMP, job->resolve_error[0] ?
		       job->resolve_error : "no address");
		finish(c);
		return;
	}
	if (connect_next(c)) {
		settle(c, CLIENT_TEMP, "cannot connect");
		finish(c);
	}
}
