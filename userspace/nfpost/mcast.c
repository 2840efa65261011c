// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost mcast`: enable, disable, set, show, stats, config, add, del,
 * router, port. Each verb builds one request of the nfpost_mcast family and
 * prints its replies; a failure is one line with the kernel's extack text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/nfpost_mcast.h>
#include "fmt.h"
#include "genl.h"
#include "json.h"
#include "mcast.h"
#include "mcast_args.h"

typedef const struct nlattr *mc_tb[NFPM_A_MAX + 1];

struct mc {
	struct genl_sock sock;
	struct genl_family fam;
	unsigned int ifindex, port;
};

/* Per reply: how to print it, and whether a JSON element came before. */
struct out {
	bool json;
	bool first;
};

void mcast_usage(FILE *f)
{
	fputs("Usage: nfpost mcast enable dev BR\n"
	      "       nfpost mcast disable dev BR\n"
	      "       nfpost mcast set dev BR KEY VALUE [KEY VALUE ...]\n"
	      "       nfpost mcast show [dev BR] [-j]\n"
	      "       nfpost mcast stats [dev BR] [-j]\n"
	      "       nfpost mcast config [dev BR] [-j]\n"
	      "       nfpost mcast add dev BR port P grp G [src S] [permanent]\n"
	      "       nfpost mcast del dev BR port P grp G [src S]\n"
	      "       nfpost mcast router dev BR port P { disabled | learned | permanent | temporary }\n"
	      "       nfpost mcast port dev BR port P [fast-leave on|off] [max-groups N]\n"
	      "       nfpost mcast port [dev BR] [-j]\n"
	      "KEY := { querier on|off | igmp-version 2|3 | mld-version 1|2 |\n"
	      "         unregistered auto|flood|routers|drop | max-groups N |\n"
	      "         query-interval | query-response-interval | membership-interval |\n"
	      "         other-querier-interval | last-member-interval (all MS) |\n"
	      "         robustness N | last-member-count N }\n", f);
}

int args_mcast(int argc, char **argv, struct nfpost_args *a, char *err,
	       size_t len)
{
	int ret = mcast_args_parse(argc, argv, &a->mcast, err, len);

	a->cmd = CMD_MCAST;
	a->json |= a->mcast.json;
	return ret;
}

/* Payload sizes; 0xff: string, 0xfe: 4 or 16 bytes, 0xfd: nest. */
#define STR	0xff
#define ADDR	0xfe
#define NEST	0xfd

static const unsigned char attr_size[NFPM_A_MAX + 1] = {
	[NFPM_A_IFINDEX] = 4, [NFPM_A_IFNAME] = STR, [NFPM_A_PORT] = 4,
	[NFPM_A_PORT_NAME] = STR, [NFPM_A_GROUP] = ADDR, [NFPM_A_MODE] = 1,
	[NFPM_A_GROUP_TIMER_MS] = 4, [NFPM_A_FLAGS] = 4,
	[NFPM_A_SOURCES] = NEST, [NFPM_A_SRC_ADDR] = ADDR,
	[NFPM_A_SRC_TIMER_MS] = 4, [NFPM_A_ROUTER] = 1, [NFPM_A_IS_ROUTER] = 1,
	[NFPM_A_ROUTER_TIMER_MS] = 4, [NFPM_A_FAST_LEAVE] = 1,
	[NFPM_A_MAX_GROUPS] = 4, [NFPM_A_GROUPS] = 4,
	[NFPM_A_QUERIER4] = ADDR, [NFPM_A_QUERIER4_TIMER_MS] = 4,
	[NFPM_A_QUERIER6] = ADDR, [NFPM_A_QUERIER6_TIMER_MS] = 4,
	[NFPM_A_EVENT] = 4, [NFPM_A_TIME] = 8,
	[NFPM_A_CFG_UNREGISTERED ... NFPM_A_CFG_MLD_VERSION] = 4,
	[NFPM_A_STAT_IGMP_QUERY ... NFPM_A_STAT_GROUPS] = 8,
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);
	unsigned char size;

	if (type > NFPM_A_MAX)
		return MNL_CB_OK;
	size = attr_size[type];
	if (size == STR ? mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 :
	    size == ADDR ? len != 4 && len != 16 :
	    size == NEST ? mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 :
	    !size || len != size)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int parse(const struct nlmsghdr *nlh, mc_tb tb)
{
	memset(tb, 0, sizeof(mc_tb));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EBADMSG;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, tb);
	return 0;
}

static const char *addr_str(const struct nlattr *a, char *buf)
{
	int len = mnl_attr_get_payload_len(a);

	if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, mnl_attr_get_payload(a),
		       buf, INET6_ADDRSTRLEN))
		return "?";
	return buf;
}

static const char *str_or(const struct nlattr *a, const char *dflt)
{
	return a ? mnl_attr_get_str(a) : dflt;
}

static uint32_t u32_or(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

/* --- show --- */

struct src {
	const struct nlattr *addr, *timer;
};

static int src_cb(const struct nlattr *attr, void *data)
{
	struct src *s = data;
	uint16_t len = mnl_attr_get_payload_len(attr);

	if (mnl_attr_get_type(attr) == NFPM_A_SRC_ADDR && (len == 4 || len == 16))
		s->addr = attr;
	else if (mnl_attr_get_type(attr) == NFPM_A_SRC_TIMER_MS && len == 4)
		s->timer = attr;
	return MNL_CB_OK;
}

static void sources(FILE *f, const struct nlattr *nest, struct json *j)
{
	char buf[INET6_ADDRSTRLEN];
	const struct nlattr *one;
	struct json_arr arr;
	struct json e;

	if (j)
		json_arr_open(j, "sources", &arr);
	mnl_attr_for_each_nested(one, nest) {
		struct src s = { 0 };

		mnl_attr_parse_nested(one, src_cb, &s);
		if (!s.addr)
			continue;
		if (!j) {
			fprintf(f, "    src %s", addr_str(s.addr, buf));
			if (s.timer)
				fprintf(f, " timer %.2f", mnl_attr_get_u32(s.timer) / 1000.0);
			fputc('\n', f);
			continue;
		}
		json_arr_obj(&arr, &e);
		json_str(&e, "addr", addr_str(s.addr, buf));
		if (s.timer)
			json_u64(&e, "timer", mnl_attr_get_u32(s.timer));
		json_close(&e);
	}
	if (j)
		json_arr_close(&arr);
}

static void mc_group_print(FILE *f, mc_tb tb, bool json)
{
	char buf[INET6_ADDRSTRLEN];
	uint32_t flags = u32_or(tb[NFPM_A_FLAGS], 0);
	const char *mode = tb[NFPM_A_MODE] && mnl_attr_get_u8(tb[NFPM_A_MODE]) ?
			   "exclude" : "include";
	struct json j;

	if (!tb[NFPM_A_GROUP])
		return;
	if (!json) {
		fprintf(f, "dev %s port %s grp %s mode %s",
			str_or(tb[NFPM_A_IFNAME], "?"),
			str_or(tb[NFPM_A_PORT_NAME], "?"),
			addr_str(tb[NFPM_A_GROUP], buf), mode);
		if (tb[NFPM_A_GROUP_TIMER_MS])
			fprintf(f, " timer %.2f",
				mnl_attr_get_u32(tb[NFPM_A_GROUP_TIMER_MS]) / 1000.0);
		fputs(flags & NFPM_F_PERMANENT ? " permanent" :
		      flags & NFPM_F_STATIC ? " static" : "", f);
		fputc('\n', f);
		if (tb[NFPM_A_SOURCES])
			sources(f, tb[NFPM_A_SOURCES], NULL);
		return;
	}
	json_open(&j, f);
	json_str(&j, "dev", str_or(tb[NFPM_A_IFNAME], ""));
	json_str(&j, "port", str_or(tb[NFPM_A_PORT_NAME], ""));
	json_str(&j, "grp", addr_str(tb[NFPM_A_GROUP], buf));
	json_str(&j, "mode", mode);
	if (tb[NFPM_A_GROUP_TIMER_MS])
		json_u64(&j, "timer", mnl_attr_get_u32(tb[NFPM_A_GROUP_TIMER_MS]));
	json_bool(&j, "static", flags & NFPM_F_STATIC);
	json_bool(&j, "permanent", flags & NFPM_F_PERMANENT);
	if (tb[NFPM_A_SOURCES])
		sources(f, tb[NFPM_A_SOURCES], &j);
	json_close(&j);
}

/* --- config, stats, ports --- */

static void mc_config_print(FILE *f, mc_tb tb, bool json)
{
	char buf[INET6_ADDRSTRLEN];
	const struct mcast_key *k;
	const char *name;
	struct json j;
	size_t i;

	if (json) {
		json_open(&j, f);
		json_str(&j, "dev", str_or(tb[NFPM_A_IFNAME], ""));
	} else {
		fprintf(f, "dev %s", str_or(tb[NFPM_A_IFNAME], "?"));
	}
	for (i = 0; i < mcast_n_keys; i++) {
		k = &mcast_keys[i];
		if (!tb[k->attr])
			continue;
		name = mcast_key_name(k, mnl_attr_get_u32(tb[k->attr]));
		if (json && name)
			json_str(&j, k->json, name);
		else if (json)
			json_u64(&j, k->json, mnl_attr_get_u32(tb[k->attr]));
		else if (name)
			fprintf(f, " %s %s", k->word, name);
		else
			fprintf(f, " %s %u", k->word, mnl_attr_get_u32(tb[k->attr]));
	}
	for (i = 0; i < 2; i++) {
		const struct nlattr *q = tb[i ? NFPM_A_QUERIER6 : NFPM_A_QUERIER4];
		const struct nlattr *t = tb[i ? NFPM_A_QUERIER6_TIMER_MS :
					    NFPM_A_QUERIER4_TIMER_MS];

		if (!q)
			continue;
		if (json) {
			json_str(&j, i ? "querier6" : "querier4", addr_str(q, buf));
			json_u64(&j, i ? "querier6_timer" : "querier4_timer",
				 u32_or(t, 0));
		} else {
			fprintf(f, " %s %s", i ? "querier6" : "querier4",
				addr_str(q, buf));
		}
	}
	if (json)
		json_close(&j);
	else
		fputc('\n', f);
}

static const char *const stat_names[] = {
	"igmp_query", "igmp_v1_report", "igmp_v2_report", "igmp_v3_report",
	"igmp_leave", "mld_query", "mld_v1_report", "mld_v2_report", "mld_done",
	"malformed", "forwarded", "filtered", "evicted", "sources_dropped",
	"queries_sent", "queries_dropped", "groups",
};

static void mc_stats_print(FILE *f, mc_tb tb, bool json)
{
	struct json j;
	size_t i;

	_Static_assert(sizeof(stat_names) / sizeof(stat_names[0]) ==
		       NFPM_A_STAT_GROUPS - NFPM_A_STAT_IGMP_QUERY + 1,
		       "a name per counter");
	if (json) {
		json_open(&j, f);
		json_str(&j, "dev", str_or(tb[NFPM_A_IFNAME], ""));
	} else {
		fprintf(f, "dev %s\n", str_or(tb[NFPM_A_IFNAME], "?"));
	}
	for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
		const struct nlattr *a = tb[NFPM_A_STAT_IGMP_QUERY + i];
		unsigned long long v = a ? mnl_attr_get_u64(a) : 0;

		if (json)
			json_u64(&j, stat_names[i], v);
		else
			fprintf(f, "  %-16s %llu\n", stat_names[i], v);
	}
	if (json)
		json_close(&j);
}

static const char *const router_words[] = {
	"disabled", "learned", "permanent", "temporary",
};

static void mc_port_print(FILE *f, mc_tb tb, bool json)
{
	uint8_t r = tb[NFPM_A_ROUTER] ? mnl_attr_get_u8(tb[NFPM_A_ROUTER]) : 0;
	const char *router = r < 4 ? router_words[r] : "?";
	bool is = tb[NFPM_A_IS_ROUTER] && mnl_attr_get_u8(tb[NFPM_A_IS_ROUTER]);
	bool fl = tb[NFPM_A_FAST_LEAVE] && mnl_attr_get_u8(tb[NFPM_A_FAST_LEAVE]);
	struct json j;

	if (!json) {
		fprintf(f, "dev %s port %s router %s%s fast-leave %s max-groups %u groups %u\n",
			str_or(tb[NFPM_A_IFNAME], "?"),
			str_or(tb[NFPM_A_PORT_NAME], "?"), router,
			is ? " (router port)" : "", fl ? "on" : "off",
			u32_or(tb[NFPM_A_MAX_GROUPS], 0),
			u32_or(tb[NFPM_A_GROUPS], 0));
		return;
	}
	json_open(&j, f);
	json_str(&j, "dev", str_or(tb[NFPM_A_IFNAME], ""));
	json_str(&j, "port", str_or(tb[NFPM_A_PORT_NAME], ""));
	json_str(&j, "router", router);
	json_bool(&j, "is_router", is);
	if (tb[NFPM_A_ROUTER_TIMER_MS])
		json_u64(&j, "router_timer",
			 mnl_attr_get_u32(tb[NFPM_A_ROUTER_TIMER_MS]));
	json_bool(&j, "fast_leave", fl);
	json_u64(&j, "max_groups", u32_or(tb[NFPM_A_MAX_GROUPS], 0));
	json_u64(&j, "groups", u32_or(tb[NFPM_A_GROUPS], 0));
	json_close(&j);
}

struct dump {
	struct out out;
	void (*print)(FILE *f, mc_tb tb, bool json);
	struct json_arr arr;
};

static int dump_one(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	mc_tb tb;

	if (parse(nlh, tb))
		return MNL_CB_OK;
	if (d->out.json)
		json_arr_next(&d->arr);
	d->print(stdout, tb, d->out.json);
	return MNL_CB_OK;
}

/* --- requests --- */

static int report(struct mc *c, int err, const char *what)
{
	if (!c->sock.nl)
		fprintf(stderr, "nfpost: Error: cannot open a generic netlink socket: %s\n",
			strerror(-err));
	else if (!c->fam.id)
		fprintf(stderr, "nfpost: the %s module is not loaded (insmod %s.ko)\n",
			NFPM_GENL_NAME, NFPM_GENL_NAME);
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "nfpost: Error: \"%s\" needs CAP_NET_ADMIN (%s).\n",
			what, c->sock.extack[0] ? c->sock.extack : strerror(-err));
	else if (c->sock.extack[0])
		fprintf(stderr, "nfpost: Error: %s\n", c->sock.extack);
	else
		fprintf(stderr, "nfpost: Error: %s: %s\n", what, strerror(-err));
	return EXIT_RUNTIME;
}

static struct nlmsghdr *msg(struct mc *c, void *buf, uint8_t cmd,
			    uint16_t flags)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, c->fam.id, cmd,
					      NFPM_GENL_VERSION, flags);

	if (c->ifindex)
		mnl_attr_put_u32(nlh, NFPM_A_IFINDEX, c->ifindex);
	return nlh;
}

static int request(struct mc *c, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data, const char *what)
{
	int ret = genl_request(&c->sock, nlh, cb, data);

	return ret ? report(c, ret, what) : 0;
}

static int dump(const struct nfpost_args *a, struct mc *c, uint8_t cmd,
		void (*print)(FILE *f, mc_tb tb, bool json), const char *what)
{
	struct dump d = { .out = { a->json, true }, .print = print };
	char buf[256];
	int ret;

	if (a->json)
		json_arr_start_lines(&d.arr, stdout);
	ret = request(c, msg(c, buf, cmd, NLM_F_DUMP), dump_one, &d, what);
	if (a->json) {
		json_arr_close(&d.arr);
		putchar('\n');
	}
	return ret;
}

static int entry(const struct nfpost_args *a, struct mc *c)
{
	const struct mcast_args *m = &a->mcast;
	bool add = m->verb == MCAST_ADD;
	struct nlmsghdr *nlh;
	char buf[256];

	nlh = msg(c, buf, add ? NFPM_CMD_ADD : NFPM_CMD_DEL, 0);
	mnl_attr_put_u32(nlh, NFPM_A_PORT, c->port);
	mnl_attr_put(nlh, NFPM_A_GROUP, m->alen, m->group);
	if (m->has_src)
		mnl_attr_put(nlh, NFPM_A_SOURCE_ADDR, m->alen, m->src);
	if (m->permanent)
		mnl_attr_put(nlh, NFPM_A_PERMANENT, 0, NULL);
	return request(c, nlh, NULL, NULL, add ? "mcast add" : "mcast del");
}

static int set(const struct nfpost_args *a, struct mc *c)
{
	const struct mcast_args *m = &a->mcast;
	struct nlmsghdr *nlh;
	char buf[512];
	unsigned int i;

	nlh = msg(c, buf, NFPM_CMD_SET_CONFIG, 0);
	for (i = 0; i < m->n_set; i++)
		mnl_attr_put_u32(nlh, m->set[i].attr, m->set[i].val);
	return request(c, nlh, NULL, NULL, "mcast set");
}

static int port(const struct nfpost_args *a, struct mc *c)
{
	const struct mcast_args *m = &a->mcast;
	struct nlmsghdr *nlh;
	char buf[256];

	if (m->verb == MCAST_PORT && !m->port)
		return dump(a, c, NFPM_CMD_GET_PORTS, mc_port_print, "mcast port");
	nlh = genl_msg_start(buf, c->fam.id, NFPM_CMD_SET_PORT,
			     NFPM_GENL_VERSION, 0);
	mnl_attr_put_u32(nlh, NFPM_A_PORT, c->port);
	if (m->router >= 0)
		mnl_attr_put_u8(nlh, NFPM_A_ROUTER, m->router);
	if (m->fast_leave >= 0)
		mnl_attr_put_u8(nlh, NFPM_A_FAST_LEAVE, m->fast_leave);
	if (m->port_max >= 0)
		mnl_attr_put_u32(nlh, NFPM_A_MAX_GROUPS, m->port_max);
	return request(c, nlh, NULL, NULL,
		       m->verb == MCAST_ROUTER ? "mcast router" : "mcast port");
}

static int run(const struct nfpost_args *a, struct mc *c)
{
	char buf[256];

	switch (a->mcast.verb) {
	case MCAST_ENABLE:
		return request(c, msg(c, buf, NFPM_CMD_ENABLE, 0), NULL, NULL,
			       "mcast enable");
	case MCAST_DISABLE:
		return request(c, msg(c, buf, NFPM_CMD_DISABLE, 0), NULL, NULL,
			       "mcast disable");
	case MCAST_SET:
		return set(a, c);
	case MCAST_SHOW:
		return dump(a, c, NFPM_CMD_GET_GROUPS, mc_group_print, "mcast show");
	case MCAST_STATS:
		return dump(a, c, NFPM_CMD_GET_STATS, mc_stats_print, "mcast stats");
	case MCAST_CONFIG:
		return dump(a, c, NFPM_CMD_GET_CONFIG, mc_config_print,
			    "mcast config");
	case MCAST_ADD:
	case MCAST_DEL:
		return entry(a, c);
	case MCAST_ROUTER:
	case MCAST_PORT:
		return port(a, c);
	case MCAST_HELP:
		break;
	}
	return 0;
}

static int dev_index(const char *name, unsigned int *ifindex_r)
{
	*ifindex_r = 0;
	if (!name)
		return 0;
	*ifindex_r = if_nametoindex(name);
	if (*ifindex_r)
		return 0;
	fprintf(stderr, "nfpost: Device \"%s\" does not exist.\n", name);
	return EXIT_RUNTIME;
}

int mcast_run(const struct nfpost_args *a)
{
	struct mc c = { 0 };
	int ret;

	if (a->mcast.verb == MCAST_HELP) {
		mcast_usage(stdout);
		return 0;
	}
	ret = dev_index(a->mcast.dev, &c.ifindex) ?:
	      dev_index(a->mcast.port, &c.port);
	if (ret)
		return ret;
	ret = genl_open(&c.sock);
	if (!ret)
		ret = genl_family_get(&c.sock, NFPM_GENL_NAME, &c.fam);
	if (ret) {
		c.fam.id = 0;
		ret = report(&c, ret, "mcast");
	} else {
		ret = run(a, &c);
	}
	genl_close(&c.sock);
	return ret;
}

/* --- events --- */

static const char *const event_names[] = {
	[NFPM_EV_JOIN] = "mcast-join", [NFPM_EV_LEAVE] = "mcast-leave",
	[NFPM_EV_EXPIRY] = "mcast-expiry", [NFPM_EV_EVICTION] = "mcast-eviction",
	[NFPM_EV_QUERIER] = "mcast-querier",
};

void mcast_event_print(FILE *f, const struct nlmsghdr *nlh, bool json)
{
	char buf[INET6_ADDRSTRLEN], tbuf[FMT_TIME_LEN];
	const struct nlattr *q;
	const char *name = "mcast-unknown", *t = "-";
	uint32_t ev;
	struct json j;
	mc_tb tb;

	if (parse(nlh, tb) || !tb[NFPM_A_EVENT])
		return;
	ev = mnl_attr_get_u32(tb[NFPM_A_EVENT]);
	if (ev <= NFPM_EV_MAX && event_names[ev])
		name = event_names[ev];
	if (tb[NFPM_A_TIME])
		t = fmt_time(tbuf, mnl_attr_get_u64(tb[NFPM_A_TIME]), true);
	q = tb[NFPM_A_QUERIER4] ?: tb[NFPM_A_QUERIER6];
	if (!json) {
		fprintf(f, "%s %s dev %s", t, name, str_or(tb[NFPM_A_IFNAME], "?"));
		if (tb[NFPM_A_PORT_NAME])
			fprintf(f, " port %s", mnl_attr_get_str(tb[NFPM_A_PORT_NAME]));
		if (tb[NFPM_A_GROUP])
			fprintf(f, " grp %s", addr_str(tb[NFPM_A_GROUP], buf));
		if (ev == NFPM_EV_QUERIER)
			fprintf(f, " querier %s", q ? addr_str(q, buf) : "none");
		fputc('\n', f);
		return;
	}
	json_open(&j, f);
	json_str(&j, "time", t);
	json_str(&j, "event", name);
	json_str(&j, "dev", str_or(tb[NFPM_A_IFNAME], ""));
	if (tb[NFPM_A_PORT_NAME])
		json_str(&j, "port", mnl_attr_get_str(tb[NFPM_A_PORT_NAME]));
	if (tb[NFPM_A_GROUP])
		json_str(&j, "grp", addr_str(tb[NFPM_A_GROUP], buf));
	if (ev == NFPM_EV_QUERIER)
		json_str(&j, "querier", q ? addr_str(q, buf) : "");
	json_close(&j);
	fputc('\n', f);
}
