// SPDX-License-Identifier: GPL-2.0
/*
 * The listening sockets. At the file descriptor limit accept() fails
 * while the connection stays in the backlog, so a level-triggered
 * listener would be called again at once, forever: the listener is
 * paused instead, tried again after ACCEPT_RETRY_MS, and the episode is
 * logged once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"
#include "netaddr.h"
#include "imap_session.h"
#include "pop3_session.h"
#include "smtp_session.h"

#define ACCEPT_RETRY_MS	250

static void accepted(struct evconnlistener *l, evutil_socket_t fd,
		     struct sockaddr *sa, int len, void *arg)
{
	struct listener *ls = arg;
	int on = 1;

	(void)l;
	/*
	 * Every answer is written whole before the next command is read: a
	 * reply that leaves in two segments (a POP3 "+OK" then the message,
	 * a TLS record split) must not wait for the client's delayed ACK.
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (ls->srv->accept_failing) {
		ls->srv->accept_failing = false;
		log_msg(LOG_INFO, "accepting connections again");
	}
	if (ls->kind == LISTEN_POP3 || ls->kind == LISTEN_POP3S)
		pop3_session_start(ls->srv, ls->kind, fd, sa, (socklen_t)len);
	else if (ls->kind == LISTEN_IMAP || ls->kind == LISTEN_IMAPS)
		imap_session_start(ls->srv, ls->kind, fd, sa, (socklen_t)len);
	else
		smtp_session_start(ls->srv, ls->kind, fd, sa, (socklen_t)len);
}

static void accept_retry(evutil_socket_t fd, short what, void *arg)
{
	struct listener *ls = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(ls->l);
}

static void accept_failed(struct evconnlistener *l, void *arg)
{
	struct listener *ls = arg;
	struct timeval tv = { 0, ACCEPT_RETRY_MS * 1000 };
	int err = EVUTIL_SOCKET_ERROR();

	if (!ls->srv->accept_failing)
		log_msg(LOG_WARNING, "warning: accept: %s (%d sessions open); "
			"pausing %d ms at a time until it works again",
			strerror(err), (int)ls->srv->sessions, ACCEPT_RETRY_MS);
	ls->srv->accept_failing = true;
	evconnlistener_disable(l);
	evtimer_add(ls->retry, &tv);
}

static unsigned int port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/*
 * A port alone is every address of both families: one IPv6 socket that
 * takes IPv4 too (IPV6_V6ONLY off, whatever net.ipv6.bindv6only says),
 * or the IPv4 one where the kernel has no IPv6.
 */
static int socket_any(const struct conf_listen *cl,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	int fd, off = 0;

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && errno == EAFNOSUPPORT) {
		*ss = cl->addr;
		*len = cl->addrlen;
		return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
			      SOCK_CLOEXEC, 0);
	}
	if (fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
				  sizeof(off))) {
		close(fd);
		return -1;
	}
	memset(ss, 0, sizeof(*ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = in6addr_any;
	s6->sin6_port = ((const struct sockaddr_in *)&cl->addr)->sin_port;
	*len = sizeof(*s6);
	return fd;
}

/* A socket bound to @cl's address, not yet listening. */
static int bind_one(const struct conf_listen *cl, int n)
{
	struct sockaddr_storage ss = cl->addr;
	socklen_t len = cl->addrlen;
	char ip[64];
	int fd, on = 1;

	if (cl->any)
		fd = socket_any(cl, &ss, &len);
	else
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    bind(fd, (const struct sockaddr *)&ss, len)) {
		log_msg(LOG_ERR, "cannot bind listener %d (%s %s port %u): %s",
			n + 1, listen_kind_name(cl->kind),
			netaddr_ntop((const struct sockaddr *)&ss, ip,
				     sizeof(ip)), port(&ss),
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* As root: every address bound, so that the rest can run unprivileged. */
int listeners_bind(struct server *srv, struct listeners *lss)
{
	struct listener *ls = lss->v;
	const struct conf_listen *cl;
	int i;

	for (i = 0; i < CONF_MAX_LISTEN; i++)
		ls[i].fd = -1;
	if (conf_needs_tls(&srv->conf) && !srv->tls) {
		log_msg(LOG_ERR, "[listen] smtps, pop3s and imaps need "
			"tls_cert and tls_key in [server]");
		return -EINVAL;
	}
	for (i = 0; i < srv->conf.nlisten; i++) {
		lss->n = i + 1;
		cl = &srv->conf.listen[i];
		ls[i].srv = srv;
		ls[i].kind = cl->kind;
		ls[i].fd = bind_one(cl, i);
		if (ls[i].fd < 0)
			return -EADDRNOTAVAIL;
	}
	return 0;
}

/*
 * Last of the start: a client that connects finds the daemon whole (users
 * read, workers and relay running, pid file written, signals caught).
 */
int listeners_start(struct server *srv, struct listeners *lss)
{
	unsigned int flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
	struct listener *ls = lss->v;
	int i;

	for (i = 0; i < lss->n; i++) {
		ls[i].retry = evtimer_new(srv->base, accept_retry, &ls[i]);
		if (!ls[i].retry)
			return -ENOMEM;
		ls[i].l = evconnlistener_new(srv->base, accepted, &ls[i],
					     flags, 128, ls[i].fd);
		if (ls[i].l)
			evconnlistener_set_error_cb(ls[i].l, accept_failed);
		if (!ls[i].l) {
			log_msg(LOG_ERR, "cannot listen on listener %d: %s",
				i + 1, strerror(errno));
			return -errno;
		}
		ls[i].fd = -1;	/* the listener's now */
	}
	return 0;
}


void listeners_close(struct listeners *lss)
{
	int i;

	for (i = 0; i < lss->n; i++) {
		if (lss->v[i].l)
			evconnlistener_free(lss->v[i].l);
		else if (lss->v[i].fd >= 0)
			close(lss->v[i].fd);
		if (lss->v[i].retry)
			event_free(lss->v[i].retry);
	}
}
