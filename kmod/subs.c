// SPDX-License-Identifier: GPL-2.0
/*
 * Event subscribers (subs.h). Not built alone: each module's <name>_subs.c
 * includes this file.
 */
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "subs.h"

struct nfpost_sub {
	struct list_head node;
	u32 portid;
	struct rcu_head rcu;
};

void nfpost_subs_init(struct nfpost_subs *subs)
{
	INIT_LIST_HEAD(&subs->list);
	spin_lock_init(&subs->lock);
	subs->n = 0;
}

static struct nfpost_sub *find(struct nfpost_subs *subs, u32 portid)
{
	struct nfpost_sub *s;

	lockdep_assert_held(&subs->lock);
	list_for_each_entry(s, &subs->list, node)
		if (s->portid == portid)
			return s;
	return NULL;
}

static void sub_free(struct nfpost_subs *subs, struct nfpost_sub *s)
{
	lockdep_assert_held(&subs->lock);
	list_del_rcu(&s->node);
	subs->n--;
	kfree_rcu(s, rcu);
}

int nfpost_subs_add(struct nfpost_subs *subs, u32 portid, u64 now,
		    struct netlink_ext_ack *extack)
{
	struct nfpost_sub *s;
	int ret = 0;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->portid = portid;
	spin_lock_bh(&subs->lock);
	if (find(subs, portid)) {
		kfree(s);
	} else if (subs->n >= NFPOST_SUBS_MAX) {
		kfree(s);
		NL_SET_ERR_MSG_MOD(extack, "too many event subscribers in this namespace");
		ret = -ENOSPC;
	} else {
		if (!subs->n++)
			WRITE_ONCE(subs->since, now);
		list_add_tail_rcu(&s->node, &subs->list);
	}
	spin_unlock_bh(&subs->lock);
	return ret;
}

int nfpost_subs_del(struct nfpost_subs *subs, u32 portid)
{
	struct nfpost_sub *s;
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

void nfpost_subs_flush(struct nfpost_subs *subs)
{
	struct nfpost_sub *s, *tmp;

	spin_lock_bh(&subs->lock);
	list_for_each_entry_safe(s, tmp, &subs->list, node)
		sub_free(subs, s);
	spin_unlock_bh(&subs->lock);
}

u32 nfpost_subs_count(struct nfpost_subs *subs)
{
	struct nfpost_sub *s;
	u32 n = 0;

	list_for_each_entry_rcu(s, &subs->list, node)
		n++;
	return n;
}

void nfpost_subs_deliver(struct nfpost_subs *subs, struct net *net,
			 struct sk_buff *skb, u32 *sent, u32 *dropped)
{
	struct nfpost_sub *s;
	struct sk_buff *c;
	int ret;

	*sent = *dropped = 0;
	list_for_each_entry_rcu(s, &subs->list, node) {
		c = skb_clone(skb, GFP_ATOMIC);
		ret = c ? genlmsg_unicast(net, c, s->portid) : -ENOMEM;
		if (!ret) {
			(*sent)++;
			continue;
		}
		(*dropped)++;
		if (ret == -ECONNREFUSED)
			nfpost_subs_del(subs, s->portid);
	}
	consume_skb(skb);
}
