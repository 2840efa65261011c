// SPDX-License-Identifier: GPL-2.0
/*
 * RARP observation (RFC 903): each request and reply is counted and
 * reported; nothing is learned from it (a binding is what a station says of
 * itself in ARP) and nothing is dropped. Seen on input only: RARP has no
 * netfilter family, so watch_hooks.c takes it from the bridge hook on a
 * bridge's ports and from a packet handler of ethertype 0x8035 elsewhere.
 */
#include <linux/etherdevice.h>

#include "rarp.h"
#include "watch_event.h"
#include "watch_net.h"
#include "watch_rarp.h"

void nfpost_rarp_observe(struct nfpost_watch_net *wn,
			 const struct nfpost_arp_pkt *p)
{
	struct nfpost_event ev;

	nfpost_watch_count(wn, NFPW_A_STAT_RARP);
	if (!nfpost_event_wanted(wn))
		return;
	memset(&ev, 0, sizeof(ev));
	ev.dev = p->dev;
	ev.arp_op = p->arp.op;
	ev.has = NFPW_EVF_ARP_OP;
	/* The station concerned is the target: the one asking, or answered. */
	memcpy(ev.lladdr, p->arp.tha, ETH_ALEN);
	if (p->arp.op == NFPOST_RARP_REQUEST) {
		ev.type = NFPW_EV_RARP_REQUEST;
		ev.has |= NFPW_EVF_LLADDR;
	} else {
		ev.type = NFPW_EV_RARP_REPLY;
		ev.has |= NFPW_EVF_STATION | NFPW_EVF_SADDR;
		ev.addr = p->arp.tip;
		ev.saddr = p->arp.sip;
	}
	if (p->has_eth) {
		ev.has |= NFPW_EVF_ETH_SADDR;
		memcpy(ev.eth_saddr, p->eth_saddr, ETH_ALEN);
	}
	nfpost_event_send(wn, &ev);
}
