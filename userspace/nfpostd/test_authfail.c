// SPDX-License-Identifier: GPL-2.0
/* Unit tests for authfail.c: failed logins per client and per user. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "authfail.h"

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

static void delay_doubles_per_client_across_sessions(void **state)
{
	struct authfail *af = authfail_new(8, 100);
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	static const long want[] = { 250, 500, 1000, 2000, 4000, 8000, 8000,
				     8000 };
	unsigned int i;

	(void)state;
	/* Each failure in a new session: the session's count stays 1. */
	for (i = 0; i < 8; i++)
		assert_int_equal(authfail_failed(af, SA(a), NULL, 1, 100),
				 want[i]);
	assert_int_equal(authfail_failed(af, SA(b), NULL, 1, 100), 250);
	assert_int_equal(authfail_stats(af)->failures, 9);
	authfail_free(af);
}

static void client_is_refused_at_the_limit_until_the_window_ends(void **state)
{
	struct authfail *af = authfail_new(8, 3);
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(authfail_check(af, SA(a), 100 + i), 0);
		authfail_failed(af, SA(a), "alice", 1, 100 + i);
	}
	assert_int_equal(authfail_check(af, SA(a), 103), -EAGAIN);
	assert_int_equal(authfail_check(af, SA(b), 103), 0);
	assert_int_equal(authfail_check(af, SA(a), 102 + AUTHFAIL_WINDOW - 1),
			 -EAGAIN);
	assert_int_equal(authfail_check(af, SA(a), 102 + AUTHFAIL_WINDOW), 0);
	assert_int_equal(authfail_stats(af)->refused, 2);
	/* Forgotten: the next failure starts over. */
	assert_int_equal(authfail_failed(af, SA(a), NULL, 1,
					 102 + AUTHFAIL_WINDOW), 250);
	authfail_free(af);
}

static void ipv6_clients_are_their_64(void **state)
{
	struct authfail *af = authfail_new(8, 2);
	struct sockaddr_storage a = v6("2001:db8:1:2::1");
	struct sockaddr_storage b = v6("2001:db8:1:2::ffff");
	struct sockaddr_storage c = v6("2001:db8:1:3::1");

	(void)state;
	authfail_failed(af, SA(a), NULL, 1, 10);
	authfail_failed(af, SA(b), NULL, 1, 10);
	assert_int_equal(authfail_check(af, SA(a), 11), -EAGAIN);
	assert_int_equal(authfail_check(af, SA(c), 11), 0);
	authfail_free(af);
}

static void user_failures_from_many_clients_delay_but_never_refuse(
	void **state)
{
	struct authfail *af = authfail_new(16, 2);
	struct sockaddr_storage ss;
	char ip[32];
	long ms = 0;
	int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i + 1);
		ss = v4(ip);
		ms = authfail_failed(af, SA(ss), i % 2 ? "Alice" : "alice", 1,
				     50);
	}
	assert_int_equal(ms, 8000);
	ss = v4("198.51.100.200");
	assert_int_equal(authfail_check(af, SA(ss), 50), 0);
	/* Another user is not slowed by alice's. */
	assert_int_equal(authfail_failed(af, SA(ss), "bob", 1, 50), 250);
	authfail_free(af);
}

static void session_count_still_counts(void **state)
{
	struct authfail *af = authfail_new(8, 100);
	struct sockaddr_storage a = v4("192.0.2.1");

	(void)state;
	assert_int_equal(authfail_failed(af, SA(a), NULL, 4, 1), 2000);
	authfail_free(af);
}

static void success_forgets_client_and_user(void **state)
{
	struct authfail *af = authfail_new(8, 3);
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");

	(void)state;
	authfail_failed(af, SA(a), "alice", 1, 1);
	authfail_failed(af, SA(a), "alice", 1, 1);
	authfail_ok(af, SA(a), "alice");
	assert_int_equal(authfail_failed(af, SA(a), NULL, 1, 2), 250);
	assert_int_equal(authfail_failed(af, SA(b), "alice", 1, 2), 250);
	authfail_free(af);
}

static void full_table_reuses_the_stalest_and_counts_it(void **state)
{
	struct authfail *af = authfail_new(2, 2);
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct sockaddr_storage c = v4("192.0.2.3");

	(void)state;
	authfail_failed(af, SA(a), NULL, 1, 10);
	authfail_failed(af, SA(a), NULL, 1, 10);
	authfail_failed(af, SA(b), NULL, 1, 20);
	authfail_failed(af, SA(b), NULL, 1, 20);
	assert_int_equal(authfail_stats(af)->evicted, 0);
	authfail_failed(af, SA(c), NULL, 1, 30);
	assert_int_equal(authfail_stats(af)->evicted, 1);
	/* a failed least recently: its entry went to c. */
	assert_int_equal(authfail_check(af, SA(a), 31), 0);
	assert_int_equal(authfail_check(af, SA(b), 31), -EAGAIN);
	authfail_free(af);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delay_doubles_per_client_across_sessions),
		cmocka_unit_test(
			client_is_refused_at_the_limit_until_the_window_ends),
		cmocka_unit_test(ipv6_clients_are_their_64),
		cmocka_unit_test(
		user_failures_from_many_clients_delay_but_never_refuse),
		cmocka_unit_test(session_count_still_counts),
		cmocka_unit_test(success_forgets_client_and_user),
		cmocka_unit_test(full_table_reuses_the_stalest_and_counts_it),
	};

	return cmocka_run_group_tests_name("authfail", tests, NULL, NULL);
}
