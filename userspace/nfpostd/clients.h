/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-client accounting for the listeners: sessions open and connections
 * accepted in the last minute, per IPv4 address or IPv6 /64, so that one
 * client cannot take every slot (max_sessions_per_ip) or churn through
 * them (max_connection_rate). Clients in mynetworks are not counted.
 */
#ifndef NFPOSTD_CLIENTS_H
#define NFPOSTD_CLIENTS_H

#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

struct clients;

/* Room for @size clients at once; the table never grows past it. */
struct clients *clients_new(unsigned int size);
void clients_free(struct clients *cs);

enum clients_verdict {
	CLIENTS_OK,		/* counted: clients_release() when it ends */
	CLIENTS_TOO_MANY,	/* max_sessions_per_ip open already */
	CLIENTS_TOO_FAST,	/* max_connection_rate reached this minute */
	CLIENTS_FULL,		/* no room to count it: refused as TOO_FAST */
};

/*
 * A new connection from @sa at @now: counted if allowed. *@count_r is the
 * count that was over its limit, for the log.
 */
enum clients_verdict clients_admit(struct clients *cs,
				   const struct sockaddr *sa, time_t now,
				   int max_open, int max_rate,
				   int *count_r);
void clients_release(struct clients *cs, const struct sockaddr *sa);

#endif /* NFPOSTD_CLIENTS_H */
