/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What bench/pop3rt and bench/imaprt share: a client connection to a
 * server on loopback, plain and then TLS (the certificate not checked: a
 * private server), read into a buffer the caller takes answers from.
 */
#ifndef NFPOST_BENCH_RTCONN_H
#define NFPOST_BENCH_RTCONN_H

#include <stddef.h>
#include <openssl/ssl.h>

struct conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;		/* NULL before STARTTLS/STLS */
	char *buf;		/* what was read and not yet taken */
	size_t len, cap;
};

/* @prog's message on stderr, with OpenSSL's errors, then exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
					      noreturn));
extern const char *rt_prog;

double now(void);
void conn_open(struct conn *c, const char *port);
void conn_tls(struct conn *c);
size_t more(struct conn *c);
void put(struct conn *c, const char *text);
void take(struct conn *c, size_t n);
/* After the last command: reads on until the server closes, frees. */
void conn_close(struct conn *c);

#endif
