// SPDX-License-Identifier: GPL-2.0
/*
 * ARP observation, after arpwatch. Per packet, in this order:
 *
 *   a static binding of the sender IP has another MAC, on input
 *                                    -> spoof dropped, NF_DROP, stop
 *   Ethernet source != sender MAC    -> ethernet mismatch
 *   sender MAC broadcast/multicast   -> ethernet broadcast
 *   sender IP == target IP           -> gratuitous
 *   request                          -> remember (if, sender, target)
 *   reply to no remembered request   -> unsolicited (gratuitous excepted)
 *   sender 0.0.0.0 (probe)           -> stop: nothing to bind
 *   sender outside the subnets       -> bogon, stop
 *   mismatch or group sender MAC     -> stop: not a binding to learn
 *   binding table                    -> new station / changed / flip flop /
 *                                       reused old ethernet address
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>

#include "watch_arp.h"
#include "watch_event.h"
#include "watch_net.h"

/* A request is answered within milliseconds; allow for a slow lab VM. */
#define ARP_REQ_LIFETIME_NS	(5 * NSEC_PER_SEC)
#define ARP_REQ_MAX		256

struct arp_req_key {
	int ifindex;
	__be32 requester;
	__be32 target;
};

struct arp_req {
	struct nfpost_trk_node node;
	struct arp_req_key key;
};

void nfpost_arp_init(struct nfpost_watch_net *wn)
{
	nfpost_tracker_init(&wn->arp_req, ARP_REQ_MAX,
			    sizeof(struct arp_req_key), sizeof(struct arp_req));
}

void nfpost_arp_destroy(struct nfpost_watch_net *wn)
{
	spin_lock_bh(&wn->trk_lock);
	nfpost_tracker_flush(&wn->arp_req);
	spin_unlock_bh(&wn->trk_lock);
}

static void report(struct nfpost_watch_net *wn, struct nfpost_event *ev,
		   u32 type)
{
	ev->type = type;
	nfpost_event_send(wn, ev);
}

static void event_init(struct nfpost_event *ev, const struct nfpost_arp_pkt *p)
{
	memset(ev, 0, sizeof(*ev));
	ev->dev = p->dev;
	ev->has = NFPW_EVF_STATION | NFPW_EVF_ARP_OP;
	ev->addr = p->arp.sip;
	memcpy(ev->lladdr, p->arp.sha, ETH_ALEN);
	ev->arp_op = p->arp.op;
	if (p->has_eth) {
		ev->has |= NFPW_EVF_ETH_SADDR;
		memcpy(ev->eth_saddr, p->eth_saddr, ETH_ALEN);
	}
}

/* Records a request, or says whether a reply answers a recorded one. */
static bool solicited(struct nfpost_watch_net *wn,
		      const struct nfpost_arp_pkt *p)
{
	struct arp_req_key key = { .ifindex = p->dev->ifindex };
	u64 now = nfpost_watch_now();
	bool evicted = false, found = true;

	spin_lock_bh(&wn->trk_lock);
	if (p->arp.op == NFPOST_ARP_REQUEST) {
		key.requester = p->arp.sip;
		key.target = p->arp.tip;
		nfpost_tracker_get(&wn->arp_req, &key, now, ARP_REQ_LIFETIME_NS,
				   &evicted);
	} else {
		key.requester = p->arp.tip;
		key.target = p->arp.sip;
		found = nfpost_tracker_find(&wn->arp_req, &key, now,
					    ARP_REQ_LIFETIME_NS);
	}
	spin_unlock_bh(&wn->trk_lock);
	if (evicted)
		nfpost_watch_count(wn, NFPW_A_STAT_TRACKER_EVICTED);
	return found;
}

/* Outside every subnet of the interface; no address at all: no judgement. */
static bool bogon(const struct net_device *dev, __be32 addr)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	bool any = false;

	in_dev = __in_dev_get_rcu(dev);
	if (!in_dev)
		return false;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (inet_ifa_match(addr, ifa))
			return false;
		any = true;
	}
	return any;
}

static const u32 verdict_event[] = {
	[NFPOST_LL_NEW]		= NFPW_EV_NEW_STATION,
	[NFPOST_LL_SAME]	= NFPW_EV_UNSPEC,
	[NFPOST_LL_CHANGED]	= NFPW_EV_CHANGED_LLADDR,
	[NFPOST_LL_FLIP_FLOP]	= NFPW_EV_FLIP_FLOP,
	[NFPOST_LL_REUSED]	= NFPW_EV_REUSED_LLADDR,
};

static void learn(struct nfpost_watch_net *wn, const struct nfpost_arp_pkt *p,
		  struct nfpost_event *ev)
{
	struct nfpost_sighting s = {
		.ifindex = p->dev->ifindex,
		.addr = p->arp.sip,
		.lladdr = p->arp.sha,
		.mono = nfpost_watch_now(),
		.real = nfpost_watch_wall(),
		.flipflop_ns = (u64)NFPW_CFG(wn, flipflop_ms) * NSEC_PER_MSEC,
		.max = NFPW_CFG(wn, max_bindings),
	};
	struct nfpost_sighting_res res;

	nfpost_table_observe(&wn->table, &s, &res);
	if (res.evicted)
		nfpost_watch_count(wn, NFPW_A_STAT_EVICTED);
	if (!res.learned || res.verdict == NFPOST_LL_SAME)
		return;
	if (res.verdict != NFPOST_LL_NEW) {
		ev->has |= NFPW_EVF_PREV;
		memcpy(ev->prev, res.prev, ETH_ALEN);
	}
	report(wn, ev, verdict_event[res.verdict]);
}

static bool spoofed(struct nfpost_watch_net *wn,
		    const struct nfpost_arp_pkt *p, struct nfpost_event *ev)
{
	if (!p->input || nfpost_arp_is_probe(&p->arp))
		return false;
	if (!nfpost_table_contradicts(&wn->table, p->dev->ifindex, p->arp.sip,
				      p->arp.sha, ev->prev))
		return false;
	nfpost_watch_count(wn, NFPW_A_STAT_ENFORCED);
	ev->has |= NFPW_EVF_PREV;
	report(wn, ev, NFPW_EV_SPOOF_DROPPED);
	return true;
}

unsigned int nfpost_arp_observe(struct nfpost_watch_net *wn,
				const struct nfpost_arp_pkt *p)
{
	const struct nfpost_arp *arp = &p->arp;
	struct nfpost_event ev;
	bool mismatch, group;

	nfpost_watch_count(wn, NFPW_A_STAT_ARP);
	event_init(&ev, p);
	if (spoofed(wn, p, &ev))
		return NF_DROP;
	mismatch = p->has_eth && !ether_addr_equal(p->eth_saddr, arp->sha);
	group = nfpost_lladdr_is_group(arp->sha);
	if (mismatch)
		report(wn, &ev, NFPW_EV_ETHER_MISMATCH);
	if (group)
		report(wn, &ev, NFPW_EV_BCAST_SENDER);
	if (nfpost_arp_is_gratuitous(arp))
		report(wn, &ev, NFPW_EV_GRATUITOUS);
	else if (!solicited(wn, p)) {
		ev.has |= NFPW_EVF_DADDR;
		ev.daddr = arp->tip;
		report(wn, &ev, NFPW_EV_UNSOLICITED);
		ev.has &= ~NFPW_EVF_DADDR;
	}
	if (nfpost_arp_is_probe(arp))
		return NF_ACCEPT;
	if (bogon(p->dev, arp->sip)) {
		report(wn, &ev, NFPW_EV_BOGON);
		return NF_ACCEPT;
	}
	if (!mismatch && !group)
		learn(wn, p, &ev);
	return NF_ACCEPT;
}
