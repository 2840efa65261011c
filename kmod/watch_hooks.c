// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: copy the headers out of the skb, parse them with the
 * kmod/proto/ parsers and hand the result to the ARP or ICMP observer.
 *
 * Where each packet is seen, exactly once per namespace:
 *   entered through a bridge port      NF_BR_PRE_ROUTING, binding on the bridge
 *   entered any other interface        NF_ARP_IN / NF_INET_PRE_ROUTING
 *   originated here                    NF_ARP_OUT / NF_INET_LOCAL_OUT
 *   RARP, not bridged (no nf family)   a packet handler, input only
 * NF_ARP_IN and NF_INET_PRE_ROUTING skip what arrives on a bridge (the bridge
 * hook had it) and what br_netfilter passes up from a port; IPv4 prerouting
 * also skips loopback, already seen leaving.
 *
 * The common case is cheap: the namespace's state comes as the hook's priv,
 * bounce buffers are left uninitialized (they are written before they are
 * read), an IPv4 packet that is neither ICMP nor a low-TTL probe costs
 * two bytes of header, and an ICMP message that is not an error is only
 * counted, unless someone listens to events (nfpost_icmp_plain()).
 */
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <net/checksum.h>

#include "rarp.h"
#include "watch_arp.h"
#include "watch_hooks.h"
#include "watch_icmp.h"
#include "watch_net.h"
#include "watch_rarp.h"

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

static unsigned int arp(struct nfpost_watch_net *wn, struct sk_buff *skb,
			const struct net_device *dev,
			const struct net_device *in, bool input)
{
	struct nfpost_arp_pkt p = { .dev = dev, .input = input };
	u8 buf[NFPOST_ARP_LEN] __uninitialized;
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

/* Parsed as ARP is; counted malformed apart, as RARP. */
static void rarp(struct nfpost_watch_net *wn, struct sk_buff *skb,
		 const struct net_device *dev, const struct net_device *in)
{
	struct nfpost_arp_pkt p = { .dev = dev, .input = true };
	u8 buf[NFPOST_ARP_LEN] __uninitialized;
	const void *hdr;
	int len = avail(skb);

	if (len > (int)sizeof(buf))
		len = sizeof(buf);
	hdr = len < 0 ? NULL : skb_header_pointer(skb, skb_network_offset(skb),
						  len, buf);
	if (!hdr || nfpost_rarp_parse(hdr, len, &p.arp)) {
		nfpost_watch_count(wn, NFPW_A_STAT_RARP_MALFORMED);
		return;
	}
	p.has_eth = eth_source(skb, in, p.eth_saddr);
	nfpost_rarp_observe(wn, &p);
}

/* The bridge a port belongs to: the broadcast domain, where bindings live. */
static const struct net_device *bridge_of(const struct net_device *port)
{
	return netdev_master_upper_dev_get_rcu((struct net_device *)port) ?:
	       port;
}

/*
 * ICMP, or a probe low enough to be part of a traceroute: parse it all.
 * @dev is a bridge port if @port: only here is its bridge looked up.
 */
static noinline void ipv4_observe(struct nfpost_watch_net *wn,
				  struct sk_buff *skb,
				  const struct net_device *dev, bool port,
				  int len)
{
	/* The parsers fill every field that is read after them. */
	struct nfpost_ip_pkt p __uninitialized;
	u8 buf[NFPOST_ICMP_COPY_LEN] __uninitialized;
	const u8 *hdr;

	p.dev = port ? bridge_of(dev) : dev;
	len = min_t(int, len, sizeof(buf));
	hdr = skb_header_pointer(skb, skb_network_offset(skb), len, buf);
	if (!hdr || nfpost_icmp_parse_packet(hdr, len, avail(skb), &p.ip,
					     &p.icmp, &p.is_icmp)) {
		nfpost_watch_count(wn, NFPW_A_STAT_ICMP_MALFORMED);
		return;
	}
	nfpost_watch_count(wn, p.is_icmp ? NFPW_A_STAT_ICMP : NFPW_A_STAT_IPV4);
	if (nfpost_event_wanted(wn))
		nfpost_icmp_observe(wn, &p);
}

/*
 * An ICMP message whose checksum is wrong is dropped by the stack that
 * receives it (icmp_rcv): it is counted malformed and reported as nothing.
 * A fragment cannot be checked alone (the checksum covers the message the
 * fragments make), nor a message whose checksum is still to be filled.
 */
static bool icmp_csum_bad(struct sk_buff *skb, const u8 *hdr, int len)
{
	int ihl = (hdr[0] & 0x0f) * 4;
	int tot_len = hdr[2] << 8 | hdr[3];

	if (hdr[9] != NFPOST_IPPROTO_ICMP || (hdr[6] & 0x3f) || hdr[7] ||
	    ihl < NFPOST_IPV4_MIN_LEN || tot_len < ihl || tot_len > len ||
	    skb->ip_summed == CHECKSUM_PARTIAL ||
	    skb->ip_summed == CHECKSUM_UNNECESSARY)
		return false;
	return csum_fold(skb_checksum(skb, skb_network_offset(skb) + ihl,
				      tot_len - ihl, 0));
}

static void ipv4(struct nfpost_watch_net *wn, struct sk_buff *skb,
		 const struct net_device *dev, bool port)
{
	u8 buf[NFPOST_ICMP_PLAIN_LEN] __uninitialized;
	int len = avail(skb);
	const u8 *hdr;

	if (len < NFPOST_IPV4_MIN_LEN) {
		nfpost_watch_count(wn, NFPW_A_STAT_ICMP_MALFORMED);
		return;
	}
	hdr = skb_header_pointer(skb, skb_network_offset(skb),
				 min_t(int, len, sizeof(buf)), buf);
	if (!hdr || icmp_csum_bad(skb, hdr, len)) {
		nfpost_watch_count(wn, NFPW_A_STAT_ICMP_MALFORMED);
		return;
	}
	/* An echo or the like, to be counted only: no parse, no call. */
	if (len >= NFPOST_ICMP_PLAIN_LEN && nfpost_icmp_plain(hdr, len) &&
	    !nfpost_event_wanted(wn)) {
		nfpost_watch_count(wn, NFPW_A_STAT_ICMP);
		return;
	}
	if (hdr[9] == NFPOST_IPPROTO_ICMP ||
	    hdr[8] <= NFPW_CFG(wn, trace_max_ttl))
		ipv4_observe(wn, skb, dev, port, len);
}

static unsigned int arp_in(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	if (netif_is_bridge_master(state->in))
		return NF_ACCEPT;
	return arp(priv, skb, state->in, state->in, true);
}

static unsigned int arp_out(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	return arp(priv, skb, state->out, NULL, false);
}

static unsigned int ip_in(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	/* Loopback traffic was seen on its way out, at NF_INET_LOCAL_OUT. */
	if (!netif_is_bridge_master(state->in) &&
	    !netif_is_bridge_port(state->in) &&
	    !(state->in->flags & IFF_LOOPBACK))
		ipv4(priv, skb, state->in, false);
	return NF_ACCEPT;
}

static unsigned int ip_out(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	ipv4(priv, skb, state->out, false);
	return NF_ACCEPT;
}

/* The bridge is the broadcast domain: bind on it, not on the port. */
static unsigned int br_in(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	switch (skb->protocol) {
	case htons(ETH_P_ARP):
		return arp(priv, skb, bridge_of(state->in), state->in, true);
	case htons(ETH_P_IP):
		ipv4(priv, skb, state->in, true);
		break;
	case htons(ETH_P_RARP):
		rarp(priv, skb, bridge_of(state->in), state->in);
		break;
	}
	return NF_ACCEPT;
}

/*
 * RARP that is not bridged: no netfilter hook sees it, a packet handler
 * does. What a bridge passes up to itself was seen at its hook already;
 * frames for other hosts and looped-back ones are left, as arp_rcv leaves
 * them. Devices are gone before a namespace's state is (pernet devices
 * exit first), so the state is there for every packet seen.
 */
static int rarp_rcv(struct sk_buff *skb, struct net_device *dev,
		    struct packet_type *pt, struct net_device *orig_dev)
{
	if (!netif_is_bridge_master(dev) && !(dev->flags & IFF_LOOPBACK) &&
	    skb->pkt_type != PACKET_OTHERHOST &&
	    skb->pkt_type != PACKET_LOOPBACK)
		rarp(nfpost_watch_net(dev_net(dev)), skb, dev, dev);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type rarp_packet_type __read_mostly = {
	.type = cpu_to_be16(ETH_P_RARP),
	.func = rarp_rcv,
};

void nfpost_hooks_rarp_register(void)
{
	dev_add_pack(&rarp_packet_type);
}

/* dev_remove_pack waits for the handlers running. */
void nfpost_hooks_rarp_unregister(void)
{
	dev_remove_pack(&rarp_packet_type);
}

static const struct nf_hook_ops watch_hook_ops[NFPOST_WATCH_NHOOKS] = {
	{ .hook = arp_in, .pf = NFPROTO_ARP, .hooknum = NF_ARP_IN },
	{ .hook = arp_out, .pf = NFPROTO_ARP, .hooknum = NF_ARP_OUT },
	{ .hook = ip_in, .pf = NFPROTO_IPV4, .hooknum = NF_INET_PRE_ROUTING,
	  .priority = NF_IP_PRI_FIRST },
	{ .hook = ip_out, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_FIRST },
	{ .hook = br_in, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_PRE_ROUTING,
	  .priority = NF_BR_PRI_FIRST },
};

int nfpost_hooks_register(struct nfpost_watch_net *wn)
{
	int i;

	memcpy(wn->hook_ops, watch_hook_ops, sizeof(wn->hook_ops));
	for (i = 0; i < ARRAY_SIZE(wn->hook_ops); i++)
		wn->hook_ops[i].priv = wn;
	return nf_register_net_hooks(wn->net, wn->hook_ops,
				     ARRAY_SIZE(wn->hook_ops));
}

void nfpost_hooks_unregister(struct nfpost_watch_net *wn)
{
	nf_unregister_net_hooks(wn->net, wn->hook_ops,
				ARRAY_SIZE(wn->hook_ops));
}
