/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost mail queue`: list nfpostd's relay queue, or flush it. */
#ifndef NFPOST_MAILQ_H
#define NFPOST_MAILQ_H

#include "args.h"

int mailq_list(const struct nfpost_args *a);
int mailq_flush(const struct nfpost_args *a);

#endif /* NFPOST_MAILQ_H */
