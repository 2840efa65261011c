// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost web`'s live source: one subscription to nfpost_watch's events,
 * whatever the number of browsers, and a second socket that dumps the tables
 * every few seconds for the page's snapshot. Events are the lines `nfpost
 * monitor -j` prints, from the same printer; like monitor, it follows
 * nlctrl to subscribe again when the module is reloaded.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <linux/nfpost_watch.h>
#include "attrs.h"
#include "binding.h"
#include "event.h"
#include "json.h"
#include "netns.h"
#include "nfpw.h"
#include "stats.h"
#include "web.h"

#define LIVE_RCVBUF	(8 << 20)
#define LIVE_SNAPSHOT	2		/* seconds between table dumps */
#define LIVE_BATCH	64		/* datagrams per wakeup */

struct web_live {
	struct web *web;
	struct nfpw w;			/* subscribed */
	struct nfpw dump;		/* requests only */
	struct event *rd, *tick;
	struct event_ctx ectx;
	uint32_t sub_seq;
	int sub_err;
	bool started;		/* past the first subscription */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Runs fn(f, arg) on a memory stream and broadcasts what it printed. */
static void send_printed(struct web *web, const char *event,
			 void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	if (!f)
		return;
	fn(f, arg);
	fclose(f);
	if (event)
		web_snapshot(web, data);
	else
		web_broadcast(web, NULL, data, true);
	free(data);
}

struct print_event {
	const struct nlattr *const *tb;
	const struct event_ctx *ctx;
};

static void print_event(FILE *f, const void *arg)
{
	const struct print_event *p = arg;

	event_print(f, p->tb, p->ctx);
}

static void print_notice(FILE *f, const void *arg)
{
	event_notice(f, *(const enum event_notice *)arg, now_ns(), true);
}

static void notice(struct web_live *l, enum event_notice n)
{
	send_printed(l->web, NULL, print_notice, &n);
}

static int send_subscribe(struct web_live *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = nfpw_msg(&l->w, buf, NFPW_CMD_SUBSCRIBE, NLM_F_ACK);
	nlh->nlmsg_seq = ++l->w.sock.seq;
	l->sub_seq = nlh->nlmsg_seq;
	if (mnl_socket_sendto(l->w.sock.nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* nlctrl says nfpost_watch went away or came back (maybe renumbered). */
static int on_ctrl(const struct nlmsghdr *nlh, struct web_live *l)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct genl_family fam;

	if (genl_family_parse(nlh, &fam) || strcmp(fam.name, NFPW_GENL_NAME))
		return MNL_CB_OK;
	if (g->cmd == CTRL_CMD_DELFAMILY) {
		l->w.fam.id = l->dump.fam.id = 0;
		notice(l, NOTICE_UNLOADED);
	} else if (g->cmd == CTRL_CMD_NEWFAMILY) {
		l->w.fam = l->dump.fam = fam;
		notice(l, NOTICE_LOADED);
		if (send_subscribe(l))
			fprintf(stderr, "nfpost: warning: cannot subscribe again: %s\n",
				strerror(errno));
	}
	return MNL_CB_OK;
}

static int on_ack(const struct nlmsghdr *nlh, void *data)
{
	struct web_live *l = data;

	if (!l->sub_seq || nlh->nlmsg_seq != l->sub_seq)
		return MNL_CB_OK;
	l->sub_seq = 0;
	l->sub_err = genl_error_parse(nlh, l->w.sock.extack, GENL_EXTACK_LEN);
	/* After a reload: say it, and go on serving what we have. */
	if (l->sub_err && l->started)
		fprintf(stderr, "nfpost: warning: subscribing again failed: %s\n",
			strerror(-l->sub_err));
	return MNL_CB_OK;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct web_live *l = data;
	struct print_event p;
	nfpw_tb tb;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return MNL_CB_OK;
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return on_ctrl(nlh, l);
	if (!l->w.fam.id || nlh->nlmsg_type != l->w.fam.id ||
	    g->cmd != NFPW_CMD_EVENT || attrs_parse(nlh, tb))
		return MNL_CB_OK;
	p = (struct print_event){ (const struct nlattr *const *)tb, &l->ectx };
	send_printed(l->web, NULL, print_event, &p);
	return MNL_CB_OK;
}

/* One datagram: -EAGAIN when none is waiting. */
static int receive(struct web_live *l)
{
	static mnl_cb_t ctl[] = { [NLMSG_ERROR] = on_ack };
	static char buf[GENL_BUF_SIZE];
	int fd = mnl_socket_get_fd(l->w.sock.nl);
	int n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && errno == ENOBUFS) {
		notice(l, NOTICE_LOST);
		return 0;
	}
	if (n < 0)
		return -errno;
	mnl_cb_run2(buf, n, 0, 0, on_msg, l, ctl, MNL_ARRAY_SIZE(ctl));
	return 0;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	int i;

	(void)fd;
	(void)what;
	for (i = 0; i < LIVE_BATCH; i++)
		if (receive(arg))
			break;
}

struct dump {
	FILE *f;
	struct json_arr arr;
	bool first;		/* no stats yet */
};

static int binding_one(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	nfpw_tb tb;

	if (attrs_parse(nlh, tb))
		return MNL_CB_OK;
	json_arr_next(&d->arr);
	binding_print(d->f, (const struct nlattr *const *)tb, true);
	return MNL_CB_OK;
}

static int stats_one(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	nfpw_tb tb;

	if (!attrs_parse(nlh, tb)) {
		stats_print(d->f, (const struct nlattr *const *)tb, true);
		d->first = false;
	}
	return MNL_CB_OK;
}

/* {"bindings":[...],"stats":{...}}: `watch show -j` and `watch stats -j`. */
static int tables(struct web_live *l, FILE *f)
{
	struct dump d = { .f = f, .first = true };
	struct nlmsghdr *nlh;
	char buf[1024];
	struct json j;
	int ret;

	json_open(&j, f);
	json_arr_open(&j, "bindings", &d.arr);
	nlh = nfpw_msg(&l->dump, buf, NFPW_CMD_GET_BINDINGS, NLM_F_DUMP);
	ret = genl_request(&l->dump.sock, nlh, binding_one, &d);
	if (ret)
		return ret;
	json_arr_close(&d.arr);
	json_key(&j, "stats");
	nlh = nfpw_msg(&l->dump, buf, NFPW_CMD_GET_STATS, 0);
	ret = genl_request(&l->dump.sock, nlh, stats_one, &d);
	if (ret || d.first)
		fputs("null", f);
	json_close(&j);
	return 0;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct web_live *l = arg;
	char *data = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	(void)fd;
	(void)what;
	/* Unloaded: a request to family 0 would never be answered, and the
	 * page keeps the last table it got. */
	if (!l->dump.fam.id)
		return;
	f = open_memstream(&data, &len);
	if (!f)
		return;
	ret = tables(l, f);
	fclose(f);
	if (!ret)
		web_snapshot(l->web, data);
	free(data);
}

/* The dumps block the loop: never for long, whatever the kernel does. */
static void dump_timeout(struct web_live *l)
{
	struct timeval tv = { 1, 0 };

	setsockopt(mnl_socket_get_fd(l->dump.sock.nl), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));
}

/* Reloads are followed through nlctrl; without it events still come. */
static void follow_reloads(struct web_live *l)
{
	struct genl_family ctrl;
	uint32_t grp = 0;
	int ret;

	ret = genl_family_get(&l->w.sock, "nlctrl", &ctrl);
	if (!ret)
		grp = genl_family_group(&ctrl, "notify");
	ret = grp ? genl_join(&l->w.sock, grp) : -ENOENT;
	if (ret)
		fprintf(stderr, "nfpost: warning: cannot follow module reloads: %s\n",
			strerror(-ret));
}

/* Synchronous, so a refusal (no module, no CAP_NET_ADMIN) stops us early;
 * events that come before the ack are broadcast like any other. Later
 * acks (after a reload) are only looked at by on_ack. */
static int subscribe(struct web_live *l)
{
	int fd = mnl_socket_get_fd(l->w.sock.nl), size = LIVE_RCVBUF;
	int ret;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	ret = send_subscribe(l);
	while (!ret && l->sub_seq) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -errno;
		ret = receive(l);
		if (ret == -EAGAIN)
			ret = 0;
	}
	return ret ? ret : l->sub_err;
}

static int report(struct web_live *l, int ret)
{
	if (ret == -EPERM || ret == -EACCES) {
		fprintf(stderr, "nfpost: Error: subscribing to %s events needs CAP_NET_ADMIN.\n",
			NFPW_GENL_NAME);
		return EXIT_RUNTIME;
	}
	return nfpw_report(&l->w, ret, "web");
}

int web_live_start(struct web *web, struct web_live **live_r)
{
	struct timeval tv = { LIVE_SNAPSHOT, 0 };
	struct web_live *l = calloc(1, sizeof(*l));
	int ret;

	*live_r = l;
	if (!l)
		return EXIT_RUNTIME;
	l->web = web;
	l->ectx = (struct event_ctx){ true, netns_name, NULL };
	ret = nfpw_open(&l->w);
	if (!ret)
		ret = nfpw_open(&l->dump);
	if (!ret) {
		dump_timeout(l);
		follow_reloads(l);
		ret = subscribe(l);
	}
	if (ret)
		return report(l, ret);
	l->started = true;
	l->rd = event_new(web_base(web), mnl_socket_get_fd(l->w.sock.nl),
			  EV_READ | EV_PERSIST, on_readable, l);
	l->tick = event_new(web_base(web), -1, EV_PERSIST, on_tick, l);
	if (!l->rd || !l->tick)
		return EXIT_RUNTIME;
	event_add(l->rd, NULL);
	event_add(l->tick, &tv);
	on_tick(-1, 0, l);
	return 0;
}

void web_live_stop(struct web_live *l)
{
	if (l->rd)
		event_free(l->rd);
	if (l->tick)
		event_free(l->tick);
	nfpw_close(&l->w);
	nfpw_close(&l->dump);
	free(l);
}
