// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for conf.c: nfpostd.conf files written into a fresh directory,
 * their defaults, every key, the lookups, and errors that name the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "conf.h"
#include "test_table.h"
#include "test_tmpdir.h"

/* Every file that should load gets this, so that [listen] is never missing. */
#define LISTEN "[listen]\nsmtp = 127.0.0.1:2525\n"

static char dir[64];		/* the mkdtemp() directory */
static char path[96];		/* dir/nfpostd.conf */

static int write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Writes @text as the configuration and loads it. */
static int load(const char *text, struct conf *c, char *err, size_t len)
{
	assert_int_equal(write_conf(text), 0);
	return conf_load(path, c, err, len);
}

static void load_ok(const char *text, struct conf *c)
{
	char err[512];
	int ret = load(text, c, err, sizeof(err));

	if (ret)
		fail_msg("conf_load: %d: %s", ret, err);
	assert_string_equal(err, "");
}

/* One key of struct conf, its default or the value a file gives it. */
enum field_kind { STR, NONEMPTY, INT, U64 };

struct key_case {
	const char *name;
	const char *ini;	/* [server] lines; LISTEN is appended */
	enum field_kind kind;
	size_t off;
	const char *str;
	long long num;
};

#define F(m) offsetof(struct conf, m)
#define NE(m) NONEMPTY, F(m), NULL, 0
#define S(m, v) STR, F(m), v, 0
#define I(m, v) INT, F(m), NULL, v
#define U(m, v) U64, F(m), NULL, v
#define SRV "[server]\n"

static const struct key_case key_cases[] = {
	{ "default hostname is not empty", "", NE(hostname) },
	{ "default user is none", "", S(run_as, "") },
	{ "default users file", "", S(users_file, "/etc/nfpost/users") },
	{ "default mail_root", "", S(mail_root, "/var/mail/nfpost") },
	{ "default spool", "", S(spool, "/var/spool/nfpost") },
	{ "default postmaster is none", "", S(postmaster, "") },
	{ "default max_message_size", "", U(max_message_size, 10240000) },
	{ "default max_recipients", "", I(max_recipients, 1000) },
	{ "default max_errors", "", I(max_errors, 20) },
	{ "default timeout", "", I(timeout, 300) },
	{ "default store_threads", "", I(store_threads, 16) },
	{ "default max_login_failures", "", I(max_login_failures, 10) },
	{ "default queue_interval", "", I(queue_interval, 60) },
	{ "default retry_min", "", I(retry_min, 300) },
	{ "default retry_max", "", I(retry_max, 4000) },
	{ "default queue_lifetime", "", I(queue_lifetime, 5 * 86400) },
	{ "default delay_warning", "", I(delay_warning, 4 * 3600) },
	{ "delay_warning 0 turns it off", SRV "delay_warning = 0\n",
	  I(delay_warning, 0) },
	{ "no domains by default", "", I(ndomains, 0) },
	{ "no transports by default", "", I(ntransports, 0) },

	{ "hostname parsed", SRV "hostname = mx.example.org\n",
	  S(hostname, "mx.example.org") },
	{ "user parsed", SRV "user = nfpost\n", S(run_as, "nfpost") },
	{ "users parsed", SRV "users = /srv/u\n", S(users_file, "/srv/u") },
	{ "mail_root parsed", SRV "mail_root = /m\n", S(mail_root, "/m") },
	{ "spool parsed", SRV "spool = /srv/q\n", S(spool, "/srv/q") },
	{ "postmaster parsed", SRV "postmaster = root\n",
	  S(postmaster, "root") },
	{ "tls_cert parsed", SRV "tls_cert = /c.pem\n", S(tls_cert, "/c.pem") },
	{ "tls_key parsed", SRV "tls_key = /k.pem\n", S(tls_key, "/k.pem") },
	{ "max_message_size parsed", SRV "max_message_size = 1024\n",
	  U(max_message_size, 1024) },
	{ "max_message_size up to a TiB",
	  SRV "max_message_size = 1099511627776\n",
	  U(max_message_size, 1LL << 40) },
	{ "max_recipients parsed", SRV "max_recipients = 100000\n",
	  I(max_recipients, 100000) },
	{ "max_errors parsed", SRV "max_errors = 3\n", I(max_errors, 3) },
	{ "timeout parsed", SRV "timeout = 86400\n", I(timeout, 86400) },
	{ "store_threads parsed", SRV "store_threads = 256\n",
	  I(store_threads, 256) },
	{ "max_login_failures parsed", SRV "max_login_failures = 3\n",
	  I(max_login_failures, 3) },
	{ "queue_interval parsed", SRV "queue_interval = 5\n",
	  I(queue_interval, 5) },
	{ "retry_min parsed", SRV "retry_min = 1\n", I(retry_min, 1) },
	{ "retry_max parsed", SRV "retry_max = 31536000\n",
	  I(retry_max, 31536000) },
	{ "queue_lifetime parsed", SRV "queue_lifetime = 600\n",
	  I(queue_lifetime, 600) },
	{ "inline comment is not part of the value",
	  SRV "spool = /srv/q ; the queue\n", S(spool, "/srv/q") },
	{ "a later key wins", SRV "timeout = 10\ntimeout = 20\n",
	  I(timeout, 20) },
};

static void key_parsed(void **state)
{
	const struct key_case *k = *state;
	char text[512];
	struct conf c;
	const char *p;

	snprintf(text, sizeof(text), "%s" LISTEN, k->ini);
	load_ok(text, &c);
	p = (const char *)&c + k->off;
	switch (k->kind) {
	case STR:
		assert_string_equal(p, k->str);
		break;
	case NONEMPTY:
		assert_true(p[0] != '\0');
		break;
	case INT:
		assert_int_equal(*(const int *)p, k->num);
		break;
	case U64:
		assert_int_equal(*(const uint64_t *)p, (uint64_t)k->num);
		break;
	}
}

struct domain_case {
	const char *name;
	const char *domain;
	bool local;
};

#define DOMAINS SRV "domains = Example.COM, lab.test\tMAIL.Lab.Test\n"

static const struct domain_case domain_cases[] = {
	{ "domain: listed one is local", "lab.test", true },
	{ "domain: upper case in file matches lower", "example.com", true },
	{ "domain: upper case asked matches", "EXAMPLE.COM", true },
	{ "domain: tab separates words", "mail.lab.test", true },
	{ "domain: other is not local", "example.net", false },
	{ "domain: subdomain is not local", "sub.lab.test", false },
	{ "domain: parent is not local", "test", false },
	{ "domain: prefix is not local", "lab.tes", false },
	{ "domain: empty is not local", "", false },
};

static void domain_is_local(void **state)
{
	const struct domain_case *d = *state;
	struct conf c;

	load_ok(DOMAINS LISTEN, &c);
	assert_int_equal(conf_is_local_domain(&c, d->domain), d->local);
}

static void domains_stored_lower_case_in_order(void **state)
{
	struct conf c;

	(void)state;
	load_ok(DOMAINS LISTEN, &c);
	assert_int_equal(c.ndomains, 3);
	assert_string_equal(c.domains[0], "example.com");
	assert_string_equal(c.domains[1], "lab.test");
	assert_string_equal(c.domains[2], "mail.lab.test");
}

struct network_case {
	const char *name;
	const char *ini;	/* [server] lines */
	const char *client;
	bool in;
};

#define NETS SRV "mynetworks = 192.0.2.0/24, 2001:db8::/32\n"

static const struct network_case network_cases[] = {
	{ "mynetworks: default has v4 loopback", "", "127.0.0.1", true },
	{ "mynetworks: default has all of 127/8", "", "127.9.9.9", true },
	{ "mynetworks: default has v6 loopback", "", "::1", true },
	{ "mynetworks: default has v4-mapped loopback", "",
	  "::ffff:127.0.0.1", true },
	{ "mynetworks: default excludes others", "", "192.0.2.1", false },
	{ "mynetworks: default excludes v6 others", "", "2001:db8::1",
	  false },
	{ "mynetworks: given v4 prefix matches", NETS, "192.0.2.77", true },
	{ "mynetworks: given v6 prefix matches", NETS, "2001:db8:1::1", true },
	{ "mynetworks: given replaces v4 loopback", NETS, "127.0.0.1",
	  false },
	{ "mynetworks: given replaces v6 loopback", NETS, "::1", false },
	{ "mynetworks: outside the given prefix", NETS, "192.0.3.1", false },
	{ "mynetworks: a second line adds to the first",
	  NETS "mynetworks = 10.0.0.0/8\n", "10.1.2.3", true },
	{ "mynetworks: a second line keeps the first",
	  NETS "mynetworks = 10.0.0.0/8\n", "192.0.2.1", true },
	{ "mynetworks: empty value trusts nobody",
	  SRV "mynetworks =\n", "127.0.0.1", false },
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

static void network_trusted(void **state)
{
	const struct network_case *n = *state;
	struct sockaddr_storage ss;
	char text[512];
	struct conf c;

	snprintf(text, sizeof(text), "%s" LISTEN, n->ini);
	load_ok(text, &c);
	to_sockaddr(n->client, &ss);
	assert_int_equal(conf_in_mynetworks(&c, (void *)&ss), n->in);
}

struct listen_case {
	const char *name;
	int i;			/* which entry of c.listen */
	enum listen_kind kind;
	const char *addr;
	int port;
	bool any;		/* a port alone: both families */
};

#define LISTENS "[listen]\nsmtp = 127.0.0.1:2525 [::1]:2525\n" \
		"submission = 587\nsmtps = 192.0.2.1:465\n" \
		"pop3 = :110\npop3s = 0.0.0.0:995\nimap = 143\nimaps = 993\n"

static const struct listen_case listen_cases[] = {
	{ "listen: smtp v4", 0, LISTEN_SMTP, "127.0.0.1", 2525, false },
	{ "listen: smtp second word v6", 1, LISTEN_SMTP, "::1", 2525, false },
	{ "listen: submission bare port", 2, LISTEN_SUBMISSION, "0.0.0.0",
	  587, true },
	{ "listen: smtps", 3, LISTEN_SMTPS, "192.0.2.1", 465, false },
	{ "listen: pop3 colon port", 4, LISTEN_POP3, "0.0.0.0", 110, true },
	{ "listen: pop3s explicit any v4", 5, LISTEN_POP3S, "0.0.0.0", 995,
	  false },
	{ "listen: imap", 6, LISTEN_IMAP, "0.0.0.0", 143, true },
	{ "listen: imaps", 7, LISTEN_IMAPS, "0.0.0.0", 993, true },
};

static void plaintext_auth_is_off_unless_set(void **state)
{
	struct conf c;

	(void)state;
	load_ok(LISTEN, &c);
	assert_false(c.plaintext_auth);
	load_ok(SRV "plaintext_auth = yes\n" LISTEN, &c);
	assert_true(c.plaintext_auth);
	load_ok(SRV "plaintext_auth = no\n" LISTEN, &c);
	assert_false(c.plaintext_auth);
}

static void listen_parsed(void **state)
{
	const struct listen_case *l = *state;
	const struct conf_listen *cl;
	const struct sockaddr_in *sin;
	char buf[64];
	struct conf c;

	load_ok(LISTENS, &c);
	assert_int_equal(c.nlisten, 8);
	cl = &c.listen[l->i];
	assert_int_equal(cl->kind, l->kind);
	assert_string_equal(netaddr_ntop((void *)&cl->addr, buf, sizeof(buf)),
			    l->addr);
	sin = (const void *)&cl->addr;	/* sin6_port is at the same place */
	assert_int_equal(ntohs(sin->sin_port), l->port);
	assert_int_equal(cl->any, l->any);
	assert_int_equal(cl->addrlen, cl->addr.ss_family == AF_INET6 ?
			 sizeof(struct sockaddr_in6) :
			 sizeof(struct sockaddr_in));
}

struct transport_case {
	const char *name;
	const char *domain;
	const char *host;	/* NULL: no entry */
	const char *port;
};

#define TRANSPORTS "[transport]\nlab.test = 192.0.2.10:2525\n" \
		   "Example.NET = relay.example.org:25\n"

static const struct transport_case transport_cases[] = {
	{ "transport: by address", "lab.test", "192.0.2.10", "2525" },
	{ "transport: by name", "example.net", "relay.example.org", "25" },
	{ "transport: domain compared without case", "LAB.Test",
	  "192.0.2.10", "2525" },
	{ "transport: other domain has none", "example.com", NULL, NULL },
	{ "transport: subdomain has none", "x.lab.test", NULL, NULL },
};

static void transport_found(void **state)
{
	const struct transport_case *t = *state;
	const struct conf_transport *ct;
	struct conf c;

	load_ok(LISTEN TRANSPORTS, &c);
	assert_int_equal(c.ntransports, 2);
	ct = conf_transport_find(&c, t->domain);
	if (!t->host) {
		assert_null(ct);
		return;
	}
	assert_non_null(ct);
	assert_string_equal(ct->host, t->host);
	assert_string_equal(ct->port, t->port);
}

static void dkim_keys_parsed(void **state)
{
	struct conf c;

	(void)state;
	load_ok(LISTEN "[dkim]\nlab.test = sel1 /etc/nfpost/dkim/sel1.pem\n"
		"example.net = 2024 /k.pem\n", &c);
	assert_int_equal(c.ndkim, 2);
	assert_string_equal(c.dkim[0].domain, "lab.test");
	assert_string_equal(c.dkim[0].selector, "sel1");
	assert_string_equal(c.dkim[0].key_file, "/etc/nfpost/dkim/sel1.pem");
	assert_string_equal(c.dkim[1].selector, "2024");
}

static void authcheck_and_resolver_parsed(void **state)
{
	struct conf c;

	(void)state;
	load_ok(SRV "resolver = 127.0.0.1:5353\ndns_timeout = 2\n" LISTEN
		"[authcheck]\nlab.test = reject\n* = tag\n"
		"quiet.test = accept\n", &c);
	assert_true(c.resolver_set);
	assert_int_equal(ntohs(c.resolver.sin_port), 5353);
	assert_int_equal(ntohl(c.resolver.sin_addr.s_addr), 0x7f000001);
	assert_int_equal(c.dns_timeout, 2);
	assert_int_equal(conf_authcheck_action(&c, "LAB.test"),
			 AUTHCHECK_REJECT);
	assert_int_equal(conf_authcheck_action(&c, "quiet.test"),
			 AUTHCHECK_ACCEPT);
	assert_int_equal(conf_authcheck_action(&c, "other.test"),
			 AUTHCHECK_TAG);
	load_ok(LISTEN, &c);
	assert_false(c.resolver_set);
	assert_int_equal(c.nauthcheck, 0);
	assert_int_equal(c.dns_timeout, 5);
}

struct error_case {
	const char *name;
	const char *ini;
	int line;		/* in "path:line: "; 0: none */
	const char *what;	/* the rest of the message */
};

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define D8 "a b c d e f g h "
#define D32 D8 D8 D8 D8

static const struct error_case error_cases[] = {
	{ "error: unknown server key", SRV "hostnme = x\n" LISTEN, 2,
	  "[server] hostnme: unknown key" },
	{ "error: unknown section", LISTEN "[relay]\nhost = x\n", 4,
	  "[relay] host: unknown key" },
	{ "error: plaintext_auth is yes or no",
	  SRV "plaintext_auth = maybe\n" LISTEN, 2,
	  "[server] plaintext_auth: bad value" },
	{ "error: unknown listen kind", "[listen]\ngopher = 70\n", 2,
	  "[listen] gopher: unknown key" },
	{ "error: key before any section", "timeout = 5\n" LISTEN, 1,
	  "[] timeout: unknown key" },
	{ "error: number is not a number",
	  SRV "\nmax_recipients = ten\n" LISTEN, 3,
	  "[server] max_recipients: bad value" },
	{ "error: number with a unit", SRV "timeout = 30s\n" LISTEN, 2,
	  "[server] timeout: bad value" },
	{ "error: number empty", SRV "timeout =\n" LISTEN, 2,
	  "[server] timeout: bad value" },
	{ "error: timeout 0 out of range", SRV "timeout = 0\n" LISTEN,
	  2, "[server] timeout: bad value" },
	{ "error: max_login_failures 0 out of range",
	  SRV "max_login_failures = 0\n" LISTEN, 2,
	  "[server] max_login_failures: bad value" },
	{ "error: timeout over a day", SRV "timeout = 86401\n" LISTEN,
	  2, "[server] timeout: bad value" },
	{ "error: max_message_size under 1024",
	  SRV "max_message_size = 1023\n" LISTEN, 2,
	  "[server] max_message_size: bad value" },
	{ "error: max_message_size over a TiB",
	  SRV "max_message_size = 1099511627777\n" LISTEN, 2,
	  "[server] max_message_size: bad value" },
	{ "error: max_recipients negative",
	  SRV "max_recipients = -1\n" LISTEN, 2,
	  "[server] max_recipients: bad value" },
	{ "error: max_errors over 1000",
	  SRV "max_errors = 1001\n" LISTEN, 2,
	  "[server] max_errors: bad value" },
	{ "error: store_threads over 256",
	  SRV "store_threads = 257\n" LISTEN, 2,
	  "[server] store_threads: bad value" },
	{ "error: retry_min 0", SRV "retry_min = 0\n" LISTEN, 2,
	  "[server] retry_min: bad value" },
	{ "error: delay_warning negative",
	  SRV "delay_warning = -1\n" LISTEN, 2,
	  "[server] delay_warning: bad value" },
	{ "error: queue_lifetime over a year",
	  SRV "queue_lifetime = 31536001\n" LISTEN, 2,
	  "[server] queue_lifetime: bad value" },
	{ "error: number overflowing long long",
	  SRV "queue_interval = 99999999999999999999\n" LISTEN, 2,
	  "[server] queue_interval: bad value" },
	{ "error: bad prefix length",
	  SRV "mynetworks = 10.0.0.0/33\n" LISTEN, 2,
	  "[server] mynetworks: bad value" },
	{ "error: bad prefix after a good one",
	  SRV "mynetworks = 10.0.0.0/8 example.com\n" LISTEN, 2,
	  "[server] mynetworks: bad value" },
	{ "error: listen address is a name", "[listen]\nsmtp = localhost:25\n",
	  2, "[listen] smtp: bad value" },
	{ "error: transport without port",
	  LISTEN "[transport]\nlab.test = 192.0.2.1\n", 4,
	  "[transport] lab.test: bad value" },
	{ "error: transport without host",
	  LISTEN "[transport]\nlab.test = :25\n", 4,
	  "[transport] lab.test: bad value" },
	{ "error: dkim without key file",
	  LISTEN "[dkim]\nlab.test = sel1\n", 4, "[dkim] lab.test: bad value" },
	{ "error: dkim with a third word",
	  LISTEN "[dkim]\nlab.test = sel1 /k x\n", 4,
	  "[dkim] lab.test: bad value" },
	{ "error: authcheck with an unknown action",
	  LISTEN "[authcheck]\nlab.test = drop\n", 4,
	  "[authcheck] lab.test: bad value" },
	{ "error: resolver without port", SRV "resolver = 127.0.0.1\n" LISTEN,
	  2, "[server] resolver: bad value" },
	{ "error: resolver over IPv6", SRV "resolver = [::1]:53\n" LISTEN,
	  2, "[server] resolver: bad value" },
	{ "error: dns_timeout zero", SRV "dns_timeout = 0\n" LISTEN, 2,
	  "[server] dns_timeout: bad value" },
	{ "error: postmaster too long", SRV "postmaster = " A64 "\n" LISTEN,
	  2, "[server] postmaster: too long or too many" },
	{ "error: 33 domains are too many", SRV "domains = " D32 " x\n" LISTEN,
	  2, "[server] domains: too long or too many" },
	{ "error: line counted past good and blank lines",
	  SRV "timeout = 5\nspool = /q\n\nmax_errors = 0\n" LISTEN, 5,
	  "[server] max_errors: bad value" },
	{ "error: line without equals", SRV "hostname\n" LISTEN, 2,
	  "syntax error" },
	{ "error: the first bad line is the one named",
	  SRV "bogus = 1\ntimeout = 0\n" LISTEN, 2,
	  "[server] bogus: unknown key" },
	{ "error: a syntax error first is the one named",
	  SRV "hostname\ntimeout = 0\n" LISTEN, 2, "syntax error" },
	{ "error: no [listen] section", SRV "hostname = x\n", 0,
	  "no [listen] address" },
	{ "error: empty [listen] section", "[listen]\nsmtp =\n", 0,
	  "no [listen] address" },
	{ "error: empty file", "", 0, "no [listen] address" },
};

static void error_named(void **state)
{
	const struct error_case *e = *state;
	char err[512], want[512];
	struct conf c;

	assert_int_equal(load(e->ini, &c, err, sizeof(err)), -EINVAL);
	if (e->line)
		snprintf(want, sizeof(want), "%s:%d: %s", path, e->line,
			 e->what);
	else
		snprintf(want, sizeof(want), "%s: %s", path, e->what);
	assert_string_equal(err, want);
}

static void missing_file_is_enoent(void **state)
{
	char err[512], want[512], gone[128];
	struct conf c;

	(void)state;
	snprintf(gone, sizeof(gone), "%s/absent.conf", dir);
	assert_int_equal(conf_load(gone, &c, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot read", gone);
	assert_string_equal(err, want);
}

static void short_error_buffer_truncates(void **state)
{
	struct conf c;
	char err[8];

	(void)state;
	assert_int_equal(load(SRV "bogus = 1\n" LISTEN, &c, err,
			      sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_memory_equal(err, path, sizeof(err) - 1);
}

static int group_setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(dir, sizeof(dir), "conf"))
		return -1;
	snprintf(path, sizeof(path), "%s/nfpostd.conf", dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(dir);
}

int main(void)
{
	struct CMUnitTest t[ARRAY_SIZE(key_cases) + ARRAY_SIZE(domain_cases) +
			    ARRAY_SIZE(network_cases) +
			    ARRAY_SIZE(listen_cases) +
			    ARRAY_SIZE(transport_cases) +
			    ARRAY_SIZE(error_cases) + 5] = {
		cmocka_unit_test(dkim_keys_parsed),
		cmocka_unit_test(authcheck_and_resolver_parsed),
		cmocka_unit_test(plaintext_auth_is_off_unless_set),
		cmocka_unit_test(domains_stored_lower_case_in_order),
		cmocka_unit_test(missing_file_is_enoent),
		cmocka_unit_test(short_error_buffer_truncates),
	};
	size_t n = 5;

	TEST_TABLE(t, n, key_cases, key_parsed);
	TEST_TABLE(t, n, domain_cases, domain_is_local);
	TEST_TABLE(t, n, network_cases, network_trusted);
	TEST_TABLE(t, n, listen_cases, listen_parsed);
	TEST_TABLE(t, n, transport_cases, transport_found);
	TEST_TABLE(t, n, error_cases, error_named);
	return _cmocka_run_group_tests("conf", t, n, group_setup,
				       group_teardown);
}
