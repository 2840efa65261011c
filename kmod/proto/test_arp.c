// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the ARP parser: valid packets, every truncation, bad fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "arp.h"

/* who-has 10.0.0.2 tell 10.0.0.1, from 02:00:00:00:00:01 */
static const u8 request[NFPOST_ARP_LEN] = {
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 10, 0, 0, 1,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 2,
};

static void parses_request_fields(void **state)
{
	static const u8 sha[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct nfpost_arp arp;

	(void)state;
	assert_int_equal(nfpost_arp_parse(request, sizeof(request), &arp), 0);
	assert_int_equal(arp.op, NFPOST_ARP_REQUEST);
	assert_memory_equal(arp.sha, sha, ETH_ALEN);
	assert_int_equal(arp.sip, htonl(0x0a000001));
	assert_int_equal(arp.tip, htonl(0x0a000002));
	assert_false(nfpost_arp_is_probe(&arp));
	assert_false(nfpost_arp_is_gratuitous(&arp));
}

static void parses_reply_with_trailing_padding(void **state)
{
	u8 buf[60] = { 0 };
	struct nfpost_arp arp;

	(void)state;
	memcpy(buf, request, sizeof(request));
	buf[7] = NFPOST_ARP_REPLY;
	assert_int_equal(nfpost_arp_parse(buf, sizeof(buf), &arp), 0);
	assert_int_equal(arp.op, NFPOST_ARP_REPLY);
}

static void rejects_every_truncation(void **state)
{
	struct nfpost_arp arp;
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(request); len++) {
		u8 *copy = malloc(len ? len : 1);

		memcpy(copy, request, len);
		assert_int_not_equal(nfpost_arp_parse(copy, len, &arp), 0);
		free(copy);
	}
}

struct bad_field {
	const char *what;
	size_t off;
	u8 val;
};

static const struct bad_field bad_fields[] = {
	{ "hardware type not Ethernet", 1, 6 },
	{ "protocol not IPv4", 2, 0x86 },
	{ "hardware length not 6", 4, 8 },
	{ "protocol length not 4", 5, 16 },
	{ "opcode 0", 7, 0 },
	{ "opcode RARP request", 7, 3 },
};

static void rejects_bad_fields(void **state)
{
	struct nfpost_arp arp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		u8 buf[NFPOST_ARP_LEN];

		memcpy(buf, request, sizeof(buf));
		buf[bad_fields[i].off] = bad_fields[i].val;
		if (!nfpost_arp_parse(buf, sizeof(buf), &arp))
			fail_msg("accepted: %s", bad_fields[i].what);
	}
}

static void probe_has_zero_sender(void **state)
{
	u8 buf[NFPOST_ARP_LEN];
	struct nfpost_arp arp;

	(void)state;
	memcpy(buf, request, sizeof(buf));
	memset(buf + 14, 0, 4);
	assert_int_equal(nfpost_arp_parse(buf, sizeof(buf), &arp), 0);
	assert_true(nfpost_arp_is_probe(&arp));
	assert_false(nfpost_arp_is_gratuitous(&arp));
}

static void gratuitous_has_sender_equal_target(void **state)
{
	u8 buf[NFPOST_ARP_LEN];
	struct nfpost_arp arp;

	(void)state;
	memcpy(buf, request, sizeof(buf));
	memcpy(buf + 24, buf + 14, 4);
	assert_int_equal(nfpost_arp_parse(buf, sizeof(buf), &arp), 0);
	assert_true(nfpost_arp_is_gratuitous(&arp));
}

static void group_bit_marks_broadcast_and_multicast(void **state)
{
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const u8 ucast[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };

	(void)state;
	assert_true(nfpost_lladdr_is_group(bcast));
	assert_true(nfpost_lladdr_is_group(mcast));
	assert_false(nfpost_lladdr_is_group(ucast));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_request_fields),
		cmocka_unit_test(parses_reply_with_trailing_padding),
		cmocka_unit_test(rejects_every_truncation),
		cmocka_unit_test(rejects_bad_fields),
		cmocka_unit_test(probe_has_zero_sender),
		cmocka_unit_test(gratuitous_has_sender_equal_target),
		cmocka_unit_test(group_bit_marks_broadcast_and_multicast),
	};

	return cmocka_run_group_tests_name("arp", tests, NULL, NULL);
}
