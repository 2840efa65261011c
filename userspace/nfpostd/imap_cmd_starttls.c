// SPDX-License-Identifier: GPL-2.0
/*
 * STARTTLS (RFC 3501 6.2.1): OK, then TLS once it has left; what the
 * client pipelined after it is discarded (imap_session.c).
 */
#include "imap_priv.h"

void imap_cmd_starttls(struct imap_session *s, const struct imap_arg *args,
		       bool uid)
{
	(void)uid;
	if (args) {
		imap_bad(s, "STARTTLS takes no arguments.");
		return;
	}
	if (!s->srv->tls || s->kind == LISTEN_IMAPS || s->link.tls) {
		imap_bad(s, s->link.tls ? "TLS is already active." :
			 "TLS support isn't enabled.");
		return;
	}
	imap_done(s, "OK", "Begin TLS negotiation now.");
	imap_starttls(s);
}
