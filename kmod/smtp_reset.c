// SPDX-License-Identifier: GPL-2.0
/*
 * Builds and sends a RST|ACK segment. Like nf_send_reset() the route is
 * looked up on the destination alone, so the source may be the address of
 * the peer the reset stands for, local or not. The packet goes through
 * LOCAL_OUT: our own hook sees it as the end of the flow.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "smtp_reset.h"

#define RST_TTL	64

static struct tcphdr *put_tcp(struct sk_buff *skb, const struct nfps_rst *r)
{
	struct tcphdr *th;

	skb_reset_transport_header(skb);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = r->sport;
	th->dest = r->dport;
	th->seq = htonl(r->seq);
	th->ack_seq = htonl(r->ack);
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	th->ack = 1;
	return th;
}

static struct sk_buff *alloc_rst(unsigned int nh)
{
	struct sk_buff *skb;

	skb = alloc_skb(LL_MAX_HEADER + nh + sizeof(struct tcphdr), GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	return skb;
}

static int send4(struct net *net, const struct nfps_rst *r)
{
	__be32 saddr = r->saddr.a.s6_addr32[3], daddr = r->daddr.a.s6_addr32[3];
	struct flowi4 fl4 = { .daddr = daddr, .flowi4_proto = IPPROTO_TCP };
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	skb = alloc_rst(sizeof(*iph));
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th));
	iph->frag_off = htons(IP_DF);
	iph->ttl = RST_TTL;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	th = put_tcp(skb, r);
	th->check = tcp_v4_check(sizeof(*th), saddr, daddr,
				 csum_partial(th, sizeof(*th), 0));
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	return ip_local_out(net, NULL, skb);
}

static int send6(struct net *net, const struct nfps_rst *r)
{
	struct flowi6 fl6 = {
		.daddr = r->daddr.a,
		.saddr = r->saddr.a,
		.flowi6_proto = IPPROTO_TCP,
	};
	struct dst_entry *dst;
	struct sk_buff *skb;
	struct ipv6hdr *ip6h;
	struct tcphdr *th;
	int ret;

	dst = ip6_route_output(net, NULL, &fl6);
	ret = dst->error;
	if (ret) {
		dst_release(dst);
		return ret;
	}
	skb = alloc_rst(sizeof(*ip6h));
	if (!skb) {
		dst_release(dst);
		return -ENOMEM;
	}
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(sizeof(*th));
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = RST_TTL;
	ip6h->saddr = r->saddr.a;
	ip6h->daddr = r->daddr.a;
	th = put_tcp(skb, r);
	th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, sizeof(*th),
				    IPPROTO_TCP, csum_partial(th, sizeof(*th), 0));
	skb->protocol = htons(ETH_P_IPV6);
	skb_dst_set(skb, dst);
	return ip6_local_out(net, NULL, skb);
}

int nfps_reset_send(struct net *net, const struct nfps_rst *r)
{
	if (nfps_addr_is_v4(&r->daddr))
		return send4(net, r);
	return send6(net, r);
}
