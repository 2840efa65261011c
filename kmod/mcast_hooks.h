/* SPDX-License-Identifier: GPL-2.0 */
/* nfpost_mcast's bridge netfilter hooks, registered per namespace. */
#ifndef NFPOST_MCAST_HOOKS_H
#define NFPOST_MCAST_HOOKS_H

#include "mcast_net.h"

int mc_hooks_register(struct mc_net *mn);
void mc_hooks_unregister(struct mc_net *mn);

#endif /* NFPOST_MCAST_HOOKS_H */
