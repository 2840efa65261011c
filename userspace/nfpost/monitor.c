// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost monitor`: subscribes its socket to nfpost_watch's events and prints
 * one line per event. It also follows nlctrl's "notify" group, so that
 * unloading and reloading the module (which may renumber the family and
 * drops every subscription) is reported and survived rather than silently
 * ending the stream. nfpost_mcast's and nfpost_smtp's events, when those
 * modules are there, come on the same socket, merged in arrival order.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/nfpost_mcast.h>
#include <linux/nfpost_smtp.h>
#include <linux/nfpost_watch.h>
#include "attrs.h"
#include "event.h"
#include "mcast.h"
#include "monitor.h"
#include "netns.h"
#include "nfpw.h"
#include "smtp.h"

/* Bursts (a flood, a sweep) must not overrun us while stdout is slow. */
#define MONITOR_RCVBUF	(8 << 20)

struct monitor {
	struct nfpw w;
	uint32_t sub_seq;	/* of the SUBSCRIBE awaiting its ack, 0: none */
	unsigned long count;	/* stop after this many events; 0: never */
	unsigned long seen;
	unsigned long lost;	/* buffer overruns */
	struct event_ctx ectx;
	int ret;		/* exit code once something fatal happened */
	struct genl_family mc;	/* nfpost_mcast, mc.id == 0: not followed */
	struct genl_family sm;	/* nfpost_smtp, sm.id == 0: not followed */
	bool mcast_only;	/* `monitor mcast` */
};

static volatile sig_atomic_t stop;

void monitor_usage(FILE *f)
{
	fputs("Usage: nfpost monitor [watch | mcast | smtp] [-j] [-c COUNT]\n"
	      "       nfpost monitor help\n", f);
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

/*
 * Asks for events on our socket. The ack comes back through receive(), like
 * everything else: events may arrive before it (the kernel subscribes us,
 * then acks), and waiting for it elsewhere would mean dropping them.
 */
static int subscribe(struct monitor *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = nfpw_msg(&m->w, buf, NFPW_CMD_SUBSCRIBE, NLM_F_ACK);
	nlh->nlmsg_seq = ++m->w.sock.seq;
	if (!nlh->nlmsg_seq)
		nlh->nlmsg_seq = ++m->w.sock.seq;
	if (mnl_socket_sendto(m->w.sock.nl, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "nfpost: Error: cannot subscribe to %s events: %s\n",
			NFPW_GENL_NAME, strerror(errno));
		return EXIT_RUNTIME;
	}
	m->sub_seq = nlh->nlmsg_seq;
	return 0;
}

/* The ack of our SUBSCRIBE; events have seq 0 and other acks are stale. */
static int on_ack(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;
	int err;

	if (!m->sub_seq || nlh->nlmsg_seq != m->sub_seq)
		return MNL_CB_OK;
	m->sub_seq = 0;
	err = genl_error_parse(nlh, m->w.sock.extack, GENL_EXTACK_LEN);
	/* Failed because the family went away meanwhile: we will resubscribe. */
	if (!err || !m->w.fam.id)
		return MNL_CB_OK;
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "nfpost: Error: subscribing to %s events needs CAP_NET_ADMIN.\n",
			NFPW_GENL_NAME);
		m->ret = EXIT_RUNTIME;
	} else {
		m->ret = nfpw_report(&m->w, err, "subscribe");
	}
	return MNL_CB_ERROR;
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

/* nfpost_smtp came or went: its subscription went with it. */
static void smtp_ctrl(struct monitor *m, uint8_t cmd,
		      const struct genl_family *fam)
{
	if (cmd == CTRL_CMD_DELFAMILY) {
		m->sm.id = 0;
	} else if (cmd == CTRL_CMD_NEWFAMILY) {
		m->sm = *fam;
		if (smtp_subscribe(&m->w.sock, &m->sm))
			m->sm.id = 0;
	}
}

/* nlctrl notifications about nfpost_watch: unloaded, loaded, new group. */
static int on_ctrl(const struct nlmsghdr *nlh, struct monitor *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct genl_family fam;

	if (genl_family_parse(nlh, &fam))
		return MNL_CB_OK;
	if (!strcmp(fam.name, NFPS_GENL_NAME)) {
		smtp_ctrl(m, g->cmd, &fam);
		return MNL_CB_OK;
	}
	if (strcmp(fam.name, NFPW_GENL_NAME))
		return MNL_CB_OK;
	switch (g->cmd) {
	case CTRL_CMD_DELFAMILY:
		/* Our subscription went with the module. */
		m->w.fam.id = 0;
		notice(m, NOTICE_UNLOADED);
		return MNL_CB_OK;
	case CTRL_CMD_NEWFAMILY:
		m->w.fam = fam;
		notice(m, NOTICE_LOADED);
		m->ret = subscribe(m);
		return m->ret ? MNL_CB_ERROR : MNL_CB_OK;
	default:
		return MNL_CB_OK;
	}
}

static int on_mcast(const struct nlmsghdr *nlh, struct monitor *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (g->cmd != NFPM_CMD_EVENT)
		return MNL_CB_OK;
	mcast_event_print(stdout, nlh, m->ectx.json);
	fflush(stdout);
	if (m->count && ++m->seen >= m->count)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

static int on_smtp(const struct nlmsghdr *nlh, struct monitor *m)
{
	if (!smtp_is_event(nlh))
		return MNL_CB_OK;
	smtp_event_print(stdout, nlh, m->ectx.json);
	fflush(stdout);
	if (m->count && ++m->seen >= m->count)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return MNL_CB_OK;
	if (m->mc.id && nlh->nlmsg_type == m->mc.id)
		return on_mcast(nlh, m);
	if (m->sm.id && nlh->nlmsg_type == m->sm.id)
		return on_smtp(nlh, m);
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

/*
 * nfpost_mcast's events come through its multicast group, which needs
 * CAP_NET_ADMIN to join. Alone (`monitor mcast`) a failure is fatal; next
 * to nfpost_watch's events they are taken if they are there.
 */
static int mcast_join(struct monitor *m, bool alone)
{
	uint32_t grp = 0;
	int ret;

	ret = genl_family_get(&m->w.sock, NFPM_GENL_NAME, &m->mc);
	if (!ret)
		grp = genl_family_group(&m->mc, NFPM_MCGRP_EVENTS);
	ret = grp ? genl_join(&m->w.sock, grp) : -ENOENT;
	if (!ret)
		return 0;
	m->mc.id = 0;
	if (!alone)
		return 0;
	if (ret == -EPERM || ret == -EACCES)
		fprintf(stderr, "nfpost: Error: monitoring %s events needs CAP_NET_ADMIN.\n",
			NFPM_GENL_NAME);
	else
		fprintf(stderr, "nfpost: the %s module is not loaded (insmod %s.ko)\n",
			NFPM_GENL_NAME, NFPM_GENL_NAME);
	return EXIT_RUNTIME;
}

/*
 * nfpost_smtp sends its events to each subscribed socket (no group): ours
 * subscribes if the module is there, and again when it is reloaded.
 */
static void smtp_join(struct monitor *m)
{
	if (genl_family_get(&m->w.sock, NFPS_GENL_NAME, &m->sm) ||
	    smtp_subscribe(&m->w.sock, &m->sm))
		m->sm.id = 0;
}

/*
 * Synchronous requests first: once subscribed, genl_request() could meet an
 * event. The SUBSCRIBE ack is awaited in the main loop. Without
 * nfpost_watch, nfpost_smtp's events alone are enough to go on. Nothing
 * here waits in poll(2): a script knows the monitor is ready when it
 * sleeps there (selftests/lib.sh).
 */
static int setup(struct monitor *m)
{
	int ret;

	if (m->mcast_only) {
		ret = genl_open(&m->w.sock);
		if (ret)
			return nfpw_report(&m->w, ret, "monitor");
		grow_rcvbuf(m);
		return mcast_join(m, true);
	}
	ret = nfpw_open(&m->w);
	if (ret && !m->w.sock.nl)
		return nfpw_report(&m->w, ret, "monitor");
	grow_rcvbuf(m);
	follow_reloads(m);
	mcast_join(m, false);
	smtp_join(m);
	if (!ret)
		return subscribe(m);
	if (m->sm.id)
		return 0;
	return nfpw_report(&m->w, ret, "monitor");
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
	static mnl_cb_t ctl[] = { [NLMSG_ERROR] = on_ack };
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
	n = mnl_cb_run2(buf, n, 0, 0, on_msg, m, ctl, MNL_ARRAY_SIZE(ctl));
	if (n == MNL_CB_ERROR)
		return m->ret ? -m->ret : 1;
	return n == MNL_CB_STOP ? 0 : 1;
}

int monitor_run(const struct nfpost_args *a)
{
	struct monitor m = { .count = a->count, .mcast_only = a->monitor_mcast };
	sigset_t orig;
	int ret;

	if (a->smtp)
		return smtp_monitor(a);
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
