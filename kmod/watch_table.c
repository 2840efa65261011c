// SPDX-License-Identifier: GPL-2.0
/*
 * Binding table. Packets read it under RCU to enforce static bindings and
 * to refresh a known station (see struct nfpost_binding), and change it under
 * the table's spinlock; entries are freed after a grace period.
 */
#include <linux/etherdevice.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/nfpost_watch.h>

#include "watch_table.h"

/* Evicted per hold of the lock when the cap is lowered, in process context. */
#define SHRINK_BATCH	256

/*
 * Bindings of namespaces whose user namespace is not the initial one, added
 * up across all of them: what unprivileged users can make the kernel hold.
 */
unsigned int nfpost_table_userns_max __read_mostly = 65536;
module_param_named(userns_max_bindings, nfpost_table_userns_max, uint, 0644);
MODULE_PARM_DESC(userns_max_bindings,
		 "bindings, all namespaces of non-initial user namespaces together");
static atomic_t userns_bindings = ATOMIC_INIT(0);

/* Every binding object alive, for the leak check at module exit. */
static atomic_long_t live = ATOMIC_LONG_INIT(0);

long nfpost_table_live(void)
{
	return atomic_long_read(&live);
}

/*
 * Grown at 75% load by the rhashtable's worker, shrunk below 30%: chains
 * stay short whatever the cap, and an empty namespace holds a few buckets.
 */
const struct rhashtable_params nfpost_table_params = {
	.head_offset = offsetof(struct nfpost_binding, hnode),
	.key_offset = offsetof(struct nfpost_binding, key),
	.key_len = sizeof(struct nfpost_binding_key),
	.automatic_shrinking = true,
};

int nfpost_table_init(struct nfpost_table *t, bool capped)
{
	int ret;

	ret = rhashtable_init(&t->ht, &nfpost_table_params);
	if (ret)
		return ret;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->lru);
	INIT_LIST_HEAD(&t->statics);
	t->count = 0;
	t->nstatic = 0;
	t->capped = capped;
	return 0;
}

/* No reader is left: hooks are unregistered, the namespace is going away. */
void nfpost_table_destroy(struct nfpost_table *t)
{
	nfpost_table_flush(t, 0, 0, true);
	rhashtable_destroy(&t->ht);
}

static struct nfpost_binding *alloc_binding(struct nfpost_table *t, gfp_t gfp)
{
	struct nfpost_binding *b;

	if (t->capped &&
	    atomic_inc_return(&userns_bindings) > READ_ONCE(nfpost_table_userns_max)) {
		atomic_dec(&userns_bindings);
		return NULL;
	}
	b = kzalloc(sizeof(*b), gfp);
	if (!b) {
		if (t->capped)
			atomic_dec(&userns_bindings);
		return NULL;
	}
	atomic_long_inc(&live);
	return b;
}

static void free_binding_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct nfpost_binding, rcu));
	atomic_long_dec(&live);
}

/* Never linked: no reader saw it. */
static void free_binding(struct nfpost_table *t, struct nfpost_binding *b)
{
	if (!b)
		return;
	if (t->capped)
		atomic_dec(&userns_bindings);
	kfree(b);
	atomic_long_dec(&live);
}

static void unlink(struct nfpost_table *t, struct nfpost_binding *b)
{
	lockdep_assert_held(&t->lock);
	b->unlinked = true;
	/* Cannot fail: @b is in the table, and only the lock holder removes. */
	WARN_ON_ONCE(rhashtable_remove_fast(&t->ht, &b->hnode,
					    nfpost_table_params));
	list_del(&b->lru);
	t->count--;
	if (b->flags & NFPW_BF_STATIC)
		WRITE_ONCE(t->nstatic, t->nstatic - 1);
	if (t->capped)
		atomic_dec(&userns_bindings);
	call_rcu(&b->rcu, free_binding_rcu);
}

/*
 * Evicts least recently seen learned entries, at most @budget, until one
 * more fits under @max. Returns whether it fits; adds each eviction to
 * @evicted. Static entries are not on the LRU: nothing to skip.
 */
static bool make_room(struct nfpost_table *t, u32 max, u32 budget,
		      u32 *evicted)
{
	struct nfpost_binding *b;

	while (t->count >= max && budget-- && !list_empty(&t->lru)) {
		b = list_first_entry(&t->lru, struct nfpost_binding, lru);
		unlink(t, b);
		(*evicted)++;
	}
	return t->count < max;
}

/*
 * Fills and links @b, allocated by the caller, for sighting @s; -errno (no
 * memory for the rhashtable's bucket array) leaves @b to the caller.
 */
static int link_binding(struct nfpost_table *t, struct nfpost_binding *b,
			const struct nfpost_sighting *s, u32 flags)
{
	int ret;

	lockdep_assert_held(&t->lock);
	b->key.ifindex = s->ifindex;
	b->key.addr = s->addr;
	b->flags = flags;
	b->first_seen = ktime_get_coarse_real_ns();
	b->lru_stamp = s->mono;
	seqcount_init(&b->seq);
	nfpost_lladdr_record(&b->hist, s->lladdr, s->mono);
	atomic64_set(&b->packets, flags & NFPW_BF_STATIC ? 0 : 1);
	ret = rhashtable_insert_fast(&t->ht, &b->hnode, nfpost_table_params);
	if (ret)
		return ret;
	if (flags & NFPW_BF_STATIC) {
		list_add_tail(&b->lru, &t->statics);
		WRITE_ONCE(t->nstatic, t->nstatic + 1);
	} else {
		list_add_tail(&b->lru, &t->lru);
	}
	t->count++;
	return 0;
}

static void update(struct nfpost_table *t, struct nfpost_binding *b,
		   const struct nfpost_sighting *s,
		   struct nfpost_sighting_res *res)
{
	res->verdict = nfpost_lladdr_classify(&b->hist, s->lladdr, s->mono,
					      s->flipflop_ns);
	/*
	 * A static entry's address changes only through netlink; a packet
	 * contradicting it (seen on output, where nothing is enforced) is
	 * neither learned nor reported as a change.
	 */
	if (res->verdict != NFPOST_LL_SAME && (b->flags & NFPW_BF_STATIC)) {
		res->verdict = NFPOST_LL_SAME;
		return;
	}
	if (res->verdict != NFPOST_LL_SAME) {
		memcpy(res->prev, b->hist.slot[0].addr, ETH_ALEN);
		b->changes++;
	}
	write_seqcount_begin(&b->seq);
	nfpost_lladdr_record(&b->hist, s->lladdr, s->mono);
	write_seqcount_end(&b->seq);
	atomic64_inc(&b->packets);
	if (!(b->flags & NFPW_BF_STATIC)) {
		b->lru_stamp = s->mono;
		list_move_tail(&b->lru, &t->lru);
	}
}

/*
 * Out of line: at most once a second per learned binding. @b was found
 * under RCU: it may have been removed, or turned static, since.
 */
void nfpost_table_lru_touch(struct nfpost_table *t, struct nfpost_binding *b,
			    u64 mono)
{
	spin_lock_bh(&t->lock);
	if (!b->unlinked && !(b->flags & NFPW_BF_STATIC)) {
		b->lru_stamp = mono;
		list_move_tail(&b->lru, &t->lru);
	}
	spin_unlock_bh(&t->lock);
}

/*
 * Not learned (res->learned false) when the table is full of static
 * entries, when more than NFPOST_TABLE_EVICT_BUDGET would have to go first
 * (the cap was just lowered: SET_CONFIG shrinks the rest), when the global
 * cap on unprivileged namespaces is reached, or when memory is short.
 */
void nfpost_table_observe(struct nfpost_table *t,
			  const struct nfpost_sighting *s,
			  struct nfpost_sighting_res *res)
{
	struct nfpost_binding *b;

	res->learned = true;
	res->evicted = 0;
	res->verdict = NFPOST_LL_SAME;
	b = nfpost_table_lookup(t, s->ifindex, s->addr);
	if (b && nfpost_table_refresh_binding(t, b, s->lladdr, s->mono))
		return;
	res->learned = false;
	spin_lock_bh(&t->lock);
	b = nfpost_table_lookup(t, s->ifindex, s->addr);
	if (b) {
		res->learned = true;
		update(t, b, s, res);
	} else if (make_room(t, s->max, NFPOST_TABLE_EVICT_BUDGET,
			     &res->evicted)) {
		b = alloc_binding(t, GFP_ATOMIC);
		if (b && !link_binding(t, b, s, 0)) {
			res->learned = true;
			res->verdict = NFPOST_LL_NEW;
		} else {
			free_binding(t, b);
		}
	}
	spin_unlock_bh(&t->lock);
}

/*
 * True if a static binding holds @addr with another address, put in @bound.
 * Under rcu_read_lock(), as netfilter hooks run. The flag is set after the
 * address is written (release/acquire): a binding seen static has its bound
 * address, and an address changed in place is read whole under @seq.
 */
bool nfpost_table_contradicts(struct nfpost_table *t, int ifindex,
			      __be32 addr, const u8 *lladdr, u8 *bound)
{
	struct nfpost_binding *b = nfpost_table_lookup(t, ifindex, addr);
	unsigned int seq;

	/* Pairs with make_static(): seen static, its bound address is seen. */
	if (!b || !(smp_load_acquire(&b->flags) & NFPW_BF_STATIC))
		return false;
	do {
		seq = read_seqcount_begin(&b->seq);
		memcpy(bound, b->hist.slot[0].addr, ETH_ALEN);
	} while (read_seqcount_retry(&b->seq, seq));
	return !ether_addr_equal(bound, lladdr);
}

/* Turns @b static in place, with the address of @s. */
static void make_static(struct nfpost_table *t, struct nfpost_binding *b,
			const struct nfpost_sighting *s)
{
	lockdep_assert_held(&t->lock);
	if (!ether_addr_equal(b->hist.slot[0].addr, s->lladdr)) {
		b->changes++;
		write_seqcount_begin(&b->seq);
		nfpost_lladdr_record(&b->hist, s->lladdr, s->mono);
		write_seqcount_end(&b->seq);
	}
	if (b->flags & NFPW_BF_STATIC)
		return;
	list_move_tail(&b->lru, &t->statics);
	WRITE_ONCE(t->nstatic, t->nstatic + 1);
	/* Pairs with contradicts(): the address is written before the flag. */
	smp_store_release(&b->flags, b->flags | NFPW_BF_STATIC);
}

/*
 * In process context: the entry is allocated, and charged to the caller's
 * memory cgroup, before the lock is taken; unused if the address is bound
 * already. Static (@flags NFPW_BF_STATIC): a binding already there turns
 * static with this address. Learned (a restored table): one already there
 * is left as it is, the packets that made it being newer than the file.
 */
int nfpost_table_add(struct nfpost_table *t, const struct nfpost_sighting *s,
		     u32 flags, u32 *evicted)
{
	struct nfpost_binding *b, *fresh;
	int ret = 0;

	*evicted = 0;
	fresh = alloc_binding(t, GFP_KERNEL_ACCOUNT);
	rcu_read_lock();
	spin_lock_bh(&t->lock);
	b = nfpost_table_lookup(t, s->ifindex, s->addr);
	if (b) {
		if (flags & NFPW_BF_STATIC)
			make_static(t, b, s);
	} else if (!fresh) {
		ret = -ENOMEM;
	} else if (!make_room(t, s->max, NFPOST_TABLE_EVICT_BUDGET, evicted)) {
		ret = -ENOSPC;
	} else {
		ret = link_binding(t, fresh, s, flags);
		if (!ret) {
			/* Not a packet: a restored binding has seen none yet. */
			atomic64_set(&fresh->packets, 0);
			fresh = NULL;
		}
	}
	spin_unlock_bh(&t->lock);
	rcu_read_unlock();
	free_binding(t, fresh);
	/* Refused by the global cap rather than by memory. */
	if (ret == -ENOMEM && t->capped &&
	    atomic_read(&userns_bindings) >= READ_ONCE(nfpost_table_userns_max))
		ret = -EDQUOT;
	return ret;
}

int nfpost_table_del_static(struct nfpost_table *t, int ifindex, __be32 addr)
{
	struct nfpost_binding *b;
	int ret = -ENOENT;

	rcu_read_lock();
	spin_lock_bh(&t->lock);
	b = nfpost_table_lookup(t, ifindex, addr);
	if (b && (b->flags & NFPW_BF_STATIC)) {
		unlink(t, b);
		ret = 0;
	}
	spin_unlock_bh(&t->lock);
	rcu_read_unlock();
	return ret;
}

static u32 flush_list(struct nfpost_table *t, struct list_head *list,
		      int ifindex, __be32 addr)
{
	struct nfpost_binding *b, *tmp;
	u32 n = 0;

	list_for_each_entry_safe(b, tmp, list, lru) {
		if ((ifindex && b->key.ifindex != ifindex) ||
		    (addr && b->key.addr != addr))
			continue;
		unlink(t, b);
		n++;
	}
	return n;
}

/*
 * Removes the learned entries (and static ones if @statics) of @ifindex and
 * @addr, 0 meaning any. Returns how many went. In process context.
 */
u32 nfpost_table_flush(struct nfpost_table *t, int ifindex, __be32 addr,
		       bool statics)
{
	u32 n;

	spin_lock_bh(&t->lock);
	n = flush_list(t, &t->lru, ifindex, addr);
	if (statics)
		n += flush_list(t, &t->statics, ifindex, addr);
	spin_unlock_bh(&t->lock);
	return n;
}

/*
 * Evicts learned entries, oldest first, until at most @max are left (or
 * only static ones), a batch per hold of the lock. In process context, when
 * the cap is lowered; returns how many were evicted.
 */
u32 nfpost_table_shrink(struct nfpost_table *t, u32 max)
{
	u32 n = 0, batch;
	bool more;

	do {
		batch = 0;
		spin_lock_bh(&t->lock);
		make_room(t, max + 1, SHRINK_BATCH, &batch);
		more = t->count > max && !list_empty(&t->lru);
		spin_unlock_bh(&t->lock);
		n += batch;
		cond_resched();
	} while (more);
	return n;
}

u32 nfpost_table_count(struct nfpost_table *t)
{
	return READ_ONCE(t->count);
}

/*
 * Buckets of the table lookups start in (during a resize, the one being
 * left). Resized by the rhashtable's worker: at 75% load it doubles, below
 * 30% it shrinks to fit, so once the worker has run a table of N bindings
 * has at least N buckets, and an empty one the minimum.
 */
u32 nfpost_table_buckets(struct nfpost_table *t)
{
	const struct bucket_table *tbl;
	u32 size;

	rcu_read_lock();
	tbl = rht_dereference_rcu(t->ht.tbl, &t->ht);
	size = tbl->size;
	rcu_read_unlock();
	return size;
}

/* Entries looked at per hold of the lock, expired or not. */
#define EXPIRE_SCAN	1024

/*
 * Removes up to @n learned bindings whose address was last seen @age ns or
 * more before @now (nfpost_watch_now()), oldest first, and copies each to
 * @out; *@more says whether another call may find more. The LRU is in
 * lru_stamp order and a sighting is never older than its stamp: the walk
 * stops at the first stamp younger than @age. An entry with an old stamp
 * but a recent sighting (its move to the tail is lazy) is passed over.
 * Signed differences: a packet may have read the clock after @now.
 */
u32 nfpost_table_expire(struct nfpost_table *t, u64 now, u64 age,
			struct nfpost_expired *out, u32 n, bool *more)
{
	struct nfpost_binding *b, *tmp;
	u32 i = 0, scan = EXPIRE_SCAN;

	*more = false;
	spin_lock_bh(&t->lock);
	list_for_each_entry_safe(b, tmp, &t->lru, lru) {
		if ((s64)(now - b->lru_stamp) < (s64)age)
			break;
		if (i == n || !scan--) {
			*more = true;
			break;
		}
		if ((s64)(now - READ_ONCE(b->hist.slot[0].last_seen)) < (s64)age)
			continue;
		out[i].ifindex = b->key.ifindex;
		out[i].addr = b->key.addr;
		memcpy(out[i].lladdr, b->hist.slot[0].addr, ETH_ALEN);
		unlink(t, b);
		i++;
	}
	spin_unlock_bh(&t->lock);
	return i;
}

void nfpost_table_walk_enter(struct nfpost_table *t,
			     struct rhashtable_iter *iter)
{
	rhashtable_walk_enter(&t->ht, iter);
}

void nfpost_table_walk_exit(struct rhashtable_iter *iter)
{
	rhashtable_walk_exit(iter);
}

/* The entry under the walk, or the next one after a resize. */
static struct nfpost_binding *walk_get(struct rhashtable_iter *iter,
				       bool advance)
{
	struct nfpost_binding *b;

	b = advance ? rhashtable_walk_next(iter) : rhashtable_walk_peek(iter);
	while (IS_ERR(b) && PTR_ERR(b) == -EAGAIN)
		b = rhashtable_walk_next(iter);
	return IS_ERR(b) ? NULL : b;
}

/*
 * Calls @fn on each entry (of @ifindex if non-zero), from the one the last
 * part stopped at, until @fn fails. The lock is held so that @fn sees a
 * consistent entry, and one that is still in the table.
 */
int nfpost_table_walk(struct nfpost_table *t, struct rhashtable_iter *iter,
		      int ifindex, nfpost_table_fn fn, void *arg)
{
	struct nfpost_binding *b;
	int ret = 0;

	rhashtable_walk_start(iter);
	spin_lock_bh(&t->lock);
	for (b = walk_get(iter, false); b; b = walk_get(iter, true)) {
		if (b->unlinked || (ifindex && b->key.ifindex != ifindex))
			continue;
		ret = fn(b, arg);
		if (ret)
			break;
	}
	spin_unlock_bh(&t->lock);
	rhashtable_walk_stop(iter);
	return ret;
}
