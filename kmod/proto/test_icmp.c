// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the IPv4 and ICMP parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "icmp.h"

#define IP(a, b, c, d) htonl((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* 10.0.0.1 -> 10.0.0.2, ICMP echo request id 0x1234 seq 7, TTL 64, 4 data */
static const u8 echo[32] = {
	0x45, 0, 0, 32, 0, 0, 0x40, 0, 64, 1, 0, 0,
	10, 0, 0, 1, 10, 0, 0, 2,
	8, 0, 0, 0, 0x12, 0x34, 0, 7,
	'p', 'i', 'n', 'g',
};

/* 10.0.0.254 -> 10.0.0.1, time exceeded quoting UDP 10.0.0.1 -> 10.9.9.9 */
static const u8 timex[56] = {
	0x45, 0, 0, 56, 0, 0, 0, 0, 64, 1, 0, 0,
	10, 0, 0, 254, 10, 0, 0, 1,
	11, 0, 0, 0, 0, 0, 0, 0,
	0x45, 0, 0, 60, 0, 0, 0, 0, 1, 17, 0, 0,
	10, 0, 0, 1, 10, 9, 9, 9,
	0x82, 0x9b, 0x82, 0x9a, 0, 40, 0, 0,
};

/* 10.0.0.254 -> 10.0.0.1, redirect to 10.0.0.253 quoting 10.0.0.1 -> 8.8.8.8 */
static const u8 redirect[48] = {
	0x45, 0, 0, 48, 0, 0, 0, 0, 64, 1, 0, 0,
	10, 0, 0, 254, 10, 0, 0, 1,
	5, 1, 0, 0, 10, 0, 0, 253,
	0x45, 0, 0, 84, 0, 0, 0, 0, 63, 1, 0, 0,
	10, 0, 0, 1, 8, 8, 8, 8,
};

static int parse(const u8 *pkt, size_t len, struct nfpost_ipv4 *ip,
		 struct nfpost_icmp *icmp, bool *is_icmp)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, pkt, len);
	ret = nfpost_icmp_parse_packet(copy, len, len, ip, icmp, is_icmp);
	free(copy);
	return ret;
}

static void parses_echo_request(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;

	(void)state;
	assert_int_equal(parse(echo, sizeof(echo), &ip, &icmp, &is_icmp), 0);
	assert_true(is_icmp);
	assert_int_equal(ip.saddr, IP(10, 0, 0, 1));
	assert_int_equal(ip.daddr, IP(10, 0, 0, 2));
	assert_int_equal(ip.ttl, 64);
	assert_int_equal(icmp.type, NFPOST_ICMP_ECHO);
	assert_int_equal(icmp.id, 0x1234);
	assert_int_equal(icmp.seq, 7);
	assert_false(icmp.has_orig);
}

static void parses_time_exceeded_quote(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;

	(void)state;
	assert_int_equal(parse(timex, sizeof(timex), &ip, &icmp, &is_icmp), 0);
	assert_true(is_icmp);
	assert_int_equal(icmp.type, NFPOST_ICMP_TIME_EXCEEDED);
	assert_true(icmp.has_orig);
	assert_int_equal(icmp.orig.saddr, IP(10, 0, 0, 1));
	assert_int_equal(icmp.orig.daddr, IP(10, 9, 9, 9));
	assert_int_equal(icmp.orig.proto, 17);
}

static void parses_redirect_gateway(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;

	(void)state;
	assert_int_equal(parse(redirect, sizeof(redirect), &ip, &icmp,
			       &is_icmp), 0);
	assert_int_equal(icmp.type, NFPOST_ICMP_REDIRECT);
	assert_int_equal(icmp.code, 1);
	assert_int_equal(icmp.gateway, IP(10, 0, 0, 253));
	assert_int_equal(icmp.orig.daddr, IP(8, 8, 8, 8));
}

static void rejects_every_truncation(void **state)
{
	static const struct { const u8 *pkt; size_t len; } pkts[] = {
		{ echo, sizeof(echo) },
		{ timex, sizeof(timex) },
		{ redirect, sizeof(redirect) },
	};
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++)
		for (len = 0; len < pkts[i].len; len++)
			assert_int_not_equal(parse(pkts[i].pkt, len, &ip, &icmp,
						   &is_icmp), 0);
}

struct bad_ip {
	const char *what;
	size_t off;
	u8 val;
};

static const struct bad_ip bad_ips[] = {
	{ "version 6", 0, 0x65 },
	{ "ihl 4", 0, 0x44 },
	{ "ihl 15 beyond the buffer", 0, 0x4f },
	{ "tot_len below ihl", 3, 16 },
	{ "tot_len beyond the packet", 3, 33 },
	{ "icmp cut by tot_len", 3, 27 },
};

static void rejects_bad_ipv4_fields(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_ips) / sizeof(bad_ips[0]); i++) {
		u8 buf[sizeof(echo)];

		memcpy(buf, echo, sizeof(buf));
		buf[bad_ips[i].off] = bad_ips[i].val;
		if (!parse(buf, sizeof(buf), &ip, &icmp, &is_icmp))
			fail_msg("accepted: %s", bad_ips[i].what);
	}
}

static void rejects_error_with_bad_quote(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;
	u8 buf[sizeof(timex)];

	(void)state;
	memcpy(buf, timex, sizeof(buf));
	buf[28] = 0x46;		/* quoted ihl 6: 24 bytes, only 20 quoted */
	buf[3] = 20 + 8 + 20;
	assert_int_not_equal(parse(buf, 20 + 8 + 20, &ip, &icmp, &is_icmp), 0);
	memcpy(buf, timex, sizeof(buf));
	buf[28] = 0x65;		/* quoted version 6 */
	assert_int_not_equal(parse(buf, sizeof(buf), &ip, &icmp, &is_icmp), 0);
}

static void later_fragment_has_no_icmp_header(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp = true;
	u8 buf[sizeof(echo)];

	(void)state;
	memcpy(buf, echo, sizeof(buf));
	buf[6] = 0x20;		/* MF */
	buf[7] = 0x10;		/* offset 16 * 8 */
	assert_int_equal(parse(buf, sizeof(buf), &ip, &icmp, &is_icmp), 0);
	assert_false(is_icmp);
	assert_false(ip.first_frag);
}

static void other_protocol_is_not_icmp(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp = true;
	u8 buf[sizeof(echo)];

	(void)state;
	memcpy(buf, echo, sizeof(buf));
	buf[9] = 17;
	buf[8] = 3;
	assert_int_equal(parse(buf, sizeof(buf), &ip, &icmp, &is_icmp), 0);
	assert_false(is_icmp);
	assert_int_equal(ip.ttl, 3);
	assert_int_equal(ip.proto, 17);
}

static void copy_shorter_than_packet_is_accepted(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;

	(void)state;
	/* The kernel copies a prefix; the packet itself is longer. */
	assert_int_equal(nfpost_icmp_parse_packet(echo, 28, 32, &ip, &icmp,
						  &is_icmp), 0);
	assert_true(is_icmp);
}

static void padding_after_tot_len_is_ignored(void **state)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp;
	u8 buf[64] = { 0 };

	(void)state;
	memcpy(buf, timex, sizeof(timex));
	assert_int_equal(parse(buf, sizeof(buf), &ip, &icmp, &is_icmp), 0);
	assert_int_equal(ip.tot_len, sizeof(timex));
}

/* nfpost_icmp_plain() on every one-byte change of the first 28 bytes. */
static void plain_only_where_parse_agrees(void **state)
{
	static const struct {
		const u8 *pkt;
		size_t len;
		bool plain;
	} base[] = {
		{ echo, sizeof(echo), true },
		{ timex, sizeof(timex), false },
		{ redirect, sizeof(redirect), false },
	};
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	size_t b, i, avail;
	bool is_icmp;
	u8 buf[64];
	int v, ret;

	(void)state;
	for (b = 0; b < sizeof(base) / sizeof(base[0]); b++) {
		assert_int_equal(nfpost_icmp_plain(base[b].pkt, base[b].len),
				 base[b].plain);
		for (i = 0; i < NFPOST_ICMP_PLAIN_LEN; i++) {
			for (v = 0; v < 256; v++) {
				memcpy(buf, base[b].pkt, base[b].len);
				buf[i] = (u8)v;
				for (avail = base[b].len - 1;
				     avail <= base[b].len + 1; avail++) {
					if (!nfpost_icmp_plain(buf, avail))
						continue;
					ret = nfpost_icmp_parse_packet(buf,
						base[b].len < avail ?
						base[b].len : avail, avail,
						&ip, &icmp, &is_icmp);
					assert_int_equal(ret, 0);
					assert_true(is_icmp && !icmp.has_orig);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_echo_request),
		cmocka_unit_test(parses_time_exceeded_quote),
		cmocka_unit_test(parses_redirect_gateway),
		cmocka_unit_test(rejects_every_truncation),
		cmocka_unit_test(rejects_bad_ipv4_fields),
		cmocka_unit_test(rejects_error_with_bad_quote),
		cmocka_unit_test(later_fragment_has_no_icmp_header),
		cmocka_unit_test(other_protocol_is_not_icmp),
		cmocka_unit_test(copy_shorter_than_packet_is_accepted),
		cmocka_unit_test(padding_after_tot_len_is_ignored),
		cmocka_unit_test(plain_only_where_parse_agrees),
	};

	return cmocka_run_group_tests_name("icmp", tests, NULL, NULL);
}
