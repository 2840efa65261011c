/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bridge nfpost_mcast is enabled on: its lifetime, its GC timer, the
 * querier heard on its segment and its own querier.
 */
#ifndef NFPOST_MCAST_BRIDGE_H
#define NFPOST_MCAST_BRIDGE_H

#include <linux/netlink.h>

#include "mcast_net.h"

struct mc_port;

extern const struct mc_cfg mc_default_cfg;

/* Under RCU or rtnl. */
struct mc_br *mc_br_find(struct mc_net *mn, const struct net_device *dev);

/* Under rtnl. */
int mc_br_enable(struct mc_net *mn, struct net_device *dev,
		 struct netlink_ext_ack *extack);
void mc_br_disable(struct mc_br *br);
void mc_br_querier_changed(struct mc_br *br);

/* Under br->lock: a query from @src arrived on @port. */
void mc_querier_heard(struct mc_br *br, struct mc_port *port,
		      const struct nfpost_mc_addr *src);
/* Lockless: whether a querier is known for IPv4 (or IPv6, @v6). */
bool mc_querier_known(struct mc_br *br, bool v6, u64 now);

#endif /* NFPOST_MCAST_BRIDGE_H */
