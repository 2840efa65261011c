/* SPDX-License-Identifier: GPL-2.0 */
/* NFPM_CMD_EVENT messages to the NFPM_MCGRP_EVENTS group, built only when heard. */
#ifndef NFPOST_MCAST_EVENT_H
#define NFPOST_MCAST_EVENT_H

#include "mcast_net.h"

struct mc_port;

void mc_event(struct mc_br *br, int type, const struct mc_port *port,
	      const struct nfpost_mc_addr *group,
	      const struct nfpost_mc_addr *querier);
int mc_put_addr(struct sk_buff *skb, int attr, const struct nfpost_mc_addr *a);

#endif /* NFPOST_MCAST_EVENT_H */
