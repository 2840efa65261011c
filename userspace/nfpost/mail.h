/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost mail`: commands on mail messages (trace) and the queue. */
#ifndef NFPOST_MAIL_H
#define NFPOST_MAIL_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include "args.h"

/* `mail trace`: the header was read and something in it looks forged. */
#define EXIT_SUSPECT	1

int mail_run(const struct nfpost_args *a);
void mail_usage(FILE *f);

/*
 * Prints the Received: chain of the message read from @in (named @name in
 * errors) to @out, oldest hop first, then what looks forged in it, judged
 * at @now. Returns the exit code: 0, EXIT_SUSPECT, or EXIT_RUNTIME with
 * the error on stderr.
 */
int mail_trace(FILE *in, const char *name, FILE *out, bool json, time_t now);

#endif /* NFPOST_MAIL_H */
