/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event subscribers: the netlink sockets, per namespace, that asked for
 * events with NFPS_CMD_SUBSCRIBE, and unicast delivery to each of them.
 */
#ifndef NFPOST_SMTP_SUBS_H
#define NFPOST_SMTP_SUBS_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

/* Bounds the unicast fan-out done per event in the packet path. */
#define NFPS_SUBS_MAX	64

struct nfps_subs {
	struct list_head list;	/* of struct nfps_sub, RCU */
	spinlock_t lock;	/* writers; BH-safe: the packet path removes */
	unsigned int n;		/* under lock */
	u64 since;		/* nfps_now_ms() when n last left 0 */
};

struct nfps_net;

void nfps_subs_init(struct nfps_subs *subs);
void nfps_subs_flush(struct nfps_subs *subs);
int nfps_subs_add(struct nfps_subs *subs, u32 portid,
		    struct netlink_ext_ack *extack);
int nfps_subs_del(struct nfps_subs *subs, u32 portid);
void nfps_subs_lost(struct nfps_net *sn);
void nfps_subs_deliver(struct nfps_net *sn, struct sk_buff *skb);
int nfps_subs_register(void);
void nfps_subs_unregister(void);

/* Lockless: true when no one is subscribed, so no event need be built. */
static inline bool nfps_subs_empty(const struct nfps_subs *subs)
{
	return list_empty(&subs->list);
}

static inline u64 nfps_subs_since(const struct nfps_subs *subs)
{
	return READ_ONCE(subs->since);
}

#endif /* NFPOST_SMTP_SUBS_H */
