/* SPDX-License-Identifier: GPL-2.0 */
/* nfpostd's TLS server context (OpenSSL): certificate, key, versions. */
#ifndef NFPOSTD_TLS_H
#define NFPOSTD_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

/* NULL with a message in @err when the files do not make a context. */
SSL_CTX *tls_server_ctx(const char *cert, const char *key, char *err,
			size_t len);
/* "TLSv1.3 with cipher X (256/256 bits)", for logs and Received:. */
void tls_describe(SSL *ssl, char *buf, size_t len);

struct bufferevent;
struct event_base;
struct timeval;
struct tls_conn;
/*
 * A server session's TLS on socket @fd (the handshake as the server to
 * come), for a session that read in plaintext until now (STARTTLS, STLS)
 * or not at all (implicit TLS): its bufferevent *@bev, if any (not the
 * socket's owner), is freed and replaced by the connection's, which the
 * session reads and writes as it would a socket's bufferevent, but never
 * enables EV_WRITE on: the records are made and written once per turn of
 * the loop, straight to the socket (see tls.c). The connection in *@c_r.
 * @wtimeout: how long records may wait for a client that does not read
 * (NULL: as long as it takes). -ENOMEM, with nothing changed, if it
 * cannot.
 */
int tls_conn_start(struct event_base *base, SSL_CTX *ctx, int fd,
		   const struct timeval *wtimeout, struct bufferevent **bev,
		   struct tls_conn **c_r);
SSL *tls_conn_ssl(const struct tls_conn *c);
/*
 * The session is done with @c: it is freed, and the socket closed, once
 * what it holds has been written (or the client fails or times out).
 */
void tls_conn_free(struct tls_conn *c);

#endif /* NFPOSTD_TLS_H */
