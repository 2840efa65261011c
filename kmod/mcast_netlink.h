/* SPDX-License-Identifier: GPL-2.0 */
/* The nfpost_mcast generic netlink family. */
#ifndef NFPOST_MCAST_NETLINK_H
#define NFPOST_MCAST_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family nfpost_mcast_family;

int mc_netlink_register(void);
void mc_netlink_unregister(void);

#endif /* NFPOST_MCAST_NETLINK_H */
