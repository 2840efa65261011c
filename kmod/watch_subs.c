// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_watch's event subscribers: subs.c built into this module, the
 * deliveries counted, and a socket that closes unsubscribed.
 */
#include "subs.c"

#include "watch_net.h"
#include "watch_subs.h"

/* An event that could not be built is lost for every subscriber. */
void nfpost_watch_subs_lost(struct nfpost_watch_net *wn)
{
	nfpost_watch_count_n(wn, NFPW_A_STAT_EVENTS_DROPPED,
			     nfpost_subs_count(&wn->subs));
}

void nfpost_watch_subs_deliver(struct nfpost_watch_net *wn,
			       struct sk_buff *skb)
{
	u32 sent, dropped;

	nfpost_subs_deliver(&wn->subs, wn->net, skb, &sent, &dropped);
	nfpost_watch_count_n(wn, NFPW_A_STAT_EVENTS, sent);
	nfpost_watch_count_n(wn, NFPW_A_STAT_EVENTS_DROPPED, dropped);
}

/* Every socket that closes leaves; a portid may be reused after that. */
static int urelease(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	nfpost_subs_del(&nfpost_watch_net(n->net)->subs, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block urelease_nb = {
	.notifier_call = urelease,
};

int nfpost_watch_subs_register(void)
{
	return netlink_register_notifier(&urelease_nb);
}

void nfpost_watch_subs_unregister(void)
{
	netlink_unregister_notifier(&urelease_nb);
}
