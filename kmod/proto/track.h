/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source ICMP trackers with no kernel dependency: traceroute TTL steps,
 * the flood rate window and the ping sweep window. The kernel keeps one state
 * per (source, destination) or per source and calls these under its lock.
 */
#ifndef NFPOST_PROTO_TRACK_H
#define NFPOST_PROTO_TRACK_H

#include "compat.h"

#define NFPOST_NSEC_PER_SEC	1000000000ULL
/* A traceroute waits at most a few seconds per hop; longer is a new one. */
#define NFPOST_TRACE_IDLE_NS	(10 * NFPOST_NSEC_PER_SEC)
#define NFPOST_SWEEP_MAX_HOSTS	256

struct nfpost_trace {
	u64 last;		/* ns of the last probe */
	u8 ttl;			/* highest TTL of the current run */
	u8 count;		/* distinct rising TTLs in the current run */
	bool reported;
};

/* Returns true once per run, when the run reaches @probes distinct TTLs. */
bool nfpost_trace_step(struct nfpost_trace *t, u8 ttl, u64 now, u32 probes);

struct nfpost_rate {
	u64 start;		/* ns, start of the current one-second window */
	u32 cur;		/* packets in the current window */
	u32 prev;		/* packets in the window before */
	u64 reported;		/* ns of the last report, 0 if none */
};

/* Counts one packet; returns the estimated rate if it is to be reported. */
u32 nfpost_rate_hit(struct nfpost_rate *r, u64 now, u32 limit);

struct nfpost_sweep {
	u64 start;		/* ns, start of the window */
	u16 n;			/* distinct destinations in the window */
	bool reported;
	__be32 hosts[NFPOST_SWEEP_MAX_HOSTS];
};

/* Counts an echo request to @daddr; true once per window past @hosts. */
bool nfpost_sweep_hit(struct nfpost_sweep *s, __be32 daddr, u64 now,
		      u64 window_ns, u32 hosts);

#endif /* NFPOST_PROTO_TRACK_H */
