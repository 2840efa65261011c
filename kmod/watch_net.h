/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_watch's per-network-namespace state: configuration, counters, the
 * binding table and the trackers, and the helpers to reach them.
 */
#ifndef NFPOST_WATCH_NET_H
#define NFPOST_WATCH_NET_H

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/nfpost_watch.h>

#include "watch_subs.h"
#include "watch_table.h"
#include "watch_tracker.h"

/* Raising it further takes CAP_NET_ADMIN in the initial user namespace. */
#define NFPOST_WATCH_DEFAULT_MAX_BINDINGS	4096

struct nfpost_watch_cfg {
	u32 max_bindings;
	u32 flood_pps;
	u32 sweep_hosts;
	u32 sweep_window_ms;
	u32 trace_probes;
	u32 trace_max_ttl;
	u32 flipflop_ms;
	u32 echo_timeout_ms;
	u32 max_age;			/* seconds; 0: off */
};

/* Indexed by NFPW_A_STAT_* - NFPW_A_STAT_ARP; the bindings slot is unused. */
#define NFPW_NSTATS	(NFPW_A_STAT_RARP_MALFORMED - NFPW_A_STAT_ARP + 1)

struct nfpost_watch_stats {
	u64 c[NFPW_NSTATS];
};

#define NFPOST_WATCH_NHOOKS	5

struct nfpost_watch_net {
	struct net *net;
	/* Written under genl_mutex with WRITE_ONCE, read with READ_ONCE. */
	struct nfpost_watch_cfg cfg;
	struct nfpost_watch_stats __percpu *stats;
	struct nfpost_subs subs;	/* who gets this namespace's events */
	struct nfpost_table table;
	/* One lock for the four trackers: they are touched per ICMP/ARP. */
	spinlock_t trk_lock;
	struct nfpost_tracker arp_req;	/* pending ARP requests */
	struct nfpost_tracker echo;	/* pending echo requests */
	struct nfpost_tracker src;	/* per-source flood and sweep */
	struct nfpost_tracker trace;	/* per (source, destination) TTL runs */
	struct delayed_work age_work;	/* CFG_MAX_AGE: see watch_age.c */
	/* Registered per namespace so that each hook gets this as its priv. */
	struct nf_hook_ops hook_ops[NFPOST_WATCH_NHOOKS];
};

extern unsigned int nfpost_watch_net_id;

static inline struct nfpost_watch_net *nfpost_watch_net(const struct net *net)
{
	return net_generic(net, nfpost_watch_net_id);
}

static inline void nfpost_watch_count(struct nfpost_watch_net *wn, int attr)
{
	this_cpu_inc(wn->stats->c[attr - NFPW_A_STAT_ARP]);
}

static inline void nfpost_watch_count_n(struct nfpost_watch_net *wn, int attr,
					u32 n)
{
	if (n)
		this_cpu_add(wn->stats->c[attr - NFPW_A_STAT_ARP], n);
}

#define NFPW_CFG(wn, field)	READ_ONCE((wn)->cfg.field)

/* Set while the module is up; see watch_event.c. */
extern bool nfpost_events_on;

/* Whether events would reach anyone: else none is built, no tracker runs. */
static inline bool nfpost_event_wanted(const struct nfpost_watch_net *wn)
{
	return READ_ONCE(nfpost_events_on) && !nfpost_subs_empty(&wn->subs);
}

/*
 * The clock of trackers, rates and binding history: jiffies in ns, a plain
 * load. Windows and lifetimes are 100 ms and more: a tick is plenty, and
 * neither the clocksource (under emulation an HPET read costs microseconds)
 * nor the timekeeper's seqcount is touched per packet. Round-trip times,
 * which need better, read ktime_get_ns() only when an event will carry them.
 */
static inline u64 nfpost_watch_now(void)
{
	BUILD_BUG_ON(NSEC_PER_SEC % HZ);
	return get_jiffies_64() * (NSEC_PER_SEC / HZ);
}

#endif /* NFPOST_WATCH_NET_H */
