/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow and client tables of a namespace: SMTP sessions being followed,
 * and per client address its connections, rate windows and block. Both are
 * bounded, the least recently used entry evicted for room; one lock covers
 * both, taken per segment of a guarded port (each one changes its flow).
 */
#ifndef NFPOST_SMTP_FLOW_H
#define NFPOST_SMTP_FLOW_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "smtp_cfg.h"
#include "smtp_rbuf.h"
#include "smtpg.h"

#define NFPS_FLOW_BITS	12
#define NFPS_HOST_BITS	12

struct nfps_key {
	struct nfps_addr caddr;
	struct nfps_addr saddr;
	__be16 cport;
	__be16 sport;
};

enum { NFPS_C2S, NFPS_S2C };

struct nfps_dir {
	u32 base;		/* sequence number of the reader's next byte */
	bool known;		/* base is set: its SYN was seen */
	bool fin;
	struct nfps_rbuf *rb;	/* bytes held, allocated while there are any */
};

struct nfps_flow {
	struct hlist_node hnode;
	struct list_head lru;
	struct nfps_key key;
	u64 start_ms;
	struct nfps_dir dir[2];
	struct smtpg rd;
	u32 rcpts;		/* in this transaction */
	bool trusted;		/* client in mynetworks */
	bool lost;		/* no longer read */
	bool size_seen;		/* SIZE reported for this transaction */
	bool dead;		/* reset: the client's segments are dropped */
	bool teaser;		/* the end of the greeting is held back */
	bool pregreeted;	/* the client talked before the greeting */
};

struct nfps_host {
	struct hlist_node hnode;
	struct list_head lru;
	struct nfps_addr addr;
	u32 conns;		/* flows now */
	u64 win_start;		/* ms */
	u32 conn_n;		/* in the window */
	u32 msg_n;
	u32 rcpt_n;
	u64 blocked_until;	/* ms, 0: not blocked */
	u64 pass_until;		/* ms: pregreet verdicts, 0: none */
	u64 fail_until;
};

struct nfps_tables {
	spinlock_t lock;	/* BH: taken in the packet path */
	struct hlist_head *flows;
	struct list_head flow_lru;
	u32 nflows;
	struct hlist_head *hosts;
	struct list_head host_lru;
	u32 nhosts;
	u32 seed;
};

int nfps_tables_init(struct nfps_tables *t);
void nfps_tables_destroy(struct nfps_tables *t);

/* All below: with t->lock held. */
struct nfps_flow *nfps_flow_find(struct nfps_tables *t,
				 const struct nfps_key *k);
/* A new flow; with @max flows already, the oldest goes (*evicted set). */
struct nfps_flow *nfps_flow_new(struct nfps_tables *t,
				const struct nfps_key *k, u32 max,
				bool *evicted);
void nfps_flow_free(struct nfps_tables *t, struct nfps_flow *f);
void nfps_flow_touch(struct nfps_tables *t, struct nfps_flow *f);

struct nfps_host *nfps_host_find(struct nfps_tables *t,
				 const struct nfps_addr *a);
struct nfps_host *nfps_host_get(struct nfps_tables *t,
				const struct nfps_addr *a, u32 max,
				bool *evicted);
void nfps_host_free(struct nfps_tables *t, struct nfps_host *h);

/* Visit flows (or hosts) from *@pos on, for a dump; stops at @fn's error. */
int nfps_flows_walk(struct nfps_tables *t, long *pos,
		    int (*fn)(const struct nfps_flow *f, void *arg), void *arg);
int nfps_hosts_walk(struct nfps_tables *t, long *pos,
		    int (*fn)(const struct nfps_host *h, void *arg), void *arg);

#endif /* NFPOST_SMTP_FLOW_H */
