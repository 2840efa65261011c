/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP observation: per-message events, echo pairing with round-trip time,
 * and the traceroute, flood and ping sweep trackers.
 */
#ifndef NFPOST_WATCH_ICMP_H
#define NFPOST_WATCH_ICMP_H

#include <linux/netdevice.h>

#include "icmp.h"

struct nfpost_watch_net;

struct nfpost_ip_pkt {
	const struct net_device *dev;	/* where seen (bridge if bridged) */
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;
};

void nfpost_icmp_init(struct nfpost_watch_net *wn);
void nfpost_icmp_destroy(struct nfpost_watch_net *wn);
/* Only while nfpost_event_wanted(): all it does ends in an event. */
void nfpost_icmp_observe(struct nfpost_watch_net *wn,
			 const struct nfpost_ip_pkt *p);

#endif /* NFPOST_WATCH_ICMP_H */
