// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: find the TCP segments of guarded ports, in the direction
 * the hook sees, and hand them to the guard; then carry out its verdict.
 *
 *   hook        client -> server (dport guarded)   server -> client
 *   LOCAL_IN    yes: a server on this host          no (a local client's)
 *   LOCAL_OUT   no (a local client's)               yes
 *   FORWARD     yes: a server behind this router    yes
 *
 * So loopback traffic is read once each way. The hooks run last but one
 * (before conntrack's confirmation): what the guard reads is what passes.
 * A client's segment with a bad TCP checksum is not read (the server drops
 * it, and its retransmission may say something else); a first fragment of
 * a guarded port is dropped (the guard cannot read across fragments:
 * LOCAL_IN of IPv6 and FORWARD see them before reassembly).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack_tuple.h>

#include "smtp_event.h"
#include "smtp_guard.h"
#include "smtp_hooks.h"
#include "smtp_net.h"

enum parse_res { P_SKIP, P_SEG, P_BAD, P_FRAG };

struct ip_info {
	struct nfps_addr src;
	struct nfps_addr dst;
	int thoff;
	int end;		/* of the IP payload */
	bool frag;		/* a first fragment */
};

static enum parse_res parse4(const struct sk_buff *skb, struct ip_info *ip)
{
	int nh = skb_network_offset(skb);
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, nh, sizeof(_iph), &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP)
		return P_SKIP;
	if (iph->ihl < 5 || ntohs(iph->tot_len) > skb->len - nh)
		return P_BAD;
	if (ntohs(iph->frag_off) & IP_OFFSET)
		return P_SKIP;		/* no ports to tell */
	ip->frag = ntohs(iph->frag_off) & IP_MF;
	nfps_addr_v4(&ip->src, iph->saddr);
	nfps_addr_v4(&ip->dst, iph->daddr);
	ip->thoff = nh + iph->ihl * 4;
	ip->end = nh + ntohs(iph->tot_len);
	return P_SEG;
}

static enum parse_res parse6(const struct sk_buff *skb, struct ip_info *ip)
{
	int nh = skb_network_offset(skb), off;
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	__be16 frag = 0;
	u8 proto;

	ip6h = skb_header_pointer(skb, nh, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return P_BAD;
	proto = ip6h->nexthdr;
	off = ipv6_skip_exthdr(skb, nh + sizeof(_ip6h), &proto, &frag);
	if (off < 0 || proto != IPPROTO_TCP)
		return P_SKIP;
	if (ntohs(frag) & ~0x7)
		return P_SKIP;		/* not the first fragment */
	if (nh + sizeof(_ip6h) + ntohs(ip6h->payload_len) > skb->len)
		return P_BAD;
	ip->frag = ntohs(frag) & IP6_MF;
	ip->src.a = ip6h->saddr;
	ip->dst.a = ip6h->daddr;
	ip->thoff = off;
	ip->end = nh + sizeof(_ip6h) + ntohs(ip6h->payload_len);
	return P_SEG;
}

/* The TCP header, and which way the segment goes; P_SKIP if not guarded. */
static enum parse_res parse_tcp(struct sk_buff *skb,
				const struct ip_info *ip,
				const struct nfps_cfg *cfg, unsigned int hook,
				struct nfps_seg *seg)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	int doff;

	th = skb_header_pointer(skb, ip->thoff, sizeof(_th), &_th);
	if (!th)
		return P_BAD;
	if (hook != NF_INET_LOCAL_OUT && nfps_cfg_port(cfg, th->dest)) {
		seg->dir = NFPS_C2S;
		seg->key.caddr = ip->src;
		seg->key.saddr = ip->dst;
		seg->key.cport = th->source;
		seg->key.sport = th->dest;
	} else if (hook != NF_INET_LOCAL_IN && nfps_cfg_port(cfg, th->source)) {
		seg->dir = NFPS_S2C;
		seg->key.caddr = ip->dst;
		seg->key.saddr = ip->src;
		seg->key.cport = th->dest;
		seg->key.sport = th->source;
	} else {
		return P_SKIP;
	}
	if (ip->frag)
		return P_FRAG;
	doff = th->doff * 4;
	if (doff < sizeof(_th) || ip->thoff + doff > ip->end)
		return P_BAD;
	seg->skb = skb;
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->off = ip->thoff + doff;
	seg->len = ip->end - seg->off;
	seg->syn = th->syn;
	seg->ack_flag = th->ack;
	seg->fin = th->fin;
	seg->rst = th->rst;
	return P_SEG;
}

static void carry_out(struct nfps_net *sn, struct nfps_verdict *v)
{
	int i;

	nfps_event_flush(sn, &v->events);
	for (i = 0; i < v->nrst; i++)
		if (!nfps_reset_send(sn->net, &v->rst[i]))
			nfps_count(sn, NFPS_A_STAT_RESETS_SENT);
}

static unsigned int judge(struct nfps_net *sn, struct sk_buff *skb,
			  const struct nf_hook_state *state,
			  enum parse_res res, struct ip_info *ip)
{
	const struct nfps_cfg *cfg = rcu_dereference(sn->cfg);
	struct nfps_seg seg = {};
	struct nfps_verdict v;

	if (res == P_SEG)
		res = parse_tcp(skb, ip, cfg, state->hook, &seg);
	if (res == P_SKIP)
		return NF_ACCEPT;
	nfps_count(sn, NFPS_A_STAT_PACKETS);
	if (res != P_SEG) {
		nfps_count(sn, NFPS_A_STAT_TCP_MALFORMED);
		return res == P_FRAG ? NF_DROP : NF_ACCEPT;
	}
	if (seg.dir == NFPS_C2S && seg.len &&
	    nf_checksum(skb, state->hook, ip->thoff, IPPROTO_TCP, state->pf)) {
		nfps_count(sn, NFPS_A_STAT_TCP_MALFORMED);
		return NF_ACCEPT;
	}
	v.drop = false;
	v.nrst = 0;
	__skb_queue_head_init(&v.events);
	spin_lock_bh(&sn->tables.lock);
	nfps_guard_segment(sn, cfg, &seg, &v);
	spin_unlock_bh(&sn->tables.lock);
	carry_out(sn, &v);
	return v.drop ? NF_DROP : NF_ACCEPT;
}

static unsigned int hook4(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct ip_info ip;

	return judge(priv, skb, state, parse4(skb, &ip), &ip);
}

static unsigned int hook6(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct ip_info ip;

	return judge(priv, skb, state, parse6(skb, &ip), &ip);
}

#define PRI	(NF_IP_PRI_CONNTRACK_CONFIRM - 1)

static const struct nf_hook_ops smtp_hook_ops[NFPS_NHOOKS] = {
	{ .hook = hook4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = PRI },
	{ .hook = hook4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = PRI },
	{ .hook = hook4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_FORWARD,
	  .priority = PRI },
	{ .hook = hook6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = PRI },
	{ .hook = hook6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = PRI },
	{ .hook = hook6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_FORWARD,
	  .priority = PRI },
};

int nfps_hooks_register(struct nfps_net *sn)
{
	int i;

	memcpy(sn->hook_ops, smtp_hook_ops, sizeof(sn->hook_ops));
	for (i = 0; i < ARRAY_SIZE(sn->hook_ops); i++)
		sn->hook_ops[i].priv = sn;
	return nf_register_net_hooks(sn->net, sn->hook_ops,
				     ARRAY_SIZE(sn->hook_ops));
}

void nfps_hooks_unregister(struct nfps_net *sn)
{
	nf_unregister_net_hooks(sn->net, sn->hook_ops,
				ARRAY_SIZE(sn->hook_ops));
}
