// SPDX-License-Identifier: GPL-2.0
/*
 * The group table of a bridge. Each (port, group) entry carries an immutable
 * snapshot of its filter state (mode, group timer, sources with timers):
 * a report builds the next state in br->scratch with kmod/proto/mcstate.c
 * and publishes it whole, so a packet never sees half an update. Timers are
 * read lazily by the packet path; the GC timer only frees what ran out.
 */
#include <linux/jhash.h>
#include <linux/slab.h>

#include "mcast_event.h"
#include "mcast_querier.h"
#include "mcast_table.h"

static struct hlist_head *bucket(struct mc_br *br,
				 const struct nfpost_mc_addr *a)
{
	u32 w[4];

	/* one final mix of jhash: the packet path hashes every copy */
	memcpy(w, a->b, sizeof(w));
	return &br->groups[hash_32(jhash_3words(w[0] ^ w[1], w[2], w[3], 0),
				   MC_HASH_BITS)];
}

static struct mc_grp *grp_find(struct mc_br *br,
			       const struct nfpost_mc_addr *a)
{
	struct mc_grp *g;

	hlist_for_each_entry_rcu(g, bucket(br, a), node,
				 lockdep_is_held(&br->lock))
		if (nfpost_mc_addr_eq(&g->addr, a))
			return g;
	return NULL;
}

static struct mc_pg *pg_find(struct mc_br *br, struct mc_grp *g, int ifindex)
{
	struct mc_pg *pg;

	hlist_for_each_entry_rcu(pg, &g->pgs, node, lockdep_is_held(&br->lock))
		if (pg->port->ifindex == ifindex)
			return pg;
	return NULL;
}

struct mc_port *mc_port_find(struct mc_br *br, int ifindex)
{
	struct mc_port *p;

	list_for_each_entry_rcu(p, &br->ports, list, lockdep_is_held(&br->lock))
		if (p->ifindex == ifindex)
			return p;
	return NULL;
}

bool mc_port_is_router(const struct mc_port *p, u64 now)
{
	switch (READ_ONCE(p->router)) {
	case NFPM_ROUTER_PERMANENT:
		return true;
	case NFPM_ROUTER_LEARNED:
	case NFPM_ROUTER_TEMPORARY:
		return READ_ONCE(p->router_exp) > now;
	}
	return false;
}

enum mc_verdict mc_lookup(struct mc_br *br, int ifindex,
			  const struct nfpost_mc_addr *group,
			  const struct nfpost_mc_addr *src, u64 now)
{
	const struct mc_snap *s;
	struct mc_grp *g = grp_find(br, group);
	struct mc_pg *pg;

	if (!g)
		return MC_UNREGISTERED;
	pg = pg_find(br, g, ifindex);
	if (!pg)
		return MC_UNWANTED;
	s = rcu_dereference(pg->snap);
	return nfpost_mc_forwards(s->mode, s->gexp, s->src, s->n, src, now) ?
	       MC_WANTED : MC_UNWANTED;
}

/* Ports are made on first use, with the defaults of a bridge port. */
struct mc_port *mc_port_get(struct mc_br *br, int ifindex)
{
	struct mc_port *p = mc_port_find(br, ifindex);

	lockdep_assert_held(&br->lock);
	if (p)
		return p;
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return NULL;
	p->ifindex = ifindex;
	p->router = NFPM_ROUTER_LEARNED;
	list_add_tail_rcu(&p->list, &br->ports);
	return p;
}

void mc_gc_arm(struct mc_br *br, u64 when)
{
	lockdep_assert_held(&br->lock);
	/* U64_MAX: a permanent entry's timers, which never run out. */
	if (when && when != U64_MAX && !br->dying)
		timer_reduce(&br->gc, (unsigned long)when);
}

static void load(struct mc_br *br, const struct mc_pg *pg)
{
	const struct mc_snap *s;
	struct nfpost_mc_state *st = &br->scratch;

	if (!pg) {
		st->mode = NFPOST_MC_INCLUDE;
		st->n = 0;
		st->gexp = 0;
		return;
	}
	s = rcu_dereference_protected(pg->snap, lockdep_is_held(&br->lock));
	st->mode = s->mode;
	st->n = s->n;
	st->gexp = s->gexp;
	memcpy(st->src, s->src, flex_array_size(s, src, s->n));
}

static struct mc_snap *snap_of(const struct nfpost_mc_state *st)
{
	struct mc_snap *s = kmalloc(struct_size(s, src, st->n), GFP_ATOMIC);

	if (!s)
		return NULL;
	s->mode = st->mode;
	s->n = st->n;
	s->gexp = st->gexp;
	memcpy(s->src, st->src, flex_array_size(s, src, st->n));
	return s;
}

static int publish(struct mc_br *br, struct mc_pg *pg)
{
	struct mc_snap *s = snap_of(&br->scratch), *old;

	if (!s)
		return -ENOMEM;
	old = rcu_replace_pointer(pg->snap, s, lockdep_is_held(&br->lock));
	kfree_rcu(old, rcu);
	return 0;
}

static void pg_free_rcu(struct rcu_head *head)
{
	struct mc_pg *pg = container_of(head, struct mc_pg, rcu);

	kfree(rcu_dereference_raw(pg->snap));
	kfree(pg);
}

static void pg_del(struct mc_br *br, struct mc_pg *pg, int event)
{
	struct mc_grp *g = pg->grp;

	if (event)
		mc_event(br, event, pg->port, &g->addr, NULL);
	hlist_del_rcu(&pg->node);
	list_del(&pg->lru);
	pg->port->n_pg--;
	br->n_pg--;
	call_rcu(&pg->rcu, pg_free_rcu);
	if (hlist_empty(&g->pgs)) {
		hlist_del_rcu(&g->node);
		kfree_rcu(g, rcu);
	}
}

/* The least recently refreshed entry that may go (of @port, if given). */
static bool evict(struct mc_br *br, struct mc_port *port)
{
	struct mc_pg *pg;

	list_for_each_entry(pg, &br->lru, lru) {
		if (pg->flags & NFPM_F_PERMANENT)
			continue;
		if (port && pg->port != port)
			continue;
		pg_del(br, pg, NFPM_EV_EVICTION);
		mc_count(br, NFPM_A_STAT_EVICTED);
		return true;
	}
	return false;
}

/* A new entry holding br->scratch; the caps make room first, or refuse. */
static struct mc_pg *pg_new(struct mc_br *br, struct mc_port *port,
			    const struct nfpost_mc_addr *group)
{
	struct mc_grp *g;
	struct mc_pg *pg;

	if (port->max_groups && port->n_pg >= port->max_groups &&
	    !evict(br, port))
		return ERR_PTR(-ENOSPC);
	if (br->n_pg >= MC_CFG(br, max_groups) && !evict(br, NULL))
		return ERR_PTR(-ENOSPC);
	pg = kzalloc(sizeof(*pg), GFP_ATOMIC);
	if (!pg)
		return ERR_PTR(-ENOMEM);
	RCU_INIT_POINTER(pg->snap, snap_of(&br->scratch));
	if (!rcu_access_pointer(pg->snap))
		goto err_snap;
	g = grp_find(br, group);
	if (!g) {
		g = kzalloc(sizeof(*g), GFP_ATOMIC);
		if (!g)
			goto err_grp;
		g->addr = *group;
		hlist_add_head_rcu(&g->node, bucket(br, group));
	}
	pg->grp = g;
	pg->port = port;
	list_add_tail(&pg->lru, &br->lru);
	port->n_pg++;
	br->n_pg++;
	hlist_add_head_rcu(&pg->node, &g->pgs);
	mc_event(br, NFPM_EV_JOIN, port, group, NULL);
	return pg;

err_grp:
	kfree(rcu_dereference_raw(pg->snap));
err_snap:
	kfree(pg);
	return ERR_PTR(-ENOMEM);
}

static struct mc_pg *find(struct mc_br *br, struct mc_port *port,
			  const struct nfpost_mc_addr *group)
{
	struct mc_grp *g = grp_find(br, group);

	return g ? pg_find(br, g, port->ifindex) : NULL;
}

/* Publishes br->scratch into @pg, or a new entry; refreshes its age. */
static int store(struct mc_br *br, struct mc_port *port, struct mc_pg *pg,
		 const struct nfpost_mc_addr *group)
{
	int ret = 0;

	if (pg)
		ret = publish(br, pg);
	else
		pg = pg_new(br, port, group);
	if (IS_ERR(pg))
		return PTR_ERR(pg);
	if (ret)
		return ret;
	list_move_tail(&pg->lru, &br->lru);
	mc_gc_arm(br, nfpost_mc_next_expiry(&br->scratch, mc_now()));
	return 0;
}

static void times(struct mc_br *br, struct nfpost_mc_times *t)
{
	t->now = mc_now();
	t->gmi = mc_ms(MC_CFG(br, membership_ms));
	t->lmqt = MC_CFG(br, last_member_count) *
		  mc_ms(MC_CFG(br, last_member_ms));
}

/* The queries a record asks for (RFC 3376 6.6.3), if the querier is ours. */
static void queries(struct mc_br *br, const struct nfpost_mc_addr *group,
		    unsigned int r)
{
	if (r & NFPOST_MC_R_QUERY_G)
		mc_querier_last_member(br, group, NULL, 0);
	if ((r & NFPOST_MC_R_QUERY_GS) && br->scratch.nq)
		mc_querier_last_member(br, group, br->scratch.q,
				       br->scratch.nq);
}

void mc_record(struct mc_br *br, struct mc_port *port,
	       const struct nfpost_mc_rec *rec, size_t alen)
{
	struct nfpost_mc_times t;
	struct mc_pg *pg;
	unsigned int r;
	bool leave;

	lockdep_assert_held(&br->lock);
	/* Link-local groups are flooded, never learned (RFC 4541 2.1.2). */
	if (!nfpost_mc_addr_is_group(&rec->group))
		return;
	pg = find(br, port, &rec->group);
	if (pg && (pg->flags & NFPM_F_PERMANENT))
		return;
	times(br, &t);
	load(br, pg);
	r = nfpost_mc_apply(&br->scratch, rec->type, rec->src, rec->nsrc, alen,
			    &t);
	if (r & NFPOST_MC_R_FULL)
		mc_count(br, NFPM_A_STAT_SOURCES_DROPPED);
	leave = rec->type == NFPOST_MC_TO_IN && !rec->nsrc &&
		READ_ONCE(port->fast_leave);
	if (leave || (r & NFPOST_MC_R_EMPTY)) {
		if (pg)
			pg_del(br, pg, NFPM_EV_LEAVE);
		return;
	}
	if (!store(br, port, pg, &rec->group))
		queries(br, &rec->group, r);
}

/*
 * A group-specific query from the querier (RFC 3376 6.6.1, S flag clear):
 * every port's group timer drops to LMQT, and members answer to keep it.
 */
void mc_group_query(struct mc_br *br, const struct nfpost_mc_addr *group)
{
	struct mc_grp *g = grp_find(br, group);
	struct nfpost_mc_times t;
	struct mc_pg *pg;

	if (!g)
		return;
	times(br, &t);
	hlist_for_each_entry(pg, &g->pgs, node) {
		if (pg->flags & NFPM_F_PERMANENT)
			continue;
		load(br, pg);
		if (br->scratch.mode != NFPOST_MC_EXCLUDE ||
		    br->scratch.gexp <= t.now + t.lmqt)
			continue;
		br->scratch.gexp = t.now + t.lmqt;
		if (!publish(br, pg))
			mc_gc_arm(br, br->scratch.gexp);
	}
}

static void addr_bytes(const struct nfpost_mc_addr *a, const u8 **p,
		       size_t *alen)
{
	bool v4 = nfpost_mc_addr_is_v4(a);

	*p = v4 ? a->b + 12 : a->b;
	*alen = v4 ? 4 : 16;
}

int mc_static_add(struct mc_br *br, struct mc_port *port,
		  const struct nfpost_mc_addr *group,
		  const struct nfpost_mc_addr *src, bool permanent)
{
	struct mc_pg *pg = find(br, port, group);
	struct nfpost_mc_times t;
	const u8 *sb = NULL;
	size_t alen = 4;
	int ret;

	if (src)
		addr_bytes(src, &sb, &alen);
	times(br, &t);
	if (permanent)
		t.gmi = U64_MAX - t.now;	/* never runs out */
	load(br, pg);
	nfpost_mc_apply(&br->scratch, src ? NFPOST_MC_ALLOW : NFPOST_MC_IS_EX,
			sb, src ? 1 : 0, alen, &t);
	ret = store(br, port, pg, group);
	if (ret)
		return ret;
	pg = find(br, port, group);
	pg->flags |= NFPM_F_STATIC | (permanent ? NFPM_F_PERMANENT : 0);
	return 0;
}

int mc_static_del(struct mc_br *br, struct mc_port *port,
		  const struct nfpost_mc_addr *group,
		  const struct nfpost_mc_addr *src)
{
	struct mc_pg *pg = find(br, port, group);
	struct nfpost_mc_state *st = &br->scratch;
	u16 i;

	if (!pg)
		return -ENOENT;
	if (!src) {
		pg_del(br, pg, NFPM_EV_LEAVE);
		return 0;
	}
	load(br, pg);
	for (i = 0; i < st->n; i++)
		if (nfpost_mc_addr_eq(&st->src[i].addr, src))
			break;
	if (i == st->n)
		return -ENOENT;
	st->src[i] = st->src[--st->n];
	if (st->mode == NFPOST_MC_INCLUDE && !st->n) {
		pg_del(br, pg, NFPM_EV_LEAVE);
		return 0;
	}
	return publish(br, pg);
}

/* Runs out the timers due by @now; returns when to look again, 0: never. */
u64 mc_table_expire(struct mc_br *br, u64 now)
{
	struct hlist_node *gtmp, *ptmp;
	struct mc_grp *g;
	struct mc_pg *pg;
	u64 next = 0, n;
	unsigned int r;
	int b;

	lockdep_assert_held(&br->lock);
	for (b = 0; b < ARRAY_SIZE(br->groups); b++) {
		hlist_for_each_entry_safe(g, gtmp, &br->groups[b], node) {
			hlist_for_each_entry_safe(pg, ptmp, &g->pgs, node) {
				if (pg->flags & NFPM_F_PERMANENT)
					continue;
				load(br, pg);
				r = nfpost_mc_expire(&br->scratch, now);
				if (r & NFPOST_MC_R_EMPTY) {
					pg_del(br, pg, NFPM_EV_EXPIRY);
					continue;
				}
				if (r & NFPOST_MC_R_CHANGED)
					publish(br, pg);
				n = nfpost_mc_next_expiry(&br->scratch, now);
				if (n && (!next || n < next))
					next = n;
			}
		}
	}
	return next;
}

static void port_free(struct mc_br *br, struct mc_port *p)
{
	struct mc_pg *pg, *tmp;

	list_for_each_entry_safe(pg, tmp, &br->lru, lru)
		if (pg->port == p)
			pg_del(br, pg, 0);
	list_del_rcu(&p->list);
	kfree_rcu(p, rcu);
}

void mc_port_flush(struct mc_br *br, int ifindex)
{
	struct mc_port *p = mc_port_find(br, ifindex);

	lockdep_assert_held(&br->lock);
	if (p)
		port_free(br, p);
}

void mc_table_flush(struct mc_br *br)
{
	struct mc_port *p, *tmp;

	lockdep_assert_held(&br->lock);
	list_for_each_entry_safe(p, tmp, &br->ports, list)
		port_free(br, p);
}

int mc_table_walk(struct mc_br *br, long *skip,
		  int (*fn)(struct mc_br *br, const struct mc_pg *pg,
			    void *arg), void *arg)
{
	struct mc_grp *g;
	struct mc_pg *pg;
	long i = 0;
	int b, ret;

	for (b = 0; b < ARRAY_SIZE(br->groups); b++) {
		hlist_for_each_entry_rcu(g, &br->groups[b], node) {
			hlist_for_each_entry_rcu(pg, &g->pgs, node) {
				if (i++ < *skip)
					continue;
				ret = fn(br, pg, arg);
				if (ret)
					return ret;
				(*skip)++;
			}
		}
	}
	return 0;
}
