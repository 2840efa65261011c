// SPDX-License-Identifier: GPL-2.0
/*
 * nfpostd: the mail daemon's start. Reads the configuration, binds its
 * listeners, sets up TLS, becomes its unprivileged user and runs the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>

#include "authfail.h"
#include "cleanup.h"
#include "clients.h"
#include "conf.h"
#include "imap_session.h"
#include "listener.h"
#include "authcheck.h"
#include "dkim_sign.h"
#include "log.h"
#include "maildir.h"
#include "maildirs.h"
#include "notify.h"
#include "pop3_session.h"
#include "relay.h"
#include "server.h"
#include "smtp_session.h"
#include "tls.h"
#include "workers.h"

#ifndef NFPOST_VERSION
#define NFPOST_VERSION "0.1"
#endif

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

/*
 * Each session holds a socket; each store thread a message's file and a
 * Maildir kept open (the directory and its new/, see maildirs.h, which
 * keeps no more than there are threads); the relay and the rest hold a
 * few. The soft
 * limit is raised to the hard one; if that is still short, max_sessions
 * is lowered to fit, and the log says so.
 */
static void fit_fd_limit(struct conf *c)
{
	rlim_t reserve = 64 + 3 * (rlim_t)c->store_threads, room;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= reserve + 2 * (rlim_t)c->max_sessions)
		return;
	room = rl.rlim_cur > reserve + 2 ? (rl.rlim_cur - reserve) / 2 : 1;
	log_msg(LOG_WARNING, "warning: max_sessions lowered from %d to %llu: "
		"the open files limit (RLIMIT_NOFILE) is %llu", c->max_sessions,
		(unsigned long long)room, (unsigned long long)rl.rlim_cur);
	c->max_sessions = (int)room;
}

/*
 * As the user the daemon runs as: what it cannot do now it could never do
 * later, so it says what and why (path and OS error) and does not start.
 * A users file that is missing is allowed (no local user yet): said once.
 */
static int can_work(struct server *srv)
{
	const struct conf *c = &srv->conf;
	struct users u;
	int ret, line = 0;

	if (access(c->mail_root, W_OK | X_OK)) {
		ret = -errno;
		log_msg(LOG_ERR, "mail_root %s: %s", c->mail_root,
			strerror(-ret));
		return ret;
	}
	ret = maildir_create(c->spool);
	if (!ret && access(c->spool, W_OK | X_OK))
		ret = -errno;
	if (ret) {
		log_msg(LOG_ERR, "spool %s: %s", c->spool, strerror(-ret));
		return ret;
	}
	ret = users_load(c->users_file, &u, &line);
	if (ret && line)
		log_msg(LOG_ERR, "users %s:%d: bad line", c->users_file, line);
	else if (ret)
		log_msg(LOG_ERR, "users %s: %s", c->users_file,
			strerror(-ret));
	if (!ret)
		users_free(&u);
	if (!ret && access(c->users_file, F_OK) && errno == ENOENT)
		log_msg(LOG_WARNING, "warning: users %s: no such file: no "
			"local user", c->users_file);
	return ret;
}

static void stop(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	log_msg(LOG_INFO, "terminating on signal %d", (int)sig);
	event_base_loopbreak(srv->base);
}

/*
 * What a reload cannot change: the sockets are bound, the user taken and
 * the DKIM keys read (as root) at start, the worker threads read the paths
 * and the hostname, and the session and client tables and the queue timer
 * are sized or armed once.
 * Returns the first such key whose value differs, or NULL.
 */
static const char *fixed_key(const struct conf *c, const struct conf *n)
{
	int i;

	if (c->nlisten != n->nlisten)
		return "[listen]";
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].kind != n->listen[i].kind ||
		    c->listen[i].any != n->listen[i].any ||
		    c->listen[i].addrlen != n->listen[i].addrlen ||
		    memcmp(&c->listen[i].addr, &n->listen[i].addr,
			   c->listen[i].addrlen))
			return "[listen]";
	if (strcmp(c->hostname, n->hostname))
		return "hostname";
	if (strcmp(c->run_as, n->run_as))
		return "user";
	if (strcmp(c->users_file, n->users_file))
		return "users";
	if (strcmp(c->mail_root, n->mail_root))
		return "mail_root";
	if (strcmp(c->spool, n->spool))
		return "spool";
	if (c->store_threads != n->store_threads)
		return "store_threads";
	if (c->max_sessions != n->max_sessions)
		return "max_sessions";
	if (c->queue_interval != n->queue_interval)
		return "queue_interval";
	if (c->ndkim != n->ndkim ||
	    memcmp(c->dkim, n->dkim, sizeof(c->dkim[0]) * c->ndkim))
		return "[dkim]";
	return NULL;
}

/* The rest takes effect at the next command or connection. */
static void take_live(struct conf *c, const struct conf *n)
{
	memcpy(c->postmaster, n->postmaster, sizeof(c->postmaster));
	memcpy(c->tls_cert, n->tls_cert, sizeof(c->tls_cert));
	memcpy(c->tls_key, n->tls_key, sizeof(c->tls_key));
	memcpy(c->domains, n->domains, sizeof(c->domains));
	c->ndomains = n->ndomains;
	memcpy(c->mynetworks, n->mynetworks, sizeof(c->mynetworks));
	c->nnetworks = n->nnetworks;
	c->mynetworks_set = n->mynetworks_set;
	memcpy(c->transports, n->transports, sizeof(c->transports));
	c->ntransports = n->ntransports;
	c->max_message_size = n->max_message_size;
	c->max_recipients = n->max_recipients;
	c->max_errors = n->max_errors;
	c->max_sessions_per_ip = n->max_sessions_per_ip;
	c->max_user_sessions = n->max_user_sessions;
	c->max_connection_rate = n->max_connection_rate;
	c->timeout = n->timeout;
	c->command_deadline = n->command_deadline;
	c->data_deadline = n->data_deadline;
	c->retry_min = n->retry_min;
	c->retry_max = n->retry_max;
	c->queue_lifetime = n->queue_lifetime;
	c->delay_warning = n->delay_warning;
	c->plaintext_auth = n->plaintext_auth;
}

/*
 * SIGHUP, as `systemctl reload` sends it: the configuration file, the TLS
 * certificate and key and the users file are read again. A reload is whole
 * or nothing: if any of them fails, the daemon goes on as it was and says
 * why. Open sessions keep the TLS context they started with (OpenSSL counts
 * its references); new ones get the new one.
 */
static void reload(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	SSL_CTX *tls = NULL;
	const char *key;
	struct conf n;
	char err[512];

	(void)sig;
	(void)what;
	notify_send("RELOADING=1");
	if (conf_load(srv->conf_path, &n, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload: %s; going on as before", err);
		goto out;
	}
	if (n.tls_cert[0]) {
		tls = tls_server_ctx(n.tls_cert, n.tls_key, err, sizeof(err));
		if (!tls) {
			log_msg(LOG_ERR, "reload: TLS: %s; going on as before",
				err);
			goto out;
		}
	} else if (conf_needs_tls(&srv->conf)) {
		log_msg(LOG_ERR, "reload: [listen] smtps, pop3s and imaps need "
			"tls_cert and tls_key in [server]; going on as before");
		goto out;
	}
	key = fixed_key(&srv->conf, &n);
	if (key)
		log_msg(LOG_WARNING, "warning: reload: %s changed: it takes "
			"effect at restart", key);
	take_live(&srv->conf, &n);
	if (srv->tls)
		SSL_CTX_free(srv->tls);
	srv->tls = tls;
	/* Read the users file even if its time stamps did not change. */
	memset(&srv->users_st, 0, sizeof(srv->users_st));
	server_users(srv);
	log_msg(LOG_INFO, "reloaded %s: %zu users, TLS %s", srv->conf_path,
		srv->users.n, srv->tls ? "on" : "off");
out:
	notify_send("READY=1");
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
	log_msg(LOG_INFO, "daemon started -- version %s, %zu users",
		NFPOST_VERSION, srv->users.n);
	if (notify_send("READY=1"))
		log_msg(LOG_WARNING, "cannot tell systemd we are ready");
	event_base_dispatch(srv->base);
}

/*
 * The signals are caught before the first listener binds: from the moment
 * a client can connect, SIGTERM ends the daemon cleanly (a supervisor or a
 * test that saw the port answer may send it at once; libevent holds it
 * until the loop runs).
 */
static int run(struct server *srv)
{
	struct listeners ls = { 0 };
	struct event *term, *intr, *hup;
	int ret;

	term = evsignal_new(srv->base, SIGTERM, stop, srv);
	intr = evsignal_new(srv->base, SIGINT, stop, srv);
	hup = evsignal_new(srv->base, SIGHUP, reload, srv);
	ret = term && intr && hup && !event_add(term, NULL) &&
	      !event_add(intr, NULL) && !event_add(hup, NULL) ? 0 : -ENOMEM;
	fit_fd_limit(&srv->conf);
	if (!ret)
		ret = listeners_bind(srv, &ls);
	if (!ret)
		ret = drop_privileges(&srv->conf);
	if (!ret)
		ret = can_work(srv);
	if (!ret)
		cleanup_now(srv);
	if (!ret)
		ret = server_init_auth(srv);
	if (!ret) {
		/* The clients of the open sessions and of the last minute. */
		srv->clients = clients_new(4 * (unsigned int)srv->conf.max_sessions
					   + 256);
		ret = srv->clients ? 0 : -ENOMEM;
	}
	if (!ret) {
		srv->authfail = authfail_new(AUTHFAIL_TABLE,
				(unsigned int)srv->conf.max_login_failures);
		ret = srv->authfail ? 0 : -ENOMEM;
	}
	if (!ret) {
		server_users(srv);
		srv->maildirs = maildirs_new(srv->conf.store_threads);
		srv->workers = workers_new(srv->base, srv->conf.store_threads);
		ret = srv->workers && srv->maildirs ? relay_init(srv) : -ENOMEM;
	}
	if (!ret)
		ret = cleanup_init(srv);
	if (!ret)
		ret = listeners_start(srv, &ls);
	if (!ret)
		loop(srv);
	/* The workers first: what they still hold refers to the rest. */
	workers_free(srv->workers);
	maildirs_free(srv->maildirs);
	cleanup_free(srv);
	relay_free(srv);
	smtp_session_free_all(srv);
	pop3_session_free_all(srv);
	imap_session_free_all(srv);
	clients_free(srv->clients);
	if (srv->authfail) {
		const struct authfail_stats *st = authfail_stats(srv->authfail);

		log_msg(LOG_INFO, "login failures: %lu, refused %lu, "
			"reused entries %lu", st->failures, st->refused,
			st->evicted);
		authfail_free(srv->authfail);
	}
	listeners_close(&ls);
	if (term)
		event_free(term);
	if (intr)
		event_free(intr);
	if (hup)
		event_free(hup);
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
	/*
	 * One malloc arena for all threads (unless MALLOC_ARENA_MAX says
	 * otherwise). glibc gives each thread an arena of its own, up to 8
	 * per CPU: a view of a large mailbox read by one worker, freed by the
	 * event loop and read again by another worker stays in the first
	 * one's arena, and with 16 workers RSS grew by 60 MB each time a
	 * 100,000-message mailbox was opened (bench/imap's rounds), where
	 * one arena holds it level. The threads mostly wait on disks.
	 */
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, 1);
	log_open(verbose);
	signal(SIGPIPE, SIG_IGN);
	srv.conf_path = path;
	if (conf_load(path, &srv.conf, err, sizeof(err))) {
		fprintf(stderr, "nfpostd: %s\n", err);
		return 1;
	}
	ret = setup(&srv);
	if (!ret)
		ret = dkim_sign_init(&srv);	/* key files: as root */
	if (!ret)
		ret = authcheck_init(&srv.conf);
	if (!ret)
		ret = run(&srv);
	authcheck_free();
	dkim_sign_free(&srv);
	if (srv.base)
		event_base_free(srv.base);
	if (srv.tls)
		SSL_CTX_free(srv.tls);
	users_free(&srv.users);
	free(srv.dummy_hash);
	return ret ? 1 : 0;
}
