/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delivery status notifications (RFC 3464): the bounce a sender gets when
 * the relay gives up on some of its recipients, and the notices it asked
 * for with NOTIFY (RFC 3461): delivered, relayed, delayed.
 */
#ifndef NFPOSTD_DSN_H
#define NFPOSTD_DSN_H

#include <stdbool.h>
#include <stddef.h>
#include <event2/buffer.h>

#include "queue.h"

/* RFC 3464 2.3.3's actions; failed first, so that {0} is a failure. */
enum dsn_action {
	DSN_FAILED,
	DSN_DELAYED,
	DSN_DELIVERED,
	DSN_RELAYED,
};

/* One recipient in a report (named for the bounce, its first use). */
struct dsn_failure {
	const char *rcpt;
	const char *status;		/* "5.1.1", "4.4.7", "2.0.0" */
	const char *remote;		/* the next hop, "" if none answered */
	const char *diagnostic;		/* its reply, or why we gave up */
	enum dsn_action action;
	const char *orcpt;		/* ORCPT= as given (xtext), or NULL */
};

/*
 * Writes the report about @n of @e's recipients into @out: headers, then
 * a multipart/report with the explanation, the machine-readable
 * delivery-status part (with Original-Envelope-Id and Original-Recipient
 * when the sender gave ENVID and ORCPT) and the original (@orig,
 * @orig_len: the message from the queue): whole as message/rfc822 when
 * a recipient failed and the sender asked RET=FULL, else its headers
 * (RFC 3461 4.3: success and delay notices carry only the headers). @id
 * names the new message.
 */
void dsn_build(struct evbuffer *out, const char *hostname, const char *id,
	       const struct queue_entry *e, const struct dsn_failure *f,
	       int n, const char *orig, size_t orig_len);

/* Whether the report dsn_build() makes holds the whole message. */
bool dsn_returns_full(const struct queue_entry *e,
		      const struct dsn_failure *f, int n);

/* "5.1.1" out of an enhanced reply "550 5.1.1 ...", else from its class. */
void dsn_status(const char *reply, char *buf, size_t len);

#endif /* NFPOSTD_DSN_H */
