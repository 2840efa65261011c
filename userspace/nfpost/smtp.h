/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost smtp` and `nfpost monitor smtp`: the nfpost_smtp guard. */
#ifndef NFPOST_SMTP_H
#define NFPOST_SMTP_H

#include <stdbool.h>
#include <stdio.h>
#include <libmnl/libmnl.h>
#include "args.h"
#include "genl.h"

void smtp_usage(FILE *f);
int smtp_args(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len);
int smtp_run(const struct nfpost_args *a);
/* Prints the guard's events until killed or @a->count of them. */
int smtp_monitor(const struct nfpost_args *a);
/* For plain `nfpost monitor`: its socket subscribed, its events printed. */
int smtp_subscribe(struct genl_sock *sock, struct genl_family *fam);
bool smtp_is_event(const struct nlmsghdr *nlh);
void smtp_event_print(FILE *f, const struct nlmsghdr *nlh, bool json);

#endif /* NFPOST_SMTP_H */
