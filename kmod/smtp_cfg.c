// SPDX-License-Identifier: GPL-2.0
/*
 * The policy object: defaults, copies for an update, and the prefix, port
 * and name lookups the packet path makes in it.
 */
#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "mailpath.h"
#include "smtp_cfg.h"

/*
 * Every rule only logs until told otherwise: loading the module changes
 * nothing for the mail servers of any namespace until it is configured.
 */
struct nfps_cfg *nfps_cfg_default(void)
{
	struct nfps_cfg *cfg = kvzalloc(sizeof(*cfg), GFP_KERNEL);
	int r;

	if (!cfg)
		return NULL;
	cfg->nports = 1;
	cfg->ports[0] = 25;
	cfg->auth_relay = 1;
	cfg->rate_window_ms = 60000;
	cfg->block_ms = 600000;
	cfg->max_flows = 65536;
	cfg->pass_ttl_ms = 86400000;	/* postscreen's greet_ttl */
	for (r = 1; r <= NFPS_RULE_MAX; r++)
		cfg->action[r] = NFPS_ACT_LOG;
	return cfg;
}

struct nfps_cfg *nfps_cfg_copy(const struct nfps_cfg *cfg)
{
	struct nfps_cfg *c = kvmalloc(sizeof(*c), GFP_KERNEL);

	if (c)
		memcpy(c, cfg, sizeof(*c));
	return c;
}

void nfps_cfg_free(struct nfps_cfg *cfg)
{
	kvfree(cfg);
}

void nfps_cfg_free_rcu(struct nfps_cfg *cfg)
{
	kvfree_rcu(cfg, rcu);
}

void nfps_addr_v4(struct nfps_addr *a, __be32 v4)
{
	ipv6_addr_set_v4mapped(v4, &a->a);
}

bool nfps_addr_is_v4(const struct nfps_addr *a)
{
	return ipv6_addr_v4mapped(&a->a);
}

void nfps_prefix_set(struct nfps_prefix *p, const struct nfps_addr *a,
		     u8 plen)
{
	ipv6_addr_prefix(&p->addr.a, &a->a, plen);
	p->plen = plen;
}

bool nfps_prefixes_match(const struct nfps_prefixes *l,
			 const struct nfps_addr *a)
{
	u32 i;

	for (i = 0; i < l->n; i++)
		if (ipv6_prefix_equal(&l->p[i].addr.a, &a->a, l->p[i].plen))
			return true;
	return false;
}

bool nfps_cfg_port(const struct nfps_cfg *cfg, __be16 port)
{
	u16 p = ntohs(port);
	u32 i;

	for (i = 0; i < cfg->nports; i++)
		if (cfg->ports[i] == p)
			return true;
	return false;
}

/* Names are stored lower case without a trailing dot. */
static bool name_eq(const char *name, const char *d, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!name[i] || name[i] != tolower(d[i]))
			return false;
	return !name[len];
}

bool nfps_names_match(const struct nfps_names *l, const char *d, size_t len)
{
	size_t nl;
	u32 i;

	if (len && d[len - 1] == '.')
		len--;
	for (i = 0; i < l->n; i++) {
		const char *name = l->name[i];

		if (name[0] != '.') {
			if (name_eq(name, d, len))
				return true;
			continue;
		}
		/* ".example.org": any name under example.org */
		nl = strlen(name);
		if (len > nl && name_eq(name, d + len - nl, nl))
			return true;
	}
	return false;
}

bool nfps_senders_match(const struct nfps_names *l, const char *path)
{
	struct nfpost_mailpath mp;
	const char *why;
	size_t len = strlen(path);
	u32 i;

	if (!l->n)
		return false;
	for (i = 0; i < l->n; i++)
		if (strchr(l->name[i], '@') && !strcasecmp(l->name[i], path))
			return true;
	if (!*path || nfpost_mailpath_split(path, &mp, &why))
		return false;
	len = mp.domain_len;
	for (i = 0; i < l->n; i++)
		if (!strchr(l->name[i], '@') &&
		    name_eq(l->name[i], path + mp.domain_off,
			    len && path[mp.domain_off + len - 1] == '.' ?
			    len - 1 : len))
			return true;
	return false;
}
