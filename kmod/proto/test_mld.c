// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the MLD parser: each message, every truncation, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mld.h"

#define HBH	8
#define OFF	(NFPOST_IPV6_HDR_LEN + HBH)

struct pkt {
	u8 b[512];
	size_t len;
};

static const u8 fe80_1[16] = { 0xfe, 0x80, [15] = 1 };
static const u8 all_nodes[16] = { 0xff, 0x02, [15] = 1 };
static const u8 mldv2_routers[16] = { 0xff, 0x02, [15] = 0x16 };
static const u8 g_ff0e[16] = { 0xff, 0x0e, [15] = 0x42 };

/* ICMPv6 checksum over the pseudo-header and the message at @at. */
static void put_csum(u8 *b, size_t at, size_t mlen)
{
	u8 tail[8] = { 0, 0, (u8)(mlen >> 8), (u8)mlen, 0, 0, 0, 58 };
	u32 sum;
	u16 c;

	b[at + 2] = b[at + 3] = 0;
	sum = nfpost_csum_add(0, b + 8, 32);
	sum = nfpost_csum_add(sum, tail, 8);
	c = (u16)~nfpost_csum_add(sum, b + at, mlen);
	b[at + 2] = (u8)(c >> 8);
	b[at + 3] = (u8)c;
}

/* fe80::1 -> @dst, hop limit 1, hop-by-hop with Router Alert, then @msg. */
static void build(struct pkt *k, const u8 *dst, const u8 *msg, size_t mlen)
{
	static const u8 hbh[HBH] = { 58, 0, 5, 2, 0, 0, 1, 0 };

	memset(k->b, 0, OFF);
	k->b[0] = 0x60;
	k->b[4] = (u8)((HBH + mlen) >> 8);
	k->b[5] = (u8)(HBH + mlen);
	k->b[6] = 0;
	k->b[7] = 1;
	memcpy(k->b + 8, fe80_1, 16);
	memcpy(k->b + 24, dst, 16);
	memcpy(k->b + NFPOST_IPV6_HDR_LEN, hbh, HBH);
	memcpy(k->b + OFF, msg, mlen);
	k->len = OFF + mlen;
	if (mlen >= 4)
		put_csum(k->b, OFF, mlen);
}

#define G0E 0xff, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42
#define S1 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define S2 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2

static const u8 v1_report[24] = { 131, 0, 0, 0, 0, 0, 0, 0, G0E };
static const u8 v1_done[24] = { 132, 0, 0, 0, 0, 0, 0, 0, G0E };
static const u8 v1_query[24] = { 130, 0, 0, 0, 0x27, 0x10, 0, 0 };
static const u8 v2_query[28 + 32] = {
	130, 0, 0, 0, 0x27, 0x10, 0, 0, G0E, 0x0a, 125, 0, 2, S1, S2,
};
/* ALLOW ff0e::42 {S1, S2}, TO_EX ff0e::42 {} */
static const u8 v2_report[8 + 20 + 32 + 20] = {
	143, 0, 0, 0, 0, 0, 0, 2,
	5, 0, 0, 2, G0E, S1, S2,
	4, 0, 0, 0, G0E,
};

static int parse(const struct pkt *k, struct nfpost_mld *m, bool *is)
{
	struct nfpost_ipv6 ip6;
	u8 *copy = malloc(k->len ? k->len : 1);
	int ret;

	memcpy(copy, k->b, k->len);
	ret = nfpost_mld_parse_packet(copy, k->len, &ip6, m, is);
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
	{ "v1 report", g_ff0e, v1_report, 24, NFPOST_MLDV1_REPORT, 1 },
	{ "v1 done", all_nodes, v1_done, 24, NFPOST_MLDV1_DONE, 1 },
	{ "v1 query: 24 bytes", all_nodes, v1_query, 24, NFPOST_MLD_QUERY, 1 },
	{ "v2 query: 28 bytes and more", g_ff0e, v2_query, sizeof(v2_query),
	  NFPOST_MLD_QUERY, 2 },
	{ "v2 report", mldv2_routers, v2_report, sizeof(v2_report),
	  NFPOST_MLDV2_REPORT, 2 },
};

static void parses_each_message(void **state)
{
	struct nfpost_mld m;
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

static void v2_report_records(void **state)
{
	struct nfpost_mc_rec r;
	struct nfpost_mld m;
	struct pkt k;
	size_t off = NFPOST_MLD_REC_START;
	bool is;

	(void)state;
	build(&k, mldv2_routers, v2_report, sizeof(v2_report));
	assert_int_equal(parse(&k, &m, &is), 0);
	/* parse() freed its copy: read the records from ours */
	m.msg = k.b + OFF;
	assert_int_equal(m.nrec, 2);
	assert_int_equal(nfpost_mld_rec(&m, &off, &r), 0);
	assert_int_equal(r.type, NFPOST_MC_ALLOW);
	assert_int_equal(r.nsrc, 2);
	assert_memory_equal(r.group.b, g_ff0e, 16);
	assert_int_equal(r.src[15], 1);
	assert_int_equal(r.src[31], 2);
	assert_int_equal(nfpost_mld_rec(&m, &off, &r), 0);
	assert_int_equal(r.type, NFPOST_MC_TO_EX);
	assert_int_equal(off, sizeof(v2_report));
}

static void v2_query_fields(void **state)
{
	struct nfpost_mld m;
	struct pkt k;
	bool is;

	(void)state;
	build(&k, g_ff0e, v2_query, sizeof(v2_query));
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_int_equal(m.nsrc, 2);
	assert_int_equal(m.max_resp, 10000);
	assert_int_equal(m.qrv, 2);
	assert_true(m.s_flag);
	assert_memory_equal(m.group, g_ff0e, 16);
}

static void rejects_every_truncation(void **state)
{
	struct nfpost_mld m;
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
	/* Consistent lengths and checksums: the counts must catch it. */
	for (len = 0; len < sizeof(v2_report); len++) {
		build(&k, mldv2_routers, v2_report, len);
		if (!parse(&k, &m, &is) && is)
			fail_msg("v2 report cut to %zu bytes accepted", len);
	}
	for (len = 0; len < sizeof(v2_query); len++) {
		build(&k, g_ff0e, v2_query, len);
		if (len != 24 && !parse(&k, &m, &is) && is)
			fail_msg("v2 query cut to %zu bytes accepted", len);
	}
}

static void rejects_bad_input(void **state)
{
	u8 msg[sizeof(v2_report)];
	struct nfpost_mld m;
	struct pkt k;
	bool is;

	(void)state;
	build(&k, g_ff0e, v1_report, 24);
	k.b[OFF + 23] ^= 1;
	assert_int_equal(parse(&k, &m, &is), -EBADMSG);
	build(&k, g_ff0e, v1_report, 24);
	k.b[NFPOST_IPV6_HDR_LEN + 2] = 1;	/* PadN instead of RA */
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	build(&k, g_ff0e, v1_report, 24);
	k.b[8] = 0x20;				/* global source */
	put_csum(k.b, OFF, 24);
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v1_report, 24);
	msg[8] = 0x20;				/* group 200e::42 */
	build(&k, g_ff0e, msg, 24);
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v2_report, sizeof(v2_report));
	msg[7] = 3;				/* three records, two present */
	build(&k, mldv2_routers, msg, sizeof(msg));
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
	memcpy(msg, v2_report, sizeof(v2_report));
	msg[11] = 4;				/* four sources, two present */
	build(&k, mldv2_routers, msg, sizeof(msg));
	assert_int_equal(parse(&k, &m, &is), -EINVAL);
}

static void other_icmpv6_and_fragments_are_not_mld(void **state)
{
	static const u8 ns[24] = { 135, 0, 0, 0 };
	struct nfpost_mld m;
	struct pkt k;
	bool is = true;

	(void)state;
	build(&k, all_nodes, ns, sizeof(ns));
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_false(is);
	build(&k, g_ff0e, v1_report, 24);
	k.b[NFPOST_IPV6_HDR_LEN] = 44;		/* a fragment header next */
	assert_int_equal(parse(&k, &m, &is), 0);
	assert_false(is);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_each_message),
		cmocka_unit_test(v2_report_records),
		cmocka_unit_test(v2_query_fields),
		cmocka_unit_test(rejects_every_truncation),
		cmocka_unit_test(rejects_bad_input),
		cmocka_unit_test(other_icmpv6_and_fragments_are_not_mld),
	};

	return cmocka_run_group_tests_name("mld", tests, NULL, NULL);
}
