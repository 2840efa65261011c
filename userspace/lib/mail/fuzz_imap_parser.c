// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of imap_parser.c: the reader gathers the same commands
 * and statuses whether fed whole, byte by byte or in two pieces at a split
 * the input chooses, and every gathered command either parses into a tree
 * that stays inside its buffer or is refused with a reason.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct imap_cmd cmd;

static void check_args(const struct imap_arg *a, const char *buf,
		       size_t len, int depth)
{
	assert(depth <= IMAP_DEPTH_MAX + 1);
	for (; a; a = a->next) {
		if (a->type == IMAP_ARG_LIST) {
			assert(!a->str);
			check_args(a->child, buf, len, depth + 1);
			continue;
		}
		assert(a->str >= buf && a->str + a->len <= buf + len);
		assert(a->str[a->len] == '\0');
	}
}

static void parse(const char *gathered, size_t len)
{
	char *buf = malloc(len + 1);
	const char *err;
	int ret;

	memcpy(buf, gathered, len + 1);
	ret = imap_cmd_parse(buf, len, &cmd, &err);
	assert(ret == 0 || ret == -EINVAL || ret == -ENOENT);
	assert(!ret == !err);
	if (!ret) {
		assert(*cmd.tag && *cmd.name && cmd.nargs <= IMAP_ARGS_MAX);
		check_args(cmd.args, buf, len, 0);
	}
	free(buf);
}

/* A digest of what the reader did: statuses and the commands' bytes. */
struct trace {
	uint64_t hash;
	size_t events;
};

static void mix(struct trace *t, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		t->hash = (t->hash ^ *c++) * 1099511628211ULL;
	t->events++;
}

static void feed(const char *in, size_t n, size_t step, struct trace *t,
		 bool check)
{
	struct imap_reader r;
	enum imap_read_status st;
	size_t off = 0, k;
	long used;

	imap_reader_init(&r, 4096);
	t->hash = 14695981039346656037ULL;
	t->events = 0;
	while (off < n) {
		k = step && n - off > step ? step : n - off;
		used = imap_reader_feed(&r, in + off, k, &st);
		assert(used >= 0 && (size_t)used <= k);
		off += (size_t)used;
		if (st == IMAP_READ_MORE)
			continue;
		mix(t, &st, sizeof(st));
		if (st == IMAP_READ_DONE) {
			assert(r.len >= 2 && r.buf[r.len] == '\0');
			mix(t, r.buf, r.len);
			if (check)
				parse(r.buf, r.len);
		}
	}
	imap_reader_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace whole, bytes, split;
	const char *in = (const char *)data;

	if (!size)
		return 0;
	feed(in + 1, size - 1, 0, &whole, true);
	feed(in + 1, size - 1, 1, &bytes, false);
	feed(in + 1, size - 1, 1 + data[0] % 64, &split, false);
	assert(whole.hash == bytes.hash && whole.events == bytes.events);
	assert(whole.hash == split.hash && whole.events == split.events);
	return 0;
}
