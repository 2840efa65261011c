/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_smtp's per-network-namespace state: the policy (RCU), the flow and
 * client tables under one lock, subscribers, counters, and the helpers to
 * reach them.
 */
#ifndef NFPOST_SMTP_NET_H
#define NFPOST_SMTP_NET_H

#include <linux/jiffies.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/nfpost_smtp.h>

#include "smtp_cfg.h"
#include "smtp_flow.h"
#include "smtp_subs.h"

/* Indexed by NFPS_A_STAT_* - NFPS_A_STAT_PACKETS, then rules, then actions. */
#define NFPS_NSTATS	(NFPS_A_STAT_CACHE_FAIL - NFPS_A_STAT_PACKETS + 1)
#define NFPS_STAT_RULE(r)	(NFPS_NSTATS + (r))
#define NFPS_STAT_ACT(a)	(NFPS_NSTATS + NFPS_RULE_MAX + 1 + (a))
#define NFPS_NCOUNTERS		(NFPS_STAT_ACT(NFPS_ACT_MAX) + 1)

struct nfps_stats {
	u64 c[NFPS_NCOUNTERS];
};

#define NFPS_NHOOKS	6

struct nfps_net {
	struct net *net;
	struct nfps_cfg __rcu *cfg;	/* replaced whole under genl_mutex */
	struct nfps_stats __percpu *stats;
	struct nfpost_subs subs;
	struct nfps_tables tables;
	struct nf_hook_ops hook_ops[NFPS_NHOOKS];
};

extern unsigned int nfps_net_id;

static inline struct nfps_net *nfps_net(const struct net *net)
{
	return net_generic(net, nfps_net_id);
}

static inline void nfps_count(struct nfps_net *sn, int attr)
{
	this_cpu_inc(sn->stats->c[attr - NFPS_A_STAT_PACKETS]);
}

static inline void nfps_count_n(struct nfps_net *sn, int attr, u32 n)
{
	if (n)
		this_cpu_add(sn->stats->c[attr - NFPS_A_STAT_PACKETS], n);
}

static inline void nfps_count_idx(struct nfps_net *sn, int idx)
{
	this_cpu_inc(sn->stats->c[idx]);
}

/* Jiffies in ms: windows and lifetimes are 100 ms and more. */
static inline u64 nfps_now_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

#endif /* NFPOST_SMTP_NET_H */
