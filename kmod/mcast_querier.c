// SPDX-License-Identifier: GPL-2.0
/*
 * Own querier (RFC 3376 6.1, RFC 3810 7.1): every query interval a general
 * query for each family, from the bridge's own address, flooded by the
 * bridge to every port; when a member may be leaving, last-member-count
 * group-specific or group-and-source-specific queries, last-member-interval
 * apart (6.6.3). It keeps quiet while a querier with a lower address is
 * heard (6.6.2).
 */
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/igmp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/mld.h>

#include "mcast_querier.h"

#define RA_LEN		4
#define HBH_LEN		8

/* RFC 3376 4.1.7 / RFC 3810 5.1.9 code of a QQI in seconds, exact to 127. */
static u8 qqic(u32 ms)
{
	u32 s = ms / 1000;

	return s < 128 ? s : 127;
}

/* Another querier with a lower address is active: we are not elected. */
static bool outvoted(struct mc_br *br, const struct mc_querier *q,
		     const struct nfpost_mc_addr *own)
{
	return READ_ONCE(q->exp) > mc_now() &&
	       memcmp(q->addr.b, own->b, sizeof(own->b)) < 0;
}

static struct sk_buff *alloc(struct mc_br *br, size_t len, const u8 *dst,
			     __be16 proto)
{
	struct net_device *dev = br->dev;
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + ETH_HLEN + len, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	ether_addr_copy(eth->h_dest, dst);
	eth->h_proto = proto;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	skb->dev = dev;
	skb->protocol = proto;
	skb->pkt_type = PACKET_MULTICAST;
	return skb;
}

static void xmit(struct mc_br *br, struct sk_buff *skb)
{
	skb_push(skb, ETH_HLEN);
	mc_count(br, NFPM_A_STAT_QUERIES_SENT);
	dev_queue_xmit(skb);
}

/* Sources a query of this version names: 0 for Q(G) or a general query. */
static u8 named(const struct mc_query *q, bool v3)
{
	return q && v3 && q->gs && q->nsrc <= MC_QUERY_SRCS ? q->nsrc : 0;
}

static void send_igmp(struct mc_br *br, const struct mc_query *mq)
{
	bool v3 = MC_CFG(br, igmp_version) == 3;
	const struct nfpost_mc_addr *group = mq ? &mq->group : NULL;
	u8 i, nsrc = named(mq, v3);
	size_t mlen = v3 ? struct_size_t(struct igmpv3_query, srcs, nsrc) :
			   sizeof(struct igmphdr);
	__be32 grp = group ? *(__be32 *)(group->b + 12) : 0;
	__be32 daddr = group ? grp : htonl(INADDR_ALLHOSTS_GROUP);
	__be32 saddr = inet_select_addr(br->dev, 0, RT_SCOPE_LINK);
	struct nfpost_mc_addr own;
	struct igmpv3_query *q;
	struct sk_buff *skb;
	struct iphdr *iph;
	u8 dst[ETH_ALEN];
	u32 resp;

	nfpost_mc_addr_v4(&own, &saddr);
	if (outvoted(br, &br->q4, &own))
		return;
	ip_eth_mc_map(daddr, dst);
	skb = alloc(br, sizeof(*iph) + RA_LEN + mlen, dst, htons(ETH_P_IP));
	if (!skb)
		return;
	iph = skb_put_zero(skb, sizeof(*iph) + RA_LEN);
	iph->version = 4;
	iph->ihl = (sizeof(*iph) + RA_LEN) / 4;
	iph->tos = 0xc0;
	iph->tot_len = htons(sizeof(*iph) + RA_LEN + mlen);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 1;
	iph->protocol = IPPROTO_IGMP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	((u8 *)iph)[sizeof(*iph)] = IPOPT_RA;
	((u8 *)iph)[sizeof(*iph) + 1] = RA_LEN;
	ip_send_check(iph);
	q = skb_put_zero(skb, mlen);
	resp = group ? MC_CFG(br, last_member_ms) :
		       MC_CFG(br, query_response_ms);
	q->type = IGMP_HOST_MEMBERSHIP_QUERY;
	q->code = min_t(u32, resp / 100, 127);
	q->group = grp;
	if (v3) {
		q->qrv = MC_CFG(br, robustness);
		q->qqic = qqic(MC_CFG(br, query_interval_ms));
		q->nsrcs = htons(nsrc);
		for (i = 0; i < nsrc; i++)
			memcpy(&q->srcs[i], mq->src[i].b + 12, 4);
	}
	q->csum = ip_compute_csum(q, mlen);
	xmit(br, skb);
}

static void send_mld(struct mc_br *br, const struct mc_query *mq)
{
	bool v2 = MC_CFG(br, mld_version) == 2;
	const struct nfpost_mc_addr *group = mq ? &mq->group : NULL;
	u8 i, nsrc = named(mq, v2);
	size_t mlen = v2 ? struct_size_t(struct mld2_query, mld2q_srcs, nsrc) :
			   sizeof(struct mld_msg);
	struct in6_addr daddr, saddr;
	struct nfpost_mc_addr own;
	struct mld2_query *q;
	struct ipv6hdr *ip6;
	struct sk_buff *skb;
	u8 dst[ETH_ALEN], *hbh;
	u32 resp;

	if (group)
		memcpy(&daddr, group->b, 16);
	else
		ipv6_addr_set(&daddr, htonl(0xff020000), 0, 0, htonl(1));
	/* MLD must come from a link-local address (RFC 3810 5): none yet, none sent. */
	if (ipv6_dev_get_saddr(dev_net(br->dev), br->dev, &daddr, 0, &saddr) ||
	    !(ipv6_addr_type(&saddr) & IPV6_ADDR_LINKLOCAL))
		return;
	memcpy(own.b, &saddr, 16);
	if (outvoted(br, &br->q6, &own))
		return;
	ipv6_eth_mc_map(&daddr, dst);
	skb = alloc(br, sizeof(*ip6) + HBH_LEN + mlen, dst, htons(ETH_P_IPV6));
	if (!skb)
		return;
	ip6 = skb_put_zero(skb, sizeof(*ip6));
	ip6_flow_hdr(ip6, 0, 0);
	ip6->payload_len = htons(HBH_LEN + mlen);
	ip6->nexthdr = IPPROTO_HOPOPTS;
	ip6->hop_limit = 1;
	ip6->saddr = saddr;
	ip6->daddr = daddr;
	hbh = skb_put_zero(skb, HBH_LEN);
	hbh[0] = IPPROTO_ICMPV6;
	hbh[2] = IPV6_TLV_ROUTERALERT;
	hbh[3] = 2;
	hbh[6] = IPV6_TLV_PADN;
	q = skb_put_zero(skb, mlen);
	resp = group ? MC_CFG(br, last_member_ms) :
		       MC_CFG(br, query_response_ms);
	q->mld2q_type = ICMPV6_MGM_QUERY;
	q->mld2q_mrc = htons(min_t(u32, resp, 32767));
	if (group)
		q->mld2q_mca = daddr;
	if (v2) {
		q->mld2q_qrv = MC_CFG(br, robustness);
		q->mld2q_qqic = qqic(MC_CFG(br, query_interval_ms));
		q->mld2q_nsrcs = htons(nsrc);
		for (i = 0; i < nsrc; i++)
			memcpy(&q->mld2q_srcs[i], mq->src[i].b, 16);
	}
	q->mld2q_cksum = csum_ipv6_magic(&saddr, &daddr, mlen, IPPROTO_ICMPV6,
					 csum_partial(q, mlen, 0));
	xmit(br, skb);
}

static void send(struct mc_br *br, const struct mc_query *q)
{
	if (!q || nfpost_mc_addr_is_v4(&q->group))
		send_igmp(br, q);
	if (!q || !nfpost_mc_addr_is_v4(&q->group))
		send_mld(br, q);
}

static struct mc_lmq *slot(struct mc_br *br,
			   const struct nfpost_mc_addr *group, bool gs)
{
	struct mc_lmq *l, *free = NULL;

	for (l = br->lmq; l < br->lmq + MC_LMQ_SLOTS; l++) {
		if (!l->left) {
			free = free ?: l;
			continue;
		}
		if (l->q.gs == gs && nfpost_mc_addr_eq(&l->q.group, group))
			return l;
	}
	if (free) {
		memset(&free->q, 0, sizeof(free->q));
		free->q.group = *group;
		free->q.gs = gs;
	}
	return free;
}

static void add_sources(struct mc_query *q, const struct nfpost_mc_addr *src,
			u16 nsrc)
{
	u16 i;
	u8 j;

	for (i = 0; i < nsrc && q->nsrc != MC_QUERY_MANY; i++) {
		for (j = 0; j < q->nsrc; j++)
			if (nfpost_mc_addr_eq(&q->src[j], &src[i]))
				break;
		if (j < q->nsrc)
			continue;
		if (q->nsrc == MC_QUERY_SRCS)
			q->nsrc = MC_QUERY_MANY;
		else
			q->src[q->nsrc++] = src[i];
	}
}

/*
 * Under br->lock: queries for @group are due, naming @src if @nsrc (Q(G,S)),
 * else Q(G). Pending ones for the same group and kind merge; the timer
 * sends the first at its next tick.
 */
void mc_querier_last_member(struct mc_br *br,
			    const struct nfpost_mc_addr *group,
			    const struct nfpost_mc_addr *src, u16 nsrc)
{
	struct mc_lmq *l;

	lockdep_assert_held(&br->lock);
	if (!MC_CFG(br, querier) || br->dying)
		return;
	l = slot(br, group, nsrc);
	if (!l) {
		mc_count(br, NFPM_A_STAT_QUERIES_DROPPED);
		return;
	}
	add_sources(&l->q, src, nsrc);
	l->left = MC_CFG(br, last_member_count);
	l->due = mc_now();
	timer_reduce(&br->lmq_timer, jiffies + 1);
}

/* One query due by @now out of lmq[], into @q; the next one rescheduled. */
static bool take(struct mc_br *br, u64 now, struct mc_query *q)
{
	struct mc_lmq *l;
	bool found = false;

	spin_lock_bh(&br->lock);
	for (l = br->lmq; l < br->lmq + MC_LMQ_SLOTS; l++) {
		if (!l->left || l->due > now)
			continue;
		*q = l->q;
		l->left--;
		l->due = now + mc_ms(MC_CFG(br, last_member_ms));
		found = true;
		break;
	}
	spin_unlock_bh(&br->lock);
	return found;
}

static void br_lmq_expired(struct timer_list *t)
{
	struct mc_br *br = from_timer(br, t, lmq_timer);
	struct mc_query q;
	struct mc_lmq *l;
	u64 now = mc_now(), next = 0;

	while (take(br, now, &q))
		send(br, &q);
	spin_lock_bh(&br->lock);
	for (l = br->lmq; l < br->lmq + MC_LMQ_SLOTS; l++) {
		if (!MC_CFG(br, querier))
			l->left = 0;
		if (l->left && (!next || l->due < next))
			next = l->due;
	}
	if (next && !br->dying)
		timer_reduce(&br->lmq_timer, (unsigned long)next);
	spin_unlock_bh(&br->lock);
}

static void br_query_expired(struct timer_list *t)
{
	struct mc_br *br = from_timer(br, t, query);

	if (!MC_CFG(br, querier))
		return;
	send(br, NULL);
	mod_timer(&br->query,
		  jiffies + msecs_to_jiffies(MC_CFG(br, query_interval_ms)));
}

void mc_querier_init(struct mc_br *br)
{
	timer_setup(&br->query, br_query_expired, 0);
	timer_setup(&br->lmq_timer, br_lmq_expired, 0);
}

void mc_querier_start(struct mc_br *br)
{
	mod_timer(&br->query, jiffies + 1);
}

/* The caller cleared cfg.querier first: the callback does not re-arm. */
void mc_querier_stop(struct mc_br *br)
{
	del_timer_sync(&br->query);
	del_timer_sync(&br->lmq_timer);
	spin_lock_bh(&br->lock);
	memset(br->lmq, 0, sizeof(br->lmq));
	spin_unlock_bh(&br->lock);
}
