/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event subscribers, as nfpost_watch and nfpost_smtp both keep them: the
 * netlink sockets, per namespace, that asked for a module's events with
 * its SUBSCRIBE command, and unicast delivery to each of them. Unicast
 * rather than a multicast group: Debian's 6.1 does not enforce a genl
 * group's GENL_UNS_ADMIN_PERM, and a multicast to a full buffer is not
 * reported back. Here the genl core checks SUBSCRIBE, and every failed
 * delivery is seen and counted by the caller.
 *
 * subs.c is compiled into each module by that module's <name>_subs.c
 * (kbuild links an object file into one module only), which adds the
 * module's counters and its socket-release notifier.
 */
#ifndef NFPOST_SUBS_H
#define NFPOST_SUBS_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>

/* Bounds the unicast fan-out done per event in the packet path. */
#define NFPOST_SUBS_MAX	64

struct nfpost_subs {
	struct list_head list;	/* of struct nfpost_sub, RCU */
	spinlock_t lock;	/* writers; BH-safe: the packet path removes */
	unsigned int n;		/* under lock */
	u64 since;		/* the caller's clock when n last left 0 */
};

void nfpost_subs_init(struct nfpost_subs *subs);
void nfpost_subs_flush(struct nfpost_subs *subs);
/* Idempotent; @now (the caller's clock) is kept as since on the first. */
int nfpost_subs_add(struct nfpost_subs *subs, u32 portid, u64 now,
		    struct netlink_ext_ack *extack);
/* Returns 0, or -ENOENT if @portid was not subscribed. */
int nfpost_subs_del(struct nfpost_subs *subs, u32 portid);
/* Under RCU: how many would have had an event that could not be built. */
u32 nfpost_subs_count(struct nfpost_subs *subs);
/*
 * Consumes @skb, a complete event message, sending a clone to each
 * subscriber: *@sent those delivered, *@dropped the others. A full buffer
 * (-EAGAIN) also makes the kernel flag ENOBUFS on that socket; a socket
 * gone (-ECONNREFUSED) is unsubscribed. Under RCU, from the packet path.
 */
void nfpost_subs_deliver(struct nfpost_subs *subs, struct net *net,
			 struct sk_buff *skb, u32 *sent, u32 *dropped);

/* Lockless: true when no one is subscribed, so no event need be built. */
static inline bool nfpost_subs_empty(const struct nfpost_subs *subs)
{
	return list_empty(&subs->list);
}

static inline u64 nfpost_subs_since(const struct nfpost_subs *subs)
{
	return READ_ONCE(subs->since);
}

#endif /* NFPOST_SUBS_H */
