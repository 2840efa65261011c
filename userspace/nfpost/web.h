/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nfpost web`: a read-only page of the lab segment. One source of events
 * (the kernel through one netlink subscription, or a file recorded with
 * `nfpost monitor -j`) feeds every browser through a Server-Sent Events hub.
 */
#ifndef NFPOST_WEB_H
#define NFPOST_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "args.h"

struct web;
struct event_base;

/* The hub: a frame goes to every client, whose buffer is bounded. */
void web_broadcast(struct web *web, const char *event, const char *data,
		   bool keep);
void web_snapshot(struct web *web, const char *data);
size_t web_min_pending(struct web *web);
struct event_base *web_base(struct web *web);
/* Called once, when the first browser connects. */
void web_on_first_client(struct web *web, void (*fn)(void *), void *arg);

int web_run(const struct nfpost_args *a);
void web_usage(FILE *f);

/* The live source: nfpost_watch's events and tables. */
struct web_live;
int web_live_start(struct web *web, struct web_live **live_r);
void web_live_stop(struct web_live *live);

/* The replay source: a file of `nfpost monitor -j` lines. */
struct web_replay;
int web_replay_start(struct web *web, const char *file, unsigned int speed,
		     struct web_replay **rp_r);
void web_replay_stop(struct web_replay *rp);

/* I/O-free, for the replay and its tests. */
#define WEB_LINE_MAX	4096
bool web_line_ok(const char *line, size_t len);
int web_line_time(const char *line, uint64_t *ns_r);

#endif /* NFPOST_WEB_H */
