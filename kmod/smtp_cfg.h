/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_smtp's policy: one immutable object per namespace, read under RCU
 * in the packet path and replaced whole by NFPS_CMD_SET_CONFIG; and the
 * lookups the packet path makes in it.
 */
#ifndef NFPOST_SMTP_CFG_H
#define NFPOST_SMTP_CFG_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/nfpost_smtp.h>

/* An address as the tables keep it: IPv4 is ::ffff:a.b.c.d. */
struct nfps_addr {
	struct in6_addr a;
};

struct nfps_prefix {
	struct nfps_addr addr;	/* masked */
	u8 plen;		/* over the 128 bits */
};

struct nfps_names {
	u32 n;
	char name[NFPS_LIST_MAX][NFPS_NAME_MAX + 1];	/* lower case */
};

struct nfps_prefixes {
	u32 n;
	struct nfps_prefix p[NFPS_LIST_MAX];
};

struct nfps_cfg {
	struct rcu_head rcu;
	u32 nports;
	u16 ports[NFPS_PORTS_MAX];	/* host order */
	u8 auth_relay;
	u8 action[NFPS_RULE_MAX + 1];
	u32 max_rcpt;
	u32 max_size;
	u32 conn_max;
	u32 conn_rate;
	u32 msg_rate;
	u32 rcpt_rate;
	u32 rate_window_ms;
	u32 block_ms;
	u32 max_flows;
	u32 teaser_ms;
	u32 pass_ttl_ms;
	u32 fail_ttl_ms;
	struct nfps_prefixes mynetworks;
	struct nfps_prefixes block_clients;
	struct nfps_names local_domains;
	struct nfps_names relay_domains;
	struct nfps_names block_helo;
	struct nfps_names block_senders;
};

struct nfps_cfg *nfps_cfg_default(void);
struct nfps_cfg *nfps_cfg_copy(const struct nfps_cfg *cfg);
void nfps_cfg_free(struct nfps_cfg *cfg);
void nfps_cfg_free_rcu(struct nfps_cfg *cfg);

void nfps_addr_v4(struct nfps_addr *a, __be32 v4);
bool nfps_addr_is_v4(const struct nfps_addr *a);
void nfps_prefix_set(struct nfps_prefix *p, const struct nfps_addr *a,
		     u8 plen);
bool nfps_prefixes_match(const struct nfps_prefixes *l,
			 const struct nfps_addr *a);
bool nfps_cfg_port(const struct nfps_cfg *cfg, __be16 port);
/* @d of @len bytes, any case, with or without a trailing dot. */
bool nfps_names_match(const struct nfps_names *l, const char *d, size_t len);
/* A sender path: entries with '@' match it whole, others its domain. */
bool nfps_senders_match(const struct nfps_names *l, const char *path);

#endif /* NFPOST_SMTP_CFG_H */
