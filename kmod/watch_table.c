// SPDX-License-Identifier: GPL-2.0
/*
 * Binding table. Packets read it under RCU to enforce static bindings and
 * to refresh a known station (see struct nfpost_binding), and change it under
 * the table's spinlock; entries are freed after a grace period.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/nfpost_watch.h>

#include "watch_table.h"

#define NBUCKETS	NFPOST_TABLE_NBUCKETS
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

int nfpost_table_init(struct nfpost_table *t, bool capped)
{
	u32 i;

	t->buckets = kvmalloc_array(NBUCKETS, sizeof(*t->buckets), GFP_KERNEL);
	if (!t->buckets)
		return -ENOMEM;
	for (i = 0; i < NBUCKETS; i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->lru);
	INIT_LIST_HEAD(&t->statics);
	t->count = 0;
	t->nstatic = 0;
	t->seed = get_random_u32();
	t->capped = capped;
	return 0;
}

/* No reader is left: hooks are unregistered, the namespace is going away. */
void nfpost_table_destroy(struct nfpost_table *t)
{
	nfpost_table_flush(t, 0, 0, true);
	kvfree(t->buckets);
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
	hlist_del_rcu(&b->hnode);
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

/* Fills and links @b, allocated by the caller, for sighting @s. */
static void link_binding(struct nfpost_table *t, struct nfpost_binding *b,
			 const struct nfpost_sighting *s, u32 flags)
{
	lockdep_assert_held(&t->lock);
	b->ifindex = s->ifindex;
	b->addr = s->addr;
	b->flags = flags;
	b->first_seen = ktime_get_coarse_real_ns();
	b->lru_stamp = s->mono;
	seqcount_init(&b->seq);
	nfpost_lladdr_record(&b->hist, s->lladdr, s->mono);
	atomic64_set(&b->packets, flags & NFPW_BF_STATIC ? 0 : 1);
	if (flags & NFPW_BF_STATIC) {
		list_add_tail(&b->lru, &t->statics);
		WRITE_ONCE(t->nstatic, t->nstatic + 1);
	} else {
		list_add_tail(&b->lru, &t->lru);
	}
	t->count++;
	hlist_add_head_rcu(&b->hnode,
			   nfpost_table_bucket(t, s->ifindex, s->addr));
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
		if (b) {
			link_binding(t, b, s, 0);
			res->learned = true;
			res->verdict = NFPOST_LL_NEW;
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
 * already.
 */
int nfpost_table_add_static(struct nfpost_table *t,
			    const struct nfpost_sighting *s, u32 *evicted)
{
	struct nfpost_binding *b, *fresh;
	int ret = 0;

	*evicted = 0;
	fresh = alloc_binding(t, GFP_KERNEL_ACCOUNT);
	spin_lock_bh(&t->lock);
	b = nfpost_table_lookup(t, s->ifindex, s->addr);
	if (b) {
		make_static(t, b, s);
	} else if (!fresh) {
		ret = -ENOMEM;
	} else if (!make_room(t, s->max, NFPOST_TABLE_EVICT_BUDGET, evicted)) {
		ret = -ENOSPC;
	} else {
		link_binding(t, fresh, s, NFPW_BF_STATIC);
		fresh = NULL;
	}
	spin_unlock_bh(&t->lock);
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

	spin_lock_bh(&t->lock);
	b = nfpost_table_lookup(t, ifindex, addr);
	if (b && (b->flags & NFPW_BF_STATIC)) {
		unlink(t, b);
		ret = 0;
	}
	spin_unlock_bh(&t->lock);
	return ret;
}

static u32 flush_list(struct nfpost_table *t, struct list_head *list,
		      int ifindex, __be32 addr)
{
	struct nfpost_binding *b, *tmp;
	u32 n = 0;

	list_for_each_entry_safe(b, tmp, list, lru) {
		if ((ifindex && b->ifindex != ifindex) ||
		    (addr && b->addr != addr))
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
 * Calls @fn on each entry (of @ifindex if non-zero) from position pos[0]
 * (bucket) and pos[1] (index in it), stopping where @fn fails so a netlink
 * dump resumes there. The lock is held so @fn sees a consistent entry.
 */
int nfpost_table_walk(struct nfpost_table *t, long *pos, int ifindex,
		      nfpost_table_fn fn, void *arg)
{
	struct nfpost_binding *b;
	long i;
	int ret = 0;

	spin_lock_bh(&t->lock);
	for (; pos[0] < NBUCKETS; pos[0]++, pos[1] = 0) {
		i = 0;
		hlist_for_each_entry(b, &t->buckets[pos[0]], hnode) {
			if (i++ < pos[1])
				continue;
			if (ifindex && b->ifindex != ifindex) {
				pos[1]++;
				continue;
			}
			ret = fn(b, arg);
			if (ret)
				goto out;
			pos[1]++;
		}
	}
out:
	spin_unlock_bh(&t->lock);
	return ret;
}
