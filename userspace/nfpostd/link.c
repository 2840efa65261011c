// SPDX-License-Identifier: GPL-2.0
/* The connection the sessions share (link.h). */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "link.h"
#include "log.h"
#include "server.h"
#include "tls.h"

static int start_tls(struct link *l)
{
	struct timeval wtv = { .tv_sec = l->srv->conf.timeout };
	/* Written by tls.c: the write timeout is its socket's. */
	int ret = tls_conn_start(l->srv->base, l->srv->tls, l->fd, &wtv,
				 &l->bev, &l->tlsc);

	if (ret)
		return ret;
	l->tls = true;
	l->ops->set_callbacks(l);
	return 0;
}

int link_start(struct link *l, bool tls)
{
	evutil_make_socket_nonblocking(l->fd);
	if (tls)
		return l->srv->tls ? start_tls(l) : -ENOTSUP;
	l->bev = bufferevent_socket_new(l->srv->base, l->fd, 0);
	if (!l->bev)
		return -ENOMEM;
	l->ops->set_callbacks(l);
	return 0;
}

/*
 * After the reply to STARTTLS (STLS) has left: whatever the client sent
 * after its command is dropped unread (RFC 3207 5, RFC 2595 3.1, RFC 3501
 * 6.2.1: it may not pipeline past it, and what it did could be an
 * injection), and TLS starts.
 */
static void starttls_ready(struct link *l)
{
	struct evbuffer *in = bufferevent_get_input(l->bev);

	evbuffer_drain(in, evbuffer_get_length(in));
	if (l->ops->tls_reset)
		l->ops->tls_reset(l);
	l->starttls_pending = false;
	if (start_tls(l)) {
		log_msg(LOG_WARNING, "%s: %s: cannot start TLS", l->proto,
			l->peer_ip);
		l->closing = true;
		l->ops->end(l);
	}
}

void link_write_done(struct bufferevent *bev, void *arg)
{
	struct link *l = arg;

	(void)bev;
	if (evbuffer_get_length(bufferevent_get_output(l->bev)))
		return;
	if (l->closing)
		l->ops->end(l);
	else if (l->starttls_pending)
		starttls_ready(l);
}

void link_starttls(struct link *l)
{
	l->starttls_pending = true;
	bufferevent_disable(l->bev, EV_READ);
	bufferevent_setcb(l->bev, NULL, link_write_done, link_event, l);
}

void link_close(struct link *l)
{
	l->closing = true;
	bufferevent_disable(l->bev, EV_READ);
	bufferevent_setcb(l->bev, NULL, link_write_done, link_event, l);
}

void link_event(struct bufferevent *bev, short what, void *arg)
{
	struct link *l = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (l->ops->connected)
			l->ops->connected(l);
		return;
	}
	/* Not reading (BEV_EVENT_WRITING): a goodbye would not be read. */
	if ((what & BEV_EVENT_TIMEOUT) && !(what & BEV_EVENT_WRITING) &&
	    !l->closing) {
		l->ops->idle(l);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		if (l->ops->lost)
			l->ops->lost(l, what);
		l->closing = true;
		l->ops->end(l);
	}
}

void link_free(struct link *l)
{
	if (l->tlsc)
		tls_conn_free(l->tlsc);	/* closes the socket once out */
	else if (l->bev)
		bufferevent_free(l->bev);
	if (!l->tls)
		evutil_closesocket(l->fd);
}
