/* SPDX-License-Identifier: GPL-2.0 */
/* nfpost_watch's counters (NFPW_A_STAT_*), printed as text or JSON. */
#ifndef NFPOST_STATS_H
#define NFPOST_STATS_H

#include <stdbool.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

void stats_print(FILE *f, const struct nlattr *const *tb, bool json);

#endif /* NFPOST_STATS_H */
