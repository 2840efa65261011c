/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay: sends what is in the queue to its next hops, retries, and
 * bounces what cannot be delivered (see relay.c).
 */
#ifndef NFPOSTD_RELAY_H
#define NFPOSTD_RELAY_H

#include "server.h"

/* After the daemon became its user: the timer, SIGUSR1, the pid file. */
int relay_init(struct server *srv);
/* Something was queued: work the queue as soon as the loop comes back. */
void relay_kick(struct server *srv);
void relay_free(struct server *srv);

#endif /* NFPOSTD_RELAY_H */
