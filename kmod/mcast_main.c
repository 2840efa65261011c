// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_mcast: IGMP/MLD snooping filter for Linux bridges. Module glue
 * only: ordered init with its reverse unwind, the per-namespace lifecycle,
 * bridges and ports going away.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mcast_bridge.h"
#include "mcast_hooks.h"
#include "mcast_net.h"
#include "mcast_netlink.h"
#include "mcast_table.h"

unsigned int nfpost_mcast_net_id __read_mostly;

static int __net_init mcast_net_init(struct net *net)
{
	struct mc_net *mn = mc_net(net);

	mn->net = net;
	INIT_LIST_HEAD(&mn->bridges);
	return mc_hooks_register(mn);
}

/* Hooks go first: nf_unregister_net_hooks waits for running ones. */
static void __net_exit mcast_net_exit(struct net *net)
{
	struct mc_net *mn = mc_net(net);
	struct mc_br *br, *tmp;

	mc_hooks_unregister(mn);
	rtnl_lock();
	list_for_each_entry_safe(br, tmp, &mn->bridges, list)
		mc_br_disable(br);
	rtnl_unlock();
}

static struct pernet_operations mcast_net_ops = {
	.init = mcast_net_init,
	.exit = mcast_net_exit,
	.id = &nfpost_mcast_net_id,
	.size = sizeof(struct mc_net),
};

/* A port that leaves its bridge, or goes, takes its entries along. */
static void port_gone(struct net_device *dev, struct net_device *master)
{
	struct mc_br *br = mc_br_find(mc_net(dev_net(dev)), master);

	if (!br)
		return;
	spin_lock_bh(&br->lock);
	mc_port_flush(br, dev->ifindex);
	spin_unlock_bh(&br->lock);
}

static int mcast_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_changeupper_info *info = ptr;
	struct mc_br *br;

	switch (event) {
	case NETDEV_UNREGISTER:
		br = mc_br_find(mc_net(dev_net(dev)), dev);
		if (br)
			mc_br_disable(br);
		else if (netif_is_bridge_port(dev))
			port_gone(dev, netdev_master_upper_dev_get(dev));
		break;
	case NETDEV_CHANGEUPPER:
		if (!info->linking && netif_is_bridge_master(info->upper_dev))
			port_gone(dev, info->upper_dev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block mcast_netdev_nb = {
	.notifier_call = mcast_netdev_event,
};

static int __init nfpost_mcast_init(void)
{
	int ret;

	ret = register_pernet_subsys(&mcast_net_ops);
	if (ret)
		goto err_pernet;
	ret = register_netdevice_notifier(&mcast_netdev_nb);
	if (ret)
		goto err_notifier;
	ret = mc_netlink_register();
	if (ret)
		goto err_netlink;
	return 0;

err_netlink:
	unregister_netdevice_notifier(&mcast_netdev_nb);
err_notifier:
	unregister_pernet_subsys(&mcast_net_ops);
err_pernet:
	return ret;
}

static void __exit nfpost_mcast_exit(void)
{
	mc_netlink_unregister();
	unregister_netdevice_notifier(&mcast_netdev_nb);
	unregister_pernet_subsys(&mcast_net_ops);
	/* Entries are freed by RCU callbacks of this module: let them run. */
	rcu_barrier();
}

module_init(nfpost_mcast_init);
module_exit(nfpost_mcast_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfpost: IGMP/MLD snooping multicast filter for Linux bridges");
MODULE_AUTHOR("nfpost");
MODULE_ALIAS_GENL_FAMILY(NFPM_GENL_NAME);
