// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of smtp_client.c's choice of address: scripted next hops on
 * 127.0.0.1 (threads with blocking sockets), the client in a real event
 * loop. A next hop that refuses the connection or greets with 4xx/5xx
 * before anything of the transaction went out makes the client go on to
 * the job's next address (RFC 5321 5.1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "smtp_client.h"

/* One next hop: a listening socket and what it says. */
struct hop {
	int fd;
	int port;
	const char *greeting;	/* NULL: closed port, nothing listens */
	bool took;		/* it got a message */
	pthread_t thread;
};

static int listen_any(int *port_r)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 20 };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	/* A client that never comes, or stops talking, fails the test. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				    sizeof(tv)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port_r = ntohs(sin.sin_port);
	return fd;
}

/* Reads one line (or up to the data's end in DATA mode) into @buf. */
static bool read_until(int fd, const char *end, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size) {
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return false;
		n++;
		buf[n] = '\0';
		if (n >= strlen(end) && !strcmp(buf + n - strlen(end), end))
			return true;
	}
	return false;
}

static void say(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* A whole session: the greeting, then 250/354 to all, until QUIT. */
static void *serve(void *arg)
{
	struct hop *h = arg;
	char buf[8192];
	struct timeval tv = { .tv_sec = 20 };
	int c = accept(h->fd, NULL, NULL);

	if (c < 0)
		return NULL;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	say(c, h->greeting);
	while (h->greeting[0] == '2' &&
	       read_until(c, "\r\n", buf, sizeof(buf))) {
		if (!strncmp(buf, "QUIT", 4)) {
			say(c, "221 bye\r\n");
			break;
		}
		if (!strncmp(buf, "DATA", 4)) {
			say(c, "354 go\r\n");
			if (!read_until(c, "\r\n.\r\n", buf, sizeof(buf)))
				break;
			h->took = true;
		}
		say(c, strncmp(buf, "EHLO", 4) ? "250 ok\r\n" :
		       "250-hop\r\n250 8BITMIME\r\n");
	}
	close(c);
	return NULL;
}

static void hop_start(struct hop *h, const char *greeting)
{
	h->fd = listen_any(&h->port);
	h->greeting = greeting;
	if (!greeting) {
		close(h->fd);	/* the port is free: connections refused */
		h->fd = -1;
		return;
	}
	assert_int_equal(pthread_create(&h->thread, NULL, serve, h), 0);
}

static void hop_stop(struct hop *h)
{
	if (h->fd < 0)
		return;
	pthread_join(h->thread, NULL);
	close(h->fd);
}

/* The job's address list: one per hop, named after its position. */
static struct addrinfo *addrs(struct hop *hops, int n)
{
	static const char *const names[] = { "first", "second", "third" };
	struct addrinfo *ai = calloc((size_t)n, sizeof(*ai));
	struct sockaddr_in *sin = calloc((size_t)n, sizeof(*sin));
	int i;

	for (i = 0; i < n; i++) {
		sin[i].sin_family = AF_INET;
		sin[i].sin_port = htons((uint16_t)hops[i].port);
		sin[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ai[i].ai_family = AF_INET;
		ai[i].ai_socktype = SOCK_STREAM;
		ai[i].ai_addr = (struct sockaddr *)&sin[i];
		ai[i].ai_addrlen = sizeof(sin[i]);
		ai[i].ai_canonname = (char *)names[i];
		ai[i].ai_next = i + 1 < n ? &ai[i + 1] : NULL;
	}
	return ai;
}

static void done(struct smtp_client_job *job)
{
	event_base_loopbreak(job->arg);
}

/* Runs one delivery over @n hops; returns the recipient's outcome. */
static struct smtp_client_rcpt deliver(struct hop *hops, int n,
				       char *peer, size_t peer_len)
{
	struct smtp_client_rcpt rcpt = { .addr = "carol@other.example" };
	struct event_base *base = event_base_new();
	struct addrinfo *ai = addrs(hops, n);
	struct smtp_client_job job = {
		.host = "other.example", .port = "25", .ai = ai,
		.helo = "mx.test", .from = "alice@lab.example",
		.rcpts = &rcpt, .nrcpt = 1,
		.msg = "Subject: t\r\n\r\nhi\r\n", .msg_len = 18,
		.timeout = 10, .done = done, .arg = base,
	};
	int i;

	assert_non_null(base);
	smtp_client_start(base, NULL, &job);
	event_base_dispatch(base);
	for (i = 0; i < n; i++)
		hop_stop(&hops[i]);
	snprintf(peer, peer_len, "%s", job.peer);
	free(ai[0].ai_addr);
	free(ai);
	event_base_free(base);
	return rcpt;
}

static void refused_connection_goes_to_the_next_address(void **state)
{
	struct hop hops[2];
	struct smtp_client_rcpt r;
	char peer[300];

	(void)state;
	hop_start(&hops[0], NULL);
	hop_start(&hops[1], "220 second ready\r\n");
	r = deliver(hops, 2, peer, sizeof(peer));
	assert_int_equal(r.status, CLIENT_SENT);
	assert_true(hops[1].took);
	assert_non_null(strstr(peer, "second[127.0.0.1]"));
}

static void greeting_421_goes_to_the_next_address(void **state)
{
	struct hop hops[3];
	struct smtp_client_rcpt r;
	char peer[300];

	(void)state;
	hop_start(&hops[0], "421 first too busy\r\n");
	hop_start(&hops[1], "554 second says no\r\n");
	hop_start(&hops[2], "220 third ready\r\n");
	r = deliver(hops, 3, peer, sizeof(peer));
	assert_int_equal(r.status, CLIENT_SENT);
	assert_false(hops[0].took);
	assert_true(hops[2].took);
	assert_non_null(strstr(peer, "third[127.0.0.1]"));
}

static void last_address_greeting_421_is_a_deferral(void **state)
{
	struct hop hops[2];
	struct smtp_client_rcpt r;
	char peer[300];

	(void)state;
	hop_start(&hops[0], NULL);
	hop_start(&hops[1], "421 4.3.2 second too busy\r\n");
	r = deliver(hops, 2, peer, sizeof(peer));
	assert_int_equal(r.status, CLIENT_TEMP);
	assert_string_equal(r.reply, "421 4.3.2 second too busy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_connection_goes_to_the_next_address),
		cmocka_unit_test(greeting_421_goes_to_the_next_address),
		cmocka_unit_test(last_address_greeting_421_is_a_deferral),
	};

	return cmocka_run_group_tests_name("smtp_client", tests, NULL, NULL);
}
