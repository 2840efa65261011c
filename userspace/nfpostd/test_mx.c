// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for mx_pick(): DNS answers to "example.com. IN MX" built byte
 * by byte, good and broken. No resolver is ever asked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "mx.h"
#include "test_table.h"

#define T_A	1
#define T_CNAME	5
#define T_MX	15
#define T_TXT	16
#define QNAME_OFF 12		/* the question's name, after the header */

struct msg {
	unsigned char b[1024];
	int len;
};

static void put8(struct msg *m, unsigned int v)
{
	assert_true(m->len < (int)sizeof(m->b));
	m->b[m->len++] = (unsigned char)v;
}

static void put16(struct msg *m, unsigned int v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

/* "mx.example.com" as labels; a trailing "@" ends it with a pointer. */
static void put_name(struct msg *m, const char *name)
{
	const char *dot;
	size_t n;

	while (*name && *name != '@') {
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
		if (name[n - 1] == '@')
			n--;
		put8(m, (unsigned int)n);
		assert_true(m->len + n <= sizeof(m->b));
		memcpy(m->b + m->len, name, n);
		m->len += (int)n;
		name += n;
		if (*name == '.')
			name++;
	}
	if (*name == '@')
		put16(m, 0xc000 | QNAME_OFF);
	else
		put8(m, 0);
}

/* The header and the question "example.com. IN MX". */
static void put_head(struct msg *m, int ancount)
{
	m->len = 0;
	put16(m, 0x1234);	/* id */
	put16(m, 0x8180);	/* response, RD, RA, NOERROR */
	put16(m, 1);
	put16(m, (unsigned int)ancount);
	put16(m, 0);
	put16(m, 0);
	put_name(m, "example.com");
	put16(m, T_MX);
	put16(m, 1);		/* IN */
}

struct rr {
	int type;		/* 0: none (the end of the list) */
	int pref;
	/*
	 * The exchange: "mx@" compresses to "mx.example.com", "@" alone is
	 * the question's name; an MX without one has only its preference.
	 */
	const char *name;
};

/* One answer, owned by the question's name (a pointer, as servers do). */
static void put_rr(struct msg *m, const struct rr *rr)
{
	int rdlen_at, start;

	put16(m, 0xc000 | QNAME_OFF);
	put16(m, (unsigned int)rr->type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 3600);		/* TTL */
	rdlen_at = m->len;
	put16(m, 0);
	start = m->len;
	if (rr->type == T_MX) {
		put16(m, (unsigned int)rr->pref);
		if (rr->name)
			put_name(m, rr->name);
	} else if (rr->type == T_A) {
		put16(m, 0xc000);	/* 192.0.2.1 */
		put16(m, 0x0201);
	} else {
		put_name(m, rr->name);
	}
	m->b[rdlen_at + 1] = (unsigned char)(m->len - start);
}

static void build(struct msg *m, const struct rr *rrs)
{
	int n = 0;

	while (rrs[n].type)
		n++;
	put_head(m, n);
	for (n = 0; rrs[n].type; n++)
		put_rr(m, &rrs[n]);
}

struct pick_case {
	const char *name;
	struct rr rrs[5];
	int ret;
	const char *host;	/* when ret is 0 */
};

static const struct pick_case pick_cases[] = {
	{ "one MX", { { T_MX, 10, "mx.example.com" } }, 0, "mx.example.com" },
	{ "lowest preference last", {
		{ T_MX, 20, "b.example.com" }, { T_MX, 30, "c.example.com" },
		{ T_MX, 10, "a.example.com" } }, 0, "a.example.com" },
	{ "lowest preference first", {
		{ T_MX, 5, "a.example.com" }, { T_MX, 10, "b.example.com" },
		{ T_MX, 20, "c.example.com" } }, 0, "a.example.com" },
	{ "lowest preference in the middle", {
		{ T_MX, 20, "b.example.com" }, { T_MX, 1, "a.example.com" },
		{ T_MX, 30, "c.example.com" } }, 0, "a.example.com" },
	{ "tie keeps the first", {
		{ T_MX, 10, "first.example.com" },
		{ T_MX, 10, "second.example.com" } }, 0, "first.example.com" },
	{ "tie after a worse one keeps the first of the best", {
		{ T_MX, 50, "worse.example.com" },
		{ T_MX, 10, "first.example.com" },
		{ T_MX, 10, "second.example.com" } }, 0, "first.example.com" },
	{ "preference 0 wins", {
		{ T_MX, 10, "b.example.com" }, { T_MX, 0, "a.example.com" } },
	  0, "a.example.com" },
	{ "preference 0 first stays", {
		{ T_MX, 0, "a.example.com" }, { T_MX, 10, "b.example.com" } },
	  0, "a.example.com" },
	{ "preference 65535 alone", { { T_MX, 65535, "z.example.com" } }, 0,
	  "z.example.com" },
	{ "preference compared unsigned", {
		{ T_MX, 40000, "b.example.com" },
		{ T_MX, 30000, "a.example.com" } }, 0, "a.example.com" },
	{ "preference over 32767 loses", {
		{ T_MX, 30000, "a.example.com" },
		{ T_MX, 40000, "b.example.com" } }, 0, "a.example.com" },
	{ "compressed exchange name", { { T_MX, 10, "mx@" } }, 0,
	  "mx.example.com" },
	{ "exchange is the domain itself", { { T_MX, 10, "@" } }, 0,
	  "example.com" },
	{ "compressed and plain names compared by preference", {
		{ T_MX, 20, "backup@" }, { T_MX, 10, "mx1.example.net" } },
	  0, "mx1.example.net" },
	{ "non-MX records ignored", {
		{ T_CNAME, 0, "alias.example.com" },
		{ T_A, 0, NULL },
		{ T_MX, 30, "mx.example.com" },
		{ T_TXT, 0, "x" } }, 0, "mx.example.com" },
	{ "MX without an exchange ignored", {
		{ T_MX, 1, NULL }, { T_MX, 20, "mx.example.com" } }, 0,
	  "mx.example.com" },
	{ "no answer is ENOENT", { { 0 } }, -ENOENT, NULL },
	{ "only other records is ENOENT", {
		{ T_A, 0, NULL }, { T_CNAME, 0, "alias.example.com" } },
	  -ENOENT, NULL },
};

static void picked(void **state)
{
	const struct pick_case *c = *state;
	char host[256], hosts[5][MX_HOST_MAX];
	struct msg m;
	int ret;

	build(&m, c->rrs);
	strcpy(host, "untouched");
	assert_int_equal(mx_pick(m.b, m.len, host, sizeof(host)), c->ret);
	if (!c->ret)
		assert_string_equal(host, c->host);
	/* mx_pick_all() starts with the same one. */
	ret = mx_pick_all(m.b, m.len, hosts, 5);
	if (c->ret) {
		assert_int_equal(ret, c->ret);
		return;
	}
	assert_true(ret >= 1);
	assert_string_equal(hosts[0], c->host);
}

/* Answers broken after they were built: cut short or scribbled on. */
struct broken_case {
	const char *name;
	int keep;		/* > 0: only the first @keep bytes */
	int cut;		/* bytes dropped from the end */
	int at, byte;		/* b[at] = byte when at > 0 */
	int ret;
};

/* Offsets in the answer below, "a.example.com" then "mx@": */
#define AN1	(QNAME_OFF + 13 + 4)	/* the first answer */
#define RD1	(AN1 + 12)		/* its RDATA: preference, exchange */
#define AN2	(RD1 + 2 + 15)
#define RD2	(AN2 + 12)
#define PTR2	(RD2 + 2 + 3)		/* the pointer after "mx" */

static const struct rr two[] = {
	{ T_MX, 20, "a.example.com" }, { T_MX, 10, "mx@" }, { 0 },
};

static const struct broken_case broken_cases[] = {
	{ "broken: intact picks mx", 0, 0, 0, 0, 0 },
	{ "broken: empty", 1, 1, 0, 0, -EINVAL },
	{ "broken: header cut", 11, 0, 0, 0, -EINVAL },
	{ "broken: question cut", QNAME_OFF + 6, 0, 0, 0, -EINVAL },
	{ "broken: last byte cut", 0, 1, 0, 0, -EINVAL },
	{ "broken: second answer cut in its header", 0, 16, 0, 0, -EINVAL },
	{ "broken: more answers counted than sent", 0, 0, 7, 3, -EINVAL },
	{ "broken: RDLENGTH past the end", 0, 0, AN2 + 11, 200, -EINVAL },
	{ "broken: exchange pointer past the end", 0, 0, PTR2 + 1, 0xff,
	  -EINVAL },
	{ "broken: exchange pointer loops on itself", 0, 0, PTR2 + 1, PTR2,
	  -EINVAL },
	{ "broken: label runs past the end", 0, 0, RD1 + 2, 63, -EINVAL },
	{ "broken: reserved label type", 0, 0, PTR2, 0x80, -EINVAL },
};

static void broken(void **state)
{
	const struct broken_case *c = *state;
	char host[256];
	struct msg m;

	build(&m, two);
	/* The offsets above are right. */
	assert_int_equal(m.b[PTR2], 0xc0);
	assert_int_equal(m.b[PTR2 + 1], QNAME_OFF);
	assert_int_equal(m.len, PTR2 + 2);
	if (c->keep)
		m.len = c->keep;
	m.len -= c->cut;
	if (c->at)
		m.b[c->at] = (unsigned char)c->byte;
	assert_int_equal(mx_pick(m.b, m.len, host, sizeof(host)), c->ret);
	if (!c->ret)
		assert_string_equal(host, "mx.example.com");
}

/* The exchange and the room for it: the name and its NUL must fit. */
struct size_case {
	const char *name;
	size_t size;
	int ret;
};

static const struct size_case size_cases[] = {
	{ "size: name and NUL fit exactly", sizeof("mx.example.com"), 0 },
	{ "size: no room for the NUL", sizeof("mx.example.com") - 1,
	  -ENAMETOOLONG },
	{ "size: buffer far too small", 4, -ENAMETOOLONG },
	{ "size: one byte", 1, -ENAMETOOLONG },
};

static void sized(void **state)
{
	const struct size_case *c = *state;
	static const struct rr one[] = { { T_MX, 10, "mx@" }, { 0 } };
	char host[64];
	struct msg m;

	build(&m, one);
	memset(host, 'X', sizeof(host));
	assert_int_equal(mx_pick(m.b, m.len, host, c->size), c->ret);
	if (!c->ret)
		assert_string_equal(host, "mx.example.com");
	else
		assert_int_equal(host[0], 'X');	/* nothing written */
}

/* A name too long for @host matters only if it is the one picked. */
struct long_case {
	const char *name;
	struct rr rrs[3];
	int ret;
};

#define LONG "a-rather-long-label.another-long-label.example"

static const struct long_case long_cases[] = {
	{ "long: worse name after the best", {
		{ T_MX, 10, "mx@" }, { T_MX, 20, LONG } }, 0 },
	{ "long: worse name before the best", {
		{ T_MX, 20, LONG }, { T_MX, 10, "mx@" } }, 0 },
	{ "long: tied name after the best", {
		{ T_MX, 10, "mx@" }, { T_MX, 10, LONG } }, 0 },
	{ "long: the best name", {
		{ T_MX, 20, "mx@" }, { T_MX, 10, LONG } }, -ENAMETOOLONG },
	{ "long: the best name, first", {
		{ T_MX, 10, LONG }, { T_MX, 20, "mx@" } }, -ENAMETOOLONG },
};

static void long_name(void **state)
{
	const struct long_case *c = *state;
	char host[20];
	struct msg m;

	build(&m, c->rrs);
	assert_int_equal(mx_pick(m.b, m.len, host, sizeof(host)), c->ret);
	if (!c->ret)
		assert_string_equal(host, "mx.example.com");
}

struct all_case {
	const char *name;
	struct rr rrs[5];
	int max;
	int ret;
	const char *hosts[5];
};

static const struct all_case all_cases[] = {
	{ "all: every exchange, best first", {
		{ T_MX, 20, "b.example.com" }, { T_MX, 30, "c.example.com" },
		{ T_MX, 10, "a.example.com" } }, 5, 3,
	  { "a.example.com", "b.example.com", "c.example.com" } },
	{ "all: ties in answer order", {
		{ T_MX, 10, "x.example.com" }, { T_MX, 5, "first@" },
		{ T_MX, 10, "y.example.com" }, { T_MX, 10, "z.example.com" } },
	  5, 4, { "first.example.com", "x.example.com", "y.example.com",
		  "z.example.com" } },
	{ "all: the worst fall off past max", {
		{ T_MX, 40, "d.example.com" }, { T_MX, 10, "a.example.com" },
		{ T_MX, 30, "c.example.com" }, { T_MX, 20, "b.example.com" } },
	  2, 2, { "a.example.com", "b.example.com" } },
	{ "all: compressed and plain names", {
		{ T_MX, 10, "mx@" }, { T_MX, 20, "b.example.com" } }, 5, 2,
	  { "mx.example.com", "b.example.com" } },
	{ "all: other records ignored", {
		{ T_A, 0, NULL }, { T_MX, 30, "mx.example.com" },
		{ T_MX, 1, NULL } }, 5, 1, { "mx.example.com" } },
};

static void picked_all(void **state)
{
	const struct all_case *c = *state;
	char hosts[5][MX_HOST_MAX];
	struct msg m;
	int i;

	build(&m, c->rrs);
	assert_int_equal(mx_pick_all(m.b, m.len, hosts, c->max), c->ret);
	for (i = 0; i < c->ret; i++)
		assert_string_equal(hosts[i], c->hosts[i]);
}

/* Bytes that are no DNS message at all: an error, never a crash. */
static void garbage_is_an_error(void **state)
{
	unsigned char b[512];
	unsigned int x = 2463534242u;	/* xorshift32 */
	char host[256];
	int i, len, ret;

	(void)state;
	for (len = 0; len <= (int)sizeof(b); len += 31) {
		for (i = 0; i < (int)sizeof(b); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[i] = (unsigned char)x;
		}
		ret = mx_pick(b, len, host, sizeof(host));
		assert_true(ret == -EINVAL || ret == -ENOENT);
	}
}

int main(void)
{
	struct CMUnitTest t[ARRAY_SIZE(pick_cases) + ARRAY_SIZE(broken_cases) +
			    ARRAY_SIZE(size_cases) + ARRAY_SIZE(long_cases) +
			    ARRAY_SIZE(all_cases) +
			    1] = {
		cmocka_unit_test(garbage_is_an_error),
	};
	size_t n = 1;

	TEST_TABLE(t, n, pick_cases, picked);
	TEST_TABLE(t, n, broken_cases, broken);
	TEST_TABLE(t, n, size_cases, sized);
	TEST_TABLE(t, n, long_cases, long_name);
	TEST_TABLE(t, n, all_cases, picked_all);
	return _cmocka_run_group_tests("mx", t, n, NULL, NULL);
}
