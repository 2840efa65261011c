// SPDX-License-Identifier: GPL-2.0
/*
 * ENABLE (RFC 5161): no extension here needs enabling (CONDSTORE and
 * QRESYNC are not offered), so the list of what was enabled is empty.
 */
#include "imap_priv.h"

void imap_cmd_enable(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const struct imap_arg *a;

	(void)uid;
	if (!args) {
		imap_bad(s, "ENABLE needs capabilities.");
		return;
	}
	for (a = args; a; a = a->next) {
		if (!imap_arg_atom(a)) {
			imap_bad(s, "ENABLE takes atoms.");
			return;
		}
	}
	imap_send(s, "* ENABLED");
	imap_done(s, "OK", "Enabled.");
}
