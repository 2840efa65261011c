/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost mail`: commands on mail messages (trace) and, later, the queue. */
#ifndef NFPOST_MAIL_H
#define NFPOST_MAIL_H

#include <stdbool.h>
#include <stdio.h>
#include "args.h"

int mail_run(const struct nfpost_args *a);
void mail_usage(FILE *f);

/*
 * Prints the Received: chain of the message read from @in (named @name in
 * errors) to @out, oldest hop first. Returns the exit code; errors go to
 * stderr.
 */
int mail_trace(FILE *in, const char *name, FILE *out, bool json);

#endif /* NFPOST_MAIL_H */
