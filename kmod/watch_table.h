/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The binding table: (interface, IPv4 address) -> link-layer address, with
 * its history, counters and static flag. Read under RCU, written under the
 * table's lock, bounded with least-recently-seen eviction of learned entries.
 */
#ifndef NFPOST_WATCH_TABLE_H
#define NFPOST_WATCH_TABLE_H

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/nfpost_watch.h>

#include "lladdr.h"

#define NFPOST_TABLE_BITS	12
#define NFPOST_TABLE_NBUCKETS	(1U << NFPOST_TABLE_BITS)
/* The LRU order is kept to this: an entry seen again moves at most so often. */
#define NFPOST_TABLE_LRU_NS	NSEC_PER_SEC

/*
 * A sighting of a known station with its current address, the common case,
 * takes no lock: it reads slot[0] under @seq, and updates the times and the
 * packet count in place. Everything else happens under the table's lock.
 *
 * A binding is one object from creation to removal: turning it static, or
 * changing a static binding's address, happens in place, under the lock and
 * (for the address) under @seq, so a reader holding a pointer to it never
 * holds a stale copy.
 */
struct nfpost_binding {
	struct hlist_node hnode;	/* RCU readers */
	/* Under the lock: t->lru (least recent first) if learned, else t->statics. */
	struct list_head lru;
	struct rcu_head rcu;
	int ifindex;
	__be32 addr;
	u32 flags;			/* NFPW_BF_*; READ_ONCE outside the lock */
	u32 changes;
	bool unlinked;			/* under the lock */
	atomic64_t packets;
	u64 first_seen;			/* CLOCK_REALTIME ns */
	u64 lru_stamp;			/* last move to the LRU tail */
	seqcount_t seq;			/* writers of hist hold the lock */
	/* slot[0] is the current address, its last_seen the last sighting. */
	struct nfpost_lladdr_hist hist;
};

struct nfpost_table {
	spinlock_t lock;
	struct hlist_head *buckets;
	struct list_head lru;		/* learned bindings, eviction order */
	struct list_head statics;	/* static bindings: never evicted */
	u32 count;
	u32 nstatic;			/* of count; 0: nothing to enforce */
	u32 seed;
	/* Counts in the global cap: the namespace is not the initial user's. */
	bool capped;
};

/* One ARP sender seen on an interface. */
struct nfpost_sighting {
	int ifindex;
	__be32 addr;
	const u8 *lladdr;
	u64 mono;			/* nfpost_watch_now() */
	u64 flipflop_ns;
	u32 max;			/* CFG_MAX_BINDINGS */
};

/* Bindings evicted at most per packet: the rest is done by the netlink side. */
#define NFPOST_TABLE_EVICT_BUDGET	8

struct nfpost_sighting_res {
	enum nfpost_lladdr_verdict verdict;
	u8 prev[ETH_ALEN];		/* the address before, if it changed */
	bool learned;			/* false: no room, see nfpost_table_observe */
	u32 evicted;			/* bindings evicted to make room */
};

static inline struct hlist_head *
nfpost_table_bucket(struct nfpost_table *t, int ifindex, __be32 addr)
{
	u32 h = jhash_2words((u32)ifindex, (__force u32)addr, t->seed);

	return &t->buckets[h & (NFPOST_TABLE_NBUCKETS - 1)];
}

/* Under the table's lock or rcu_read_lock(). */
static inline struct nfpost_binding *
nfpost_table_lookup(struct nfpost_table *t, int ifindex, __be32 addr)
{
	struct nfpost_binding *b;

	hlist_for_each_entry_rcu(b, nfpost_table_bucket(t, ifindex, addr),
				 hnode, lockdep_is_held(&t->lock) ||
				 rcu_read_lock_held())
		if (b->ifindex == ifindex && b->addr == addr)
			return b;
	return NULL;
}

void nfpost_table_lru_touch(struct nfpost_table *t, struct nfpost_binding *b,
			    u64 mono);

/*
 * A known station with its current address, the common case: no lock but
 * for the LRU move, once a second at most. A writer racing with the stores
 * can only be recording a sighting of the same moment. False if @lladdr is
 * not the current address: the caller takes the slow path.
 */
static inline bool nfpost_table_refresh_binding(struct nfpost_table *t,
						struct nfpost_binding *b,
						const u8 *lladdr, u64 mono)
{
	unsigned int seq;
	bool same;

	do {
		seq = read_seqcount_begin(&b->seq);
		same = ether_addr_equal(b->hist.slot[0].addr, lladdr);
	} while (read_seqcount_retry(&b->seq, seq));
	if (!same)
		return false;
	if (READ_ONCE(b->hist.slot[0].last_seen) != mono)
		WRITE_ONCE(b->hist.slot[0].last_seen, mono);
	atomic64_inc(&b->packets);
	if (mono - READ_ONCE(b->lru_stamp) >= NFPOST_TABLE_LRU_NS &&
	    !(READ_ONCE(b->flags) & NFPW_BF_STATIC))
		nfpost_table_lru_touch(t, b, mono);
	return true;
}

/* Under rcu_read_lock(): refreshes a known station seen with its address. */
static inline bool nfpost_table_refresh(struct nfpost_table *t, int ifindex,
					__be32 addr, const u8 *lladdr, u64 mono)
{
	struct nfpost_binding *b = nfpost_table_lookup(t, ifindex, addr);

	return b && nfpost_table_refresh_binding(t, b, lladdr, mono);
}

int nfpost_table_init(struct nfpost_table *t, bool capped);
void nfpost_table_destroy(struct nfpost_table *t);
/* Under rcu_read_lock(), as netfilter hooks run. */
void nfpost_table_observe(struct nfpost_table *t,
			  const struct nfpost_sighting *s,
			  struct nfpost_sighting_res *res);
/* Whether any binding is static: if not, no packet needs the lookup. */
static inline bool nfpost_table_enforces(const struct nfpost_table *t)
{
	return READ_ONCE(t->nstatic);
}

/* Under rcu_read_lock(), as netfilter hooks run. */
bool nfpost_table_contradicts(struct nfpost_table *t, int ifindex,
			      __be32 addr, const u8 *lladdr, u8 *bound);
int nfpost_table_add_static(struct nfpost_table *t,
			    const struct nfpost_sighting *s, u32 *evicted);
int nfpost_table_del_static(struct nfpost_table *t, int ifindex, __be32 addr);
u32 nfpost_table_flush(struct nfpost_table *t, int ifindex, __be32 addr,
		       bool statics);
u32 nfpost_table_shrink(struct nfpost_table *t, u32 max);
u32 nfpost_table_count(struct nfpost_table *t);

/* Module-wide: see watch_table.c. */
extern unsigned int nfpost_table_userns_max;
long nfpost_table_live(void);

typedef int (*nfpost_table_fn)(const struct nfpost_binding *b, void *arg);
int nfpost_table_walk(struct nfpost_table *t, long *pos, int ifindex,
		      nfpost_table_fn fn, void *arg);

#endif /* NFPOST_WATCH_TABLE_H */
