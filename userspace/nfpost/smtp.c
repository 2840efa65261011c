// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost smtp`: the nfpost_smtp guard's policy (set, show, load from
 * nfpostd.conf), counters, flows and blocks; and `nfpost monitor smtp`.
 * Each verb builds one request; report() prints failures once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/nfpost_smtp.h>
#include "conf.h"
#include "genl.h"
#include "json.h"
#include "netaddr.h"
#include "smtp.h"

struct nfps {
	struct genl_sock sock;
	struct genl_family fam;
};

/* The words after "smtp": kept from smtp_args() for smtp_run(). */
static int s_argc;
static char **s_argv;

static const char *const rule_names[NFPS_RULE_MAX + 1] = {
	[NFPS_RULE_RELAY] = "relay", [NFPS_RULE_PREGREET] = "pregreet",
	[NFPS_RULE_PIPELINING] = "pipelining",
	[NFPS_RULE_BARE_EOL] = "bare-eol",
	[NFPS_RULE_RCPT_LIMIT] = "rcpt-limit", [NFPS_RULE_SIZE] = "size",
	[NFPS_RULE_CONN_LIMIT] = "conn-limit",
	[NFPS_RULE_CONN_RATE] = "conn-rate", [NFPS_RULE_MSG_RATE] = "msg-rate",
	[NFPS_RULE_RCPT_RATE] = "rcpt-rate", [NFPS_RULE_CLIENT] = "client",
	[NFPS_RULE_HELO] = "helo", [NFPS_RULE_SENDER] = "sender",
	[NFPS_RULE_TCP] = "tcp",
};

static const char *const action_names[NFPS_ACT_MAX + 1] = {
	[NFPS_ACT_LOG] = "log", [NFPS_ACT_RESET] = "reset",
	[NFPS_ACT_BLOCK] = "block",
};

void smtp_usage(FILE *f)
{
	fputs("Usage: nfpost smtp show [-j]\n"
	      "       nfpost smtp set KEY VALUE [KEY VALUE ...]\n"
	      "       nfpost smtp set action RULE { log | reset | block }\n"
	      "       nfpost smtp load -c NFPOSTD.CONF\n"
	      "       nfpost smtp stats [-j]\n"
	      "       nfpost smtp flows [show] [-j]\n"
	      "       nfpost smtp block { add IP [time MS] | del IP | show [-j] }\n"
	      "       nfpost smtp cache { show [-j] | flush [IP] }\n"
	      "       nfpost monitor smtp [-j] [-c COUNT]\n"
	      "KEY := { ports | mynetworks | local-domains | relay-domains |\n"
	      "         block-clients | block-helo | block-senders }  (comma lists,\n"
	      "         \"none\" for empty)\n"
	      "     | { auth-relay (yes|no) | max-rcpt | max-size | conn-max |\n"
	      "         conn-rate | msg-rate | rcpt-rate | rate-window (ms) |\n"
	      "         block-time (ms) | max-flows | teaser (ms) |\n"
	      "         pass-ttl (ms) | fail-ttl (ms) }  (0 turns a limit off)\n"
	      "RULE := { relay | pregreet | pipelining | bare-eol | rcpt-limit |\n"
	      "          size | conn-limit | conn-rate | msg-rate | rcpt-rate |\n"
	      "          client | helo | sender | tcp }\n", f);
}

int smtp_args(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len)
{
	int i;

	s_argc = 0;
	s_argv = argv;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			a->json = true;
		else
			argv[s_argc++] = argv[i];
	}
	if (!s_argc) {
		snprintf(err, len, "smtp: a command is needed, try \"nfpost smtp help\".");
		return EXIT_USAGE;
	}
	a->cmd = !strcmp(argv[0], "help") ? CMD_HELP : CMD_NONE;
	return 0;
}

static int nfps_open(struct nfps *n)
{
	int ret;

	memset(n, 0, sizeof(*n));
	ret = genl_open(&n->sock);
	if (!ret)
		ret = genl_family_get(&n->sock, NFPS_GENL_NAME, &n->fam);
	return ret;
}

static int report(const struct nfps *n, int err, const char *what)
{
	if (!n->sock.nl)
		fprintf(stderr, "nfpost: Error: cannot open a generic netlink socket: %s\n",
			strerror(-err));
	else if (!n->fam.id)
		fprintf(stderr, "nfpost: the %s module is not loaded (insmod %s.ko)\n",
			NFPS_GENL_NAME, NFPS_GENL_NAME);
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "nfpost: Error: \"%s\" needs CAP_NET_ADMIN (%s).\n",
			what, n->sock.extack[0] ? n->sock.extack : strerror(-err));
	else if (n->sock.extack[0])
		fprintf(stderr, "nfpost: Error: %s\n", n->sock.extack);
	else
		fprintf(stderr, "nfpost: Error: %s: %s\n", what, strerror(-err));
	return EXIT_RUNTIME;
}

static struct nlmsghdr *msg(struct nfps *n, void *buf, uint8_t cmd,
			    uint16_t flags)
{
	return genl_msg_start(buf, n->fam.id, cmd, NFPS_GENL_VERSION, flags);
}

/* One request on a fresh socket; prints any failure; the exit code. */
static int request(uint8_t cmd, uint16_t flags,
		   int (*build)(struct nlmsghdr *nlh, void *arg), void *arg,
		   mnl_cb_t cb, void *data, const char *what)
{
	static char buf[GENL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct nfps n;
	int ret;

	ret = nfps_open(&n);
	if (!ret) {
		nlh = msg(&n, buf, cmd, flags);
		ret = build ? build(nlh, arg) : 0;
		if (ret > 0) {
			genl_close(&n.sock);
			return ret;
		}
		ret = genl_request(&n.sock, nlh, cb, data);
	}
	if (ret)
		ret = report(&n, ret, what);
	genl_close(&n.sock);
	return ret;
}

/* --- addresses --- */

static int put_addr(struct nlmsghdr *nlh, uint16_t type, const char *s,
		    int *plen_r)
{
	struct netaddr_prefix p;

	if (netaddr_prefix_parse(s, &p))
		return -EINVAL;
	mnl_attr_put(nlh, type, p.family == AF_INET ? 4 : 16, p.addr);
	if (plen_r)
		*plen_r = p.len;
	return 0;
}

static const char *addr_str(const struct nlattr *a, char *buf, size_t len)
{
	int af = mnl_attr_get_payload_len(a) == 4 ? AF_INET : AF_INET6;

	if (!inet_ntop(af, mnl_attr_get_payload(a), buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* --- set --- */

struct list_key {
	const char *name;
	uint16_t attr;
	bool prefixes;
};

static const struct list_key list_keys[] = {
	{ "mynetworks", NFPS_A_CFG_MYNETWORKS, true },
	{ "block-clients", NFPS_A_CFG_BLOCK_CLIENTS, true },
	{ "local-domains", NFPS_A_CFG_LOCAL_DOMAINS, false },
	{ "relay-domains", NFPS_A_CFG_RELAY_DOMAINS, false },
	{ "block-helo", NFPS_A_CFG_BLOCK_HELO, false },
	{ "block-senders", NFPS_A_CFG_BLOCK_SENDERS, false },
};

static const struct {
	const char *name;
	const char *json;
	uint16_t attr;
} u32_keys[] = {
	{ "max-rcpt", "max_rcpt", NFPS_A_CFG_MAX_RCPT },
	{ "max-size", "max_size", NFPS_A_CFG_MAX_SIZE },
	{ "conn-max", "conn_max", NFPS_A_CFG_CONN_MAX },
	{ "conn-rate", "conn_rate", NFPS_A_CFG_CONN_RATE },
	{ "msg-rate", "msg_rate", NFPS_A_CFG_MSG_RATE },
	{ "rcpt-rate", "rcpt_rate", NFPS_A_CFG_RCPT_RATE },
	{ "rate-window", "rate_window_ms", NFPS_A_CFG_RATE_WINDOW_MS },
	{ "block-time", "block_ms", NFPS_A_CFG_BLOCK_MS },
	{ "max-flows", "max_flows", NFPS_A_CFG_MAX_FLOWS },
	{ "teaser", "teaser_ms", NFPS_A_CFG_TEASER_MS },
	{ "pass-ttl", "pass_ttl_ms", NFPS_A_CFG_PASS_TTL_MS },
	{ "fail-ttl", "fail_ttl_ms", NFPS_A_CFG_FAIL_TTL_MS },
};

static int put_list(struct nlmsghdr *nlh, const struct list_key *k,
		    const char *val)
{
	char copy[4096], *tok, *save;
	struct nlattr *list, *p;
	int plen;

	if (snprintf(copy, sizeof(copy), "%s", val) >= (int)sizeof(copy))
		return -E2BIG;
	list = mnl_attr_nest_start(nlh, k->attr);
	if (strcmp(val, "none"))
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!k->prefixes) {
				mnl_attr_put_strz(nlh, NFPS_A_NAME, tok);
				continue;
			}
			p = mnl_attr_nest_start(nlh, NFPS_A_PREFIX);
			if (put_addr(nlh, NFPS_A_ADDR, tok, &plen)) {
				fprintf(stderr, "nfpost: Error: \"%s\" is not an address or prefix.\n",
					tok);
				return -EINVAL;
			}
			mnl_attr_put_u8(nlh, NFPS_A_PREFIXLEN, plen);
			mnl_attr_nest_end(nlh, p);
		}
	mnl_attr_nest_end(nlh, list);
	return 0;
}

static int put_ports(struct nlmsghdr *nlh, const char *val)
{
	char copy[256], *tok, *save, *end;
	struct nlattr *list;
	unsigned long port;

	snprintf(copy, sizeof(copy), "%s", val);
	list = mnl_attr_nest_start(nlh, NFPS_A_CFG_PORTS);
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		port = strtoul(tok, &end, 10);
		if (*end || !*tok || port > 65535) {
			fprintf(stderr, "nfpost: Error: \"%s\" is not a port.\n", tok);
			return -EINVAL;
		}
		mnl_attr_put_u16(nlh, NFPS_A_PORT, port);
	}
	mnl_attr_nest_end(nlh, list);
	return 0;
}

static int lookup(const char *const *names, int max, const char *w)
{
	int i;

	for (i = 1; i <= max; i++)
		if (names[i] && !strcmp(names[i], w))
			return i;
	return 0;
}

static int put_action(struct nlmsghdr *nlh, const char *rule, const char *act)
{
	int r = lookup(rule_names, NFPS_RULE_MAX, rule);
	int a = lookup(action_names, NFPS_ACT_MAX, act);

	if (!r || !a) {
		fprintf(stderr, "nfpost: Error: \"action %s %s\": unknown %s.\n",
			rule, act, r ? "action" : "rule");
		return -EINVAL;
	}
	mnl_attr_put_u8(nlh, r, a);
	return 0;
}

static int put_u32_key(struct nlmsghdr *nlh, const char *key, const char *val)
{
	unsigned long v;
	char *end;
	size_t i;

	if (!strcmp(key, "auth-relay")) {
		if (strcmp(val, "yes") && strcmp(val, "no"))
			return -EINVAL;
		mnl_attr_put_u8(nlh, NFPS_A_CFG_AUTH_RELAY, !strcmp(val, "yes"));
		return 0;
	}
	for (i = 0; i < sizeof(u32_keys) / sizeof(u32_keys[0]); i++) {
		if (strcmp(key, u32_keys[i].name))
			continue;
		errno = 0;
		v = strtoul(val, &end, 10);
		if (*end || !*val || errno || v > UINT32_MAX) {
			fprintf(stderr, "nfpost: Error: \"%s\" is not a number for %s.\n",
				val, key);
			return -EINVAL;
		}
		mnl_attr_put_u32(nlh, u32_keys[i].attr, v);
		return 0;
	}
	fprintf(stderr, "nfpost: Error: unknown key \"%s\", try \"nfpost smtp help\".\n",
		key);
	return -ENOENT;
}

static int put_key(struct nlmsghdr *nlh, const char *key, const char *val)
{
	size_t i;

	if (!strcmp(key, "ports"))
		return put_ports(nlh, val);
	for (i = 0; i < sizeof(list_keys) / sizeof(list_keys[0]); i++)
		if (!strcmp(key, list_keys[i].name))
			return put_list(nlh, &list_keys[i], val);
	return put_u32_key(nlh, key, val);
}

/*
 * Every "action RULE ACTION" of the line goes into one NFPS_A_CFG_ACTIONS
 * nest (the kernel keeps one attribute of a type: a second nest would
 * replace the first), then the other keys.
 */
static int build_set(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *nest = NULL;
	char **w = arg;
	int i, ret = 0;

	if (s_argc < 3)
		return EXIT_USAGE;
	for (i = 1; !ret && i < s_argc; i += 2) {
		if (strcmp(w[i], "action"))
			continue;
		if (i + 2 >= s_argc) {
			fprintf(stderr, "nfpost: Error: \"action\" needs a rule and an action.\n");
			return EXIT_USAGE;
		}
		if (!nest)
			nest = mnl_attr_nest_start(nlh, NFPS_A_CFG_ACTIONS);
		ret = put_action(nlh, w[i + 1], w[i + 2]);
		i++;
	}
	if (nest)
		mnl_attr_nest_end(nlh, nest);
	for (i = 1; !ret && i < s_argc; i += 2) {
		if (!strcmp(w[i], "action")) {
			i++;
			continue;
		}
		if (i + 1 >= s_argc) {
			fprintf(stderr, "nfpost: Error: \"%s\" needs a value.\n", w[i]);
			return EXIT_USAGE;
		}
		ret = put_key(nlh, w[i], w[i + 1]);
	}
	return ret ? EXIT_RUNTIME : 0;
}

/* --- load -c nfpostd.conf --- */

struct load {
	struct conf conf;
};

static void put_conf_prefix(struct nlmsghdr *nlh, int family,
			    const unsigned char *addr, int len)
{
	struct nlattr *p = mnl_attr_nest_start(nlh, NFPS_A_PREFIX);

	mnl_attr_put(nlh, NFPS_A_ADDR, family == AF_INET ? 4 : 16, addr);
	mnl_attr_put_u8(nlh, NFPS_A_PREFIXLEN, len);
	mnl_attr_nest_end(nlh, p);
}

/* nfpostd's relay rule: its domains are local, mynetworks may relay. */
static int build_load(struct nlmsghdr *nlh, void *arg)
{
	static const unsigned char lo4[4] = { 127, 0, 0, 0 };
	static const unsigned char lo6[16] = { [15] = 1 };
	const struct conf *c = &((struct load *)arg)->conf;
	struct nlattr *list;
	int i;

	list = mnl_attr_nest_start(nlh, NFPS_A_CFG_LOCAL_DOMAINS);
	for (i = 0; i < c->ndomains; i++)
		mnl_attr_put_strz(nlh, NFPS_A_NAME, c->domains[i]);
	mnl_attr_nest_end(nlh, list);
	list = mnl_attr_nest_start(nlh, NFPS_A_CFG_MYNETWORKS);
	for (i = 0; i < c->nnetworks; i++)
		put_conf_prefix(nlh, c->mynetworks[i].family,
				c->mynetworks[i].addr, c->mynetworks[i].len);
	if (!c->mynetworks_set) {
		put_conf_prefix(nlh, AF_INET, lo4, 8);
		put_conf_prefix(nlh, AF_INET6, lo6, 128);
	}
	mnl_attr_nest_end(nlh, list);
	list = mnl_attr_nest_start(nlh, NFPS_A_CFG_RELAY_DOMAINS);
	mnl_attr_nest_end(nlh, list);
	return 0;
}

static int load(void)
{
	struct load *l;
	char err[256];
	int ret;

	if (s_argc != 3 || strcmp(s_argv[1], "-c")) {
		fprintf(stderr, "nfpost: Error: \"smtp load\" needs -c NFPOSTD.CONF.\n");
		return EXIT_USAGE;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return EXIT_RUNTIME;
	ret = conf_load(s_argv[2], &l->conf, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "nfpost: Error: %s\n", err);
		free(l);
		return EXIT_RUNTIME;
	}
	ret = request(NFPS_CMD_SET_CONFIG, NLM_F_ACK, build_load, l, NULL,
		      NULL, "smtp load");
	free(l);
	return ret;
}

/* --- show --- */

struct out {
	bool json;
	bool first;
};

static void list_str(const struct nlattr *list, char *buf, size_t len)
{
	const struct nlattr *a, *p;
	char addr[INET6_ADDRSTRLEN];
	size_t n = 0;
	int plen;

	buf[0] = '\0';
	mnl_attr_for_each_nested(a, list) {
		const char *sep = n ? "," : "";

		if (mnl_attr_get_type(a) == NFPS_A_NAME) {
			n += snprintf(buf + n, len > n ? len - n : 0, "%s%s",
				      sep, mnl_attr_get_str(a));
		} else if (mnl_attr_get_type(a) == NFPS_A_PREFIX) {
			addr[0] = '\0';
			plen = -1;
			mnl_attr_for_each_nested(p, a) {
				if (mnl_attr_get_type(p) == NFPS_A_ADDR)
					addr_str(p, addr, sizeof(addr));
				else if (mnl_attr_get_type(p) == NFPS_A_PREFIXLEN)
					plen = mnl_attr_get_u8(p);
			}
			n += snprintf(buf + n, len > n ? len - n : 0, "%s%s/%d",
				      sep, addr, plen);
		} else if (mnl_attr_get_type(a) == NFPS_A_PORT) {
			n += snprintf(buf + n, len > n ? len - n : 0, "%s%u",
				      sep, mnl_attr_get_u16(a));
		}
	}
}

static void kv(struct json *j, bool json, const char *text, const char *jkey,
	       const char *val)
{
	if (json)
		json_str(j, jkey, val);
	else
		printf("%-16s %s\n", text, *val ? val : "none");
}

static void show_actions(struct json *j, bool json, const struct nlattr *nest)
{
	const struct nlattr *a;
	char key[64];
	int r, act;

	mnl_attr_for_each_nested(a, nest) {
		r = mnl_attr_get_type(a);
		act = mnl_attr_get_u8(a);
		if (r > NFPS_RULE_MAX || !rule_names[r] || act > NFPS_ACT_MAX)
			continue;
		snprintf(key, sizeof(key), "action_%s", rule_names[r]);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		if (json)
			json_str(j, key, action_names[act] ?: "?");
		else
			printf("action %-9s %s\n", rule_names[r],
			       action_names[act] ?: "?");
	}
}

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFPS_A_MAX + 1] = {};
	const struct out *o = data;
	const struct nlattr *a;
	static char buf[32768];
	struct json j;
	size_t i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= NFPS_A_MAX)
			tb[mnl_attr_get_type(a)] = a;
	if (o->json)
		json_open(&j, stdout);
	if (tb[NFPS_A_CFG_PORTS]) {
		list_str(tb[NFPS_A_CFG_PORTS], buf, sizeof(buf));
		kv(&j, o->json, "ports", "ports", buf);
	}
	for (i = 0; i < sizeof(list_keys) / sizeof(list_keys[0]); i++) {
		char jkey[32];

		if (!tb[list_keys[i].attr])
			continue;
		snprintf(jkey, sizeof(jkey), "%s", list_keys[i].name);
		for (char *p = jkey; *p; p++)
			if (*p == '-')
				*p = '_';
		list_str(tb[list_keys[i].attr], buf, sizeof(buf));
		kv(&j, o->json, list_keys[i].name, jkey, buf);
	}
	if (tb[NFPS_A_CFG_AUTH_RELAY])
		kv(&j, o->json, "auth-relay", "auth_relay",
		   mnl_attr_get_u8(tb[NFPS_A_CFG_AUTH_RELAY]) ? "yes" : "no");
	for (i = 0; i < sizeof(u32_keys) / sizeof(u32_keys[0]); i++) {
		if (!tb[u32_keys[i].attr])
			continue;
		if (o->json)
			json_u64(&j, u32_keys[i].json,
				 mnl_attr_get_u32(tb[u32_keys[i].attr]));
		else
			printf("%-16s %u\n", u32_keys[i].name,
			       mnl_attr_get_u32(tb[u32_keys[i].attr]));
	}
	if (tb[NFPS_A_CFG_ACTIONS])
		show_actions(&j, o->json, tb[NFPS_A_CFG_ACTIONS]);
	if (o->json) {
		json_close(&j);
		putchar('\n');
	}
	return MNL_CB_OK;
}

/* --- stats --- */

static const struct {
	const char *name;
	uint16_t attr;
} counters[] = {
	{ "packets", NFPS_A_STAT_PACKETS },
	{ "flows", NFPS_A_STAT_FLOWS },
	{ "flows_new", NFPS_A_STAT_FLOWS_NEW },
	{ "flows_evicted", NFPS_A_STAT_FLOWS_EVICTED },
	{ "hosts", NFPS_A_STAT_HOSTS },
	{ "hosts_evicted", NFPS_A_STAT_HOSTS_EVICTED },
	{ "untracked", NFPS_A_STAT_UNTRACKED },
	{ "retransmits", NFPS_A_STAT_RETRANSMITS },
	{ "reordered", NFPS_A_STAT_REORDERED },
	{ "window_drops", NFPS_A_STAT_WINDOW_DROPS },
	{ "tcp_malformed", NFPS_A_STAT_TCP_MALFORMED },
	{ "smtp_malformed", NFPS_A_STAT_SMTP_MALFORMED },
	{ "opaque", NFPS_A_STAT_OPAQUE },
	{ "resets_sent", NFPS_A_STAT_RESETS_SENT },
	{ "blocked_drops", NFPS_A_STAT_BLOCKED_DROPS },
	{ "nomem", NFPS_A_STAT_NOMEM },
	{ "events", NFPS_A_STAT_EVENTS },
	{ "events_dropped", NFPS_A_STAT_EVENTS_DROPPED },
	{ "teaser_holds", NFPS_A_STAT_TEASER_HOLDS },
	{ "cache_pass", NFPS_A_STAT_CACHE_PASS },
	{ "cache_fail", NFPS_A_STAT_CACHE_FAIL },
};

static void stat(struct json *j, bool json, const char *name, uint64_t v)
{
	if (json)
		json_u64(j, name, v);
	else
		printf("%-22s %llu\n", name, (unsigned long long)v);
}

static void stat_nest(struct json *j, bool json, const struct nlattr *nest,
		      const char *prefix, const char *const *names, int max)
{
	const struct nlattr *a;
	char key[64];
	int t;

	if (!nest)
		return;
	mnl_attr_for_each_nested(a, nest) {
		t = mnl_attr_get_type(a);
		if (t > max || !names[t])
			continue;
		snprintf(key, sizeof(key), "%s_%s", prefix, names[t]);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		stat(j, json, key, mnl_attr_get_u64(a));
	}
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFPS_A_MAX + 1] = {};
	const struct out *o = data;
	const struct nlattr *a;
	struct json j;
	size_t i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= NFPS_A_MAX)
			tb[mnl_attr_get_type(a)] = a;
	if (o->json)
		json_open(&j, stdout);
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		if (tb[counters[i].attr])
			stat(&j, o->json, counters[i].name,
			     mnl_attr_get_u64(tb[counters[i].attr]));
	stat_nest(&j, o->json, tb[NFPS_A_STAT_RULES], "rule", rule_names,
		  NFPS_RULE_MAX);
	stat_nest(&j, o->json, tb[NFPS_A_STAT_ACTIONS], "action",
		  action_names, NFPS_ACT_MAX);
	if (o->json) {
		json_close(&j);
		putchar('\n');
	}
	return MNL_CB_OK;
}

/* --- flows and blocks: one object per line, in a JSON array --- */

static void item_start(struct out *o, struct json *j)
{
	if (!o->json)
		return;
	fputs(o->first ? "[\n" : ",\n", stdout);
	o->first = false;
	json_open(j, stdout);
}

static void endpoint(FILE *f, struct json *j, bool json, const char *name,
		     const struct nlattr *addr, const struct nlattr *port)
{
	char buf[INET6_ADDRSTRLEN] = "?";
	char key[32];

	if (addr)
		addr_str(addr, buf, sizeof(buf));
	if (json) {
		json_str(j, name, buf);
		snprintf(key, sizeof(key), "%s_port", name);
		if (port)
			json_u64(j, key, mnl_attr_get_u16(port));
	} else {
		fprintf(f, "%s %s%s%s:%u ", name, strchr(buf, ':') ? "[" : "",
			buf, strchr(buf, ':') ? "]" : "",
			port ? mnl_attr_get_u16(port) : 0);
	}
}

static const char *const flag_names[] = {
	"greeted", "authed", "tls", "trusted", "lost", "data",
};

static int flow_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFPS_A_MAX + 1] = {};
	struct out *o = data;
	const struct nlattr *a;
	char flags[128] = "";
	struct json j;
	uint32_t fl = 0;
	size_t i, n = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= NFPS_A_MAX)
			tb[mnl_attr_get_type(a)] = a;
	if (tb[NFPS_A_FLOW_FLAGS])
		fl = mnl_attr_get_u32(tb[NFPS_A_FLOW_FLAGS]);
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (fl & (1u << i))
			n += snprintf(flags + n, sizeof(flags) - n, "%s%s",
				      n ? "," : "", flag_names[i]);
	item_start(o, &j);
	endpoint(stdout, &j, o->json, "client", tb[NFPS_A_CLIENT], tb[NFPS_A_CLIENT_PORT]);
	endpoint(stdout, &j, o->json, "server", tb[NFPS_A_SERVER], tb[NFPS_A_SERVER_PORT]);
	if (o->json) {
		json_str(&j, "flags", flags);
		json_u64(&j, "rcpts", tb[NFPS_A_RCPTS] ? mnl_attr_get_u32(tb[NFPS_A_RCPTS]) : 0);
		json_u64(&j, "size", tb[NFPS_A_SIZE] ? mnl_attr_get_u64(tb[NFPS_A_SIZE]) : 0);
		json_u64(&j, "age_ms", tb[NFPS_A_AGE_MS] ? mnl_attr_get_u64(tb[NFPS_A_AGE_MS]) : 0);
		json_close(&j);
	} else {
		printf("flags %s rcpts %u size %llu age %llums\n",
		       *flags ? flags : "none",
		       tb[NFPS_A_RCPTS] ? mnl_attr_get_u32(tb[NFPS_A_RCPTS]) : 0,
		       tb[NFPS_A_SIZE] ? (unsigned long long)mnl_attr_get_u64(tb[NFPS_A_SIZE]) : 0ULL,
		       tb[NFPS_A_AGE_MS] ? (unsigned long long)mnl_attr_get_u64(tb[NFPS_A_AGE_MS]) : 0ULL);
	}
	return MNL_CB_OK;
}

static int block_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFPS_A_MAX + 1] = {};
	char buf[INET6_ADDRSTRLEN] = "?";
	struct out *o = data;
	const struct nlattr *a;
	unsigned long long ms;
	struct json j;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= NFPS_A_MAX)
			tb[mnl_attr_get_type(a)] = a;
	if (tb[NFPS_A_CLIENT])
		addr_str(tb[NFPS_A_CLIENT], buf, sizeof(buf));
	ms = tb[NFPS_A_REMAINING_MS] ? mnl_attr_get_u64(tb[NFPS_A_REMAINING_MS]) : 0;
	item_start(o, &j);
	if (o->json) {
		json_str(&j, "client", buf);
		json_u64(&j, "remaining_ms", ms);
		json_close(&j);
	} else {
		printf("%s remaining %llums\n", buf, ms);
	}
	return MNL_CB_OK;
}

static const char *const verdict_names[] = {
	[NFPS_VERDICT_PASS] = "pass", [NFPS_VERDICT_FAIL] = "fail",
};

static int cache_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFPS_A_MAX + 1] = {};
	char buf[INET6_ADDRSTRLEN] = "?";
	const char *verdict = "?";
	struct out *o = data;
	const struct nlattr *a;
	unsigned long long ms;
	struct json j;
	uint8_t v;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= NFPS_A_MAX)
			tb[mnl_attr_get_type(a)] = a;
	if (tb[NFPS_A_CLIENT])
		addr_str(tb[NFPS_A_CLIENT], buf, sizeof(buf));
	v = tb[NFPS_A_VERDICT] ? mnl_attr_get_u8(tb[NFPS_A_VERDICT]) : 0;
	if (v == NFPS_VERDICT_PASS || v == NFPS_VERDICT_FAIL)
		verdict = verdict_names[v];
	ms = tb[NFPS_A_REMAINING_MS] ? mnl_attr_get_u64(tb[NFPS_A_REMAINING_MS]) : 0;
	item_start(o, &j);
	if (o->json) {
		json_str(&j, "client", buf);
		json_str(&j, "verdict", verdict);
		json_u64(&j, "remaining_ms", ms);
		json_close(&j);
	} else {
		printf("%s pregreet %s remaining %llums\n", buf, verdict, ms);
	}
	return MNL_CB_OK;
}

static int dump(uint8_t cmd, mnl_cb_t cb, bool json, const char *what)
{
	struct out o = { json, true };
	int ret;

	ret = request(cmd, NLM_F_DUMP, NULL, NULL, cb, &o, what);
	if (json)
		fputs(o.first ? "[]\n" : "\n]\n", stdout);
	return ret;
}

/* --- block add|del --- */

static int build_block(struct nlmsghdr *nlh, void *arg)
{
	char **w = arg;
	unsigned long long ms;
	char *end;

	if (put_addr(nlh, NFPS_A_CLIENT, w[2], NULL)) {
		fprintf(stderr, "nfpost: Error: \"%s\" is not an address.\n", w[2]);
		return EXIT_RUNTIME;
	}
	if (s_argc == 5 && !strcmp(w[1], "add") && !strcmp(w[3], "time")) {
		ms = strtoull(w[4], &end, 10);
		if (*end || !*w[4]) {
			fprintf(stderr, "nfpost: Error: \"%s\" is not a time in ms.\n", w[4]);
			return EXIT_RUNTIME;
		}
		mnl_attr_put_u64(nlh, NFPS_A_REMAINING_MS, ms);
	} else if (s_argc != 3) {
		return EXIT_USAGE;
	}
	return 0;
}

static int block(bool json)
{
	if (s_argc >= 2 && !strcmp(s_argv[1], "show"))
		return dump(NFPS_CMD_GET_BLOCKS, block_cb, json, "smtp block show");
	if (s_argc >= 3 && !strcmp(s_argv[1], "add"))
		return request(NFPS_CMD_ADD_BLOCK, NLM_F_ACK, build_block,
			       s_argv, NULL, NULL, "smtp block add");
	if (s_argc == 3 && !strcmp(s_argv[1], "del"))
		return request(NFPS_CMD_DEL_BLOCK, NLM_F_ACK, build_block,
			       s_argv, NULL, NULL, "smtp block del");
	smtp_usage(stderr);
	return EXIT_USAGE;
}

static int build_flush(struct nlmsghdr *nlh, void *arg)
{
	char **w = arg;

	if (s_argc == 2)
		return 0;
	if (s_argc != 3)
		return EXIT_USAGE;
	if (put_addr(nlh, NFPS_A_CLIENT, w[2], NULL)) {
		fprintf(stderr, "nfpost: Error: \"%s\" is not an address.\n", w[2]);
		return EXIT_RUNTIME;
	}
	return 0;
}

static int cache(bool json)
{
	if (s_argc == 2 && !strcmp(s_argv[1], "show"))
		return dump(NFPS_CMD_GET_CACHE, cache_cb, json, "smtp cache show");
	if (s_argc >= 2 && !strcmp(s_argv[1], "flush"))
		return request(NFPS_CMD_FLUSH_CACHE, NLM_F_ACK, build_flush,
			       s_argv, NULL, NULL, "smtp cache flush");
	smtp_usage(stderr);
	return EXIT_USAGE;
}

int smtp_run(const struct nfpost_args *a)
{
	struct out o = { a->json, true };
	const char *verb = s_argv[0];

	if (!strcmp(verb, "show") && s_argc == 1)
		return request(NFPS_CMD_GET_CONFIG, 0, NULL, NULL, show_cb, &o,
			       "smtp show");
	if (!strcmp(verb, "stats") && s_argc == 1)
		return request(NFPS_CMD_GET_STATS, 0, NULL, NULL, stats_cb, &o,
			       "smtp stats");
	if (!strcmp(verb, "set"))
		return request(NFPS_CMD_SET_CONFIG, NLM_F_ACK, build_set,
			       s_argv, NULL, NULL, "smtp set");
	if (!strcmp(verb, "load"))
		return load();
	/* "flows" alone shows them, as `ip route` does. */
	if (!strcmp(verb, "flows") &&
	    (s_argc == 1 || (s_argc == 2 && !strcmp(s_argv[1], "show"))))
		return dump(NFPS_CMD_GET_FLOWS, flow_cb, a->json, "smtp flows show");
	if (!strcmp(verb, "block"))
		return block(a->json);
	if (!strcmp(verb, "cache"))
		return cache(a->json);
	fprintf(stderr, "nfpost: Error: \"smtp %s\" is unknown, try \"nfpost smtp help\".\n",
		verb);
	return EXIT_USAGE;
}

/* --- monitor smtp --- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct mon {
	bool json;
	unsigned long count;
	unsigned long seen;
};

/* One nfpost_smtp event as `monitor smtp` and plain `monitor` print it. */
void smtp_event_print(FILE *f, const struct nlmsghdr *nlh, bool json)
{
	const struct nlattr *tb[NFPS_A_MAX + 1] = {};
	const struct nlattr *a;
	struct json j;
	const char *rule = "?", *act = "?";

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= NFPS_A_MAX)
			tb[mnl_attr_get_type(a)] = a;
	if (tb[NFPS_A_RULE] && mnl_attr_get_u8(tb[NFPS_A_RULE]) <= NFPS_RULE_MAX)
		rule = rule_names[mnl_attr_get_u8(tb[NFPS_A_RULE])] ?: "?";
	if (tb[NFPS_A_ACTION] && mnl_attr_get_u8(tb[NFPS_A_ACTION]) <= NFPS_ACT_MAX)
		act = action_names[mnl_attr_get_u8(tb[NFPS_A_ACTION])] ?: "?";
	if (json) {
		json_open(&j, f);
		json_str(&j, "module", "smtp");
		json_str(&j, "event", rule);
		json_str(&j, "action", act);
		if (tb[NFPS_A_TIME])
			json_u64(&j, "time_ns", mnl_attr_get_u64(tb[NFPS_A_TIME]));
	} else {
		fprintf(f, "smtp %s %s ", rule, act);
	}
	endpoint(f, &j, json, "client", tb[NFPS_A_CLIENT], tb[NFPS_A_CLIENT_PORT]);
	endpoint(f, &j, json, "server", tb[NFPS_A_SERVER], tb[NFPS_A_SERVER_PORT]);
	if (json) {
		if (tb[NFPS_A_COMMAND])
			json_str(&j, "command", mnl_attr_get_str(tb[NFPS_A_COMMAND]));
		if (tb[NFPS_A_VALUE])
			json_u64(&j, "value", mnl_attr_get_u64(tb[NFPS_A_VALUE]));
		json_close(&j);
	} else {
		/* The kernel escaped it: printable ASCII only. */
		if (tb[NFPS_A_COMMAND])
			fprintf(f, "command \"%s\" ", mnl_attr_get_str(tb[NFPS_A_COMMAND]));
		if (tb[NFPS_A_VALUE])
			fprintf(f, "value %llu",
				(unsigned long long)mnl_attr_get_u64(tb[NFPS_A_VALUE]));
	}
	fputc('\n', f);
}

/*
 * Plain `nfpost monitor` takes the guard's events on its own socket too:
 * the family's id in @fam, and a SUBSCRIBE without an ack (a refusal comes
 * back as an error the monitor ignores, as it does for nfpost_mcast).
 */
int smtp_subscribe(struct genl_sock *sock, struct genl_family *fam)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = genl_msg_start(buf, fam->id, NFPS_CMD_SUBSCRIBE,
			     NFPS_GENL_VERSION, 0);
	nlh->nlmsg_seq = ++sock->seq;
	if (mnl_socket_sendto(sock->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

bool smtp_is_event(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return g->cmd == NFPS_CMD_EVENT;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mon *m = data;

	if (!smtp_is_event(nlh))
		return MNL_CB_OK;
	smtp_event_print(stdout, nlh, m->json);
	m->seen++;
	return m->count && m->seen >= m->count ? MNL_CB_STOP : MNL_CB_OK;
}

int smtp_monitor(const struct nfpost_args *a)
{
	static char buf[GENL_BUF_SIZE];
	struct mon m = { a->json, a->count, 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	struct pollfd pfd;
	struct nfps n;
	int ret, rcvbuf = 8 << 20;
	ssize_t len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = nfps_open(&n);
	if (!ret)
		ret = genl_request(&n.sock, msg(&n, buf, NFPS_CMD_SUBSCRIBE,
						NLM_F_ACK), NULL, NULL);
	if (ret) {
		ret = report(&n, ret, "monitor smtp");
		genl_close(&n.sock);
		return ret;
	}
	setsockopt(mnl_socket_get_fd(n.sock.nl), SOL_SOCKET, SO_RCVBUF,
		   &rcvbuf, sizeof(rcvbuf));
	/*
	 * Subscribed: from here on it waits in ppoll(2), never before, so
	 * that a script can tell it is ready (see selftests/lib.sh). The
	 * signals are blocked except inside ppoll(), so that one cannot
	 * slip in between checking `stop` and going to sleep.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pfd = (struct pollfd){ mnl_socket_get_fd(n.sock.nl), POLLIN, 0 };
	ret = MNL_CB_OK;
	while (!stop && ret == MNL_CB_OK) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "nfpost: events were lost: socket buffer overrun\n");
				continue;
			}
			break;
		}
		ret = mnl_cb_run(buf, len, 0, 0, event_cb, &m);
	}
	genl_close(&n.sock);
	return 0;
}
