// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane: the nfpost_mcast generic netlink family, per the prose in
 * include/uapi/linux/nfpost_mcast.h. One policy per operation. Changes are
 * made under rtnl (bridges come and go under it) and, for the table, the
 * bridge's lock; dumps read under RCU.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/nfpost_mcast.h>

#include "mcast_bridge.h"
#include "mcast_event.h"
#include "mcast_netlink.h"
#include "mcast_table.h"

static const struct nla_policy br_policy[NFPM_A_IFINDEX + 1] = {
	[NFPM_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

static struct netlink_range_validation max_groups_range = {
	.min = 1, .max = 1048576,
};
static struct netlink_range_validation qi_range = { .min = 1000, .max = 3600000 };
static struct netlink_range_validation qri_range = { .min = 100, .max = 600000 };
static struct netlink_range_validation long_range = {
	.min = 1000, .max = 86400000,
};
static struct netlink_range_validation lmi_range = { .min = 100, .max = 60000 };

static const struct nla_policy cfg_policy[NFPM_A_CFG_MLD_VERSION + 1] = {
	[NFPM_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFPM_A_CFG_UNREGISTERED] = NLA_POLICY_MAX(NLA_U32, NFPM_UNREG_DROP),
	[NFPM_A_CFG_MAX_GROUPS] = NLA_POLICY_FULL_RANGE(NLA_U32, &max_groups_range),
	[NFPM_A_CFG_QUERY_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &qi_range),
	[NFPM_A_CFG_QUERY_RESPONSE_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &qri_range),
	[NFPM_A_CFG_ROBUSTNESS] = NLA_POLICY_RANGE(NLA_U32, 1, 7),
	[NFPM_A_CFG_MEMBERSHIP_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &long_range),
	[NFPM_A_CFG_OTHER_QUERIER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &long_range),
	[NFPM_A_CFG_LAST_MEMBER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &lmi_range),
	[NFPM_A_CFG_LAST_MEMBER_COUNT] = NLA_POLICY_RANGE(NLA_U32, 1, 7),
	[NFPM_A_CFG_QUERIER] = NLA_POLICY_MAX(NLA_U32, 1),
	[NFPM_A_CFG_IGMP_VERSION] = NLA_POLICY_RANGE(NLA_U32, 2, 3),
	[NFPM_A_CFG_MLD_VERSION] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
};

static const struct nla_policy entry_policy[NFPM_A_PERMANENT + 1] = {
	[NFPM_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFPM_A_PORT] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFPM_A_GROUP] = NLA_POLICY_MIN_LEN(4),
	[NFPM_A_SOURCE_ADDR] = NLA_POLICY_MIN_LEN(4),
	[NFPM_A_PERMANENT] = { .type = NLA_FLAG },
};

static struct netlink_range_validation port_groups_range = {
	.min = 0, .max = 1048576,
};

static const struct nla_policy port_policy[NFPM_A_MAX_GROUPS + 1] = {
	[NFPM_A_PORT] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFPM_A_ROUTER] = NLA_POLICY_MAX(NLA_U8, NFPM_ROUTER_TEMPORARY),
	[NFPM_A_FAST_LEAVE] = NLA_POLICY_MAX(NLA_U8, 1),
	[NFPM_A_MAX_GROUPS] = NLA_POLICY_FULL_RANGE(NLA_U32, &port_groups_range),
};

static struct mc_net *info_mn(struct genl_info *info)
{
	return mc_net(genl_info_net(info));
}

#define need(info, attr, msg) ({					\
	int __ret = 0;							\
									\
	if (!(info)->attrs[attr]) {					\
		NL_SET_ERR_MSG_MOD((info)->extack, msg);		\
		NL_SET_ERR_ATTR_MISS((info)->extack, NULL, attr);	\
		__ret = -EINVAL;					\
	}								\
	__ret;								\
})

/* Under rtnl: the device @attr names, in the request's namespace. */
static struct net_device *dev_of(struct genl_info *info, int attr)
{
	struct net_device *dev;

	dev = __dev_get_by_index(genl_info_net(info),
				 nla_get_u32(info->attrs[attr]));
	if (!dev)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "no such interface in this namespace");
	return dev;
}

/* Under rtnl: the enabled bridge NFPM_A_IFINDEX names. */
static struct mc_br *br_of(struct genl_info *info, int *err)
{
	struct net_device *dev;
	struct mc_br *br;

	*err = need(info, NFPM_A_IFINDEX, "missing bridge (NFPM_A_IFINDEX)");
	if (*err)
		return NULL;
	*err = -ENODEV;
	dev = dev_of(info, NFPM_A_IFINDEX);
	if (!dev)
		return NULL;
	br = mc_br_find(info_mn(info), dev);
	*err = -ENOENT;
	if (!br)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPM_A_IFINDEX],
				    "nfpost_mcast is not enabled on this interface");
	else
		*err = 0;
	return br;
}

static int enable_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	int ret;

	ret = need(info, NFPM_A_IFINDEX, "missing bridge (NFPM_A_IFINDEX)");
	if (ret)
		return ret;
	rtnl_lock();
	dev = dev_of(info, NFPM_A_IFINDEX);
	ret = dev ? mc_br_enable(info_mn(info), dev, info->extack) : -ENODEV;
	rtnl_unlock();
	return ret;
}

static int disable_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mc_br *br;
	int ret;

	rtnl_lock();
	br = br_of(info, &ret);
	if (br)
		mc_br_disable(br);
	rtnl_unlock();
	return ret;
}

/* --- configuration --- */

static const struct {
	int attr;
	size_t off;
} cfg_fields[] = {
#define F(a, f) { NFPM_A_CFG_##a, offsetof(struct mc_cfg, f) }
	F(UNREGISTERED, unregistered),
	F(MAX_GROUPS, max_groups),
	F(QUERY_INTERVAL_MS, query_interval_ms),
	F(QUERY_RESPONSE_MS, query_response_ms),
	F(ROBUSTNESS, robustness),
	F(MEMBERSHIP_MS, membership_ms),
	F(OTHER_QUERIER_MS, other_querier_ms),
	F(LAST_MEMBER_MS, last_member_ms),
	F(LAST_MEMBER_COUNT, last_member_count),
	F(QUERIER, querier),
	F(IGMP_VERSION, igmp_version),
	F(MLD_VERSION, mld_version),
#undef F
};

static u32 *cfg_slot(struct mc_br *br, int i)
{
	return (u32 *)((u8 *)&br->cfg + cfg_fields[i].off);
}

static int set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool querier = false;
	struct mc_br *br;
	struct nlattr *a;
	int i, ret;

	rtnl_lock();
	br = br_of(info, &ret);
	for (i = 0; br && i < ARRAY_SIZE(cfg_fields); i++) {
		a = info->attrs[cfg_fields[i].attr];
		if (!a)
			continue;
		WRITE_ONCE(*cfg_slot(br, i), nla_get_u32(a));
		querier |= cfg_fields[i].attr == NFPM_A_CFG_QUERIER;
	}
	if (br && querier)
		mc_br_querier_changed(br);
	rtnl_unlock();
	return ret;
}

static int put_querier(struct sk_buff *msg, const struct mc_querier *q,
		       int attr, int tattr, u64 now)
{
	u64 exp = READ_ONCE(q->exp);

	if (exp <= now)
		return 0;
	if (mc_put_addr(msg, attr, &q->addr) ||
	    nla_put_u32(msg, tattr, mc_left_ms(exp, now)))
		return -EMSGSIZE;
	return 0;
}

static int put_br(struct sk_buff *msg, struct mc_br *br)
{
	if (nla_put_u32(msg, NFPM_A_IFINDEX, br->dev->ifindex) ||
	    nla_put_string(msg, NFPM_A_IFNAME, br->dev->name))
		return -EMSGSIZE;
	return 0;
}

static int fill_config(struct sk_buff *msg, struct mc_br *br)
{
	u64 now = mc_now();
	int i;

	if (put_br(msg, br))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(cfg_fields); i++)
		if (nla_put_u32(msg, cfg_fields[i].attr,
				READ_ONCE(*cfg_slot(br, i))))
			return -EMSGSIZE;
	if (put_querier(msg, &br->q4, NFPM_A_QUERIER4,
			NFPM_A_QUERIER4_TIMER_MS, now) ||
	    put_querier(msg, &br->q6, NFPM_A_QUERIER6,
			NFPM_A_QUERIER6_TIMER_MS, now))
		return -EMSGSIZE;
	return 0;
}

static int fill_stats(struct sk_buff *msg, struct mc_br *br)
{
	u64 sum[MC_NSTATS] = {};
	int cpu, i;

	if (put_br(msg, br))
		return -EMSGSIZE;
	for_each_possible_cpu(cpu) {
		const struct mc_stats *s = per_cpu_ptr(br->stats, cpu);

		for (i = 0; i < MC_NSTATS; i++)
			sum[i] += READ_ONCE(s->c[i]);
	}
	sum[NFPM_A_STAT_GROUPS - NFPM_A_STAT_IGMP_QUERY] = READ_ONCE(br->n_pg);
	for (i = 0; i < MC_NSTATS; i++)
		if (nla_put_u64_64bit(msg, NFPM_A_STAT_IGMP_QUERY + i, sum[i],
				      NFPM_A_PAD))
			return -EMSGSIZE;
	return 0;
}

/* --- dumps: cb->args[0] the bridge, cb->args[1] the item within it --- */

struct dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u8 cmd;
};

static void *dump_put(struct dump *d)
{
	return genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			   d->cb->nlh->nlmsg_seq, &nfpost_mcast_family,
			   NLM_F_MULTI, d->cmd);
}

static int put_port_name(struct sk_buff *skb, struct mc_br *br, int ifindex)
{
	struct net_device *dev = dev_get_by_index_rcu(dev_net(br->dev), ifindex);

	if (nla_put_u32(skb, NFPM_A_PORT, ifindex) ||
	    (dev && nla_put_string(skb, NFPM_A_PORT_NAME, dev->name)))
		return -EMSGSIZE;
	return 0;
}

static int put_sources(struct sk_buff *skb, const struct mc_snap *s, u64 now)
{
	struct nlattr *all, *one;
	u16 i;

	all = nla_nest_start(skb, NFPM_A_SOURCES);
	if (!all)
		return -EMSGSIZE;
	for (i = 0; i < s->n; i++) {
		one = nla_nest_start(skb, NFPM_A_SOURCE);
		if (!one || mc_put_addr(skb, NFPM_A_SRC_ADDR, &s->src[i].addr) ||
		    (s->src[i].exp != U64_MAX &&
		     nla_put_u32(skb, NFPM_A_SRC_TIMER_MS,
				 mc_left_ms(s->src[i].exp, now))))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, all);
	return 0;
}

static int put_group(struct sk_buff *skb, struct mc_br *br,
		     const struct mc_pg *pg)
{
	const struct mc_snap *s = rcu_dereference(pg->snap);
	u64 now = mc_now();

	if (put_br(skb, br) || put_port_name(skb, br, pg->port->ifindex) ||
	    mc_put_addr(skb, NFPM_A_GROUP, &pg->grp->addr) ||
	    nla_put_u8(skb, NFPM_A_MODE, s->mode) ||
	    nla_put_u32(skb, NFPM_A_FLAGS, pg->flags))
		return -EMSGSIZE;
	if (s->mode == NFPOST_MC_EXCLUDE && s->gexp != U64_MAX &&
	    nla_put_u32(skb, NFPM_A_GROUP_TIMER_MS, mc_left_ms(s->gexp, now)))
		return -EMSGSIZE;
	return put_sources(skb, s, now);
}

static int group_one(struct mc_br *br, const struct mc_pg *pg, void *arg)
{
	struct dump *d = arg;
	void *hdr = dump_put(d);

	if (!hdr)
		return -EMSGSIZE;
	if (put_group(d->skb, br, pg)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int put_port(struct sk_buff *skb, struct mc_br *br,
		    const struct mc_port *p)
{
	u64 now = mc_now(), exp = READ_ONCE(p->router_exp);
	u8 router = READ_ONCE(p->router);

	if (put_br(skb, br) || put_port_name(skb, br, p->ifindex) ||
	    nla_put_u8(skb, NFPM_A_ROUTER, router) ||
	    nla_put_u8(skb, NFPM_A_IS_ROUTER, mc_port_is_router(p, now)) ||
	    nla_put_u8(skb, NFPM_A_FAST_LEAVE, READ_ONCE(p->fast_leave)) ||
	    nla_put_u32(skb, NFPM_A_MAX_GROUPS, READ_ONCE(p->max_groups)) ||
	    nla_put_u32(skb, NFPM_A_GROUPS, READ_ONCE(p->n_pg)))
		return -EMSGSIZE;
	if ((router == NFPM_ROUTER_LEARNED || router == NFPM_ROUTER_TEMPORARY) &&
	    exp > now && nla_put_u32(skb, NFPM_A_ROUTER_TIMER_MS,
				     mc_left_ms(exp, now)))
		return -EMSGSIZE;
	return 0;
}

/* One bridge's items from cb->args[1] on. */
static int dump_br(struct dump *d, struct mc_br *br)
{
	struct mc_port *p;
	void *hdr = NULL;
	long i = 0;
	int ret;

	switch (d->cmd) {
	case NFPM_CMD_GET_GROUPS:
		return mc_table_walk(br, &d->cb->args[1], group_one, d);
	case NFPM_CMD_GET_PORTS:
		list_for_each_entry_rcu(p, &br->ports, list) {
			if (i++ < d->cb->args[1])
				continue;
			hdr = dump_put(d);
			if (!hdr || put_port(d->skb, br, p))
				goto full;
			genlmsg_end(d->skb, hdr);
			d->cb->args[1]++;
		}
		return 0;
	}
	if (d->cb->args[1])
		return 0;
	hdr = dump_put(d);
	if (!hdr)
		return -EMSGSIZE;
	ret = d->cmd == NFPM_CMD_GET_STATS ? fill_stats(d->skb, br) :
					     fill_config(d->skb, br);
	if (ret)
		goto full;
	genlmsg_end(d->skb, hdr);
	d->cb->args[1] = 1;
	return 0;
full:
	if (hdr)
		genlmsg_cancel(d->skb, hdr);
	return -EMSGSIZE;
}

static int dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct mc_net *mn = mc_net(sock_net(skb->sk));
	struct nlattr *ifa = info->attrs[NFPM_A_IFINDEX];
	struct dump d = { skb, cb, cmd };
	struct mc_br *br;
	long i = 0;
	int ret = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(br, &mn->bridges, list) {
		if (ifa && br->dev->ifindex != nla_get_u32(ifa))
			continue;
		if (i++ < cb->args[0])
			continue;
		ret = dump_br(&d, br);
		if (ret)
			break;
		cb->args[0]++;
		cb->args[1] = 0;
	}
	rcu_read_unlock();
	/* A full skb is not an error: the dump resumes from cb->args. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static int get_config_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump(skb, cb, NFPM_CMD_GET_CONFIG);
}

static int get_groups_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump(skb, cb, NFPM_CMD_GET_GROUPS);
}

static int get_ports_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump(skb, cb, NFPM_CMD_GET_PORTS);
}

static int get_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump(skb, cb, NFPM_CMD_GET_STATS);
}

/* --- entries and ports --- */

static int addr_of(struct genl_info *info, int attr, struct nfpost_mc_addr *a)
{
	struct nlattr *n = info->attrs[attr];

	if (nla_len(n) == 4) {
		nfpost_mc_addr_v4(a, nla_data(n));
		return 0;
	}
	if (nla_len(n) == 16) {
		memcpy(a->b, nla_data(n), 16);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(info->extack, n, "an address is 4 or 16 bytes");
	return -EINVAL;
}

/* Under rtnl: NFPM_A_PORT is a port of @br's bridge. */
static int port_of(struct genl_info *info, struct mc_br *br, int *ifindex)
{
	struct net_device *dev;

	dev = dev_of(info, NFPM_A_PORT);
	if (!dev)
		return -ENODEV;
	if (!netif_is_bridge_port(dev) ||
	    netdev_master_upper_dev_get(dev) != br->dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPM_A_PORT],
				    "interface is not a port of this bridge");
		return -EINVAL;
	}
	*ifindex = dev->ifindex;
	return 0;
}

struct entry_req {
	struct nfpost_mc_addr group, src;
	bool has_src;
	int port;
};

static int entry_req(struct genl_info *info, struct mc_br *br,
		     struct entry_req *r)
{
	int ret;

	ret = need(info, NFPM_A_PORT, "missing port (NFPM_A_PORT)") ?:
	      need(info, NFPM_A_GROUP, "missing group (NFPM_A_GROUP)") ?:
	      port_of(info, br, &r->port) ?:
	      addr_of(info, NFPM_A_GROUP, &r->group);
	if (ret)
		return ret;
	if (!nfpost_mc_addr_is_group(&r->group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPM_A_GROUP],
				    "not a multicast group beyond link-local scope");
		return -EINVAL;
	}
	r->has_src = info->attrs[NFPM_A_SOURCE_ADDR];
	if (!r->has_src)
		return 0;
	ret = addr_of(info, NFPM_A_SOURCE_ADDR, &r->src);
	if (ret)
		return ret;
	if (nfpost_mc_addr_is_v4(&r->src) != nfpost_mc_addr_is_v4(&r->group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPM_A_SOURCE_ADDR],
				    "source and group are of different families");
		return -EINVAL;
	}
	return 0;
}

static int entry_doit(struct genl_info *info, bool add)
{
	struct entry_req r;
	struct mc_port *port;
	struct mc_br *br;
	int ret;

	rtnl_lock();
	br = br_of(info, &ret);
	if (br)
		ret = entry_req(info, br, &r);
	if (ret)
		goto out;
	spin_lock_bh(&br->lock);
	port = mc_port_get(br, r.port);
	if (!port)
		ret = -ENOMEM;
	else if (add)
		ret = mc_static_add(br, port, &r.group,
				    r.has_src ? &r.src : NULL,
				    nla_get_flag(info->attrs[NFPM_A_PERMANENT]));
	else
		ret = mc_static_del(br, port, &r.group,
				    r.has_src ? &r.src : NULL);
	spin_unlock_bh(&br->lock);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no such entry");
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the table is full of permanent entries");
out:
	rtnl_unlock();
	return ret;
}

static int add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return entry_doit(info, true);
}

static int del_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (info->attrs[NFPM_A_PERMANENT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPM_A_PERMANENT],
				    "DEL takes no NFPM_A_PERMANENT");
		return -EINVAL;
	}
	return entry_doit(info, false);
}

static void set_port(struct mc_br *br, struct mc_port *p,
		     struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	u8 router;

	if (tb[NFPM_A_FAST_LEAVE])
		WRITE_ONCE(p->fast_leave, nla_get_u8(tb[NFPM_A_FAST_LEAVE]));
	if (tb[NFPM_A_MAX_GROUPS])
		p->max_groups = nla_get_u32(tb[NFPM_A_MAX_GROUPS]);
	if (!tb[NFPM_A_ROUTER])
		return;
	router = nla_get_u8(tb[NFPM_A_ROUTER]);
	if (router == NFPM_ROUTER_TEMPORARY) {
		WRITE_ONCE(p->router_exp,
			   mc_now() + mc_ms(MC_CFG(br, other_querier_ms)));
		mc_gc_arm(br, p->router_exp);
	} else if (router != NFPM_ROUTER_LEARNED) {
		WRITE_ONCE(p->router_exp, 0);
	}
	WRITE_ONCE(p->router, router);
}

static int set_port_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev, *master;
	struct mc_port *p;
	struct mc_br *br = NULL;
	int ret;

	ret = need(info, NFPM_A_PORT, "missing port (NFPM_A_PORT)");
	if (ret)
		return ret;
	rtnl_lock();
	dev = dev_of(info, NFPM_A_PORT);
	ret = -ENODEV;
	if (!dev)
		goto out;
	master = netif_is_bridge_port(dev) ?
		 netdev_master_upper_dev_get(dev) : NULL;
	if (master)
		br = mc_br_find(info_mn(info), master);
	ret = -EINVAL;
	if (!br) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPM_A_PORT],
				    "not a port of a bridge nfpost_mcast is enabled on");
		goto out;
	}
	spin_lock_bh(&br->lock);
	p = mc_port_get(br, dev->ifindex);
	if (p)
		set_port(br, p, info);
	spin_unlock_bh(&br->lock);
	ret = p ? 0 : -ENOMEM;
out:
	rtnl_unlock();
	return ret;
}

static const struct genl_ops mc_ops[] = {
	{ .cmd = NFPM_CMD_ENABLE, .doit = enable_doit,
	  .policy = br_policy, .maxattr = NFPM_A_IFINDEX,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPM_CMD_DISABLE, .doit = disable_doit,
	  .policy = br_policy, .maxattr = NFPM_A_IFINDEX,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPM_CMD_GET_CONFIG, .dumpit = get_config_dump,
	  .policy = br_policy, .maxattr = NFPM_A_IFINDEX },
	{ .cmd = NFPM_CMD_SET_CONFIG, .doit = set_config_doit,
	  .policy = cfg_policy, .maxattr = NFPM_A_CFG_MLD_VERSION,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPM_CMD_GET_GROUPS, .dumpit = get_groups_dump,
	  .policy = br_policy, .maxattr = NFPM_A_IFINDEX },
	{ .cmd = NFPM_CMD_ADD, .doit = add_doit,
	  .policy = entry_policy, .maxattr = NFPM_A_PERMANENT,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPM_CMD_DEL, .doit = del_doit,
	  .policy = entry_policy, .maxattr = NFPM_A_PERMANENT,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPM_CMD_GET_PORTS, .dumpit = get_ports_dump,
	  .policy = br_policy, .maxattr = NFPM_A_IFINDEX },
	{ .cmd = NFPM_CMD_SET_PORT, .doit = set_port_doit,
	  .policy = port_policy, .maxattr = NFPM_A_MAX_GROUPS,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPM_CMD_GET_STATS, .dumpit = get_stats_dump,
	  .policy = br_policy, .maxattr = NFPM_A_IFINDEX },
};

static const struct genl_multicast_group mc_groups[] = {
	{ .name = NFPM_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family nfpost_mcast_family = {
	.name = NFPM_GENL_NAME,
	.version = NFPM_GENL_VERSION,
	.maxattr = NFPM_A_MAX,
	.netnsok = true,
	.resv_start_op = 0,
	.ops = mc_ops,
	.n_ops = ARRAY_SIZE(mc_ops),
	.mcgrps = mc_groups,
	.n_mcgrps = ARRAY_SIZE(mc_groups),
	.module = THIS_MODULE,
};

int mc_netlink_register(void)
{
	return genl_register_family(&nfpost_mcast_family);
}

void mc_netlink_unregister(void)
{
	genl_unregister_family(&nfpost_mcast_family);
}
