// SPDX-License-Identifier: GPL-2.0
/*
 * Builds NFPW_CMD_EVENT messages in the packet path and hands them to the
 * subscribers: GFP_ATOMIC, nothing done without one, every loss counted.
 */
#include <linux/ktime.h>
#include <net/genetlink.h>

#include "watch_event.h"
#include "watch_net.h"
#include "watch_netlink.h"
#include "watch_subs.h"

/*
 * Cleared, then an RCU grace period waited for, before the family goes: the
 * hooks run under RCU, so none can send with a stale family id after that.
 */
bool nfpost_events_on __read_mostly;

/* Every attribute at once, with headroom: well under this. */
#define EVENT_SIZE	512

void nfpost_event_enable(bool on)
{
	WRITE_ONCE(nfpost_events_on, on);
}

static int put_lladdr(struct sk_buff *skb, int attr, const u8 *addr)
{
	return nla_put(skb, attr, ETH_ALEN, addr);
}

static int put_station(struct sk_buff *skb, const struct nfpost_event *ev)
{
	if ((ev->has & NFPW_EVF_STATION) &&
	    (nla_put_in_addr(skb, NFPW_A_ADDR, ev->addr) ||
	     put_lladdr(skb, NFPW_A_LLADDR, ev->lladdr)))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_LLADDR) &&
	    put_lladdr(skb, NFPW_A_LLADDR, ev->lladdr))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_ARP_OP) &&
	    nla_put_u16(skb, NFPW_A_ARP_OP, ev->arp_op))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_ETH_SADDR) &&
	    put_lladdr(skb, NFPW_A_ETH_SADDR, ev->eth_saddr))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_PREV) &&
	    put_lladdr(skb, NFPW_A_PREV_LLADDR, ev->prev))
		return -EMSGSIZE;
	return 0;
}

static int put_ip(struct sk_buff *skb, const struct nfpost_event *ev)
{
	if ((ev->has & NFPW_EVF_IP) &&
	    (nla_put_in_addr(skb, NFPW_A_SADDR, ev->saddr) ||
	     nla_put_in_addr(skb, NFPW_A_DADDR, ev->daddr)))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_SADDR) &&
	    nla_put_in_addr(skb, NFPW_A_SADDR, ev->saddr))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_DADDR) &&
	    nla_put_in_addr(skb, NFPW_A_DADDR, ev->daddr))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_ICMP) &&
	    (nla_put_u8(skb, NFPW_A_ICMP_TYPE, ev->icmp_type) ||
	     nla_put_u8(skb, NFPW_A_ICMP_CODE, ev->icmp_code)))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_ECHO) &&
	    (nla_put_u16(skb, NFPW_A_ICMP_ID, ev->id) ||
	     nla_put_u16(skb, NFPW_A_ICMP_SEQ, ev->seq)))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_TTL) && nla_put_u8(skb, NFPW_A_TTL, ev->ttl))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_RTT) &&
	    nla_put_u32(skb, NFPW_A_RTT_US, ev->rtt_us))
		return -EMSGSIZE;
	return 0;
}

static int put_extra(struct sk_buff *skb, const struct nfpost_event *ev)
{
	if ((ev->has & NFPW_EVF_GATEWAY) &&
	    nla_put_in_addr(skb, NFPW_A_GATEWAY, ev->gateway))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_ORIG) &&
	    (nla_put_in_addr(skb, NFPW_A_ORIG_SADDR, ev->orig_saddr) ||
	     nla_put_in_addr(skb, NFPW_A_ORIG_DADDR, ev->orig_daddr)))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_ORIG_PROTO) &&
	    nla_put_u8(skb, NFPW_A_ORIG_PROTO, ev->orig_proto))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_COUNT) &&
	    nla_put_u32(skb, NFPW_A_COUNT, ev->count))
		return -EMSGSIZE;
	if ((ev->has & NFPW_EVF_RATE) && nla_put_u32(skb, NFPW_A_RATE, ev->rate))
		return -EMSGSIZE;
	return 0;
}

static int fill(struct sk_buff *skb, struct nfpost_watch_net *wn,
		const struct nfpost_event *ev)
{
	void *hdr = genlmsg_put(skb, 0, 0, &nfpost_watch_family, 0,
				NFPW_CMD_EVENT);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NFPW_A_EVENT, ev->type) ||
	    nla_put_u64_64bit(skb, NFPW_A_TIME, ktime_get_real_ns(),
			      NFPW_A_PAD) ||
	    nla_put_u32(skb, NFPW_A_NETNS, wn->net->ns.inum))
		goto cancel;
	if (ev->dev && (nla_put_u32(skb, NFPW_A_IFINDEX, ev->dev->ifindex) ||
			nla_put_string(skb, NFPW_A_IFNAME, ev->dev->name)))
		goto cancel;
	if (put_station(skb, ev) || put_ip(skb, ev) || put_extra(skb, ev))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void nfpost_event_send(struct nfpost_watch_net *wn,
		       const struct nfpost_event *ev)
{
	struct sk_buff *skb;

	if (!nfpost_event_wanted(wn))
		return;
	skb = genlmsg_new(EVENT_SIZE, GFP_ATOMIC);
	if (!skb) {
		nfpost_watch_subs_lost(wn);
		return;
	}
	if (WARN_ON_ONCE(fill(skb, wn, ev))) {
		nlmsg_free(skb);
		nfpost_watch_subs_lost(wn);
		return;
	}
	nfpost_watch_subs_deliver(wn, skb);
}
