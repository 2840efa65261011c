// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane: the nfpost_smtp generic netlink family, per the prose in
 * include/uapi/linux/nfpost_smtp.h. One policy per operation; every request
 * acts on the namespace of the socket that sent it.
 */
#include <linux/ctype.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/nfpost_smtp.h>

#include "smtp_event.h"
#include "smtp_net.h"
#include "smtp_netlink.h"

static struct netlink_range_validation window_range = {
	.min = 100, .max = 86400000,
};
static struct netlink_range_validation block_range = {
	.min = 1000, .max = 604800000,
};
static struct netlink_range_validation flows_range = {
	.min = 16, .max = 1048576,
};
static struct netlink_range_validation teaser_range = {
	.min = 0, .max = 60000,
};
static struct netlink_range_validation ttl_range = {
	.min = 0, .max = 2592000000U,
};
static struct netlink_range_validation remaining_range = {
	.min = 1, .max = 604800000,
};

static const struct nla_policy set_policy[NFPS_A_CFG_FAIL_TTL_MS + 1] = {
	[NFPS_A_CFG_PORTS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_MYNETWORKS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_LOCAL_DOMAINS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_RELAY_DOMAINS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_BLOCK_CLIENTS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_BLOCK_HELO] = { .type = NLA_NESTED },
	[NFPS_A_CFG_BLOCK_SENDERS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_AUTH_RELAY] = NLA_POLICY_MAX(NLA_U8, 1),
	[NFPS_A_CFG_MAX_RCPT] = { .type = NLA_U32 },
	[NFPS_A_CFG_MAX_SIZE] = { .type = NLA_U32 },
	[NFPS_A_CFG_CONN_MAX] = { .type = NLA_U32 },
	[NFPS_A_CFG_CONN_RATE] = { .type = NLA_U32 },
	[NFPS_A_CFG_MSG_RATE] = { .type = NLA_U32 },
	[NFPS_A_CFG_RCPT_RATE] = { .type = NLA_U32 },
	[NFPS_A_CFG_RATE_WINDOW_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &window_range),
	[NFPS_A_CFG_BLOCK_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &block_range),
	[NFPS_A_CFG_MAX_FLOWS] = NLA_POLICY_FULL_RANGE(NLA_U32, &flows_range),
	[NFPS_A_CFG_ACTIONS] = { .type = NLA_NESTED },
	[NFPS_A_CFG_TEASER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &teaser_range),
	[NFPS_A_CFG_PASS_TTL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ttl_range),
	[NFPS_A_CFG_FAIL_TTL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ttl_range),
};

static const struct nla_policy prefix_policy[NFPS_A_PREFIXLEN + 1] = {
	[NFPS_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFPS_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy flush_policy[NFPS_A_CLIENT + 1] = {
	[NFPS_A_CLIENT] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
};

static const struct nla_policy block_policy[NFPS_A_REMAINING_MS + 1] = {
	[NFPS_A_CLIENT] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFPS_A_REMAINING_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &remaining_range),
};

static struct nfps_net *info_sn(struct genl_info *info)
{
	return nfps_net(genl_info_net(info));
}

/* Every operation runs under genl_mutex: the family has no parallel_ops. */
static const struct nfps_cfg *cfg_of(struct nfps_net *sn)
{
	return rcu_dereference_protected(sn->cfg, true);
}

/* --- addresses --- */

static int get_addr(const struct nlattr *a, struct nfps_addr *addr,
		    struct netlink_ext_ack *extack)
{
	if (nla_len(a) == 4) {
		nfps_addr_v4(addr, nla_get_in_addr(a));
		return 0;
	}
	if (nla_len(a) == 16) {
		memcpy(&addr->a, nla_data(a), 16);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, a, "address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

static int put_prefix(struct sk_buff *skb, const struct nfps_prefix *p)
{
	struct nlattr *nest = nla_nest_start(skb, NFPS_A_PREFIX);
	bool v4 = nfps_addr_is_v4(&p->addr);

	if (!nest || nfps_put_addr(skb, NFPS_A_ADDR, &p->addr) ||
	    nla_put_u8(skb, NFPS_A_PREFIXLEN, v4 ? p->plen - 96 : p->plen))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int parse_prefix(const struct nlattr *a, struct nfps_prefix *p,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFPS_A_PREFIXLEN + 1];
	struct nfps_addr addr;
	u8 plen;
	int ret;

	ret = nla_parse_nested(tb, NFPS_A_PREFIXLEN, a, prefix_policy, extack);
	if (ret)
		return ret;
	if (!tb[NFPS_A_ADDR] || !tb[NFPS_A_PREFIXLEN]) {
		NL_SET_ERR_MSG_ATTR(extack, a, "a prefix needs an address and a length");
		return -EINVAL;
	}
	ret = get_addr(tb[NFPS_A_ADDR], &addr, extack);
	if (ret)
		return ret;
	plen = nla_get_u8(tb[NFPS_A_PREFIXLEN]);
	if (nla_len(tb[NFPS_A_ADDR]) == 4) {
		if (plen > 32) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFPS_A_PREFIXLEN],
					    "IPv4 prefix length over 32");
			return -EINVAL;
		}
		plen += 96;
	}
	nfps_prefix_set(p, &addr, plen);
	return 0;
}

/* --- configuration lists --- */

static int parse_prefixes(const struct nlattr *list, struct nfps_prefixes *l,
			  struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, ret;

	l->n = 0;
	nla_for_each_nested(a, list, rem) {
		if (nla_type(a) != NFPS_A_PREFIX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "expected a prefix");
			return -EINVAL;
		}
		if (l->n == NFPS_LIST_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many prefixes (64 at most)");
			return -E2BIG;
		}
		ret = parse_prefix(a, &l->p[l->n], extack);
		if (ret)
			return ret;
		l->n++;
	}
	return 0;
}

/* Printable ASCII (an address or a domain), stored lower case. */
static int parse_name(const struct nlattr *a, char *out,
		      struct netlink_ext_ack *extack)
{
	const char *s = nla_data(a);
	int len = nla_len(a), i;

	if (len && !s[len - 1])
		len--;
	if (nla_type(a) != NFPS_A_NAME || !len || len > NFPS_NAME_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a, "expected a name of 1 to 255 bytes");
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (s[i] <= ' ' || s[i] > '~') {
			NL_SET_ERR_MSG_ATTR(extack, a, "names are printable ASCII without spaces");
			return -EINVAL;
		}
		out[i] = tolower(s[i]);
	}
	if (len > 1 && out[len - 1] == '.')
		len--;
	out[len] = '\0';
	return 0;
}

static int parse_names(const struct nlattr *list, struct nfps_names *l,
		       struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, ret;

	l->n = 0;
	nla_for_each_nested(a, list, rem) {
		if (l->n == NFPS_LIST_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many names (64 at most)");
			return -E2BIG;
		}
		ret = parse_name(a, l->name[l->n], extack);
		if (ret)
			return ret;
		l->n++;
	}
	return 0;
}

static int parse_ports(const struct nlattr *list, struct nfps_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem;

	cfg->nports = 0;
	nla_for_each_nested(a, list, rem) {
		if (nla_type(a) != NFPS_A_PORT || nla_len(a) != 2 ||
		    !nla_get_u16(a)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "expected a port, u16, not 0");
			return -EINVAL;
		}
		if (cfg->nports == NFPS_PORTS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many ports (8 at most)");
			return -E2BIG;
		}
		cfg->ports[cfg->nports++] = nla_get_u16(a);
	}
	if (!cfg->nports) {
		NL_SET_ERR_MSG_ATTR(extack, list, "at least one port is guarded");
		return -EINVAL;
	}
	return 0;
}

static int parse_actions(const struct nlattr *list, struct nfps_cfg *cfg,
			 struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, rule;

	nla_for_each_nested(a, list, rem) {
		rule = nla_type(a);
		if (rule < 1 || rule > NFPS_RULE_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "no such rule");
			return -EINVAL;
		}
		if (nla_len(a) != 1 || nla_get_u8(a) < NFPS_ACT_LOG ||
		    nla_get_u8(a) > NFPS_ACT_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "action must be u8 log, reset or block");
			return -EINVAL;
		}
		cfg->action[rule] = nla_get_u8(a);
	}
	return 0;
}

/* Each u32 configuration attribute and the field it sets. */
static const struct {
	int attr;
	size_t off;
} u32_fields[] = {
	{ NFPS_A_CFG_MAX_RCPT, offsetof(struct nfps_cfg, max_rcpt) },
	{ NFPS_A_CFG_MAX_SIZE, offsetof(struct nfps_cfg, max_size) },
	{ NFPS_A_CFG_CONN_MAX, offsetof(struct nfps_cfg, conn_max) },
	{ NFPS_A_CFG_CONN_RATE, offsetof(struct nfps_cfg, conn_rate) },
	{ NFPS_A_CFG_MSG_RATE, offsetof(struct nfps_cfg, msg_rate) },
	{ NFPS_A_CFG_RCPT_RATE, offsetof(struct nfps_cfg, rcpt_rate) },
	{ NFPS_A_CFG_RATE_WINDOW_MS, offsetof(struct nfps_cfg, rate_window_ms) },
	{ NFPS_A_CFG_BLOCK_MS, offsetof(struct nfps_cfg, block_ms) },
	{ NFPS_A_CFG_MAX_FLOWS, offsetof(struct nfps_cfg, max_flows) },
	{ NFPS_A_CFG_TEASER_MS, offsetof(struct nfps_cfg, teaser_ms) },
	{ NFPS_A_CFG_PASS_TTL_MS, offsetof(struct nfps_cfg, pass_ttl_ms) },
	{ NFPS_A_CFG_FAIL_TTL_MS, offsetof(struct nfps_cfg, fail_ttl_ms) },
};

static u32 *u32_slot(struct nfps_cfg *cfg, int i)
{
	return (u32 *)((u8 *)cfg + u32_fields[i].off);
}

static int apply_lists(struct nlattr **tb, struct nfps_cfg *c,
		       struct netlink_ext_ack *extack)
{
	int ret = 0;

	if (tb[NFPS_A_CFG_PORTS])
		ret = parse_ports(tb[NFPS_A_CFG_PORTS], c, extack);
	if (!ret && tb[NFPS_A_CFG_MYNETWORKS])
		ret = parse_prefixes(tb[NFPS_A_CFG_MYNETWORKS], &c->mynetworks,
				     extack);
	if (!ret && tb[NFPS_A_CFG_BLOCK_CLIENTS])
		ret = parse_prefixes(tb[NFPS_A_CFG_BLOCK_CLIENTS],
				     &c->block_clients, extack);
	if (!ret && tb[NFPS_A_CFG_LOCAL_DOMAINS])
		ret = parse_names(tb[NFPS_A_CFG_LOCAL_DOMAINS],
				  &c->local_domains, extack);
	if (!ret && tb[NFPS_A_CFG_RELAY_DOMAINS])
		ret = parse_names(tb[NFPS_A_CFG_RELAY_DOMAINS],
				  &c->relay_domains, extack);
	if (!ret && tb[NFPS_A_CFG_BLOCK_HELO])
		ret = parse_names(tb[NFPS_A_CFG_BLOCK_HELO], &c->block_helo,
				  extack);
	if (!ret && tb[NFPS_A_CFG_BLOCK_SENDERS])
		ret = parse_names(tb[NFPS_A_CFG_BLOCK_SENDERS],
				  &c->block_senders, extack);
	if (!ret && tb[NFPS_A_CFG_ACTIONS])
		ret = parse_actions(tb[NFPS_A_CFG_ACTIONS], c, extack);
	return ret;
}

/* A copy is changed and then published whole: readers see one or other. */
static int set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfps_net *sn = info_sn(info);
	const struct nfps_cfg *old = cfg_of(sn);
	struct nfps_cfg *c;
	int i, ret;

	c = nfps_cfg_copy(old);
	if (!c)
		return -ENOMEM;
	ret = apply_lists(info->attrs, c, info->extack);
	if (ret) {
		nfps_cfg_free(c);
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(u32_fields); i++)
		if (info->attrs[u32_fields[i].attr])
			*u32_slot(c, i) =
				nla_get_u32(info->attrs[u32_fields[i].attr]);
	if (info->attrs[NFPS_A_CFG_AUTH_RELAY])
		c->auth_relay = nla_get_u8(info->attrs[NFPS_A_CFG_AUTH_RELAY]);
	rcu_assign_pointer(sn->cfg, c);
	nfps_cfg_free_rcu((struct nfps_cfg *)old);
	return 0;
}

static int put_prefixes(struct sk_buff *skb, int attr,
			const struct nfps_prefixes *l)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < l->n; i++)
		if (put_prefix(skb, &l->p[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_names(struct sk_buff *skb, int attr, const struct nfps_names *l)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < l->n; i++)
		if (nla_put_string(skb, NFPS_A_NAME, l->name[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ports_actions(struct sk_buff *skb, const struct nfps_cfg *c)
{
	struct nlattr *nest = nla_nest_start(skb, NFPS_A_CFG_PORTS);
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < c->nports; i++)
		if (nla_put_u16(skb, NFPS_A_PORT, c->ports[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, NFPS_A_CFG_ACTIONS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= NFPS_RULE_MAX; i++)
		if (nla_put_u8(skb, i, c->action[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_config(struct sk_buff *skb, struct nfps_net *sn)
{
	struct nfps_cfg *c = (struct nfps_cfg *)cfg_of(sn);
	int i;

	for (i = 0; i < ARRAY_SIZE(u32_fields); i++)
		if (nla_put_u32(skb, u32_fields[i].attr, *u32_slot(c, i)))
			return -EMSGSIZE;
	if (nla_put_u8(skb, NFPS_A_CFG_AUTH_RELAY, c->auth_relay) ||
	    put_ports_actions(skb, c) ||
	    put_prefixes(skb, NFPS_A_CFG_MYNETWORKS, &c->mynetworks) ||
	    put_prefixes(skb, NFPS_A_CFG_BLOCK_CLIENTS, &c->block_clients) ||
	    put_names(skb, NFPS_A_CFG_LOCAL_DOMAINS, &c->local_domains) ||
	    put_names(skb, NFPS_A_CFG_RELAY_DOMAINS, &c->relay_domains) ||
	    put_names(skb, NFPS_A_CFG_BLOCK_HELO, &c->block_helo) ||
	    put_names(skb, NFPS_A_CFG_BLOCK_SENDERS, &c->block_senders))
		return -EMSGSIZE;
	return 0;
}

/* Replies to a GET with a message built by @fill, of up to @size bytes. */
static int reply(struct genl_info *info, u8 cmd, size_t size,
		 int (*fill)(struct sk_buff *, struct nfps_net *))
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfps_family, 0, cmd);
	ret = -EMSGSIZE;
	if (!hdr)
		goto err_free;
	ret = fill(msg, info_sn(info));
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err_free:
	nlmsg_free(msg);
	return ret;
}

/* Four full name lists and two of prefixes, with headroom. */
#define CONFIG_SIZE	(4 * NFPS_LIST_MAX * (NFPS_NAME_MAX + 5) + 8192)

static int get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, NFPS_CMD_GET_CONFIG, CONFIG_SIZE, fill_config);
}

/* --- counters --- */

static int put_indexed(struct sk_buff *skb, int attr, const u64 *v, int n)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < n; i++)
		if (nla_put_u64_64bit(skb, i, v[i], 0))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_stats(struct sk_buff *skb, struct nfps_net *sn)
{
	u64 sum[NFPS_NCOUNTERS] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct nfps_stats *s = per_cpu_ptr(sn->stats, cpu);

		for (i = 0; i < NFPS_NCOUNTERS; i++)
			sum[i] += READ_ONCE(s->c[i]);
	}
	spin_lock_bh(&sn->tables.lock);
	sum[NFPS_A_STAT_FLOWS - NFPS_A_STAT_PACKETS] = sn->tables.nflows;
	sum[NFPS_A_STAT_HOSTS - NFPS_A_STAT_PACKETS] = sn->tables.nhosts;
	spin_unlock_bh(&sn->tables.lock);
	for (i = 0; i < NFPS_NSTATS; i++)
		if (nla_put_u64_64bit(skb, NFPS_A_STAT_PACKETS + i, sum[i],
				      NFPS_A_PAD))
			return -EMSGSIZE;
	if (put_indexed(skb, NFPS_A_STAT_RULES, sum + NFPS_STAT_RULE(0),
			NFPS_RULE_MAX + 1) ||
	    put_indexed(skb, NFPS_A_STAT_ACTIONS, sum + NFPS_STAT_ACT(0),
			NFPS_ACT_MAX + 1))
		return -EMSGSIZE;
	return 0;
}

static int get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, NFPS_CMD_GET_STATS, NLMSG_GOODSIZE, fill_stats);
}

/* --- flows and blocks --- */

struct dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u8 cmd;
	u64 now;
};

static void *dump_start(struct dump_ctx *d)
{
	return genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			   d->cb->nlh->nlmsg_seq, &nfps_family, NLM_F_MULTI,
			   d->cmd);
}

static u32 flow_flags(const struct nfps_flow *f)
{
	return (f->rd.greeted ? NFPS_FF_GREETED : 0) |
	       (f->rd.authed ? NFPS_FF_AUTHED : 0) |
	       (f->rd.tls ? NFPS_FF_TLS : 0) |
	       (f->trusted ? NFPS_FF_TRUSTED : 0) |
	       (f->lost ? NFPS_FF_LOST : 0);
}

static int dump_flow(const struct nfps_flow *f, void *arg)
{
	struct dump_ctx *d = arg;
	void *hdr = dump_start(d);

	if (!hdr)
		return -EMSGSIZE;
	if (nfps_put_addr(d->skb, NFPS_A_CLIENT, &f->key.caddr) ||
	    nla_put_u16(d->skb, NFPS_A_CLIENT_PORT, ntohs(f->key.cport)) ||
	    nfps_put_addr(d->skb, NFPS_A_SERVER, &f->key.saddr) ||
	    nla_put_u16(d->skb, NFPS_A_SERVER_PORT, ntohs(f->key.sport)) ||
	    nla_put_u32(d->skb, NFPS_A_FLOW_FLAGS, flow_flags(f)) ||
	    nla_put_u32(d->skb, NFPS_A_RCPTS, f->rcpts) ||
	    nla_put_u64_64bit(d->skb, NFPS_A_SIZE, f->rd.size, NFPS_A_PAD) ||
	    nla_put_u64_64bit(d->skb, NFPS_A_AGE_MS, d->now - f->start_ms,
			      NFPS_A_PAD)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int dump_end(struct sk_buff *skb, int ret)
{
	/* A full skb is not an error: the dump resumes from cb->args. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static int get_flows_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx d = { skb, cb, NFPS_CMD_GET_FLOWS, nfps_now_ms() };
	struct nfps_net *sn = nfps_net(sock_net(skb->sk));

	return dump_end(skb, nfps_flows_walk(&sn->tables, &cb->args[0],
					     dump_flow, &d));
}

static int dump_block(const struct nfps_host *h, void *arg)
{
	struct dump_ctx *d = arg;
	void *hdr;

	if (!h->blocked_until || !time_before64(d->now, h->blocked_until))
		return 0;
	hdr = dump_start(d);
	if (!hdr)
		return -EMSGSIZE;
	if (nfps_put_addr(d->skb, NFPS_A_CLIENT, &h->addr) ||
	    nla_put_u64_64bit(d->skb, NFPS_A_REMAINING_MS,
			      h->blocked_until - d->now, NFPS_A_PAD)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int get_blocks_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx d = { skb, cb, NFPS_CMD_GET_BLOCKS, nfps_now_ms() };
	struct nfps_net *sn = nfps_net(sock_net(skb->sk));

	return dump_end(skb, nfps_hosts_walk(&sn->tables, &cb->args[0],
					     dump_block, &d));
}

static int block_addr(struct genl_info *info, struct nfps_addr *a)
{
	if (!info->attrs[NFPS_A_CLIENT]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing client address");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, NFPS_A_CLIENT);
		return -EINVAL;
	}
	return get_addr(info->attrs[NFPS_A_CLIENT], a, info->extack);
}

static int add_block_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfps_net *sn = info_sn(info);
	u64 ms = cfg_of(sn)->block_ms;
	struct nfps_host *h;
	struct nfps_addr a;
	bool evicted;
	int ret;

	ret = block_addr(info, &a);
	if (ret)
		return ret;
	if (info->attrs[NFPS_A_REMAINING_MS])
		ms = nla_get_u64(info->attrs[NFPS_A_REMAINING_MS]);
	spin_lock_bh(&sn->tables.lock);
	h = nfps_host_get(&sn->tables, &a, cfg_of(sn)->max_flows, &evicted);
	if (h)
		h->blocked_until = nfps_now_ms() + ms;
	spin_unlock_bh(&sn->tables.lock);
	if (evicted)
		nfps_count(sn, NFPS_A_STAT_HOSTS_EVICTED);
	return h ? 0 : -ENOMEM;
}

static int del_block_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfps_net *sn = info_sn(info);
	struct nfps_host *h;
	struct nfps_addr a;
	int ret;

	ret = block_addr(info, &a);
	if (ret)
		return ret;
	ret = -ENOENT;
	spin_lock_bh(&sn->tables.lock);
	h = nfps_host_find(&sn->tables, &a);
	if (h && h->blocked_until &&
	    time_before64(nfps_now_ms(), h->blocked_until)) {
		h->blocked_until = 0;
		ret = 0;
	}
	spin_unlock_bh(&sn->tables.lock);
	if (ret)
		NL_SET_ERR_MSG_MOD(info->extack, "this client is not blocked");
	return ret;
}

/* --- the verdict cache --- */

static int dump_verdict(struct dump_ctx *d, const struct nfps_host *h,
			u8 verdict, u64 until)
{
	void *hdr;

	if (!until || !time_before64(d->now, until))
		return 0;
	hdr = dump_start(d);
	if (!hdr)
		return -EMSGSIZE;
	if (nfps_put_addr(d->skb, NFPS_A_CLIENT, &h->addr) ||
	    nla_put_u8(d->skb, NFPS_A_VERDICT, verdict) ||
	    nla_put_u64_64bit(d->skb, NFPS_A_REMAINING_MS, until - d->now,
			      NFPS_A_PAD)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/* A client holds one verdict at a time: a new one clears the other. */
static int dump_cached(const struct nfps_host *h, void *arg)
{
	return dump_verdict(arg, h, NFPS_VERDICT_PASS, h->pass_until) ?:
	       dump_verdict(arg, h, NFPS_VERDICT_FAIL, h->fail_until);
}

static int get_cache_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx d = { skb, cb, NFPS_CMD_GET_CACHE, nfps_now_ms() };
	struct nfps_net *sn = nfps_net(sock_net(skb->sk));

	return dump_end(skb, nfps_hosts_walk(&sn->tables, &cb->args[0],
					     dump_cached, &d));
}

static bool forget(struct nfps_host *h, u64 now)
{
	bool had = (h->pass_until && time_before64(now, h->pass_until)) ||
		   (h->fail_until && time_before64(now, h->fail_until));

	h->pass_until = 0;
	h->fail_until = 0;
	return had;
}

static int flush_cache_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfps_net *sn = info_sn(info);
	struct nfps_tables *t = &sn->tables;
	u64 now = nfps_now_ms();
	struct nfps_host *h;
	struct nfps_addr a;
	int ret = 0;

	if (info->attrs[NFPS_A_CLIENT]) {
		ret = get_addr(info->attrs[NFPS_A_CLIENT], &a, info->extack);
		if (ret)
			return ret;
	}
	spin_lock_bh(&t->lock);
	if (info->attrs[NFPS_A_CLIENT]) {
		h = nfps_host_find(t, &a);
		if (!h || !forget(h, now))
			ret = -ENOENT;
	} else {
		list_for_each_entry(h, &t->host_lru, lru)
			forget(h, now);
	}
	spin_unlock_bh(&t->lock);
	if (ret)
		NL_SET_ERR_MSG_MOD(info->extack, "no verdict is cached for this client");
	return ret;
}

/* --- events --- */

static int subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nfpost_subs_add(&info_sn(info)->subs, info->snd_portid,
			       nfps_now_ms(), info->extack);
}

static int unsubscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	int ret = nfpost_subs_del(&info_sn(info)->subs, info->snd_portid);

	if (ret == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "this socket is not subscribed");
	return ret;
}

static const struct genl_ops nfps_ops[] = {
	{ .cmd = NFPS_CMD_GET_CONFIG, .doit = get_config_doit },
	{ .cmd = NFPS_CMD_SET_CONFIG, .doit = set_config_doit,
	  .policy = set_policy, .maxattr = ARRAY_SIZE(set_policy) - 1,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPS_CMD_GET_STATS, .doit = get_stats_doit },
	{ .cmd = NFPS_CMD_GET_FLOWS, .dumpit = get_flows_dump },
	{ .cmd = NFPS_CMD_ADD_BLOCK, .doit = add_block_doit,
	  .policy = block_policy, .maxattr = ARRAY_SIZE(block_policy) - 1,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPS_CMD_DEL_BLOCK, .doit = del_block_doit,
	  .policy = block_policy, .maxattr = ARRAY_SIZE(block_policy) - 1,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPS_CMD_GET_BLOCKS, .dumpit = get_blocks_dump },
	{ .cmd = NFPS_CMD_GET_CACHE, .dumpit = get_cache_dump },
	{ .cmd = NFPS_CMD_FLUSH_CACHE, .doit = flush_cache_doit,
	  .policy = flush_policy, .maxattr = ARRAY_SIZE(flush_policy) - 1,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPS_CMD_SUBSCRIBE, .doit = subscribe_doit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NFPS_CMD_UNSUBSCRIBE, .doit = unsubscribe_doit,
	  .flags = GENL_UNS_ADMIN_PERM },
};

struct genl_family nfps_family = {
	.name = NFPS_GENL_NAME,
	.version = NFPS_GENL_VERSION,
	.netnsok = true,
	/* A new family: every command is parsed strictly. */
	.resv_start_op = 0,
	.ops = nfps_ops,
	.n_ops = ARRAY_SIZE(nfps_ops),
	.module = THIS_MODULE,
};

int nfps_netlink_register(void)
{
	return genl_register_family(&nfps_family);
}

void nfps_netlink_unregister(void)
{
	genl_unregister_family(&nfps_family);
}
