// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_smtpfloor: the reference of bench/smtpguard. Six netfilter hooks
 * where nfpost_smtp hooks (IPv4 and IPv6 LOCAL_IN, LOCAL_OUT, FORWARD, at
 * its priority), in every namespace, that accept at once: what any module
 * hooked there costs before it does anything.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/net_namespace.h>

#define PRI	(NF_IP_PRI_CONNTRACK_CONFIRM - 1)

static unsigned int accept(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops floor_ops[] = {
	{ .hook = accept, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = PRI },
	{ .hook = accept, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = PRI },
	{ .hook = accept, .pf = NFPROTO_IPV4, .hooknum = NF_INET_FORWARD,
	  .priority = PRI },
	{ .hook = accept, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = PRI },
	{ .hook = accept, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = PRI },
	{ .hook = accept, .pf = NFPROTO_IPV6, .hooknum = NF_INET_FORWARD,
	  .priority = PRI },
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

static int __init nfpost_smtpfloor_init(void)
{
	return register_pernet_subsys(&floor_net_ops);
}

static void __exit nfpost_smtpfloor_exit(void)
{
	unregister_pernet_subsys(&floor_net_ops);
}

module_init(nfpost_smtpfloor_init);
module_exit(nfpost_smtpfloor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfpost bench: empty hooks where nfpost_smtp hooks");
