// SPDX-License-Identifier: GPL-2.0
/* `nfpost mcast` argument parsing from a table, no kernel involved. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/nfpost_mcast.h>
#include "args.h"
#include "mcast_args.h"

struct mc_case {
	const char *name;
	const char *line;
	int ret;			/* 0, EXIT_USAGE or EXIT_RUNTIME */
	enum mcast_verb verb;
	const char *err;		/* a part of the message, for errors */
};

#define OK(n, l, v)	{ n, l, 0, v, NULL }
#define ERR(n, l, r, e)	{ n, l, r, 0, e }

static const struct mc_case cases[] = {
	OK("nothing_is_show", "", MCAST_SHOW),
	OK("enable_dev", "enable dev br0", MCAST_ENABLE),
	OK("disable_dev", "disable dev br0", MCAST_DISABLE),
	OK("show_dev_json", "show dev br0 -j", MCAST_SHOW),
	OK("json_before_verb", "-j stats", MCAST_STATS),
	OK("config_all", "config", MCAST_CONFIG),
	OK("set_words_and_numbers",
	   "set dev br0 querier on unregistered drop query-interval 2000",
	   MCAST_SET),
	OK("add_group", "add dev br0 port h1 grp 239.1.1.1", MCAST_ADD),
	OK("add_source_permanent",
	   "add dev br0 port h1 grp 239.1.1.1 src 10.0.0.1 permanent", MCAST_ADD),
	OK("del_ipv6", "del dev br0 port h1 grp ff0e::42 src 2001:db8::1",
	   MCAST_DEL),
	OK("router_temporary", "router dev br0 port h1 temporary", MCAST_ROUTER),
	OK("port_options", "port dev br0 port h1 fast-leave on max-groups 8",
	   MCAST_PORT),
	OK("port_list", "port -j", MCAST_PORT),
	OK("help", "help", MCAST_HELP),
	ERR("enable_needs_dev", "enable", EXIT_USAGE, "\"dev\" is required"),
	ERR("unknown_verb", "frobnicate", EXIT_USAGE, "Unknown keyword"),
	ERR("dev_twice", "show dev a dev b", EXIT_USAGE, "given twice"),
	ERR("bad_ifname", "show dev a/b", EXIT_RUNTIME, "not a valid interface"),
	ERR("set_nothing", "set dev br0", EXIT_USAGE, "not complete"),
	ERR("set_unknown_key", "set dev br0 colour blue", EXIT_USAGE,
	    "Unknown keyword \"colour\""),
	ERR("set_bad_word", "set dev br0 unregistered sometimes", EXIT_RUNTIME,
	    "not a valid unregistered"),
	ERR("set_bad_number", "set dev br0 robustness two", EXIT_RUNTIME,
	    "unsigned decimal"),
	ERR("set_key_twice", "set dev br0 robustness 2 robustness 3", EXIT_USAGE,
	    "given twice"),
	ERR("add_needs_port", "add dev br0 grp 239.1.1.1", EXIT_USAGE,
	    "\"port\" is required"),
	ERR("add_needs_group", "add dev br0 port h1", EXIT_USAGE,
	    "\"grp\" is required"),
	ERR("bad_group", "add dev br0 port h1 grp 239.1.1", EXIT_RUNTIME,
	    "not a valid group"),
	ERR("mixed_families", "add dev br0 port h1 grp 239.1.1.1 src ::1",
	    EXIT_RUNTIME, "different families"),
	ERR("del_is_not_permanent", "del dev br0 port h1 grp 239.1.1.1 permanent",
	    EXIT_USAGE, "Unknown keyword \"permanent\""),
	ERR("router_bad_mode", "router dev br0 port h1 sometimes", EXIT_RUNTIME,
	    "not a valid router mode"),
	ERR("router_needs_mode", "router dev br0 port h1", EXIT_USAGE,
	    "not complete"),
	ERR("port_needs_an_option", "port dev br0 port h1", EXIT_USAGE,
	    "not complete"),
	ERR("fast_leave_bad", "port dev br0 port h1 fast-leave maybe",
	    EXIT_RUNTIME, "fast-leave value"),
};

static void run_case(void **state)
{
	const struct mc_case *c = *state;
	char line[256], *argv[32], *w, err[ARGS_ERR_LEN];
	struct mcast_args m;
	int argc = 0, ret;

	snprintf(line, sizeof(line), "%s", c->line);
	for (w = strtok(line, " "); w; w = strtok(NULL, " "))
		argv[argc++] = w;
	ret = mcast_args_parse(argc, argv, &m, err, sizeof(err));
	if (ret != c->ret)
		fail_msg("%s: returned %d (%s), want %d", c->name, ret, err,
			 c->ret);
	if (!ret && m.verb != c->verb)
		fail_msg("%s: verb %d, want %d", c->name, m.verb, c->verb);
	if (c->err && !strstr(err, c->err))
		fail_msg("%s: message \"%s\" lacks \"%s\"", c->name, err, c->err);
}

static void fields_of_an_entry(void **state)
{
	char *argv[] = { "add", "dev", "br0", "port", "h1", "grp", "ff0e::42",
			 "src", "2001:db8::1", "permanent" };
	char err[ARGS_ERR_LEN];
	struct mcast_args m;

	(void)state;
	assert_int_equal(mcast_args_parse(10, argv, &m, err, sizeof(err)), 0);
	assert_string_equal(m.dev, "br0");
	assert_string_equal(m.port, "h1");
	assert_int_equal(m.alen, 16);
	assert_int_equal(m.group[0], 0xff);
	assert_true(m.has_src);
	assert_int_equal(m.src[15], 1);
	assert_true(m.permanent);
}

static void set_values_become_attributes(void **state)
{
	char *argv[] = { "set", "dev", "br0", "querier", "on", "unregistered",
			 "routers", "last-member-count", "3" };
	char err[ARGS_ERR_LEN];
	struct mcast_args m;

	(void)state;
	assert_int_equal(mcast_args_parse(9, argv, &m, err, sizeof(err)), 0);
	assert_int_equal(m.n_set, 3);
	assert_int_equal(m.set[0].attr, NFPM_A_CFG_QUERIER);
	assert_int_equal(m.set[0].val, 1);
	assert_int_equal(m.set[1].attr, NFPM_A_CFG_UNREGISTERED);
	assert_int_equal(m.set[1].val, NFPM_UNREG_ROUTERS);
	assert_int_equal(m.set[2].attr, NFPM_A_CFG_LAST_MEMBER_COUNT);
	assert_int_equal(m.set[2].val, 3);
}

static void router_and_port_options(void **state)
{
	char *r[] = { "router", "dev", "br0", "port", "h1", "permanent" };
	char *p[] = { "port", "dev", "br0", "port", "h1", "fast-leave", "off",
		      "max-groups", "0" };
	char err[ARGS_ERR_LEN];
	struct mcast_args m;

	(void)state;
	assert_int_equal(mcast_args_parse(6, r, &m, err, sizeof(err)), 0);
	assert_int_equal(m.router, NFPM_ROUTER_PERMANENT);
	assert_int_equal(m.fast_leave, -1);
	assert_int_equal(mcast_args_parse(9, p, &m, err, sizeof(err)), 0);
	assert_int_equal(m.fast_leave, 0);
	assert_int_equal(m.port_max, 0);
	assert_int_equal(m.router, -1);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 3];
	size_t i, n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ cases[i].name, run_case,
						   NULL, NULL, (void *)&cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(fields_of_an_entry);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(set_values_become_attributes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(router_and_port_options);
	return _cmocka_run_group_tests("mcast_args", tests, n, NULL, NULL);
}
