// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost watch`: show, bind, flush, set, config, stats, save, restore
 * (watch_save.c). Each verb builds
 * one request from the parsed arguments; nfpw_report() prints failures.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <linux/nfpost_watch.h>
#include "attrs.h"
#include "binding.h"
#include "config.h"
#include "json.h"
#include "nfpw.h"
#include "stats.h"
#include "watch.h"
#include "watch_save.h"

struct show {
	bool json;
	struct json_arr arr;
};

void watch_usage(FILE *f)
{
	fputs("Usage: nfpost watch show [dev IF] [-j]\n"
	      "       nfpost watch bind add IP lladdr MAC dev IF\n"
	      "       nfpost watch bind del IP dev IF\n"
	      "       nfpost watch flush [ADDR] [dev IF]\n"
	      "       nfpost watch set KEY VALUE [KEY VALUE ...]\n"
	      "       nfpost watch config [-j]\n"
	      "       nfpost watch stats [-j]\n"
	      "       nfpost watch save FILE\n"
	      "       nfpost watch restore FILE\n"
	      "       nfpost watch help\n"
	      "KEY := { max-bindings | flood-pps | sweep-hosts | sweep-window |\n"
	      "         trace-probes | trace-max-ttl | flipflop | echo-timeout |\n"
	      "         max-age }\n"
	      "       (sweep-window, flipflop and echo-timeout in milliseconds,\n"
	      "        max-age in seconds, 0 for never)\n",
	      f);
}

/* 0 when no device was asked for; prints and returns 1 when it is absent. */
static int dev_index(const struct nfpost_args *a, unsigned int *ifindex_r)
{
	*ifindex_r = 0;
	if (!a->dev)
		return 0;
	*ifindex_r = if_nametoindex(a->dev);
	if (*ifindex_r)
		return 0;
	fprintf(stderr, "nfpost: Device \"%s\" does not exist.\n", a->dev);
	return EXIT_RUNTIME;
}

/* Sends one request; prints any failure. Returns the exit code. */
static int request(struct nfpw *w, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data, const char *what)
{
	int ret = genl_request(&w->sock, nlh, cb, data);

	if (ret)
		ret = nfpw_report(w, ret, what);
	nfpw_close(w);
	return ret;
}

static int show_one(const struct nlmsghdr *nlh, void *data)
{
	struct show *s = data;
	nfpw_tb tb;

	if (attrs_parse(nlh, tb))
		return MNL_CB_OK;
	if (s->json)
		json_arr_next(&s->arr);
	binding_print(stdout, tb, s->json);
	return MNL_CB_OK;
}

/* JSON: "[]" when empty, else one object per line; valid even on error. */
static int show(const struct nfpost_args *a, struct nfpw *w, void *buf,
		unsigned int ifindex)
{
	struct show s = { .json = a->json };
	struct nlmsghdr *nlh;
	int ret;

	nlh = nfpw_msg(w, buf, NFPW_CMD_GET_BINDINGS, NLM_F_DUMP);
	if (ifindex)
		mnl_attr_put_u32(nlh, NFPW_A_IFINDEX, ifindex);
	if (a->json)
		json_arr_start_lines(&s.arr, stdout);
	ret = request(w, nlh, show_one, &s, "watch show");
	if (a->json) {
		json_arr_close(&s.arr);
		putchar('\n');
	}
	return ret;
}

static int bind_add(const struct nfpost_args *a, struct nfpw *w, void *buf,
		    unsigned int ifindex)
{
	struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_ADD_BINDING, 0);

	mnl_attr_put_u32(nlh, NFPW_A_IFINDEX, ifindex);
	mnl_attr_put_u32(nlh, NFPW_A_ADDR, a->addr.s_addr);
	mnl_attr_put(nlh, NFPW_A_LLADDR, sizeof(a->lladdr), a->lladdr);
	return request(w, nlh, NULL, NULL, "watch bind add");
}

static int bind_del(const struct nfpost_args *a, struct nfpw *w, void *buf,
		    unsigned int ifindex)
{
	struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_DEL_BINDING, 0);

	mnl_attr_put_u32(nlh, NFPW_A_IFINDEX, ifindex);
	mnl_attr_put_u32(nlh, NFPW_A_ADDR, a->addr.s_addr);
	return request(w, nlh, NULL, NULL, "watch bind del");
}

static int flush(const struct nfpost_args *a, struct nfpw *w, void *buf,
		 unsigned int ifindex)
{
	struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_FLUSH, 0);

	if (ifindex)
		mnl_attr_put_u32(nlh, NFPW_A_IFINDEX, ifindex);
	/* 0.0.0.0 is never a binding: it stands for no address given. */
	if (a->addr.s_addr)
		mnl_attr_put_u32(nlh, NFPW_A_ADDR, a->addr.s_addr);
	return request(w, nlh, NULL, NULL, "watch flush");
}

static int set(const struct nfpost_args *a, struct nfpw *w, void *buf,
	       unsigned int ifindex)
{
	struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_SET_CONFIG, 0);
	unsigned int i;

	(void)ifindex;
	for (i = 0; i < a->n_set; i++)
		mnl_attr_put_u32(nlh, a->set[i].key->attr, a->set[i].val);
	return request(w, nlh, NULL, NULL, "watch set");
}

static int config_one(const struct nlmsghdr *nlh, void *data)
{
	nfpw_tb tb;

	if (!attrs_parse(nlh, tb))
		config_print(stdout, tb, *(const bool *)data);
	return MNL_CB_OK;
}

static int stats_one(const struct nlmsghdr *nlh, void *data)
{
	nfpw_tb tb;

	if (!attrs_parse(nlh, tb))
		stats_print(stdout, tb, *(const bool *)data);
	return MNL_CB_OK;
}

static int config(const struct nfpost_args *a, struct nfpw *w, void *buf,
		  unsigned int ifindex)
{
	struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_GET_CONFIG, 0);
	bool json = a->json;

	(void)ifindex;
	return request(w, nlh, config_one, &json, "watch config");
}

static int stats(const struct nfpost_args *a, struct nfpw *w, void *buf,
		 unsigned int ifindex)
{
	struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_GET_STATS, 0);
	bool json = a->json;

	(void)ifindex;
	return request(w, nlh, stats_one, &json, "watch stats");
}

static int save(const struct nfpost_args *a, struct nfpw *w, void *buf,
		unsigned int ifindex)
{
	(void)buf;
	(void)ifindex;
	return watch_save(a, w);
}

static int restore(const struct nfpost_args *a, struct nfpw *w, void *buf,
		   unsigned int ifindex)
{
	(void)buf;
	(void)ifindex;
	return watch_restore(a, w);
}

typedef int (*verb_fn)(const struct nfpost_args *a, struct nfpw *w,
		       void *buf, unsigned int ifindex);

static const verb_fn verbs[] = {
	[CMD_WATCH_SHOW]	= show,
	[CMD_WATCH_BIND_ADD]	= bind_add,
	[CMD_WATCH_BIND_DEL]	= bind_del,
	[CMD_WATCH_FLUSH]	= flush,
	[CMD_WATCH_SET]		= set,
	[CMD_WATCH_CONFIG]	= config,
	[CMD_WATCH_STATS]	= stats,
	[CMD_WATCH_SAVE]	= save,
	[CMD_WATCH_RESTORE]	= restore,
};

int watch_run(const struct nfpost_args *a)
{
	char buf[1024];
	unsigned int ifindex;
	struct nfpw w;
	int ret;

	if (a->cmd == CMD_WATCH_HELP) {
		watch_usage(stdout);
		return 0;
	}
	if (a->cmd >= sizeof(verbs) / sizeof(verbs[0]) || !verbs[a->cmd])
		return EXIT_USAGE;
	ret = dev_index(a, &ifindex);
	if (ret)
		return ret;
	ret = nfpw_open(&w);
	if (ret) {
		ret = nfpw_report(&w, ret, "watch");
		nfpw_close(&w);
		return ret;
	}
	return verbs[a->cmd](a, &w, buf, ifindex);
}
