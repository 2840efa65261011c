// SPDX-License-Identifier: GPL-2.0
/*
 * Enabled bridges. Enable refuses a bridge whose own snooping is on; disable
 * (or the bridge going away) unlinks it, waits for the packet path to let
 * go, stops its timers and frees its table.
 */
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "mcast_bridge.h"
#include "mcast_event.h"
#include "mcast_querier.h"
#include "mcast_table.h"

/* RFC 3376 8 and the bridge's defaults (br_multicast_ctx_init()). */
const struct mc_cfg mc_default_cfg = {
	.unregistered = NFPM_UNREG_AUTO,
	.max_groups = 4096,
	.query_interval_ms = 125000,
	.query_response_ms = 10000,
	.robustness = 2,
	.membership_ms = 260000,
	.other_querier_ms = 255000,
	.last_member_ms = 1000,
	.last_member_count = 2,
	.querier = 0,
	.igmp_version = 2,
	.mld_version = 1,
};

struct mc_br *mc_br_find(struct mc_net *mn, const struct net_device *dev)
{
	struct mc_br *br;

	list_for_each_entry_rcu(br, &mn->bridges, list, lockdep_rtnl_is_held())
		if (br->dev == dev)
			return br;
	return NULL;
}

static void querier_expire(struct mc_br *br, struct mc_querier *q, u64 now)
{
	if (!q->exp || q->exp > now)
		return;
	WRITE_ONCE(q->exp, 0);
	mc_event(br, NFPM_EV_QUERIER, NULL, NULL, NULL);
}

/* Learned and temporary router ports, and queriers heard, time out too. */
static u64 ports_expire(struct mc_br *br, u64 now)
{
	struct mc_port *p;
	u64 next = 0;

	list_for_each_entry(p, &br->ports, list) {
		if (p->router != NFPM_ROUTER_LEARNED &&
		    p->router != NFPM_ROUTER_TEMPORARY)
			continue;
		if (p->router_exp > now) {
			if (!next || p->router_exp < next)
				next = p->router_exp;
		} else if (p->router == NFPM_ROUTER_TEMPORARY) {
			WRITE_ONCE(p->router, NFPM_ROUTER_LEARNED);
		}
	}
	return next;
}

static u64 min_nz(u64 a, u64 b)
{
	return !a || (b && b < a) ? b : a;
}

static void br_gc_expired(struct timer_list *t)
{
	struct mc_br *br = from_timer(br, t, gc);
	u64 now = mc_now(), next;

	spin_lock_bh(&br->lock);
	next = mc_table_expire(br, now);
	next = min_nz(next, ports_expire(br, now));
	querier_expire(br, &br->q4, now);
	querier_expire(br, &br->q6, now);
	next = min_nz(next, br->q4.exp);
	next = min_nz(next, br->q6.exp);
	mc_gc_arm(br, next);
	spin_unlock_bh(&br->lock);
}

/*
 * RFC 3376 6.6.2: the lowest address is the querier. A query from an
 * address no higher than the one we know (or once that one went quiet)
 * takes over; a learned port becomes a router port on any query.
 */
void mc_querier_heard(struct mc_br *br, struct mc_port *port,
		      const struct nfpost_mc_addr *src)
{
	struct mc_querier *q = nfpost_mc_addr_is_v4(src) ? &br->q4 : &br->q6;
	u64 now = mc_now(), exp = now + mc_ms(MC_CFG(br, other_querier_ms));
	bool changed;

	lockdep_assert_held(&br->lock);
	if (port->router == NFPM_ROUTER_LEARNED ||
	    port->router == NFPM_ROUTER_TEMPORARY)
		WRITE_ONCE(port->router_exp, exp);
	if (q->exp > now && memcmp(src->b, q->addr.b, sizeof(src->b)) > 0)
		return;
	changed = q->exp <= now || !nfpost_mc_addr_eq(&q->addr, src);
	q->addr = *src;
	WRITE_ONCE(q->exp, exp);
	mc_gc_arm(br, exp);
	if (changed)
		mc_event(br, NFPM_EV_QUERIER, NULL, NULL, src);
}

bool mc_querier_known(struct mc_br *br, bool v6, u64 now)
{
	struct mc_querier *q = v6 ? &br->q6 : &br->q4;

	return MC_CFG(br, querier) || READ_ONCE(q->exp) > now;
}

int mc_br_enable(struct mc_net *mn, struct net_device *dev,
		 struct netlink_ext_ack *extack)
{
	struct mc_br *br;
	int i;

	ASSERT_RTNL();
	if (!netif_is_bridge_master(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "interface is not a bridge");
		return -EINVAL;
	}
	if (br_multicast_enabled(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the bridge's own multicast snooping is on: turn it off first (ip link set BR type bridge mcast_snooping 0)");
		return -EBUSY;
	}
	if (mc_br_find(mn, dev)) {
		NL_SET_ERR_MSG_MOD(extack, "already enabled on this bridge");
		return -EEXIST;
	}
	br = kvzalloc(sizeof(*br), GFP_KERNEL);
	if (!br)
		return -ENOMEM;
	br->stats = alloc_percpu(struct mc_stats);
	if (!br->stats) {
		kvfree(br);
		return -ENOMEM;
	}
	br->dev = dev;
	br->mn = mn;
	br->cfg = mc_default_cfg;
	spin_lock_init(&br->lock);
	for (i = 0; i < ARRAY_SIZE(br->groups); i++)
		INIT_HLIST_HEAD(&br->groups[i]);
	INIT_LIST_HEAD(&br->ports);
	INIT_LIST_HEAD(&br->lru);
	timer_setup(&br->gc, br_gc_expired, 0);
	mc_querier_init(br);
	dev_hold(dev);
	list_add_tail_rcu(&br->list, &mn->bridges);
	return 0;
}

void mc_br_disable(struct mc_br *br)
{
	ASSERT_RTNL();
	list_del_rcu(&br->list);
	/* The hooks find bridges under RCU: none holds this one after this. */
	synchronize_rcu();
	WRITE_ONCE(br->cfg.querier, 0);
	spin_lock_bh(&br->lock);
	br->dying = true;
	spin_unlock_bh(&br->lock);
	del_timer_sync(&br->gc);
	mc_querier_stop(br);
	spin_lock_bh(&br->lock);
	mc_table_flush(br);
	spin_unlock_bh(&br->lock);
	free_percpu(br->stats);
	dev_put(br->dev);
	kvfree(br);
}

void mc_br_querier_changed(struct mc_br *br)
{
	ASSERT_RTNL();
	if (MC_CFG(br, querier))
		mc_querier_start(br);
	else
		mc_querier_stop(br);
}
