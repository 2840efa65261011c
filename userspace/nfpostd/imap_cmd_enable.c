// SPDX-License-Identifier: GPL-2.0
/*
 * ENABLE (RFC 5161): CONDSTORE (RFC 7162 3.1) is the one extension here
 * that needs enabling; others are ignored, as 3.1 of RFC 5161 says. An
 * extension is listed in "* ENABLED" when this command enabled it.
 */
#include <stdio.h>
#include <strings.h>

#include "imap_priv.h"

void imap_cmd_enable(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const struct imap_arg *a;
	bool condstore = false;

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
		if (!strcasecmp(a->str, "CONDSTORE"))
			condstore = true;
	}
	imap_send(s, "* ENABLED%s",
		  condstore && !s->condstore ? " CONDSTORE" : "");
	s->condstore |= condstore;
	imap_done(s, "OK", "Enabled.");
}
