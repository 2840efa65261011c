// SPDX-License-Identifier: GPL-2.0
/*
 * bench/pop3rt: bench/pop3's client for the measures that are one round
 * trip per command: STAT, RETR of every message one after the other, as
 * many NOOPs. A Python client spends 30 to 50 us of its own CPU on each
 * round trip over TLS, as much as the servers it compares, and that share
 * is the same for both: it pulls every ratio towards 1. This one spends a
 * few us, so that the times are the servers'. bench/pop3 builds it.
 *
 *   pop3rt PORT USER PASSWORD MESSAGES STATS
 *
 * Connects to 127.0.0.1:PORT, logs in over STLS (the certificate is not
 * checked: a private server on loopback), and prints, in seconds:
 *   stat T1 T2 ...   STATS STATs, each timed on its own
 *   retr T           RETR 1 to MESSAGES, each answer read whole first
 *   noop T           MESSAGES NOOPs, one after the other
 * then QUITs without DELE and reads on until the server closes (so that
 * the next session finds the maildrop unlocked). Any -ERR, short answer
 * or TLS error: a message on stderr, exit 1.
 */
#define _GNU_SOURCE		/* memmem() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtconn.h"

const char *rt_prog = "pop3rt";

/* Reads up to the end of an answer: its first line, or (@multi) the line
 * of a lone dot; it must start with +OK. */
static void answer(struct conn *c, const char *cmd, int multi)
{
	const char *end = multi ? "\r\n.\r\n" : "\r\n";
	size_t from = 0, elen = strlen(end);
	char *p;

	for (;;) {
		/* A lone "." right after +OK's line ends it too: search from
		 * that line's CRLF. */
		p = c->len ? memmem(c->buf + from, c->len - from, end, elen) :
			     NULL;
		if (p)
			break;
		if (c->len >= elen)
			from = c->len - elen + 1;
		if (!more(c))
			die("%s: the server closed", cmd);
	}
	if (c->len < 3 || memcmp(c->buf, "+OK", 3)) {
		char *eol = memchr(c->buf, '\r', c->len);

		die("%s: %.*s", cmd, (int)(eol ? eol - c->buf : 0), c->buf);
	}
	take(c, (size_t)(p - c->buf) + elen);
}

static void cmd(struct conn *c, const char *text, int multi)
{
	put(c, text);
	answer(c, text, multi);
}

int main(int argc, char **argv)
{
	struct conn c;
	char line[1024];
	long i, msgs, stats;
	double t;

	if (argc != 6) {
		fputs("usage: pop3rt PORT USER PASSWORD MESSAGES STATS\n",
		      stderr);
		return 2;
	}
	msgs = atol(argv[4]);
	stats = atol(argv[5]);
	conn_open(&c, argv[1]);
	answer(&c, "greeting", 0);
	cmd(&c, "STLS\r\n", 0);
	conn_tls(&c);
	snprintf(line, sizeof(line), "USER %s\r\n", argv[2]);
	cmd(&c, line, 0);
	snprintf(line, sizeof(line), "PASS %s\r\n", argv[3]);
	cmd(&c, line, 0);

	printf("stat");
	for (i = 0; i < stats; i++) {
		t = now();
		cmd(&c, "STAT\r\n", 0);
		printf(" %.9f", now() - t);
	}
	t = now();
	for (i = 1; i <= msgs; i++) {
		snprintf(line, sizeof(line), "RETR %ld\r\n", i);
		cmd(&c, line, 1);
	}
	printf("\nretr %.9f\n", now() - t);
	t = now();
	for (i = 0; i < msgs; i++)
		cmd(&c, "NOOP\r\n", 0);
	printf("noop %.9f\n", now() - t);

	cmd(&c, "QUIT\r\n", 0);
	conn_close(&c);
	return 0;
}
