// SPDX-License-Identifier: GPL-2.0
/*
 * The IMAP command registry: each command's name, the states it is valid
 * in and its handler (one file per command, imap_cmd_<name>.c), and the
 * dispatch of a gathered command to it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imap_priv.h"

/*
 * The states (RFC 3501 3), as the registry's masks enforce them:
 *
 *                  +-------------------+
 *   connection --> | Not Authenticated | --LOGOUT--+
 *                  +-------------------+           |
 *                   | LOGIN / AUTHENTICATE         |
 *                   v                              |
 *                  +---------------+               |
 *                  | Authenticated | <--+ CLOSE,   |
 *                  +---------------+    | UNSELECT,|
 *                   | SELECT / EXAMINE  | failed   |
 *                   v                   | SELECT   |
 *                  +----------+         |          |
 *                  | Selected | --------+          |
 *                  +----------+                    |
 *                   | LOGOUT                       v
 *                   +------------------------> [ Logout ] -> close
 *
 *  Any state: CAPABILITY, NOOP, LOGOUT, ID. Not Authenticated only:
 *  STARTTLS (once, before a login, not on imaps), LOGIN (LOGINDISABLED
 *  before TLS unless plaintext_auth), AUTHENTICATE PLAIN. Authenticated
 *  and Selected: SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
 *  UNSUBSCRIBE, LIST, LSUB, STATUS, APPEND, IDLE, NAMESPACE, ENABLE.
 *  Selected only: CHECK, CLOSE, UNSELECT, EXPUNGE, SEARCH, FETCH, STORE,
 *  COPY, MOVE and their UID forms. Anything else, or in another state,
 *  is BAD and counted.
 */

#define NA	(1u << IMAP_S_NOAUTH)
#define AU	(1u << IMAP_S_AUTH)
#define SE	(1u << IMAP_S_SELECTED)

static const struct imap_command {
	const char *name;
	unsigned int states;
	bool uid_ok;		/* may follow "UID" */
	imap_cmd_fn *fn;
} commands[] = {
	{ "CAPABILITY", NA | AU | SE, false, imap_cmd_capability },
	{ "NOOP", NA | AU | SE, false, imap_cmd_noop },
	{ "LOGOUT", NA | AU | SE, false, imap_cmd_logout },
	{ "ID", NA | AU | SE, false, imap_cmd_id },
	{ "STARTTLS", NA, false, imap_cmd_starttls },
	{ "LOGIN", NA, false, imap_cmd_login },
	{ "AUTHENTICATE", NA, false, imap_cmd_authenticate },
	{ "SELECT", AU | SE, false, imap_cmd_select },
	{ "EXAMINE", AU | SE, false, imap_cmd_examine },
	{ "CREATE", AU | SE, false, imap_cmd_create },
	{ "DELETE", AU | SE, false, imap_cmd_delete },
	{ "RENAME", AU | SE, false, imap_cmd_rename },
	{ "SUBSCRIBE", AU | SE, false, imap_cmd_subscribe },
	{ "UNSUBSCRIBE", AU | SE, false, imap_cmd_unsubscribe },
	{ "LIST", AU | SE, false, imap_cmd_list },
	{ "LSUB", AU | SE, false, imap_cmd_lsub },
	{ "STATUS", AU | SE, false, imap_cmd_status },
	{ "APPEND", AU | SE, false, imap_cmd_append },
	{ "IDLE", AU | SE, false, imap_cmd_idle },
	{ "NAMESPACE", AU | SE, false, imap_cmd_namespace },
	{ "ENABLE", AU | SE, false, imap_cmd_enable },
	{ "CHECK", SE, false, imap_cmd_check },
	{ "CLOSE", SE, false, imap_cmd_close },
	{ "UNSELECT", SE, false, imap_cmd_unselect },
	{ "EXPUNGE", SE, true, imap_cmd_expunge },
	{ "SEARCH", SE, true, imap_cmd_search },
	{ "FETCH", SE, true, imap_cmd_fetch },
	{ "STORE", SE, true, imap_cmd_store },
	{ "COPY", SE, true, imap_cmd_copy },
	{ "MOVE", SE, true, imap_cmd_move },
};

bool imap_login_allowed(const struct imap_session *s)
{
	return s->link.tls || s->srv->conf.plaintext_auth;
}

const char *imap_capability(const struct imap_session *s)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE "
		 "IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE "
		 "ESEARCH CONDSTORE%s%s",
		 s->state == IMAP_S_NOAUTH && s->srv->tls && !s->link.tls &&
		 s->kind != LISTEN_IMAPS ? " STARTTLS" : "",
		 s->state != IMAP_S_NOAUTH ? "" :
		 imap_login_allowed(s) ? " AUTH=PLAIN" : " LOGINDISABLED");
	return buf;
}

static const struct imap_command *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void keep_tag(struct imap_session *s, const char *tag)
{
	snprintf(s->tag, sizeof(s->tag), "%s", tag);
}

void imap_command(struct imap_session *s, char *buf, size_t len)
{
	const struct imap_command *c;
	const struct imap_arg *args;
	const char *err, *name;
	bool uid = false;
	int ret;

	if (s->sasl_pending || s->idling) {
		buf[len - 2] = '\0';
		if (s->sasl_pending)
			imap_authenticate_line(s, buf);
		else
			imap_idle_line(s, buf);
		return;
	}
	if (!s->cmd)
		s->cmd = malloc(sizeof(*s->cmd));	/* shed while idle */
	if (!s->cmd) {
		strcpy(s->tag, "*");
		imap_send(s, "* BYE Out of memory.");
		imap_close(s);
		return;
	}
	ret = imap_cmd_parse(buf, len, s->cmd, &err);
	if (ret == -ENOENT) {
		strcpy(s->tag, "*");
		imap_bad(s, err);
		return;
	}
	keep_tag(s, s->cmd->tag ? s->cmd->tag : "*");
	if (ret) {
		imap_bad(s, err);
		return;
	}
	name = s->cmd->name;
	args = s->cmd->args;
	if (!strcmp(name, "UID")) {
		name = imap_arg_atom(args);
		args = args ? args->next : NULL;
		uid = true;
	}
	c = name ? find(name) : NULL;
	if (c && uid && !c->uid_ok)
		c = NULL;
	if (!c) {
		imap_bad(s, "Unknown command.");
		return;
	}
	if (!(c->states & (1u << s->state))) {
		imap_bad(s, s->state == IMAP_S_NOAUTH ?
			 "Command not valid before login." :
			 s->state == IMAP_S_AUTH ?
			 "No mailbox selected." : "Command not valid now.");
		return;
	}
	c->fn(s, args, uid);
}
