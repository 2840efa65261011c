// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_smtp: SMTP relay and spam guard. Module glue only: ordered init
 * with its reverse unwind, and the per-namespace lifecycle.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "smtp_event.h"
#include "smtp_hooks.h"
#include "smtp_net.h"
#include "smtp_netlink.h"
#include "smtp_subs.h"

unsigned int nfps_net_id __read_mostly;

static int __net_init smtp_net_init(struct net *net)
{
	struct nfps_net *sn = nfps_net(net);
	struct nfps_cfg *cfg;
	int ret;

	sn->net = net;
	nfpost_subs_init(&sn->subs);
	ret = -ENOMEM;
	cfg = nfps_cfg_default();
	if (!cfg)
		goto err_cfg;
	RCU_INIT_POINTER(sn->cfg, cfg);
	sn->stats = alloc_percpu(struct nfps_stats);
	if (!sn->stats)
		goto err_stats;
	ret = nfps_tables_init(&sn->tables);
	if (ret)
		goto err_tables;
	ret = nfps_hooks_register(sn);
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	nfps_tables_destroy(&sn->tables);
err_tables:
	free_percpu(sn->stats);
err_stats:
	nfps_cfg_free(cfg);
err_cfg:
	return ret;
}

/* Hooks go first: nf_unregister_net_hooks waits for running ones. */
static void __net_exit smtp_net_exit(struct net *net)
{
	struct nfps_net *sn = nfps_net(net);

	nfps_hooks_unregister(sn);
	nfpost_subs_flush(&sn->subs);
	nfps_tables_destroy(&sn->tables);
	free_percpu(sn->stats);
	nfps_cfg_free(rcu_dereference_protected(sn->cfg, true));
}

static struct pernet_operations smtp_net_ops = {
	.init = smtp_net_init,
	.exit = smtp_net_exit,
	.id = &nfps_net_id,
	.size = sizeof(struct nfps_net),
};

static int __init nfpost_smtp_init(void)
{
	int ret;

	ret = register_pernet_subsys(&smtp_net_ops);
	if (ret)
		goto err_pernet;
	ret = nfps_subs_register();
	if (ret)
		goto err_subs;
	ret = nfps_netlink_register();
	if (ret)
		goto err_netlink;
	nfps_event_enable(true);
	return 0;

err_netlink:
	nfps_subs_unregister();
err_subs:
	unregister_pernet_subsys(&smtp_net_ops);
err_pernet:
	return ret;
}

static void __exit nfpost_smtp_exit(void)
{
	/* Hooks run under RCU: after this none sends an event. */
	nfps_event_enable(false);
	synchronize_rcu();
	nfps_netlink_unregister();
	nfps_subs_unregister();
	unregister_pernet_subsys(&smtp_net_ops);
	/* Subscribers and old policies are freed after a grace period. */
	rcu_barrier();
}

module_init(nfpost_smtp_init);
module_exit(nfpost_smtp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfpost: SMTP relay and spam guard in the packet path");
MODULE_AUTHOR("nfpost");
MODULE_ALIAS_GENL_FAMILY(NFPS_GENL_NAME);
