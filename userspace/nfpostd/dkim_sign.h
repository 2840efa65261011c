/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DKIM signing (RFC 6376) of the mail authenticated users submit and
 * mynetworks relays, with the keys of [dkim] (libopendkim: see
 * dkim_sign.c).
 */
#ifndef NFPOSTD_DKIM_SIGN_H
#define NFPOSTD_DKIM_SIGN_H

#include <stddef.h>
#include <event2/buffer.h>

#include "server.h"

/*
 * Before the daemon drops root: the library and every key file of [dkim],
 * kept as they are then (SIGHUP does not change them).
 */
int dkim_sign_init(struct server *srv);
void dkim_sign_free(struct server *srv);

/*
 * In a worker: a "DKIM-Signature: ...\r\n" field for @msg (the message as
 * received, CRLF lines) appended to the NUL-terminated @out of @len bytes,
 * signed with the key of its From: domain (or of a parent domain), else of
 * the envelope sender @from's. 0 with nothing appended when none of them
 * has a key; -errno when signing failed.
 */
int dkim_sign_message(struct server *srv, const char *from, const char *id,
		      struct evbuffer *msg, char *out, size_t len);

#endif /* NFPOSTD_DKIM_SIGN_H */
