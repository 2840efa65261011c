// SPDX-License-Identifier: GPL-2.0
/* Unit tests for clients.c: per-client session caps and connection rates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "clients.h"

static struct sockaddr_storage v4(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;

	in->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &in->sin_addr);
	return ss;
}

static struct sockaddr_storage v6(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	in6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &in6->sin6_addr);
	return ss;
}

#define SA(ss)	((const struct sockaddr *)&(ss))

static void cap_counts_open_sessions_per_client(void **state)
{
	struct clients *cs = clients_new(8);
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	int n = 0;

	(void)state;
	assert_int_equal(clients_admit(cs, SA(a), 100, 2, 100, &n), CLIENTS_OK);
	assert_int_equal(clients_admit(cs, SA(a), 100, 2, 100, &n), CLIENTS_OK);
	assert_int_equal(clients_admit(cs, SA(a), 100, 2, 100, &n),
			 CLIENTS_TOO_MANY);
	assert_int_equal(n, 3);
	assert_int_equal(clients_admit(cs, SA(b), 100, 2, 100, &n), CLIENTS_OK);
	clients_release(cs, SA(a));
	assert_int_equal(clients_admit(cs, SA(a), 100, 2, 100, &n), CLIENTS_OK);
	clients_free(cs);
}

static void rate_resets_after_a_minute(void **state)
{
	struct clients *cs = clients_new(8);
	struct sockaddr_storage a = v4("192.0.2.1");
	int i, n = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(clients_admit(cs, SA(a), 100, 10, 3, &n),
				 CLIENTS_OK);
		clients_release(cs, SA(a));
	}
	assert_int_equal(clients_admit(cs, SA(a), 159, 10, 3, &n),
			 CLIENTS_TOO_FAST);
	assert_int_equal(n, 4);
	assert_int_equal(clients_admit(cs, SA(a), 160, 10, 3, &n), CLIENTS_OK);
	clients_free(cs);
}

static void ipv6_counts_per_64(void **state)
{
	struct clients *cs = clients_new(8);
	struct sockaddr_storage a = v6("2001:db8:1:2::1");
	struct sockaddr_storage b = v6("2001:db8:1:2:ffff::9");
	struct sockaddr_storage c = v6("2001:db8:1:3::1");
	int n = 0;

	(void)state;
	assert_int_equal(clients_admit(cs, SA(a), 1, 1, 100, &n), CLIENTS_OK);
	assert_int_equal(clients_admit(cs, SA(b), 1, 1, 100, &n),
			 CLIENTS_TOO_MANY);
	assert_int_equal(clients_admit(cs, SA(c), 1, 1, 100, &n), CLIENTS_OK);
	clients_free(cs);
}

/* A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d. */
static void v4_mapped_counts_as_its_v4_address(void **state)
{
	struct clients *cs = clients_new(8);
	struct sockaddr_storage a = v4("192.0.2.1");
	struct sockaddr_storage ma = v6("::ffff:192.0.2.1");
	struct sockaddr_storage mb = v6("::ffff:192.0.2.2");
	int n = 0;

	(void)state;
	assert_int_equal(clients_admit(cs, SA(ma), 1, 1, 100, &n), CLIENTS_OK);
	assert_int_equal(clients_admit(cs, SA(a), 1, 1, 100, &n),
			 CLIENTS_TOO_MANY);
	assert_int_equal(clients_admit(cs, SA(mb), 1, 1, 100, &n), CLIENTS_OK);
	clients_release(cs, SA(a));
	assert_int_equal(clients_admit(cs, SA(ma), 1, 1, 100, &n), CLIENTS_OK);
	clients_free(cs);
}

static void full_table_refuses_until_a_slot_expires(void **state)
{
	struct clients *cs = clients_new(2);
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct sockaddr_storage c = v4("192.0.2.3");
	int n = 0;

	(void)state;
	assert_int_equal(clients_admit(cs, SA(a), 10, 5, 5, &n), CLIENTS_OK);
	assert_int_equal(clients_admit(cs, SA(b), 10, 5, 5, &n), CLIENTS_OK);
	clients_release(cs, SA(b));
	assert_int_equal(clients_admit(cs, SA(c), 20, 5, 5, &n), CLIENTS_FULL);
	/* b has no session and its minute is over: its slot is c's. */
	assert_int_equal(clients_admit(cs, SA(c), 70, 5, 5, &n), CLIENTS_OK);
	/* a still has a session open: its slot is kept. */
	assert_int_equal(clients_admit(cs, SA(b), 200, 5, 5, &n), CLIENTS_FULL);
	clients_free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cap_counts_open_sessions_per_client),
		cmocka_unit_test(rate_resets_after_a_minute),
		cmocka_unit_test(ipv6_counts_per_64),
		cmocka_unit_test(v4_mapped_counts_as_its_v4_address),
		cmocka_unit_test(full_table_refuses_until_a_slot_expires),
	};

	return cmocka_run_group_tests_name("clients", tests, NULL, NULL);
}
