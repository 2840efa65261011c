// SPDX-License-Identifier: GPL-2.0
/* NAMESPACE (RFC 2342): one personal namespace, "." as separator. */
#include "imap_priv.h"

void imap_cmd_namespace(struct imap_session *s, const struct imap_arg *args,
			bool uid)
{
	(void)uid;
	if (args) {
		imap_bad(s, "NAMESPACE takes no arguments.");
		return;
	}
	imap_send(s, "* NAMESPACE ((\"\" \".\")) NIL NIL");
	imap_done(s, "OK", "Namespace completed.");
}
