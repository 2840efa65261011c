// SPDX-License-Identifier: GPL-2.0
/* CAPABILITY (RFC 3501 6.1.1): what this session may use now. */
#include "imap_priv.h"

void imap_cmd_capability(struct imap_session *s, const struct imap_arg *args,
			 bool uid)
{
	(void)uid;
	if (args) {
		imap_bad(s, "CAPABILITY takes no arguments.");
		return;
	}
	imap_send(s, "* CAPABILITY %s", imap_capability(s));
	imap_done(s, "OK", "Capability completed.");
}
