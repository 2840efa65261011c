// SPDX-License-Identifier: GPL-2.0
/* LOGOUT (RFC 3501 6.1.3): BYE, the tagged OK, then the close. */
#include "imap_priv.h"

void imap_cmd_logout(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	(void)uid;
	(void)args;
	imap_view_close(s);
	s->state = IMAP_S_LOGOUT;
	imap_send(s, "* BYE %s IMAP4rev1 server terminating connection",
		  s->srv->conf.hostname);
	imap_done(s, "OK", "LOGOUT completed.");
	imap_close(s);
}
