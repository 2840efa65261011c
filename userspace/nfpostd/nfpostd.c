// SPDX-License-Identifier: GPL-2.0
/*
 * nfpostd: the mail daemon's start. Reads the configuration, binds its
 * listeners, sets up TLS, becomes its unprivileged user and runs the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "conf.h"
#include "imap_session.h"
#include "log.h"
#include "pop3_session.h"
#include "relay.h"
#include "server.h"
#include "smtp_session.h"
#include "tls.h"
#include "workers.h"

#ifndef NFPOST_VERSION
#define NFPOST_VERSION "0.1"
#endif

struct listener {
	struct server *srv;
	enum listen_kind kind;
	struct evconnlistener *l;
};

static void accepted(struct evconnlistener *l, evutil_socket_t fd,
		     struct sockaddr *sa, int len, void *arg)
{
	struct listener *ls = arg;

	(void)l;
	if (ls->kind == LISTEN_POP3 || ls->kind == LISTEN_POP3S)
		pop3_session_start(ls->srv, ls->kind, fd, sa, (socklen_t)len);
	else if (ls->kind == LISTEN_IMAP || ls->kind == LISTEN_IMAPS)
		imap_session_start(ls->srv, ls->kind, fd, sa, (socklen_t)len);
	else
		smtp_session_start(ls->srv, ls->kind, fd, sa, (socklen_t)len);
}

static int listen_all(struct server *srv, struct listener *ls)
{
	unsigned int flags = LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE |
			     LEV_OPT_CLOSE_ON_EXEC;
	const struct conf_listen *cl;
	int i;

	for (i = 0; i < srv->conf.nlisten; i++) {
		cl = &srv->conf.listen[i];
		if ((cl->kind == LISTEN_SMTPS || cl->kind == LISTEN_POP3S ||
		     cl->kind == LISTEN_IMAPS) && !srv->tls) {
			log_msg(LOG_ERR, "[listen] smtps, pop3s and imaps need "
				"tls_cert and tls_key in [server]");
			return -EINVAL;
		}
		ls[i].srv = srv;
		ls[i].kind = cl->kind;
		ls[i].l = evconnlistener_new_bind(srv->base, accepted, &ls[i],
						  flags, 128,
						  (const void *)&cl->addr,
						  (int)cl->addrlen);
		if (!ls[i].l) {
			log_msg(LOG_ERR, "cannot listen on listener %d: %s",
				i + 1, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Binding is done: the rest runs as the configured user. */
static int drop_privileges(const struct conf *c)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if (!c->run_as[0]) {
		log_msg(LOG_ERR, "refusing to run as root: set user= in "
			"[server]");
		return -EPERM;
	}
	pw = getpwnam(c->run_as);
	if (!pw) {
		log_msg(LOG_ERR, "user %s: no such user", c->run_as);
		return -ENOENT;
	}
	if (setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		log_msg(LOG_ERR, "cannot become %s: %s", c->run_as,
			strerror(errno));
		return -errno;
	}
	return 0;
}

static void stop(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	log_msg(LOG_INFO, "terminating on signal %d", (int)sig);
	event_base_loopbreak(srv->base);
}

static int setup(struct server *srv)
{
	char err[512];

	if (srv->conf.tls_cert[0]) {
		srv->tls = tls_server_ctx(srv->conf.tls_cert,
					  srv->conf.tls_key, err, sizeof(err));
		if (!srv->tls) {
			log_msg(LOG_ERR, "TLS: %s", err);
			return -EINVAL;
		}
	}
	srv->base = event_base_new();
	return srv->base ? 0 : -ENOMEM;
}

static void loop(struct server *srv)
{
	struct event *term = evsignal_new(srv->base, SIGTERM, stop, srv);
	struct event *intr = evsignal_new(srv->base, SIGINT, stop, srv);

	event_add(term, NULL);
	event_add(intr, NULL);
	log_msg(LOG_INFO, "daemon started -- version %s, %zu users",
		NFPOST_VERSION, srv->users.n);
	event_base_dispatch(srv->base);
	event_free(term);
	event_free(intr);
}

static int run(struct server *srv)
{
	struct listener ls[CONF_MAX_LISTEN] = { 0 };
	int i, ret;

	ret = listen_all(srv, ls);
	if (!ret)
		ret = drop_privileges(&srv->conf);
	if (!ret)
		ret = server_init_auth(srv);
	if (!ret) {
		server_users(srv);
		srv->workers = workers_new(srv->base, srv->conf.store_threads);
		ret = srv->workers ? relay_init(srv) : -ENOMEM;
	}
	if (!ret)
		loop(srv);
	/* The workers first: what they still hold refers to the rest. */
	workers_free(srv->workers);
	relay_free(srv);
	smtp_session_free_all(srv);
	pop3_session_free_all(srv);
	imap_session_free_all(srv);
	for (i = 0; i < CONF_MAX_LISTEN; i++)
		if (ls[i].l)
			evconnlistener_free(ls[i].l);
	return ret;
}

static void usage(FILE *f)
{
	fputs("Usage: nfpostd [-c CONFIG] [-v]\n"
	      "       nfpostd -V\n"
	      "  -c CONFIG  configuration file (/etc/nfpost/nfpostd.conf)\n"
	      "  -v         log to stderr as well as to syslog\n", f);
}

int main(int argc, char **argv)
{
	const char *path = "/etc/nfpost/nfpostd.conf";
	static struct server srv;
	bool verbose = false;
	char err[1024];
	int opt, ret;

	while ((opt = getopt(argc, argv, "c:vVh")) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'V':
			printf("nfpostd %s\n", NFPOST_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	log_open(verbose);
	signal(SIGPIPE, SIG_IGN);
	if (conf_load(path, &srv.conf, err, sizeof(err))) {
		fprintf(stderr, "nfpostd: %s\n", err);
		return 1;
	}
	ret = setup(&srv);
	if (!ret)
		ret = run(&srv);
	if (srv.base)
		event_base_free(srv.base);
	if (srv.tls)
		SSL_CTX_free(srv.tls);
	users_free(&srv.users);
	free(srv.dummy_hash);
	return ret ? 1 : 0;
}
