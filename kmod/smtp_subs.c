// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_smtp's event subscribers: subs.c built into this module, the
 * deliveries counted, and a socket that closes unsubscribed.
 */
#include "subs.c"

#include "smtp_net.h"
#include "smtp_subs.h"

/* An event that could not be built is lost for every subscriber. */
void nfps_subs_lost(struct nfps_net *sn)
{
	nfps_count_n(sn, NFPS_A_STAT_EVENTS_DROPPED,
		     nfpost_subs_count(&sn->subs));
}

void nfps_subs_deliver(struct nfps_net *sn, struct sk_buff *skb)
{
	u32 sent, dropped;

	nfpost_subs_deliver(&sn->subs, sn->net, skb, &sent, &dropped);
	nfps_count_n(sn, NFPS_A_STAT_EVENTS, sent);
	nfps_count_n(sn, NFPS_A_STAT_EVENTS_DROPPED, dropped);
}

/* Every socket that closes leaves; a portid may be reused after that. */
static int urelease(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	nfpost_subs_del(&nfps_net(n->net)->subs, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block urelease_nb = {
	.notifier_call = urelease,
};

int nfps_subs_register(void)
{
	return netlink_register_notifier(&urelease_nb);
}

void nfps_subs_unregister(void)
{
	netlink_unregister_notifier(&urelease_nb);
}
