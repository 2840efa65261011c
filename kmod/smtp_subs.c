// SPDX-License-Identifier: GPL-2.0
/*
 * Event subscribers and delivery. Unicast rather than a multicast group:
 * Debian's 6.1 does not enforce a genl group's GENL_UNS_ADMIN_PERM, and a
 * multicast to a full buffer is not reported back. Here NFPS_CMD_SUBSCRIBE
 * is checked by the genl core, and every failed delivery is seen and counted.
 */
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "smtp_net.h"
#include "smtp_subs.h"

struct nfps_sub {
	struct list_head node;
	u32 portid;
	struct rcu_head rcu;
};

void nfps_subs_init(struct nfps_subs *subs)
{
	INIT_LIST_HEAD(&subs->list);
	spin_lock_init(&subs->lock);
	subs->n = 0;
}

static struct nfps_sub *find(struct nfps_subs *subs, u32 portid)
{
	struct nfps_sub *s;

	lockdep_assert_held(&subs->lock);
	list_for_each_entry(s, &subs->list, node)
		if (s->portid == portid)
			return s;
	return NULL;
}

static void sub_free(struct nfps_subs *subs, struct nfps_sub *s)
{
	lockdep_assert_held(&subs->lock);
	list_del_rcu(&s->node);
	subs->n--;
	kfree_rcu(s, rcu);
}

/* Idempotent: a socket subscribed already stays subscribed once. */
int nfps_subs_add(struct nfps_subs *subs, u32 portid,
		    struct netlink_ext_ack *extack)
{
	struct nfps_sub *s;
	int ret = 0;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->portid = portid;
	spin_lock_bh(&subs->lock);
	if (find(subs, portid)) {
		kfree(s);
	} else if (subs->n >= NFPS_SUBS_MAX) {
		kfree(s);
		NL_SET_ERR_MSG_MOD(extack, "too many event subscribers in this namespace");
		ret = -ENOSPC;
	} else {
		if (!subs->n++)
			WRITE_ONCE(subs->since, nfps_now_ms());
		list_add_tail_rcu(&s->node, &subs->list);
	}
	spin_unlock_bh(&subs->lock);
	return ret;
}

/* Returns 0, or -ENOENT if @portid was not subscribed. */
int nfps_subs_del(struct nfps_subs *subs, u32 portid)
{
	struct nfps_sub *s;
	int ret = -ENOENT;

	spin_lock_bh(&subs->lock);
	s = find(subs, portid);
	if (s) {
		sub_free(subs, s);
		ret = 0;
	}
	spin_unlock_bh(&subs->lock);
	return ret;
}

void nfps_subs_flush(struct nfps_subs *subs)
{
	struct nfps_sub *s, *tmp;

	spin_lock_bh(&subs->lock);
	list_for_each_entry_safe(s, tmp, &subs->list, node)
		sub_free(subs, s);
	spin_unlock_bh(&subs->lock);
}

/* An event that could not be built is lost for every subscriber. */
void nfps_subs_lost(struct nfps_net *sn)
{
	struct nfps_sub *s;

	list_for_each_entry_rcu(s, &sn->subs.list, node)
		nfps_count(sn, NFPS_A_STAT_EVENTS_DROPPED);
}

/*
 * Consumes @skb, a complete NFPS_CMD_EVENT message, sending a clone to each
 * subscriber. Per subscriber: delivered counts in STAT_EVENTS, anything
 * else in STAT_EVENTS_DROPPED. A full buffer (-EAGAIN) also makes the kernel
 * flag ENOBUFS on that socket; a socket gone (-ECONNREFUSED) is unsubscribed.
 * Called under RCU, from the packet path.
 */
void nfps_subs_deliver(struct nfps_net *sn, struct sk_buff *skb)
{
	struct nfps_sub *s;
	struct sk_buff *c;
	int ret;

	list_for_each_entry_rcu(s, &sn->subs.list, node) {
		c = skb_clone(skb, GFP_ATOMIC);
		ret = c ? genlmsg_unicast(sn->net, c, s->portid) : -ENOMEM;
		if (!ret) {
			nfps_count(sn, NFPS_A_STAT_EVENTS);
			continue;
		}
		nfps_count(sn, NFPS_A_STAT_EVENTS_DROPPED);
		if (ret == -ECONNREFUSED)
			nfps_subs_del(&sn->subs, s->portid);
	}
	consume_skb(skb);
}

/* Every socket that closes leaves; a portid may be reused after that. */
static int urelease(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	nfps_subs_del(&nfps_net(n->net)->subs, n->portid);
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
