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

#include "dsn_param.h"

enum smtp_client_status {
	CLIENT_PENDING,
	CLIENT_SENT,		/* the next hop took it: 250 after the data */
	CLIENT_TEMP,		/* 4xx or no answer: try again later */
	CLIENT_PERM,		/* 5xx, or an extension missing: bounce */
};

struct smtp_client_rcpt {
	const char *addr;
	unsigned int notify;	/* DSN_NOTIFY_*, passed on (RFC 3461) */
	const char *orcpt;	/* ORCPT= to pass on, "" or NULL if none */
	enum smtp_client_status status;
	char reply[512];	/* the reply that decided it */
};

struct smtp_client_job {
	const char *host;	/* next hop and port */
	const char *port;
	/*
	 * The addresses of its exchanges, best first, found by the caller
	 * (lookups block: not in the event loop); each one's ai_canonname is
	 * the host it belongs to. NULL with @resolve_error if none. While
	 * nothing of the transaction was sent (no connection, no 220, EHLO
	 * refused with 4xx), the next address is tried (RFC 5321 5.1). The
	 * caller frees them after done.
	 */
	struct addrinfo *ai;
	char resolve_error[256];
	const char *helo;	/* our name */
	const char *from;
	struct smtp_client_rcpt *rcpts;
	int nrcpt;
	/*
	 * The message as stored, not dot-stuffed. It goes out as CRLF lines
	 * whatever it holds: a bare CR or LF ends a line, a line over 998
	 * octets is broken with CRLF SP, and every line that starts with "."
	 * gets another, so nothing in it can end the data early.
	 */
	const char *msg;
	size_t msg_len;
	bool body_8bit;		/* came with BODY=8BITMIME (RFC 6152) */
	bool smtputf8;		/* and with SMTPUTF8 (RFC 6531) */
	/*
	 * RET and ENVID to pass on, with the recipients' NOTIFY and ORCPT,
	 * when the next hop offers DSN (RFC 3461 4); @dsn says it did, so
	 * that no "relayed" notice is due from us.
	 */
	enum dsn_ret ret;
	const char *envid;	/* "" or NULL if none */
	bool dsn;
	int timeout;		/* seconds per reply */
	char peer[300];		/* "host[ip]:port", for the log */
	bool tls;		/* STARTTLS was used */
	/* If set: called at the data's 250, before QUIT and done. */
	void (*sent)(struct smtp_client_job *job);
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

/*
 * At shutdown, once the loop has stopped: every connection under way is
 * closed and forgotten, its job's done never called. Their recipients stay
 * as the queue last saved them, to be tried again at the next start.
 */
void smtp_client_abort_all(void);

#endif /* NFPOSTD_SMTP_CLIENT_H */
