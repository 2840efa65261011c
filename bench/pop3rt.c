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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

struct conn {
	int fd;
	SSL *ssl;		/* NULL before STLS */
	char *buf;		/* what was read and not yet taken */
	size_t len, cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("pop3rt: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* More bytes into @c->buf; 0 once the server has closed. */
static size_t more(struct conn *c)
{
	int n;

	if (c->cap - c->len < 16384) {
		c->cap = c->cap ? 2 * c->cap : 1 << 16;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			die("out of memory");
	}
	if (c->ssl) {
		n = SSL_read(c->ssl, c->buf + c->len, (int)(c->cap - c->len));
		if (n <= 0) {
			if (SSL_get_error(c->ssl, n) == SSL_ERROR_ZERO_RETURN ||
			    SSL_get_error(c->ssl, n) == SSL_ERROR_SYSCALL)
				return 0;
			die("SSL_read failed");
		}
	} else {
		n = (int)read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n < 0)
			die("read: %m");
	}
	c->len += (size_t)n;
	return (size_t)n;
}

static void put(struct conn *c, const char *text)
{
	size_t n = strlen(text);

	if (c->ssl ? SSL_write(c->ssl, text, (int)n) != (int)n :
		     write(c->fd, text, n) != (ssize_t)n)
		die("cannot send %s", text);
}

/* Takes the first @n bytes of what was read. */
static void take(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

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
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct conn c = { 0 };
	char line[1024];
	long i, msgs, stats;
	SSL_CTX *ctx;
	double t;

	if (argc != 6) {
		fputs("usage: pop3rt PORT USER PASSWORD MESSAGES STATS\n",
		      stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);	/* a write to a closed socket: a message */
	msgs = atol(argv[4]);
	stats = atol(argv[5]);
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c.fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c.fd < 0 || connect(c.fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect: %m");
	answer(&c, "greeting", 0);
	cmd(&c, "STLS\r\n", 0);
	ctx = SSL_CTX_new(TLS_client_method());
	/* nfpostd, like many servers, closes without a close_notify. */
	if (ctx)
		SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	c.ssl = ctx ? SSL_new(ctx) : NULL;
	if (!c.ssl || !SSL_set_fd(c.ssl, c.fd) || SSL_connect(c.ssl) != 1)
		die("TLS handshake failed");
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
	c.len = 0;
	while (more(&c))
		c.len = 0;
	SSL_free(c.ssl);
	SSL_CTX_free(ctx);
	close(c.fd);
	free(c.buf);
	return 0;
}
