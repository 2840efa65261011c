// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: copy the headers out of the skb, parse them with the
 * kmod/proto/ parsers and hand the result to the ARP or ICMP observer.
 *
 * Where each packet is seen, exactly once per namespace:
 *   entered through a bridge port      NF_BR_PRE_ROUTING, binding on the bridge
 *   entered any other interface        NF_ARP_IN / NF_INET_PRE_ROUTING
 *   originated here                    NF_ARP_OUT / NF_INET_LOCAL_OUT
 * NF_ARP_IN and NF_INET_PRE_ROUTING skip what arrives on a bridge (the bridge
 * hook had it) and what br_netfilter passes up from a port; IPv4 prerouting
 * also skips loopback, already seen leaving.
 */
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>

#include "watch_arp.h"
#include "watch_hooks.h"
#include "watch_icmp.h"
#include "watch_net.h"

/* Bytes of the packet from the network header, or -1 if it starts past it. */
static int avail(const struct sk_buff *skb)
{
	int off = skb_network_offset(skb);

	return off >= 0 && off <= skb->len ? skb->len - off : -1;
}

/* Input only: on output the MAC header may not be built yet. */
static bool eth_source(const struct sk_buff *skb, const struct net_device *in,
		       u8 *addr)
{
	if (!in || in->type != ARPHRD_ETHER || !skb_mac_header_was_set(skb))
		return false;
	if (skb_mac_header(skb) < skb->head ||
	    skb_mac_header_len(skb) < ETH_HLEN)
		return false;
	memcpy(addr, eth_hdr(skb)->h_source, ETH_ALEN);
	return true;
}

static unsigned int arp(struct sk_buff *skb, const struct net_device *dev,
			const struct net_device *in, bool input, struct net *net)
{
	struct nfpost_watch_net *wn = nfpost_watch_net(net);
	struct nfpost_arp_pkt p = { .dev = dev, .input = input };
	u8 buf[NFPOST_ARP_LEN];
	const void *hdr;
	int len = avail(skb);

	if (len > (int)sizeof(buf))
		len = sizeof(buf);
	hdr = len < 0 ? NULL : skb_header_pointer(skb, skb_network_offset(skb),
						  len, buf);
	if (!hdr || nfpost_arp_parse(hdr, len, &p.arp)) {
		nfpost_watch_count(wn, NFPW_A_STAT_ARP_MALFORMED);
		return NF_ACCEPT;
	}
	if (input)
		p.has_eth = eth_source(skb, in, p.eth_saddr);
	return nfpost_arp_observe(wn, &p);
}

/* Fast path first: most traffic is neither ICMP nor a low-TTL probe. */
static void ipv4(struct sk_buff *skb, const struct net_device *dev,
		 struct net *net)
{
	struct nfpost_watch_net *wn = nfpost_watch_net(net);
	struct nfpost_ip_pkt p = { .dev = dev };
	u8 buf[NFPOST_ICMP_COPY_LEN];
	int off = skb_network_offset(skb), len = avail(skb);
	const u8 *hdr;

	hdr = len < NFPOST_IPV4_MIN_LEN ? NULL :
	      skb_header_pointer(skb, off, NFPOST_IPV4_MIN_LEN, buf);
	if (!hdr)
		goto malformed;
	if (hdr[9] != NFPOST_IPPROTO_ICMP &&
	    hdr[8] > NFPW_CFG(wn, trace_max_ttl))
		return;
	hdr = skb_header_pointer(skb, off, min_t(int, len, sizeof(buf)), buf);
	if (!hdr || nfpost_icmp_parse_packet(hdr, min_t(int, len, sizeof(buf)),
					     len, &p.ip, &p.icmp, &p.is_icmp))
		goto malformed;
	nfpost_watch_count(wn, p.is_icmp ? NFPW_A_STAT_ICMP : NFPW_A_STAT_IPV4);
	nfpost_icmp_observe(wn, &p);
	return;
malformed:
	nfpost_watch_count(wn, NFPW_A_STAT_ICMP_MALFORMED);
}

static unsigned int arp_in(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	if (netif_is_bridge_master(state->in))
		return NF_ACCEPT;
	return arp(skb, state->in, state->in, true, state->net);
}

static unsigned int arp_out(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	return arp(skb, state->out, NULL, false, state->net);
}

static unsigned int ip_in(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	/* Loopback traffic was seen on its way out, at NF_INET_LOCAL_OUT. */
	if (!netif_is_bridge_master(state->in) &&
	    !netif_is_bridge_port(state->in) &&
	    !(state->in->flags & IFF_LOOPBACK))
		ipv4(skb, state->in, state->net);
	return NF_ACCEPT;
}

static unsigned int ip_out(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	ipv4(skb, state->out, state->net);
	return NF_ACCEPT;
}

/* The bridge is the broadcast domain: bind on it, not on the port. */
static unsigned int br_in(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct net_device *br = netdev_master_upper_dev_get_rcu(state->in);
	const struct net_device *dev = br ?: state->in;

	switch (skb->protocol) {
	case htons(ETH_P_ARP):
		return arp(skb, dev, state->in, true, state->net);
	case htons(ETH_P_IP):
		ipv4(skb, dev, state->net);
		break;
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops watch_hook_ops[] = {
	{ .hook = arp_in, .pf = NFPROTO_ARP, .hooknum = NF_ARP_IN },
	{ .hook = arp_out, .pf = NFPROTO_ARP, .hooknum = NF_ARP_OUT },
	{ .hook = ip_in, .pf = NFPROTO_IPV4, .hooknum = NF_INET_PRE_ROUTING,
	  .priority = NF_IP_PRI_FIRST },
	{ .hook = ip_out, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_FIRST },
	{ .hook = br_in, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_PRE_ROUTING,
	  .priority = NF_BR_PRI_FIRST },
};

int nfpost_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, watch_hook_ops,
				     ARRAY_SIZE(watch_hook_ops));
}

void nfpost_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, watch_hook_ops,
				ARRAY_SIZE(watch_hook_ops));
}
