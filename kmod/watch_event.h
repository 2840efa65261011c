/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event messages: one NFPW_CMD_EVENT, unicast to each subscriber, per
 * observation. Fields are filled by the ARP and ICMP code, then sent here.
 */
#ifndef NFPOST_WATCH_EVENT_H
#define NFPOST_WATCH_EVENT_H

#include <linux/if_ether.h>
#include <linux/netdevice.h>

struct nfpost_watch_net;

/* Which optional groups of attributes an event carries. */
enum {
	NFPW_EVF_STATION	= 1 << 0,	/* ADDR, LLADDR */
	NFPW_EVF_ARP_OP		= 1 << 1,
	NFPW_EVF_ETH_SADDR	= 1 << 2,
	NFPW_EVF_PREV		= 1 << 3,	/* PREV_LLADDR */
	NFPW_EVF_IP		= 1 << 4,	/* SADDR, DADDR */
	NFPW_EVF_DADDR		= 1 << 5,	/* DADDR only */
	NFPW_EVF_ICMP		= 1 << 6,	/* ICMP_TYPE, ICMP_CODE */
	NFPW_EVF_ECHO		= 1 << 7,	/* ICMP_ID, ICMP_SEQ */
	NFPW_EVF_TTL		= 1 << 8,
	NFPW_EVF_RTT		= 1 << 9,
	NFPW_EVF_GATEWAY	= 1 << 10,
	NFPW_EVF_ORIG		= 1 << 11,	/* ORIG_SADDR, ORIG_DADDR */
	NFPW_EVF_ORIG_PROTO	= 1 << 12,
	NFPW_EVF_COUNT		= 1 << 13,
	NFPW_EVF_RATE		= 1 << 14,
	NFPW_EVF_LLADDR		= 1 << 15,	/* LLADDR without ADDR */
	NFPW_EVF_SADDR		= 1 << 16,	/* SADDR without DADDR */
};

struct nfpost_event {
	u32 type;			/* enum nfpw_event */
	u32 has;			/* NFPW_EVF_* */
	const struct net_device *dev;	/* IFINDEX, IFNAME if non-NULL */
	__be32 addr;
	u8 lladdr[ETH_ALEN];
	u8 prev[ETH_ALEN];
	u8 eth_saddr[ETH_ALEN];
	u16 arp_op;
	__be32 saddr;
	__be32 daddr;
	u8 icmp_type;
	u8 icmp_code;
	u16 id;
	u16 seq;
	u8 ttl;
	u8 orig_proto;
	u32 rtt_us;
	__be32 gateway;
	__be32 orig_saddr;
	__be32 orig_daddr;
	u32 count;
	u32 rate;
};

void nfpost_event_send(struct nfpost_watch_net *wn,
		       const struct nfpost_event *ev);
void nfpost_event_enable(bool on);

#endif /* NFPOST_WATCH_EVENT_H */
