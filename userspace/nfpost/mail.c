// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost mail`: the object's verbs, and `trace`, which reads a message's
 * header and prints the path it took, hop by hop, from its Received: chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "json.h"
#include "mail.h"
#include "maills.h"
#include "mailq.h"
#include "received.h"
#include "rfc5322.h"
#include "trace_check.h"

/* Postfix gives up at 50 hops; a header with more is not worth tracing. */
#define TRACE_HOPS_MAX	1000
#define TIME_LEN	sizeof("-9223372036854775808-12-31T23:59:59Z")
#define DELAY_LEN	48

/* The Received: fields, newest first as they stand in the header. */
struct trace {
	struct received *v;
	size_t n;
	bool mbox;		/* still in a leading mbox "From " line */
	struct trace_header h;	/* the other fields the analysis reads */
	struct trace_report rep;
};

void mail_usage(FILE *f)
{
	fputs("Usage: nfpost mail trace FILE [-j]\n"
	      "       nfpost mail queue [-c CONFIG] [list | flush] [-j]\n"
	      "       nfpost mail ls USER [FOLDER] [-c CONFIG] [-j]\n"
	      "       nfpost mail show USER UID [FOLDER] [-c CONFIG]\n"
	      "       nfpost mail help\n"
	      "FILE := { PATH | - }   (- is standard input)\n", f);
}

static int add_hop(void *ctx, const struct rfc5322_field *f)
{
	struct trace *t = ctx;
	struct received *v;

	if (strcasecmp(f->name, "Received")) {
		trace_check_field(&t->h, f->name, f->value, f->value_len);
		return 0;
	}
	if (t->n == TRACE_HOPS_MAX)
		return -E2BIG;
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	/* One without a valid date is still a hop: has_time says it. */
	received_parse(f->value, f->value_len, &v[t->n]);
	t->n++;
	return 0;
}

/* How much of @buf is an mbox "From " line, if the input starts with one. */
static size_t mbox_line(struct trace *t, const char *buf, size_t n,
			bool first)
{
	const char *nl;

	if (first)
		t->mbox = n >= 5 && !memcmp(buf, "From ", 5);
	if (!t->mbox)
		return 0;
	nl = memchr(buf, '\n', n);
	if (!nl)
		return n;
	t->mbox = false;
	return nl - buf + 1;
}

static int parse_error(const struct rfc5322 *p, const char *name)
{
	if (p->cb_ret == -E2BIG)
		fprintf(stderr,
			"nfpost: Error: %s has more than %d Received: fields.\n",
			name, TRACE_HOPS_MAX);
	else if (p->cb_ret)
		fprintf(stderr, "nfpost: Error: %s: %s.\n", name,
			strerror(-p->cb_ret));
	else
		fprintf(stderr, "nfpost: Error: %s line %u: %s.\n", name,
			p->line, p->err);
	return EXIT_RUNTIME;
}

/* Reads up to the end of the header only: the body can be large. */
static int read_header(FILE *in, const char *name, struct rfc5322 *p,
		       struct trace *t)
{
	enum rfc5322_status st = RFC5322_MORE;
	bool first = true;
	char buf[4096];
	size_t n, skip;

	while (st == RFC5322_MORE && (n = fread(buf, 1, sizeof(buf), in))) {
		skip = mbox_line(t, buf, n, first);
		first = false;
		rfc5322_feed(p, buf + skip, n - skip, &st);
	}
	if (ferror(in)) {
		fprintf(stderr, "nfpost: Error: cannot read %s: %s.\n", name,
			strerror(errno));
		return EXIT_RUNTIME;
	}
	if (st == RFC5322_MORE)
		st = rfc5322_finish(p);
	return st == RFC5322_ERROR ? parse_error(p, name) : 0;
}

static const char *iso_time(char *buf, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, TIME_LEN, "%lld", (long long)t);
	return buf;
}

/* "4s", "1m05s", "2h00m07s", "3d01h00m00s"; negative when clocks differ. */
static const char *delay_text(char *buf, long long d)
{
	unsigned long long a = d < 0 ? -(unsigned long long)d
				     : (unsigned long long)d;
	const char *sign = d < 0 ? "-" : "";

	if (a < 60)
		snprintf(buf, DELAY_LEN, "%s%llus", sign, a);
	else if (a < 3600)
		snprintf(buf, DELAY_LEN, "%s%llum%02llus", sign, a / 60,
			 a % 60);
	else if (a < 86400)
		snprintf(buf, DELAY_LEN, "%s%lluh%02llum%02llus", sign,
			 a / 3600, a / 60 % 60, a % 60);
	else
		snprintf(buf, DELAY_LEN, "%s%llud%02lluh%02llum%02llus", sign,
			 a / 86400, a / 3600 % 24, a / 60 % 60, a % 60);
	return buf;
}

/* Host names compare without case and without a root's trailing dot. */
static bool same_host(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	la -= la && a[la - 1] == '.';
	lb -= lb && b[lb - 1] == '.';
	return la == lb && !strncasecmp(a, b, la);
}

static void word(FILE *out, const char *key, const char *val)
{
	if (val[0])
		fprintf(out, " %s %s", key, val);
}

/* @prev: the hop before, NULL for the first. */
static void print_hop(FILE *out, size_t i, const struct received *r,
		      const struct received *prev)
{
	char buf[TIME_LEN > DELAY_LEN ? TIME_LEN : DELAY_LEN];

	fprintf(out, "hop %zu", i);
	if (r->has_time)
		fprintf(out, " time %s", iso_time(buf, r->time));
	if (r->has_time && prev && prev->has_time)
		fprintf(out, " delay %s",
			delay_text(buf, (long long)r->time - prev->time));
	word(out, "from", r->from);
	if (!same_host(r->rdns, r->from))
		word(out, "rdns", r->rdns);
	if (!same_host(r->helo, r->from))
		word(out, "helo", r->helo);
	word(out, "ip", r->ip);
	word(out, "by", r->by);
	word(out, "with", r->with);
	word(out, "id", r->id);
	fputc('\n', out);
}

/* The first and the last hop with a time; false if none has one. */
static bool span(const struct trace *t, long long *total_r)
{
	const struct received *first = NULL, *last = NULL;
	size_t i;

	for (i = t->n; i-- > 0;) {
		if (!t->v[i].has_time)
			continue;
		if (!first)
			first = &t->v[i];
		last = &t->v[i];
	}
	if (first)
		*total_r = (long long)last->time - first->time;
	return first;
}

static void print_auth(FILE *out, const struct trace_auth *a)
{
	size_t i;

	fprintf(out, "auth %s", a->authserv);
	for (i = 0; i < a->n; i++)
		fprintf(out, " %s=%s", a->m[i].method, a->m[i].result);
	fputc('\n', out);
}

/* After the hops: the hop to believe, the verdicts, what looks forged. */
static void print_analysis(FILE *out, const struct trace *t)
{
	const struct trace_finding *f;
	const struct received *r;
	size_t i;

	if (t->rep.trusted) {
		r = &t->v[t->n - t->rep.trusted];
		fprintf(out, "trusted hop %zu", t->rep.trusted);
		word(out, "from", r->from);
		word(out, "ip", r->ip);
		word(out, "by", r->by);
		fputc('\n', out);
	}
	for (i = 0; i < t->h.n_auth; i++)
		print_auth(out, &t->h.auth[i]);
	for (i = 0; i < t->rep.n; i++) {
		f = &t->rep.f[i];
		fprintf(out, "%s", f->suspect ? "suspect" : "note");
		if (f->hop)
			fprintf(out, " hop %zu", f->hop);
		fprintf(out, " %s: %s\n", f->kind, f->text);
	}
}

static void print_text(FILE *out, const struct trace *t)
{
	char buf[DELAY_LEN];
	long long total;
	size_t i;

	for (i = t->n; i-- > 0;)
		print_hop(out, t->n - i, &t->v[i],
			  i + 1 < t->n ? &t->v[i + 1] : NULL);
	fprintf(out, "hops %zu", t->n);
	if (span(t, &total))
		fprintf(out, " total %s", delay_text(buf, total));
	fputc('\n', out);
	print_analysis(out, t);
}

static void json_opt(struct json *j, const char *key, const char *val)
{
	if (val[0])
		json_str(j, key, val);
}

static void json_hop(struct json_arr *a, size_t i, const struct received *r,
		     const struct received *prev)
{
	char buf[TIME_LEN];
	struct json j;

	json_arr_obj(a, &j);
	json_u64(&j, "hop", i);
	if (r->has_time)
		json_str(&j, "time", iso_time(buf, r->time));
	if (r->has_time && prev && prev->has_time)
		json_s64(&j, "delay", (int64_t)r->time - prev->time);
	json_opt(&j, "from", r->from);
	json_opt(&j, "rdns", r->rdns);
	json_opt(&j, "helo", r->helo);
	json_opt(&j, "ip", r->ip);
	json_opt(&j, "by", r->by);
	json_opt(&j, "with", r->with);
	json_opt(&j, "id", r->id);
	json_opt(&j, "for", r->for_addr);
	json_close(&j);
}

static void json_auth(struct json_arr *arr, const struct trace_auth *a)
{
	struct json j;
	size_t i;

	json_arr_obj(arr, &j);
	json_str(&j, "authserv", a->authserv);
	for (i = 0; i < a->n; i++)
		json_str(&j, a->m[i].method, a->m[i].result);
	json_close(&j);
}

static void json_finding(struct json_arr *a, const struct trace_finding *f)
{
	struct json j;

	json_arr_obj(a, &j);
	if (f->hop)
		json_u64(&j, "hop", f->hop);
	json_str(&j, "kind", f->kind);
	json_bool(&j, "suspect", f->suspect);
	json_str(&j, "text", f->text);
	json_close(&j);
}

static void json_analysis(struct json *j, const struct trace *t)
{
	struct json_arr a;
	size_t i;

	if (t->rep.trusted)
		json_u64(j, "trusted", t->rep.trusted);
	json_arr_open(j, "auth", &a);
	for (i = 0; i < t->h.n_auth; i++)
		json_auth(&a, &t->h.auth[i]);
	json_arr_close(&a);
	json_arr_open(j, "findings", &a);
	for (i = 0; i < t->rep.n; i++)
		json_finding(&a, &t->rep.f[i]);
	json_arr_close(&a);
	json_bool(j, "suspect", t->rep.suspects);
}

static void print_json(FILE *out, const struct trace *t)
{
	struct json_arr hops;
	long long total;
	struct json j;
	size_t i;

	json_open(&j, out);
	json_arr_open(&j, "hops", &hops);
	for (i = t->n; i-- > 0;)
		json_hop(&hops, t->n - i, &t->v[i],
			 i + 1 < t->n ? &t->v[i + 1] : NULL);
	json_arr_close(&hops);
	if (span(t, &total))
		json_s64(&j, "total", total);
	json_analysis(&j, t);
	json_close(&j);
	fputc('\n', out);
}

int mail_trace(FILE *in, const char *name, FILE *out, bool json, time_t now)
{
	struct rfc5322 *p = malloc(sizeof(*p));
	struct trace *t = calloc(1, sizeof(*t));
	int ret;

	if (!p || !t) {
		fprintf(stderr, "nfpost: Error: %s.\n", strerror(ENOMEM));
		free(p);
		free(t);
		return EXIT_RUNTIME;
	}
	rfc5322_init(p, add_hop, t);
	ret = read_header(in, name, p, t);
	if (!ret) {
		trace_check(t->v, t->n, &t->h, now, &t->rep);
		if (json)
			print_json(out, t);
		else
			print_text(out, t);
		ret = t->rep.suspects ? EXIT_SUSPECT : 0;
	}
	free(t->v);
	free(t);
	free(p);
	return ret;
}

static int trace(const struct nfpost_args *a)
{
	bool std = !strcmp(a->file, "-");
	FILE *in = std ? stdin : fopen(a->file, "re");
	int ret;

	if (!in) {
		fprintf(stderr, "nfpost: Error: cannot open %s: %s.\n",
			a->file, strerror(errno));
		return EXIT_RUNTIME;
	}
	ret = mail_trace(in, std ? "standard input" : a->file, stdout,
			 a->json, time(NULL));
	if (!std)
		fclose(in);
	return ret;
}

typedef int (*verb_fn)(const struct nfpost_args *a);

static const verb_fn verbs[] = {
	[CMD_MAIL_TRACE]	= trace,
	[CMD_MAIL_QUEUE]	= mailq_list,
	[CMD_MAIL_FLUSH]	= mailq_flush,
	[CMD_MAIL_LS]		= maills_list,
	[CMD_MAIL_SHOW]		= maills_show,
};

int mail_run(const struct nfpost_args *a)
{
	if (a->cmd == CMD_MAIL_HELP) {
		mail_usage(stdout);
		return 0;
	}
	if (a->cmd >= sizeof(verbs) / sizeof(verbs[0]) || !verbs[a->cmd])
		return EXIT_USAGE;
	return verbs[a->cmd](a);
}
