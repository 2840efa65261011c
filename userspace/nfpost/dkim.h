/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost dkim`: DKIM keys for nfpostd's domains. */
#ifndef NFPOST_DKIM_H
#define NFPOST_DKIM_H

#include <stdio.h>
#include "args.h"

void dkim_usage(FILE *f);
int dkim_args(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len);
int dkim_run(const struct nfpost_args *a);

#endif /* NFPOST_DKIM_H */
