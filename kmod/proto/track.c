// SPDX-License-Identifier: GPL-2.0
/*
 * Tracker logic for traceroute, flood and sweep detection; pure functions of
 * their state and the time, so the host's unit tests drive them.
 */
#include "track.h"

/*
 * Traceroute run, per (source, destination):
 *   first probe, or idle too long   -> new run of one
 *   same TTL as the last            -> ignored (probes are repeated per hop)
 *   higher TTL                      -> run grows; report when it reaches
 *                                      @probes, once per run
 *   lower TTL                       -> new run of one
 */
bool nfpost_trace_step(struct nfpost_trace *t, u8 ttl, u64 now, u32 probes)
{
	bool idle = !t->count || now - t->last > NFPOST_TRACE_IDLE_NS;

	t->last = now;
	if (!idle && ttl == t->ttl)
		return false;
	if (idle || ttl < t->ttl) {
		t->ttl = ttl;
		t->count = 1;
		t->reported = false;
		return false;
	}
	t->ttl = ttl;
	if (t->count < 255)
		t->count++;
	if (t->count < probes || t->reported)
		return false;
	t->reported = true;
	return true;
}

static void rate_roll(struct nfpost_rate *r, u64 now)
{
	u64 elapsed = now - r->start;

	if (elapsed < NFPOST_NSEC_PER_SEC)
		return;
	r->prev = elapsed < 2 * NFPOST_NSEC_PER_SEC ? r->cur : 0;
	r->cur = 0;
	r->start = now - elapsed % NFPOST_NSEC_PER_SEC;
}

/*
 * Sliding window over two fixed one-second windows: the previous window's
 * count weighted by how much of it still lies within the last second.
 */
u32 nfpost_rate_hit(struct nfpost_rate *r, u64 now, u32 limit)
{
	u64 into, est;

	if (!r->start)
		r->start = now;
	rate_roll(r, now);
	r->cur++;
	into = now - r->start;
	est = r->cur + (u64)r->prev * (NFPOST_NSEC_PER_SEC - into) /
		       NFPOST_NSEC_PER_SEC;
	if (est <= limit)
		return 0;
	if (r->reported && now - r->reported < NFPOST_NSEC_PER_SEC)
		return 0;
	r->reported = now;
	return est > 0xffffffffULL ? 0xffffffffU : (u32)est;
}

static bool sweep_has(const struct nfpost_sweep *s, __be32 daddr)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->hosts[i] == daddr)
			return true;
	return false;
}

bool nfpost_sweep_hit(struct nfpost_sweep *s, __be32 daddr, u64 now,
		      u64 window_ns, u32 hosts)
{
	if (!s->start || now - s->start > window_ns) {
		s->start = now;
		s->n = 0;
		s->reported = false;
	}
	if (sweep_has(s, daddr))
		return false;
	if (s->n < NFPOST_SWEEP_MAX_HOSTS)
		s->hosts[s->n++] = daddr;
	if (s->n < hosts || s->reported)
		return false;
	s->reported = true;
	return true;
}
