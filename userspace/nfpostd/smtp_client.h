/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SMTP client of the relay: one connection to a next hop that hands
 * over one queued message for some of its recipients, with opportunistic
 * STARTTLS (RFC 3207: used when offered, the certificate not checked, as
 * Postfix's "may" level).
 */
#ifndef NFPOSTD_SMTP_CLIENT_H
#define NFPOSTD_SMTP_CLIENT_H

#include <stdbool.h>
#include <netdb.h>
#include <sys/types.h>
#include <event2/event.h>
#include <openssl/ssl.h>

enum smtp_client_status {
	CLIENT_PENDING,
	CLIENT_SENT,		/* the next hop took it: 250 after the data */
	CLIENT_TEMP,		/* 4xx or no answer: try again later */
	CLIENT_PERM,		/* 5xx: bounce */
};

struct smtp_client_rcpt {
	const char *addr;
	enum smtp_client_status status;
	char reply[512];	/* the reply that decided it */
};

struct smtp_client_job {
	const char *host;	/* next hop and port */
	const char *port;
	/*
	 * Their addresses, found by the caller (getaddrinfo() blocks: not in
	 * the event loop), tried in order; NULL with @resolve_error if none.
	 * The caller frees them after done.
	 */
	struct addrinfo *ai;
	char resolve_error[256];
	const char *helo;	/* our name */
	const char *from;
	struct smtp_client_rcpt *rcpts;
	int nrcpt;
	const char *msg;	/* the message, CRLF lines, not dot-stuffed */
	size_t msg_len;
	int timeout;		/* seconds per reply */
	char peer[300];		/* "host[ip]:port", for the log */
	bool tls;		/* STARTTLS was used */
	void (*done)(struct smtp_client_job *job);
	void *arg;
};

/*
 * Starts the delivery; @job->done is called once every recipient has a
 * status (from the event loop, never from inside this call). A connection
 * that fails gives every recipient CLIENT_TEMP with the reason.
 */
void smtp_client_start(struct event_base *base, SSL_CTX *tls,
		       struct smtp_client_job *job);

#endif /* NFPOSTD_SMTP_CLIENT_H */
