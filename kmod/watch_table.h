/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The binding table: (interface, IPv4 address) -> link-layer address, with
 * its history, counters and static flag. Read under RCU, written under the
 * table's lock, bounded with least-recently-seen eviction of learned entries.
 * An rhashtable: its buckets grow and shrink with the count, so a lookup
 * costs the same at 16 bindings as at the 1,048,576 of the highest cap.
 */
#ifndef NFPOST_WATCH_TABLE_H
#define NFPOST_WATCH_TABLE_H

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/nfpost_watch.h>

#include "lladdr.h"

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
struct nfpost_binding_key {
	int ifindex;
	__be32 addr;
};

struct nfpost_binding {
	struct rhash_head hnode;	/* RCU readers */
	/* Under the lock: t->lru (least recent first) if learned, else t->statics. */
	struct list_head lru;
	struct rcu_head rcu;
	struct nfpost_binding_key key;
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
	struct rhashtable ht;
	struct list_head lru;		/* learned bindings, eviction order */
	struct list_head statics;	/* static bindings: never evicted */
	u32 count;
	u32 nstatic;			/* of count; 0: nothing to enforce */
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

extern const struct rhashtable_params nfpost_table_params;

/* Under rcu_read_lock() (writers hold it with the table's lock). */
static inline struct nfpost_binding *
nfpost_table_lookup(struct nfpost_table *t, int ifindex, __be32 addr)
{
	struct nfpost_binding_key key = { .ifindex = ifindex, .addr = addr };

	return rhashtable_lookup(&t->ht, &key, nfpost_table_params);
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
int nfpost_table_add(struct nfpost_table *t, const struct nfpost_sighting *s,
		     u32 flags, u32 *evicted);
int nfpost_table_del_static(struct nfpost_table *t, int ifindex, __be32 addr);
u32 nfpost_table_flush(struct nfpost_table *t, int ifindex, __be32 addr,
		       bool statics);
u32 nfpost_table_shrink(struct nfpost_table *t, u32 max);
u32 nfpost_table_count(struct nfpost_table *t);
u32 nfpost_table_buckets(struct nfpost_table *t);

/* A binding that expired, as its event reports it. */
struct nfpost_expired {
	int ifindex;
	__be32 addr;
	u8 lladdr[ETH_ALEN];
};

u32 nfpost_table_expire(struct nfpost_table *t, u64 now, u64 age,
			struct nfpost_expired *out, u32 n, bool *more);

/* Module-wide: see watch_table.c. */
extern unsigned int nfpost_table_userns_max;
long nfpost_table_live(void);

/*
 * A dump: entered once, walked in parts (each stops where @fn fails, and
 * the next part starts with that entry), exited once. Linear in the table's
 * size; a resize while it runs may show an entry twice, never lose one
 * that stayed in the table.
 */
typedef int (*nfpost_table_fn)(const struct nfpost_binding *b, void *arg);
void nfpost_table_walk_enter(struct nfpost_table *t,
			     struct rhashtable_iter *iter);
int nfpost_table_walk(struct nfpost_table *t, struct rhashtable_iter *iter,
		      int ifindex, nfpost_table_fn fn, void *arg);
void nfpost_table_walk_exit(struct rhashtable_iter *iter);

#endif /* NFPOST_WATCH_TABLE_H */
