// SPDX-License-Identifier: GPL-2.0
/*
 * DKIM signatures with libopendkim (OpenDKIM's library, as Debian ships
 * it): relaxed/relaxed, rsa-sha256, the library's default header list,
 * with the key of the From: domain when there is one (DMARC alignment).
 * Keys are read once at start, as root, with a copy of their [dkim] lines:
 * a SIGHUP may change the configuration, not the keys. Signing runs in the
 * workers, each message with a handle of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <opendkim/dkim.h>

#include "authcheck.h"
#include "dkim_sign.h"
#include "log.h"
#include "mailaddr.h"

#define KEY_MAX		(64 * 1024)

struct dkim_signer {
	DKIM_LIB *lib;
	struct conf_dkim conf[CONF_MAX_DKIM];	/* as read at start */
	unsigned char *keys[CONF_MAX_DKIM];	/* PEM, per conf[] */
	int n;
};

static struct dkim_signer signer;

static unsigned char *read_key(const char *path)
{
	unsigned char *buf = NULL;
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0 && st.st_size < KEY_MAX)
		buf = calloc(1, (size_t)st.st_size + 1);
	if (buf)
		n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != (ssize_t)st.st_size) {
		free(buf);
		return NULL;
	}
	return buf;
}

int dkim_sign_init(struct server *srv)
{
	int i;

	if (!srv->conf.ndkim)
		return 0;
	signer.lib = dkim_init(NULL, NULL);
	if (!signer.lib) {
		log_msg(LOG_ERR, "DKIM: cannot start libopendkim");
		return -ENOMEM;
	}
	for (i = 0; i < srv->conf.ndkim; i++) {
		signer.conf[i] = srv->conf.dkim[i];
		signer.n = i + 1;
		signer.keys[i] = read_key(srv->conf.dkim[i].key_file);
		if (!signer.keys[i]) {
			log_msg(LOG_ERR, "DKIM: %s: cannot read the key of %s",
				srv->conf.dkim[i].key_file,
				srv->conf.dkim[i].domain);
			dkim_sign_free(srv);
			return -EINVAL;
		}
	}
	return 0;
}

void dkim_sign_free(struct server *srv)
{
	int i;

	(void)srv;
	for (i = 0; i < CONF_MAX_DKIM; i++) {
		free(signer.keys[i]);
		signer.keys[i] = NULL;
	}
	if (signer.lib)
		dkim_close(signer.lib);
	signer.lib = NULL;
	signer.n = 0;
}

static int key_of_domain(const char *domain)
{
	int i;

	for (i = 0; i < signer.n; i++)
		if (mailaddr_domain_eq(signer.conf[i].domain, domain))
			return i;
	return -1;
}

/*
 * The key of the From: domain, so that the signature aligns with it for
 * DMARC (RFC 7489 3.1.1); else of a parent domain of it (relaxed
 * alignment, the [dkim] domain being the organizational one); else the
 * envelope sender's, a signature that still verifies but does not align.
 */
static int key_of(const char *from, struct evbuffer *msg)
{
	size_t n = evbuffer_get_length(msg);
	const char *p = n ? (const char *)evbuffer_pullup(msg, -1) : NULL;
	const char *at = strrchr(from, '@'), *d;
	char hdr[256];
	int k;

	if (p && !authcheck_from_domain(p, n, hdr, sizeof(hdr)))
		for (d = hdr; strchr(d, '.'); d = strchr(d, '.') + 1)
			if ((k = key_of_domain(d)) >= 0)
				return k;
	return at ? key_of_domain(at + 1) : -1;
}

/*
 * The message in one piece (the store makes it one too when it is in
 * many), then the end: the library finds where the header ends.
 */
static DKIM_STAT feed(DKIM *d, struct evbuffer *msg)
{
	size_t len = evbuffer_get_length(msg);
	unsigned char *p = len ? evbuffer_pullup(msg, -1) : NULL;
	DKIM_STAT st = DKIM_STAT_OK;

	if (len && !p)
		return DKIM_STAT_NORESOURCE;
	if (len)
		st = dkim_chunk(d, p, len);
	if (st == DKIM_STAT_OK)
		st = dkim_chunk(d, NULL, 0);
	return st == DKIM_STAT_OK ? dkim_eom(d, NULL) : st;
}

/* The field, its folds made CRLF whatever the library wrote. */
static int append(char *out, size_t len, const unsigned char *sig, size_t n)
{
	size_t off = strlen(out), i;

	if (off + 16 + 2 * n + 3 > len)
		return -ENOSPC;
	off += (size_t)sprintf(out + off, "DKIM-Signature: ");
	for (i = 0; i < n; i++) {
		if (sig[i] == '\n' && (!i || sig[i - 1] != '\r'))
			out[off++] = '\r';
		out[off++] = (char)sig[i];
	}
	memcpy(out + off, "\r\n", 3);
	return 0;
}

int dkim_sign_message(struct server *srv, const char *from, const char *id,
		      struct evbuffer *msg, char *out, size_t len)
{
	const struct conf_dkim *c;
	unsigned char *sig;
	DKIM_STAT st;
	size_t n;
	DKIM *d;
	int k = signer.lib ? key_of(from, msg) : -1;

	(void)srv;
	if (k < 0)
		return 0;
	c = &signer.conf[k];
	d = dkim_sign(signer.lib, (const unsigned char *)id, NULL,
		      signer.keys[k], (const unsigned char *)c->selector,
		      (const unsigned char *)c->domain, DKIM_CANON_RELAXED,
		      DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1, &st);
	if (!d)
		return -EINVAL;
	st = feed(d, msg);
	if (st == DKIM_STAT_OK)
		st = dkim_getsighdr_d(d, strlen("DKIM-Signature: "), &sig, &n);
	if (st == DKIM_STAT_OK)
		st = append(out, len, sig, n) ? DKIM_STAT_NORESOURCE : st;
	if (st != DKIM_STAT_OK)
		log_msg(LOG_ERR, "%s: DKIM signing for %s failed: %s", id,
			c->domain, dkim_getresultstr(st));
	dkim_free(d);
	return st == DKIM_STAT_OK ? 0 : -EINVAL;
}
