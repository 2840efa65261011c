// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost: the command line of the nfpost kernel modules. This file is the
 * object table; each object parses its words in args.c and runs in its file.
 */
#include <stdio.h>
#include <string.h>
#include "args.h"
#include "dkim.h"
#include "mail.h"
#include "mcast.h"
#include "monitor.h"
#include "smtp.h"
#include "user.h"
#include "watch.h"
#include "web.h"

#ifndef NFPOST_VERSION
#define NFPOST_VERSION "0.1"
#endif

typedef int (*parse_fn)(int argc, char **argv, struct nfpost_args *a,
			char *err, size_t len);

static const struct object {
	const char *name;
	parse_fn parse;
	int (*run)(const struct nfpost_args *a);
	void (*usage)(FILE *f);
	const char *description;
} objects[] = {
	{ "watch", args_watch, watch_run, watch_usage,
	  "ARP/ICMP observer: bindings, thresholds, counters" },
	{ "mcast", args_mcast, mcast_run, mcast_usage,
	  "IGMP/MLD snooping filter of bridges: groups, settings, counters" },
	{ "monitor", args_monitor, monitor_run, monitor_usage,
	  "print events as they happen" },
	{ "mail", args_mail, mail_run, mail_usage,
	  "mail messages: the path a message took (trace)" },
	{ "user", args_user, user_run, user_usage,
	  "the mail accounts of the users file" },
	{ "smtp", smtp_args, smtp_run, smtp_usage,
	  "SMTP relay and spam guard: policy, flows, blocks, counters" },
	{ "dkim", dkim_args, dkim_run, dkim_usage,
	  "DKIM keys: a key pair and the TXT record to publish" },
	{ "web", args_web, web_run, web_usage,
	  "a live page of the segment, for a browser" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: nfpost [-j|--json] OBJECT [COMMAND [ARGS]]\n"
	      "       nfpost -V|--version\n"
	      "       nfpost help\n"
	      "OBJECT:\n", f);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		fprintf(f, "  %-9s %s\n", objects[i].name,
			objects[i].description);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		fputc('\n', f);
		objects[i].usage(f);
	}
}

static const struct object *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

static int fail(const char *err, int code)
{
	fprintf(stderr, "nfpost: %s\n", err);
	return code;
}

int main(int argc, char **argv)
{
	char err[ARGS_ERR_LEN];
	const struct object *obj;
	struct nfpost_args a;
	int next, ret;

	ret = args_global(argc, argv, &a, &next, err, sizeof(err));
	if (ret)
		return fail(err, ret);
	if (a.cmd == CMD_VERSION) {
		printf("nfpost %s\n", NFPOST_VERSION);
		return 0;
	}
	if (a.cmd == CMD_HELP || (next < argc && !strcmp(argv[next], "help"))) {
		usage(stdout);
		return 0;
	}
	if (next == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	obj = find(argv[next]);
	if (!obj) {
		snprintf(err, sizeof(err),
			 "Object \"%s\" is unknown, try \"nfpost help\".",
			 argv[next]);
		return fail(err, EXIT_USAGE);
	}
	ret = obj->parse(argc - next - 1, argv + next + 1, &a, err, sizeof(err));
	if (ret)
		return fail(err, ret);
	if (a.cmd == CMD_HELP) {
		obj->usage(stdout);
		return 0;
	}
	return obj->run(&a);
}
