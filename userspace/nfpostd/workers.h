/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A few threads for what blocks: writing and fsync()ing an accepted message,
 * reading a queued one and looking up its next hops (MX, addresses). The
 * event loop hands a job over and goes on serving the other sessions; the
 * job's completion comes back on the loop.
 */
#ifndef NFPOSTD_WORKERS_H
#define NFPOSTD_WORKERS_H

#include <event2/event.h>

struct workers;

/* @run in a worker thread, then @done in the event loop's thread. */
struct work {
	void (*run)(struct work *w);
	void (*done)(struct work *w);
	struct work *next;		/* private */
};

struct workers *workers_new(struct event_base *base, int threads);
void workers_submit(struct workers *ws, struct work *w);
/* Waits for the threads to finish what they hold, then frees them. */
void workers_free(struct workers *ws);

#endif /* NFPOSTD_WORKERS_H */
