/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event subscribers: the netlink sockets, per namespace, that asked for
 * events with NFPW_CMD_SUBSCRIBE, and unicast delivery to each of them.
 */
#ifndef NFPOST_WATCH_SUBS_H
#define NFPOST_WATCH_SUBS_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

/* Bounds the unicast fan-out done per event in the packet path. */
#define NFPOST_SUBS_MAX	64

struct nfpost_subs {
	struct list_head list;	/* of struct nfpost_sub, RCU */
	spinlock_t lock;	/* writers; BH-safe: the packet path removes */
	unsigned int n;		/* under lock */
	u64 since;		/* nfpost_watch_now() when n last left 0 */
};

struct nfpost_watch_net;

void nfpost_subs_init(struct nfpost_subs *subs);
void nfpost_subs_flush(struct nfpost_subs *subs);
int nfpost_subs_add(struct nfpost_subs *subs, u32 portid,
		    struct netlink_ext_ack *extack);
int nfpost_subs_del(struct nfpost_subs *subs, u32 portid);
void nfpost_subs_lost(struct nfpost_watch_net *wn);
void nfpost_subs_deliver(struct nfpost_watch_net *wn, struct sk_buff *skb);
int nfpost_subs_register(void);
void nfpost_subs_unregister(void);

/* Lockless: true when no one is subscribed, so no event need be built. */
static inline bool nfpost_subs_empty(const struct nfpost_subs *subs)
{
	return list_empty(&subs->list);
}

static inline u64 nfpost_subs_since(const struct nfpost_subs *subs)
{
	return READ_ONCE(subs->since);
}

#endif /* NFPOST_WATCH_SUBS_H */
