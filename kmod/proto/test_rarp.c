// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the RARP parser: valid packets, every truncation, bad fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rarp.h"

/* 02:00:00:00:00:07 asks for its own IPv4 address (RFC 903). */
static const u8 request[NFPOST_ARP_LEN] = {
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x03,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0, 0, 0, 0,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0, 0, 0, 0,
};

/* Server 02:..:fe at 10.0.0.254 gives 02:..:07 the address 10.0.0.7. */
static const u8 reply[NFPOST_ARP_LEN] = {
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x04,
	0x02, 0x00, 0x00, 0x00, 0x00, 0xfe, 10, 0, 0, 254,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 10, 0, 0, 7,
};

static const u8 station[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x07 };

static void parses_request_target(void **state)
{
	struct nfpost_arp arp;

	(void)state;
	assert_int_equal(nfpost_rarp_parse(request, sizeof(request), &arp), 0);
	assert_int_equal(arp.op, NFPOST_RARP_REQUEST);
	assert_memory_equal(arp.sha, station, ETH_ALEN);
	assert_memory_equal(arp.tha, station, ETH_ALEN);
}

static void parses_reply_with_padding(void **state)
{
	static const u8 server[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0xfe };
	u8 buf[46] = { 0 };
	struct nfpost_arp arp;

	(void)state;
	memcpy(buf, reply, sizeof(reply));
	assert_int_equal(nfpost_rarp_parse(buf, sizeof(buf), &arp), 0);
	assert_int_equal(arp.op, NFPOST_RARP_REPLY);
	assert_memory_equal(arp.sha, server, ETH_ALEN);
	assert_int_equal(arp.sip, htonl(0x0a0000fe));
	assert_memory_equal(arp.tha, station, ETH_ALEN);
	assert_int_equal(arp.tip, htonl(0x0a000007));
}

static void rejects_every_truncation(void **state)
{
	struct nfpost_arp arp;
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(reply); len++) {
		u8 *copy = malloc(len ? len : 1);

		memcpy(copy, reply, len);
		assert_int_not_equal(nfpost_rarp_parse(copy, len, &arp), 0);
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
	{ "opcode ARP request", 7, 1 },
	{ "opcode ARP reply", 7, 2 },
	{ "opcode InARP request", 7, 8 },
	{ "opcode with a high byte", 6, 1 },
};

static void rejects_bad_fields(void **state)
{
	struct nfpost_arp arp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		u8 buf[NFPOST_ARP_LEN];

		memcpy(buf, reply, sizeof(buf));
		buf[bad_fields[i].off] = bad_fields[i].val;
		if (!nfpost_rarp_parse(buf, sizeof(buf), &arp))
			fail_msg("accepted: %s", bad_fields[i].what);
	}
}

/* Each parser takes only its own operations: one frame, one report. */
static void arp_and_rarp_split_the_operations(void **state)
{
	struct nfpost_arp arp;

	(void)state;
	assert_int_not_equal(nfpost_arp_parse(request, sizeof(request), &arp), 0);
	assert_int_not_equal(nfpost_arp_parse(reply, sizeof(reply), &arp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_request_target),
		cmocka_unit_test(parses_reply_with_padding),
		cmocka_unit_test(rejects_every_truncation),
		cmocka_unit_test(rejects_bad_fields),
		cmocka_unit_test(arp_and_rarp_split_the_operations),
	};

	return cmocka_run_group_tests_name("rarp", tests, NULL, NULL);
}
