/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parses the flat NFPW_A_* attributes of an nfpost_watch message into a
 * table, keeping only those whose length matches the uapi header.
 */
#ifndef NFPOST_ATTRS_H
#define NFPOST_ATTRS_H

#include <libmnl/libmnl.h>
#include <linux/nfpost_watch.h>

typedef const struct nlattr *nfpw_tb[NFPW_A_MAX + 1];

int attrs_parse(const struct nlmsghdr *nlh, nfpw_tb tb);

#endif /* NFPOST_ATTRS_H */
