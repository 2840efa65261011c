/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nfpost mail ls` and `nfpost mail show`: a user's mailbox as nfpostd's
 * POP3 and IMAP see it (the same store code, read-only), for a teacher
 * checking a student's delivery.
 */
#ifndef NFPOST_MAILLS_H
#define NFPOST_MAILLS_H

#include "args.h"

int maills_list(const struct nfpost_args *a);
int maills_show(const struct nfpost_args *a);

#endif /* NFPOST_MAILLS_H */
