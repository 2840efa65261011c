// SPDX-License-Identifier: GPL-2.0
/* SUBSCRIBE and UNSUBSCRIBE (RFC 3501 6.3.6, 6.3.7). */
#include "imap_folders.h"
#include "imap_priv.h"

static void change(struct imap_session *s, const struct imap_arg *args,
		   bool add)
{
	const char *name = imap_arg_str(args);
	struct imap_names subs;
	int ret;

	if (!name || args->next) {
		imap_bad(s, "SUBSCRIBE needs a mailbox name.");
		return;
	}
	if (!imap_folder_name_ok(name)) {
		imap_done(s, "NO", "Invalid mailbox name.");
		return;
	}
	ret = imap_subs_read(s->root, &subs);
	if (!ret) {
		if (add)
			ret = imap_names_add(&subs, name);
		else
			imap_names_del(&subs, name);
	}
	if (!ret)
		ret = imap_subs_write(s->root, &subs);
	imap_names_free(&subs);
	if (ret)
		imap_done(s, "NO", "[SERVERBUG] Can't save subscriptions.");
	else
		imap_done(s, "OK", "%s completed.",
			  add ? "Subscribe" : "Unsubscribe");
}

void imap_cmd_subscribe(struct imap_session *s, const struct imap_arg *args,
			bool uid)
{
	(void)uid;
	change(s, args, true);
}

void imap_cmd_unsubscribe(struct imap_session *s,
			  const struct imap_arg *args, bool uid)
{
	(void)uid;
	change(s, args, false);
}
