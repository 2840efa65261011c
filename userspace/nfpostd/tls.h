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
/*
 * A server session's TLS on socket @fd: the bufferevent (the handshake
 * as the server to come; closing it closes @fd) and its SSL in *@ssl_r,
 * or NULL.
 */
struct bufferevent *tls_accept_bev(struct event_base *base, SSL_CTX *ctx,
				   int fd, SSL **ssl_r);

#endif /* NFPOSTD_TLS_H */
