// SPDX-License-Identifier: GPL-2.0
/*
 * SMTP AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms,
 * checked against the users file; offered and accepted only under TLS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

#include <event2/bufferevent.h>

#include "log.h"
#include "smtp_priv.h"

enum { AUTH_NONE, AUTH_PLAIN, AUTH_LOGIN };

#define AUTH_MAX	512	/* decoded bytes of one response */

/* Base64 to bytes; -1 if not base64. The result is NUL-terminated. */
static int b64_decode(const char *in, unsigned char *out, size_t size)
{
	size_t len = strlen(in), pad = 0;
	int n;

	if (len % 4 || len / 4 * 3 >= size)
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	while (len && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	n -= (int)pad;
	out[n] = '\0';
	return n;
}

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
	bufferevent_disable(s->bev, EV_READ);
	workers_submit(s->srv->workers, &a->w);
}

/*
 * RFC 4616: [authzid] NUL authcid NUL passwd, nothing else: exactly two
 * NULs, authcid and passwd of 1 to 255 octets, and an authzid either
 * empty or the authcid itself (no proxy authorization).
 */
static int plain_split(const unsigned char *buf, int n, const char **user_r,
		       const char **pass_r)
{
	const char *authz = (const char *)buf, *user, *pass;
	size_t zl, ul, pl;

	if (memchr(buf, '\0', (size_t)n) == NULL)
		return -1;
	zl = strlen(authz);
	if (zl + 1 >= (size_t)n)
		return -1;
	user = authz + zl + 1;
	ul = strnlen(user, (size_t)n - zl - 1);
	if (zl + ul + 2 > (size_t)n)
		return -1;	/* no second NUL */
	pass = user + ul + 1;
	pl = (size_t)n - zl - ul - 2;
	if (!ul || !pl || ul > 255 || pl > USERS_PASSWORD_MAX ||
	    strnlen(pass, pl) != pl || (zl && strcmp(authz, user)))
		return -1;
	*user_r = user;
	*pass_r = pass;
	return 0;
}

static void plain(struct smtp_session *s, const char *resp)
{
	unsigned char buf[AUTH_MAX];
	const char *user, *pass;
	int n = b64_decode(resp, buf, sizeof(buf));

	if (n < 0) {
		smtp_reply(s, "501 5.5.2 Error: invalid base64 data");
		smtp_error(s);
		auth_end(s);
		return;
	}
	if (plain_split(buf, n, &user, &pass)) {
		smtp_reply(s, "535 5.7.8 Error: authentication failed");
		smtp_error(s);
		auth_end(s);
		OPENSSL_cleanse(buf, sizeof(buf));
		return;
	}
	auth_result(s, user, pass);
	OPENSSL_cleanse(buf, sizeof(buf));
}

static void login(struct smtp_session *s, const char *resp)
{
	unsigned char buf[AUTH_MAX];

	if (b64_decode(resp, buf, sizeof(buf)) < 0) {
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
