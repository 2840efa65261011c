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
#include <stddef.h>
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
#include "rfc5322.h"
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

/* Next hops tried per domain, and addresses per domain over them all. */
#define HOPS_MAX	5
#define ADDRS_MAX	10

/* One address of a next hop, its host name as ai_canonname. */
struct hop_addr {
	struct addrinfo ai;		/* first: freed as one */
	struct sockaddr_storage ss;
};

/*
 * One queued message being sent: one job per next hop. Reading it and
 * finding its next hops (MX and address lookups block) happen in a
 * worker; the jobs then run in the event loop. What they found goes to
 * disk from a worker again: each job's deliveries at the next hop's 250
 * while other jobs are still out (so that a crash resends to no one the
 * next hop took before), then the whole outcome with the bounce.
 *
 *   try_one -> prepare (worker) -> start: jobs (loop)
 *     job_sent/job_done, others still out: save_run (worker) -> save_done
 *     the last job_done: decide (loop) -> settle_run (worker) -> settled
 */
struct attempt {
	struct work w;			/* first: prepare, settle_run */
	struct work save_w;		/* state saves while jobs run */
	struct attempt *next;
	struct relay *r;
	struct queue_entry e;
	char *msg;			/* the message after the envelope */
	size_t msg_len;
	struct smtp_client_job *jobs;
	int njobs, left;
	struct smtp_client_rcpt *crcpts;	/* one per pending recipient */
	int *index;			/* crcpt -> e.rcpts */
	bool *logged;			/* crcpt's result is in the log */
	int ncrcpt;
	char (*hosts)[HOPS_MAX][MX_HOST_MAX];	/* per job, best first */
	int *nhosts;
	char (*ports)[16];
	bool ready;			/* prepare() found something to send */
	bool removed;			/* prepare() found all done */
	bool sending;			/* its jobs are out: they free it */
	bool flush_again;		/* a flush came while it was out */
	/* State saves: one at a time, the latest state wins. */
	char *state;
	size_t state_len;
	int save_ret;
	bool saving, dirty, settle_pending;
	/* The outcome, decided in the loop, written in a worker. */
	struct dsn_failure *fail;
	char (*fail_status)[16];
	int nfail, pending;
	char bounce_user[USERS_NAME_MAX + 1];	/* "": queue the bounce */
	int bounce_ret, final_ret;
};

#define SAVE_ATTEMPT(w) \
	((struct attempt *)((char *)(w) - offsetof(struct attempt, save_w)))

static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

static void addrs_free(struct addrinfo *ai)
{
	struct addrinfo *next;

	for (; ai; ai = next) {
		next = ai->ai_next;
		free(ai);	/* the struct hop_addr */
	}
}

static void attempt_free(struct attempt *a)
{
	int i;

	for (i = 0; i < a->njobs; i++)
		addrs_free(a->jobs[i].ai);
	queue_entry_free(&a->e);
	free(a->msg);
	free(a->jobs);
	free(a->crcpts);
	free(a->index);
	free(a->logged);
	free(a->hosts);
	free(a->nhosts);
	free(a->ports);
	free(a->state);
	free(a->fail);
	free(a->fail_status);
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

/* B for a bounce (as before notices came), D delay, S success. */
static void notice_id(const struct queue_entry *e,
		      const struct dsn_failure *f, int n, char *id,
		      size_t len)
{
	bool delayed = false;
	int i;

	for (i = 0; i < n; i++) {
		if (f[i].action == DSN_FAILED) {
			snprintf(id, len, "%.11sB", e->id);
			return;
		}
		delayed |= f[i].action == DSN_DELAYED;
	}
	snprintf(id, len, "%.11s%c%02X", e->id, delayed ? 'D' : 'S',
		 (unsigned int)e->attempts & 0xff);
}

int relay_dsn_send(struct server *srv, const struct queue_entry *e,
		   const struct dsn_failure *f, int n, const char *msg,
		   size_t msg_len, const char *user)
{
	struct store_msg m = { .from = "" };
	char id[16], rcvd[512], date[64], name[256];
	const char *to = e->from;
	int ret;

	notice_id(e, f, n, id, sizeof(id));
	rfc5322_format_date(date, sizeof(date), time(NULL));
	snprintf(rcvd, sizeof(rcvd), "Received: by %s (nfpostd) id %s;\r\n"
		 "\t%s\r\n", srv->conf.hostname, id, date);
	m.id = id;
	m.received = rcvd;
	/* The whole message goes back as it came, 8-bit or not. */
	m.body_8bit = dsn_returns_full(e, f, n) && e->body_8bit;
	m.body = evbuffer_new();
	if (!m.body)
		return -ENOMEM;
	dsn_build(m.body, srv->conf.hostname, id, e, f, n, msg, msg_len);
	if (user[0])
		ret = store_local(srv, user, &m, name, sizeof(name));
	else
		ret = store_queue(srv, &m, (char *const *)&to, 1);
	log_msg(ret ? LOG_ERR : LOG_INFO, "%s: sender %s notification: %s%s",
		e->id, id[11] == 'B' ? "non-delivery" : id[11] == 'D' ?
		"delay" : "delivery status", id, ret ? " NOT stored" : "");
	evbuffer_free(m.body);
	return ret;
}

/* In a worker: the notice to the sender, where the loop found it goes. */
static int bounce(struct relay *r, struct attempt *a)
{
	return relay_dsn_send(r->srv, &a->e, a->fail, a->nfail, a->msg,
			      a->msg_len, a->bounce_user);
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

	if (a->logged[i])
		return;
	a->logged[i] = true;
	log_msg(LOG_INFO, "%s: to=<%s>, relay=%s, status=%s (%s)", a->e.id,
		c->addr, job ? job->peer : "none",
		c->status == CLIENT_SENT ? "sent" :
		c->status == CLIENT_PERM ? "bounced" : "deferred", c->reply);
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

void relay_dsn_user(struct server *srv, const char *addr, char *user)
{
	const struct user *u = NULL;
	struct mailaddr ma;

	user[0] = '\0';
	if (!mailaddr_parse(addr, false, true, &ma, NULL) &&
	    conf_is_local_domain(&srv->conf, ma.domain))
		u = server_local_user(srv, ma.local);
	if (u)
		snprintf(user, USERS_NAME_MAX + 1, "%s", u->name);
}

/* In the loop: a local sender gets its notices in its Maildir. */
static void find_bounce_user(struct relay *r, struct attempt *a)
{
	relay_dsn_user(r->srv, a->e.from, a->bounce_user);
}

/*
 * What the sender hears of recipient @i (RFC 3461 4.1): a failure unless
 * NOTIFY left FAILURE out; a delay once, when the message is older than
 * delay_warning, unless NOTIFY left DELAY out; a success only if asked,
 * and only when the next hop does not take the duty on (it offered DSN
 * and got our NOTIFY).
 */
static void notice(struct attempt *a, int i, bool warn)
{
	const struct smtp_client_rcpt *c = &a->crcpts[i];
	const struct smtp_client_job *job = job_of(a, i);
	unsigned int notify = a->e.rcpts[a->index[i]].notify;
	char *status = a->fail_status[a->nfail];
	enum dsn_action act;

	if (c->status == CLIENT_SENT) {
		if (!(notify & DSN_NOTIFY_SUCCESS) || (job && job->dsn))
			return;
		act = DSN_RELAYED;
		snprintf(status, 16, "2.0.0");
	} else if (c->status == CLIENT_TEMP && !a->e.rcpts[a->index[i]].done) {
		if (!warn || (notify && !(notify & DSN_NOTIFY_DELAY)))
			return;
		act = DSN_DELAYED;
		dsn_status(c->reply, status, 16);
		status[0] = '4';
	} else {
		if (notify && !(notify & DSN_NOTIFY_FAILURE))
			return;
		act = DSN_FAILED;
		if (c->status == CLIENT_TEMP)
			snprintf(status, 16, "4.4.7");
		else
			dsn_status(c->reply, status, 16);
	}
	a->fail[a->nfail++] = (struct dsn_failure){
		.rcpt = c->addr, .status = status,
		.remote = c->status != CLIENT_TEMP && job ? job->peer : "",
		.diagnostic = c->reply, .action = act,
		.orcpt = a->e.rcpts[a->index[i]].orcpt,
	};
}

/*
 * In the loop, once every job ended: which recipients are done, which
 * bounce, when to try the others again.
 */
static int decide(struct relay *r, struct attempt *a)
{
	const struct conf *conf = &r->srv->conf;
	time_t age = time(NULL) - a->e.arrival;
	bool expired = age >= conf->queue_lifetime;
	bool warn = conf->delay_warning && age >= conf->delay_warning &&
		    !a->e.warned;
	int i, wait;

	a->fail = calloc((size_t)a->ncrcpt, sizeof(*a->fail));
	a->fail_status = calloc((size_t)a->ncrcpt, sizeof(*a->fail_status));
	if (!a->fail || !a->fail_status)
		return -ENOMEM;
	for (i = 0; i < a->ncrcpt; i++) {
		struct smtp_client_rcpt *c = &a->crcpts[i];

		if (c->status == CLIENT_TEMP && !expired) {
			a->pending++;
			snprintf(a->e.last_error, sizeof(a->e.last_error),
				 "%s", c->reply);
		} else {
			a->e.rcpts[a->index[i]].done = true;
		}
		if (a->e.from[0])
			notice(a, i, warn);
	}
	for (i = 0; i < a->nfail; i++)
		a->e.warned |= a->fail[i].action == DSN_DELAYED;
	if (a->nfail)
		find_bounce_user(r, a);
	if (!a->pending)
		return 0;
	a->e.attempts++;
	wait = conf->retry_min;
	for (i = 1; i < a->e.attempts && wait < conf->retry_max; i++)
		wait *= 2;
	a->e.next = time(NULL) + (wait < conf->retry_max ? wait :
				  conf->retry_max);
	free(a->state);
	a->state = queue_state_format(&a->e, &a->state_len);
	return a->state ? 0 : -ENOMEM;
}

/*
 * In a worker: the bounce, then the message's removal or its state. The
 * results are logged before a removal (as Postfix's "removed" comes last)
 * and after a state write.
 */
static void settle_run(struct work *w)
{
	struct attempt *a = (struct attempt *)w;
	const char *spool = a->r->srv->conf.spool;
	int i;

	if (a->nfail)
		a->bounce_ret = bounce(a->r, a);
	if (a->pending)
		a->final_ret = queue_state_write(spool, a->e.name, a->state,
						 a->state_len);
	for (i = 0; i < a->ncrcpt; i++)
		log_result(a, i);
	if (!a->pending)
		a->final_ret = queue_remove(spool, a->e.name);
	if (a->final_ret)
		log_msg(LOG_ERR, "%s: cannot %s: %s", a->e.id, a->pending ?
			"save its queue state" : "remove it",
			strerror(-a->final_ret));
	else if (!a->pending)
		log_msg(LOG_INFO, "%s: removed", a->e.id);
}

static void try_one(struct relay *r, const char *name, time_t now,
		    bool force);

/*
 * Done. A flush that found it under way (its results were logged, its
 * state written, so the flush could well be meant for them) tries it once
 * more.
 */
static void settled(struct work *w)
{
	struct attempt *a = (struct attempt *)w;
	struct relay *r = a->r;
	char name[sizeof(a->e.name)];
	bool again = a->flush_again && a->pending && !a->final_ret;

	if (a->nfail && !a->bounce_ret && !a->bounce_user[0])
		relay_kick(r->srv);
	snprintf(name, sizeof(name), "%s", a->e.name);
	unlink_inflight(r, a);
	attempt_free(a);
	if (again)
		try_one(r, name, time(NULL), true);
}

static void start_settle(struct attempt *a)
{
	struct relay *r = a->r;
	int ret = decide(r, a);

	a->sending = false;
	if (ret) {
		/* Out of memory: as if never tried; the next run retries. */
		log_msg(LOG_ERR, "%s: %s", a->e.id, strerror(-ret));
		unlink_inflight(r, a);
		attempt_free(a);
		return;
	}
	a->w.run = settle_run;
	a->w.done = settled;
	workers_submit(r->srv->workers, &a->w);
}

static void save_run(struct work *w)
{
	struct attempt *a = SAVE_ATTEMPT(w);

	a->save_ret = queue_state_write(a->r->srv->conf.spool, a->e.name,
					a->state, a->state_len);
}

/* The state of @a, as it is now, to disk (after the save under way). */
static void request_save(struct attempt *a)
{
	if (a->saving) {
		a->dirty = true;
		return;
	}
	free(a->state);
	a->state = queue_state_format(&a->e, &a->state_len);
	if (!a->state)
		return;		/* the final settle writes it */
	a->saving = true;
	workers_submit(a->r->srv->workers, &a->save_w);
}

/* Saved: what it holds may be logged as done. */
static void save_done(struct work *w)
{
	struct attempt *a = SAVE_ATTEMPT(w);
	int i;

	a->saving = false;
	if (a->save_ret)
		log_msg(LOG_ERR, "%s: cannot save its queue state: %s",
			a->e.id, strerror(-a->save_ret));
	for (i = 0; !a->save_ret && i < a->ncrcpt; i++)
		if (a->crcpts[i].status == CLIENT_SENT &&
		    a->e.rcpts[a->index[i]].done)
			log_result(a, i);
	if (a->dirty) {
		a->dirty = false;
		request_save(a);
	}
	if (!a->saving && a->settle_pending) {
		a->settle_pending = false;
		start_settle(a);
	}
}

/* @job's accepted recipients to disk now: other jobs are still out. */
static void record_sent(struct attempt *a, struct smtp_client_job *job)
{
	bool sent = false;
	int i;

	for (i = 0; i < job->nrcpt; i++) {
		bool *done = &a->e.rcpts[a->index[job->rcpts + i -
						  a->crcpts]].done;

		if (job->rcpts[i].status != CLIENT_SENT || *done)
			continue;
		*done = true;
		sent = true;
	}
	if (sent)
		request_save(a);
}

/*
 * The data's 250: recorded at once, before QUIT, unless this is the last
 * job, whose outcome goes to disk with the whole (one write, not two).
 */
static void job_sent(struct smtp_client_job *job)
{
	struct attempt *a = job->arg;

	if (a->left > 1)
		record_sent(a, job);
}

static void job_done(struct smtp_client_job *job)
{
	struct attempt *a = job->arg;

	if (--a->left) {
		record_sent(a, job);
		return;
	}
	if (a->saving) {
		a->settle_pending = true;
		return;
	}
	start_settle(a);
}

/* In a worker: the next hops of @domain, its transport entry or its MX. */
static int next_hops(struct relay *r, const char *domain,
		     char (*hosts)[MX_HOST_MAX], char *port)
{
	const struct conf_transport *t;
	int n;

	t = conf_transport_find(&r->srv->conf, domain);
	if (t) {
		snprintf(hosts[0], MX_HOST_MAX, "%s", t->host);
		snprintf(port, 16, "%s", t->port);
		return 1;
	}
	snprintf(port, 16, "25");
	n = mx_lookup(domain, hosts, HOPS_MAX);
	if (n > 0)
		return n;
	snprintf(hosts[0], MX_HOST_MAX, "%s", domain);
	return 1;
}

static int alloc_attempt(struct attempt *a, int n)
{
	a->crcpts = calloc((size_t)n, sizeof(*a->crcpts));
	a->index = calloc((size_t)n, sizeof(*a->index));
	a->logged = calloc((size_t)n, sizeof(*a->logged));
	return a->crcpts && a->index && a->logged ? 0 : -ENOMEM;
}

/* Room for one more job: the arrays grow with the domains, not @n. */
static int grow_jobs(struct attempt *a, int *cap)
{
	int n = *cap ? *cap * 2 : 4;
	void *jobs, *hosts, *nhosts, *ports;

	if (a->njobs < *cap)
		return 0;
	jobs = realloc(a->jobs, (size_t)n * sizeof(*a->jobs));
	if (jobs)
		a->jobs = jobs;
	hosts = realloc(a->hosts, (size_t)n * sizeof(*a->hosts));
	if (hosts)
		a->hosts = hosts;
	nhosts = realloc(a->nhosts, (size_t)n * sizeof(*a->nhosts));
	if (nhosts)
		a->nhosts = nhosts;
	ports = realloc(a->ports, (size_t)n * sizeof(*a->ports));
	if (ports)
		a->ports = ports;
	if (!jobs || !hosts || !nhosts || !ports)
		return -ENOMEM;
	memset(a->jobs + *cap, 0, (size_t)(n - *cap) * sizeof(*a->jobs));
	*cap = n;
	return 0;
}

/*
 * Groups the pending recipients by domain, in queue order, so that each
 * job's recipients are consecutive in crcpts.
 */
static int plan(struct relay *r, struct attempt *a)
{
	int i, j, n = 0, cap = 0;

	for (i = 0; i < a->e.nrcpt; i++)
		n += !a->e.rcpts[i].done;
	if (!n)
		return -ENOENT;
	if (alloc_attempt(a, n))
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
			if (grow_jobs(a, &cap))
				return -ENOMEM;
			j = a->njobs++;
			job = &a->jobs[j];
			job->rcpts = &a->crcpts[a->ncrcpt];
			a->nhosts[j] = next_hops(r, d, a->hosts[j],
						 a->ports[j]);
		}
		a->index[a->ncrcpt] = i;
		a->crcpts[a->ncrcpt].notify = a->e.rcpts[i].notify;
		a->crcpts[a->ncrcpt].orcpt = a->e.rcpts[i].orcpt;
		a->crcpts[a->ncrcpt++].addr = a->e.rcpts[i].addr;
		job->nrcpt++;
	}
	for (j = 0; j < a->njobs; j++) {	/* the arrays moved no more */
		a->jobs[j].host = a->hosts[j][0];
		a->jobs[j].port = a->ports[j];
	}
	return 0;
}

/* @host's addresses appended to *@tail_r, up to ADDRS_MAX in all. */
static int add_addrs(const char *host, const char *port, int *n,
		     struct addrinfo ***tail_r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct hop_addr *h;
	int ret;

	ret = getaddrinfo(host, port, &hints, &res);
	if (ret)
		return ret;
	for (ai = res; ai && *n < ADDRS_MAX; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(h->ss))
			continue;
		h = calloc(1, sizeof(*h));
		if (!h)
			break;
		h->ai = *ai;
		h->ai.ai_addr = (struct sockaddr *)&h->ss;
		memcpy(&h->ss, ai->ai_addr, ai->ai_addrlen);
		h->ai.ai_canonname = (char *)host;
		h->ai.ai_next = NULL;
		**tail_r = &h->ai;
		*tail_r = &h->ai.ai_next;
		(*n)++;
	}
	freeaddrinfo(res);
	return 0;
}

/* The addresses of each job's next hops, best hop first. */
static void resolve(struct attempt *a)
{
	struct smtp_client_job *job;
	struct addrinfo **tail;
	int i, h, n, ret;

	for (i = 0; i < a->njobs; i++) {
		job = &a->jobs[i];
		tail = &job->ai;
		n = 0;
		for (h = 0; h < a->nhosts[i] && n < ADDRS_MAX; h++) {
			ret = add_addrs(a->hosts[i][h], job->port, &n, &tail);
			if (ret)
				snprintf(job->resolve_error,
					 sizeof(job->resolve_error),
					 "cannot find %s: %s", a->hosts[i][h],
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
		a->jobs[i].body_8bit = a->e.body_8bit;
		a->jobs[i].smtputf8 = a->e.smtputf8;
		a->jobs[i].ret = a->e.ret;
		a->jobs[i].envid = a->e.envid;
		a->jobs[i].timeout = r->srv->conf.timeout;
		a->jobs[i].sent = job_sent;
		a->jobs[i].done = job_done;
		a->jobs[i].arg = a;
		smtp_client_start(r->srv->base, r->tls, &a->jobs[i]);
	}
}

/*
 * In a worker: the message, its next hops and their addresses. One whose
 * recipients are all done (a crash came before its removal) goes now.
 */
static void prepare(struct work *w)
{
	struct attempt *a = (struct attempt *)w;
	const char *spool = a->r->srv->conf.spool;
	int ret;

	ret = read_message(spool, a);
	if (!ret)
		ret = plan(a->r, a);
	if (ret == -ENOENT)
		a->removed = !queue_remove(spool, a->e.name);
	a->ready = !ret;
	if (a->ready)
		resolve(a);
}

static void prepared(struct work *w)
{
	struct attempt *a = (struct attempt *)w;

	if (a->ready) {
		a->sending = true;
		start(a->r, a);
		return;
	}
	if (a->removed)
		log_msg(LOG_INFO, "%s: removed", a->e.id);
	unlink_inflight(a->r, a);
	attempt_free(a);
}

/* @name, if due or @force; once it is, a flush of it again after. */
static void try_one(struct relay *r, const char *name, time_t now,
		    bool force)
{
	struct attempt *a;

	for (a = r->inflight; a; a = a->next) {
		if (!strcmp(a->e.name, name)) {
			a->flush_again |= force;
			return;
		}
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	a->r = r;
	if (queue_load(r->srv->conf.spool, name, &a->e) ||
	    (a->e.next > now && !force)) {
		attempt_free(a);
		return;
	}
	a->next = r->inflight;
	r->inflight = a;
	a->w.run = prepare;
	a->w.done = prepared;
	a->save_w.run = save_run;
	a->save_w.done = save_done;
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
		try_one(r, names[i], now, r->flush);
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
	if (!r->tls)
		goto fail_tls;
	r->timer = event_new(srv->base, -1, EV_PERSIST, run_queue, r);
	if (!r->timer)
		goto fail_timer;
	r->kick = event_new(srv->base, -1, 0, run_queue, r);
	if (!r->kick)
		goto fail_kick;
	r->usr1 = evsignal_new(srv->base, SIGUSR1, on_usr1, r);
	if (!r->usr1 || event_add(r->usr1, NULL))
		goto fail_usr1;
	if (event_add(r->timer, &tv))
		goto fail_timer_add;
	SSL_CTX_set_verify(r->tls, SSL_VERIFY_NONE, NULL);
	srv->relay = r;
	if (maildir_create(srv->conf.spool) ||
	    write_pidfile(srv->conf.spool))
		log_msg(LOG_WARNING, "%s: cannot write nfpostd.pid",
			srv->conf.spool);
	event_active(r->kick, EV_TIMEOUT, 0);	/* what was left queued */
	return 0;

fail_timer_add:
	event_del(r->usr1);
fail_usr1:
	if (r->usr1)
		event_free(r->usr1);
	event_free(r->kick);
fail_kick:
	event_free(r->timer);
fail_timer:
	SSL_CTX_free(r->tls);
fail_tls:
	free(r);
	return -ENOMEM;
}

void relay_kick(struct server *srv)
{
	if (srv->relay)
		event_active(srv->relay->kick, EV_TIMEOUT, 0);
}

void relay_free(struct server *srv)
{
	struct relay *r = srv->relay;

	if (!r)
		return;
	/*
	 * Prepared or settled by the (now stopped) workers, their done step
	 * never run, or with jobs out, whose connections go first.
	 */
	smtp_client_abort_all();
	while (r->inflight) {
		struct attempt *a = r->inflight;

		r->inflight = a->next;
		attempt_free(a);
	}
	event_free(r->timer);
	event_free(r->kick);
	event_free(r->usr1);
	SSL_CTX_free(r->tls);
	free(r);
	srv->relay = NULL;
}
