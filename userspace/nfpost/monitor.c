// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost monitor`: joins nfpost_watch's "events" group and prints one line
 * per event. It also follows nlctrl's "notify" group, so that unloading and
 * reloading the module (which may renumber the family and its group) is
 * reported and survived rather than silently ending the stream.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/nfpost_watch.h>
#include "attrs.h"
#include "event.h"
#include "monitor.h"
#include "netns.h"
#include "nfpw.h"

/* Bursts (a flood, a sweep) must not overrun us while stdout is slow. */
#define MONITOR_RCVBUF	(8 << 20)

struct monitor {
	struct nfpw w;
	uint32_t group;		/* the events group we are in, 0: none */
	unsigned long count;	/* stop after this many events; 0: never */
	unsigned long seen;
	unsigned long lost;	/* buffer overruns */
	struct event_ctx ectx;
	int ret;		/* exit code once something fatal happened */
};

static volatile sig_atomic_t stop;

void monitor_usage(FILE *f)
{
	fputs("Usage: nfpost monitor [watch] [-j] [-c COUNT]\n", f);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void notice(struct monitor *m, enum event_notice n)
{
	event_notice(stdout, n, now_ns(), m->ectx.json);
	fflush(stdout);
}

/* Joins the current events group unless in it already; 0 or exit code. */
static int join_events(struct monitor *m)
{
	uint32_t grp = genl_family_group(&m->w.fam, NFPW_MCGRP_EVENTS);
	int ret;

	if (!grp || grp == m->group)
		return 0;
	ret = genl_join(&m->w.sock, grp);
	if (ret == -EPERM || ret == -EACCES) {
		fprintf(stderr, "nfpost: Error: joining the %s \"%s\" group needs CAP_NET_ADMIN.\n",
			NFPW_GENL_NAME, NFPW_MCGRP_EVENTS);
		return EXIT_RUNTIME;
	}
	if (ret) {
		fprintf(stderr, "nfpost: Error: cannot join the %s \"%s\" group: %s\n",
			NFPW_GENL_NAME, NFPW_MCGRP_EVENTS, strerror(-ret));
		return EXIT_RUNTIME;
	}
	m->group = grp;
	return 0;
}

static int on_event(const struct nlmsghdr *nlh, struct monitor *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	nfpw_tb tb;

	if (attrs_parse(nlh, tb) || g->cmd != NFPW_CMD_EVENT)
		return MNL_CB_OK;
	event_print(stdout, tb, &m->ectx);
	fflush(stdout);
	if (m->count && ++m->seen >= m->count)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* nlctrl notifications about nfpost_watch: unloaded, loaded, new group. */
static int on_ctrl(const struct nlmsghdr *nlh, struct monitor *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct genl_family fam;

	if (genl_family_parse(nlh, &fam) || strcmp(fam.name, NFPW_GENL_NAME))
		return MNL_CB_OK;
	switch (g->cmd) {
	case CTRL_CMD_DELFAMILY:
		/* The kernel dropped our membership with the family. */
		m->w.fam.id = 0;
		m->group = 0;
		notice(m, NOTICE_UNLOADED);
		return MNL_CB_OK;
	case CTRL_CMD_NEWFAMILY:
		m->w.fam = fam;
		notice(m, NOTICE_LOADED);
		break;
	case CTRL_CMD_NEWMCAST_GRP:
		m->w.fam = fam;
		break;
	default:
		return MNL_CB_OK;
	}
	m->ret = join_events(m);
	return m->ret ? MNL_CB_ERROR : MNL_CB_OK;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return MNL_CB_OK;
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return on_ctrl(nlh, m);
	if (m->w.fam.id && nlh->nlmsg_type == m->w.fam.id)
		return on_event(nlh, m);
	return MNL_CB_OK;
}

static void grow_rcvbuf(struct monitor *m)
{
	int fd = mnl_socket_get_fd(m->w.sock.nl), size = MONITOR_RCVBUF;

	/* FORCE passes rmem_max but needs CAP_NET_ADMIN; else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Reloads are followed through nlctrl; without it we still print events. */
static void follow_reloads(struct monitor *m)
{
	struct genl_family ctrl;
	uint32_t grp = 0;
	int ret;

	ret = genl_family_get(&m->w.sock, "nlctrl", &ctrl);
	if (!ret)
		grp = genl_family_group(&ctrl, "notify");
	ret = grp ? genl_join(&m->w.sock, grp) : -ENOENT;
	if (ret)
		fprintf(stderr, "nfpost: warning: cannot follow module reloads: %s\n",
			strerror(-ret));
}

/* Before any join: a request's reply must not meet an event. */
static int setup(struct monitor *m)
{
	int ret = nfpw_open(&m->w);

	if (ret)
		return nfpw_report(&m->w, ret, "monitor");
	if (!genl_family_group(&m->w.fam, NFPW_MCGRP_EVENTS)) {
		fprintf(stderr, "nfpost: Error: %s has no \"%s\" group\n",
			NFPW_GENL_NAME, NFPW_MCGRP_EVENTS);
		return EXIT_RUNTIME;
	}
	grow_rcvbuf(m);
	follow_reloads(m);
	return join_events(m);
}

static void catch_signals(sigset_t *orig_r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	/* Blocked except inside ppoll(), so a signal cannot slip in between
	 * checking `stop` and going to sleep. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, orig_r);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int recv_failed(void)
{
	fprintf(stderr, "nfpost: Error: receiving events: %s\n",
		strerror(errno));
	return -EXIT_RUNTIME;
}

/* Returns > 0 to go on, 0 when done, < 0 (an exit code, negated) on error. */
static int receive(struct monitor *m, const sigset_t *orig)
{
	static char buf[GENL_BUF_SIZE];
	struct pollfd pfd = { mnl_socket_get_fd(m->w.sock.nl), POLLIN, 0 };
	int n;

	if (ppoll(&pfd, 1, NULL, orig) < 0)
		return errno == EINTR ? 1 : recv_failed();
	n = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && errno == ENOBUFS) {
		m->lost++;
		notice(m, NOTICE_LOST);
		return 1;
	}
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : recv_failed();
	n = mnl_cb_run(buf, n, 0, 0, on_msg, m);
	if (n == MNL_CB_ERROR)
		return m->ret ? -m->ret : 1;
	return n == MNL_CB_STOP ? 0 : 1;
}

int monitor_run(const struct nfpost_args *a)
{
	struct monitor m = { .count = a->count };
	sigset_t orig;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	m.ectx = (struct event_ctx){ a->json, netns_name, NULL };
	ret = setup(&m);
	if (ret)
		goto out;
	catch_signals(&orig);
	do {
		ret = receive(&m, &orig);
	} while (ret > 0 && !stop);
	ret = ret < 0 ? -ret : 0;
	if (m.lost)
		fprintf(stderr, "nfpost: events were lost %lu time(s): socket buffer overrun\n",
			m.lost);
out:
	nfpw_close(&m.w);
	return ret;
}
