// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded LRU hash for the trackers. Records expire by age instead of by
 * timer: an expired record is dropped when found or when it reaches the head
 * of the LRU list, so nothing is left to cancel when a namespace goes away.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "watch_tracker.h"

void nfpost_tracker_init(struct nfpost_tracker *t, u32 max, u16 key_len,
			 u16 size)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	INIT_LIST_HEAD(&t->lru);
	t->count = 0;
	t->max = max;
	t->key_len = key_len;
	t->size = size;
	t->seed = get_random_u32();
}

static struct hlist_head *bucket(struct nfpost_tracker *t, const void *key)
{
	u32 h = jhash(key, t->key_len, t->seed);

	return &t->buckets[h & (ARRAY_SIZE(t->buckets) - 1)];
}

void nfpost_tracker_remove(struct nfpost_tracker *t, void *rec)
{
	struct nfpost_trk_node *n = rec;

	hlist_del(&n->hnode);
	list_del(&n->lru);
	t->count--;
	kfree(n);
}

void nfpost_tracker_flush(struct nfpost_tracker *t)
{
	struct nfpost_trk_node *n, *tmp;

	list_for_each_entry_safe(n, tmp, &t->lru, lru)
		nfpost_tracker_remove(t, n);
}

static bool expired(const struct nfpost_trk_node *n, u64 now, u64 lifetime)
{
	return now - n->stamp > lifetime;
}

/* Returns the record, refreshed; an expired one is dropped, not returned. */
void *nfpost_tracker_find(struct nfpost_tracker *t, const void *key, u64 now,
			  u64 lifetime)
{
	struct nfpost_trk_node *n;

	hlist_for_each_entry(n, bucket(t, key), hnode) {
		if (memcmp(nfpost_trk_key(n), key, t->key_len))
			continue;
		if (expired(n, now, lifetime)) {
			nfpost_tracker_remove(t, n);
			return NULL;
		}
		n->stamp = now;
		list_move_tail(&n->lru, &t->lru);
		return n;
	}
	return NULL;
}

/* Makes room: expired records go silently, a live one is an eviction. */
static void make_room(struct nfpost_tracker *t, u64 now, u64 lifetime,
		      bool *evicted)
{
	struct nfpost_trk_node *n;

	while (t->count >= t->max && !list_empty(&t->lru)) {
		n = list_first_entry(&t->lru, struct nfpost_trk_node, lru);
		if (!expired(n, now, lifetime))
			*evicted = true;
		nfpost_tracker_remove(t, n);
	}
}

/* A new zeroed record with @key, or NULL without memory. */
void *nfpost_tracker_insert(struct nfpost_tracker *t, const void *key, u64 now,
			    u64 lifetime, bool *evicted)
{
	struct nfpost_trk_node *n;

	*evicted = false;
	make_room(t, now, lifetime, evicted);
	/* Drop one more expired head on the way, to keep the table lean. */
	n = list_first_entry_or_null(&t->lru, struct nfpost_trk_node, lru);
	if (n && expired(n, now, lifetime))
		nfpost_tracker_remove(t, n);
	n = kzalloc(t->size, GFP_ATOMIC);
	if (!n)
		return NULL;
	memcpy(nfpost_trk_key(n), key, t->key_len);
	n->stamp = now;
	hlist_add_head(&n->hnode, bucket(t, key));
	list_add_tail(&n->lru, &t->lru);
	t->count++;
	return n;
}

/* Find or insert. */
void *nfpost_tracker_get(struct nfpost_tracker *t, const void *key, u64 now,
			 u64 lifetime, bool *evicted)
{
	void *rec = nfpost_tracker_find(t, key, now, lifetime);

	*evicted = false;
	return rec ?: nfpost_tracker_insert(t, key, now, lifetime, evicted);
}
