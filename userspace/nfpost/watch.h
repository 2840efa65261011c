/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost watch`: the binding table, thresholds and counters. */
#ifndef NFPOST_WATCH_H
#define NFPOST_WATCH_H

#include <stdio.h>
#include "args.h"

int watch_run(const struct nfpost_args *a);
void watch_usage(FILE *f);

#endif /* NFPOST_WATCH_H */
