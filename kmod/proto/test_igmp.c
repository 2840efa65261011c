// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the IGMP parser: each version, every truncation, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "igmp.h"

#define IPH	24		/* with the Router Alert option */

struct pkt {
	u8 b[256];
	size_t len;
};

static void put_csum(u8 *p, size_t len, size_t at)
{
	u16 c;

	p[at] = p[at + 1] = 0;
	c = (u16)~nfpost_csum_add(0, p, len);
	p[at] = (u8)(c >> 8);
	p[at + 1] = (u8)c;
}

/* 10.0.0.1 -> @dst, TTL 1, RA, around @msg of @mlen bytes. */
static void build(struct pkt *k, const u8 *dst, const u8 *msg, size_t mlen)
{
	static const u8 hdr[IPH] = {
		0x46, 0xc0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0,
		10, 0, 0, 1, 0, 0, 0, 0, 0x94, 4, 0, 0,
	};

	memcpy(k->b, hdr, IPH);
	memcpy(k->b + 16, dst, 4);
	k->len = IPH + mlen;
	k->b[2] = (u8)(k->len >> 8);
	k->b[3] = (u8)k->len;
	memcpy(k->b + IPH, msg, mlen);
	put_csum(k->b + IPH, mlen, 2);
	put_csum(k->b, IPH, 10);
}

static const u8 g239[4] = { 239, 1, 1, 1 };
static const u8 all_hosts[4] = { 224, 0, 0, 1 };
static const u8 v3_dst[4] = { 224, 0, 0, 22 };

static const u8 v2_report[8] = { 0x16, 0, 0, 0, 239, 1, 1, 1 };
static const u8 v1_report[8] = { 0x12, 0, 0, 0, 239, 1, 1, 1 };
static const u8 v2_leave[8] = { 0x17, 0, 0, 0, 239, 1, 1, 1 };
static const u8 v1_query[8] = { 0x11, 0, 0, 0, 0, 0, 0, 0 };
static const u8 v2_query[8] = { 0x11, 100, 0, 0, 239, 1, 1, 1 };
static const u8 v3_query[20] = {
	0x11, 100, 0, 0, 239, 1, 1, 1, 0x0a, 125, 0, 2,
	10, 0, 0, 9, 10, 0, 0, 8,
};

/* Two records: ALLOW 239.1.1.1 {10.0.0.9, 10.0.0.8} + 1 aux word, TO_EX 239.2.2.2 {} */
static const u8 v3_report[8 + 20 + 8] = {
	0x22, 0, 0, 0, 0, 0, 0, 2,
	5, 1, 0, 2, 239, 1, 1, 1, 10, 0, 0, 9, 10, 0, 0, 8, 0xaa, 0xbb, 0xcc, 0xdd,
	4, 0, 0, 0, 239, 2, 2, 2,
};

static int parse(const struct pkt *k, struct nfpost_igmp *m, bool *is_igmp)
{
	struct nfpost_ipv4 ip;
	u8 *copy = malloc(k->len ? k->len : 1);
	int ret;

	memcpy(copy, k->b, k->len);
	ret = nfpost_igmp_parse_packet(copy, k->len, &ip, m, is_igmp);
	free(copy);
	return ret;
}

struct ok_case {
	const char *name;
	const u8 *dst;
	const u8 *msg;
	size_t len;
	u8 type;
	u8 version;
};

static const struct ok_case ok_cases[] = {
	{ "v1 report", g239, v1_report, 8, NFPOST_IGMPV1_REPORT, 1 },
	{ "v2 report", g239, v2_report, 8, NFPOST_IGMPV2_REPORT, 2 },
	{ "v2 leave", all_hosts, v2_leave, 8, NFPOST_IGMPV2_LEAVE, 2 },
	{ "v1 query: code 0", all_hosts, v1_query, 8, NFPOST_IGMP_QUERY, 1 },
	{ "v2 query: 8 bytes", g239, v2_query, 8, NFPOST_IGMP_QUERY, 2 },
	{ "v3 query: 12 bytes and more", g239, v3_query, 20,
	  NFPOST_IGMP_QUERY, 3 },
	{ "v3 report", v3_dst, v3_report, sizeof(v3_report),
	  NFPOST_IGMPV3_REPORT, 3 },
};

static void parses_each_version(void **state)
{
	struct nfpost_igmp m;
	struct pkt k;
	bool is;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		build(&k, ok_cases[i].dst, ok_cases[i].msg, ok_cases[i].len);
		if (parse(&k, &m, &is) || !is)
			fail_msg("rejected: %s", ok_cases[i].name);
		assert_int_equal(m.type, ok_cases[i].type);
		assert_int_equal(m.version, ok_cases[i].version);
	}
}

static void v3_query_fields(void **state)
{
	struct nfpost_igmp m;
	struct pkt k;
	bool is;

	(void)state;
	build(&k, g239, v3_query, sizeof(v3_query));
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_int_equal(m.nsrc, 2);
	assert_int_equal(m.qrv, 2);
	assert_true(m.s_flag);
	assert_int_equal(m.qqic, 125);
	assert_memory_equal(&m.group, g239, 4);
}

static void v3_report_records(void **state)
{
	struct nfpost_mc_rec r;
	struct nfpost_igmp m;
	struct nfpost_mc_addr g;
	struct pkt k;
	size_t off = NFPOST_IGMP_MIN_LEN;
	bool is;

	(void)state;
	build(&k, v3_dst, v3_report, sizeof(v3_report));
	assert_int_equal(nfpost_igmp_parse(v3_report, sizeof(v3_report), &m),
			 -EBADMSG);	/* the table has no checksum */
	assert_int_equal(nfpost_igmp_parse(k.b + IPH, sizeof(v3_report), &m),
			 0);
	assert_int_equal(m.nrec, 2);
	assert_int_equal(nfpost_igmp_rec(&m, &off, &r), 0);
	assert_int_equal(r.type, NFPOST_MC_ALLOW);
	assert_int_equal(r.nsrc, 2);
	nfpost_mc_addr_v4(&g, g239);
	assert_true(nfpost_mc_addr_eq(&r.group, &g));
	assert_memory_equal(r.src, "\x0a\x00\x00\x09\x0a\x00\x00\x08", 8);
	assert_int_equal(nfpost_igmp_rec(&m, &off, &r), 0);
	assert_int_equal(r.type, NFPOST_MC_TO_EX);
	assert_int_equal(r.nsrc, 0);
	assert_int_equal(off, sizeof(v3_report));
	assert_int_not_equal(nfpost_igmp_rec(&m, &off, &r), 0);
	(void)is;
}

static void v2_messages_as_records(void **state)
{
	struct nfpost_mc_rec r;
	struct nfpost_igmp m;
	struct pkt k;
	size_t off = NFPOST_IGMP_MIN_LEN;
	bool is;

	(void)state;
	build(&k, g239, v2_report, 8);
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_int_equal(nfpost_igmp_rec(&m, &off, &r), 0);
	assert_int_equal(r.type, NFPOST_MC_IS_EX);
	assert_int_equal(r.nsrc, 0);
	build(&k, all_hosts, v2_leave, 8);
	assert_int_equal(parse(&k, &m, &is), 0);
	off = NFPOST_IGMP_MIN_LEN;
	assert_int_equal(nfpost_igmp_rec(&m, &off, &r), 0);
	assert_int_equal(r.type, NFPOST_MC_TO_IN);
	assert_int_not_equal(nfpost_igmp_rec(&m, &off, &r), 0);
}

/* Cut the buffer: the IPv4 length no longer fits. */
static void rejects_every_cut_buffer(void **state)
{
	struct nfpost_igmp m;
	struct pkt k;
	size_t i, len;
	bool is;

	(void)state;
	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		build(&k, ok_cases[i].dst, ok_cases[i].msg, ok_cases[i].len);
		for (len = 0; len < k.len; len++) {
			struct pkt c = k;

			c.len = len;
			assert_int_not_equal(parse(&c, &m, &is), 0);
		}
	}
}

/*
 * Cut the message and fix every length and checksum: only the record and
 * source counts are left to catch it (a v3 query cut to 8 bytes is a v2 one).
 */
static void rejects_every_consistent_truncation(void **state)
{
	struct nfpost_igmp m;
	struct pkt k;
	size_t len;
	bool is;

	(void)state;
	for (len = 0; len < sizeof(v3_report); len++) {
		build(&k, v3_dst, v3_report, len);
		if (!parse(&k, &m, &is))
			fail_msg("v3 report cut to %zu bytes accepted", len);
	}
	for (len = 0; len < sizeof(v3_query); len++) {
		build(&k, g239, v3_query, len);
		if (len != 8 && !parse(&k, &m, &is))
			fail_msg("v3 query cut to %zu bytes accepted", len);
	}
	for (len = 0; len < 8; len++) {
		build(&k, g239, v2_report, len);
		assert_int_not_equal(parse(&k, &m, &is), 0);
	}
}

static void rejects_bad_checksums(void **state)
{
	struct nfpost_igmp m;
	struct pkt k;
	bool is;

	(void)state;
	build(&k, g239, v2_report, 8);
	k.b[IPH + 7] ^= 1;
	assert_int_equal(parse(&k, &m, &is), -EBADMSG);
	build(&k, g239, v2_report, 8);
	k.b[8] = 2;		/* TTL, under the header checksum */
	assert_int_equal(parse(&k, &m, &is), -EBADMSG);
}

static void rejects_bad_groups_and_counts(void **state)
{
	u8 msg[sizeof(v3_report)];
	struct nfpost_igmp m;
	struct pkt k;
	bool is;

	(void)state;
	memcpy(msg, v2_report, 8);
	msg[4] = 10;			/* 10.1.1.1 is no group */
	build(&k, g239, msg, 8);
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v3_report, sizeof(v3_report));
	msg[7] = 3;			/* three records, two present */
	build(&k, v3_dst, msg, sizeof(msg));
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v3_report, sizeof(v3_report));
	msg[11] = 9;			/* nine sources, two present */
	build(&k, v3_dst, msg, sizeof(msg));
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v3_report, sizeof(v3_report));
	msg[28 + 4] = 192;		/* record group 192.2.2.2 */
	build(&k, v3_dst, msg, sizeof(msg));
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v3_query, sizeof(v3_query));
	msg[11] = 3;			/* query with three sources, two present */
	build(&k, g239, msg, sizeof(v3_query));
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
}

static void fragments_and_other_protocols_are_not_igmp(void **state)
{
	struct nfpost_igmp m;
	struct pkt k;
	bool is = true;

	(void)state;
	build(&k, g239, v2_report, 8);
	k.b[6] = 0x20;			/* MF */
	put_csum(k.b, IPH, 10);
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_false(is);
	build(&k, g239, v2_report, 8);
	k.b[9] = 17;
	put_csum(k.b, IPH, 10);
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_false(is);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_each_version),
		cmocka_unit_test(v3_query_fields),
		cmocka_unit_test(v3_report_records),
		cmocka_unit_test(v2_messages_as_records),
		cmocka_unit_test(rejects_every_cut_buffer),
		cmocka_unit_test(rejects_every_consistent_truncation),
		cmocka_unit_test(rejects_bad_checksums),
		cmocka_unit_test(rejects_bad_groups_and_counts),
		cmocka_unit_test(fragments_and_other_protocols_are_not_igmp),
	};

	return cmocka_run_group_tests_name("igmp", tests, NULL, NULL);
}
