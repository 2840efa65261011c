// SPDX-License-Identifier: GPL-2.0
/* nfpostd's TLS server context: TLS 1.2 and later, the system's ciphers. */
#include <stdio.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "tls.h"

SSL_CTX *tls_server_ctx(const char *cert, const char *key, char *err,
			size_t len)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		snprintf(err, len, "SSL_CTX_new failed");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/*
	 * A connection's record buffers (some 34 KiB for reading and
	 * writing) go back to the heap while it has nothing in flight: most
	 * IMAP connections idle, and they were a third of one's memory.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, len, "%s / %s: %s", cert, key,
			 ERR_reason_error_string(ERR_get_error()));
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

void tls_describe(SSL *ssl, char *buf, size_t len)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int alg = 0, bits = SSL_CIPHER_get_bits(c, &alg);

	snprintf(buf, len, "%s with cipher %s (%d/%d bits)",
		 SSL_get_version(ssl), SSL_CIPHER_get_name(c), bits, alg);
}

struct bufferevent *tls_accept_bev(struct event_base *base, SSL_CTX *ctx,
				   int fd, SSL **ssl_r)
{
	SSL *ssl = SSL_new(ctx);
	struct bufferevent *bev;

	if (!ssl)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
					     BUFFEREVENT_SSL_ACCEPTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		SSL_free(ssl);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	*ssl_r = ssl;
	return bev;
}
