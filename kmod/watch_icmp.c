// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP trackers. All state lives in bounded LRU tables under the namespace's
 * tracker lock; events are built after the lock is dropped. Everything here
 * ends in an event, so nothing runs while no one is subscribed.
 */
#include <linux/ktime.h>

#include "track.h"
#include "watch_event.h"
#include "watch_icmp.h"
#include "watch_net.h"

#define ECHO_MAX	1024
#define SRC_MAX		256
#define TRACE_MAX	256
/* The flood window looks back two seconds. */
#define SRC_MIN_LIFETIME_NS	(2 * NSEC_PER_SEC)

struct echo_key {
	__be32 saddr;
	__be32 daddr;
	u16 id;
	u16 seq;
};

struct echo_rec {
	struct nfpost_trk_node node;
	struct echo_key key;
	u64 sent;		/* ns; node.stamp moves on every lookup */
};

struct src_rec {
	struct nfpost_trk_node node;
	__be32 saddr;
	struct nfpost_rate rate;
	struct nfpost_sweep sweep;
};

struct trace_key {
	__be32 saddr;
	__be32 daddr;
};

struct trace_rec {
	struct nfpost_trk_node node;
	struct trace_key key;
	struct nfpost_trace trace;
};

void nfpost_icmp_init(struct nfpost_watch_net *wn)
{
	nfpost_tracker_init(&wn->echo, ECHO_MAX, sizeof(struct echo_key),
			    sizeof(struct echo_rec));
	nfpost_tracker_init(&wn->src, SRC_MAX, sizeof(__be32),
			    sizeof(struct src_rec));
	nfpost_tracker_init(&wn->trace, TRACE_MAX, sizeof(struct trace_key),
			    sizeof(struct trace_rec));
}

void nfpost_icmp_destroy(struct nfpost_watch_net *wn)
{
	spin_lock_bh(&wn->trk_lock);
	nfpost_tracker_flush(&wn->echo);
	nfpost_tracker_flush(&wn->src);
	nfpost_tracker_flush(&wn->trace);
	spin_unlock_bh(&wn->trk_lock);
}

static void event_init(struct nfpost_event *ev, const struct nfpost_ip_pkt *p,
		       u32 type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->dev = p->dev;
	ev->has = NFPW_EVF_IP;
	ev->saddr = p->ip.saddr;
	ev->daddr = p->ip.daddr;
	if (p->is_icmp) {
		ev->has |= NFPW_EVF_ICMP;
		ev->icmp_type = p->icmp.type;
		ev->icmp_code = p->icmp.code;
	}
}

static void count_evicted(struct nfpost_watch_net *wn, bool evicted)
{
	if (evicted)
		nfpost_watch_count(wn, NFPW_A_STAT_TRACKER_EVICTED);
}

/* Any IPv4 protocol: traceroute probes with UDP, ICMP or TCP. */
static void traceroute(struct nfpost_watch_net *wn, const struct nfpost_ip_pkt *p,
		  u64 now)
{
	struct trace_key key = { p->ip.saddr, p->ip.daddr };
	u32 probes = NFPW_CFG(wn, trace_probes);
	struct nfpost_event ev;
	struct trace_rec *t;
	bool hit = false, evicted;
	u8 count = 0;

	spin_lock_bh(&wn->trk_lock);
	t = nfpost_tracker_get(&wn->trace, &key, now, NFPOST_TRACE_IDLE_NS,
			       &evicted);
	if (t) {
		hit = nfpost_trace_step(&t->trace, p->ip.ttl, now, probes);
		count = t->trace.count;
	}
	spin_unlock_bh(&wn->trk_lock);
	count_evicted(wn, evicted);
	if (!hit)
		return;
	event_init(&ev, p, NFPW_EV_TRACEROUTE);
	ev.has |= NFPW_EVF_COUNT | NFPW_EVF_TTL;
	ev.count = count;
	ev.ttl = p->ip.ttl;
	nfpost_event_send(wn, &ev);
}

static u64 src_lifetime(struct nfpost_watch_net *wn)
{
	u64 window = (u64)NFPW_CFG(wn, sweep_window_ms) * NSEC_PER_MSEC;

	return max_t(u64, window, SRC_MIN_LIFETIME_NS);
}

/* Flood for every ICMP message; sweep for echo requests only. */
static void per_source(struct nfpost_watch_net *wn,
		       const struct nfpost_ip_pkt *p, u64 now)
{
	bool echo = p->icmp.type == NFPOST_ICMP_ECHO, swept = false, evicted;
	u64 window = (u64)NFPW_CFG(wn, sweep_window_ms) * NSEC_PER_MSEC;
	struct nfpost_event ev;
	struct src_rec *s;
	u32 rate = 0, hosts = 0;

	spin_lock_bh(&wn->trk_lock);
	s = nfpost_tracker_get(&wn->src, &p->ip.saddr, now, src_lifetime(wn),
			       &evicted);
	if (s) {
		rate = nfpost_rate_hit(&s->rate, now, NFPW_CFG(wn, flood_pps));
		if (echo)
			swept = nfpost_sweep_hit(&s->sweep, p->ip.daddr, now,
						 window,
						 NFPW_CFG(wn, sweep_hosts));
		hosts = s->sweep.n;
	}
	spin_unlock_bh(&wn->trk_lock);
	count_evicted(wn, evicted);
	if (rate) {
		event_init(&ev, p, NFPW_EV_FLOOD);
		ev.has |= NFPW_EVF_RATE;
		ev.rate = rate;
		nfpost_event_send(wn, &ev);
	}
	if (swept) {
		event_init(&ev, p, NFPW_EV_SWEEP);
		ev.has |= NFPW_EVF_COUNT;
		ev.count = hosts;
		nfpost_event_send(wn, &ev);
	}
}

static u64 echo_lifetime(struct nfpost_watch_net *wn)
{
	return (u64)NFPW_CFG(wn, echo_timeout_ms) * NSEC_PER_MSEC;
}

static void echo_request(struct nfpost_watch_net *wn,
			 const struct nfpost_ip_pkt *p, u64 now)
{
	struct echo_key key = { p->ip.saddr, p->ip.daddr, p->icmp.id,
				p->icmp.seq };
	/* Read outside the lock. */
	u64 sent = ktime_get_ns();
	struct echo_rec *e;
	bool evicted;

	spin_lock_bh(&wn->trk_lock);
	/* A retransmitted request restarts the clock: RTT of the last one. */
	e = nfpost_tracker_get(&wn->echo, &key, now, echo_lifetime(wn),
			       &evicted);
	if (e)
		e->sent = sent;
	spin_unlock_bh(&wn->trk_lock);
	count_evicted(wn, evicted);
}

/* Returns whether a request was pending, and in @rtt the round trip in ns. */
static bool echo_reply(struct nfpost_watch_net *wn,
		       const struct nfpost_ip_pkt *p, u64 now, u64 *rtt)
{
	struct echo_key key = { p->ip.daddr, p->ip.saddr, p->icmp.id,
				p->icmp.seq };
	u64 fine = ktime_get_ns();
	struct echo_rec *e;

	*rtt = 0;
	spin_lock_bh(&wn->trk_lock);
	e = nfpost_tracker_find(&wn->echo, &key, now, echo_lifetime(wn));
	if (e) {
		*rtt = max_t(u64, fine - e->sent, 1);
		nfpost_tracker_remove(&wn->echo, e);
	}
	spin_unlock_bh(&wn->trk_lock);
	return e;
}

/*
 * Pairing only serves the events' round-trip times, so it runs only while
 * someone is subscribed: a reply whose request passed before is not paired.
 */
static void echo(struct nfpost_watch_net *wn, const struct nfpost_ip_pkt *p,
		 u64 now)
{
	bool request = p->icmp.type == NFPOST_ICMP_ECHO;
	struct nfpost_event ev;
	u64 rtt = 0;

	if (request)
		echo_request(wn, p, now);
	else if (echo_reply(wn, p, now, &rtt))
		nfpost_watch_count(wn, NFPW_A_STAT_ECHO_PAIRED);
	event_init(&ev, p, request ? NFPW_EV_ECHO_REQUEST : NFPW_EV_ECHO_REPLY);
	ev.has |= NFPW_EVF_ECHO | NFPW_EVF_TTL;
	ev.id = p->icmp.id;
	ev.seq = p->icmp.seq;
	ev.ttl = p->ip.ttl;
	if (rtt) {
		ev.has |= NFPW_EVF_RTT;
		ev.rtt_us = min_t(u64, div_u64(rtt, NSEC_PER_USEC), U32_MAX);
	}
	nfpost_event_send(wn, &ev);
}

static void icmp_error(struct nfpost_watch_net *wn,
		       const struct nfpost_ip_pkt *p, u32 type)
{
	struct nfpost_event ev;

	event_init(&ev, p, type);
	ev.has |= NFPW_EVF_ORIG;
	ev.orig_saddr = p->icmp.orig.saddr;
	ev.orig_daddr = p->icmp.orig.daddr;
	if (type == NFPW_EV_REDIRECT) {
		ev.has |= NFPW_EVF_GATEWAY;
		ev.gateway = p->icmp.gateway;
	} else {
		ev.has |= NFPW_EVF_ORIG_PROTO;
		ev.orig_proto = p->icmp.orig.proto;
	}
	nfpost_event_send(wn, &ev);
}

void nfpost_icmp_observe(struct nfpost_watch_net *wn,
			 const struct nfpost_ip_pkt *p)
{
	u64 now = nfpost_watch_now();

	if (p->ip.first_frag && p->ip.ttl <= NFPW_CFG(wn, trace_max_ttl))
		traceroute(wn, p, now);
	if (!p->is_icmp)
		return;
	per_source(wn, p, now);
	switch (p->icmp.type) {
	case NFPOST_ICMP_ECHO:
	case NFPOST_ICMP_ECHOREPLY:
		echo(wn, p, now);
		break;
	case NFPOST_ICMP_DEST_UNREACH:
		icmp_error(wn, p, NFPW_EV_UNREACHABLE);
		break;
	case NFPOST_ICMP_TIME_EXCEEDED:
		icmp_error(wn, p, NFPW_EV_TIME_EXCEEDED);
		break;
	case NFPOST_ICMP_REDIRECT:
		icmp_error(wn, p, NFPW_EV_REDIRECT);
		break;
	}
}
