// SPDX-License-Identifier: GPL-2.0
/* ID (RFC 2971): the server's name; the client's is not kept. */
#include "imap_priv.h"

void imap_cmd_id(struct imap_session *s, const struct imap_arg *args,
		 bool uid)
{
	(void)uid;
	if (!args || args->next ||
	    (args->type != IMAP_ARG_LIST && args->type != IMAP_ARG_NIL)) {
		imap_bad(s, "ID needs a list or NIL.");
		return;
	}
	imap_send(s, "* ID (\"name\" \"nfpostd\")");
	imap_done(s, "OK", "ID completed.");
}
