// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_watch: ARP and ICMP observer. Module glue only: ordered init with
 * its reverse unwind, the per-namespace lifecycle, interface removal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>

#include "watch_age.h"
#include "watch_arp.h"
#include "watch_event.h"
#include "watch_hooks.h"
#include "watch_icmp.h"
#include "watch_net.h"
#include "watch_netlink.h"
#include "watch_subs.h"

unsigned int nfpost_watch_net_id __read_mostly;

static const struct nfpost_watch_cfg default_cfg = {
	.max_bindings = NFPOST_WATCH_DEFAULT_MAX_BINDINGS,
	.flood_pps = 1000,
	.sweep_hosts = 16,
	.sweep_window_ms = 10000,
	.trace_probes = 3,
	.trace_max_ttl = 30,
	.flipflop_ms = 3600000,
	.echo_timeout_ms = 10000,
};

static int __net_init watch_net_init(struct net *net)
{
	struct nfpost_watch_net *wn = nfpost_watch_net(net);
	int ret;

	wn->net = net;
	wn->cfg = default_cfg;
	spin_lock_init(&wn->trk_lock);
	nfpost_subs_init(&wn->subs);
	nfpost_arp_init(wn);
	nfpost_icmp_init(wn);
	nfpost_age_init(wn);
	wn->stats = alloc_percpu(struct nfpost_watch_stats);
	ret = -ENOMEM;
	if (!wn->stats)
		goto err_stats;
	ret = nfpost_table_init(&wn->table, net->user_ns != &init_user_ns);
	if (ret)
		goto err_table;
	ret = nfpost_hooks_register(wn);
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	nfpost_table_destroy(&wn->table);
err_table:
	free_percpu(wn->stats);
err_stats:
	return ret;
}

/* Hooks go first: nf_unregister_net_hooks waits for running ones. */
static void __net_exit watch_net_exit(struct net *net)
{
	struct nfpost_watch_net *wn = nfpost_watch_net(net);

	nfpost_hooks_unregister(wn);
	nfpost_age_destroy(wn);
	nfpost_subs_flush(&wn->subs);
	nfpost_icmp_destroy(wn);
	nfpost_arp_destroy(wn);
	nfpost_table_destroy(&wn->table);
	free_percpu(wn->stats);
}

static struct pernet_operations watch_net_ops = {
	.init = watch_net_init,
	.exit = watch_net_exit,
	.id = &nfpost_watch_net_id,
	.size = sizeof(struct nfpost_watch_net),
};

/* A removed interface takes its bindings, static ones included, along. */
static int watch_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER)
		nfpost_table_flush(&nfpost_watch_net(dev_net(dev))->table,
				   dev->ifindex, 0, true);
	return NOTIFY_DONE;
}

static struct notifier_block watch_netdev_nb = {
	.notifier_call = watch_netdev_event,
};

static int __init nfpost_watch_init(void)
{
	int ret;

	ret = register_pernet_subsys(&watch_net_ops);
	if (ret)
		goto err_pernet;
	ret = register_netdevice_notifier(&watch_netdev_nb);
	if (ret)
		goto err_notifier;
	ret = nfpost_watch_subs_register();
	if (ret)
		goto err_subs;
	ret = nfpost_netlink_register();
	if (ret)
		goto err_netlink;
	nfpost_event_enable(true);
	nfpost_hooks_rarp_register();
	return 0;

err_netlink:
	nfpost_watch_subs_unregister();
err_subs:
	unregister_netdevice_notifier(&watch_netdev_nb);
err_notifier:
	unregister_pernet_subsys(&watch_net_ops);
err_pernet:
	return ret;
}

static void __exit nfpost_watch_exit(void)
{
	nfpost_hooks_rarp_unregister();
	/* Hooks run under RCU: after this none sends an event. */
	nfpost_event_enable(false);
	synchronize_rcu();
	nfpost_netlink_unregister();
	nfpost_watch_subs_unregister();
	unregister_netdevice_notifier(&watch_netdev_nb);
	unregister_pernet_subsys(&watch_net_ops);
	/* Bindings and subscribers are freed after a grace period: let them go. */
	rcu_barrier();
	/* What selftests/watch.sh looks for in the kernel log after rmmod. */
	if (WARN_ON_ONCE(nfpost_table_live()))
		pr_err("leaked %ld bindings\n", nfpost_table_live());
}

module_init(nfpost_watch_init);
module_exit(nfpost_watch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfpost: ARP and ICMP observer for a network teaching lab");
MODULE_AUTHOR("nfpost");
MODULE_ALIAS_GENL_FAMILY(NFPW_GENL_NAME);
