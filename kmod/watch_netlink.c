// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane: the nfpost_watch generic netlink family, per the prose in
 * include/uapi/linux/nfpost_watch.h. Every request acts on the namespace of
 * the socket that sent it.
 */
#include <linux/etherdevice.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/nfpost_watch.h>

#include "watch_age.h"
#include "watch_net.h"
#include "watch_netlink.h"

static struct netlink_range_validation max_bindings_range = {
	.min = 16, .max = 1048576,
};
static struct netlink_range_validation flood_pps_range = {
	.min = 1, .max = 10000000,
};
static struct netlink_range_validation sweep_window_range = {
	.min = 100, .max = 3600000,
};
static struct netlink_range_validation flipflop_range = {
	.min = 1000, .max = 86400000,
};
static struct netlink_range_validation echo_timeout_range = {
	.min = 100, .max = 600000,
};
static struct netlink_range_validation max_age_range = {
	.min = 0, .max = 31536000,
};

/*
 * One policy per operation, each with only what that request may carry:
 * strict validation refuses any other attribute with "Unsupported attribute"
 * and its offset in the extack.
 */
#define IFINDEX_POLICY	NLA_POLICY_MIN(NLA_U32, 1)
#define ADDR_POLICY	{ .type = NLA_BE32 }

static const struct nla_policy get_bindings_policy[NFPW_A_MAX + 1] = {
	[NFPW_A_IFINDEX] = IFINDEX_POLICY,
};

static const struct nla_policy add_binding_policy[NFPW_A_MAX + 1] = {
	[NFPW_A_IFINDEX] = IFINDEX_POLICY,
	[NFPW_A_ADDR] = ADDR_POLICY,
	[NFPW_A_LLADDR] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[NFPW_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, NFPW_BF_STATIC),
};

/* DEL_BINDING and FLUSH: an interface and an address. */
static const struct nla_policy key_policy[NFPW_A_MAX + 1] = {
	[NFPW_A_IFINDEX] = IFINDEX_POLICY,
	[NFPW_A_ADDR] = ADDR_POLICY,
};

/* GET_CONFIG, GET_STATS, SUBSCRIBE, UNSUBSCRIBE: no attribute at all. */
static const struct nla_policy empty_policy[NFPW_A_MAX + 1] = {};

static const struct nla_policy set_config_policy[NFPW_A_MAX + 1] = {
	[NFPW_A_CFG_MAX_BINDINGS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &max_bindings_range),
	[NFPW_A_CFG_FLOOD_PPS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flood_pps_range),
	[NFPW_A_CFG_SWEEP_HOSTS] = NLA_POLICY_RANGE(NLA_U32, 2, 256),
	[NFPW_A_CFG_SWEEP_WINDOW_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &sweep_window_range),
	[NFPW_A_CFG_TRACE_PROBES] = NLA_POLICY_RANGE(NLA_U32, 2, 32),
	[NFPW_A_CFG_TRACE_MAX_TTL] = NLA_POLICY_RANGE(NLA_U32, 1, 255),
	[NFPW_A_CFG_FLIPFLOP_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flipflop_range),
	[NFPW_A_CFG_ECHO_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &echo_timeout_range),
	[NFPW_A_CFG_MAX_AGE] = NLA_POLICY_FULL_RANGE(NLA_U32, &max_age_range),
};

static struct nfpost_watch_net *info_wn(struct genl_info *info)
{
	return nfpost_watch_net(genl_info_net(info));
}

/* Replies to a GET with a message built by @fill. */
static int reply(struct genl_info *info, u8 cmd,
		 int (*fill)(struct sk_buff *, struct nfpost_watch_net *))
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfpost_watch_family, 0, cmd);
	ret = -EMSGSIZE;
	if (!hdr)
		goto err_free;
	ret = fill(msg, info_wn(info));
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err_free:
	nlmsg_free(msg);
	return ret;
}

/* --- bindings --- */

/*
 * One part of a dump. The wall clock is read once per part, not per binding:
 * under emulation a clock read costs microseconds, times every binding.
 */
struct dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct net *net;
	u64 wall_off;		/* CLOCK_REALTIME - nfpost_watch_now() */
};

static int put_binding(struct sk_buff *skb, const struct nfpost_binding *b,
		       const struct dump_ctx *ctx)
{
	const struct net_device *dev;

	if (nla_put_u32(skb, NFPW_A_IFINDEX, b->key.ifindex) ||
	    nla_put_in_addr(skb, NFPW_A_ADDR, b->key.addr) ||
	    nla_put(skb, NFPW_A_LLADDR, ETH_ALEN, b->hist.slot[0].addr) ||
	    (b->hist.n > 1 &&
	     nla_put(skb, NFPW_A_PREV_LLADDR, ETH_ALEN, b->hist.slot[1].addr)) ||
	    nla_put_u64_64bit(skb, NFPW_A_FIRST_SEEN, b->first_seen,
			      NFPW_A_PAD) ||
	    nla_put_u64_64bit(skb, NFPW_A_LAST_SEEN, ctx->wall_off +
			      READ_ONCE(b->hist.slot[0].last_seen),
			      NFPW_A_PAD) ||
	    nla_put_u64_64bit(skb, NFPW_A_PACKETS, atomic64_read(&b->packets),
			      NFPW_A_PAD) ||
	    nla_put_u32(skb, NFPW_A_CHANGES, b->changes) ||
	    nla_put_u32(skb, NFPW_A_FLAGS, b->flags))
		return -EMSGSIZE;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(ctx->net, b->key.ifindex);
	if (dev && nla_put_string(skb, NFPW_A_IFNAME, dev->name)) {
		rcu_read_unlock();
		return -EMSGSIZE;
	}
	rcu_read_unlock();
	return 0;
}

static int dump_one(const struct nfpost_binding *b, void *arg)
{
	struct dump_ctx *ctx = arg;
	void *hdr;

	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &nfpost_watch_family,
			  NLM_F_MULTI, NFPW_CMD_GET_BINDINGS);
	if (!hdr)
		return -EMSGSIZE;
	if (put_binding(ctx->skb, b, ctx)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

/* cb->args[0]: the table's walker, from start to done. */
static int get_bindings_start(struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct rhashtable_iter *iter;

	iter = kmalloc(sizeof(*iter), GFP_KERNEL);
	if (!iter)
		return -ENOMEM;
	nfpost_table_walk_enter(&nfpost_watch_net(net)->table, iter);
	cb->args[0] = (long)iter;
	return 0;
}

static int get_bindings_done(struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];

	if (iter) {
		nfpost_table_walk_exit(iter);
		kfree(iter);
	}
	return 0;
}

static int get_bindings_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct net *net = sock_net(skb->sk);
	struct dump_ctx ctx = { .skb = skb, .cb = cb, .net = net };
	struct nlattr *ifa = info->attrs[NFPW_A_IFINDEX];
	int ret;

	ctx.wall_off = ktime_get_real_ns() - nfpost_watch_now();
	ret = nfpost_table_walk(&nfpost_watch_net(net)->table,
				(struct rhashtable_iter *)cb->args[0],
				ifa ? nla_get_u32(ifa) : 0, dump_one, &ctx);
	/* A full skb is not an error: the dump resumes from cb->args. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

/* A macro: NL_SET_ERR_MSG_MOD takes a string literal. */
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

static int binding_key(struct genl_info *info)
{
	int ret;

	ret = need(info, NFPW_A_IFINDEX, "missing interface index");
	if (!ret)
		ret = need(info, NFPW_A_ADDR, "missing IPv4 address");
	return ret;
}

/* The interface must be here, and be where bindings live (not a port). */
static int check_dev(struct genl_info *info, int ifindex)
{
	struct net_device *dev;
	int ret = 0;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(genl_info_net(info), ifindex);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPW_A_IFINDEX],
				    "no such interface in this namespace");
		ret = -ENODEV;
	} else if (netif_is_bridge_port(dev)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPW_A_IFINDEX],
				    "interface is a bridge port: bind on its bridge");
		ret = -EINVAL;
	}
	rcu_read_unlock();
	return ret;
}

static int add_binding_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfpost_watch_net *wn = info_wn(info);
	struct nfpost_sighting s = {};
	u32 evicted, flags = NFPW_BF_STATIC;
	int ret;

	ret = binding_key(info);
	if (!ret)
		ret = need(info, NFPW_A_LLADDR, "missing link-layer address");
	if (ret)
		return ret;
	s.ifindex = nla_get_u32(info->attrs[NFPW_A_IFINDEX]);
	s.addr = nla_get_in_addr(info->attrs[NFPW_A_ADDR]);
	s.lladdr = nla_data(info->attrs[NFPW_A_LLADDR]);
	if (info->attrs[NFPW_A_FLAGS])
		flags = nla_get_u32(info->attrs[NFPW_A_FLAGS]);
	ret = check_dev(info, s.ifindex);
	if (ret)
		return ret;
	if (!is_valid_ether_addr(s.lladdr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFPW_A_LLADDR],
				    "link-layer address must be unicast and non-zero");
		return -EINVAL;
	}
	/* The packet path's clocks: one timeline in the history. */
	s.mono = nfpost_watch_now();
	s.max = NFPW_CFG(wn, max_bindings);
	ret = nfpost_table_add(&wn->table, &s, flags, &evicted);
	nfpost_watch_count_n(wn, NFPW_A_STAT_EVICTED, evicted);
	if (ret == -ENOSPC)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "binding table full of static bindings, or more than a few to evict");
	else if (ret == -EDQUOT)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "bindings of all unprivileged namespaces at their cap (userns_max_bindings)");
	return ret;
}

static int del_binding_doit(struct sk_buff *skb, struct genl_info *info)
{
	int ret = binding_key(info);

	if (ret)
		return ret;
	ret = nfpost_table_del_static(&info_wn(info)->table,
				      nla_get_u32(info->attrs[NFPW_A_IFINDEX]),
				      nla_get_in_addr(info->attrs[NFPW_A_ADDR]));
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no static binding for this address");
	return ret;
}

/* With NFPW_A_ADDR, that address's learned binding must have been there. */
static int flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ifa = info->attrs[NFPW_A_IFINDEX];
	struct nlattr *addr = info->attrs[NFPW_A_ADDR];
	u32 n;

	n = nfpost_table_flush(&info_wn(info)->table,
			       ifa ? nla_get_u32(ifa) : 0,
			       addr ? nla_get_in_addr(addr) : 0, false);
	if (addr && !n) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "no learned binding for this address");
		return -ENOENT;
	}
	return 0;
}

/* --- configuration --- */

/* Each configuration attribute and the u32 of struct nfpost_watch_cfg it sets. */
static const struct {
	int attr;
	size_t off;
} cfg_fields[] = {
	{ NFPW_A_CFG_MAX_BINDINGS, offsetof(struct nfpost_watch_cfg, max_bindings) },
	{ NFPW_A_CFG_FLOOD_PPS, offsetof(struct nfpost_watch_cfg, flood_pps) },
	{ NFPW_A_CFG_SWEEP_HOSTS, offsetof(struct nfpost_watch_cfg, sweep_hosts) },
	{ NFPW_A_CFG_SWEEP_WINDOW_MS,
	  offsetof(struct nfpost_watch_cfg, sweep_window_ms) },
	{ NFPW_A_CFG_TRACE_PROBES, offsetof(struct nfpost_watch_cfg, trace_probes) },
	{ NFPW_A_CFG_TRACE_MAX_TTL,
	  offsetof(struct nfpost_watch_cfg, trace_max_ttl) },
	{ NFPW_A_CFG_FLIPFLOP_MS, offsetof(struct nfpost_watch_cfg, flipflop_ms) },
	{ NFPW_A_CFG_ECHO_TIMEOUT_MS,
	  offsetof(struct nfpost_watch_cfg, echo_timeout_ms) },
	{ NFPW_A_CFG_MAX_AGE, offsetof(struct nfpost_watch_cfg, max_age) },
};

static u32 *cfg_slot(struct nfpost_watch_net *wn, int i)
{
	return (u32 *)((u8 *)&wn->cfg + cfg_fields[i].off);
}

static int fill_config(struct sk_buff *msg, struct nfpost_watch_net *wn)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cfg_fields); i++)
		if (nla_put_u32(msg, cfg_fields[i].attr,
				READ_ONCE(*cfg_slot(wn, i))))
			return -EMSGSIZE;
	return 0;
}

static int get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, NFPW_CMD_GET_CONFIG, fill_config);
}

/*
 * Memory a namespace may pin is the initial namespace's administrator's
 * call: CAP_NET_ADMIN over the namespace (what the genl core checked) lets
 * anyone with `unshare -Urn` in, so a cap above the default needs it in the
 * initial user namespace too.
 */
static int check_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *max = info->attrs[NFPW_A_CFG_MAX_BINDINGS];
	int i;

	for (i = 0; i < ARRAY_SIZE(cfg_fields); i++)
		if (info->attrs[cfg_fields[i].attr])
			break;
	if (i == ARRAY_SIZE(cfg_fields)) {
		NL_SET_ERR_MSG_MOD(info->extack, "no configuration attribute to set");
		return -EINVAL;
	}
	if (max && nla_get_u32(max) > NFPOST_WATCH_DEFAULT_MAX_BINDINGS &&
	    !netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, max,
				    "max-bindings above the default needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	return 0;
}

/*
 * Serialized by genl_mutex; the packet path reads with READ_ONCE. A lowered
 * cap is enforced here, in process context, not by the next packets.
 */
static int set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfpost_watch_net *wn = info_wn(info);
	struct nlattr *a;
	int i, ret;

	ret = check_config(skb, info);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(cfg_fields); i++) {
		a = info->attrs[cfg_fields[i].attr];
		if (a)
			WRITE_ONCE(*cfg_slot(wn, i), nla_get_u32(a));
	}
	if (info->attrs[NFPW_A_CFG_MAX_BINDINGS])
		nfpost_watch_count_n(wn, NFPW_A_STAT_EVICTED,
				     nfpost_table_shrink(&wn->table,
							 NFPW_CFG(wn, max_bindings)));
	if (info->attrs[NFPW_A_CFG_MAX_AGE])
		nfpost_age_kick(wn);
	return 0;
}

/* --- events --- */

static int subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nfpost_subs_add(&info_wn(info)->subs, info->snd_portid,
			       nfpost_watch_now(), info->extack);
}

static int unsubscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	int ret = nfpost_subs_del(&info_wn(info)->subs, info->snd_portid);

	if (ret == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "this socket is not subscribed");
	return ret;
}

/* --- counters --- */

static int fill_stats(struct sk_buff *msg, struct nfpost_watch_net *wn)
{
	u64 sum[NFPW_NSTATS] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct nfpost_watch_stats *s = per_cpu_ptr(wn->stats, cpu);

		for (i = 0; i < NFPW_NSTATS; i++)
			sum[i] += READ_ONCE(s->c[i]);
	}
	sum[NFPW_A_STAT_BINDINGS - NFPW_A_STAT_ARP] =
		nfpost_table_count(&wn->table);
	for (i = 0; i < NFPW_NSTATS; i++)
		if (nla_put_u64_64bit(msg, NFPW_A_STAT_ARP + i, sum[i],
				      NFPW_A_PAD))
			return -EMSGSIZE;
	/* Not a per-CPU counter: the table's geometry, read as it is now. */
	if (nla_put_u64_64bit(msg, NFPW_A_STAT_BUCKETS,
			      nfpost_table_buckets(&wn->table), NFPW_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, NFPW_CMD_GET_STATS, fill_stats);
}

#define POLICY(p)	.policy = (p), .maxattr = NFPW_A_MAX

static const struct genl_ops nfpw_ops[] = {
	{ .cmd = NFPW_CMD_GET_BINDINGS, .start = get_bindings_start,
	  .dumpit = get_bindings_dump, .done = get_bindings_done,
	  POLICY(get_bindings_policy) },
	{ .cmd = NFPW_CMD_ADD_BINDING, .doit = add_binding_doit,
	  .flags = GENL_UNS_ADMIN_PERM, POLICY(add_binding_policy) },
	{ .cmd = NFPW_CMD_DEL_BINDING, .doit = del_binding_doit,
	  .flags = GENL_UNS_ADMIN_PERM, POLICY(key_policy) },
	{ .cmd = NFPW_CMD_FLUSH, .doit = flush_doit,
	  .flags = GENL_UNS_ADMIN_PERM, POLICY(key_policy) },
	{ .cmd = NFPW_CMD_GET_CONFIG, .doit = get_config_doit,
	  POLICY(empty_policy) },
	{ .cmd = NFPW_CMD_SET_CONFIG, .doit = set_config_doit,
	  .flags = GENL_UNS_ADMIN_PERM, POLICY(set_config_policy) },
	{ .cmd = NFPW_CMD_GET_STATS, .doit = get_stats_doit,
	  POLICY(empty_policy) },
	{ .cmd = NFPW_CMD_SUBSCRIBE, .doit = subscribe_doit,
	  .flags = GENL_UNS_ADMIN_PERM, POLICY(empty_policy) },
	{ .cmd = NFPW_CMD_UNSUBSCRIBE, .doit = unsubscribe_doit,
	  .flags = GENL_UNS_ADMIN_PERM, POLICY(empty_policy) },
};

struct genl_family nfpost_watch_family = {
	.name = NFPW_GENL_NAME,
	.version = NFPW_GENL_VERSION,
	/* The size of the attribute array every operation's policy fills. */
	.maxattr = NFPW_A_MAX,
	.netnsok = true,
	/*
	 * A new family: every command has its header's reserved field checked
	 * and is parsed strictly against the policy.
	 */
	.resv_start_op = 0,
	.ops = nfpw_ops,
	.n_ops = ARRAY_SIZE(nfpw_ops),
	.module = THIS_MODULE,
};

int nfpost_netlink_register(void)
{
	return genl_register_family(&nfpost_watch_family);
}

void nfpost_netlink_unregister(void)
{
	genl_unregister_family(&nfpost_watch_family);
}
