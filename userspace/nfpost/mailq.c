// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost mail queue`: what nfpostd's relay still holds, read from its
 * spool (named by the daemon's configuration file), like Postfix's mailq;
 * and `flush`, which asks the daemon to try everything now.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "json.h"
#include "mailq.h"
#include "queue.h"

#define DEFAULT_CONF	"/etc/nfpost/nfpostd.conf"

static int spool_of(const struct nfpost_args *a, struct conf *c)
{
	const char *path = a->conf ? a->conf : DEFAULT_CONF;
	char err[512];

	if (!conf_load(path, c, err, sizeof(err)))
		return 0;
	fprintf(stderr, "nfpost: Error: %s.\n", err);
	return EXIT_RUNTIME;
}

static void when(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_text(const struct queue_entry *e)
{
	char arrival[32], next[32];
	int i;

	when(arrival, sizeof(arrival), e->arrival);
	when(next, sizeof(next), e->next);
	printf("%s %lld %s <%s> attempts %d", e->id,
	       (long long)(e->size - e->body_off), arrival, e->from,
	       e->attempts);
	if (e->attempts)
		printf(" next %s", next);
	putchar('\n');
	if (e->last_error[0])
		printf("    (%s)\n", e->last_error);
	for (i = 0; i < e->nrcpt; i++)
		if (!e->rcpts[i].done)
			printf("    %s\n", e->rcpts[i].addr);
}

/* One object per message, "to" an array of the recipients left. */
static void print_json(struct json_arr *list, const struct queue_entry *e)
{
	struct json_arr to;
	char arrival[32];
	struct json j;
	int i;

	when(arrival, sizeof(arrival), e->arrival);
	json_arr_obj(list, &j);
	json_str(&j, "id", e->id);
	json_u64(&j, "size", (uint64_t)(e->size - e->body_off));
	json_str(&j, "arrival", arrival);
	json_str(&j, "from", e->from);
	json_u64(&j, "attempts", (uint64_t)e->attempts);
	json_str(&j, "error", e->last_error);
	json_arr_open(&j, "to", &to);
	for (i = 0; i < e->nrcpt; i++)
		if (!e->rcpts[i].done)
			json_arr_str(&to, e->rcpts[i].addr);
	json_arr_close(&to);
	json_close(&j);
}

int mailq_list(const struct nfpost_args *a)
{
	struct queue_entry e;
	struct json_arr list;
	int i, n, ret;
	struct conf c;
	char **names;

	ret = spool_of(a, &c);
	if (ret)
		return ret;
	ret = queue_names(c.spool, &names, &n);
	if (ret) {
		fprintf(stderr, "nfpost: Error: %s: %s.\n", c.spool,
			strerror(-ret));
		return EXIT_RUNTIME;
	}
	if (a->json)
		json_arr_start(&list, stdout);
	for (i = 0; i < n; i++) {
		if (queue_load(c.spool, names[i], &e))
			continue;	/* delivered since the listing */
		if (a->json)
			print_json(&list, &e);
		else
			print_text(&e);
		queue_entry_free(&e);
	}
	if (a->json) {
		json_arr_close(&list);
		putchar('\n');
	}
	else if (!n)
		puts("Mail queue is empty");
	queue_names_free(names, n);
	return 0;
}

int mailq_flush(const struct nfpost_args *a)
{
	struct conf c;
	int ret;

	ret = spool_of(a, &c);
	if (ret)
		return ret;
	ret = queue_flush(c.spool);
	if (!ret)
		return 0;
	fprintf(stderr, "nfpost: Error: cannot wake nfpostd (%s/nfpostd.pid): "
		"%s.\n", c.spool, strerror(-ret));
	return EXIT_RUNTIME;
}
