/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_smtp's event subscribers (subs.h): the sockets that sent
 * NFPS_CMD_SUBSCRIBE, each event's deliveries counted in STAT_EVENTS and
 * STAT_EVENTS_DROPPED.
 */
#ifndef NFPOST_SMTP_SUBS_H
#define NFPOST_SMTP_SUBS_H

#include "subs.h"

struct nfps_net;

void nfps_subs_lost(struct nfps_net *sn);
void nfps_subs_deliver(struct nfps_net *sn, struct sk_buff *skb);
int nfps_subs_register(void);
void nfps_subs_unregister(void);

#endif /* NFPOST_SMTP_SUBS_H */
