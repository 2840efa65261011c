// SPDX-License-Identifier: GPL-2.0
/*
 * SMTP AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms,
 * checked against the users file; offered and accepted only under TLS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include <event2/bufferevent.h>

#include "log.h"
#include "sasl_plain.h"
#include "smtp_priv.h"

enum { AUTH_NONE, AUTH_PLAIN, AUTH_LOGIN };

#define AUTH_MAX	512	/* decoded bytes of one response */

static void auth_end(struct smtp_session *s)
{
	s->in = SMTP_IN_CMD;
	s->auth_mech = AUTH_NONE;
	s->auth_step = 0;
	OPENSSL_cleanse(s->auth_login, sizeof(s->auth_login));
}

/* In a worker: the hash (yescrypt: milliseconds of CPU, off the loop). */
static void check_run(struct work *w)
{
	struct smtp_auth_work *a = (struct smtp_auth_work *)w;
	struct user u = { .hash = a->hash };

	/* An unknown user costs the same time, against the dummy hash. */
	a->ok = users_verify(&u, a->password) && a->user[0];
	OPENSSL_cleanse(a->password, sizeof(a->password));
}

static void check_done(struct work *w)
{
	struct smtp_auth_work *a = (struct smtp_auth_work *)w;
	struct smtp_session *s = a->s;

	s->working = false;
	free(a->hash);
	a->hash = NULL;
	if (a->ok) {
		snprintf(s->auth_user, sizeof(s->auth_user), "%s", a->user);
		smtp_reply(s, "235 2.7.0 Authentication successful");
	} else {
		log_msg(LOG_WARNING, "unknown[%s]: SASL %s authentication "
			"failed: authentication failure, sasl_username=%s",
			s->peer_ip, s->auth_mech == AUTH_PLAIN ? "PLAIN" :
			"LOGIN", s->auth_login);
		smtp_reply(s, "535 5.7.8 Error: authentication failed");
		smtp_error(s);
	}
	auth_end(s);
	smtp_resume(s);
}

/*
 * The name exactly as in the users file, where names are lower case:
 * unlike a recipient's local part (matched ignoring case, as Postfix
 * does), an AUTH name is an identity and is not folded (RFC 4616 compares
 * it as given). Neither is postmaster mapped.
 */
static const struct user *auth_user(struct server *srv, const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return NULL;
	return users_name_ok(name) ? users_find(server_users(srv), name) :
	       NULL;
}

/*
 * Hands the check to a worker; the session reads nothing more until its
 * answer is out. What the worker needs is copied: the users may be re-read
 * meanwhile.
 */
static void auth_result(struct smtp_session *s, const char *user,
			const char *password)
{
	const struct user *u = auth_user(s->srv, user);
	struct smtp_auth_work *a = &s->auth;

	a->s = s;
	snprintf(a->user, sizeof(a->user), "%s", u ? u->name : "");
	/* For the log line: the name as the client gave it. */
	if (user != s->auth_login)
		snprintf(s->auth_login, sizeof(s->auth_login), "%s", user);
	a->hash = strdup(u ? u->hash : s->srv->dummy_hash);
	if (!a->hash || strlen(password) >= sizeof(a->password)) {
		free(a->hash);
		a->hash = NULL;
		smtp_reply(s, "535 5.7.8 Error: authentication failed");
		smtp_error(s);
		auth_end(s);
		return;
	}
	strcpy(a->password, password);
	a->w.run = check_run;
	a->w.done = check_done;
	s->working = true;
	bufferevent_disable(s->link.bev, EV_READ);
	workers_submit(s->srv->workers, &a->w);
}

/* RFC 4616, strictly: see sasl_plain.h. */
static void plain(struct smtp_session *s, const char *resp)
{
	struct sasl_plain p;
	int ret = sasl_plain_decode(resp, &p);

	if (ret == -EINVAL) {
		smtp_reply(s, "501 5.5.2 Error: invalid base64 data");
		smtp_error(s);
		auth_end(s);
	} else if (ret) {
		smtp_reply(s, "535 5.7.8 Error: authentication failed");
		smtp_error(s);
		auth_end(s);
	} else {
		auth_result(s, p.user, p.pass);
	}
	OPENSSL_cleanse(&p, sizeof(p));
}

static void login(struct smtp_session *s, const char *resp)
{
	unsigned char buf[AUTH_MAX];

	if (sasl_b64_decode(resp, buf, sizeof(buf)) < 0) {
		smtp_reply(s, "501 5.5.2 Error: invalid base64 data");
		smtp_error(s);
		auth_end(s);
		return;
	}
	if (s->auth_step++ == 0) {
		if (strlen((char *)buf) >= sizeof(s->auth_login)) {
			smtp_reply(s, "535 5.7.8 Error: authentication failed");
			smtp_error(s);
			auth_end(s);
			return;
		}
		strcpy(s->auth_login, (char *)buf);
		smtp_reply(s, "334 UGFzc3dvcmQ6");	/* "Password:" */
		s->in = SMTP_IN_AUTH;
		return;
	}
	auth_result(s, s->auth_login, (const char *)buf);
	OPENSSL_cleanse(buf, sizeof(buf));
}

static void respond(struct smtp_session *s, const char *resp)
{
	if (s->auth_mech == AUTH_PLAIN)
		plain(s, resp);
	else
		login(s, resp);
}

void smtp_auth_start(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	char mech[32];
	const char *init;

	if (sscanf(cmd->arg, "%31s", mech) != 1) {
		smtp_reply(s, "501 5.5.4 Syntax: AUTH mechanism");
		smtp_error(s);
		return;
	}
	init = cmd->arg + strlen(mech);
	init += strspn(init, " ");
	if (!strcasecmp(mech, "PLAIN")) {
		s->auth_mech = AUTH_PLAIN;
	} else if (!strcasecmp(mech, "LOGIN")) {
		s->auth_mech = AUTH_LOGIN;
	} else {
		smtp_reply(s, "504 5.5.4 Unrecognized authentication type");
		smtp_error(s);
		return;
	}
	/* RFC 4954 4: "=" is an empty initial response. */
	if (!strcmp(init, "="))
		init = "";
	if (*init || !strcmp(cmd->arg + strlen(mech), " =")) {
		respond(s, init);
		return;
	}
	s->in = SMTP_IN_AUTH;
	/* PLAIN waits with an empty challenge, LOGIN asks "Username:". */
	smtp_reply(s, "%s", s->auth_mech == AUTH_PLAIN ? "334 " :
		   "334 VXNlcm5hbWU6");
}

void smtp_auth_abort(struct smtp_session *s)
{
	auth_end(s);
}

void smtp_auth_line(struct smtp_session *s, const char *line)
{
	if (!strcmp(line, "*")) {
		smtp_reply(s, "501 5.7.0 Authentication aborted");
		auth_end(s);
		return;
	}
	respond(s, line);
}
