// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_mcoracle: a bound for bench/mcast. A filter at the bridge's
 * forward hook that knows without looking anything up which port wants a
 * datagram: bench/mcast's receivers join 239.8.0.0 + i on port p(1 + i % 3),
 * so a copy to any other port is dropped after two compares. What it costs
 * is what any filter hooked where nfpost_mcast hooks costs at the least:
 * the bridge has cloned the frame for every port before NF_BR_FORWARD.
 *
 * Only in the namespaces named by their inode number (stat -L -c %i
 * /run/netns/NAME): ns_fwd filters at NF_BR_FORWARD; ns_local also drops
 * at NF_BR_LOCAL_IN the copy the bridge passes up to its own stack, which
 * native snooping does not make for a group the host has not joined.
 */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <net/net_namespace.h>

#define ORACLE_GROUP0	0xef080000	/* 239.8.0.0, bench/mcast's GROUP0 */
#define ORACLE_GROUPS	1000

static unsigned int ns_fwd, ns_local;
module_param(ns_fwd, uint, 0444);
MODULE_PARM_DESC(ns_fwd, "netns inode: filter at forward");
module_param(ns_local, uint, 0444);
MODULE_PARM_DESC(ns_local, "netns inode: filter at forward and local in");

/* The index of a bench group, -1 for anything else. */
static int group_of(struct sk_buff *skb)
{
	struct iphdr _iph;
	const struct iphdr *iph;
	u32 i;

	if (skb->protocol != htons(ETH_P_IP))
		return -1;
	iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph),
				 &_iph);
	if (!iph || iph->protocol != IPPROTO_UDP)
		return -1;
	i = ntohl(iph->daddr) - ORACLE_GROUP0;
	return i < ORACLE_GROUPS ? i : -1;
}

static unsigned int forward(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	int i = group_of(skb);

	if (i < 0 || state->out->name[0] != 'p')
		return NF_ACCEPT;
	return state->out->name[1] == '1' + i % 3 ? NF_ACCEPT : NF_DROP;
}

static unsigned int local_in(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	return group_of(skb) < 0 ? NF_ACCEPT : NF_DROP;
}

static const struct nf_hook_ops oracle_ops[] = {
	{ .hook = forward, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_FORWARD,
	  .priority = NF_BR_PRI_FIRST },
	{ .hook = local_in, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_LOCAL_IN,
	  .priority = NF_BR_PRI_FIRST },
};

/* How many of oracle_ops @net gets: none, forward, or both. */
static unsigned int ops_of(struct net *net)
{
	if (ns_local && net->ns.inum == ns_local)
		return 2;
	if (ns_fwd && net->ns.inum == ns_fwd)
		return 1;
	return 0;
}

static int __net_init oracle_net_init(struct net *net)
{
	unsigned int n = ops_of(net);

	return n ? nf_register_net_hooks(net, oracle_ops, n) : 0;
}

static void __net_exit oracle_net_exit(struct net *net)
{
	unsigned int n = ops_of(net);

	if (n)
		nf_unregister_net_hooks(net, oracle_ops, n);
}

static struct pernet_operations oracle_net_ops = {
	.init = oracle_net_init,
	.exit = oracle_net_exit,
};

static int __init nfpost_mcoracle_init(void)
{
	return register_pernet_subsys(&oracle_net_ops);
}

static void __exit nfpost_mcoracle_exit(void)
{
	unregister_pernet_subsys(&oracle_net_ops);
}

module_init(nfpost_mcoracle_init);
module_exit(nfpost_mcoracle_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfpost bench: the least a forward-hook multicast filter costs");
