/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One nfpost_watch event (NFPW_CMD_EVENT), or one of the monitor's own
 * notices, printed as a text line or a JSON line.
 */
#ifndef NFPOST_EVENT_H
#define NFPOST_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

struct event_ctx {
	bool json;
	/* Name of a network namespace by inode, or NULL; may be NULL. */
	const char *(*netns_name)(uint32_t ino, void *data);
	void *data;
};

enum event_notice {
	NOTICE_LOST,		/* our socket buffer overran: events lost */
	NOTICE_UNLOADED,	/* the nfpost_watch family went away */
	NOTICE_LOADED,		/* and came back; we subscribed again */
};

void event_print(FILE *f, const struct nlattr *const *tb,
		 const struct event_ctx *ctx);
void event_notice(FILE *f, enum event_notice n, uint64_t now_ns, bool json);

#endif /* NFPOST_EVENT_H */
