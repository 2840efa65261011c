/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded hash of small keyed records, least recently used evicted first:
 * the shape shared by the pending-request and per-source trackers. Callers
 * hold their own lock around every call; nothing here is read under RCU.
 */
#ifndef NFPOST_WATCH_TRACKER_H
#define NFPOST_WATCH_TRACKER_H

#include <linux/list.h>
#include <linux/types.h>

#define NFPOST_TRACKER_BITS	8

/* Embedded first in every record; the key follows it directly. */
struct nfpost_trk_node {
	struct hlist_node hnode;
	struct list_head lru;
	u64 stamp;		/* ktime_get_ns() of the last use */
};

struct nfpost_tracker {
	struct hlist_head buckets[1 << NFPOST_TRACKER_BITS];
	struct list_head lru;	/* oldest first */
	u32 count;
	u32 max;
	u16 key_len;
	u16 size;		/* whole record, node included */
	u32 seed;
};

void nfpost_tracker_init(struct nfpost_tracker *t, u32 max, u16 key_len,
			 u16 size);
void nfpost_tracker_flush(struct nfpost_tracker *t);
void *nfpost_tracker_find(struct nfpost_tracker *t, const void *key, u64 now,
			  u64 lifetime);
void *nfpost_tracker_insert(struct nfpost_tracker *t, const void *key, u64 now,
			    u64 lifetime, bool *evicted);
void *nfpost_tracker_get(struct nfpost_tracker *t, const void *key, u64 now,
			 u64 lifetime, bool *evicted);
void nfpost_tracker_remove(struct nfpost_tracker *t, void *rec);

static inline void *nfpost_trk_key(struct nfpost_trk_node *n)
{
	return n + 1;
}

#endif /* NFPOST_WATCH_TRACKER_H */
