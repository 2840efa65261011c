/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_watch's event subscribers (subs.h): the sockets that sent
 * NFPW_CMD_SUBSCRIBE, each event's deliveries counted in STAT_EVENTS and
 * STAT_EVENTS_DROPPED.
 */
#ifndef NFPOST_WATCH_SUBS_H
#define NFPOST_WATCH_SUBS_H

#include "subs.h"

struct nfpost_watch_net;

void nfpost_watch_subs_lost(struct nfpost_watch_net *wn);
void nfpost_watch_subs_deliver(struct nfpost_watch_net *wn,
			       struct sk_buff *skb);
int nfpost_watch_subs_register(void);
void nfpost_watch_subs_unregister(void);

#endif /* NFPOST_WATCH_SUBS_H */
