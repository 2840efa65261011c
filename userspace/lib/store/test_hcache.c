// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for hcache.c: a value kept is found again (hit), for the
 * same message only (miss on another UID, base name, size, field or
 * UIDVALIDITY), dropped with the message (retain after an expunge),
 * bounded (budgets refuse and count, mailboxes beyond HCACHE_MAILBOXES
 * evict the least recently used).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hcache.h"
#include "mailbox.h"

static const char subj[] = "Subject: hello\r\n\r\n";

static void base_of(uint32_t uid, char *buf, size_t len)
{
	snprintf(buf, len, "17000%05u.M1P2.host,S=%u", uid, 1000 + uid);
}

/* @n messages, UIDs 1..n, minus those in @skip (0-terminated). */
static void view(struct mailbox *mb, uint32_t n, const uint32_t *skip)
{
	uint32_t uid;
	size_t k = 0;

	memset(mb, 0, sizeof(*mb));
	mb->v = calloc(n, sizeof(*mb->v));
	assert_non_null(mb->v);
	for (uid = 1; uid <= n; uid++) {
		const uint32_t *s;

		for (s = skip; s && *s && *s != uid; s++)
			;
		if (s && *s)
			continue;
		mb->v[k++].uid = uid;
	}
	mb->n = k;
}

static void put(struct hcache *hc, uint32_t uid, int f, const char *v)
{
	char base[64];

	base_of(uid, base, sizeof(base));
	assert_int_equal(hcache_store(hc, uid, base, strlen(base), 1000 + uid,
				      f, v, strlen(v)), 0);
}

static int get_len(struct hcache *hc, uint32_t uid, int f, const char **v,
		   size_t *len)
{
	char base[64];

	base_of(uid, base, sizeof(base));
	return hcache_lookup(hc, uid, base, strlen(base), 1000 + uid, f, v,
			     len);
}

static int get(struct hcache *hc, uint32_t uid, int f, const char **v)
{
	size_t len;

	return get_len(hc, uid, f, v, &len);
}

static void hit_and_miss(void **state)
{
	struct hcache_set set;
	struct hcache *hc;
	const char *v;
	size_t len;
	int f, g;
	uint32_t uid;

	(void)state;
	hcache_set_init(&set, 0, 0);
	hc = hcache_get(&set, "/m/alice", 7);
	assert_non_null(hc);
	f = hcache_field(hc, "Subject");
	g = hcache_field(hc, "FROM");
	assert_int_equal(f, 0);
	assert_int_equal(g, 1);
	assert_int_equal(hcache_field(hc, "subject"), f);
	/* Stored out of order, found in order. */
	for (uid = 1; uid <= 100; uid += 2)
		put(hc, uid, f, subj);
	for (uid = 100; uid >= 2; uid -= 2)
		put(hc, uid, f, "Subject: even\r\n\r\n");
	assert_int_equal(hcache_count(hc), 100);
	for (uid = 1; uid <= 100; uid++) {
		const char *want = uid % 2 ? subj : "Subject: even\r\n\r\n";

		assert_int_equal(get_len(hc, uid, f, &v, &len), 0);
		assert_int_equal(len, strlen(want));
		assert_memory_equal(v, want, len);
	}
	assert_int_equal(set.stats.hits, 100);
	/* A value's bytes: memcmp, they are not NUL-terminated. */
	{
		char base[64];

		base_of(3, base, sizeof(base));
		assert_int_equal(hcache_lookup(hc, 3, base, strlen(base), 1003,
					       f, &v, &len), 0);
		assert_int_equal(len, strlen(subj));
		assert_memory_equal(v, subj, len);
	}
	/* Another field of a cached message, an unknown UID. */
	assert_int_equal(get(hc, 3, g, &v), -ENOENT);
	assert_int_equal(get(hc, 101, f, &v), -ENOENT);
	/* Same UID, another base name or size: not that message. */
	assert_int_equal(hcache_lookup(hc, 3, "other", 5, 1003, f, &v, &len),
			 -ENOENT);
	{
		char base[64];

		base_of(3, base, sizeof(base));
		assert_int_equal(hcache_lookup(hc, 3, base, strlen(base), 1004,
					       f, &v, &len), -ENOENT);
		/* Stored again with the other size: replaces, not adds. */
		assert_int_equal(hcache_store(hc, 3, base, strlen(base), 1004,
					      f, "Subject: new\r\n\r\n", 17), 0);
		assert_int_equal(hcache_count(hc), 100);
		assert_int_equal(hcache_lookup(hc, 3, base, strlen(base), 1004,
					       f, &v, &len), 0);
		assert_memory_equal(v, "Subject: new\r\n\r\n", len);
		assert_int_equal(hcache_lookup(hc, 3, base, strlen(base), 1003,
					       f, &v, &len), -ENOENT);
	}
	/* A second field on an entry keeps the first. */
	put(hc, 5, g, "From: a@b\r\n\r\n");
	assert_int_equal(get(hc, 5, g, &v), 0);
	assert_int_equal(get(hc, 5, f, &v), 0);
	assert_memory_equal(v, subj, strlen(subj));
	hcache_set_free(&set);
	assert_int_equal(set.bytes, 0);
}

static void uidvalidity_empties(void **state)
{
	struct hcache_set set;
	struct hcache *hc;
	const char *v;

	(void)state;
	hcache_set_init(&set, 0, 0);
	hc = hcache_get(&set, "/m/alice", 7);
	put(hc, 1, hcache_field(hc, "SUBJECT"), subj);
	assert_ptr_equal(hcache_get(&set, "/m/alice", 7), hc);
	assert_int_equal(get(hc, 1, 0, &v), 0);
	/* The list made anew: UID 1 may be any message now. */
	assert_ptr_equal(hcache_get(&set, "/m/alice", 8), hc);
	assert_int_equal(hcache_count(hc), 0);
	assert_int_equal(get(hc, 1, 0, &v), -ENOENT);
	assert_int_equal(set.bytes, 0);
	/* Another mailbox has its own. */
	assert_ptr_not_equal(hcache_get(&set, "/m/bob", 8), hc);
	hcache_set_free(&set);
}

static void retain_drops_expunged(void **state)
{
	static const uint32_t gone[] = { 1, 50, 99, 0 };
	struct hcache_set set;
	struct hcache *hc;
	struct mailbox mb;
	const char *v;
	uint32_t uid;
	size_t before;

	(void)state;
	hcache_set_init(&set, 0, 0);
	hc = hcache_get(&set, "/m/alice", 7);
	for (uid = 1; uid <= 110; uid++)
		put(hc, uid, 0, subj);
	before = set.bytes;
	/* A view of UIDs 1..100 without 1, 50, 99: 101..110 came later. */
	view(&mb, 100, gone);
	hcache_retain(hc, &mb);
	assert_int_equal(hcache_count(hc), 107);
	assert_true(set.bytes < before);
	for (uid = 1; uid <= 110; uid++)
		assert_int_equal(get(hc, uid, 0, &v),
				 uid == 1 || uid == 50 || uid == 99 ?
				 -ENOENT : 0);
	free(mb.v);
	/* An empty view has no last UID: nothing is known gone. */
	view(&mb, 0, NULL);
	hcache_retain(hc, &mb);
	assert_int_equal(hcache_count(hc), 107);
	free(mb.v);
	view(&mb, 111, (const uint32_t[]){ 1, 50, 99, 110, 0 });
	hcache_retain(hc, &mb);
	assert_int_equal(hcache_count(hc), 106);
	assert_int_equal(get(hc, 110, 0, &v), -ENOENT);
	free(mb.v);
	hcache_set_free(&set);
}

static void bounded(void **state)
{
	struct hcache_set set;
	struct hcache *hc, *first;
	char path[32];
	const char *v;
	int i;

	(void)state;
	/* Room for a few entries per mailbox. */
	hcache_set_init(&set, 400, 100000);
	hc = hcache_get(&set, "/m/alice", 7);
	for (i = 0; i < HCACHE_FIELDS; i++) {
		snprintf(path, sizeof(path), "X-F%d", i);
		assert_int_equal(hcache_field(hc, path), i);
	}
	assert_int_equal(hcache_field(hc, "X-One-More"), -ENOSPC);
	assert_int_equal(hcache_field(hc, "X-F3"), 3);
	put(hc, 1, 0, subj);
	put(hc, 2, 0, subj);
	for (i = 3; i < 50; i++) {
		char base[64];

		base_of((uint32_t)i, base, sizeof(base));
		if (hcache_store(hc, (uint32_t)i, base, strlen(base), 1000u + i,
				 0, subj, strlen(subj)))
			break;
	}
	assert_true(i < 50);
	assert_int_equal(set.stats.refused, 1);
	assert_true(hc->bytes <= 400);
	/* What was kept is still right; what was refused is a miss. */
	assert_int_equal(get(hc, 1, 0, &v), 0);
	assert_int_equal(get(hc, (uint32_t)i, 0, &v), -ENOENT);
	/* HCACHE_MAILBOXES, then the least recently used goes. */
	first = hc;
	for (i = 1; i < HCACHE_MAILBOXES; i++) {
		snprintf(path, sizeof(path), "/m/u%d", i);
		assert_non_null(hcache_get(&set, path, 1));
	}
	assert_int_equal(set.stats.evicted, 0);
	assert_ptr_equal(hcache_get(&set, "/m/alice", 7), first);
	assert_non_null(hcache_get(&set, "/m/new", 1));
	assert_int_equal(set.stats.evicted, 1);
	assert_int_equal(set.n, HCACHE_MAILBOXES);
	/* alice was used last but one: /m/u1 went, not alice. */
	assert_ptr_equal(hcache_get(&set, "/m/alice", 7), first);
	assert_int_equal(get(first, 1, 0, &v), 0);
	hcache_set_free(&set);
	assert_int_equal(set.bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_and_miss),
		cmocka_unit_test(uidvalidity_empties),
		cmocka_unit_test(retain_drops_expunged),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
