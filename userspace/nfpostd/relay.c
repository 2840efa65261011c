// SPDX-License-Identifier: GPL-2.0
/*
 * The relay: works the queue. Every queue_interval seconds, after each
 * message queued, and on SIGUSR1 (`nfpost mail queue flush`), each message
 * due is sent to the next hop of each of its recipients' domains. A 4xx
 * or a failed connection is tried again later, waiting twice as long each
 * time; a 5xx, or a message older than queue_lifetime, bounces to its
 * sender with a delivery status notification.
 */
#include <errno.h>
#include <netdb.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/util.h>

#include "dsn.h"
#include "log.h"
#include "maildir.h"
#include "mailaddr.h"
#include "mx.h"
#include "queue.h"
#include "relay.h"
#include "smtp_client.h"
#include "store.h"
#include "workers.h"

struct relay {
	struct server *srv;
	struct event *timer, *kick, *usr1;
	SSL_CTX *tls;			/* client side, no verification */
	struct attempt *inflight;
	bool flush;			/* SIGUSR1: due or not, try now */
};

/*
 * One queued message being sent: one job per next hop. Reading it and
 * finding its next hops (MX and address lookups block) happen in a
 * worker; the jobs then run in the event loop.
 */
struct attempt {
	struct work w;			/* first: the work is the attempt */
	struct attempt *next;
	struct relay *r;
	struct queue_entry e;
	char *msg;			/* the message after the envelope */
	size_t msg_len;
	struct smtp_client_job *jobs;
	int njobs, left;
	struct smtp_client_rcpt *crcpts;	/* one per pending recipient */
	int *index;			/* crcpt -> e.rcpts */
	int ncrcpt;
	char (*hosts)[256];
	char (*ports)[16];
	bool ready;			/* prepare() found something to send */
	bool started;			/* its jobs are out: they free it */
};

static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

static void attempt_free(struct attempt *a)
{
	int i;

	for (i = 0; i < a->njobs; i++)
		if (a->jobs[i].ai)
			freeaddrinfo(a->jobs[i].ai);
	queue_entry_free(&a->e);
	free(a->msg);
	free(a->jobs);
	free(a->crcpts);
	free(a->index);
	free(a->hosts);
	free(a->ports);
	free(a);
}

static int read_message(const char *spool, struct attempt *a)
{
	char path[PATH_MAX];
	ssize_t n;
	size_t len = (size_t)(a->e.size - a->e.body_off);
	int fd;

	snprintf(path, sizeof(path), "%s/new/%s", spool, a->e.name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	a->msg = malloc(len + 1);
	n = a->msg ? pread(fd, a->msg, len, a->e.body_off) : -1;
	close(fd);
	if (n != (ssize_t)len)
		return -EIO;
	a->msg_len = len;
	return 0;
}

/* Bounces go to the sender: into a local Maildir, or queued from <>. */
static void bounce(struct relay *r, struct attempt *a,
		   const struct dsn_failure *f, int n)
{
	struct server *srv = r->srv;
	struct store_msg m = { .from = "" };
	char id[16], rcvd[512], date[64], name[256], *to = a->e.from;
	const struct user *u = NULL;
	struct mailaddr addr;
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	snprintf(id, sizeof(id), "%.11sB", a->e.id);
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	snprintf(rcvd, sizeof(rcvd), "Received: by %s (nfpostd) id %s;\r\n"
		 "\t%s\r\n", srv->conf.hostname, id, date);
	m.id = id;
	m.received = rcvd;
	m.body = evbuffer_new();
	if (!m.body)
		return;
	dsn_build(m.body, srv->conf.hostname, id, &a->e, f, n, a->msg,
		  a->msg_len);
	if (!mailaddr_parse(to, false, true, &addr, NULL) &&
	    conf_is_local_domain(&srv->conf, addr.domain))
		u = server_local_user(srv, addr.local);
	if (u)
		ret = store_local(srv, u->name, &m, name, sizeof(name));
	else
		ret = store_queue(srv, &m, &to, 1);
	log_msg(ret ? LOG_ERR : LOG_INFO, "%s: sender non-delivery "
		"notification: %s%s", a->e.id, id, ret ? " NOT stored" : "");
	evbuffer_free(m.body);
	if (!ret && !u)
		relay_kick(srv);
}

/* The job that carried pending recipient @i. */
static const struct smtp_client_job *job_of(const struct attempt *a, int i)
{
	int j;

	for (j = 0; j < a->njobs; j++)
		if (&a->crcpts[i] >= a->jobs[j].rcpts &&
		    &a->crcpts[i] < a->jobs[j].rcpts + a->jobs[j].nrcpt)
			return &a->jobs[j];
	return NULL;
}

static void log_result(struct attempt *a, int i)
{
	const struct smtp_client_rcpt *c = &a->crcpts[i];
	const struct smtp_client_job *job = job_of(a, i);

	log_msg(LOG_INFO, "%s: to=<%s>, relay=%s, status=%s (%s)", a->e.id,
		c->addr, job ? job->peer : "none",
		c->status == CLIENT_SENT ? "sent" :
		c->status == CLIENT_PERM ? "bounced" : "deferred", c->reply);
}

/* Which recipients are done, which bounce; then remove or reschedule. */
static void settle(struct relay *r, struct attempt *a)
{
	const struct conf *conf = &r->srv->conf;
	struct dsn_failure f[a->ncrcpt];
	char status[a->ncrcpt][16];
	bool expired = time(NULL) - a->e.arrival >= conf->queue_lifetime;
	int i, nf = 0, pending = 0, wait;

	for (i = 0; i < a->ncrcpt; i++) {
		struct smtp_client_rcpt *c = &a->crcpts[i];

		log_result(a, i);
		if (c->status == CLIENT_TEMP && !expired) {
			pending++;
			snprintf(a->e.last_error, sizeof(a->e.last_error),
				 "%s", c->reply);
			continue;
		}
		a->e.rcpts[a->index[i]].done = true;
		if (c->status == CLIENT_SENT)
			continue;
		if (c->status == CLIENT_TEMP)
			snprintf(status[nf], sizeof(status[nf]), "4.4.7");
		else
			dsn_status(c->reply, status[nf], sizeof(status[nf]));
		f[nf] = (struct dsn_failure){
			.rcpt = c->addr, .status = status[nf],
			.remote = c->status == CLIENT_PERM ?
				  job_of(a, i)->peer : "",
			.diagnostic = c->reply,
		};
		nf++;
	}
	if (nf && a->e.from[0])
		bounce(r, a, f, nf);
	if (!pending) {
		queue_remove(conf->spool, a->e.name);
		log_msg(LOG_INFO, "%s: removed", a->e.id);
		return;
	}
	a->e.attempts++;
	wait = conf->retry_min;
	for (i = 1; i < a->e.attempts && wait < conf->retry_max; i++)
		wait *= 2;
	a->e.next = time(NULL) + (wait < conf->retry_max ? wait :
				  conf->retry_max);
	if (queue_save_state(conf->spool, &a->e))
		log_msg(LOG_ERR, "%s: cannot save its queue state", a->e.id);
}

static void unlink_inflight(struct relay *r, struct attempt *a)
{
	struct attempt **p;

	for (p = &r->inflight; *p; p = &(*p)->next) {
		if (*p == a) {
			*p = a->next;
			return;
		}
	}
}

static void job_done(struct smtp_client_job *job)
{
	struct attempt *a = job->arg;

	if (--a->left)
		return;
	settle(a->r, a);
	unlink_inflight(a->r, a);
	attempt_free(a);
}

/* The next hop of @domain: its transport entry, or its MX on port 25. */
static int next_hop(struct relay *r, const char *domain, char *host,
		    char *port)
{
	const struct conf_transport *t;

	t = conf_transport_find(&r->srv->conf, domain);
	if (t) {
		snprintf(host, 256, "%s", t->host);
		snprintf(port, 16, "%s", t->port);
		return 0;
	}
	snprintf(port, 16, "25");
	return mx_lookup(domain, host, 256);
}

static int alloc_attempt(struct attempt *a, int n)
{
	a->crcpts = calloc((size_t)n, sizeof(*a->crcpts));
	a->index = calloc((size_t)n, sizeof(*a->index));
	a->jobs = calloc((size_t)n, sizeof(*a->jobs));
	a->hosts = calloc((size_t)n, sizeof(*a->hosts));
	a->ports = calloc((size_t)n, sizeof(*a->ports));
	return a->crcpts && a->index && a->jobs && a->hosts && a->ports ?
	       0 : -ENOMEM;
}

/*
 * Groups the pending recipients by domain, in queue order, so that each
 * job's recipients are consecutive in crcpts.
 */
static int plan(struct relay *r, struct attempt *a)
{
	int i, j, n = 0;

	for (i = 0; i < a->e.nrcpt; i++)
		n += !a->e.rcpts[i].done;
	if (!n || alloc_attempt(a, n))
		return -ENOMEM;
	for (i = 0; i < a->e.nrcpt; i++) {
		const char *d = domain_of(a->e.rcpts[i].addr);
		struct smtp_client_job *job = NULL;

		if (a->e.rcpts[i].done)
			continue;
		for (j = 0; j < a->njobs && !job; j++) {
			const char *jd = domain_of(a->jobs[j].rcpts[0].addr);

			if (mailaddr_domain_eq(jd, d))
				job = &a->jobs[j];
		}
		if (job && job->rcpts + job->nrcpt != &a->crcpts[a->ncrcpt])
			job = NULL;	/* not consecutive: a job of its own */
		if (!job) {
			job = &a->jobs[a->njobs];
			job->rcpts = &a->crcpts[a->ncrcpt];
			if (next_hop(r, d, a->hosts[a->njobs],
				     a->ports[a->njobs]))
				snprintf(a->hosts[a->njobs], 256, "%s", d);
			job->host = a->hosts[a->njobs];
			job->port = a->ports[a->njobs];
			a->njobs++;
		}
		a->index[a->ncrcpt] = i;
		a->crcpts[a->ncrcpt++].addr = a->e.rcpts[i].addr;
		job->nrcpt++;
	}
	return 0;
}

/* The addresses of each job's next hop. */
static void resolve(struct attempt *a)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct smtp_client_job *job;
	int i, ret;

	for (i = 0; i < a->njobs; i++) {
		job = &a->jobs[i];
		ret = getaddrinfo(job->host, job->port, &hints, &job->ai);
		if (ret) {
			job->ai = NULL;
			snprintf(job->resolve_error, sizeof(job->resolve_error),
				 "cannot find %s: %s", job->host,
				 gai_strerror(ret));
		}
	}
}

static void start(struct relay *r, struct attempt *a)
{
	int i;

	a->left = a->njobs;
	for (i = 0; i < a->njobs; i++) {
		a->jobs[i].helo = r->srv->conf.hostname;
		a->jobs[i].from = a->e.from;
		a->jobs[i].msg = a->msg;
		a->jobs[i].msg_len = a->msg_len;
		a->jobs[i].timeout = r->srv->conf.timeout;
		a->jobs[i].done = job_done;
		a->jobs[i].arg = a;
		smtp_client_start(r->srv->base, r->tls, &a->jobs[i]);
	}
}

static bool inflight(struct relay *r, const char *name)
{
	struct attempt *a;

	for (a = r->inflight; a; a = a->next)
		if (!strcmp(a->e.name, name))
			return true;
	return false;
}

/* In a worker: the message, its next hops and their addresses. */
static void prepare(struct work *w)
{
	struct attempt *a = (struct attempt *)w;
	const char *spool = a->r->srv->conf.spool;

	a->ready = !read_message(spool, a) && !plan(a->r, a);
	if (a->ready)
		resolve(a);
}

static void prepared(struct work *w)
{
	struct attempt *a = (struct attempt *)w;

	if (a->ready) {
		a->started = true;
		start(a->r, a);
		return;
	}
	unlink_inflight(a->r, a);
	attempt_free(a);
}

static void try_one(struct relay *r, const char *name, time_t now)
{
	struct attempt *a;

	if (inflight(r, name))
		return;
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	a->r = r;
	if (queue_load(r->srv->conf.spool, name, &a->e) ||
	    (a->e.next > now && !r->flush)) {
		attempt_free(a);
		return;
	}
	a->next = r->inflight;
	r->inflight = a;
	a->w.run = prepare;
	a->w.done = prepared;
	workers_submit(r->srv->workers, &a->w);
}

static void run_queue(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	time_t now = time(NULL);
	char **names;
	int i, n;

	(void)fd;
	(void)what;
	if (queue_names(r->srv->conf.spool, &names, &n))
		return;
	for (i = 0; i < n; i++)
		try_one(r, names[i], now);
	queue_names_free(names, n);
	r->flush = false;
}

static void on_usr1(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	(void)fd;
	(void)what;
	r->flush = true;
	run_queue(-1, 0, r);
}

static int write_pidfile(const char *spool)
{
	char path[PATH_MAX], buf[32];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), "%s/nfpostd.pid", spool);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)len) != len)
		ret = -EIO;
	close(fd);
	return ret;
}

int relay_init(struct server *srv)
{
	struct timeval tv = { .tv_sec = srv->conf.queue_interval };
	struct relay *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->srv = srv;
	r->tls = SSL_CTX_new(TLS_client_method());
	r->timer = event_new(srv->base, -1, EV_PERSIST, run_queue, r);
	r->kick = event_new(srv->base, -1, 0, run_queue, r);
	r->usr1 = evsignal_new(srv->base, SIGUSR1, on_usr1, r);
	if (!r->tls || !r->timer || !r->kick || !r->usr1)
		return -ENOMEM;
	SSL_CTX_set_verify(r->tls, SSL_VERIFY_NONE, NULL);
	event_add(r->timer, &tv);
	event_add(r->usr1, NULL);
	srv->relay = r;
	if (maildir_create(srv->conf.spool) ||
	    write_pidfile(srv->conf.spool))
		log_msg(LOG_WARNING, "%s: cannot write nfpostd.pid",
			srv->conf.spool);
	event_active(r->kick, EV_TIMEOUT, 0);	/* what was left queued */
	return 0;
}

void relay_kick(struct server *srv)
{
	if (srv->relay)
		event_active(srv->relay->kick, EV_TIMEOUT, 0);
}

void relay_free(struct server *srv)
{
	struct relay *r = srv->relay;
	struct attempt **p;

	if (!r)
		return;
	/* Prepared by the (now stopped) workers but never started. */
	for (p = &r->inflight; *p;) {
		struct attempt *a = *p;

		if (a->started) {
			p = &a->next;
			continue;
		}
		*p = a->next;
		attempt_free(a);
	}
	event_free(r->timer);
	event_free(r->kick);
	event_free(r->usr1);
	SSL_CTX_free(r->tls);
	free(r);
	srv->relay = NULL;
}
