/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost user`: the mail accounts of the users file. */
#ifndef NFPOST_USER_H
#define NFPOST_USER_H

#include <stdio.h>
#include "args.h"

/* Where the users file is without -f or $NFPOST_USERS. */
#define USER_FILE_DEFAULT	"/etc/nfpost/users"
/* nfpostd's, for its users file and its user's group, without -c. */
#define USER_CONF_DEFAULT	"/etc/nfpost/nfpostd.conf"

int user_run(const struct nfpost_args *a);
void user_usage(FILE *f);

#endif /* NFPOST_USER_H */
