// SPDX-License-Identifier: GPL-2.0
/* Unit tests of nfpostd's network prefixes and listen addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "netaddr.h"
#include "test_table.h"

struct match_case {
	const char *name;
	const char *prefix;
	const char *client;	/* v4 or v6 text */
	bool match;
};

static const struct match_case match_cases[] = {
	{ "v4 host in its /8", "127.0.0.0/8", "127.1.2.3", true },
	{ "v4 host outside a /8", "127.0.0.0/8", "128.0.0.1", false },
	{ "v4 /0 matches all", "0.0.0.0/0", "192.0.2.9", true },
	{ "v4 /25 boundary in", "192.0.2.0/25", "192.0.2.127", true },
	{ "v4 /25 boundary out", "192.0.2.0/25", "192.0.2.128", false },
	{ "v4 no length is a host", "192.0.2.1", "192.0.2.2", false },
	{ "v6 loopback host", "::1/128", "::1", true },
	{ "v6 /64 in", "2001:db8::/64", "2001:db8::42", true },
	{ "v6 /64 out", "2001:db8::/64", "2001:db8:0:1::1", false },
	{ "v4-mapped client matches v4 prefix", "10.0.0.0/8",
	  "::ffff:10.1.1.1", true },
	{ "v4 client never matches v6 prefix", "::/0", "10.0.0.1", false },
};

static void to_sockaddr(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	s6->sin6_family = AF_INET6;
}

static void prefix_matches(void **state)
{
	const struct match_case *c = *state;
	struct netaddr_prefix p;
	struct sockaddr_storage ss;

	assert_int_equal(netaddr_prefix_parse(c->prefix, &p), 0);
	to_sockaddr(c->client, &ss);
	assert_int_equal(netaddr_prefix_match(&p, (void *)&ss), c->match);
}

struct bad_case {
	const char *name;
	const char *text;
};

static const struct bad_case bad_prefixes[] = {
	{ "prefix: not an address", "localhost" },
	{ "prefix: v4 length over 32", "10.0.0.0/33" },
	{ "prefix: empty length", "10.0.0.0/" },
	{ "prefix: negative length", "10.0.0.0/-1" },
	{ "prefix: v6 length over 128", "::/129" },
};

static void prefix_rejected(void **state)
{
	const struct bad_case *c = *state;
	struct netaddr_prefix p;

	assert_int_not_equal(netaddr_prefix_parse(c->text, &p), 0);
}

struct listen_case {
	const char *name;
	const char *text;
	int family;
	const char *addr;
	int port;
};

static const struct listen_case listen_cases[] = {
	{ "listen: v4 and port", "127.0.0.1:2525", AF_INET, "127.0.0.1", 2525 },
	{ "listen: bare port is any v4", "25", AF_INET, "0.0.0.0", 25 },
	{ "listen: colon port is any v4", ":587", AF_INET, "0.0.0.0", 587 },
	{ "listen: bracketed v6", "[::1]:465", AF_INET6, "::1", 465 },
};

static void listen_parsed(void **state)
{
	const struct listen_case *c = *state;
	struct sockaddr_storage ss;
	char buf[64];
	socklen_t len;

	assert_int_equal(netaddr_listen_parse(c->text, &ss, &len), 0);
	assert_int_equal(ss.ss_family, c->family);
	assert_string_equal(netaddr_ntop((void *)&ss, buf, sizeof(buf)),
			    c->addr);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port),
			 c->port);
}

static const struct bad_case bad_listens[] = {
	{ "listen: port 0", "127.0.0.1:0" },
	{ "listen: port too big", "127.0.0.1:65536" },
	{ "listen: name, not address", "localhost:25" },
	{ "listen: unbracketed v6", "::1:25" },
	{ "listen: empty", "" },
};

static void listen_rejected(void **state)
{
	const struct bad_case *c = *state;
	struct sockaddr_storage ss;
	socklen_t len;

	assert_int_not_equal(netaddr_listen_parse(c->text, &ss, &len), 0);
}

int main(void)
{
	struct CMUnitTest t[64];
	size_t n = 0;

	n = test_table_add(t, n, match_cases, ARRAY_SIZE(match_cases),
			   sizeof(match_cases[0]), prefix_matches);
	n = test_table_add(t, n, bad_prefixes, ARRAY_SIZE(bad_prefixes),
			   sizeof(bad_prefixes[0]), prefix_rejected);
	n = test_table_add(t, n, listen_cases, ARRAY_SIZE(listen_cases),
			   sizeof(listen_cases[0]), listen_parsed);
	n = test_table_add(t, n, bad_listens, ARRAY_SIZE(bad_listens),
			   sizeof(bad_listens[0]), listen_rejected);
	return _cmocka_run_group_tests("netaddr", t, n, NULL, NULL);
}
