/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leftovers in tmp/ of the users' Maildirs and of the spool: the files of
 * sessions killed mid-message. Cleaned at start, then every few hours.
 */
#ifndef NFPOSTD_CLEANUP_H
#define NFPOSTD_CLEANUP_H

#include "server.h"

/* At start, before listening: what dead nfpostd processes left, and old files. */
void cleanup_now(struct server *srv);
/* Then old files (36 hours) every CLEANUP_INTERVAL, in a worker. */
int cleanup_init(struct server *srv);
void cleanup_free(struct server *srv);

#endif /* NFPOSTD_CLEANUP_H */
