// SPDX-License-Identifier: GPL-2.0
/* The connection bench/pop3rt and bench/imaprt share (rtconn.h). */
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

#include "rtconn.h"

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", rt_prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ERR_print_errors_fp(stderr);
	exit(1);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void conn_open(struct conn *c, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	memset(c, 0, sizeof(*c));
	signal(SIGPIPE, SIG_IGN);	/* a write to a closed socket: a message */
	sin.sin_port = htons((unsigned short)atoi(port));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect: %m");
}

void conn_tls(struct conn *c)
{
	c->ctx = SSL_CTX_new(TLS_client_method());
	/* nfpostd, like many servers, closes without a close_notify. */
	if (c->ctx)
		SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	c->ssl = c->ctx ? SSL_new(c->ctx) : NULL;
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd) || SSL_connect(c->ssl) != 1)
		die("TLS handshake failed");
}

/* More bytes into @c->buf; 0 once the server has closed. */
size_t more(struct conn *c)
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

void put(struct conn *c, const char *text)
{
	size_t n = strlen(text);

	if (c->ssl ? SSL_write(c->ssl, text, (int)n) != (int)n :
		     write(c->fd, text, n) != (ssize_t)n)
		die("cannot send %s", text);
}

/* Takes the first @n bytes of what was read. */
void take(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

void conn_close(struct conn *c)
{
	c->len = 0;
	while (more(c))
		c->len = 0;
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	close(c->fd);
	free(c->buf);
}
