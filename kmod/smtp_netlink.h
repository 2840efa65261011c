/* SPDX-License-Identifier: GPL-2.0 */
/* The nfpost_smtp generic netlink family. */
#ifndef NFPOST_SMTP_NETLINK_H
#define NFPOST_SMTP_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family nfps_family;

int nfps_netlink_register(void);
void nfps_netlink_unregister(void);

#endif /* NFPOST_SMTP_NETLINK_H */
