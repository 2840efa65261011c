// SPDX-License-Identifier: GPL-2.0
/* Unit tests for fmt.c: time, IPv4 and Ethernet address text forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "fmt.h"
#include "test_table.h"

static const struct time_case {
	const char *name;
	uint64_t ns;
	bool usec;
	const char *want;
} time_cases[] = {
	{ "time_epoch_is_1970", 0, true, "1970-01-01T00:00:00.000000Z" },
	{ "time_microseconds_truncate_not_round", 1795478341123456999ULL, true,
	  "2026-11-23T23:59:01.123456Z" },
	{ "time_seconds_form_has_no_fraction", 1795478341999999999ULL, false,
	  "2026-11-23T23:59:01Z" },
	{ "time_leading_zero_microseconds_kept", 1795478341000001000ULL, true,
	  "2026-11-23T23:59:01.000001Z" },
};

static void run_time(void **state)
{
	const struct time_case *c = *state;
	char buf[FMT_TIME_LEN];

	assert_string_equal(fmt_time(buf, c->ns, c->usec), c->want);
}

static const struct lladdr_case {
	const char *name;
	const char *in;
	int ret;
	uint8_t mac[6];
} lladdr_cases[] = {
	{ "lladdr_lowercase_accepted", "aa:bb:cc:dd:ee:ff", 0,
	  { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
	{ "lladdr_mixed_case_and_one_digit_accepted", "AA:0b:C:d:00:1", 0,
	  { 0xaa, 0x0b, 0x0c, 0x0d, 0x00, 0x01 } },
	{ "lladdr_five_octets_rejected", "aa:bb:cc:dd:ee", -1, { 0 } },
	{ "lladdr_seven_octets_rejected", "aa:bb:cc:dd:ee:ff:00", -1, { 0 } },
	{ "lladdr_three_digit_octet_rejected", "aa:bb:cc:dd:ee:fff", -1, { 0 } },
	{ "lladdr_dashes_rejected", "aa-bb-cc-dd-ee-ff", -1, { 0 } },
	{ "lladdr_sign_rejected", "+a:bb:cc:dd:ee:ff", -1, { 0 } },
	{ "lladdr_leading_space_rejected", " a:bb:cc:dd:ee:ff", -1, { 0 } },
	{ "lladdr_trailing_colon_rejected", "aa:bb:cc:dd:ee:", -1, { 0 } },
	{ "lladdr_empty_rejected", "", -1, { 0 } },
	{ "lladdr_hex_prefix_rejected", "0x:bb:cc:dd:ee:ff", -1, { 0 } },
};

static void run_parse_lladdr(void **state)
{
	const struct lladdr_case *c = *state;
	uint8_t mac[6];
	int ret = fmt_parse_lladdr(c->in, mac);

	assert_int_equal(ret < 0 ? -1 : 0, c->ret);
	if (!c->ret)
		assert_memory_equal(mac, c->mac, 6);
}

static void lladdr_is_lowercase_two_digit(void **state)
{
	const uint8_t mac[6] = { 0x0a, 0xbc, 0, 1, 0xff, 0x10 };
	char buf[FMT_LLADDR_LEN];

	(void)state;
	assert_string_equal(fmt_lladdr(buf, mac), "0a:bc:00:01:ff:10");
}

static void ipv4_is_network_order(void **state)
{
	char buf[FMT_IPV4_LEN];

	(void)state;
	assert_string_equal(fmt_ipv4(buf, htonl(0x0a000001)), "10.0.0.1");
	assert_string_equal(fmt_ipv4(buf, 0xffffffff), "255.255.255.255");
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(time_cases) +
				ARRAY_SIZE(lladdr_cases) + 2] = {
		cmocka_unit_test(lladdr_is_lowercase_two_digit),
		cmocka_unit_test(ipv4_is_network_order),
	};
	size_t n = 2;

	TEST_TABLE(tests, n, time_cases, run_time);
	TEST_TABLE(tests, n, lladdr_cases, run_parse_lladdr);
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
