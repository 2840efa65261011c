// SPDX-License-Identifier: GPL-2.0
/*
 * The data path. NF_BR_PRE_ROUTING learns from the IGMP/MLD a port
 * receives; NF_BR_FORWARD and NF_BR_LOCAL_OUT see each copy of a frame the
 * bridge sends out of a port, and drop the multicast copies that port did
 * not ask for. With snooping off the bridge floods every multicast frame,
 * so deciding per copy is the whole filter.
 *
 * Cheap when it does not apply: a namespace without an enabled bridge costs
 * one list test, a unicast or broadcast frame one more byte, at both hooks.
 */
#include <linux/etherdevice.h>
#include <linux/netfilter_bridge.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "igmp.h"
#include "mld.h"
#include "mcast_bridge.h"
#include "mcast_hooks.h"
#include "mcast_table.h"

static int avail(const struct sk_buff *skb)
{
	int off = skb_network_offset(skb);

	return off >= 0 && off <= skb->len ? skb->len - off : -1;
}

static struct mc_br *br_of_port(struct mc_net *mn,
				const struct net_device *port)
{
	struct net_device *master;

	if (!port || !netif_is_bridge_port(port))
		return NULL;
	master = netdev_master_upper_dev_get_rcu((struct net_device *)port);
	return master ? mc_br_find(mn, master) : NULL;
}

/* The whole packet: in place if linear, else copied into *@bounce. */
static const u8 *whole(struct sk_buff *skb, int len, void **bounce)
{
	int off = skb_network_offset(skb);

	*bounce = NULL;
	if (off + len > skb_headlen(skb)) {
		*bounce = kmalloc(len, GFP_ATOMIC);
		if (!*bounce)
			return NULL;
	}
	return skb_header_pointer(skb, off, len, *bounce);
}

static void records(struct mc_br *br, struct mc_port *port,
		    int (*next)(const void *m, size_t *off,
				struct nfpost_mc_rec *rec),
		    const void *m, size_t off, u16 nrec, size_t alen)
{
	struct nfpost_mc_rec rec;
	u16 i;

	for (i = 0; i < nrec && !next(m, &off, &rec); i++)
		mc_record(br, port, &rec, alen);
}

static int igmp_next(const void *m, size_t *off, struct nfpost_mc_rec *rec)
{
	return nfpost_igmp_rec(m, off, rec);
}

static int mld_next(const void *m, size_t *off, struct nfpost_mc_rec *rec)
{
	return nfpost_mld_rec(m, off, rec);
}

static void count_igmp(struct mc_br *br, u8 type)
{
	switch (type) {
	case NFPOST_IGMP_QUERY:
		mc_count(br, NFPM_A_STAT_IGMP_QUERY);
		break;
	case NFPOST_IGMPV1_REPORT:
		mc_count(br, NFPM_A_STAT_IGMP_V1_REPORT);
		break;
	case NFPOST_IGMPV2_REPORT:
		mc_count(br, NFPM_A_STAT_IGMP_V2_REPORT);
		break;
	case NFPOST_IGMPV3_REPORT:
		mc_count(br, NFPM_A_STAT_IGMP_V3_REPORT);
		break;
	case NFPOST_IGMPV2_LEAVE:
		mc_count(br, NFPM_A_STAT_IGMP_LEAVE);
		break;
	}
}

/* RFC 3376 6.6.1: a group-specific query without the S flag lowers timers. */
static void igmp(struct mc_br *br, struct mc_port *port,
		 const struct nfpost_ipv4 *ip, const struct nfpost_igmp *m)
{
	struct nfpost_mc_addr a;

	switch (m->type) {
	case NFPOST_IGMP_QUERY:
		nfpost_mc_addr_v4(&a, &ip->saddr);
		mc_querier_heard(br, port, &a);
		nfpost_mc_addr_v4(&a, &m->group);
		if (m->group && !m->nsrc && !m->s_flag)
			mc_group_query(br, &a);
		break;
	case NFPOST_IGMPV1_REPORT:
	case NFPOST_IGMPV2_REPORT:
	case NFPOST_IGMPV2_LEAVE:
		records(br, port, igmp_next, m, NFPOST_IGMP_MIN_LEN, 1, 4);
		break;
	case NFPOST_IGMPV3_REPORT:
		records(br, port, igmp_next, m, NFPOST_IGMP_MIN_LEN, m->nrec,
			4);
		break;
	}
}

static void mld(struct mc_br *br, struct mc_port *port,
		const struct nfpost_ipv6 *ip6, const struct nfpost_mld *m)
{
	static const u8 any[16];
	struct nfpost_mc_addr a;

	switch (m->type) {
	case NFPOST_MLD_QUERY:
		mc_count(br, NFPM_A_STAT_MLD_QUERY);
		memcpy(a.b, ip6->saddr, 16);
		mc_querier_heard(br, port, &a);
		memcpy(a.b, m->group, 16);
		if (memcmp(m->group, any, 16) && !m->nsrc && !m->s_flag)
			mc_group_query(br, &a);
		break;
	case NFPOST_MLDV1_REPORT:
	case NFPOST_MLDV1_DONE:
		mc_count(br, m->type == NFPOST_MLDV1_DONE ?
			 NFPM_A_STAT_MLD_DONE : NFPM_A_STAT_MLD_V1_REPORT);
		records(br, port, mld_next, m, NFPOST_MLD_REC_START, 1, 16);
		break;
	case NFPOST_MLDV2_REPORT:
		mc_count(br, NFPM_A_STAT_MLD_V2_REPORT);
		records(br, port, mld_next, m, NFPOST_MLD_REC_START, m->nrec,
			16);
		break;
	}
}

/* Parsed packet of either family, handed to the table under the lock. */
struct msg {
	bool is_v6;
	union {
		struct {
			struct nfpost_ipv4 ip;
			struct nfpost_igmp m;
		} v4;
		struct {
			struct nfpost_ipv6 ip;
			struct nfpost_mld m;
		} v6;
	};
};

static int parse(struct sk_buff *skb, struct msg *msg, const u8 **data,
		 void **bounce)
{
	int len = avail(skb), ret;
	bool is;

	*data = len > 0 ? whole(skb, len, bounce) : NULL;
	if (!*data)
		return -EINVAL;
	if (msg->is_v6)
		ret = nfpost_mld_parse_packet(*data, len, &msg->v6.ip,
					      &msg->v6.m, &is);
	else
		ret = nfpost_igmp_parse_packet(*data, len, &msg->v4.ip,
					       &msg->v4.m, &is);
	return ret ?: (is ? 0 : -ENOMSG);
}

static void learn(struct mc_br *br, struct sk_buff *skb,
		  const struct net_device *in, bool v6)
{
	struct mc_port *port;
	struct msg msg;
	const u8 *data;
	void *bounce;
	int ret;

	msg.is_v6 = v6;
	ret = parse(skb, &msg, &data, &bounce);
	if (ret) {
		if (ret != -ENOMSG)
			mc_count(br, NFPM_A_STAT_MALFORMED);
		kfree(bounce);
		return;
	}
	if (!v6)
		count_igmp(br, msg.v4.m.type);
	spin_lock_bh(&br->lock);
	port = mc_port_get(br, in->ifindex);
	if (port && v6)
		mld(br, port, &msg.v6.ip, &msg.v6.m);
	else if (port)
		igmp(br, port, &msg.v4.ip, &msg.v4.m);
	spin_unlock_bh(&br->lock);
	kfree(bounce);
}

/*
 * What every bridged frame pays: a namespace without an enabled bridge, a
 * unicast or broadcast destination, or neither IPv4 nor IPv6, and the
 * hooks are done. IGMP and MLD are always sent to a multicast MAC address
 * (the bridge's own snooping only looks at those too), so learning needs
 * no more than filtering.
 */
static __always_inline bool maybe_mcast(struct mc_net *mn,
					const struct sk_buff *skb)
{
	const u8 *dst;

	if (list_empty(&mn->bridges) || !skb_mac_header_was_set(skb))
		return false;
	dst = eth_hdr(skb)->h_dest;
	if (!is_multicast_ether_addr(dst) || is_broadcast_ether_addr(dst))
		return false;
	return skb->protocol == htons(ETH_P_IP) ||
	       skb->protocol == htons(ETH_P_IPV6);
}

/* IGMP is IP protocol 2; MLD always comes after a hop-by-hop header. */
static bool maybe_control(struct sk_buff *skb, bool v6)
{
	u8 buf, *p;

	p = skb_header_pointer(skb, skb_network_offset(skb) + (v6 ? 6 : 9), 1,
			       &buf);
	return p && *p == (v6 ? 0 : NFPOST_IPPROTO_IGMP);
}

static unsigned int learn_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct mc_net *mn = priv;
	struct mc_br *br;
	bool v6;

	if (!maybe_mcast(mn, skb))
		return NF_ACCEPT;
	v6 = skb->protocol == htons(ETH_P_IPV6);
	if (!maybe_control(skb, v6))
		return NF_ACCEPT;
	br = br_of_port(mn, state->in);
	if (br)
		learn(br, skb, state->in, v6);
	return NF_ACCEPT;
}

static unsigned int router_only(struct mc_br *br, int ifindex, u64 now)
{
	struct mc_port *p = mc_port_find(br, ifindex);

	return p && mc_port_is_router(p, now) ? NF_ACCEPT : NF_DROP;
}

static unsigned int data(struct mc_br *br, int ifindex,
			 const struct nfpost_mc_addr *group,
			 const struct nfpost_mc_addr *src, bool v6)
{
	struct mc_port *p = mc_port_find(br, ifindex);
	u64 now = mc_now();

	if (p && mc_port_is_router(p, now))
		return NF_ACCEPT;
	switch (mc_lookup(br, ifindex, group, src, now)) {
	case MC_WANTED:
		return NF_ACCEPT;
	case MC_UNWANTED:
		return NF_DROP;
	case MC_UNREGISTERED:
		break;
	}
	switch (MC_CFG(br, unregistered)) {
	case NFPM_UNREG_FLOOD:
		return NF_ACCEPT;
	case NFPM_UNREG_AUTO:
		return mc_querier_known(br, v6, now) ? NF_DROP : NF_ACCEPT;
	}
	return NF_DROP;		/* routers (this is none) or drop */
}

static bool is_report(u8 type, bool v6)
{
	if (v6)
		return type == NFPOST_MLDV1_REPORT || type == NFPOST_MLDV1_DONE ||
		       type == NFPOST_MLDV2_REPORT;
	return type == NFPOST_IGMPV1_REPORT || type == NFPOST_IGMPV2_REPORT ||
	       type == NFPOST_IGMPV2_LEAVE || type == NFPOST_IGMPV3_REPORT;
}

/* The IGMP/MLD type of a control packet at @off, -1 if not one. */
static int control_type(struct sk_buff *skb, const u8 *p, bool v6)
{
	int off = skb_network_offset(skb);
	u8 buf[2], *h;

	if (!v6) {
		if (p[9] != NFPOST_IPPROTO_IGMP)
			return -1;
		h = skb_header_pointer(skb, off + (p[0] & 0x0f) * 4, 1, buf);
		return h ? *h : -1;
	}
	if (p[6] != 0)
		return -1;
	h = skb_header_pointer(skb, off + NFPOST_IPV6_HDR_LEN, 2, buf);
	if (!h || h[0] != 58)
		return -1;
	off += NFPOST_IPV6_HDR_LEN + (h[1] + 1) * 8;
	h = skb_header_pointer(skb, off, 1, buf);
	return h ? *h : -1;
}

static unsigned int verdict(struct mc_br *br, struct sk_buff *skb,
			    int ifindex, bool v6)
{
	struct nfpost_mc_addr group, src;
	u8 buf[NFPOST_IPV6_HDR_LEN];
	int type;
	const u8 *p;

	p = skb_header_pointer(skb, skb_network_offset(skb),
			       v6 ? NFPOST_IPV6_HDR_LEN : NFPOST_IPV4_MIN_LEN,
			       buf);
	if (!p || p[0] >> 4 != (v6 ? 6 : 4))
		return NF_ACCEPT;
	if (v6 ? p[24] != 0xff : !nfpost_mc_v4_is_multicast(p + 16))
		return NF_ACCEPT;
	type = control_type(skb, p, v6);
	if (type >= 0 && is_report(type, v6))
		return router_only(br, ifindex, mc_now());
	if (type == (v6 ? NFPOST_MLD_QUERY : NFPOST_IGMP_QUERY))
		return NF_ACCEPT;
	if (v6 ? nfpost_mc_v6_is_local(p + 24) : nfpost_mc_v4_is_local(p + 16))
		return NF_ACCEPT;
	if (v6) {
		memcpy(group.b, p + 24, 16);
		memcpy(src.b, p + 8, 16);
	} else {
		nfpost_mc_addr_v4(&group, p + 16);
		nfpost_mc_addr_v4(&src, p + 12);
	}
	return data(br, ifindex, &group, &src, v6);
}

static unsigned int filter_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct mc_net *mn = priv;
	unsigned int ret;
	struct mc_br *br;

	if (!maybe_mcast(mn, skb))
		return NF_ACCEPT;
	br = br_of_port(mn, state->out);
	if (!br)
		return NF_ACCEPT;
	ret = verdict(br, skb, state->out->ifindex,
		      skb->protocol == htons(ETH_P_IPV6));
	mc_count(br, ret == NF_ACCEPT ? NFPM_A_STAT_FORWARDED :
					NFPM_A_STAT_FILTERED);
	return ret;
}

static const struct nf_hook_ops mc_hook_ops[] = {
	{ .hook = learn_hook, .pf = NFPROTO_BRIDGE,
	  .hooknum = NF_BR_PRE_ROUTING, .priority = NF_BR_PRI_FIRST },
	{ .hook = filter_hook, .pf = NFPROTO_BRIDGE,
	  .hooknum = NF_BR_FORWARD, .priority = NF_BR_PRI_FIRST },
	{ .hook = filter_hook, .pf = NFPROTO_BRIDGE,
	  .hooknum = NF_BR_LOCAL_OUT, .priority = NF_BR_PRI_FIRST },
};

int mc_hooks_register(struct mc_net *mn)
{
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(mc_hook_ops) != ARRAY_SIZE(mn->hook_ops));
	memcpy(mn->hook_ops, mc_hook_ops, sizeof(mn->hook_ops));
	for (i = 0; i < ARRAY_SIZE(mn->hook_ops); i++)
		mn->hook_ops[i].priv = mn;
	return nf_register_net_hooks(mn->net, mn->hook_ops,
				     ARRAY_SIZE(mn->hook_ops));
}

void mc_hooks_unregister(struct mc_net *mn)
{
	nf_unregister_net_hooks(mn->net, mn->hook_ops,
				ARRAY_SIZE(mn->hook_ops));
}
