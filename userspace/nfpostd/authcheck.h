/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sender checks of incoming mail: SPF (RFC 7208, libspf2), DKIM
 * (RFC 6376, libopendkim) and DMARC (RFC 7489, libopendmarc), their
 * verdicts as an Authentication-Results: field (RFC 8601), and what the
 * sender's domain asks be done with a message that fails them.
 */
#ifndef NFPOSTD_AUTHCHECK_H
#define NFPOSTD_AUTHCHECK_H

#include <stddef.h>
#include <sys/socket.h>
#include <event2/buffer.h>

#include "conf.h"

/* Before the daemon drops root: the libraries and the public suffix list. */
int authcheck_init(const struct conf *c);
void authcheck_free(void);

struct authcheck_in {
	const char *id;			/* queue id, for the logs */
	const struct sockaddr *peer;
	const char *helo;
	const char *mail_from;		/* "" for <> */
	struct evbuffer *msg;		/* as received, CRLF lines */
};

struct authcheck_result {
	/*
	 * What the sender's domain asks: REJECT for a DMARC fail under
	 * p=reject or an SPF fail without DMARC, QUARANTINE for p=quarantine,
	 * TAG for an SPF softfail without DMARC, else ACCEPT.
	 */
	enum authcheck_action asks;
	char why[400];			/* the failure, for logs and the 550 */
	char header[2048];		/* "Authentication-Results: ...\r\n" */
};

/* In a worker (DNS blocks): every check of @in, by @c->hostname. */
void authcheck_run(const struct conf *c, const struct authcheck_in *in,
		   struct authcheck_result *r);

/*
 * The domain of the one address of the one From: field in the message at
 * @p (@n bytes): 0, or -EINVAL when there is no such single address.
 */
int authcheck_from_domain(const char *p, size_t n, char *out, size_t len);

/*
 * Removes from @msg's header the Authentication-Results: fields that claim
 * to be ours (authserv-id @host, RFC 8601 5): how many, or -ENOMEM.
 */
int authcheck_strip(struct evbuffer *msg, const char *host);

#endif /* NFPOSTD_AUTHCHECK_H */
