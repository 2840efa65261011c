/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost smtp` and `nfpost monitor smtp`: the nfpost_smtp guard. */
#ifndef NFPOST_SMTP_H
#define NFPOST_SMTP_H

#include <stdio.h>
#include "args.h"

void smtp_usage(FILE *f);
int smtp_args(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len);
int smtp_run(const struct nfpost_args *a);
/* Prints the guard's events until killed or @a->count of them. */
int smtp_monitor(const struct nfpost_args *a);

#endif /* NFPOST_SMTP_H */
