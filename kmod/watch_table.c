// SPDX-License-Identifier: GPL-2.0
/*
 * Binding table. Packets read it under RCU to enforce static bindings and
 * to refresh a known station (see struct nfpost_binding), and change it under
 * the table's spinlock; entries are freed with kfree_rcu.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/nfpost_watch.h>

#include "watch_table.h"

#define NBUCKETS	NFPOST_TABLE_NBUCKETS

int nfpost_table_init(struct nfpost_table *t)
{
	u32 i;

	t->buckets = kvmalloc_array(NBUCKETS, sizeof(*t->buckets), GFP_KERNEL);
	if (!t->buckets)
		return -ENOMEM;
	for (i = 0; i < NBUCKETS; i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->lru);
	t->count = 0;
	t->nstatic = 0;
	t->seed = get_random_u32();
	return 0;
}

/* No reader is left: hooks are unregistered, the namespace is going away. */
void nfpost_table_destroy(struct nfpost_table *t)
{
	nfpost_table_flush(t, 0, true);
	kvfree(t->buckets);
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
	kfree_rcu(b, rcu);
}

/* Evicts least recently seen learned entries until one more fits. */
static bool make_room(struct nfpost_table *t, u32 max, bool *evicted)
{
	struct nfpost_binding *b, *tmp;

	list_for_each_entry_safe(b, tmp, &t->lru, lru) {
		if (t->count < max)
			break;
		if (b->flags & NFPW_BF_STATIC)
			continue;
		unlink(t, b);
		*evicted = true;
	}
	return t->count < max;
}

static struct nfpost_binding *create(struct nfpost_table *t,
				     const struct nfpost_sighting *s)
{
	struct nfpost_binding *b = kzalloc(sizeof(*b), GFP_ATOMIC);

	if (!b)
		return NULL;
	b->ifindex = s->ifindex;
	b->addr = s->addr;
	b->first_seen = ktime_get_coarse_real_ns();
	b->lru_stamp = s->mono;
	seqcount_init(&b->seq);
	nfpost_lladdr_record(&b->hist, s->lladdr, s->mono);
	hlist_add_head_rcu(&b->hnode,
			   nfpost_table_bucket(t, s->ifindex, s->addr));
	list_add_tail(&b->lru, &t->lru);
	t->count++;
	return b;
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
	b->lru_stamp = s->mono;
	list_move_tail(&b->lru, &t->lru);
}

/* Out of line: at most once a second per binding. */
void nfpost_table_lru_touch(struct nfpost_table *t, struct nfpost_binding *b,
			    u64 mono)
{
	spin_lock_bh(&t->lock);
	if (!b->unlinked) {
		b->lru_stamp = mono;
		list_move_tail(&b->lru, &t->lru);
	}
	spin_unlock_bh(&t->lock);
}

void nfpost_table_observe(struct nfpost_table *t,
			  const struct nfpost_sighting *s,
			  struct nfpost_sighting_res *res)
{
	struct nfpost_binding *b;

	res->learned = true;
	res->evicted = false;
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
	} else if (make_room(t, s->max, &res->evicted)) {
		b = create(t, s);
		if (b)
			atomic64_set(&b->packets, 1);
		res->learned = b;
		res->verdict = NFPOST_LL_NEW;
	}
	spin_unlock_bh(&t->lock);
}

/*
 * True if a static binding holds @addr with another address, put in @bound.
 * Under rcu_read_lock(), as netfilter hooks run.
 */
bool nfpost_table_contradicts(struct nfpost_table *t, int ifindex,
			      __be32 addr, const u8 *lladdr, u8 *bound)
{
	struct nfpost_binding *b = nfpost_table_lookup(t, ifindex, addr);

	if (!b || !(b->flags & NFPW_BF_STATIC) ||
	    ether_addr_equal(b->hist.slot[0].addr, lladdr))
		return false;
	memcpy(bound, b->hist.slot[0].addr, ETH_ALEN);
	return true;
}

/* Replaces @old by a static copy, so RCU readers never see it half-made. */
static int make_static(struct nfpost_table *t, struct nfpost_binding *old,
		       const struct nfpost_sighting *s)
{
	struct nfpost_binding *b = kmemdup(old, sizeof(*old), GFP_ATOMIC);

	if (!b)
		return -ENOMEM;
	if (!(b->flags & NFPW_BF_STATIC))
		WRITE_ONCE(t->nstatic, t->nstatic + 1);
	b->flags |= NFPW_BF_STATIC;
	seqcount_init(&b->seq);
	if (!ether_addr_equal(b->hist.slot[0].addr, s->lladdr)) {
		b->changes++;
		nfpost_lladdr_record(&b->hist, s->lladdr, s->mono);
	}
	hlist_replace_rcu(&old->hnode, &b->hnode);
	list_replace(&old->lru, &b->lru);
	kfree_rcu(old, rcu);
	return 0;
}

int nfpost_table_add_static(struct nfpost_table *t,
			    const struct nfpost_sighting *s, bool *evicted)
{
	struct nfpost_binding *b;
	int ret = 0;

	*evicted = false;
	spin_lock_bh(&t->lock);
	b = nfpost_table_lookup(t, s->ifindex, s->addr);
	if (b) {
		ret = make_static(t, b, s);
	} else if (!make_room(t, s->max, evicted)) {
		ret = -ENOSPC;
	} else {
		b = create(t, s);
		if (!b) {
			ret = -ENOMEM;
		} else {
			b->flags = NFPW_BF_STATIC;
			WRITE_ONCE(t->nstatic, t->nstatic + 1);
		}
	}
	spin_unlock_bh(&t->lock);
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

/* Removes the learned entries (and static ones if @statics) of @ifindex, 0: all. */
void nfpost_table_flush(struct nfpost_table *t, int ifindex, bool statics)
{
	struct nfpost_binding *b, *tmp;

	spin_lock_bh(&t->lock);
	list_for_each_entry_safe(b, tmp, &t->lru, lru) {
		if (ifindex && b->ifindex != ifindex)
			continue;
		if (!statics && (b->flags & NFPW_BF_STATIC))
			continue;
		unlink(t, b);
	}
	spin_unlock_bh(&t->lock);
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
