/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family of nfpost_watch: the control plane.
 */
#ifndef NFPOST_WATCH_NETLINK_H
#define NFPOST_WATCH_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family nfpost_watch_family;

int nfpost_netlink_register(void);
void nfpost_netlink_unregister(void);

#endif /* NFPOST_WATCH_NETLINK_H */
