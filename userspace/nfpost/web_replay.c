// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost web --replay FILE`: plays back lines recorded with `nfpost monitor
 * -j > FILE` at their own pace (their "time"), N times faster, or as fast as
 * the browsers take them (speed 0). Playback starts with the first browser.
 * A line that cannot be a JSON object on one line is skipped and counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>
#include "json.h"
#include "web.h"

#define REPLAY_BATCH	256	/* lines per wakeup at speed 0 */
#define REPLAY_HOLD	(256 << 10)	/* pending in the fastest browser */

struct web_replay {
	struct web *web;
	FILE *f;
	const char *file;
	unsigned int speed;
	struct event *timer;
	uint64_t t0, w0;	/* first line's time, and when it was sent */
	char *line;
	size_t cap;
	ssize_t len;		/* > 0: a line read, waiting for its time */
	unsigned long lines, events, skipped;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void wake_in(struct web_replay *rp, uint64_t ns)
{
	struct timeval tv = { ns / 1000000000ULL, ns % 1000000000ULL / 1000 };

	evtimer_add(rp->timer, &tv);
}

static void finish(struct web_replay *rp)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	struct json j;

	if (!f)
		return;
	json_open(&j, f);
	json_str(&j, "file", rp->file);
	json_u64(&j, "lines", rp->lines);
	json_u64(&j, "events", rp->events);
	json_u64(&j, "skipped", rp->skipped);
	json_close(&j);
	fclose(f);
	web_broadcast(rp->web, "end", data, true);
	free(data);
	if (rp->skipped)
		fprintf(stderr, "nfpost web: %s: %lu line(s) skipped: not one JSON object per line\n",
			rp->file, rp->skipped);
}

/* Next good line into rp->line; false at the end of the file. */
static bool next_line(struct web_replay *rp)
{
	while ((rp->len = getline(&rp->line, &rp->cap, rp->f)) >= 0) {
		rp->lines++;
		while (rp->len && (rp->line[rp->len - 1] == '\n' ||
				   rp->line[rp->len - 1] == '\r'))
			rp->line[--rp->len] = '\0';
		if (web_line_ok(rp->line, rp->len))
			return true;
		if (rp->len)
			rp->skipped++;
	}
	return false;
}

/* Nanoseconds until the waiting line is due, 0 when it is. */
static uint64_t due_in(struct web_replay *rp)
{
	uint64_t t, due, now;

	if (!rp->speed || web_line_time(rp->line, &t))
		return 0;
	if (!rp->t0) {
		rp->t0 = t;
		rp->w0 = mono_ns();
	}
	if (t <= rp->t0)
		return 0;
	due = rp->w0 + (t - rp->t0) / rp->speed;
	now = mono_ns();
	return due > now ? due - now : 0;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct web_replay *rp = arg;
	uint64_t wait;
	int i;

	(void)fd;
	(void)what;
	/* Even the fastest browser is behind: a replay can wait, the slow
	 * ones are still dropped by the hub. */
	if (web_min_pending(rp->web) > REPLAY_HOLD) {
		wake_in(rp, 10 * 1000000ULL);
		return;
	}
	for (i = 0; i < REPLAY_BATCH; i++) {
		if (rp->len <= 0 && !next_line(rp)) {
			finish(rp);
			return;
		}
		wait = due_in(rp);
		if (wait) {
			wake_in(rp, wait);
			return;
		}
		web_broadcast(rp->web, NULL, rp->line, true);
		rp->events++;
		rp->len = 0;
	}
	/* Let the browsers' sockets drain before the next batch. */
	wake_in(rp, 0);
}

static void begin(void *arg)
{
	wake_in(arg, 0);
}

int web_replay_start(struct web *web, const char *file, unsigned int speed,
		     struct web_replay **rp_r)
{
	struct web_replay *rp = calloc(1, sizeof(*rp));

	*rp_r = rp;
	if (!rp)
		return EXIT_RUNTIME;
	rp->web = web;
	rp->file = file;
	rp->speed = speed;
	rp->f = fopen(file, "r");
	if (!rp->f) {
		fprintf(stderr, "nfpost: Error: cannot read \"%s\": %s\n", file,
			strerror(errno));
		return EXIT_RUNTIME;
	}
	rp->timer = evtimer_new(web_base(web), on_timer, rp);
	if (!rp->timer)
		return EXIT_RUNTIME;
	web_on_first_client(web, begin, rp);
	return 0;
}

void web_replay_stop(struct web_replay *rp)
{
	if (rp->timer)
		event_free(rp->timer);
	if (rp->f)
		fclose(rp->f);
	free(rp->line);
	free(rp);
}
