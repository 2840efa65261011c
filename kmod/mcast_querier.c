// SPDX-License-Identifier: GPL-2.0
/*
 * Own querier (RFC 3376 6.1, RFC 3810 7.1): every query interval a general
 * query for each family, from the bridge's own address, flooded by the
 * bridge to every port; a group-specific query when a member leaves. It
 * keeps quiet while a querier with a lower address is heard (6.6.2).
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

static void send_igmp(struct mc_br *br, const struct nfpost_mc_addr *group)
{
	bool v3 = MC_CFG(br, igmp_version) == 3;
	size_t mlen = v3 ? sizeof(struct igmpv3_query) : sizeof(struct igmphdr);
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
	}
	q->csum = ip_compute_csum(q, mlen);
	xmit(br, skb);
}

static void send_mld(struct mc_br *br, const struct nfpost_mc_addr *group)
{
	bool v2 = MC_CFG(br, mld_version) == 2;
	size_t mlen = v2 ? sizeof(struct mld2_query) : sizeof(struct mld_msg);
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
	}
	q->mld2q_cksum = csum_ipv6_magic(&saddr, &daddr, mlen, IPPROTO_ICMPV6,
					 csum_partial(q, mlen, 0));
	xmit(br, skb);
}

void mc_querier_send(struct mc_br *br, const struct nfpost_mc_addr *group)
{
	if (!group || nfpost_mc_addr_is_v4(group))
		send_igmp(br, group);
	if (!group || !nfpost_mc_addr_is_v4(group))
		send_mld(br, group);
}

static void br_query_expired(struct timer_list *t)
{
	struct mc_br *br = from_timer(br, t, query);

	if (!MC_CFG(br, querier))
		return;
	mc_querier_send(br, NULL);
	mod_timer(&br->query,
		  jiffies + msecs_to_jiffies(MC_CFG(br, query_interval_ms)));
}

void mc_querier_init(struct mc_br *br)
{
	timer_setup(&br->query, br_query_expired, 0);
}

void mc_querier_start(struct mc_br *br)
{
	mod_timer(&br->query, jiffies + 1);
}

/* The caller cleared cfg.querier first: the callback does not re-arm. */
void mc_querier_stop(struct mc_br *br)
{
	del_timer_sync(&br->query);
}
