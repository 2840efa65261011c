// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_mcfloor: the reference of bench/mcast. Three bridge hooks at the
 * places nfpost_mcast hooks, in every namespace, that accept at once: what
 * any module hooked there costs before it does anything.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <net/net_namespace.h>

static unsigned int accept(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops floor_ops[] = {
	{ .hook = accept, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_PRE_ROUTING,
	  .priority = NF_BR_PRI_FIRST },
	{ .hook = accept, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_FORWARD,
	  .priority = NF_BR_PRI_FIRST },
	{ .hook = accept, .pf = NFPROTO_BRIDGE, .hooknum = NF_BR_LOCAL_OUT,
	  .priority = NF_BR_PRI_FIRST },
};

static int __net_init floor_net_init(struct net *net)
{
	return nf_register_net_hooks(net, floor_ops, ARRAY_SIZE(floor_ops));
}

static void __net_exit floor_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, floor_ops, ARRAY_SIZE(floor_ops));
}

static struct pernet_operations floor_net_ops = {
	.init = floor_net_init,
	.exit = floor_net_exit,
};

static int __init nfpost_mcfloor_init(void)
{
	return register_pernet_subsys(&floor_net_ops);
}

static void __exit nfpost_mcfloor_exit(void)
{
	unregister_pernet_subsys(&floor_net_ops);
}

module_init(nfpost_mcfloor_init);
module_exit(nfpost_mcfloor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfpost bench: empty hooks where nfpost_mcast hooks");
