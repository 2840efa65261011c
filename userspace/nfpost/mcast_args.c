// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost mcast` arguments, in the grammar of iproute2's `bridge mdb`:
 *   enable|disable dev BR
 *   set dev BR KEY VALUE ...
 *   show|stats|config [dev BR] [-j]
 *   add|del dev BR port P grp G [src S] [permanent]
 *   router dev BR port P disabled|learned|permanent|temporary
 *   port dev BR port P [fast-leave on|off] [max-groups N]
 *   port [dev BR] [-j]
 * Shape errors are EXIT_USAGE, bad values EXIT_RUNTIME ("Error: ...").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfpost_mcast.h>
#include "args.h"
#include "mcast_args.h"

static const char *const on_off[] = { "off", "on", NULL };
static const char *const unreg_names[] = {
	[NFPM_UNREG_AUTO] = "auto", [NFPM_UNREG_FLOOD] = "flood",
	[NFPM_UNREG_ROUTERS] = "routers", [NFPM_UNREG_DROP] = "drop", NULL,
};
static const char *const router_names[] = {
	[NFPM_ROUTER_DISABLED] = "disabled", [NFPM_ROUTER_LEARNED] = "learned",
	[NFPM_ROUTER_PERMANENT] = "permanent",
	[NFPM_ROUTER_TEMPORARY] = "temporary", NULL,
};

const struct mcast_key mcast_keys[] = {
	{ "querier", "querier", NFPM_A_CFG_QUERIER, on_off },
	{ "igmp-version", "igmp_version", NFPM_A_CFG_IGMP_VERSION, NULL },
	{ "mld-version", "mld_version", NFPM_A_CFG_MLD_VERSION, NULL },
	{ "unregistered", "unregistered", NFPM_A_CFG_UNREGISTERED, unreg_names },
	{ "max-groups", "max_groups", NFPM_A_CFG_MAX_GROUPS, NULL },
	{ "query-interval", "query_interval", NFPM_A_CFG_QUERY_INTERVAL_MS, NULL },
	{ "query-response-interval", "query_response_interval",
	  NFPM_A_CFG_QUERY_RESPONSE_MS, NULL },
	{ "robustness", "robustness", NFPM_A_CFG_ROBUSTNESS, NULL },
	{ "membership-interval", "membership_interval",
	  NFPM_A_CFG_MEMBERSHIP_MS, NULL },
	{ "other-querier-interval", "other_querier_interval",
	  NFPM_A_CFG_OTHER_QUERIER_MS, NULL },
	{ "last-member-interval", "last_member_interval",
	  NFPM_A_CFG_LAST_MEMBER_MS, NULL },
	{ "last-member-count", "last_member_count",
	  NFPM_A_CFG_LAST_MEMBER_COUNT, NULL },
};

const size_t mcast_n_keys = sizeof(mcast_keys) / sizeof(mcast_keys[0]);

const char *mcast_key_name(const struct mcast_key *k, uint32_t val)
{
	uint32_t i;

	for (i = 0; k->names && k->names[i]; i++)
		if (i == val)
			return k->names[i];
	return NULL;
}

struct cur {
	int argc;
	char **argv;
	int i;
	char *err;
	size_t len;
	struct mcast_args *m;
};

static const char *next(struct cur *c)
{
	return c->i < c->argc ? c->argv[c->i++] : NULL;
}

static int fail(struct cur *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->len, fmt, ap);
	va_end(ap);
	return code;
}

static int incomplete(struct cur *c)
{
	return fail(c, EXIT_USAGE,
		    "Command line is not complete. Try \"nfpost mcast help\".");
}

static int unknown(struct cur *c, const char *w)
{
	return fail(c, EXIT_USAGE,
		    "Unknown keyword \"%s\". Try \"nfpost mcast help\".", w);
}

static bool is_json(const char *w)
{
	return !strcmp(w, "-j") || !strcmp(w, "--json");
}

static int name_arg(struct cur *c, const char **slot, const char *what)
{
	const char *v = next(c);

	if (!v)
		return incomplete(c);
	if (*slot)
		return fail(c, EXIT_USAGE, "\"%s\" is given twice.", what);
	if (!*v || strlen(v) >= IF_NAMESIZE || strpbrk(v, "/: \t\n"))
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid interface name.", v);
	*slot = v;
	return 0;
}

static int parse_u32(const char *s, uint32_t *v_r)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE || v > UINT32_MAX)
		return -EINVAL;
	*v_r = v;
	return 0;
}

/* An address: @alen_r 4 or 16; the group's family must match if given. */
static int addr_arg(struct cur *c, const char *what, uint8_t *addr,
		    size_t *alen_r)
{
	const char *v = next(c);

	if (!v)
		return incomplete(c);
	if (inet_pton(AF_INET, v, addr) == 1)
		*alen_r = 4;
	else if (inet_pton(AF_INET6, v, addr) == 1)
		*alen_r = 16;
	else
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid %s address.", v, what);
	return 0;
}

static int word_of(struct cur *c, const char *const *names, const char *what)
{
	const char *v = next(c);
	int i;

	if (!v)
		return -incomplete(c);
	for (i = 0; names[i]; i++)
		if (!strcmp(v, names[i]))
			return i;
	return -fail(c, EXIT_RUNTIME, "Error: \"%s\" is not a valid %s.", v,
		     what);
}

/* Words shared by every verb: -j, dev, port, and the entry's own. */
static int common(struct cur *c, const char *w, bool *taken)
{
	*taken = true;
	if (is_json(w)) {
		c->m->json = true;
		return 0;
	}
	if (!strcmp(w, "dev"))
		return name_arg(c, &c->m->dev, "dev");
	if (!strcmp(w, "port"))
		return name_arg(c, &c->m->port, "port");
	*taken = false;
	return 0;
}

static int need_dev(struct cur *c, bool port)
{
	if (!c->m->dev)
		return fail(c, EXIT_USAGE,
			    "\"dev\" is required. Try \"nfpost mcast help\".");
	if (port && !c->m->port)
		return fail(c, EXIT_USAGE,
			    "\"port\" is required. Try \"nfpost mcast help\".");
	return 0;
}

static int only_common(struct cur *c, bool dev_required)
{
	const char *w;
	bool taken;
	int ret;

	while ((w = next(c))) {
		ret = common(c, w, &taken);
		if (ret)
			return ret;
		if (!taken || c->m->port)
			return unknown(c, w);
	}
	return dev_required ? need_dev(c, false) : 0;
}

static int entry_word(struct cur *c, const char *w)
{
	struct mcast_args *m = c->m;
	size_t alen;
	int ret;

	if (!strcmp(w, "grp")) {
		if (m->alen)
			return fail(c, EXIT_USAGE, "\"grp\" is given twice.");
		return addr_arg(c, "group", m->group, &m->alen);
	}
	if (!strcmp(w, "src")) {
		if (m->has_src)
			return fail(c, EXIT_USAGE, "\"src\" is given twice.");
		ret = addr_arg(c, "source", m->src, &alen);
		m->has_src = true;
		if (!ret && m->alen && alen != m->alen)
			return fail(c, EXIT_RUNTIME,
				    "Error: source and group are of different families.");
		m->alen = m->alen ?: alen;
		return ret;
	}
	if (!strcmp(w, "permanent") && m->verb == MCAST_ADD) {
		m->permanent = true;
		return 0;
	}
	return unknown(c, w);
}

static int entry(struct cur *c)
{
	const char *w;
	bool taken;
	int ret;

	while ((w = next(c))) {
		ret = common(c, w, &taken);
		if (!ret && !taken)
			ret = entry_word(c, w);
		if (ret)
			return ret;
	}
	ret = need_dev(c, true);
	if (!ret && !c->m->alen)
		ret = fail(c, EXIT_USAGE,
			   "\"grp\" is required. Try \"nfpost mcast help\".");
	return ret;
}

static const struct mcast_key *key_find(const char *w)
{
	size_t i;

	for (i = 0; i < mcast_n_keys; i++)
		if (!strcmp(mcast_keys[i].word, w))
			return &mcast_keys[i];
	return NULL;
}

static int set_pair(struct cur *c, const struct mcast_key *k)
{
	struct mcast_args *m = c->m;
	unsigned int i;
	uint32_t val;
	int ret;

	for (i = 0; i < m->n_set; i++)
		if (m->set[i].attr == k->attr)
			return fail(c, EXIT_USAGE, "\"%s\" is given twice.",
				    k->word);
	if (k->names) {
		ret = word_of(c, k->names, k->word);
		if (ret < 0)
			return -ret;
		val = ret;
	} else {
		const char *v = next(c);

		if (!v)
			return incomplete(c);
		if (parse_u32(v, &val))
			return fail(c, EXIT_RUNTIME,
				    "Error: \"%s\" is not a valid value for \"%s\": an unsigned decimal number is expected.",
				    v, k->word);
	}
	m->set[m->n_set++] = (struct mcast_set){ k->attr, val };
	return 0;
}

static int set(struct cur *c)
{
	const struct mcast_key *k;
	const char *w;
	bool taken;
	int ret;

	while ((w = next(c))) {
		ret = common(c, w, &taken);
		if (ret)
			return ret;
		if (taken)
			continue;
		k = key_find(w);
		if (!k)
			return unknown(c, w);
		ret = set_pair(c, k);
		if (ret)
			return ret;
	}
	ret = need_dev(c, false);
	if (!ret && !c->m->n_set)
		ret = incomplete(c);
	return ret;
}

static int router(struct cur *c)
{
	const char *w;
	bool taken;
	int ret;

	while ((w = next(c))) {
		ret = common(c, w, &taken);
		if (ret)
			return ret;
		if (taken)
			continue;
		if (c->m->router >= 0)
			return unknown(c, w);
		c->i--;
		ret = word_of(c, router_names, "router mode");
		if (ret < 0)
			return -ret;
		c->m->router = ret;
	}
	ret = need_dev(c, true);
	if (!ret && c->m->router < 0)
		ret = incomplete(c);
	return ret;
}

static int port_word(struct cur *c, const char *w)
{
	uint32_t n;
	const char *v;
	int ret;

	if (!strcmp(w, "fast-leave") && c->m->fast_leave < 0) {
		ret = word_of(c, on_off, "fast-leave value (on or off)");
		if (ret < 0)
			return -ret;
		c->m->fast_leave = ret;
		return 0;
	}
	if (!strcmp(w, "max-groups") && c->m->port_max < 0) {
		v = next(c);
		if (!v)
			return incomplete(c);
		if (parse_u32(v, &n))
			return fail(c, EXIT_RUNTIME,
				    "Error: \"%s\" is not a valid value for \"max-groups\".",
				    v);
		c->m->port_max = n;
		return 0;
	}
	return unknown(c, w);
}

/* With "port P": set its options (at least one); without: list ports. */
static int port(struct cur *c)
{
	const char *w;
	bool taken;
	int ret;

	while ((w = next(c))) {
		ret = common(c, w, &taken);
		if (!ret && !taken)
			ret = port_word(c, w);
		if (ret)
			return ret;
	}
	if (!c->m->port)
		return c->m->fast_leave >= 0 || c->m->port_max >= 0 ?
		       need_dev(c, true) : 0;
	ret = need_dev(c, true);
	if (!ret && c->m->fast_leave < 0 && c->m->port_max < 0)
		ret = incomplete(c);
	return ret;
}

static const struct {
	const char *name;
	enum mcast_verb verb;
} verbs[] = {
	{ "enable", MCAST_ENABLE }, { "disable", MCAST_DISABLE },
	{ "set", MCAST_SET }, { "show", MCAST_SHOW }, { "stats", MCAST_STATS },
	{ "config", MCAST_CONFIG }, { "add", MCAST_ADD }, { "del", MCAST_DEL },
	{ "router", MCAST_ROUTER }, { "port", MCAST_PORT },
	{ "help", MCAST_HELP },
};

static int dispatch(struct cur *c)
{
	switch (c->m->verb) {
	case MCAST_HELP:
		return 0;
	case MCAST_ENABLE:
	case MCAST_DISABLE:
		return only_common(c, true);
	case MCAST_SHOW:
	case MCAST_STATS:
	case MCAST_CONFIG:
		return only_common(c, false);
	case MCAST_SET:
		return set(c);
	case MCAST_ADD:
	case MCAST_DEL:
		return entry(c);
	case MCAST_ROUTER:
		return router(c);
	case MCAST_PORT:
		return port(c);
	}
	return 0;
}

/* argv[0] is the word after "mcast"; none means "show", as `bridge mdb`. */
int mcast_args_parse(int argc, char **argv, struct mcast_args *m, char *err,
		     size_t len)
{
	struct cur c = { argc, argv, 0, err, len, m };
	const char *w;
	size_t i;

	err[0] = '\0';
	memset(m, 0, sizeof(*m));
	m->router = -1;
	m->fast_leave = -1;
	m->port_max = -1;
	while (c.i < argc && is_json(argv[c.i])) {
		m->json = true;
		c.i++;
	}
	w = next(&c);
	m->verb = MCAST_SHOW;
	if (!w)
		return 0;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!strcmp(w, verbs[i].name)) {
			m->verb = verbs[i].verb;
			return dispatch(&c);
		}
	}
	return unknown(&c, w);
}
