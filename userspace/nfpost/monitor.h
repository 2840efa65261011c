/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost monitor`: print nfpost_watch's events as they happen. */
#ifndef NFPOST_MONITOR_H
#define NFPOST_MONITOR_H

#include <stdio.h>
#include "args.h"

int monitor_run(const struct nfpost_args *a);
void monitor_usage(FILE *f);

#endif /* NFPOST_MONITOR_H */
