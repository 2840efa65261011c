// SPDX-License-Identifier: GPL-2.0
/*
 * SMTP commands: a table of verbs, each with a check of where in the
 * dialogue it may come and a step that carries it out (RFC 5321 4.1).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "log.h"
#include "smtp_priv.h"

/*
 * Sequencing (RFC 5321 4.1.4), as the check steps below enforce it:
 *
 *  state       HELO/EHLO     MAIL          RCPT          DATA / BDAT
 *  CONNECTED   -> GREETED    503 HELO 1st  503 MAIL 1st  503 MAIL 1st
 *  GREETED     -> GREETED    -> MAIL       503 MAIL 1st  503 MAIL 1st
 *  MAIL        -> GREETED *  503 nested    -> RCPT       503 RCPT 1st
 *  RCPT        -> GREETED *  503 nested    -> RCPT       the message
 *
 *  (*) a new EHLO ends the transaction, as RSET does. RSET, NOOP, VRFY,
 *  HELP and QUIT are allowed anywhere. STARTTLS only outside a
 *  transaction and once; it sends the session back to CONNECTED. AUTH
 *  only after EHLO, under TLS, outside a transaction, once. On the
 *  submission and SMTPS ports, MAIL needs AUTH first (and on submission,
 *  STARTTLS before that).
 */

struct smtp_command {
	enum smtp_verb verb;
	const char *name;
	/* 0, or the reply already sent: the command goes no further. */
	int (*check)(struct smtp_session *s, const struct smtp_cmd *cmd);
	void (*proceed)(struct smtp_session *s, struct smtp_cmd *cmd);
};

static const char *host(const struct smtp_session *s)
{
	return s->srv->conf.hostname;
}

void smtp_txn_reset(struct smtp_session *s)
{
	free(s->txn.rcpts);
	memset(&s->txn, 0, sizeof(s->txn));
	evbuffer_drain(s->msg, evbuffer_get_length(s->msg));
	if (s->state > SMTP_S_GREETED)
		s->state = SMTP_S_GREETED;
}

static int reject(struct smtp_session *s, const char *reply)
{
	smtp_reply(s, "%s", reply);
	smtp_error(s);
	return -1;
}

static int need_greeting(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	(void)cmd;
	if (s->state == SMTP_S_CONNECTED)
		return reject(s, "503 5.5.1 Error: send HELO/EHLO first");
	return 0;
}

/*
 * The HELO name goes into Received: and the log: a control character (a
 * bare CR above all, which the line reader leaves inside a line) has no
 * place in a domain or address literal (RFC 5321 4.1.2).
 */
static int check_helo(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	const unsigned char *p;

	for (p = (const unsigned char *)cmd->arg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return reject(s, "501 5.5.2 Error: control character "
				      "in HELO/EHLO name");
	return 0;
}

static int check_mail(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	if (need_greeting(s, cmd))
		return -1;
	if (s->state != SMTP_S_GREETED)
		return reject(s, "503 5.5.1 Error: nested MAIL command");
	if (s->kind == LISTEN_SUBMISSION && !s->link.tls)
		return reject(s, "530 5.7.0 Must issue a STARTTLS command first");
	if (s->kind != LISTEN_SMTP && !s->auth_user[0])
		return reject(s, "530 5.7.0 Authentication required");
	return 0;
}

static int check_rcpt(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	(void)cmd;
	if (s->state < SMTP_S_MAIL)
		return reject(s, "503 5.5.1 Error: need MAIL command");
	return 0;
}

static int check_data(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	if (s->state < SMTP_S_MAIL)
		return reject(s, "503 5.5.1 Error: need MAIL command");
	if (s->state < SMTP_S_RCPT)
		return reject(s, "503 5.5.1 Error: need RCPT command");
	if (cmd->verb == SMTP_DATA && s->txn.bdat)
		return reject(s, "503 5.5.1 Error: DATA after BDAT");
	return 0;
}

static int check_starttls(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	(void)cmd;
	if (!s->srv->tls || s->kind == LISTEN_SMTPS)
		return reject(s, "502 5.5.1 Error: command not implemented");
	if (s->link.tls)
		return reject(s, "554 5.5.1 Error: TLS already active");
	if (s->state > SMTP_S_GREETED)
		return reject(s, "503 5.5.1 Error: MAIL transaction in progress");
	return 0;
}

static int check_auth(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	(void)cmd;
	if (!s->esmtp)
		return reject(s, "503 5.5.1 Error: send EHLO first");
	if (!s->link.tls)
		return reject(s, "538 5.7.11 Encryption required for requested "
			      "authentication mechanism");
	if (s->auth_user[0])
		return reject(s, "503 5.5.1 Error: already authenticated");
	if (s->state > SMTP_S_GREETED)
		return reject(s, "503 5.5.1 Error: MAIL transaction in progress");
	return 0;
}

static void ehlo_keywords(struct smtp_session *s)
{
	smtp_reply(s, "250-PIPELINING");
	smtp_reply(s, "250-SIZE %llu",
		   (unsigned long long)s->srv->conf.max_message_size);
	if (s->srv->tls && !s->link.tls && s->kind != LISTEN_SMTPS)
		smtp_reply(s, "250-STARTTLS");
	if (s->link.tls && !s->auth_user[0])
		smtp_reply(s, "250-AUTH PLAIN LOGIN");
	smtp_reply(s, "250-ENHANCEDSTATUSCODES");
	smtp_reply(s, "250-8BITMIME");
	smtp_reply(s, "250-CHUNKING");
	smtp_reply(s, "250-DSN");
	smtp_reply(s, "250 SMTPUTF8");
}

static void do_helo(struct smtp_session *s, struct smtp_cmd *cmd)
{
	smtp_txn_reset(s);
	snprintf(s->helo, sizeof(s->helo), "%s", cmd->arg);
	s->esmtp = cmd->verb == SMTP_EHLO;
	s->state = SMTP_S_GREETED;
	if (!s->esmtp) {
		smtp_reply(s, "250 %s", host(s));
		return;
	}
	smtp_reply(s, "250-%s", host(s));
	ehlo_keywords(s);
}

/*
 * RET and ENVID (RFC 3461 4.3, 4.4): a bad value, or one given twice, is a
 * 501 (RFC 3461 4: "duplicate parameters ... 501").
 */
static int dsn_mail_param(struct smtp_session *s, const struct smtp_param *p,
			  struct smtp_txn *t)
{
	if (!strcmp(p->key, "RET")) {
		if (t->ret || dsn_ret_parse(p->value, &t->ret))
			return reject(s, "501 5.5.4 Bad RET parameter");
		return 0;
	}
	if (t->envid[0] || dsn_envid_check(p->value))
		return reject(s, "501 5.5.4 Bad ENVID parameter");
	snprintf(t->envid, sizeof(t->envid), "%s", p->value);
	return 0;
}

/* MAIL's parameters (RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8). */
static int mail_params(struct smtp_session *s, const struct smtp_cmd *cmd,
		       struct smtp_txn *t)
{
	unsigned long long size;
	char *end;
	int i;

	for (i = 0; i < cmd->nparams; i++) {
		const struct smtp_param *p = &cmd->params[i];

		if (!strcmp(p->key, "SIZE") && p->value) {
			size = strtoull(p->value, &end, 10);
			if (!*p->value || *end)
				return reject(s, "501 5.5.4 Bad SIZE syntax");
			if (size > s->srv->conf.max_message_size)
				return reject(s, "552 5.3.4 Message size "
					      "exceeds fixed limit");
		} else if (!strcmp(p->key, "BODY") && p->value) {
			if (!strcasecmp(p->value, "8BITMIME"))
				t->body_8bit = true;
			else if (strcasecmp(p->value, "7BIT"))
				return reject(s, "501 5.5.4 Unsupported BODY "
					      "parameter value");
		} else if (!strcmp(p->key, "SMTPUTF8") && !p->value) {
			t->smtputf8 = true;
			t->body_8bit = true;	/* RFC 6531 3.1 */
		} else if (!strcmp(p->key, "AUTH") && p->value) {
			continue;	/* RFC 4954 5: an MTA's hint, unused */
		} else if (!strcmp(p->key, "RET") || !strcmp(p->key, "ENVID")) {
			if (dsn_mail_param(s, p, t))
				return -1;
		} else {
			return reject(s, "555 5.5.4 Unsupported option");
		}
	}
	return 0;
}

static void new_id(struct smtp_txn *t)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char r[6];
	size_t i;

	evutil_secure_rng_get_bytes(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++) {
		t->id[2 * i] = hex[r[i] >> 4];
		t->id[2 * i + 1] = hex[r[i] & 15];
	}
	t->id[2 * sizeof(r)] = '\0';
}

/* The transaction exists only once MAIL is whole and good. */
static void do_mail(struct smtp_session *s, struct smtp_cmd *cmd)
{
	struct smtp_txn t = { 0 };
	struct mailaddr a;
	const char *err;

	if (mail_params(s, cmd, &t))
		return;
	if (mailaddr_parse(cmd->path, true, t.smtputf8, &a, &err)) {
		smtp_reply(s, "501 5.1.7 <%s>: Bad sender address syntax: %s",
			   cmd->path, err);
		smtp_error(s);
		return;
	}
	mailaddr_format(&a, t.from, sizeof(t.from));
	new_id(&t);
	s->txn = t;
	s->state = SMTP_S_MAIL;
	smtp_reply(s, "250 2.1.0 Ok");
}

static void log_reject(struct smtp_session *s, const char *addr,
		       const char *reply)
{
	log_msg(LOG_INFO, "NOQUEUE: reject: RCPT from unknown[%s]: %s; "
		"from=<%s> to=<%s> proto=%s helo=<%s>", s->peer_ip, reply,
		s->txn.from, addr, s->esmtp ? "ESMTP" : "SMTP", s->helo);
}

/*
 * Relay rules: mail for a local domain is taken from anyone if the user
 * exists; for any other domain only from mynetworks or after AUTH.
 */
static int rcpt_allowed(struct smtp_session *s, const struct mailaddr *a,
			const char *addr, struct smtp_rcpt *r)
{
	char reply[MAILADDR_PATH_MAX + 128];
	const struct user *u;

	if (conf_is_local_domain(&s->srv->conf, a->domain)) {
		u = server_local_user(s->srv, a->quoted ? "" : a->local);
		if (u) {
			snprintf(r->user, sizeof(r->user), "%s", u->name);
			return 0;
		}
		if (s->srv->users_unreadable)
			snprintf(reply, sizeof(reply), "451 4.3.0 <%s>: "
				 "Temporary lookup failure", addr);
		else
			snprintf(reply, sizeof(reply), "550 5.1.1 <%s>: "
				 "Recipient address rejected: User unknown in "
				 "local recipient table", addr);
	} else if (s->trusted || s->auth_user[0]) {
		r->user[0] = '\0';
		return 0;
	} else {
		snprintf(reply, sizeof(reply),
			 "554 5.7.1 <%s>: Relay access denied", addr);
	}
	log_reject(s, addr, reply);
	return reject(s, reply);
}

/* NOTIFY and ORCPT (RFC 3461 4.1, 4.2), each at most once. */
static int rcpt_params(struct smtp_session *s, const struct smtp_cmd *cmd,
		       struct smtp_rcpt *r)
{
	int i;

	r->notify = 0;
	r->orcpt[0] = '\0';
	for (i = 0; i < cmd->nparams; i++) {
		const struct smtp_param *p = &cmd->params[i];

		if (!strcmp(p->key, "NOTIFY")) {
			if (r->notify || dsn_notify_parse(p->value, &r->notify))
				return reject(s, "501 5.5.4 Bad NOTIFY "
					      "parameter");
		} else if (!strcmp(p->key, "ORCPT")) {
			if (r->orcpt[0] || dsn_orcpt_check(p->value))
				return reject(s, "501 5.5.4 Bad ORCPT "
					      "parameter");
			snprintf(r->orcpt, sizeof(r->orcpt), "%s", p->value);
		} else {
			return reject(s, "555 5.5.4 Unsupported option");
		}
	}
	return 0;
}

static void do_rcpt(struct smtp_session *s, struct smtp_cmd *cmd)
{
	struct smtp_rcpt r, *v;
	struct mailaddr a;
	const char *err;

	if (rcpt_params(s, cmd, &r))
		return;
	if (mailaddr_parse(cmd->path, false, s->txn.smtputf8, &a, &err)) {
		smtp_reply(s, "501 5.1.3 <%s>: Bad recipient address syntax: "
			   "%s", cmd->path, err);
		smtp_error(s);
		return;
	}
	if (s->txn.nrcpt >= s->srv->conf.max_recipients) {
		smtp_reply(s, "452 4.5.3 Error: too many recipients");
		return;
	}
	mailaddr_format(&a, r.addr, sizeof(r.addr));
	if (rcpt_allowed(s, &a, r.addr, &r))
		return;
	v = realloc(s->txn.rcpts, (size_t)(s->txn.nrcpt + 1) * sizeof(*v));
	if (!v) {
		smtp_reply(s, "451 4.3.0 Error: out of memory");
		return;
	}
	s->txn.rcpts = v;
	s->txn.rcpts[s->txn.nrcpt++] = r;
	s->state = SMTP_S_RCPT;
	smtp_reply(s, "250 2.1.5 Ok");
}

static void do_data(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_data_start(s);
}

static void do_bdat(struct smtp_session *s, struct smtp_cmd *cmd)
{
	smtp_bdat_start(s, cmd);
}

static void do_rset(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_txn_reset(s);
	smtp_reply(s, "250 2.0.0 Ok");
}

static void do_noop(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_reply(s, "250 2.0.0 Ok");
}

static void do_quit(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_reply(s, "221 2.0.0 Bye");
	smtp_close(s);
}

/* RFC 5321 3.5.3: no list of users is given away. */
static void do_vrfy(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_reply(s, "252 2.0.0 Cannot VRFY user, but will accept message "
		   "and attempt delivery");
}

static void do_expn(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_reply(s, "502 5.5.1 Error: EXPN is not available");
}

static void do_help(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_reply(s, "214-2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT");
	smtp_reply(s, "214-2.0.0 RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
	smtp_reply(s, "214 2.0.0 See RFC 5321");
}

static void do_starttls(struct smtp_session *s, struct smtp_cmd *cmd)
{
	(void)cmd;
	smtp_reply(s, "220 2.0.0 Ready to start TLS");
	/* RFC 3207 4.2: everything known before TLS is forgotten. */
	smtp_txn_reset(s);
	s->state = SMTP_S_CONNECTED;
	s->esmtp = false;
	s->helo[0] = '\0';
	smtp_starttls(s);
}

static void do_auth(struct smtp_session *s, struct smtp_cmd *cmd)
{
	smtp_auth_start(s, cmd);
}

static const struct smtp_command commands[] = {
	{ SMTP_HELO, "HELO", check_helo, do_helo },
	{ SMTP_EHLO, "EHLO", check_helo, do_helo },
	{ SMTP_MAIL, "MAIL", check_mail, do_mail },
	{ SMTP_RCPT, "RCPT", check_rcpt, do_rcpt },
	{ SMTP_DATA, "DATA", check_data, do_data },
	{ SMTP_BDAT, "BDAT", check_data, do_bdat },
	{ SMTP_RSET, "RSET", NULL, do_rset },
	{ SMTP_NOOP, "NOOP", NULL, do_noop },
	{ SMTP_QUIT, "QUIT", NULL, do_quit },
	{ SMTP_VRFY, "VRFY", NULL, do_vrfy },
	{ SMTP_EXPN, "EXPN", NULL, do_expn },
	{ SMTP_HELP, "HELP", NULL, do_help },
	{ SMTP_STARTTLS, "STARTTLS", check_starttls, do_starttls },
	{ SMTP_AUTH, "AUTH", check_auth, do_auth },
};

static const struct smtp_command *find(enum smtp_verb verb)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].verb == verb)
			return &commands[i];
	return NULL;
}

static void command(struct smtp_session *s, char *line)
{
	const struct smtp_command *c;
	size_t len = strlen(line) + 2;	/* with its CRLF */
	struct smtp_cmd cmd;
	const char *err = NULL;
	int ret;

	s->ncommands++;
	ret = smtp_cmd_parse(line, &cmd, &err);
	/* The reader took RCPT's length; other verbs have less. */
	if (len > smtp_cmd_line_max(ret == -ENOENT ? SMTP_UNKNOWN :
				    cmd.verb)) {
		reject(s, "500 5.5.0 Error: line too long");
		return;
	}
	c = ret == -ENOENT ? NULL : find(cmd.verb);
	if (!c) {
		reject(s, "500 5.5.2 Error: command not recognized");
		return;
	}
	snprintf(s->last_verb, sizeof(s->last_verb), "%s", c->name);
	if (ret) {
		smtp_reply(s, "501 5.5.4 %s", err ? err : "Syntax error");
		smtp_error(s);
		return;
	}
	if (c->check && c->check(s, &cmd))
		return;
	c->proceed(s, &cmd);
}

void smtp_line_done(struct smtp_session *s, enum smtp_line_status st)
{
	if (st != SMTP_LINE_OK && s->in == SMTP_IN_AUTH)
		smtp_auth_abort(s);	/* an AUTH exchange ends with it */
	if (st == SMTP_LINE_TOO_LONG) {
		reject(s, "500 5.5.0 Error: line too long");
		return;
	}
	if (st == SMTP_LINE_HAS_NUL) {
		reject(s, "500 5.5.2 Error: NUL character in command");
		return;
	}
	if (s->in != SMTP_IN_AUTH) {
		command(s, s->line.buf);
	} else if (s->line.len > SMTP_LINE_MAX - 2) {
		/* RCPT's longer limit is no AUTH line's. */
		smtp_auth_abort(s);
		reject(s, "500 5.5.0 Error: line too long");
	} else {
		smtp_auth_line(s, s->line.buf);
	}
}
