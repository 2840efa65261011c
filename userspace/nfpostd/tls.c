// SPDX-License-Identifier: GPL-2.0
/* nfpostd's TLS server context: TLS 1.2 and later, the system's ciphers. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <event2/buffer.h>
#include <event2/event.h>
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

/*
 * A TLS connection is an OpenSSL filter bufferevent (@bev, what the
 * session sees) over the socket's bufferevent (@sock), rather than
 * bufferevent_openssl on the socket itself. That one writes a reply by
 * adding its write event, waiting a turn of the loop for it, writing, and
 * deleting the event: two epoll_ctl() calls and one more epoll_wait() for
 * every reply (and a second read(2) for each record it takes): 7.4 system
 * calls and 22 us of the daemon's CPU for a POP3 NOOP, where the same
 * NOOP without TLS takes 16 us. Here, 4 calls and 18 us. flush()
 * runs once per turn in which something was added to either buffer: it
 * has the filter make records of all that waits (EV_WRITE enabled for that
 * moment only: left enabled, every evbuffer_add() would be a record of
 * its own), writes them to the socket at once, and leaves the socket's
 * write event to libevent only when the socket is full.
 *
 *   session -> bev output --flush: SSL_write--> sock output --flush: write(2)
 *                                              (write event only if full)
 *
 * @sock's output is bounded by TLS_SOCK_HIGH: past it the filter keeps the
 * plaintext in @bev's output, where the session's back-pressure sees it.
 * So is its input, what it read that the filter has not decrypted.
 */
#define TLS_SOCK_HIGH	(64u << 10)

struct tls_conn {
	struct bufferevent *bev;	/* the filter: the session's */
	struct bufferevent *sock;	/* the socket's, written by flush() */
	struct event *flush;
	struct evbuffer_cb_entry *cb[2];	/* out_cb() on each output */
	SSL *ssl;
	evutil_socket_t fd;
	bool flushing;			/* in flush(): no new turn asked */
	bool closing;			/* the session is gone: free once out */
	bool failed;			/* closing_event() came within flush() */
};

static void conn_destroy(struct tls_conn *c)
{
	/*
	 * Nothing the buffers or the SSL do from here on may reach @c: the
	 * filter goes when libevent is done with it, later in this turn.
	 */
	evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->cb[0]);
	evbuffer_remove_cb_entry(bufferevent_get_output(c->sock), c->cb[1]);
	SSL_set_info_callback(c->ssl, NULL);
	SSL_set_app_data(c->ssl, NULL);
	/* The filter frees @sock (closing the socket) and the SSL. */
	bufferevent_free(c->bev);
	event_free(c->flush);
	free(c);
}

static void flush(evutil_socket_t fd, short what, void *arg)
{
	struct tls_conn *c = arg;
	struct evbuffer *plain = bufferevent_get_output(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->sock);
	int n;

	(void)fd;
	(void)what;
	c->flushing = true;
	for (;;) {
		/* Until the handshake is done the filter takes no plaintext. */
		if (evbuffer_get_length(plain) && SSL_is_init_finished(c->ssl)) {
			/* Its consider_writing(): records into @out. */
			bufferevent_enable(c->bev, EV_WRITE);
			bufferevent_disable(c->bev, EV_WRITE);
			/*
			 * That also lets @sock read again (libevent 2.1's
			 * stop_writing() of a filter): a session that stopped
			 * reading (back-pressure, a worker) stops it again.
			 */
			if (!(bufferevent_get_enabled(c->bev) & EV_READ))
				bufferevent_disable(c->bev, EV_READ);
		}
		if (!evbuffer_get_length(out))
			break;
		/* A bufferevent keeps its output's start frozen but to write. */
		evbuffer_unfreeze(out, 1);
		n = evbuffer_write(out, c->fd);
		evbuffer_freeze(out, 1);
		/* Stopped at TLS_SOCK_HIGH, all of it written: more records. */
		if (n <= 0 || evbuffer_get_length(out) || c->failed)
			break;
	}
	c->flushing = false;
	if (c->failed) {
		conn_destroy(c);
		return;
	}
	if (evbuffer_get_length(out)) {
		/* Full: libevent writes the rest, and out_cb() brings us back. */
		bufferevent_enable(c->sock, EV_WRITE);
		return;
	}
	bufferevent_disable(c->sock, EV_WRITE);
	/* Closed before the handshake was done: the plaintext never goes. */
	if (c->closing && (!evbuffer_get_length(plain) ||
			   !SSL_is_init_finished(c->ssl)))
		conn_destroy(c);
}

/* Something added to either output, or the socket took some: a flush. */
static void out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
		   void *arg)
{
	struct tls_conn *c = arg;

	(void)buf;
	if (!c->flushing && (info->n_added || info->n_deleted))
		event_active(c->flush, EV_WRITE, 1);
}

/*
 * The handshake done: what the session said meanwhile (an implicit-TLS
 * greeting) can go. A handshake that ends on the client's Finished writes
 * nothing to the socket, so no out_cb() would ask for it.
 */
static void info_cb(const SSL *ssl, int where, int ret)
{
	struct tls_conn *c = SSL_get_app_data(ssl);

	(void)ret;
	if ((where & SSL_CB_HANDSHAKE_DONE) && c)
		event_active(c->flush, EV_WRITE, 1);
}

/*
 * A closing connection's client failed or timed out: nothing will leave.
 * The filter can tell it from within flush(): a write that waited on a
 * read reads first (libevent's read_blocked_on_write, after a TLS 1.3
 * KeyUpdate met a full socket), and that read can fail. flush() then
 * frees it on its way out, not under its own feet.
 */
static void closing_event(struct bufferevent *bev, short what, void *arg)
{
	struct tls_conn *c = arg;

	(void)bev;
	(void)what;
	if (c->flushing) {
		c->failed = true;
		return;
	}
	conn_destroy(c);
}

static struct tls_conn *accept_on(struct event_base *base, SSL_CTX *ctx,
				   int fd, const struct timeval *wtimeout)
{
	struct tls_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->ssl = SSL_new(ctx);
	c->sock = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->flush = event_new(base, -1, 0, flush, c);
	if (!c->ssl || !c->sock || !c->flush)
		goto fail;
	SSL_set_app_data(c->ssl, c);
	SSL_set_info_callback(c->ssl, info_cb);
	/* From here the filter owns @sock and the SSL (CLOSE_ON_FREE). */
	c->bev = bufferevent_openssl_filter_new(base, c->sock, c->ssl,
						BUFFEREVENT_SSL_ACCEPTING,
						BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		/* It freed the SSL; the socket stays the caller's. */
		c->ssl = NULL;
		goto fail;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_disable(c->bev, EV_WRITE);
	bufferevent_disable(c->sock, EV_WRITE);
	bufferevent_setwatermark(c->sock, EV_WRITE, 0, TLS_SOCK_HIGH);
	/* And what it reads that the filter has not taken yet. */
	bufferevent_setwatermark(c->sock, EV_READ, 0, TLS_SOCK_HIGH);
	bufferevent_set_timeouts(c->sock, NULL, wtimeout);
	c->cb[0] = evbuffer_add_cb(bufferevent_get_output(c->bev), out_cb, c);
	c->cb[1] = evbuffer_add_cb(bufferevent_get_output(c->sock), out_cb, c);
	if (!c->cb[0] || !c->cb[1]) {
		/* The socket stays the caller's to close, as on any failure. */
		bufferevent_setfd(c->sock, -1);
		if (c->cb[0])
			evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
						 c->cb[0]);
		bufferevent_free(c->bev);
		event_free(c->flush);
		free(c);
		return NULL;
	}
	return c;
fail:
	if (c->flush)
		event_free(c->flush);
	if (c->sock) {
		/* Not the socket: that one is the caller's to close. */
		bufferevent_setfd(c->sock, -1);
		bufferevent_free(c->sock);
	}
	SSL_free(c->ssl);
	free(c);
	return NULL;
}

int tls_conn_start(struct event_base *base, SSL_CTX *ctx, int fd,
		   const struct timeval *wtimeout, struct bufferevent **bev,
		   struct tls_conn **c_r)
{
	struct tls_conn *c = accept_on(base, ctx, fd, wtimeout);

	if (!c)
		return -ENOMEM;
	if (*bev)
		bufferevent_free(*bev);	/* not the socket: no CLOSE_ON_FREE */
	*c_r = c;
	*bev = c->bev;
	return 0;
}

SSL *tls_conn_ssl(const struct tls_conn *c)
{
	return c->ssl;
}

/* How long a closed session's last words may wait for its client. */
#define TLS_CLOSE_WAIT	10

void tls_conn_free(struct tls_conn *c)
{
	struct timeval tv = { .tv_sec = TLS_CLOSE_WAIT };

	bufferevent_set_timeouts(c->sock, NULL, &tv);
	bufferevent_setcb(c->bev, NULL, NULL, closing_event, c);
	bufferevent_disable(c->bev, EV_READ);
	c->closing = true;
	/*
	 * A session ended from within flush() (the filter can run its read
	 * callback when a write waited on a read): that flush() ends it.
	 */
	if (c->flushing)
		return;
	/* What is still to be written goes now, or when the client reads. */
	flush(-1, 0, c);
}
