/* SPDX-License-Identifier: GPL-2.0 */
/* The bridge's own IGMP/MLD querier: general and group-specific queries. */
#ifndef NFPOST_MCAST_QUERIER_H
#define NFPOST_MCAST_QUERIER_H

#include "mcast_net.h"

void mc_querier_init(struct mc_br *br);
void mc_querier_start(struct mc_br *br);
void mc_querier_stop(struct mc_br *br);
/* Under br->lock: last-member queries for @group (naming @src if @nsrc). */
void mc_querier_last_member(struct mc_br *br,
			    const struct nfpost_mc_addr *group,
			    const struct nfpost_mc_addr *src, u16 nsrc);

#endif /* NFPOST_MCAST_QUERIER_H */
