/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delivery status notifications (RFC 3464): the bounce a sender gets when
 * the relay gives up on some of its recipients.
 */
#ifndef NFPOSTD_DSN_H
#define NFPOSTD_DSN_H

#include <stddef.h>
#include <event2/buffer.h>

#include "queue.h"

struct dsn_failure {
	const char *rcpt;
	const char *status;		/* "5.1.1", "4.4.7" */
	const char *remote;		/* the next hop, "" if none answered */
	const char *diagnostic;		/* its reply, or why we gave up */
};

/*
 * Writes the report about @e's @n failed recipients into @out: headers,
 * then a multipart/report with the explanation, the machine-readable
 * delivery-status part and the original headers (@orig, @orig_len: the
 * message from the queue). @id names the new message.
 */
void dsn_build(struct evbuffer *out, const char *hostname, const char *id,
	       const struct queue_entry *e, const struct dsn_failure *f,
	       int n, const char *orig, size_t orig_len);

/* "5.1.1" out of an enhanced reply "550 5.1.1 ...", else from its class. */
void dsn_status(const char *reply, char *buf, size_t len);

#endif /* NFPOSTD_DSN_H */
