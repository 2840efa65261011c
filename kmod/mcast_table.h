/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bridge's ports and group table: (port, group) entries with their filter
 * state, read per packet under RCU, written under the bridge's lock.
 */
#ifndef NFPOST_MCAST_TABLE_H
#define NFPOST_MCAST_TABLE_H

#include <linux/rcupdate.h>

#include "mcast_net.h"

/* An entry's filter state, replaced whole: a reader sees one version. */
struct mc_snap {
	struct rcu_head rcu;
	u8 mode;
	u16 n;
	u64 gexp;
	struct nfpost_mc_src src[];
};

struct mc_port {
	struct list_head list;		/* in mc_br.ports, RCU */
	struct rcu_head rcu;
	int ifindex;
	u8 router;			/* enum nfpm_router */
	u64 router_exp;
	bool fast_leave;
	u32 max_groups;			/* 0: no cap of its own */
	u32 n_pg;
};

struct mc_grp {
	struct hlist_node node;		/* in mc_br.groups, RCU */
	struct hlist_head pgs;		/* mc_pg, RCU */
	struct nfpost_mc_addr addr;
	struct rcu_head rcu;
};

struct mc_pg {
	struct hlist_node node;		/* in mc_grp.pgs, RCU */
	struct list_head lru;		/* in mc_br.lru */
	struct mc_grp *grp;
	struct mc_port *port;
	u32 flags;			/* NFPM_F_* */
	struct mc_snap __rcu *snap;
	struct rcu_head rcu;
};

enum mc_verdict {
	MC_UNREGISTERED,	/* no member of this group on the bridge */
	MC_WANTED,
	MC_UNWANTED,
};

/* Readers, under RCU. */
struct mc_port *mc_port_find(struct mc_br *br, int ifindex);
bool mc_port_is_router(const struct mc_port *p, u64 now);
enum mc_verdict mc_lookup(struct mc_br *br, int ifindex,
			  const struct nfpost_mc_addr *group,
			  const struct nfpost_mc_addr *src, u64 now);

/* Writers, under br->lock. */
struct mc_port *mc_port_get(struct mc_br *br, int ifindex);
/* Learns one group record; asks the own querier for the queries it owes. */
void mc_record(struct mc_br *br, struct mc_port *port,
	       const struct nfpost_mc_rec *rec, size_t alen);
void mc_group_query(struct mc_br *br, const struct nfpost_mc_addr *group);
int mc_static_add(struct mc_br *br, struct mc_port *port,
		  const struct nfpost_mc_addr *group,
		  const struct nfpost_mc_addr *src, bool permanent);
int mc_static_del(struct mc_br *br, struct mc_port *port,
		  const struct nfpost_mc_addr *group,
		  const struct nfpost_mc_addr *src);
u64 mc_table_expire(struct mc_br *br, u64 now);
void mc_port_flush(struct mc_br *br, int ifindex);
void mc_table_flush(struct mc_br *br);
void mc_gc_arm(struct mc_br *br, u64 when);

/* For dumps, under RCU: calls @fn per entry from the @skip-th on. */
int mc_table_walk(struct mc_br *br, long *skip,
		  int (*fn)(struct mc_br *br, const struct mc_pg *pg,
			    void *arg), void *arg);

#endif /* NFPOST_MCAST_TABLE_H */
