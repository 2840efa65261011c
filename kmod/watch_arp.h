/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP observation: the arpwatch checks, learning into the binding table,
 * the pending-request tracker and enforcement of static bindings.
 */
#ifndef NFPOST_WATCH_ARP_H
#define NFPOST_WATCH_ARP_H

#include <linux/netdevice.h>

#include "arp.h"

struct nfpost_watch_net;

struct nfpost_arp_pkt {
	const struct net_device *dev;	/* the binding's interface */
	struct nfpost_arp arp;
	bool input;			/* enforce: drop contradicting packets */
	bool has_eth;
	u8 eth_saddr[ETH_ALEN];
};

void nfpost_arp_init(struct nfpost_watch_net *wn);
void nfpost_arp_destroy(struct nfpost_watch_net *wn);
unsigned int nfpost_arp_observe(struct nfpost_watch_net *wn,
				const struct nfpost_arp_pkt *p);

#endif /* NFPOST_WATCH_ARP_H */
