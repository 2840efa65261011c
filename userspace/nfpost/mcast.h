/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost mcast`: the nfpost_mcast module's table, settings and counters. */
#ifndef NFPOST_MCAST_H
#define NFPOST_MCAST_H

#include <stdbool.h>
#include <stdio.h>
#include <libmnl/libmnl.h>
#include "args.h"

int args_mcast(int argc, char **argv, struct nfpost_args *a, char *err,
	       size_t len);
int mcast_run(const struct nfpost_args *a);
void mcast_usage(FILE *f);
/* One NFPM_CMD_EVENT as a text or JSON line; for `nfpost monitor`. */
void mcast_event_print(FILE *f, const struct nlmsghdr *nlh, bool json);

#endif /* NFPOST_MCAST_H */
