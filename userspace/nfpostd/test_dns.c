// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for dns_each(): answers built byte by byte, good, broken and
 * cut short at every length. No resolver is ever asked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "dns.h"

#define T_A	1
#define T_CNAME	5
#define T_MX	15
#define T_TXT	16

struct msg {
	unsigned char b[1024];
	int len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += (int)n;
}

static void put16(struct msg *m, unsigned int v)
{
	unsigned char b[2] = { v >> 8, v & 0xff };

	put(m, b, 2);
}

/* Header and question "a.test" of @type, with @an answers to come. */
static void start(struct msg *m, int type, int an)
{
	memset(m, 0, sizeof(*m));
	put16(m, 0x1234);
	put16(m, 0x8180);		/* response, RD, RA, NOERROR */
	put16(m, 1);
	put16(m, (unsigned int)an);
	put16(m, 0);
	put16(m, 0);
	put(m, "\1a\4test", 8);
	put16(m, (unsigned int)type);
	put16(m, 1);
}

/* An answer for the question's name (a pointer to it) of @type. */
static void answer(struct msg *m, int type, uint32_t ttl, const void *rd,
		   size_t n)
{
	put16(m, 0xc00c);
	put16(m, (unsigned int)type);
	put16(m, 1);
	put16(m, ttl >> 16);
	put16(m, ttl & 0xffff);
	put16(m, (unsigned int)n);
	put(m, rd, n);
}

struct seen {
	int calls;
	char data[3][256];
	size_t n[3];
	uint32_t ttl[3];
	int stop_at;			/* return 7 at this call, 0: never */
};

static int record(void *ctx, const void *data, size_t n, uint32_t ttl)
{
	struct seen *s = ctx;

	if (s->calls < 3) {
		assert_true(n < sizeof(s->data[0]));
		memcpy(s->data[s->calls], data, n);
		s->n[s->calls] = n;
		s->ttl[s->calls] = ttl;
	}
	return ++s->calls == s->stop_at ? 7 : 0;
}

static void txt_strings_are_joined(void **state)
{
	struct seen s = { 0 };
	struct msg m;

	(void)state;
	start(&m, T_TXT, 2);
	answer(&m, T_TXT, 300, "\7v=spf1 \4-all", 13);
	answer(&m, T_TXT, 60, "\0\3abc", 5);
	assert_int_equal(dns_each(m.b, m.len, T_TXT, record, &s), 0);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.n[0], 11);
	assert_memory_equal(s.data[0], "v=spf1 -all", 11);
	assert_int_equal(s.ttl[0], 300);
	assert_int_equal(s.n[1], 3);
	assert_memory_equal(s.data[1], "abc", 3);
	assert_int_equal(s.ttl[1], 60);
}

static void txt_string_past_its_record_is_refused(void **state)
{
	struct seen s = { 0 };
	struct msg m;

	(void)state;
	start(&m, T_TXT, 1);
	answer(&m, T_TXT, 300, "\11v=spf1", 7);	/* says 9, has 6 */
	assert_int_equal(dns_each(m.b, m.len, T_TXT, record, &s), -EINVAL);
	assert_int_equal(s.calls, 0);
}

static void mx_name_is_uncompressed_and_other_types_skipped(void **state)
{
	struct seen s = { 0 };
	struct msg m;

	(void)state;
	start(&m, T_MX, 3);
	answer(&m, T_CNAME, 5, "\1b\300\14", 4);
	answer(&m, T_MX, 5, "\0\12\2mx\300\14", 7);
	answer(&m, T_A, 5, "\300\0\2\1", 4);
	assert_int_equal(dns_each(m.b, m.len, T_MX, record, &s), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.n[0], strlen("mx.a.test"));
	assert_memory_equal(s.data[0], "mx.a.test", 9);
	memset(&s, 0, sizeof(s));
	assert_int_equal(dns_each(m.b, m.len, T_A, record, &s), 0);
	assert_int_equal(s.calls, 1);
	assert_memory_equal(s.data[0], "\300\0\2\1", 4);
}

static void callback_return_stops_the_walk(void **state)
{
	struct seen s = { .stop_at = 1 };
	struct msg m;

	(void)state;
	start(&m, T_TXT, 2);
	answer(&m, T_TXT, 1, "\1x", 2);
	answer(&m, T_TXT, 1, "\1y", 2);
	assert_int_equal(dns_each(m.b, m.len, T_TXT, record, &s), 7);
	assert_int_equal(s.calls, 1);
}

/* Every prefix of a good answer: refused or fewer records, never more. */
static void answer_cut_at_every_length(void **state)
{
	struct msg m;
	int len, ret;

	(void)state;
	start(&m, T_TXT, 2);
	answer(&m, T_TXT, 300, "\7v=spf1 \4-all", 13);
	answer(&m, T_MX, 5, "\0\12\2mx\300\14", 7);
	for (len = 0; len < m.len; len++) {
		struct seen s = { 0 };

		ret = dns_each(m.b, len, T_TXT, record, &s);
		assert_true(ret == -EINVAL || (ret == 0 && s.calls <= 1));
		ret = dns_each(m.b, len, T_MX, record, &s);
		assert_true(ret == -EINVAL || ret == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(txt_strings_are_joined),
		cmocka_unit_test(txt_string_past_its_record_is_refused),
		cmocka_unit_test(mx_name_is_uncompressed_and_other_types_skipped),
		cmocka_unit_test(callback_return_stops_the_walk),
		cmocka_unit_test(answer_cut_at_every_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
