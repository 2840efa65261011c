// SPDX-License-Identifier: GPL-2.0
/*
 * The flow and client tables: hashed on the addresses and ports, with an
 * LRU list each for eviction when full. Flows come from a slab cache.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "smtp_flow.h"

static struct kmem_cache *flow_cache;
static int cache_users;
static DEFINE_MUTEX(cache_lock);

static int cache_get(void)
{
	int ret = 0;

	mutex_lock(&cache_lock);
	if (!cache_users) {
		flow_cache = KMEM_CACHE(nfps_flow, 0);
		if (!flow_cache)
			ret = -ENOMEM;
	}
	if (!ret)
		cache_users++;
	mutex_unlock(&cache_lock);
	return ret;
}

static void cache_put(void)
{
	mutex_lock(&cache_lock);
	if (!--cache_users) {
		kmem_cache_destroy(flow_cache);
		flow_cache = NULL;
	}
	mutex_unlock(&cache_lock);
}

int nfps_tables_init(struct nfps_tables *t)
{
	int ret;

	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->flow_lru);
	INIT_LIST_HEAD(&t->host_lru);
	t->nflows = 0;
	t->nhosts = 0;
	t->seed = get_random_u32();
	ret = cache_get();
	if (ret)
		goto err_cache;
	ret = -ENOMEM;
	t->flows = kvcalloc(1 << NFPS_FLOW_BITS, sizeof(*t->flows), GFP_KERNEL);
	if (!t->flows)
		goto err_flows;
	t->hosts = kvcalloc(1 << NFPS_HOST_BITS, sizeof(*t->hosts), GFP_KERNEL);
	if (!t->hosts)
		goto err_hosts;
	return 0;

err_hosts:
	kvfree(t->flows);
err_flows:
	cache_put();
err_cache:
	return ret;
}

void nfps_tables_destroy(struct nfps_tables *t)
{
	struct nfps_flow *f, *fn;
	struct nfps_host *h, *hn;

	spin_lock_bh(&t->lock);
	list_for_each_entry_safe(f, fn, &t->flow_lru, lru)
		nfps_flow_free(t, f);
	list_for_each_entry_safe(h, hn, &t->host_lru, lru)
		nfps_host_free(t, h);
	spin_unlock_bh(&t->lock);
	kvfree(t->hosts);
	kvfree(t->flows);
	cache_put();
}

static u32 flow_hash(const struct nfps_tables *t, const struct nfps_key *k)
{
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), t->seed) &
	       ((1 << NFPS_FLOW_BITS) - 1);
}

static u32 host_hash(const struct nfps_tables *t, const struct nfps_addr *a)
{
	return jhash2((const u32 *)a, sizeof(*a) / sizeof(u32), t->seed) &
	       ((1 << NFPS_HOST_BITS) - 1);
}

struct nfps_flow *nfps_flow_find(struct nfps_tables *t,
				 const struct nfps_key *k)
{
	struct nfps_flow *f;

	lockdep_assert_held(&t->lock);
	hlist_for_each_entry(f, &t->flows[flow_hash(t, k)], hnode)
		if (!memcmp(&f->key, k, sizeof(*k)))
			return f;
	return NULL;
}

struct nfps_flow *nfps_flow_new(struct nfps_tables *t,
				const struct nfps_key *k, u32 max,
				bool *evicted)
{
	struct nfps_flow *f;

	lockdep_assert_held(&t->lock);
	*evicted = false;
	if (t->nflows >= max && !list_empty(&t->flow_lru)) {
		nfps_flow_free(t, list_first_entry(&t->flow_lru,
						   struct nfps_flow, lru));
		*evicted = true;
	}
	f = kmem_cache_zalloc(flow_cache, GFP_ATOMIC);
	if (!f)
		return NULL;
	f->key = *k;
	smtpg_init(&f->rd);
	hlist_add_head(&f->hnode, &t->flows[flow_hash(t, k)]);
	list_add_tail(&f->lru, &t->flow_lru);
	t->nflows++;
	return f;
}

void nfps_flow_free(struct nfps_tables *t, struct nfps_flow *f)
{
	struct nfps_host *h;

	lockdep_assert_held(&t->lock);
	h = nfps_host_find(t, &f->key.caddr);
	if (h && h->conns && !f->dead)	/* a dead flow was uncounted */
		h->conns--;
	hlist_del(&f->hnode);
	list_del(&f->lru);
	kfree(f->dir[0].rb);
	kfree(f->dir[1].rb);
	kmem_cache_free(flow_cache, f);
	t->nflows--;
}

void nfps_flow_touch(struct nfps_tables *t, struct nfps_flow *f)
{
	list_move_tail(&f->lru, &t->flow_lru);
}

struct nfps_host *nfps_host_find(struct nfps_tables *t,
				 const struct nfps_addr *a)
{
	struct nfps_host *h;

	lockdep_assert_held(&t->lock);
	hlist_for_each_entry(h, &t->hosts[host_hash(t, a)], hnode)
		if (ipv6_addr_equal(&h->addr.a, &a->a))
			return h;
	return NULL;
}

struct nfps_host *nfps_host_get(struct nfps_tables *t,
				const struct nfps_addr *a, u32 max,
				bool *evicted)
{
	struct nfps_host *h = nfps_host_find(t, a);

	*evicted = false;
	if (h) {
		list_move_tail(&h->lru, &t->host_lru);
		return h;
	}
	if (t->nhosts >= max && !list_empty(&t->host_lru)) {
		nfps_host_free(t, list_first_entry(&t->host_lru,
						   struct nfps_host, lru));
		*evicted = true;
	}
	h = kzalloc(sizeof(*h), GFP_ATOMIC);
	if (!h)
		return NULL;
	h->addr = *a;
	hlist_add_head(&h->hnode, &t->hosts[host_hash(t, a)]);
	list_add_tail(&h->lru, &t->host_lru);
	t->nhosts++;
	return h;
}

void nfps_host_free(struct nfps_tables *t, struct nfps_host *h)
{
	lockdep_assert_held(&t->lock);
	hlist_del(&h->hnode);
	list_del(&h->lru);
	kfree(h);
	t->nhosts--;
}

/* *@pos counts entries already visited, in LRU order. */
int nfps_flows_walk(struct nfps_tables *t, long *pos,
		    int (*fn)(const struct nfps_flow *f, void *arg), void *arg)
{
	struct nfps_flow *f;
	long i = 0;
	int ret = 0;

	spin_lock_bh(&t->lock);
	list_for_each_entry(f, &t->flow_lru, lru) {
		if (i++ < *pos)
			continue;
		ret = fn(f, arg);
		if (ret)
			break;
		(*pos)++;
	}
	spin_unlock_bh(&t->lock);
	return ret;
}

int nfps_hosts_walk(struct nfps_tables *t, long *pos,
		    int (*fn)(const struct nfps_host *h, void *arg), void *arg)
{
	struct nfps_host *h;
	long i = 0;
	int ret = 0;

	spin_lock_bh(&t->lock);
	list_for_each_entry(h, &t->host_lru, lru) {
		if (i++ < *pos)
			continue;
		ret = fn(h, arg);
		if (ret)
			break;
		(*pos)++;
	}
	spin_unlock_bh(&t->lock);
	return ret;
}
