// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for args.c, as ethtool's test-cmdline.c: a table of command
 * lines with the parse result or the exact error and exit code expected.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "args.h"
#include "fmt.h"
#include "test_table.h"

enum parser { GLOBAL, WATCH, MONITOR, MAIL, USER, WEB };

static const struct args_case {
	const char *name;
	enum parser parser;
	const char *line;	/* words after "nfpost" or the object */
	int ret;
	const char *err;	/* exact message when ret != 0 */
	enum nfpost_cmd cmd;
	bool json;
	const char *dev;
	const char *addr;
	const char *lladdr;
	const char *set;	/* "key=value ..." in order given */
	unsigned long count;
	const char *next;	/* GLOBAL: the object word, NULL if none */
	const char *file;	/* mail trace FILE */
	const char *users_file;	/* user -f FILE */
	const char *user;	/* user add|del|passwd NAME */
	const char *conf;	/* mail queue -c CONFIG */
	const char *listen;	/* web: listen, root, --replay, --speed, clients */
	const char *webroot;
	const char *replay;
	unsigned int speed;
	unsigned int max_clients;
	const char *folder;	/* mail ls|show FOLDER */
	unsigned long uid;	/* mail show UID */
} cases[] = {
#define OK(n, p, l, c) .name = n, .parser = p, .line = l, .cmd = c
#define ERR(n, p, l, r) .name = n, .parser = p, .line = l, .ret = r
#define INCOMPLETE "Command line is not complete. Try \"nfpost help\"."
#define UNKNOWN(w) "Unknown keyword \"" w "\". Try \"nfpost watch help\"."
	/* global options */
	{ OK("global_json_before_object", GLOBAL, "-j watch show", CMD_NONE),
	  .json = true, .next = "watch" },
	{ OK("global_long_json_before_object", GLOBAL, "--json monitor", CMD_NONE),
	  .json = true, .next = "monitor" },
	{ OK("global_json_before_mail", GLOBAL, "-j mail trace m", CMD_NONE),
	  .json = true, .next = "mail" },
	{ OK("global_short_version", GLOBAL, "-V", CMD_VERSION) },
	{ OK("global_long_version", GLOBAL, "--version", CMD_VERSION) },
	{ OK("global_help_option", GLOBAL, "-h", CMD_HELP) },
	{ OK("global_no_object_leaves_cmd_none", GLOBAL, "", CMD_NONE) },
	{ OK("global_options_after_object_belong_to_it", GLOBAL, "watch -x", CMD_NONE),
	  .next = "watch" },
	{ ERR("global_unknown_option_is_usage_error", GLOBAL, "-x watch", 2),
	  .err = "Option \"-x\" is unknown, try \"nfpost help\"." },
	/* watch show */
	{ OK("watch_without_verb_is_show", WATCH, "", CMD_WATCH_SHOW) },
	{ OK("watch_show_every_interface", WATCH, "show", CMD_WATCH_SHOW) },
	{ OK("watch_show_dev", WATCH, "show dev br0", CMD_WATCH_SHOW),
	  .dev = "br0" },
	{ OK("watch_show_json_after_verb", WATCH, "show dev br0 -j", CMD_WATCH_SHOW),
	  .json = true, .dev = "br0" },
	{ OK("watch_json_before_verb", WATCH, "--json show", CMD_WATCH_SHOW),
	  .json = true },
	{ ERR("watch_show_dev_without_name_is_incomplete", WATCH, "show dev", 2),
	  .err = INCOMPLETE },
	{ ERR("watch_show_dev_twice_is_usage_error", WATCH, "show dev a dev b", 2),
	  .err = "\"dev\" is given twice." },
	{ ERR("watch_show_dev_16_chars_is_invalid", WATCH, "show dev abcdefghijklmnop", 1),
	  .err = "Error: \"abcdefghijklmnop\" is not a valid interface name." },
	{ ERR("watch_show_dev_with_slash_is_invalid", WATCH, "show dev a/b", 1),
	  .err = "Error: \"a/b\" is not a valid interface name." },
	{ ERR("watch_show_dev_dotdot_is_invalid", WATCH, "show dev ..", 1),
	  .err = "Error: \"..\" is not a valid interface name." },
	{ ERR("watch_show_unknown_keyword_named", WATCH, "show foo", 2),
	  .err = UNKNOWN("foo") },
	{ ERR("watch_unknown_verb_named", WATCH, "frob", 2),
	  .err = UNKNOWN("frob") },
	{ OK("watch_help", WATCH, "help", CMD_WATCH_HELP) },
	/* watch bind */
	{ OK("bind_add_full", WATCH, "bind add 10.0.0.1 lladdr aa:bb:cc:dd:ee:ff dev br0", CMD_WATCH_BIND_ADD),
	  .dev = "br0", .addr = "10.0.0.1",
	  .lladdr = "aa:bb:cc:dd:ee:ff" },
	{ OK("bind_add_keywords_in_any_order", WATCH, "bind add 10.0.0.1 dev br0 lladdr 0:1:2:3:4:5", CMD_WATCH_BIND_ADD),
	  .dev = "br0", .addr = "10.0.0.1",
	  .lladdr = "00:01:02:03:04:05" },
	{ ERR("bind_add_without_lladdr_is_usage_error", WATCH, "bind add 10.0.0.1 dev br0", 2),
	  .err = "\"lladdr\" is required. Try \"nfpost watch help\"." },
	{ ERR("bind_add_without_dev_is_usage_error", WATCH, "bind add 10.0.0.1 lladdr aa:bb:cc:dd:ee:ff", 2),
	  .err = "\"dev\" is required. Try \"nfpost watch help\"." },
	{ OK("bind_del_needs_no_lladdr", WATCH, "bind del 10.0.0.1 dev br0", CMD_WATCH_BIND_DEL),
	  .dev = "br0", .addr = "10.0.0.1" },
	{ ERR("bind_del_without_dev_is_usage_error", WATCH, "bind del 10.0.0.1", 2),
	  .err = "\"dev\" is required. Try \"nfpost watch help\"." },
	{ ERR("bind_without_op_is_incomplete", WATCH, "bind", 2),
	  .err = INCOMPLETE },
	{ ERR("bind_unknown_op_named", WATCH, "bind replace 10.0.0.1", 2),
	  .err = UNKNOWN("replace") },
	{ ERR("bind_without_address_is_incomplete", WATCH, "bind add", 2),
	  .err = INCOMPLETE },
	{ ERR("bind_octet_over_255_is_invalid", WATCH, "bind add 10.0.0.256 lladdr aa:bb:cc:dd:ee:ff dev br0", 1),
	  .err = "Error: \"10.0.0.256\" is not a valid IPv4 address." },
	{ ERR("bind_prefix_is_invalid", WATCH, "bind del 10.0.0.1/24 dev br0", 1),
	  .err = "Error: \"10.0.0.1/24\" is not a valid IPv4 address." },
	{ ERR("bind_short_form_address_is_invalid", WATCH, "bind del 10.1 dev x", 1),
	  .err = "Error: \"10.1\" is not a valid IPv4 address." },
	{ ERR("bind_ipv6_is_invalid", WATCH, "bind del ::1 dev br0", 1),
	  .err = "Error: \"::1\" is not a valid IPv4 address." },
	{ ERR("bind_bad_lladdr_is_invalid", WATCH, "bind add 10.0.0.1 lladdr aa:bb:cc:dd:ee dev br0", 1),
	  .err = "Error: \"aa:bb:cc:dd:ee\" is not a valid link-layer address." },
	{ ERR("bind_lladdr_twice_is_usage_error", WATCH, "bind add 10.0.0.1 lladdr 0:0:0:0:0:1 lladdr 0:0:0:0:0:2", 2),
	  .err = "\"lladdr\" is given twice." },
	{ ERR("bind_unknown_keyword_named", WATCH, "bind add 10.0.0.1 mac 0:0:0:0:0:1", 2),
	  .err = UNKNOWN("mac") },
	/* watch flush */
	{ OK("flush_every_interface", WATCH, "flush", CMD_WATCH_FLUSH) },
	{ OK("flush_one_dev", WATCH, "flush dev eth0", CMD_WATCH_FLUSH),
	  .dev = "eth0" },
	{ OK("flush_one_address_of_one_dev", WATCH, "flush 10.0.0.7 dev eth0",
	     CMD_WATCH_FLUSH), .dev = "eth0", .addr = "10.0.0.7" },
	{ ERR("flush_bad_address_is_invalid", WATCH, "flush 10.0.0", 1),
	  .err = "Error: \"10.0.0\" is not a valid IPv4 address." },
	/* watch set */
	{ OK("set_one_key", WATCH, "set max-bindings 4096", CMD_WATCH_SET),
	  .set = "max-bindings=4096" },
	{ OK("set_every_key_in_order_given", WATCH, "set echo-timeout 1 flipflop 2 trace-max-ttl 3 trace-probes 4 "
	  "sweep-window 5 sweep-hosts 6 flood-pps 7 max-bindings 8", CMD_WATCH_SET), .set = "echo-timeout=1 flipflop=2 trace-max-ttl=3 "
	  "trace-probes=4 sweep-window=5 sweep-hosts=6 flood-pps=7 "
	  "max-bindings=8" },
	/* watch save|restore */
	{ OK("save_file", WATCH, "save /tmp/arp.dat", CMD_WATCH_SAVE),
	  .file = "/tmp/arp.dat" },
	{ OK("restore_file", WATCH, "restore arp.dat", CMD_WATCH_RESTORE),
	  .file = "arp.dat" },
	{ ERR("save_without_file_is_incomplete", WATCH, "save", 2),
	  .err = "Command line is not complete. Try \"nfpost help\"." },
	{ ERR("restore_two_files_is_usage_error", WATCH, "restore a b", 2),
	  .err = "Unknown keyword \"b\". Try \"nfpost watch help\"." },
	{ OK("set_max_age_zero_turns_ageing_off", WATCH, "set max-age 0", CMD_WATCH_SET),
	  .set = "max-age=0" },
	{ OK("set_leading_zeros_are_decimal", WATCH, "set flood-pps 010", CMD_WATCH_SET),
	  .set = "flood-pps=10" },
	{ OK("set_u32_max_accepted", WATCH, "set flood-pps 4294967295", CMD_WATCH_SET),
	  .set = "flood-pps=4294967295" },
	{ OK("set_range_is_left_to_the_kernel", WATCH, "set sweep-hosts 0", CMD_WATCH_SET),
	  .set = "sweep-hosts=0" },
	{ ERR("set_u32_overflow_is_invalid", WATCH, "set flood-pps 4294967296", 1),
	  .err = "Error: \"4294967296\" is out of range for \"flood-pps\": "
	  "the maximum is 4294967295." },
	{ ERR("set_huge_number_is_invalid", WATCH, "set flood-pps 99999999999999999999999", 1),
	  .err = "Error: \"99999999999999999999999\" is out of range for "
	  "\"flood-pps\": the maximum is 4294967295." },
	{ ERR("set_negative_is_invalid", WATCH, "set flood-pps -1", 1),
	  .err = "Error: \"-1\" is not a valid value for \"flood-pps\": "
	  "an unsigned decimal number is expected." },
	{ ERR("set_plus_sign_is_invalid", WATCH, "set flood-pps +1", 1),
	  .err = "Error: \"+1\" is not a valid value for \"flood-pps\": "
	  "an unsigned decimal number is expected." },
	{ ERR("set_unit_suffix_is_invalid", WATCH, "set flipflop 10ms", 1),
	  .err = "Error: \"10ms\" is not a valid value for \"flipflop\": "
	  "an unsigned decimal number is expected." },
	{ ERR("set_hex_is_invalid", WATCH, "set flipflop 0x10", 1),
	  .err = "Error: \"0x10\" is not a valid value for \"flipflop\": "
	  "an unsigned decimal number is expected." },
	{ ERR("set_without_pairs_is_incomplete", WATCH, "set", 2),
	  .err = INCOMPLETE },
	{ ERR("set_key_without_value_is_incomplete", WATCH, "set flood-pps", 2),
	  .err = INCOMPLETE },
	{ ERR("set_unknown_key_named", WATCH, "set max_bindings 5", 2),
	  .err = UNKNOWN("max_bindings") },
	{ ERR("set_key_twice_is_usage_error", WATCH, "set flood-pps 1 flood-pps 2", 2),
	  .err = "\"flood-pps\" is given twice." },
	/* watch config, stats */
	{ OK("config_text", WATCH, "config", CMD_WATCH_CONFIG) },
	{ OK("config_json", WATCH, "config -j", CMD_WATCH_CONFIG),
	  .json = true },
	{ ERR("config_takes_no_dev", WATCH, "config dev br0", 2),
	  .err = UNKNOWN("dev") },
	{ OK("stats_json", WATCH, "stats --json", CMD_WATCH_STATS),
	  .json = true },
	/* monitor */
	{ OK("monitor_bare_runs_forever", MONITOR, "", CMD_MONITOR) },
	{ OK("monitor_watch_object", MONITOR, "watch", CMD_MONITOR) },
	{ OK("monitor_json_and_count", MONITOR, "watch -j -c 5", CMD_MONITOR),
	  .json = true, .count = 5 },
	{ OK("monitor_long_count", MONITOR, "--count 3", CMD_MONITOR),
	  .count = 3 },
	{ ERR("monitor_count_zero_is_invalid", MONITOR, "-c 0", 1),
	  .err = "Error: \"0\" is not a valid count: a positive decimal number is expected." },
	{ ERR("monitor_count_junk_is_invalid", MONITOR, "-c five", 1),
	  .err = "Error: \"five\" is not a valid count: a positive decimal number is expected." },
	{ ERR("monitor_count_without_value_is_incomplete", MONITOR, "-c", 2),
	  .err = INCOMPLETE },
	{ ERR("monitor_unknown_word_named", MONITOR, "arp", 2),
	  .err = "Unknown keyword \"arp\". Try \"nfpost help\"." },
	{ ERR("monitor_watch_twice_is_usage_error", MONITOR, "watch watch", 2),
	  .err = "Unknown keyword \"watch\". Try \"nfpost help\"." },
	{ OK("monitor_help", MONITOR, "help", CMD_HELP) },
	/* mail */
#define MAIL_UNKNOWN(w) "Unknown keyword \"" w "\". Try \"nfpost mail help\"."
	{ OK("mail_trace_file", MAIL, "trace msg.eml", CMD_MAIL_TRACE),
	  .file = "msg.eml" },
	{ OK("mail_trace_dash_is_stdin_not_an_option", MAIL, "trace -", CMD_MAIL_TRACE),
	  .file = "-" },
	{ OK("mail_trace_json_after_file", MAIL, "trace m -j", CMD_MAIL_TRACE),
	  .file = "m", .json = true },
	{ OK("mail_json_before_verb", MAIL, "--json trace m", CMD_MAIL_TRACE),
	  .file = "m", .json = true },
	{ OK("mail_trace_json_before_file", MAIL, "trace -j m", CMD_MAIL_TRACE),
	  .file = "m", .json = true },
	{ OK("mail_help", MAIL, "help", CMD_MAIL_HELP) },
	{ ERR("mail_trace_without_file_is_incomplete", MAIL, "trace", 2),
	  .err = INCOMPLETE },
	{ ERR("mail_trace_json_only_is_incomplete", MAIL, "trace -j", 2),
	  .err = INCOMPLETE },
	{ ERR("mail_trace_two_files_is_usage_error", MAIL, "trace a b", 2),
	  .err = MAIL_UNKNOWN("b") },
	{ ERR("mail_trace_unknown_option_named", MAIL, "trace -x a", 2),
	  .err = MAIL_UNKNOWN("-x") },
	{ ERR("mail_without_verb_is_incomplete", MAIL, "", 2),
	  .err = INCOMPLETE },
	{ ERR("mail_unknown_verb_named", MAIL, "frob", 2),
	  .err = MAIL_UNKNOWN("frob") },
	{ OK("mail_queue_lists", MAIL, "queue", CMD_MAIL_QUEUE) },
	{ OK("mail_queue_list_json", MAIL, "queue list -j", CMD_MAIL_QUEUE),
	  .json = true },
	{ OK("mail_queue_flush_with_config", MAIL, "queue -c /x.conf flush",
	     CMD_MAIL_FLUSH), .conf = "/x.conf" },
	{ ERR("mail_queue_two_verbs_is_usage_error", MAIL, "queue list flush",
	      2), .err = MAIL_UNKNOWN("flush") },
	{ ERR("mail_queue_config_without_file", MAIL, "queue -c", 2),
	  .err = INCOMPLETE },
	{ OK("mail_ls_user", MAIL, "ls alice", CMD_MAIL_LS), .user = "alice" },
	{ OK("mail_ls_folder_json_config", MAIL, "ls alice Sent -j -c /x.conf",
	     CMD_MAIL_LS), .user = "alice", .folder = "Sent", .json = true,
	  .conf = "/x.conf" },
	{ ERR("mail_ls_needs_a_user", MAIL, "ls", 2), .err = INCOMPLETE },
	{ ERR("mail_ls_third_word_is_unknown", MAIL, "ls a b c", 2),
	  .err = MAIL_UNKNOWN("c") },
	{ OK("mail_show_user_uid", MAIL, "show alice 42", CMD_MAIL_SHOW),
	  .user = "alice", .uid = 42 },
	{ OK("mail_show_in_folder", MAIL, "show alice 3 Trash", CMD_MAIL_SHOW),
	  .user = "alice", .uid = 3, .folder = "Trash" },
	{ ERR("mail_show_needs_a_uid", MAIL, "show alice", 2),
	  .err = INCOMPLETE },
	{ ERR("mail_show_uid_past_32_bits", MAIL, "show alice 4294967296", 2),
	  .err = MAIL_UNKNOWN("4294967296") },
	/* user */
#define USER_UNKNOWN(w) "Unknown keyword \"" w "\". Try \"nfpost user help\"."
	{ OK("user_without_verb_is_list", USER, "", CMD_USER_LIST) },
	{ OK("user_list", USER, "list", CMD_USER_LIST) },
	{ OK("user_list_json", USER, "list -j", CMD_USER_LIST),
	  .json = true },
	{ OK("user_file_before_verb", USER, "-f /tmp/u add alice", CMD_USER_ADD),
	  .users_file = "/tmp/u", .user = "alice" },
	{ OK("user_file_after_name", USER, "del bob -f u", CMD_USER_DEL),
	  .users_file = "u", .user = "bob" },
	{ OK("user_file_without_verb_lists", USER, "-f u", CMD_USER_LIST),
	  .users_file = "u" },
	{ OK("user_config_and_file", USER, "-c /etc/n.conf add dan -f u", CMD_USER_ADD),
	  .conf = "/etc/n.conf", .users_file = "u", .user = "dan" },
	{ ERR("user_config_twice_is_usage_error", USER, "-c a add x -c b", 2),
	  .err = "\"-c\" is given twice." },
	{ ERR("user_config_without_path_is_incomplete", USER, "list -c", 2),
	  .err = INCOMPLETE },
	{ OK("user_passwd", USER, "passwd carol", CMD_USER_PASSWD),
	  .user = "carol" },
	{ OK("user_name_upper_case_accepted", USER, "add Alice.Smith", CMD_USER_ADD),
	  .user = "Alice.Smith" },
	{ OK("user_help", USER, "help", CMD_USER_HELP) },
	{ ERR("user_add_without_name_is_incomplete", USER, "add", 2),
	  .err = INCOMPLETE },
	{ ERR("user_file_without_path_is_incomplete", USER, "-f", 2),
	  .err = INCOMPLETE },
	{ ERR("user_file_twice_is_usage_error", USER, "-f a add x -f b", 2),
	  .err = "\"-f\" is given twice." },
	{ ERR("user_bad_name_is_invalid", USER, "add a@b", 1),
	  .err = "Error: \"a@b\" is not a valid user name: 1 to 64 of a-z 0-9 . _ - are expected." },
	{ ERR("user_dotdot_name_is_invalid", USER, "del ..", 1),
	  .err = "Error: \"..\" is not a valid user name: 1 to 64 of a-z 0-9 . _ - are expected." },
	{ ERR("user_extra_word_named", USER, "add a b", 2),
	  .err = USER_UNKNOWN("b") },
	{ ERR("user_list_takes_no_name", USER, "list a", 2),
	  .err = USER_UNKNOWN("a") },
	{ ERR("user_unknown_option_named", USER, "-x list", 2),
	  .err = USER_UNKNOWN("-x") },
	{ ERR("user_unknown_verb_named", USER, "remove a", 2),
	  .err = USER_UNKNOWN("remove") },
	/* web */
#define WEB_UNKNOWN(w) "Unknown keyword \"" w "\". Try \"nfpost web help\"."
	{ OK("web_bare_is_live_with_defaults", WEB, "", CMD_WEB),
	  .speed = 1, .max_clients = 64 },
	{ OK("web_listen_and_root", WEB, "listen 0.0.0.0:80 root /srv/w", CMD_WEB),
	  .listen = "0.0.0.0:80", .webroot = "/srv/w", .speed = 1,
	  .max_clients = 64 },
	{ OK("web_replay_long_options", WEB, "--replay f.json --speed 10", CMD_WEB),
	  .replay = "f.json", .speed = 10, .max_clients = 64 },
	{ OK("web_replay_words", WEB, "replay f speed 0 clients 30", CMD_WEB),
	  .replay = "f", .speed = 0, .max_clients = 30 },
	{ OK("web_help", WEB, "help", CMD_HELP), .speed = 1, .max_clients = 64 },
	{ ERR("web_replay_without_file_is_incomplete", WEB, "--replay", 2),
	  .err = INCOMPLETE },
	{ ERR("web_speed_junk_is_invalid", WEB, "--speed 2x", 1),
	  .err = "Error: \"2x\" is not a valid speed: a decimal number is expected." },
	{ ERR("web_zero_clients_is_invalid", WEB, "clients 0", 1),
	  .err = "Error: \"0\" is not a valid client limit: a positive decimal number is expected." },
	{ ERR("web_unknown_word_named", WEB, "--port 80", 2),
	  .err = WEB_UNKNOWN("--port") },
};

static int split(const char *line, char *copy, size_t len, char **argv)
{
	int argc = 0;
	char *w;

	snprintf(copy, len, "%s", line);
	for (w = strtok(copy, " "); w; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	return argc;
}

static void set_string(const struct nfpost_args *a, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < a->n_set; i++)
		n += snprintf(buf + n, len - n, "%s%s=%u", i ? " " : "",
			      a->set[i].key->key, a->set[i].val);
}

static int parse(const struct args_case *c, struct nfpost_args *a,
		 char *err, const char **next_r)
{
	char copy[256], *argv[32];
	int argc, next = 0, ret;

	*next_r = NULL;
	argv[0] = "nfpost";
	if (c->parser == GLOBAL) {
		argc = split(c->line, copy, sizeof(copy), argv + 1) + 1;
		ret = args_global(argc, argv, a, &next, err, ARGS_ERR_LEN);
		if (!ret && next < argc)
			*next_r = argv[next];
		return ret;
	}
	memset(a, 0, sizeof(*a));
	argc = split(c->line, copy, sizeof(copy), argv);
	if (c->parser == WATCH)
		return args_watch(argc, argv, a, err, ARGS_ERR_LEN);
	if (c->parser == MAIL)
		return args_mail(argc, argv, a, err, ARGS_ERR_LEN);
	if (c->parser == USER)
		return args_user(argc, argv, a, err, ARGS_ERR_LEN);
	if (c->parser == WEB)
		return args_web(argc, argv, a, err, ARGS_ERR_LEN);
	return args_monitor(argc, argv, a, err, ARGS_ERR_LEN);
}

static void opt_string_equal(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

static void check_values(const struct args_case *c,
			 const struct nfpost_args *a)
{
	char buf[256];

	assert_int_equal(a->cmd, c->cmd);
	assert_int_equal(a->json, c->json);
	if (c->dev)
		assert_string_equal(a->dev, c->dev);
	else
		assert_null(a->dev);
	if (c->addr)
		assert_string_equal(inet_ntoa(a->addr), c->addr);
	if (c->lladdr)
		assert_string_equal(fmt_lladdr(buf, a->lladdr), c->lladdr);
	set_string(a, buf, sizeof(buf));
	assert_string_equal(buf, c->set ? c->set : "");
	assert_int_equal(a->count, c->count);
	opt_string_equal(a->file, c->file);
	opt_string_equal(a->users_file, c->users_file);
	opt_string_equal(a->user, c->user);
	opt_string_equal(a->conf, c->conf);
	opt_string_equal(a->listen, c->listen);
	opt_string_equal(a->webroot, c->webroot);
	opt_string_equal(a->replay, c->replay);
	if (c->parser == WEB) {
		assert_int_equal(a->speed, c->speed);
		assert_int_equal(a->max_clients, c->max_clients);
	}
	opt_string_equal(a->folder, c->folder);
	assert_int_equal(a->uid, c->uid);
}

static void run_case(void **state)
{
	const struct args_case *c = *state;
	char err[ARGS_ERR_LEN];
	struct nfpost_args a;
	const char *next;
	int ret = parse(c, &a, err, &next);

	assert_int_equal(ret, c->ret);
	if (c->ret) {
		assert_string_equal(err, c->err);
		return;
	}
	check_values(c, &a);
	if (c->parser != GLOBAL)
		return;
	if (c->next)
		assert_string_equal(next, c->next);
	else
		assert_null(next);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases)];
	size_t n = 0;

	TEST_TABLE(tests, n, cases, run_case);
	return cmocka_run_group_tests_name("nfpost_args", tests, NULL, NULL);
}
