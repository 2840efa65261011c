// SPDX-License-Identifier: GPL-2.0
/*
 * ARP observation, after arpwatch. Per packet, in this order:
 *
 *   a static binding of the sender IP has another MAC, on input
 *                                    -> spoof dropped, NF_DROP, stop
 *   Ethernet source != sender MAC    -> ethernet mismatch
 *   sender MAC broadcast/multicast   -> ethernet broadcast
 *   sender IP == target IP           -> gratuitous
 * while someone is subscribed to events (they are all these checks feed):
 *   request                          -> remember (if, sender, target)
 *   reply to no remembered request   -> unsolicited (gratuitous excepted)
 * always:
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
/*
 * Requests are remembered only while someone is subscribed: for a second
 * after the first subscriber came, a reply's request may have passed before,
 * and no reply is called unsolicited.
 */
#define ARP_REQ_WARMUP_NS	NSEC_PER_SEC
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

/*
 * Builds and sends one event about the sender of @p, with the address it had
 * before (@prev) and the target address (@daddr) if asked. Out of line: its
 * event lives on the stack only when there is one.
 */
static noinline void report(struct nfpost_watch_net *wn,
			    const struct nfpost_arp_pkt *p, u32 type,
			    const u8 *prev, bool daddr)
{
	struct nfpost_event ev;

	if (!nfpost_event_wanted(wn))
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.dev = p->dev;
	ev.has = NFPW_EVF_STATION | NFPW_EVF_ARP_OP;
	ev.addr = p->arp.sip;
	memcpy(ev.lladdr, p->arp.sha, ETH_ALEN);
	ev.arp_op = p->arp.op;
	if (p->has_eth) {
		ev.has |= NFPW_EVF_ETH_SADDR;
		memcpy(ev.eth_saddr, p->eth_saddr, ETH_ALEN);
	}
	if (prev) {
		ev.has |= NFPW_EVF_PREV;
		memcpy(ev.prev, prev, ETH_ALEN);
	}
	if (daddr) {
		ev.has |= NFPW_EVF_DADDR;
		ev.daddr = p->arp.tip;
	}
	nfpost_event_send(wn, &ev);
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
					    ARP_REQ_LIFETIME_NS) ||
			now - nfpost_subs_since(&wn->subs) < ARP_REQ_WARMUP_NS;
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

/* A new station, a changed address, a table to make room in. */
static noinline void learn_slow(struct nfpost_watch_net *wn,
				const struct nfpost_arp_pkt *p, u64 now)
{
	struct nfpost_sighting s = {
		.ifindex = p->dev->ifindex,
		.addr = p->arp.sip,
		.lladdr = p->arp.sha,
		.mono = now,
		.flipflop_ns = (u64)NFPW_CFG(wn, flipflop_ms) * NSEC_PER_MSEC,
		.max = NFPW_CFG(wn, max_bindings),
	};
	struct nfpost_sighting_res res;

	nfpost_table_observe(&wn->table, &s, &res);
	nfpost_watch_count_n(wn, NFPW_A_STAT_EVICTED, res.evicted);
	if (!res.learned)
		nfpost_watch_count(wn, NFPW_A_STAT_NOT_LEARNED);
	if (!res.learned || res.verdict == NFPOST_LL_SAME)
		return;
	report(wn, p, verdict_event[res.verdict],
	       res.verdict != NFPOST_LL_NEW ? res.prev : NULL, false);
}

static void learn(struct nfpost_watch_net *wn, const struct nfpost_arp_pkt *p)
{
	u64 now = nfpost_watch_now();

	if (nfpost_table_refresh(&wn->table, p->dev->ifindex, p->arp.sip,
				 p->arp.sha, now))
		return;
	learn_slow(wn, p, now);
}

static bool spoofed(struct nfpost_watch_net *wn,
		    const struct nfpost_arp_pkt *p)
{
	u8 bound[ETH_ALEN];

	if (!p->input || nfpost_arp_is_probe(&p->arp) ||
	    !nfpost_table_enforces(&wn->table))
		return false;
	if (!nfpost_table_contradicts(&wn->table, p->dev->ifindex, p->arp.sip,
				      p->arp.sha, bound))
		return false;
	nfpost_watch_count(wn, NFPW_A_STAT_ENFORCED);
	report(wn, p, NFPW_EV_SPOOF_DROPPED, bound, false);
	return true;
}

unsigned int nfpost_arp_observe(struct nfpost_watch_net *wn,
				const struct nfpost_arp_pkt *p)
{
	const struct nfpost_arp *arp = &p->arp;
	bool mismatch, group;

	nfpost_watch_count(wn, NFPW_A_STAT_ARP);
	if (spoofed(wn, p))
		return NF_DROP;
	mismatch = p->has_eth && !ether_addr_equal(p->eth_saddr, arp->sha);
	group = nfpost_lladdr_is_group(arp->sha);
	if (mismatch)
		report(wn, p, NFPW_EV_ETHER_MISMATCH, NULL, false);
	if (group)
		report(wn, p, NFPW_EV_BCAST_SENDER, NULL, false);
	if (nfpost_arp_is_gratuitous(arp))
		report(wn, p, NFPW_EV_GRATUITOUS, NULL, false);
	else if (nfpost_event_wanted(wn) && !solicited(wn, p))
		report(wn, p, NFPW_EV_UNSOLICITED, NULL, true);
	if (nfpost_arp_is_probe(arp))
		return NF_ACCEPT;
	if (bogon(p->dev, arp->sip)) {
		report(wn, p, NFPW_EV_BOGON, NULL, false);
		return NF_ACCEPT;
	}
	if (!mismatch && !group)
		learn(wn, p);
	return NF_ACCEPT;
}
