/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_mcast's state: per network namespace the enabled bridges; per
 * bridge its settings, counters, ports and group table.
 */
#ifndef NFPOST_MCAST_NET_H
#define NFPOST_MCAST_NET_H

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/nfpost_mcast.h>

#include "mcstate.h"

struct mc_cfg {
	u32 unregistered;
	u32 max_groups;
	u32 query_interval_ms;
	u32 query_response_ms;
	u32 robustness;
	u32 membership_ms;
	u32 other_querier_ms;
	u32 last_member_ms;
	u32 last_member_count;
	u32 querier;
	u32 igmp_version;
	u32 mld_version;
};

#define MC_NSTATS	(NFPM_A_STAT_GROUPS - NFPM_A_STAT_IGMP_QUERY + 1)

struct mc_stats {
	u64 c[MC_NSTATS];
};

#define MC_HASH_BITS	10	/* chains of 4 at the default max-groups */

/* What the querier heard on the segment, per address family. */
struct mc_querier {
	struct nfpost_mc_addr addr;
	u64 exp;		/* other-querier-present timer, jiffies64 */
};

/*
 * A group-specific query (Q(G)) or a group-and-source-specific one
 * (Q(G,S)) the own querier owes after a leave or a BLOCK/TO_IN: sent
 * last-member-count times, last-member-interval apart (RFC 3376 6.6.3).
 */
#define MC_QUERY_SRCS	16	/* more sources than this: Q(G) instead */
#define MC_QUERY_MANY	U8_MAX	/* nsrc of a Q(G,S) that outgrew src[] */
#define MC_LMQ_SLOTS	16	/* queries pending at once, per bridge */

struct mc_query {
	struct nfpost_mc_addr group;
	bool gs;
	u8 nsrc;
	struct nfpost_mc_addr src[MC_QUERY_SRCS];
};

struct mc_lmq {
	struct mc_query q;
	u64 due;		/* jiffies64 */
	u8 left;		/* transmissions to go; 0: a free slot */
};

struct mc_br {
	struct list_head list;		/* in mc_net.bridges, RCU */
	struct net_device *dev;		/* held while enabled */
	struct mc_net *mn;
	/* Written under rtnl with WRITE_ONCE, read with READ_ONCE. */
	struct mc_cfg cfg;
	struct mc_stats __percpu *stats;
	spinlock_t lock;		/* the writers of all below */
	struct hlist_head groups[1 << MC_HASH_BITS];	/* mc_grp, RCU */
	struct list_head ports;		/* mc_port, RCU */
	struct list_head lru;		/* mc_pg, least recently refreshed first */
	u32 n_pg;
	struct mc_querier q4, q6;	/* read locklessly per packet */
	struct timer_list gc;		/* runs out group and router timers */
	struct timer_list query;	/* own querier's general queries */
	struct timer_list lmq_timer;	/* own querier's pending lmq[] */
	struct mc_lmq lmq[MC_LMQ_SLOTS];	/* under lock */
	bool dying;			/* under lock: no timer is armed again */
	struct nfpost_mc_state scratch;	/* under lock */
};

struct mc_net {
	struct net *net;
	struct list_head bridges;	/* mc_br; written under rtnl */
	struct nf_hook_ops hook_ops[3];
};

extern unsigned int nfpost_mcast_net_id;

static inline struct mc_net *mc_net(const struct net *net)
{
	return net_generic(net, nfpost_mcast_net_id);
}

static inline void mc_count(struct mc_br *br, int attr)
{
	this_cpu_inc(br->stats->c[attr - NFPM_A_STAT_IGMP_QUERY]);
}

#define MC_CFG(br, field)	READ_ONCE((br)->cfg.field)

/* Timers run on jiffies64: no wrap, and 0 can mean "stopped". */
static inline u64 mc_now(void)
{
	return get_jiffies_64();
}

static inline u64 mc_ms(u32 ms)
{
	return msecs_to_jiffies(ms);
}

/* ms left until @exp, 0 if past. */
static inline u32 mc_left_ms(u64 exp, u64 now)
{
	return exp > now ? jiffies_to_msecs((unsigned long)(exp - now)) : 0;
}

#endif /* NFPOST_MCAST_NET_H */
